"""Plain-text copies of blog pages (any theme, any language): posts, dates and comment threads.

`reader` reads a page into posts in three passes: `blocks` groups its lines, `anchors` finds where
each post starts, `post` reads each post's text, footer and (with `comments`) the threads the theme
families' headers show; `lines` holds what those families' lines mean. `thread` finds a comment
thread from the page's own repeating shape (list markers, a header of name and date, indentation
for replies) where those shapes say nothing; `heading` picks the post's title and date from the
evidence around them; `ending` tells where the post's own text ends.
"""

from civicreader.ingest.textpage.reader import FORMAT, MAX_LINE_CHARS, parse_text, read, sniff

__all__ = ["FORMAT", "MAX_LINE_CHARS", "parse_text", "read", "sniff"]

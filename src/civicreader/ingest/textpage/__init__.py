"""Plain-text copies of blog pages (any theme, any language): posts, dates and comment threads.

`reader` walks the page's blocks with the shapes of the theme families it knows; `thread` finds a
comment thread from the page's own repeating shape (list markers, a header of name and date,
indentation for replies) where those shapes say nothing; `heading` picks the post's title and date
from the evidence around them.
"""

from civicreader.ingest.textpage.reader import FORMAT, MAX_LINE_CHARS, parse_text, read, sniff

__all__ = ["FORMAT", "MAX_LINE_CHARS", "parse_text", "read", "sniff"]

"""What the citation key cites: the open post, or the paragraph or comment at the top of the reading pane.

The reading pane owns the key; this says which block is "in view" (the first one whose top is on
screen, or the one filling the screen when a long block starts above it), and words the notice.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from civicreader.cite import CitationError, citation, describe, render

if TYPE_CHECKING:
    from civicreader.ui.reading_pane import ReadingPane


def block_in_view(pane: ReadingPane) -> tuple[str, int] | None:
    """("paragraph", n) or ("comment", n), numbered from 1 as `civicreader cite` takes them; None for the post.

    The block of the current match (`n` / `N`, or the comment a person's list opened at) while it is in view;
    else the post itself while its title is on screen; after that the first paragraph or comment whose top
    is in view, or the one the view is inside when none starts on screen.
    """
    from civicreader.ui.reading_pane import CommentView

    titles = pane.query("#post-title")
    top = pane.scroll_y
    bottom = top + pane.scrollable_content_region.height
    if pane.current_match is not None and pane.current_match < len(pane.matches):
        # The match the reader was taken to (a search's, or the comment chosen under People), while in view.
        view = pane.matches[pane.current_match][0]
        region = view.virtual_region
        if region.y < bottom and region.bottom > top:
            if isinstance(view, CommentView) and view in pane.comment_views:
                return "comment", pane.comment_views.index(view) + 1
            paragraphs = list(pane.query(".paragraph"))
            if view in paragraphs:
                return "paragraph", paragraphs.index(view) + 1
    if not titles or titles.first().virtual_region.bottom > top:
        return None
    paragraphs = list(pane.query(".paragraph"))
    blocks = [("paragraph", number, view) for number, view in enumerate(paragraphs, 1)]
    blocks += [
        ("comment", number, view)
        for number, view in enumerate(pane.comment_views, 1)
        if isinstance(view, CommentView) and view.is_mounted and view.display
    ]
    inside = None
    for kind, number, view in blocks:
        region = view.virtual_region
        if top <= region.y < bottom:
            return kind, number
        if region.y < top < region.bottom:
            inside = (kind, number)
    return inside


def citation_text(pane: ReadingPane, style: str) -> tuple[str, str]:
    """(the citation, what it is of in a few words) for what the pane shows; CitationError when nothing is open."""
    if pane.opened is None:
        raise CitationError("Open a post first, then press Y to copy a citation of it.")
    where = block_in_view(pane)
    paragraph = where[1] if where and where[0] == "paragraph" else None
    comment = where[1] if where and where[0] == "comment" else None
    cited = citation(pane.opened.post, paragraph=paragraph, comment=comment)
    return render(cited, style), describe(cited)

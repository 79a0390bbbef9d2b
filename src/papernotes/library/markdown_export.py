"""The Markdown document written from the library (``export --md``): the document's layout
with every note in it, each paper link pointing at the paper's anchor when the list has one,
else its arXiv page or code (``link_export.py``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from papernotes.model import Note

if TYPE_CHECKING:
    from papernotes.library.api import Library


def export_markdown(library: Library) -> str:
    """The whole document as Markdown (``formats/markdown/write.py``)."""
    from papernotes.formats.markdown.write import render_document
    from papernotes.library.link_export import arxiv_or_code, markdown_papers

    layout = library.layout()

    def href(target: Note) -> str | None:  # the paper's anchor when the list has one
        return layout.publish.anchor(target.paper) or arxiv_or_code(target)

    return render_document(layout, markdown_papers(library, library.notes(), href))

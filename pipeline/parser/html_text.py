"""HTML to plain text, on lxml: one converter for HTML résumés and for HTML email bodies.

Block elements (paragraphs, list items, headings, table rows, `<br>`) end a line and table
cells are separated by a tab, so sections and columns survive; scripts, styles and the head
(metadata, not content) are dropped; entities come out decoded.
"""

from __future__ import annotations

from lxml import etree
from lxml import html as lxml_html

_BLOCKS = frozenset({"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table",
                     "section", "ul", "ol", "article", "header", "footer", "blockquote", "pre",
                     "dd", "dt", "address"})
_CELLS = frozenset({"td", "th"})
_DROPPED = ("script", "style", "head", "noscript", "template")


def html_to_text(markup: str) -> str:
    """The text of an HTML document or fragment, one line per block."""
    if not markup.strip():
        return ""
    parser = lxml_html.HTMLParser(encoding="utf-8", remove_comments=True)
    try:
        root = lxml_html.fromstring(markup.encode("utf-8", "surrogatepass"), parser=parser)
    except (etree.ParserError, ValueError):  # nothing an HTML parser can read: keep it as text
        return markup
    for dropped in list(root.iter(*_DROPPED)):
        dropped.drop_tree()
    for element in root.iter():
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag in _BLOCKS:
            element.tail = "\n" + (element.tail or "")
            if tag != "br":
                element.text = "\n" + (element.text or "")
        elif tag in _CELLS:
            element.text = "\t" + (element.text or "")
    return str(root.text_content())

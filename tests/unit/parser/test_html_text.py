"""One HTML-to-text converter (lxml) for HTML résumés and HTML email bodies."""

from __future__ import annotations

from pipeline.parser.extract_other import extract_html
from pipeline.parser.html_text import html_to_text


def test_blocks_end_lines_cells_are_tabbed_and_scripts_are_dropped() -> None:
    page = ("<html><head><title>CV</title><style>p{}</style></head><body>"
            "<h1>Ann &amp; Co</h1><p>Hi<br>there</p>"
            "<table><tr><td>2019</td><td>Dev</td></tr></table>"
            "<script>track()</script><!-- note --></body></html>")
    lines = [line for line in html_to_text(page).splitlines() if line.strip()]
    assert lines == ["Ann & Co", "Hi", "there", "\t2019\tDev"]


def test_a_resume_page_and_a_fragment() -> None:
    doc = extract_html(b"<div><b>Jin Lee</b></div><ul><li>Python</li><li>Go</li></ul>")
    assert doc.text.splitlines() == ["Jin Lee", "Python", "Go"]
    assert html_to_text("") == "" and html_to_text("plain &lt;text&gt;") == "plain <text>"

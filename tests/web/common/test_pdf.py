"""The shared HTML → PDF service: real WeasyPrint output, checked by rendering it with PDFium."""

from __future__ import annotations

from typing import Any

import pytest

from circulair.web.apps.common.pdf import html_to_pdf


def test_pdf_renders_text_and_svg(pdf_page_png: Any) -> None:
    html = (
        "<html><body><h1>Jaarverslag 2025</h1><p>Maakindustrie</p>"
        "<svg width='200' height='100'><rect width='200' height='100' fill='black'/></svg>"
        "</body></html>"
    )
    pdf = html_to_pdf(html)
    assert pdf.startswith(b"%PDF-")
    png, ink = pdf_page_png(pdf)
    assert png.startswith(b"\x89PNG")
    assert ink > 0.01  # the black rectangle alone is ~2 % of an A4 page
    _blank_png, blank_ink = pdf_page_png(html_to_pdf("<html><body></body></html>"))
    assert blank_ink < 0.001


def test_pdf_refuses_remote_resources() -> None:
    # A remote image is not fetched (no network at run time); the page still renders.
    pdf = html_to_pdf("<html><body><img src='https://example.org/x.png'><p>x</p></body></html>")
    assert pdf.startswith(b"%PDF-")
    with pytest.raises(ValueError, match="remote"):
        from circulair.web.apps.common.pdf import _fetch_local

        _fetch_local("https://example.org/x.png")

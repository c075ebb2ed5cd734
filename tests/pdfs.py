"""PDF test documents: lines of text set in Courier, one to a line."""

from __future__ import annotations

from pathlib import Path


def pdf_of(path: Path, lines: list[str]) -> Path:
    """Write ``lines`` as a one-page PDF at ``path``; the path back."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Courier", size=12)
    for line in lines:
        pdf.cell(0, 8, line, new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(path))
    return path

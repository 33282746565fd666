"""The house style of the printed documents (plan, subject-access export): A4, Bootstrap
Italia's Titillium font, the document's title in the metadata and as its first heading."""

from pathlib import Path

import bootstrap_italia_template
from fpdf import FPDF

FONTS = Path(bootstrap_italia_template.__file__).parent / "static" / "fonts" / "Titillium_Web"


def new_document(*, title: str, heading: str) -> FPDF:
    """A4 page one with its heading, the body font set (Titillium 11)."""
    pdf = FPDF(format="A4")
    pdf.add_font("Titillium", "", str(FONTS / "titillium-web-v10-latin-ext_latin-regular.ttf"))
    pdf.add_font("Titillium", "B", str(FONTS / "titillium-web-v10-latin-ext_latin-700.ttf"))
    pdf.set_title(title)
    pdf.add_page()
    pdf.set_font("Titillium", "B", 16)
    pdf.cell(0, 10, heading, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Titillium", "", 11)
    return pdf

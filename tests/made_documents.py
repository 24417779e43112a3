"""Documents the tests make from the real ones, where a real one of that kind is not at hand."""
from __future__ import annotations

from paths import REFERENCE


def cut_report(line: int, cells: int) -> str:
    """The 周口 2024 report cut after the first `cells` tab-separated cells of its line `line`
    (0-based), as an interrupted download leaves it: (43, 7) inside the t3 row
    2.其他法律行政法规禁止公开 (4 of its 7 numbers printed), (69, 6) inside the t4 row (6 of 15)."""
    lines = REFERENCE.read_text(encoding="utf-8").split("\n")
    return "\n".join(lines[:line]) + "\n" + "\t".join(lines[line].split("\t")[:cells])


def encrypted_pdf() -> bytes:
    """A one-page PDF encrypted with a user password (RC4), as fpdf2 writes it."""
    from fpdf import FPDF
    from fpdf.enums import EncryptionMethod

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.cell(text="2024")
    pdf.set_encryption(owner_password="owner", user_password="secret", encryption_method=EncryptionMethod.RC4)
    return bytes(pdf.output())

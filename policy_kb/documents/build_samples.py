"""Build the sample DOCX and PDF regulations from the plain-text sources in ``src/``.

Reproducible: fixed document dates, reportlab's invariant mode. Run from the repo root:
    .venv/bin/python policy_kb/documents/build_samples.py
The PDF uses the Adobe-GB1 CID font STSong-Light (not embedded; every PDF reader
ships it), so no font file is needed. Needs python-docx and reportlab.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

HERE = Path(__file__).resolve().parent
FIXED_DATE = dt.datetime(2025, 1, 1, 0, 0, 0)


def build_docx(src: Path, out: Path) -> None:
    import docx

    lines = [line.strip() for line in src.read_text(encoding="utf-8").splitlines() if line.strip()]
    document = docx.Document()
    document.add_heading(lines[0], level=1)
    for line in lines[1:]:
        document.add_paragraph(line)
    props = document.core_properties
    props.title, props.subject = lines[0], "社区设施"
    props.created = props.modified = FIXED_DATE
    props.last_modified_by = props.author = "SAMPLE"
    document.save(str(out))


def build_pdf(src: Path, out: Path) -> None:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    lines = [line.strip() for line in src.read_text(encoding="utf-8").splitlines() if line.strip()]
    pdf = canvas.Canvas(str(out), pagesize=A4, invariant=1)
    pdf.setTitle(lines[0])
    pdf.setSubject("住房保障")
    pdf.setAuthor("SAMPLE")
    width, height = A4
    y = height - 60
    per_line = 36  # characters per printed line at 12 pt
    for i, line in enumerate(lines):
        size = 16 if i == 0 else 12
        pdf.setFont("STSong-Light", size)
        for start in range(0, len(line), per_line):
            if y < 60:
                pdf.showPage()
                y = height - 60
                pdf.setFont("STSong-Light", size)
            pdf.drawString(50, y, line[start:start + per_line])
            y -= size + 8
        y -= 4
    pdf.save()


if __name__ == "__main__":
    build_docx(HERE / "src" / "幸福里社区居民公约.txt", HERE / "幸福里社区居民公约.docx")
    build_pdf(HERE / "src" / "示例市住宅装修管理规定.txt", HERE / "示例市住宅装修管理规定.pdf")
    print("built", sorted(p.name for p in HERE.glob("*.docx")) + sorted(p.name for p in HERE.glob("*.pdf")))

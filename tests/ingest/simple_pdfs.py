"""Small generated PDFs with a running header and known page texts, in both languages."""

from pathlib import Path


def _cid_canvas(path: Path, **kwargs):
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    return canvas.Canvas(str(path), **kwargs)


def make_pdf(path: Path, pages: list[list[str]], *, header: str, font: str = "Helvetica", **kwargs) -> Path:
    """Pages of lines; '  ' indents a line, '# ' makes it a 16pt title. Header on top, number at bottom."""
    from reportlab.pdfgen import canvas

    c = _cid_canvas(path, **kwargs) if font == "STSong-Light" else canvas.Canvas(str(path), **kwargs)
    for number, lines in enumerate(pages, start=1):
        c.setFont(font, 9)
        c.drawString(72, 800, header)
        c.setFont(font, 12)
        y = 760
        for line in lines:
            if line.startswith("# "):
                c.setFont(font, 16)
                c.drawString(72, y, line[2:])
                c.setFont(font, 12)
                y -= 30
                continue
            indent = 24 if line.startswith("  ") else 0
            c.drawString(72 + indent, y, line.strip())
            y -= 18
        c.setFont(font, 9)
        c.drawString(295, 40, str(number))
        c.showPage()
    c.save()
    return path


ZH_PAGES = [
    ["# 国际组织间合作强度研究",
     "  联合国与区域国际组织在维和领域的合作已经成为一个重要",
     "趋势，合作强度取决于资源依赖程度。",
     "  在物质性资源方面，欧盟向联合国提供了关键的物质性资源和",
     "象征性资源，例如资金、人员与后勤保障，并且承担了较多的"],
    ["维和经费。",
     "  总之，联合国对欧盟的资源依赖程度较高。"],
]
EN_PAGES = [
    ["# Cooperation Between International Organizations",
     "  International organizations increasingly seek coope-",
     "ration with regional bodies because they depend on their",
     "material and symbolic resources.",
     "  The European Union provided troops and funding for the"],
    ["operation in the Congo.",
     "  Regional organizations lobby the United Nations."],
]

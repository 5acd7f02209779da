"""A generated corpus of real and hostile input (nothing downloaded): every kind of file a
scraper, a reference manager or a colleague's USB stick may hand irtag.

``KINDS`` maps a kind's name to a :class:`Kind`: a function that writes the file into a
folder and returns its path, and what ``read_document`` must make of it. ``write_corpus``
writes them all. The texts are written here for the tests, not taken from anywhere.
"""

from __future__ import annotations

import io
import os
import random
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

EN = ("Regional Organisations and the United Nations\n\n"
      "The United Nations relies on the African Union for peacekeeping troops. "
      "Member states negotiate a mandate before the mission is deployed.\n")
ZH = "国际组织合作研究\n\n联合国与非盟在维和领域开展合作。欧盟向联合国提供资金和部队。\n"
#: Latin-1/cp1252 English with accents and typographic quotes (the quotes exist only in cp1252).
EN_ACCENTS = ("Coop\u00e9ration r\u00e9gionale\n\nThe r\u00e9gime of na\u00efve "
              "cooperation between the UN and the EU is a caf\u00e9 debate. Member states agree.\n")
EN_QUOTES = EN_ACCENTS.replace("caf\u00e9 debate", "\u201ccaf\u00e9\u201d debate \u2014 so they say")
JA = "国際機関の協力\n\n日本は国連に資金を提供している。これは重要な問題です。\n"
KO = "국제기구 협력\n\n한국은 유엔에 자금을 제공합니다. 이것은 중요한 문제입니다.\n"
ZH_HANT = "國際組織合作研究\n\n聯合國與區域組織在維和領域的合作強度較高。歐盟向聯合國提供了關鍵資源。\n"


@dataclass(frozen=True)
class Kind:
    """One kind of input and what reading it must give.

    ``expect`` lists the acceptable outcomes: an error code ('E005') or 'doc'; a warning code
    ('W012') means a Document carrying that warning. ``encoding`` is the encoding the detector
    must report in ``meta.extra``; ``contains`` text the Document must hold.
    """

    make: Callable[[Path], Path]
    expect: tuple[str, ...]
    encoding: str = ""
    contains: str = ""
    needs: str = ""  # 'symlink' or 'chmod': skipped where the system cannot make it


def _write(folder: Path, name: str, data: bytes | str, encoding: str = "utf-8") -> Path:
    path = folder / name
    path.write_bytes(data.encode(encoding) if isinstance(data, str) else data)
    return path


def _noise(size: int = 4096, seed: int = 0) -> bytes:
    return random.Random(seed).randbytes(size)


def _pdf(path: Path, pages: int = 1, *, text: bool = True, encrypt: object = None) -> Path:
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), encrypt=encrypt)
    for number in range(pages):
        if text:
            c.setFont("Helvetica", 11)
            for row, line in enumerate(EN.splitlines()):
                c.drawString(72, 720 - 16 * row, line)
            c.drawString(300, 40, str(number + 1))
        else:
            c.rect(100, 100, 300, 300, fill=1)
        c.showPage()
    c.save()
    return path


def _encrypted(user: str) -> Callable[[Path], Path]:
    def make(folder: Path) -> Path:
        from reportlab.lib.pdfencrypt import StandardEncryption

        name = "encrypted_user.pdf" if user else "encrypted_owner_only.pdf"
        return _pdf(folder / name, encrypt=StandardEncryption(user, ownerPassword="owner-secret"))
    return make


def _truncated_pdf(folder: Path) -> Path:
    data = _pdf(folder / "whole.pdf", pages=3).read_bytes()
    (folder / "whole.pdf").unlink()
    return _write(folder, "truncated.pdf", data[: len(data) // 2])


def _broken_xref_pdf(folder: Path) -> Path:
    """Every cross-reference offset zeroed: readers must rebuild the table or refuse it."""
    data = _pdf(folder / "whole.pdf", pages=2).read_bytes()
    (folder / "whole.pdf").unlink()
    head, sep, tail = data.partition(b"\nxref\n")
    rows = [b"0000000000" + row[10:] if row.endswith((b" n", b" n ")) else row for row in tail.split(b"\n")]
    return _write(folder, "broken_xref.pdf", head + sep + b"\n".join(rows))


def _docx_bytes(paragraphs: list[str], title: str = "") -> bytes:
    import docx

    document = docx.Document()
    document.core_properties.title = title
    for text in paragraphs:
        document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _rezip(data: bytes, replace: dict[str, Callable[[zipfile.ZipFile], None] | None]) -> bytes:
    """The docx with parts dropped (None) or rewritten by a function given the open archive."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename in replace:
                continue
            target.writestr(info, source.read(info.filename))
        for name, write in replace.items():
            if write is not None:
                write(target)
    return out.getvalue()


def _padded_document(megabytes: int) -> Callable[[zipfile.ZipFile], None]:
    """A document.xml that inflates to ``megabytes`` MB of spaces (a few hundred KB deflated)."""
    def write(archive: zipfile.ZipFile) -> None:
        chunk = b" " * (1024 * 1024)
        with archive.open("word/document.xml", "w", force_zip64=True) as part:
            part.write(b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document xmlns:w='
                       b'"http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>')
            for _ in range(megabytes):
                part.write(chunk)
            part.write(b"<w:p><w:r><w:t>Bomb</w:t></w:r></w:p></w:body></w:document>")
    return write


def _docx_bomb(megabytes: int, name: str) -> Callable[[Path], Path]:
    def make(folder: Path) -> Path:
        return _write(folder, name, _rezip(_docx_bytes([EN]), {"word/document.xml": _padded_document(megabytes)}))
    return make


def _nested_html(folder: Path) -> Path:
    depth = 100_000
    return _write(folder, "nested.html", "<html><body>" + "<div>" * depth + "<p>The UN deploys troops.</p>"
                  + "</div>" * depth + "</body></html>")


def _long_line_html(folder: Path) -> Path:
    """One 5 MB line: links whose targets are long and whose text is short."""
    link = '<a href="https://example.org/' + "x" * 60 + '">UN mission</a>, '
    return _write(folder, "long_line.html", "<html><body><p>" + link * (5 * 1024 * 1024 // len(link)) + "</p></body></html>")


def _long_run_zh(folder: Path) -> Path:
    """300,000 Chinese characters without a sentence mark (cut into sentences of at most 1,000)."""
    unit = "联合国与非盟在维和领域开展合作欧盟向联合国提供资金和部队"
    return _write(folder, "long_run_zh.txt", "长文\n\n" + unit * (300_000 // len(unit)) + "\n")


def _too_long(folder: Path) -> Path:
    return _write(folder, "too_long.txt", "The UN deploys troops. " * 100_000)  # 2.3 M characters


def _mixed(folder: Path) -> Path:
    lines = ["国际组织合作研究\n".encode("utf-8"), "\n".encode(),
             "联合国与非盟在维和领域开展合作。\n".encode("gb18030"),
             "欧盟向联合国提供资金和部队。\n".encode("utf-8"),
             "各国在安理会讨论授权问题。\n".encode("gb18030")]
    return _write(folder, "mixed_utf8_gb18030.txt", b"".join(lines))


def _html_declared_utf8_latin1(folder: Path) -> Path:
    page = ('<html><head><meta charset="utf-8"><title>Coop\u00e9ration r\u00e9gionale</title></head><body>'
            "<h1>Coop\u00e9ration r\u00e9gionale</h1><p>The UN and the EU discuss the r\u00e9gime of "
            "cooperation. Member states agree.</p></body></html>")
    return _write(folder, "declared_utf8_is_latin1.html", page, "latin-1")


def _html_controls(folder: Path) -> Path:
    page = ("<html><head><title>\x1b[1;31mAlert\x1b[0m: the UN\uffff mission</title></head><body>"
            "<h1>\x1b[1;31mAlert\x1b[0m: the UN\uffff mission</h1>"
            "<p>The UN\x07 deploys\x00 troops\ufffe to the region. Member states agree.</p></body></html>")
    return _write(folder, "controls_title.html", page)


def _md_controls(folder: Path) -> Path:
    text = ('---\ntitle: "\x1b[32mGreen\x1b[0m title\x0b with a tab\x7f"\n---\n\n'
            "# Heading\x01 one\n\nThe UN deploys troops\x1b[0m. Member states agree\x08.\n")
    return _write(folder, "controls_front_matter.md", text)


def _nul_bytes(folder: Path) -> Path:
    return _write(folder, "nul_bytes.txt", EN.replace("Regional", "Regio\x00nal").replace("troops", "tro\x00ops") * 3)


def _lone_surrogates(folder: Path) -> Path:
    """UTF-8-encoded surrogate code points (ED A0 80, ED BF BF), as broken converters write them."""
    data = EN.encode("utf-8").replace(b"Organisations", b"Organi\xed\xa0\x80sations")
    return _write(folder, "lone_surrogates.txt", data.replace(b"troops", b"tro\xed\xbf\xbfops") * 3)


def _docx_noncharacters(folder: Path) -> Path:
    return _write(folder, "noncharacters.docx", _docx_bytes(
        ["Regional Organisations\ufdd0", "The UN\ufdef deploys troops. Member states agree."], title="UN\ufdd1 title"))


def _no_document_docx(folder: Path) -> Path:
    return _write(folder, "no_document.docx", _rezip(_docx_bytes([EN]), {"word/document.xml": None}))


def _encoded(name: str, text: str, encoding: str) -> Callable[[Path], Path]:
    return lambda folder: _write(folder, name, text, encoding)


def _named(name: str) -> Callable[[Path], Path]:
    """A good file under an awkward name (its text names it, so no two have the same bytes)."""
    return lambda folder: _write(folder, name, EN + f"This file is called {name!r}.\n")


def _symlink_loop(folder: Path) -> Path:
    path = folder / "loop.txt"
    os.symlink(path.name, path)
    return path


def _dangling(folder: Path) -> Path:
    path = folder / "dangling.txt"
    os.symlink("nowhere-at-all.txt", path)
    return path


def _unreadable(folder: Path) -> Path:
    path = _write(folder, "unreadable.txt", EN)
    path.chmod(0)
    return path


def _folder_named_pdf(folder: Path) -> Path:
    path = folder / "x.pdf"
    path.mkdir()
    return path


KINDS: dict[str, Kind] = {
    "empty": Kind(lambda f: _write(f, "empty.txt", b""), ("E002",)),
    "whitespace_only": Kind(lambda f: _write(f, "blank.md", " \n\u3000\n\t\r\n"), ("E002",)),
    **{f"random_binary{suffix}": Kind(lambda f, s=suffix: _write(f, f"noise{s}", _noise()), (code,))
       for suffix, code in ((".txt", "E005"), (".md", "E005"), (".markdown", "E005"), (".html", "E005"),
                            (".htm", "E005"), (".pdf", "E006"), (".docx", "E009"))},
    "html_renamed_pdf": Kind(lambda f: _write(f, "page.pdf", "<html><body><p>UN</p></body></html>"), ("E006",)),
    "truncated_pdf": Kind(_truncated_pdf, ("E006",)),
    "encrypted_pdf_user_password": Kind(_encrypted("user-secret"), ("E007",)),
    "encrypted_pdf_owner_only": Kind(_encrypted(""), ("E007", "doc")),
    "image_only_pdf": Kind(lambda f: _pdf(f / "scan.pdf", text=False), ("E008",)),
    "broken_xref_pdf": Kind(_broken_xref_pdf, ("doc", "E006", "E008")),  # E008: see the report on PDFs
    "docx_not_zip": Kind(lambda f: _write(f, "letter.docx", EN), ("E009",)),
    "docx_zip_bomb": Kind(_docx_bomb(210, "bomb.docx"), ("E061",)),
    "docx_ratio_bomb": Kind(_docx_bomb(20, "ratio_bomb.docx"), ("E062",)),
    "docx_without_document": Kind(_no_document_docx, ("E063",)),
    "docx_noncharacters": Kind(_docx_noncharacters, ("W012",), contains="The UN deploys troops."),
    "html_nested_100k": Kind(_nested_html, ("E060",)),
    "html_5mb_line": Kind(_long_line_html, ("doc",), contains="UN mission, UN mission"),
    "zh_300k_without_marks": Kind(_long_run_zh, ("doc",), contains="联合国与非盟"),
    "too_many_characters": Kind(_too_long, ("E064",)),
    "latin1_en": Kind(_encoded("latin1.txt", EN_ACCENTS, "latin-1"), ("W001",), "cp1252", "na\u00efve"),
    "cp1252_en": Kind(_encoded("cp1252.txt", EN_QUOTES, "cp1252"), ("W001",), "cp1252", "\u201ccaf\u00e9\u201d"),
    "shift_jis": Kind(_encoded("sjis.txt", JA * 3, "shift_jis"), ("W001",), "shift_jis", "国連に資金"),
    "euc_jp": Kind(_encoded("eucjp.txt", JA * 3, "euc_jp"), ("W001",), "euc_jp", "国連に資金"),
    "euc_kr": Kind(_encoded("euckr.txt", KO * 3, "euc_kr"), ("W001",), "euc_kr", "유엔에 자금을"),
    "gb18030": Kind(_encoded("gb18030.txt", ZH * 3, "gb18030"), ("W001",), "gb18030", "欧盟向联合国"),
    "big5": Kind(_encoded("big5.txt", ZH_HANT * 3, "big5"), ("W001",), "big5", "歐盟向聯合國"),
    "utf16le_no_bom_en": Kind(_encoded("utf16le.txt", EN, "utf-16-le"), ("W001",), "utf-16-le", "African Union"),
    "utf16be_no_bom_en": Kind(_encoded("utf16be.txt", EN, "utf-16-be"), ("W001",), "utf-16-be", "African Union"),
    "utf16le_no_bom_zh": Kind(_encoded("utf16le_zh.txt", ZH.replace("\n", ""), "utf-16-le"), ("W001",),
                              "utf-16-le", "欧盟向联合国"),
    "utf32le_no_bom": Kind(_encoded("utf32le.txt", EN, "utf-32-le"), ("W001",), "utf-32-le", "African Union"),
    "utf32be_no_bom": Kind(_encoded("utf32be.txt", ZH, "utf-32-be"), ("W001",), "utf-32-be", "欧盟向联合国"),
    "utf16_with_bom": Kind(_encoded("utf16bom.txt", ZH, "utf-16"), ("doc",), "utf-16", "欧盟向联合国"),
    "mixed_utf8_gb18030": Kind(_mixed, ("W010",), "utf-8+gb18030", "开展合作。\n欧盟向联合国提供资金和部队。\n各国"),
    "html_declared_utf8_is_latin1": Kind(_html_declared_utf8_latin1, ("W011",), "cp1252", "r\u00e9gime"),
    "html_controls_in_title": Kind(_html_controls, ("W012",), contains="The UN deploys troops to the region."),
    "md_controls_in_front_matter": Kind(_md_controls, ("W012",), contains="The UN deploys troops."),
    "nul_bytes": Kind(_nul_bytes, ("W012",), "utf-8", "Regional Organisations"),
    "lone_surrogates": Kind(_lone_surrogates, ("W012",), "utf-8", "Regional Organisations"),
    "name_with_spaces": Kind(_named("a file with spaces.txt"), ("doc",)),
    "name_chinese": Kind(_named("国际组织合作研究.txt"), ("doc",)),
    "name_newline": Kind(_named("new\nline.txt"), ("doc",)),
    "name_leading_dash": Kind(_named("-rf.txt"), ("doc",)),
    "name_255_bytes": Kind(_named("n" * 251 + ".txt"), ("doc",)),
    "symlink_loop": Kind(_symlink_loop, ("E010",), needs="symlink"),
    "dangling_symlink": Kind(_dangling, ("E010",), needs="symlink"),
    "unreadable": Kind(_unreadable, ("E067",), needs="chmod"),
    "folder_named_pdf": Kind(_folder_named_pdf, ("E066",)),
}


def write_corpus(folder: Path, kinds: dict[str, Kind] = KINDS) -> dict[str, Path]:
    """Every kind written into ``folder`` (its own subfolder each, so names never collide)."""
    paths = {}
    for name, kind in kinds.items():
        sub = folder / name
        sub.mkdir(parents=True)
        paths[name] = kind.make(sub)
    return paths

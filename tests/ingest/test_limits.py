"""The limits that keep one hostile file from hanging a batch, the cleaning of characters that
are never text, and the encoding detector's decisions, each on a small input written here."""

from __future__ import annotations

import shutil
import time

import pytest

from bad_inputs import EN, ZH, _docx_bomb, _docx_bytes, _nested_html
from pipeline.codebook import default_directory, validate
from pipeline.errors import IrtagError
from pipeline.ingest import read_document
from pipeline.ingest.clean import scrub
from pipeline.ingest.text import decode
from pipeline.segment import MAX_SENTENCE_CHARS, split_sentences


# -- characters that are never text ------------------------------------------------------------
@pytest.mark.parametrize("dirty, clean, kinds", [
    ("\x1b[1;31mAlert\x1b[0m", "Alert", {"ANSI escape": 2}),
    ("联合\x00国\x07", "联合国", {"control character": 2}),
    ("UN\ud800 mission", "UN mission", {"lone surrogate": 1}),
    ("UN\uffff\ufffe\ufdd0\U0010ffff", "UN", {"noncharacter": 4}),
    ("page\fbreak\vhere", "page break here", {}),
    ("tab\tand\nnewline 中文", "tab\tand\nnewline 中文", {}),
])
def test_scrub(dirty, clean, kinds):
    text, removed = scrub(dirty)
    assert text == clean and dict(removed) == kinds


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_scrubbed_title_is_what_the_offsets_index(tmp_path, lang):
    body = ZH if lang == "zh" else EN
    path = tmp_path / "t.md"
    path.write_text(f'---\ntitle: "\x1b[31mT\uffffitle\x1b[0m"\n---\n\n' + body.replace("。", "\x00。").replace(".", "\x00."),
                    encoding="utf-8")
    doc = read_document(path)
    assert doc.meta.title == "Title"
    assert any(w.startswith("[W012]") for w in doc.warnings)
    assert "\x00" not in doc.text and "\x1b" not in doc.text
    for section in doc.sections:
        for paragraph in section.paragraphs:
            assert doc.text[paragraph.start:paragraph.end].strip()


# -- encodings ---------------------------------------------------------------------------------
@pytest.mark.parametrize("text, encoding", [(ZH * 4, "utf-16-le"), (ZH * 4, "utf-16-be"), (EN, "utf-16-le"),
                                            (EN, "utf-32-be"), (ZH, "utf-32-le")])
def test_utf16_and_32_without_bom(text, encoding):
    decoded = decode(text.encode(encoding), "x.txt")
    assert decoded.text == text and decoded.encoding == encoding and decoded.warnings


@pytest.mark.parametrize("encoding, text", [
    ("gb18030", "联合国维和。\n"), ("big5", "聯合國維和。\n"), ("shift_jis", "国連の協力。\n"),
    ("euc_kr", "국제기구 협력에 관한 연구. 한국은 유엔에 자금을 제공합니다.\n"),  # a line of Korean ties with GB18030
])
def test_a_short_legacy_text_is_not_read_as_utf16(encoding, text):
    decoded = decode(text.encode(encoding), "x.txt")
    assert (decoded.text, decoded.encoding) == (text, encoding)


def test_mixed_lines_are_decoded_one_by_one():
    data = "联合国维和行动。\n".encode("utf-8") + "欧盟提供资金。\n".encode("gb18030") * 3
    decoded = decode(data, "x.txt")
    assert decoded.text == "联合国维和行动。\n" + "欧盟提供资金。\n" * 3
    assert decoded.encoding == "utf-8+gb18030" and decoded.warnings[0].startswith("[W010]")


# -- limits ------------------------------------------------------------------------------------
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_no_sentence_is_longer_than_the_limit(lang):
    unit = "联合国与非盟在维和领域开展合作，欧盟向联合国提供资金和部队" if lang == "zh" else "the UN and the AU cooperate "
    text = unit * (200_000 // len(unit))
    started = time.perf_counter()
    spans = split_sentences(text, lang)
    assert time.perf_counter() - started < 10  # hang guard: linear, about 0.1 s
    assert max(end - start for start, end in spans) <= MAX_SENTENCE_CHARS
    assert "".join(text[start:end] for start, end in spans).replace(" ", "") == text.replace(" ", "")
    assert all(text[end - 1] == "，" or text[end].isspace() for _, end in spans[:-1])  # cut at a break


def test_a_run_without_breaks_is_cut_hard():
    spans = split_sentences("国" * 2500, "zh")
    assert spans == [(0, 1000), (1000, 2000), (2000, 2500)]


def test_html_is_linear_in_its_depth(tmp_path):
    """Under a raised limit, 5,000 levels read without hanging (the quadratic reader took 364 s
    for 8,000); the time is a generous hang guard, not a measurement (see the README figures)."""
    depth = 5000
    path = tmp_path / "deep.html"
    path.write_text("<html><body>" + "<div>" * depth + "<p>The UN deploys troops.</p>" + "</div>" * depth
                    + "</body></html>", encoding="utf-8")
    started = time.perf_counter()
    doc = read_document(path, max_html_depth=10_000)
    assert time.perf_counter() - started < 60
    assert "The UN deploys troops." in doc.text
    with pytest.raises(IrtagError, match=r"\[E060\].*more than 1000"):
        read_document(path)


def test_html_depth_error_names_the_limit(tmp_path):
    with pytest.raises(IrtagError, match=r"\[E060\].*nested.html.*more than 50 "):
        read_document(_nested_html(tmp_path), max_html_depth=50)


def test_docx_limits_are_options(tmp_path):
    path = _docx_bomb(3, "three_mb.docx")(tmp_path)
    with pytest.raises(IrtagError, match=r"\[E062\].*word/document.xml"):
        read_document(path)
    with pytest.raises(IrtagError, match=r"\[E061\].*over the 2 MB limit"):
        read_document(path, max_inflated_mb=2, max_inflate_ratio=10_000)
    assert "Bomb" in read_document(path, max_inflate_ratio=10_000).text
    good = tmp_path / "good.docx"
    good.write_bytes(_docx_bytes(["The UN deploys troops."]))
    assert "The UN deploys troops." in read_document(good).text


@pytest.mark.parametrize("suffix", [".txt", ".html"])
def test_max_chars(tmp_path, suffix):
    path = tmp_path / f"long{suffix}"
    path.write_text("<p>" + "The UN deploys troops. " * 1000 + "</p>", encoding="utf-8")
    assert read_document(path, max_chars=30_000).text
    with pytest.raises(IrtagError, match=r"\[E064\].*over the limit of 10000"):
        read_document(path, max_chars=10_000)


# -- lexicon YAML --------------------------------------------------------------------------------
def test_a_python_tag_in_a_lexicon_is_an_error_with_its_line(tmp_path):
    folder = tmp_path / "lexicons"
    shutil.copytree(default_directory(), folder)
    path = folder / "stage.yaml"
    lines = path.read_text(encoding="utf-8").splitlines()
    number = next(i for i, line in enumerate(lines) if line.startswith("  - id:")) + 1
    lines[number - 1] = lines[number - 1].replace("- id:", "- !!python/object/apply:os.system\n    id:", 1)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    problems = validate(folder)
    assert [(p.path, p.line) for p in problems] == [(str(path), number)]
    assert "!!python/object/apply:os.system" in problems[0].problem

"""Bibliographic exports beyond the fixtures' happy path: recognition by content, malformed
records, encodings, author lists, LaTeX, attachments, and the errors that name the file."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pipeline.errors import IrtagError
from pipeline.ingest import read_document, read_documents
from pipeline.ingest.metadata import split_authors

FIXTURES = Path(__file__).parents[1] / "fixtures" / "bib"

ENDNOTE = {"zh": "%0 Journal Article\n%A 王明，李华\n%T 国际组织间的资源依赖\n%D 2020\n%X 欧盟向联合国提供资金。\n",
           "en": "%0 Journal Article\n%A Smith, Anna\n%T Resource Dependence Between Organisations\n%D 2020\n"
                 "%X The European Union funds the United Nations.\n"}


@pytest.mark.parametrize("text,names", [
    ("Smith, Anna", ["Smith, Anna"]),
    ("Smith, Anna; Li, Wei", ["Smith, Anna", "Li, Wei"]),
    ("Smith, A., Li, W.", ["Smith, A.", "Li, W."]),
    ("Smith A., Li W.", ["Smith A.", "Li W."]),
    ("王明;李华;", ["王明", "李华"]),
    ("王明；李华", ["王明", "李华"]),
    ("王明，李华", ["王明", "李华"]),
    ("王明; John Smith", ["王明", "John Smith"]),
    ("Zhu Jiejun and You Li", ["Zhu Jiejun", "You Li"]),
])
def test_author_lists_split_on_names_not_on_family_given_commas(text, names):
    assert split_authors(text) == names


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_txt_export_is_recognised_by_its_first_tag_and_other_txt_is_an_article(tmp_path, lang):
    export = tmp_path / "cnki.txt"
    export.write_text(ENDNOTE[lang], encoding="utf-8")
    article = tmp_path / "article.txt"
    article.write_text(ENDNOTE[lang].replace("%", "") + "\n", encoding="utf-8")
    [record] = read_documents(export)
    assert record.format == "endnote" and record.lang == lang and record.meta.year == 2020
    assert record.meta.authors == (["王明", "李华"] if lang == "zh" else ["Smith, Anna"])
    [doc] = read_documents(article)
    assert doc.format == "txt" and "export_format" not in doc.meta.extra
    with pytest.raises(IrtagError, match=r"\[E071\].*cnki\.txt"):
        read_document(export)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_cnki_exports_in_utf8_or_gb18030(tmp_path, encoding):
    path = tmp_path / "cnki.txt"
    path.write_bytes((ENDNOTE["zh"] * 2).replace("2020", "2021", 1).encode(encoding))
    docs = list(read_documents(path))
    assert [d.meta.title for d in docs] == ["国际组织间的资源依赖"] * 2
    assert [d.meta.year for d in docs] == [2021, 2020]
    assert any("[W001]" in w for w in docs[0].warnings) == (encoding == "gb18030")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_malformed_record_is_a_warning_naming_its_number(tmp_path, lang):
    path = tmp_path / "refs.txt"
    broken = "%A 无题\n%D 2020\n" if lang == "zh" else "%A Nobody\n%D 2020\n"
    path.write_text(ENDNOTE[lang] + "\n%0 Journal Article\n" + broken + "\n" + ENDNOTE[lang], encoding="utf-8")
    docs = list(read_documents(path))
    assert [d.meta.extra["record"] for d in docs] == ["1", "3"]
    assert any("[W020]" in w and "record 2" in w and "no title" in w for w in docs[0].warnings)


@pytest.mark.parametrize("name,text", [
    ("all_bad.ris", "AU  - Nobody, Known\nER  - \n\nN1  - nothing here\nER  - \n"),
    ("all_bad.txt", "PT J\nAU Nobody, K\nTI Never closed\n"),
    ("all_bad.bib", "@article{x, title = {never closed\n"),
    ("all_bad.json", '[{"type": "article-journal", "author": []}, 3]'),
])
def test_an_export_whose_records_are_all_malformed_is_an_error_naming_it(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(IrtagError, match=rf"\[E070\].*{name}"):
        list(read_documents(path))


@pytest.mark.parametrize("name,text", [
    ("sheet.csv", "id,text\n1,联合国与欧盟开展合作。\n"),
    ("config.json", '{"threshold": 0.5}'),
])
def test_a_table_or_json_that_is_no_export_is_an_error_naming_it(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(IrtagError, match=rf"\[E072\].*{name}"):
        list(read_documents(path))


def test_bibtex_latex_braces_and_zotero_file_field(tmp_path):
    path = tmp_path / "lib.bib"
    path.write_text(r"""@article{k, author = {Fran{\c{c}}ois, Ren{\'e}}, title = {{The} {G}lobal {S}outh},
  year = 2019, pages = {1--9},
  file = {Full Text PDF:files/3/paper.pdf:application/pdf;Snapshot:files/4/page.html:text/html}}
""", encoding="utf-8")
    from pipeline.ingest.bib import read

    [record] = read(path, path.read_bytes()).records
    assert record.meta.authors == ["François, René"] and record.meta.title == "The Global South"
    assert record.meta.extra["pages"] == "1-9"
    assert record.attachments == ["files/3/paper.pdf", "files/4/page.html"]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_an_attached_pdf_gives_the_full_text_and_keeps_the_record_metadata(tmp_path, lang):
    from simple_pdfs import EN_PAGES, ZH_PAGES, make_pdf

    (tmp_path / "files" / "7").mkdir(parents=True)
    pages, font = (ZH_PAGES, "STSong-Light") if lang == "zh" else (EN_PAGES, "Helvetica")
    make_pdf(tmp_path / "files" / "7" / "paper.pdf", pages, header="Header", font=font)
    ris = tmp_path / "library.ris"
    ris.write_text("TY  - JOUR\nAU  - Smith, Anna\nTI  - The Record's Own Title\nPY  - 2020\n"
                   "AB  - Short abstract.\nL1  - files/7/paper.pdf\nER  - \n", encoding="utf-8")
    [doc] = read_documents(ris)
    assert doc.format == "pdf" and doc.lang == lang and any(s.kind == "body" for s in doc.sections)
    assert doc.meta.title == "The Record's Own Title" and doc.meta.authors == ["Smith, Anna"]
    assert doc.meta.extra["fulltext"] == str(tmp_path / "files" / "7" / "paper.pdf")
    assert doc.source == str(ris)
    [abstract_only] = read_documents(ris, abstracts_only=True)
    assert abstract_only.format == "ris" and "fulltext" not in abstract_only.meta.extra
    assert abstract_only.id == doc.id

    from pipeline.batch import discover

    assert discover([tmp_path]) == [ris]  # the attachment is read with its record, not again


def test_a_missing_attachment_falls_back_to_the_abstract(tmp_path):
    ris = tmp_path / "library.ris"
    ris.write_text("TY  - JOUR\nTI  - Title\nAB  - Abstract text.\nL1  - files/none.pdf\nER  - \n", encoding="utf-8")
    [doc] = read_documents(ris)
    assert doc.format == "ris" and doc.meta.abstract == "Abstract text."


def test_a_record_keeps_its_id_when_exported_again_elsewhere(tmp_path):
    source = FIXTURES / "cnki_refworks.txt"
    text = source.read_text(encoding="utf-8")
    first, second = text.split("\n\n")
    copy = tmp_path / "again.txt"
    copy.write_text(second + "\n\n" + first, encoding="utf-8")
    assert [d.id for d in read_documents(copy)] == [d.id for d in reversed(list(read_documents(source)))]


def test_the_same_record_twice_in_one_file_gets_two_ids(tmp_path):
    path = tmp_path / "twice.ris"
    record = "TY  - JOUR\nTI  - Same\nER  - \n"
    path.write_text(record + record, encoding="utf-8")
    ids = [d.id for d in read_documents(path)]
    assert len(set(ids)) == 2


def test_fixture_copy_reads_like_the_original(tmp_path):
    shutil.copy(FIXTURES / "zotero.ris", tmp_path / "renamed.ris")
    assert [d.id for d in read_documents(tmp_path / "renamed.ris")] == [d.id for d in read_documents(FIXTURES / "zotero.ris")]

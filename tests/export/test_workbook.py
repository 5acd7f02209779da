"""The coders' workbook (pipeline.export.workbook) and the sentence copies (tables.write_sentence_copies)."""

import warnings

import openpyxl
import pandas as pd
import pytest

from pipeline.codebook import load_codebook, scheme_labels
from pipeline.document import Document, Label, Metadata, Paragraph, Section, Sentence
from pipeline.errors import Warnings
from pipeline.export.tables import sentence_columns, sentence_rows, write_sentence_copies
from pipeline.export.workbook import DONE_COLUMN, EXCEL_MAX_CHARS, arrange_columns, write_workbook
from pipeline.io import CsvTable

PIECES = {
    "zh": ["=联合国依赖欧盟提供部队。", "非政府组织游说代表团\x07以争取资金。", "-这是背景句子。"],
    "en": ["=The UN relies on EU troops.", "NGOs lobby\x07 delegations for funds.", "-Background here."],
}


def make_doc(lang: str) -> Document:
    """Three body sentences, the first and last formula-looking, one with a control character."""
    sep = "" if lang == "zh" else " "
    text, sentences = "", []
    for index, piece in enumerate(PIECES[lang]):
        if sentences:
            text += sep
        sentences.append(Sentence(id=f"={lang}{index + 1}", start=len(text), end=len(text) + len(piece), text=piece,
                                  lang=lang, page=index + 1 if index else None))
        text += piece
    sentences[0].labels = [Label("factor", "pull", "both", 0.9), Label("resource", "personnel", "lexicon")]
    sentences[1].labels = [Label("factor", "push", "classifier", 0.7, negated=True)]
    section = Section("sec01", "body", "", 0, len(text), lang, [Paragraph("p0001", 0, len(text), sentences=sentences)])
    return Document(id=f"doc{lang}", source=f"{lang}.txt", format="txt", lang=lang, text=text,
                    meta=Metadata(title="+标题" if lang == "zh" else "+A title"), sections=[section])


def cells(sheet) -> list[list]:
    return [[c.value for c in row] for row in sheet.iter_rows()]


@pytest.fixture(params=["zh", "en"])
def lang(request):
    return request.param


@pytest.fixture
def copies(tmp_path, lang):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        write_sentence_copies([make_doc(lang)], tmp_path)
    return tmp_path, [str(w.message) for w in caught]


def test_coder_columns_sit_beside_the_text_with_a_done_column():
    columns = arrange_columns(["sent_id", "text", "factor", "coder_factor", "coder_note", "evidence"])
    assert columns == ("sent_id", "text", "coder_factor", "coder_note", DONE_COLUMN, "factor", "evidence")
    csv_columns = sentence_columns()
    at = csv_columns.index("text")
    assert csv_columns[at + 1:at + 7] == ("coder_factor", "coder_stage", "coder_resource", "coder_cooperation",
                                          "coder_note", "coder_done")


def test_the_sheet_is_ready_for_coding(copies, lang):
    out, _ = copies
    book = openpyxl.load_workbook(out / "sentences.xlsx")
    assert book.sheetnames == ["sentences", "labels", "codebook"]
    sheet = book["sentences"]
    header = [c.value for c in sheet[1]]
    assert header == list(sentence_columns())
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:{openpyxl.utils.get_column_letter(len(header))}4"
    letter = {name: openpyxl.utils.get_column_letter(i + 1) for i, name in enumerate(header)}
    assert sheet.column_dimensions[letter["text"]].width > 60
    assert sheet[f"{letter['text']}2"].alignment.wrap_text
    lists = {str(v.sqref): v.formula1 for v in sheet.data_validations.dataValidation}
    for scheme in scheme_labels():
        assert lists[f"{letter['coder_' + scheme]}2:{letter['coder_' + scheme]}4"] == f"labels_{scheme}"
    assert lists[f"{letter[DONE_COLUMN]}2:{letter[DONE_COLUMN]}4"] == '"yes"'
    names = {name: book.defined_names[name].attr_text for name in book.defined_names}
    assert names["labels_factor"] == "labels!$A$2:$A$3"
    labels = cells(book["labels"])
    assert [row[0] for row in labels[:3]] == ["factor", "pull", "push"]
    assert labels[0] == list(scheme_labels())


def test_numbers_are_numbers_and_formula_text_is_plain_text(copies, lang):
    out, _ = copies
    sheet = openpyxl.load_workbook(out / "sentences.xlsx")["sentences"]
    header = [c.value for c in sheet[1]]
    rows = [dict(zip(header, row)) for row in cells(sheet)[1:]]
    assert [r["sent_id"] for r in rows] == [f"={lang}1", f"={lang}2", f"={lang}3"]  # no visible '
    assert rows[0]["text"] == PIECES[lang][0] and rows[2]["text"] == PIECES[lang][2]
    assert rows[0]["title"] == make_doc(lang).meta.title
    for row in sheet.iter_rows(min_row=2):
        by_name = dict(zip(header, row))
        assert by_name["text"].data_type == "s" and by_name["sent_id"].data_type == "s"
        assert by_name["start"].data_type == "n" and by_name["is_heading"].data_type == "n"
    assert [r["start"] for r in rows] == [s.start for s in make_doc(lang).sentences()]
    assert [r["page"] for r in rows] == [None, 2, 3]
    assert [r["negated"] for r in rows] == [0, 1, 0]
    assert rows[0]["factor"] == "pull" and rows[0]["resource"] == "personnel"


def test_control_characters_are_removed_counted_and_kept_elsewhere(copies, lang):
    out, messages = copies
    sheet = openpyxl.load_workbook(out / "sentences.xlsx")["sentences"]
    header = [c.value for c in sheet[1]]
    text = sheet.cell(3, header.index("text") + 1).value
    assert text == PIECES[lang][1].replace("\x07", "")
    assert [m for m in messages if m.startswith("[W060]")] == [
        Warnings.W060.format(path=out / "sentences.xlsx", count=1, cells=1)]
    assert pd.read_parquet(out / "sentences.parquet")["text"].tolist()[1] == PIECES[lang][1]


def test_parquet_is_typed_and_unguarded(copies, lang):
    out, _ = copies
    table = pd.read_parquet(out / "sentences.parquet")
    assert list(table.columns) == list(sentence_columns())
    assert table["sent_id"].tolist() == [f"={lang}1", f"={lang}2", f"={lang}3"]
    assert str(table["start"].dtype) == "int64" and table["page"].isna().tolist() == [True, False, False]
    assert table["coder_factor"].tolist() == ["", "", ""]


def test_the_csv_keeps_its_guard_while_the_copies_do_not(tmp_path, lang):
    doc = make_doc(lang)
    with CsvTable(tmp_path / "sentences.csv", sentence_columns()) as table:
        table.write_rows(sentence_rows([doc]))
    back = pd.read_csv(tmp_path / "sentences.csv", dtype=str, keep_default_na=False, encoding="utf-8-sig")
    assert back["sent_id"].tolist()[0] == f"'={lang}1"
    with pytest.warns(UserWarning, match=r"\[W060\]"):
        write_sentence_copies([doc], tmp_path)
    assert pd.read_excel(tmp_path / "sentences.xlsx", dtype=str)["sent_id"].tolist()[0] == f"={lang}1"


def test_the_codebook_sheet_has_every_label_with_its_definition(copies):
    out, _ = copies
    rows = cells(openpyxl.load_workbook(out / "sentences.xlsx")["codebook"])
    assert rows[0] == ["scheme", "label", "name_zh", "group", "definition"]
    codebook = load_codebook()
    expected = [[s.name, l.name, l.group or None, l.definition] for s in codebook.schemes.values() for l in s.labels]
    assert [[r[0], r[1], r[3], r[4]] for r in rows[1:len(expected) + 1]] == expected
    assert "coder_done" in rows[len(expected) + 2][0]


def test_rows_past_the_sheet_limit_continue_on_a_second_sheet(tmp_path):
    rows = [{"sent_id": f"s{i}", "text": f"sentence {i}", "start": i, "coder_factor": ""} for i in range(7)]
    path = write_workbook(tmp_path / "big.xlsx", rows, ["sent_id", "text", "start", "coder_factor"],
                          codebook=load_codebook(), rows_per_sheet=3)
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["sentences", "sentences_2", "sentences_3", "labels", "codebook"]
    ids = [row[0] for name in book.sheetnames[:3] for row in cells(book[name])[1:]]
    assert ids == [f"s{i}" for i in range(7)]
    assert [c.value for c in book["sentences_3"][1]] == ["sent_id", "text", "coder_factor", DONE_COLUMN, "start"]
    assert book["sentences_3"].auto_filter.ref == "A1:E2"
    notes = [row[0] for row in cells(book["codebook"]) if row[0] and "sheets" in str(row[0])]
    assert notes == ["The sentences fill 3 sheets (sentences, sentences_2, sentences_3): 3 rows each at most, "
                     "in order."]


def test_an_overlong_cell_is_cut_with_a_warning(tmp_path):
    with pytest.warns(UserWarning, match=r"\[W061\]"):
        path = write_workbook(tmp_path / "long.xlsx", [{"text": "长" * (EXCEL_MAX_CHARS + 5)}], ["text"],
                              codebook=load_codebook())
    assert len(openpyxl.load_workbook(path)["sentences"]["A2"].value) == EXCEL_MAX_CHARS


def test_no_rows_gives_a_header_only_sheet(tmp_path):
    path = write_workbook(tmp_path / "empty.xlsx", [], sentence_columns(), codebook=load_codebook())
    assert cells(openpyxl.load_workbook(path)["sentences"]) == [list(sentence_columns())]


def test_same_documents_same_bytes(tmp_path):
    for name in ("a", "b"):
        with pytest.warns(UserWarning, match=r"\[W060\]"):
            write_sentence_copies([make_doc("zh"), make_doc("en")], tmp_path / name)
    for name in ("sentences.xlsx", "sentences.parquet"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()

import pandas as pd
import pytest

from conftest import TINY_GOLD as GOLD, make_annotator
from pipeline.errors import IrtagError
from pipeline.tag.annotate import system_column
from pipeline.training import train
from pipeline.document import Document, Paragraph, Section


@pytest.fixture(scope="module")
def annotator(lexicon, segmenter):
    return make_annotator(lexicon, train(GOLD, segmenter, lexicon), segmenter)


def make_doc(parts: list[tuple[str, str, bool]]) -> Document:
    """A document of (section kind, paragraph text, is_heading) parts, one paragraph each."""
    text, sections = "", []
    for number, (kind, chunk, heading) in enumerate(parts):
        start = len(text)
        text += chunk + "\n\n"
        paragraph = Paragraph(f"p{number}", start, start + len(chunk), is_heading=heading)
        sections.append(Section(f"s{number}", kind, "", start, start + len(chunk), paragraphs=[paragraph]))
    return Document(id="doc", source="test", format="txt", lang="zh", text=text, sections=sections)


@pytest.mark.parametrize("body,term", [
    ("联合国依靠欧盟部署部队。非政府组织游说联合国以争取资金。", "资金"),
    ("The UN relies on the EU to deploy troops. NGOs lobby the UN for funding.", "funding"),
])
def test_labels_carry_evidence_that_slices_the_document(annotator, segmenter, body, term):
    doc = annotator(segmenter(make_doc([("body", body, False)])))
    sentences = list(doc.coded_sentences())
    assert len(sentences) == 2
    labelled = [lab for s in sentences for lab in s.labels]
    assert any(lab.scheme == "resource" and lab.label == "funding" for lab in labelled)
    for lab in labelled:
        assert lab.source in ("lexicon", "classifier", "both")
        assert 0.0 <= lab.score <= 1.0
        for ev in lab.evidence:
            assert doc.text[ev.start:ev.end] == ev.term
    funding = [ev for lab in labelled if lab.label == "funding" for ev in lab.evidence]
    assert [doc.text[ev.start:ev.end] for ev in funding] == [term]
    actors = [a for s in sentences for a in s.actors]
    assert {a.org_id for a in actors} >= {"UN", "EU"}
    assert all(doc.text[a.start:a.end] == a.text for a in actors)


def test_headings_get_only_stage_and_factor(annotator, segmenter):
    doc = annotator(segmenter(make_doc([("body", "部署部队与资金", True), ("body", "联合国部署部队并提供资金。", False)])))
    heading, sentence = list(doc.coded_sentences())
    assert heading.is_heading
    assert {lab.scheme for lab in heading.labels} <= {"stage", "factor"}
    assert "resource" in {lab.scheme for lab in sentence.labels}


def test_references_are_not_coded(annotator, segmenter):
    doc = annotator(segmenter(make_doc([("body", "联合国部署部队。", False), ("references", "联合国部署部队。", False)])))
    body, reference = list(doc.sentences())
    assert body.labels and not reference.labels and not reference.actors


def test_annotating_twice_gives_the_same_labels(annotator, segmenter):
    doc = segmenter(make_doc([("body", "非政府组织游说联合国以争取资金。", False)]))
    first = [lab for s in annotator(doc).coded_sentences() for lab in s.labels]
    second = [lab for s in annotator(doc).coded_sentences() for lab in s.labels]
    assert first == second and first


@pytest.mark.parametrize("text,lang", [("欧盟为非盟提供资金和装备。", "zh"), ("The EU gives funding to the AU.", "en")])
def test_tag_rows_detects_language_and_offsets_are_into_the_row(annotator, text, lang):
    (labels,) = annotator.tag_rows([text])
    funding = [lab for lab in labels if lab.label == "funding"]
    assert funding and all(text[ev.start:ev.end] == ev.term for ev in funding[0].evidence)
    table = annotator.tag_table(pd.DataFrame({"sent_id": ["r1"], "text": [text]}))
    assert table.loc[0, "lang"] == lang


def test_tag_table_has_a_column_per_scheme_and_system(annotator):
    rows = pd.DataFrame({"sent_id": ["a", "b", "c"], "lang": ["zh", "en", "zh"],
                         "text": ["非政府组织游说联合国以争取资金。", "NGOs lobby the UN for funding.", "本文结构如下。"]})
    table = annotator.tag_table(rows, lang_column="lang")
    assert table["sent_id"].tolist() == ["a", "b", "c"]
    for scheme in ("factor", "stage", "resource", "cooperation"):
        for system in annotator.systems:
            assert system_column(scheme, system) in table.columns
    assert table.loc[0, "resource__lexicon"] == "funding"
    assert "funding" in table.loc[0, "resource"].split(";")
    assert "资金[" in table.loc[0, "evidence"]
    assert table.loc[2, "factor"] == "" and table.loc[2, "resource__lexicon"] == ""


def test_labels_are_in_codebook_order(annotator, lexicon):
    (labels,) = annotator.tag_rows(["联合国依靠欧盟提供资金和部队。"], ["zh"])
    resource = [lab.label for lab in labels if lab.scheme == "resource"]
    assert resource == sorted(resource, key=lexicon.labels("resource").index)


def test_scheme_without_model_falls_back_to_lexicon(lexicon, segmenter):
    annotator = make_annotator(lexicon, {}, segmenter)
    (labels,) = annotator.tag_rows(["非政府组织游说联合国以争取资金。"], ["zh"])
    assert {(lab.scheme, lab.label, lab.source) for lab in labels} == {
        ("factor", "push", "lexicon"), ("resource", "funding", "lexicon")}
    assert all(lab.score is None for lab in labels)


ZOTERO_ROWS = pd.DataFrame({
    "Key": ["Z1", "Z2"], "Publication Year": ["2019", "2023"], "Author": ["Smith, Anna; Okafor, Chidi", "黄伟; 林芳"],
    "Title": ["Regional Organisations and Peace Operations", "新开发银行的贷款政策"],
    "Abstract Note": ["The EU gives funding to the AU.", "欧盟为非盟提供资金和装备。"], "factor": ["pull", ""],
})


def test_tag_table_keeps_every_input_column_in_order_before_its_own(annotator):
    table = annotator.tag_table(ZOTERO_ROWS, text_column="Abstract Note", id_column="Key")
    kept = ["Key", "Publication Year", "Author", "Title", "Abstract Note", "input_factor"]
    assert list(table.columns[:len(kept)]) == kept and table.columns[len(kept)] == "lang"
    assert table[kept[:-1]].values.tolist() == ZOTERO_ROWS[kept[:-1]].values.tolist()
    assert table["input_factor"].tolist() == ["pull", ""]  # a coder's column, beside the machine's
    assert table["lang"].tolist() == ["en", "zh"] and all("funding" in cell for cell in table["resource"])


def test_tag_table_keeps_the_chosen_columns_and_the_id(annotator):
    table = annotator.tag_table(ZOTERO_ROWS, text_column="Abstract Note", id_column="Key",
                                keep_columns=["Title", "Publication Year"])
    assert list(table.columns[:4]) == ["Key", "Title", "Publication Year", "lang"]
    assert "Author" not in table.columns and table["Title"].tolist() == ZOTERO_ROWS["Title"].tolist()


def test_tag_table_writes_the_text_and_language_it_read_once(annotator):
    rows = pd.DataFrame({"doc_id": ["d1"], "sent_id": ["s1"], "lang": ["EN"], "text": ["The EU gives funding to the AU."]})
    table = annotator.tag_table(rows, lang_column="lang")
    assert list(table.columns[:3]) == ["doc_id", "sent_id", "lang"] and list(table.columns).count("text") == 1
    assert table.loc[0, "lang"] == "en" and table.columns[-1] == "text"


def test_tag_table_names_a_missing_kept_column(annotator):
    with pytest.raises(IrtagError, match=r"\[E050\].*'Year'"):
        annotator.tag_table(ZOTERO_ROWS, text_column="Abstract Note", id_column="Key", keep_columns=["Year"])


def test_irtag_tag_keep_columns_option(tmp_path, tiny_models):
    from click.testing import CliRunner

    from pipeline.cli import cli

    sheet = tmp_path / "zotero.csv"
    ZOTERO_ROWS.to_csv(sheet, index=False, encoding="utf-8-sig")
    out = tmp_path / "tagged.csv"
    result = CliRunner().invoke(cli, ["tag", str(sheet), "--text-column", "Abstract Note", "--id-column", "Key",
                                      "--keep-columns", "Title, Author", "--models", str(tiny_models), "-o", str(out)])
    assert result.exit_code == 0, result.output
    tagged = pd.read_csv(out, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert list(tagged.columns[:4]) == ["Key", "Title", "Author", "lang"]
    assert tagged["Author"].tolist() == ZOTERO_ROWS["Author"].tolist()

import json

import pytest

from pipeline.document import (
    SCHEMA_VERSION, Actor, Document, Evidence, Label, Metadata, Note, Paragraph, Relation, Section, Sentence, Token,
    content_id,
)


def make_doc(lang: str) -> Document:
    text = {"zh": "联合国依赖欧盟的部队。", "en": "The UN relies on EU troops."}[lang]
    sentence = Sentence(
        id="d-s0001", start=0, end=len(text), text=text, lang=lang, norm=text, page=1, notes=["①"],
        tokens=[Token(text=text[:3], start=0, end=3, lemma=text[:3].lower())],
        labels=[Label("factor", "pull", "both", 0.91, [Evidence(text[:3], 0, 3, "factor.pull.rely", False)])],
        actors=[Actor(text[:2], 0, 2, "UN", "igo")],
        relations=[Relation("UN", text[:2], "igo", "EU", "EU", "regional", "seeks", "pull", "needed",
                            [Evidence(text[:3], 0, 3, "factor.pull.rely"), Evidence(text[:2], 0, 2, "source")], 0.91)],
    )
    paragraph = Paragraph(id="p0001", start=0, end=len(text), sentences=[sentence])
    section = Section(id="sec01", kind="body", heading="", start=0, end=len(text), lang=lang, paragraphs=[paragraph])
    return Document(
        id=content_id(text.encode()), source="x.txt", format="txt", lang=lang, text=text,
        meta=Metadata(title="T", authors=["A", "B"], keywords=["k"], doi="10.1/x", year=2020),
        sections=[section], notes=[Note("①", "note text", 5)], references=["ref 1"], page_starts=[0],
    )


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_jsonl_round_trip_is_exact(lang):
    doc = make_doc(lang)
    line = doc.to_json()
    assert "\n" not in line
    assert Document.from_json(line) == doc
    assert json.loads(line)["schema_version"] == SCHEMA_VERSION


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_version_1_lines_are_read_without_relations(lang):
    data = make_doc(lang).to_dict()
    data["schema_version"] = 1
    for section in data["sections"]:
        for paragraph in section["paragraphs"]:
            for sentence in paragraph["sentences"]:
                del sentence["relations"]
    doc = Document.from_json(json.dumps(data))
    assert [s.relations for s in doc.sentences()] == [[]]
    assert next(doc.sentences()).actors[0].org_id == "UN"


def test_content_id_depends_on_bytes_only():
    assert content_id(b"abc") == content_id(b"abc")
    assert content_id(b"abc") != content_id(b"abd")
    assert len(content_id(b"abc")) == 16


def test_sentence_iteration_filters_section_kinds():
    doc = make_doc("zh")
    doc.sections.append(Section(id="sec02", kind="references", heading="参考文献", start=0, end=0,
                                paragraphs=[Paragraph("p0002", 0, 0, sentences=[Sentence("d-s0002", 0, 0, "ref", "zh")])]))
    assert [s.id for s in doc.sentences()] == ["d-s0001", "d-s0002"]
    assert [s.id for s in doc.coded_sentences()] == ["d-s0001"]


def test_page_of_offsets():
    doc = make_doc("en")
    doc.page_starts = [0, 10, 20]
    assert [doc.page_of(o) for o in (0, 9, 10, 25)] == [1, 1, 2, 3]

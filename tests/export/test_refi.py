import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from pipeline.document import Document, Evidence, Label, Paragraph, Section, Sentence
from pipeline.export.refi import (
    PROJECT_NS, USER_GUID, CodeSpec, code_guid, write_codebook, write_project, write_taguette_codebook,
)

REFI = Path(__file__).resolve().parents[3] / "shared" / "refi-qda"
CODES = [
    CodeSpec("factor", "", "who seeks the cooperation"),
    CodeSpec("factor", "pull", "the intergovernmental side seeks cooperation"),
    CodeSpec("factor", "push", "the non-governmental side seeks access"),
    CodeSpec("resource", "", "what is exchanged"),
    CodeSpec("resource", "personnel", "people: staff, troops"),
]


def make_doc(lang: str) -> Document:
    texts = {
        "zh": ["标题：维和合作\n", "联合国依赖欧盟提供部队。", "𠀀这是背景句子。", "非政府组织游说代表团。"],
        "en": ["Peacekeeping\n", "The UN relies on EU troops.", " Background here.", " NGOs lobby delegations."],
    }[lang]
    text = "".join(texts)
    sentences, offset = [], 0
    for index, piece in enumerate(texts):
        start = offset + len(piece) - len(piece.lstrip())
        end = offset + len(piece.rstrip())
        sentences.append(Sentence(id=f"{lang}-s{index + 1:04d}", start=start, end=end, text=text[start:end], lang=lang))
        offset += len(piece)
    sentences[1].labels = [Label("factor", "pull", "both", 0.9, [Evidence("x", 0, 1)]),
                           Label("resource", "personnel", "lexicon")]
    sentences[3].labels = [Label("factor", "push", "classifier", 0.7)]
    section = Section("sec01", "body", "", 0, len(text), lang, [Paragraph("p0001", 0, len(text), sentences=sentences)])
    return Document(id=f"doc{lang}", source=f"{lang}.txt", format="txt", lang=lang, text=text, sections=[section])


@pytest.fixture
def qdpx(tmp_path):
    path = tmp_path / "project.qdpx"
    write_project([make_doc("zh"), make_doc("en")], CODES, path)
    return path


def test_selections_read_back_the_tagged_sentences(qdpx):
    ns = {"q": PROJECT_NS}
    with zipfile.ZipFile(qdpx) as archive:
        root = ET.fromstring(archive.read("project.qde"))
        assert root.get("origin") == "irtag"
        docs = {d.id: d for d in (make_doc("zh"), make_doc("en"))}
        seen = 0
        for source in root.iterfind(".//q:TextSource", ns):
            path = source.get("plainTextPath")
            assert path.startswith("internal://")
            raw = archive.read("Sources/" + path[len("internal://"):])
            assert not raw.startswith(b"\xef\xbb\xbf") and b"\r" not in raw
            text = raw.decode("utf-8")
            for selection in source.iterfind("q:PlainTextSelection", ns):
                sentence_id = selection.get("name")
                doc = docs["doc" + sentence_id[:2]]
                sentence = next(s for s in doc.sentences() if s.id == sentence_id)
                start, end = int(selection.get("startPosition")), int(selection.get("endPosition"))
                assert text[start:end] == sentence.text  # code points, even past U+FFFF
                assert selection.get("creatingUser") == USER_GUID
                refs = {c.find("q:CodeRef", ns).get("targetGUID") for c in selection.iterfind("q:Coding", ns)}
                assert refs == {code_guid(lab.scheme, lab.label) for lab in sentence.labels}
                seen += 1
        assert seen == 4
        code_guids = {c.get("guid") for c in root.iterfind(".//q:Code", ns)}
        for ref in root.iterfind(".//q:CodeRef", ns):
            assert ref.get("targetGUID") in code_guids  # exact, same case
        assert [u.get("name") for u in root.iterfind(".//q:User", ns)] == ["irtag"]


def test_export_is_deterministic(tmp_path, qdpx):
    again = tmp_path / "again.qdpx"
    write_project([make_doc("zh"), make_doc("en")], CODES, again)
    assert again.read_bytes() == qdpx.read_bytes()


@pytest.mark.skipif(not REFI.is_dir(), reason="../shared/refi-qda schemas not available")
def test_project_and_codebook_validate_against_the_xsd(tmp_path, qdpx):
    xmlschema = pytest.importorskip("xmlschema")
    with zipfile.ZipFile(qdpx) as archive:
        xmlschema.XMLSchema(str(REFI / "Project-mrt2019.xsd")).validate(archive.read("project.qde").decode("utf-8"))
    qdc = tmp_path / "codebook.qdc"
    write_codebook(CODES, qdc)
    xmlschema.XMLSchema(str(REFI / "Codebook.xsd")).validate(str(qdc))


def test_taguette_codebook_has_name_and_description(tmp_path):
    import pandas as pd

    path = tmp_path / "codebook.csv"
    write_taguette_codebook(CODES, path)
    table = pd.read_csv(path)
    assert list(table.columns) == ["name", "description"]
    assert table["name"].tolist() == ["factor:pull", "factor:push", "resource:personnel"]


def test_a_third_party_refi_parser_reads_the_codings(tmp_path, qdpx):
    """pyrefiqda parses .qdpx with bindings generated from the REFI-QDA schema."""
    pyrefiqda = pytest.importorskip("pyrefiqda")
    project = pyrefiqda.RefiProject.load(qdpx, extract_dir=str(tmp_path / "extracted"))
    assert project.origin == "irtag"
    sources = project.sources.text_source
    assert len(sources) == 2
    selections = [sel for source in sources for sel in source.plain_text_selection]
    assert len(selections) == 4
    code_guids = set()
    stack = list(project.code_book.codes.code)
    while stack:
        code = stack.pop()
        code_guids.add(code.guid)
        stack.extend(code.code)
    assert {c.code_ref.target_guid for s in selections for c in s.coding} <= code_guids

import colorsys
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from pipeline.document import Document, Evidence, Label, Metadata, Paragraph, Section, Sentence
from pipeline.export.refi import (
    PROJECT_NS, USER_GUID, VARIABLES, CodeSpec, code_guid, label_colours, negated_guid, write_codebook,
    write_project, write_taguette_codebook,
)

# the schemas sit in shared/ beside the checkout (or beside the folder of worktrees)
REFI = next((p / "shared" / "refi-qda" for p in Path(__file__).resolve().parents
             if (p / "shared" / "refi-qda").is_dir()), Path("shared") / "refi-qda")
NS = {"q": PROJECT_NS}
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
                refs = [c.find("q:CodeRef", ns).get("targetGUID") for c in selection.iterfind("q:Coding", ns)]
                assert len(refs) == 1 and refs[0] in {code_guid(lab.scheme, lab.label) for lab in sentence.labels}
                seen += 1
        assert seen == 6  # one selection per label
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
    assert len(selections) == 6
    code_guids = set()
    stack = list(project.code_book.codes.code)
    while stack:
        code = stack.pop()
        code_guids.add(code.guid)
        stack.extend(code.code)
    assert {c.code_ref.target_guid for s in selections for c in s.coding} <= code_guids


# -- what a coder sees: metadata, body first, negation, colours, one label's evidence per note ------------

BODY = {"zh": ["联合国不寻求非政府组织的专业知识。", "欧盟提供部队。"],
        "en": ["The UN does not seek NGO expertise.", " The EU provides troops."]}
FURNITURE = {"zh": "第3页 国际政治", "en": "Page 3 World Politics"}
REFERENCES = {"zh": "[1] 某文献。", "en": "[1] Some work."}


def article(lang: str) -> Document:
    """Title, body, page furniture inside the body, more body, references: sentences labelled,
    one label negated."""
    text, sections, n = "", [], 0
    layout = [("title", ["Title " + lang]), ("body", [BODY[lang][0]]), ("furniture", [FURNITURE[lang]]),
              ("body", [BODY[lang][1]]), ("references", [REFERENCES[lang]])]
    for index, (kind, pieces) in enumerate(layout):
        start, sentences = len(text), []
        for piece in pieces:
            n += 1
            begin = len(text) + len(piece) - len(piece.lstrip())
            text += piece
            sentences.append(Sentence(id=f"{lang}-s{n:04d}", start=begin, end=len(text), text=text[begin:],
                                      lang=lang, section_kind=kind))
        sections.append(Section(f"sec{index}", kind, "", start, len(text), lang,
                                [Paragraph(f"p{index}", start, len(text), sentences=sentences)]))
        text += "\n\n"
    doc = Document(id=f"art{lang}", source=f"/data/{lang}.pdf", format="pdf", lang=lang, text=text,
                   sections=sections,
                   meta=Metadata(title="Title " + lang, authors=["A. Author", "B. Author"], journal="J. IR",
                                 year=2021, doi="10.1000/xyz"))
    first, second = doc.sections[1].paragraphs[0].sentences[0], doc.sections[3].paragraphs[0].sentences[0]
    first.labels = [Label("factor", "pull", "both", 0.8123, [_term(first, "寻求" if lang == "zh" else "seek", True)],
                          negated=True),
                    Label("resource", "personnel", "classifier", 0.61)]
    second.labels = [Label("resource", "personnel", "lexicon", None, [_term(second, "部队" if lang == "zh" else "troops")])]
    return doc


def _term(sentence: Sentence, term: str, negated: bool = False) -> Evidence:
    start = sentence.start + sentence.text.index(term)
    return Evidence(term, start, start + len(term), "", negated)


@pytest.fixture(params=["zh", "en"])
def project(request, tmp_path):
    path = tmp_path / "project.qdpx"
    write_project([article(request.param)], CODES, path)
    with zipfile.ZipFile(path) as archive:
        root = ET.fromstring(archive.read("project.qde"))
        texts = {name[len("Sources/"):]: archive.read(name).decode("utf-8")
                 for name in archive.namelist() if name.startswith("Sources/")}
    return request.param, root, texts


def _text_of(source, texts) -> str:
    return texts[source.get("plainTextPath")[len("internal://"):]]


def test_body_text_comes_first_and_the_rest_is_a_source_of_its_own(project):
    lang, root, texts = project
    sources = root.findall(".//q:TextSource", NS)
    assert [s.get("name") for s in sources] == [f"Title {lang}", f"Title {lang} [furniture, references]"]
    body, rest = (_text_of(s, texts) for s in sources)
    assert body == f"Title {lang}\n\n{BODY[lang][0]}\n\n{BODY[lang][1]}"  # a blank line for the furniture
    assert FURNITURE[lang] not in body and REFERENCES[lang] not in body
    assert rest == f"{FURNITURE[lang]}\n\n{REFERENCES[lang]}"
    assert rest and not sources[1].findall("q:PlainTextSelection", NS)
    doc = article(lang)
    for selection in sources[0].iterfind("q:PlainTextSelection", NS):
        sentence = next(s for s in doc.sentences() if s.id == selection.get("name"))
        start, end = int(selection.get("startPosition")), int(selection.get("endPosition"))
        assert body[start:end] == sentence.text  # positions moved past the furniture left out


def test_document_metadata_are_variables_on_every_source(project):
    lang, root, _ = project
    declared = {v.get("guid"): (v.get("name"), v.get("typeOfVariable")) for v in root.iterfind(".//q:Variable", NS)}
    assert sorted(name for name, _ in declared.values()) == sorted(VARIABLES)
    for source, part in zip(root.iterfind(".//q:TextSource", NS), ("title, body", "furniture, references")):
        values = {}
        for value in source.iterfind("q:VariableValue", NS):
            name, kind = declared[value.find("q:VariableRef", NS).get("targetGUID")]
            values[name] = value.find(f"q:{kind}Value", NS).text
        assert values == {"title": f"Title {lang}", "authors": "A. Author; B. Author", "year": "2021",
                          "journal": "J. IR", "DOI": "10.1000/xyz", "language": lang, "source": f"/data/{lang}.pdf",
                          "part": part}


def test_a_negated_label_is_coded_with_its_negated_code(project):
    lang, root, _ = project
    names = {c.get("guid"): c.get("name") for c in root.iterfind(".//q:Code", NS)}
    assert names[negated_guid("factor", "pull")] == "factor:pull (negated)"
    coded = [(s.get("name"), names[s.find("q:Coding/q:CodeRef", NS).get("targetGUID")])
             for s in root.iterfind(".//q:PlainTextSelection", NS)]
    assert coded == [(f"{lang}-s0002", "factor:pull (negated)"), (f"{lang}-s0002", "resource:personnel"),
                     (f"{lang}-s0004", "resource:personnel")]
    order = [c.get("name") for c in root.iterfind(".//q:Code", NS)]
    assert order.index("factor:pull (negated)") == order.index("factor:pull") + 1


def test_each_note_says_its_own_labels_evidence(project):
    lang, root, _ = project
    doc = article(lang)
    pull = doc.sections[1].paragraphs[0].sentences[0].labels[0]
    term = pull.evidence[0]
    notes = [s.find("q:Description", NS).text for s in root.iterfind(".//q:PlainTextSelection", NS)]
    assert notes[0] == (f"{lang}-s0002: factor:pull (negated); source both, score 0.812; "
                        f"terms {term.term}@{term.start}-{term.end} (negated)")
    assert notes[1] == f"{lang}-s0002: resource:personnel; source classifier, score 0.610; no lexicon term (classifier)"
    assert "factor" not in notes[1] and "personnel" not in notes[0]


def test_codes_are_shades_of_their_schemes_hue():
    codes = [CodeSpec("stage", "", "")] + [CodeSpec("stage", l, "") for l in ("a", "b", "c", "d")]
    colours = label_colours(codes)
    assert len(set(colours.values())) == 4
    hues = {round(colorsys.rgb_to_hls(*(int(c[i:i + 2], 16) / 255 for i in (1, 3, 5)))[0], 2)
            for c in colours.values()}
    assert hues == {round(colorsys.rgb_to_hls(0x1F / 255, 0x77 / 255, 0xB4 / 255)[0], 2)}
    assert label_colours(codes) == colours  # stable


@pytest.mark.skipif(not REFI.is_dir(), reason="../shared/refi-qda schemas not available")
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_article_project_validates_and_is_deterministic(tmp_path, lang):
    xmlschema = pytest.importorskip("xmlschema")
    paths = [tmp_path / "a.qdpx", tmp_path / "b.qdpx"]
    for path in paths:
        write_project([article(lang), make_doc(lang)], CODES, path)
    assert paths[0].read_bytes() == paths[1].read_bytes()
    with zipfile.ZipFile(paths[0]) as archive:
        xmlschema.XMLSchema(str(REFI / "Project-mrt2019.xsd")).validate(archive.read("project.qde").decode("utf-8"))


def test_a_coding_memo_names_the_relations_of_its_label():
    from pipeline.document import Label, Relation, Sentence
    from pipeline.export.refi import _evidence_description

    sentence = Sentence(id="d-s1", start=0, end=10, text="联合国依靠欧盟的部队。", lang="zh")
    sentence.relations = [Relation("UN", "联合国", "igo", "EU", "欧盟", "regional", "seeks", "pull"),
                          Relation("EU", "欧盟", "regional", "UN", "联合国", "igo", "provides", "personnel", "needed")]
    memo = _evidence_description(sentence, Label("factor", "pull", "lexicon", None, [], False))
    assert "relation UN → EU (seeks, provided)" in memo and "personnel" not in memo

import re
import sys
from pathlib import Path

import pytest

from pipeline.document import Document, Note, Paragraph, Section
from pipeline.errors import IrtagError
from pipeline.config import default_lexicons
from pipeline.norm import normalize
from pipeline.segment import ZH_SENTENCE_END, Segmenter, read_domain_terms, split_sentences

DOMAIN_TERMS_PATH = default_lexicons() / "domain_terms.txt"

FIXTURES = Path(__file__).parent / "fixtures" / "segment"


def make_doc(paragraphs, doc_id="doc1", page_starts=(), notes=()):
    """A Document as ingest builds it: one section per run of (kind, lang), paragraphs with offsets."""
    text, sections = "", []
    for kind, lang, is_heading, body in paragraphs:
        if not sections or (sections[-1].kind, sections[-1].lang) != (kind, lang):
            sections.append(Section(id=f"sec{len(sections) + 1}", kind=kind, heading="", start=len(text),
                                    end=len(text), lang=lang))
        start = len(text)
        text += body
        section = sections[-1]
        section.paragraphs.append(Paragraph(id=f"p{start}", start=start, end=len(text), is_heading=is_heading))
        section.end = len(text)
        text += "\n\n"
    return Document(id=doc_id, source="t.txt", format="txt", lang=paragraphs[0][1], text=text,
                    sections=sections, page_starts=list(page_starts), notes=list(notes))


@pytest.fixture(scope="module")
def segmenter():
    return Segmenter()


def texts(text, lang):
    return [text[s:e] for s, e in split_sentences(text, lang)]


# -- sentence splitting ----------------------------------------------------------------------
@pytest.mark.parametrize("text,expected", [
    ("联合国依赖欧盟。非盟提供部队！东盟呢？", ["联合国依赖欧盟。", "非盟提供部队！", "东盟呢？"]),
    ("他说：“我们需要合作。”然后离开了。", ["他说：“我们需要合作。”", "然后离开了。"]),
    ("（据报道。）随后双方签署协议。", ["（据报道。）随后双方签署协议。"]),
    ("他说：“我们需要合作。他们也是。”然后离开了。", ["他说：“我们需要合作。他们也是。”", "然后离开了。"]),
    ("《中国怎么了？》是一本书。所谓“合作”是指……", ["《中国怎么了？》是一本书。", "所谓“合作”是指……"]),
    ("信息共享；政策协调；联合决策。", ["信息共享；", "政策协调；", "联合决策。"]),
    ("问题在于……资源有限。真的吗?是的!", ["问题在于……", "资源有限。", "真的吗?", "是的!"]),
    ("「資源依賴。」組織文化相容度較高。", ["「資源依賴。」", "組織文化相容度較高。"]),
    ("“合作。”，他说。", ["“合作。”，他说。"]),
])
def test_split_zh(text, expected):
    assert texts(text, "zh") == expected


@pytest.mark.parametrize("text,expected", [
    ("The UN relies on the EU. NGOs seek funding!", ["The UN relies on the EU.", "NGOs seek funding!"]),
    ("Regional bodies, e.g. The AU, help. I.e. They deploy.", ["Regional bodies, e.g. The AU, help.", "I.e. They deploy."]),
    ("The U.N. Security Council and the U.S. Congress act.", ["The U.N. Security Council and the U.S. Congress act."]),
    ("See Vol. 39, No. 4, pp. 993-1013. Then read p. 5 again.", ["See Vol. 39, No. 4, pp. 993-1013.", "Then read p. 5 again."]),
    ("Steffek et al. Argue this. Dr. Smith and Prof. Jones agree.", ["Steffek et al. Argue this.", "Dr. Smith and Prof. Jones agree."]),
    ("J. Smith and A. B. Jones wrote it. Growth was 3.5 percent.", ["J. Smith and A. B. Jones wrote it.", "Growth was 3.5 percent."]),
    ("He said “We need NGOs.” Then he left.", ["He said “We need NGOs.”", "Then he left."]),
    ("Cf. Fig. 2 and Art. 71 vs. Art. 12. 2. Push factors matter.", ["Cf. Fig. 2 and Art. 71 vs. Art. 12.", "2. Push factors matter."]),
    ("Is it? yes, it is. (They agreed.) So did the EU.", ["Is it? yes, it is.", "(They agreed.)", "So did the EU."]),
])
def test_split_en(text, expected):
    assert texts(text, "en") == expected


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_split_spans_are_stripped_and_cover_the_text(lang):
    text = "  联合国依赖欧盟。 The UN relies on the EU.  Next one.\n"
    spans = split_sentences(text, lang)
    assert all(text[s:e] == text[s:e].strip() and text[s:e] for s, e in spans)
    assert re.sub(r"\s", "", "".join(text[s:e] for s, e in spans)) == re.sub(r"\s", "", text)


def test_split_rejects_unknown_lang():
    with pytest.raises(IrtagError, match=r"\[E023\]"):
        split_sentences("text", "fr")


def test_sentence_end_constant_holds_chinese_marks():
    assert set("。！？；…") <= set(ZH_SENTENCE_END)


# -- the stage -------------------------------------------------------------------------------
ZH_PARAS = [
    ("title", "zh", True, "政府间组织与非政府组织的合作"),
    ("body", "zh", False, "一、问题的提出"),
    ("body", "zh", False, "联合国对欧盟的资源依赖程度较高。非盟提供了部队；东盟则提供信息。"),
    ("body", "zh", False, "他说：“我们需要合作。”随后双方签署了谅解备忘录！"),
]
EN_PARAS = [
    ("title", "en", True, "Explaining cooperation between IGOs and NGOs"),
    ("body", "en", False, "2. Push factors"),
    ("body", "en", False, "IGOs sought NGO expertise, e.g. in the U.N. system. See Vol. 39, pp. 993-1013."),
    ("body", "en", False, "Organizations were deployed by J. Smith and colleagues. Then the EU paid."),
]
PARAS = {"zh": ZH_PARAS, "en": EN_PARAS}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_offsets_are_exact(segmenter, lang):
    doc = segmenter(make_doc(PARAS[lang]))
    sentences = list(doc.sentences())
    assert len(sentences) >= 6
    for sentence in sentences:
        assert sentence.text == doc.text[sentence.start:sentence.end] == sentence.text.strip()
        assert sentence.lang == lang
        assert len(sentence.norm) == len(sentence.text)
        assert sentence.tokens
        for token in sentence.tokens:
            assert doc.text[token.start:token.end] == token.text
            assert sentence.start <= token.start < token.end <= sentence.end
        covered = "".join(t.text for t in sentence.tokens)
        assert covered == re.sub(r"\s", "", sentence.text)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_sections_headings_and_ids(segmenter, lang):
    doc = segmenter(make_doc(PARAS[lang], doc_id="abc"))
    sentences = list(doc.sentences())
    assert [s.id for s in sentences] == [f"abc-s{n:04d}" for n in range(1, len(sentences) + 1)]
    assert [s.section_kind for s in sentences[:2]] == ["title", "body"]
    assert sentences[0].is_heading and sentences[1].is_heading  # ingest's flag; short line, no final mark
    assert not any(s.is_heading for s in sentences[2:])
    assert list(doc.coded_sentences()) == sentences


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_runs_are_stable_and_idempotent(lang):
    first = Segmenter()(make_doc(PARAS[lang])).to_dict()
    again = Segmenter()(make_doc(PARAS[lang]))
    assert again.to_dict() == first
    assert Segmenter()(again).to_dict() == first  # re-segmenting replaces, never appends


def test_zh_article_with_en_abstract_has_both_langs(segmenter):
    doc = segmenter(make_doc([
        ("title", "zh", True, "联合国与区域国际组织的合作强度"),
        ("abstract", "en", False, "This article explains cooperation intensity. The UN relies on the EU."),
        ("body", "zh", False, "正如Steffek所说，“IGOs seek NGO expertise.”这一点很重要。政府间组织（IGOs）寻求非政府组织（NGOs）的专业知识。"),
    ]))
    by_kind = {(s.section_kind, s.lang) for s in doc.sentences()}
    assert ("abstract", "en") in by_kind and ("body", "zh") in by_kind
    body = [(s.text[:8], s.lang) for s in doc.sentences() if s.section_kind == "body"]
    # one language per sentence by CJK share: the quote makes the first one mostly English
    assert body == [("正如Steffe", "en"), ("这一点很重要。", "zh"), ("政府间组织（IG", "zh")]


def test_pages_and_notes(segmenter):
    paragraphs = [("body", "zh", False, "联合国依赖欧盟。非盟提供部队。"), ("body", "zh", False, "东盟提供信息。")]
    second = len("联合国依赖欧盟。非盟提供部队。") + 2
    doc = make_doc(paragraphs, page_starts=[0, second], notes=[Note("①", "note", 8), Note("②", "n", second + 7)])
    sentences = list(segmenter(doc).sentences())
    assert [s.page for s in sentences] == [1, 1, 2]
    assert [s.notes for s in sentences] == [["①"], [], ["②"]]


# -- tokens ----------------------------------------------------------------------------------
@pytest.mark.parametrize("term,sentence", [
    ("政府间组织", "政府间组织寻求非政府组织的专业知识。"),
    ("非政府组织", "许多非政府组织寻求资金。"),
    ("跨政府网络", "二十国集团是一个跨政府网络。"),
    ("资源依赖", "联合国对欧盟的资源依赖程度较高。"),
    ("组织文化相容度", "两者的组织文化相容度较高。"),
    ("非盟", "联合国与非盟开展合作。"),
    ("信息共享", "双方开展了信息共享与政策协调。"),
    ("谅解备忘录", "双方签署了谅解备忘录。"),
])
def test_domain_terms_stay_whole(segmenter, term, sentence):
    assert term in [t.text for t in segmenter.tokenize(sentence, "zh")]


def test_extra_words_stay_whole():
    sentence = "拉动因素推动了组织间资源交换。"
    assert "组织间资源交换" not in [t.text for t in Segmenter().tokenize(sentence, "zh")]
    assert "组织间资源交换" in [t.text for t in Segmenter(extra_words=["組織間資源交換"]).tokenize(sentence, "zh")]


def test_traditional_text_is_normalised_not_changed(segmenter):
    text = (FIXTURES / "traditional_zh.txt").read_text(encoding="utf-8").strip()
    doc = segmenter(make_doc([("body", "zh", False, line) for line in text.splitlines()]))
    sentences = list(doc.sentences())
    assert [s.text for s in sentences][0] == text.splitlines()[0]
    assert sentences[0].norm == "联合国与非洲联盟在维和行动中的合作强度取决于资源依赖与组织文化相容度。"
    tokens = [t for s in sentences for t in s.tokens]
    assert {"組織文化相容度", "諮商地位", "資源依賴"} <= {t.text for t in tokens}
    assert {"组织文化相容度", "咨商地位", "资源依赖"} <= {t.lemma for t in tokens}


@pytest.mark.parametrize("word,lemma", [
    ("organizations", "organization"), ("sought", "seek"), ("Organizations", "organization"),
    ("were", "be"), ("agencies", "agency"), ("deployed", "deploy"),
])
def test_english_lemmas(segmenter, word, lemma):
    tokens = segmenter.tokenize(f"Some {word} here.", "en")
    assert [t.lemma for t in tokens if t.text == word] == [lemma]


@pytest.mark.parametrize("lang,text", [
    ("zh", "联合国与非盟开展维和行动。"), ("en", "  The UN relies on the EU's troops.  "),
])
def test_tokenize_bare_string_offsets(segmenter, lang, text):
    tokens = segmenter.tokenize(text, lang)
    assert tokens and all(text[t.start:t.end] == t.text and not t.text.isspace() for t in tokens)


def test_en_sentence_with_chinese_run_uses_jieba_for_it(segmenter):
    tokens = segmenter.tokenize("The UN cooperates with 非盟 in 维和行动 missions.", "en")
    assert {"非盟", "维和行动", "missions"} <= {t.text for t in tokens}


def test_unknown_engine_is_an_error():
    with pytest.raises(IrtagError, match=r"\[E021\]"):
        Segmenter(engine="thulac").tokenize("联合国", "zh")


def test_missing_rjieba_is_a_clear_error(monkeypatch):
    monkeypatch.setitem(sys.modules, "rjieba", None)  # makes `import rjieba` fail
    with pytest.raises(IrtagError, match=r"\[E022\].*pip install rjieba"):
        Segmenter(engine="rjieba").tokenize("联合国", "zh")


def test_rjieba_gives_the_same_tokens(segmenter):
    pytest.importorskip("rjieba")
    text = "".join(s for *_, s in ZH_PARAS) + (FIXTURES / "traditional_zh.txt").read_text(encoding="utf-8")
    fast = Segmenter(engine="rjieba")
    assert [(t.text, t.start, t.end) for t in fast.tokenize(text, "zh")] == \
        [(t.text, t.start, t.end) for t in segmenter.tokenize(text, "zh")]


def test_domain_dictionary_is_valid_jieba_userdict():
    lines = DOMAIN_TERMS_PATH.read_text(encoding="utf-8").splitlines()
    assert all(re.fullmatch(r"\S+ \d+ [a-z]+", line) for line in lines)
    words = [word for word, _ in read_domain_terms(DOMAIN_TERMS_PATH)]
    assert 100 <= len(words) <= 250 and len(set(words)) == len(words)
    assert all(normalize(w) == w for w in words)


def test_bad_domain_dictionary_line_names_the_line(tmp_path):
    path = tmp_path / "terms.txt"
    path.write_text("联合国 100 nt\n资源依赖 many nz\n", encoding="utf-8")
    with pytest.raises(IrtagError, match=r"\[E025\].*terms.txt:2"):
        read_domain_terms(path)


@pytest.mark.parametrize("text, lang, expected", [
    ("（5）政策执行", "zh", True),
    ("2. Push factors", "en", True),
    ("What is consultative status?", "en", True),
    ("什么是咨商地位？", "zh", True),
    ("The UN relies on EU troops.", "en", False),
    ("Why did the Council, after months of negotiation among its members, finally decide to act?", "en", False),
])
def test_short_lines_and_short_questions_standing_alone_are_headings(text, lang, expected):
    from pipeline.segment import looks_like_heading

    assert looks_like_heading(text, lang) is expected

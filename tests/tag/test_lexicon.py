"""Tests for the codebook/lexicon files (pipeline.codebook) and matching (pipeline.tag.lexicon)."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest

from pipeline.codebook import Problem, validate
from pipeline.norm import fold_width
from pipeline.document import Document, Paragraph, Section, Sentence, Token
from pipeline.errors import IrtagError
from pipeline.tag.base import Hit
from pipeline.tag.inflect import english_variants
from pipeline.tag.lexicon import Lexicon, format_codebook

CODEBOOK_MD = Path(__file__).resolve().parents[3] / "shared" / "CODEBOOK.md"

MINI_CODEBOOK = """\
schemes:
  - name: stage
    labels:
      - name: decision
        definition: choosing
      - name: implementation
        definition: carrying out
  - name: resource
    groups: [material, symbolic]
    labels:
      - name: funding
        group: material
        definition: money
actor_types:
  - name: igo
    definition: intergovernmental
  - name: state
    definition: states
"""


@pytest.fixture(scope="module")
def lexicon() -> Lexicon:
    return Lexicon.load()


def tokens_for(text: str, words: list[str], lemmas: dict[str, str] | None = None) -> list[Token]:
    """Hand-made tokens: each word is found in ``text`` after the previous one."""
    tokens, position = [], 0
    for word in words:
        start = text.index(word, position)
        position = start + len(word)
        tokens.append(Token(word, start, position, (lemmas or {}).get(word, word.lower())))
    return tokens


def zh(words: list[str]) -> tuple[str, list[Token]]:
    text = "".join(words)
    return text, tokens_for(text, words)


def en(words: list[str], lemmas: dict[str, str] | None = None) -> tuple[str, list[Token]]:
    text = " ".join(words)
    return text, tokens_for(text, words, lemmas)


def labels_in(lexicon, segmenter, text: str, lang: str, scheme: str) -> set[str]:
    """The labels of one scheme that the shipped lexicon finds in a segmented text."""
    return {h.label for h in lexicon.match_text(text, lang, segmenter.tokenize(text, lang)) if h.scheme == scheme}


def write_lexicons(folder: Path, files: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "codebook.yaml").write_text(MINI_CODEBOOK, encoding="utf-8")
    for name, content in files.items():
        (folder / name).write_text(textwrap.dedent(content), encoding="utf-8")
    return folder


# -- shipped files ---------------------------------------------------------------------------
def test_shipped_lexicons_validate(lexicon):
    assert validate() == []
    assert lexicon.schemes == ("factor", "stage", "resource", "cooperation")
    assert lexicon.labels("factor") == ("pull", "push")
    assert lexicon.labels("stage") == (
        "agenda_setting", "analysis", "formulation", "decision", "implementation", "evaluation",
    )
    assert [lexicon.group("resource", lab) for lab in lexicon.labels("resource")] == [
        "material", "material", "material", "symbolic", "symbolic", "symbolic", "symbolic",
    ]
    assert lexicon.actor_types == ("igo", "regional", "forum", "ngo", "state", "private")


def test_every_label_has_terms_in_both_languages(lexicon):
    for scheme in lexicon.schemes:
        for label in lexicon.labels(scheme):
            assert lexicon.terms(scheme, label, "zh"), (scheme, label)
            assert lexicon.terms(scheme, label, "en"), (scheme, label)


@pytest.mark.skipif(not CODEBOOK_MD.is_file(), reason="shared/CODEBOOK.md not present")
def test_labels_are_those_of_codebook_md(lexicon):
    text = CODEBOOK_MD.read_text(encoding="utf-8")
    for scheme in lexicon.schemes:
        assert f"`{scheme}`" in text
        for label in lexicon.labels(scheme):
            assert f"`{label}`" in text, label


def test_contains_len_and_unknown_scheme(lexicon):
    assert "stage" in lexicon and "stage.decision" in lexicon
    assert "stage.implementation.deploy" in lexicon and "UN" in lexicon
    assert "stage.nonsense" not in lexicon and "nonsense" not in lexicon
    assert len(lexicon) > 1000
    with pytest.raises(IrtagError, match=r"\[E031\].*'stages'"):
        lexicon.labels("stages")


def test_zh_terms_for_the_segmenter(lexicon):
    words = lexicon.zh_terms()
    assert {"非盟", "联合国", "议程设置", "非政府组织"} <= set(words)
    assert words == sorted(set(words))
    assert not any(w.isascii() for w in words)


def test_format_codebook(lexicon):
    text = format_codebook(lexicon)
    for scheme in lexicon.schemes:
        assert f"{scheme}:" in text
        for label in lexicon.labels(scheme):
            assert re.search(rf"^  {label}\s+", text, re.MULTILINE), label
    assert re.search(r"^  funding\s+material\s+\d+\s+\d+", text, re.MULTILINE)


def test_env_var_selects_folder(tmp_path, monkeypatch):
    folder = write_lexicons(tmp_path / "lex", {"stage.yaml": """\
        scheme: stage
        concepts:
          - id: stage.decision.vote
            label: decision
            en: [vote]
        """})
    monkeypatch.setenv("IRTAG_LEXICONS", str(folder))
    loaded = Lexicon.load()
    assert loaded.schemes == ("stage", "resource") and len(loaded) == 1


def test_missing_folder(tmp_path):
    with pytest.raises(IrtagError, match=r"\[E032\]"):
        Lexicon.load(tmp_path / "nowhere")


# -- validation: file and line ---------------------------------------------------------------
BAD_FILES = {
    "unknown label": ("""\
        scheme: stage
        concepts:
          - id: stage.vote.x
            label: vote
            en: [vote]
        """, 4, "unknown label 'vote'"),
    "duplicate term": ("""\
        scheme: stage
        concepts:
          - id: stage.decision.a
            label: decision
            zh: [决策]
          - id: stage.implementation.b
            label: implementation
            zh: [执行, 决策]
        """, 8, "duplicate zh term '决策'"),
    "full-width duplicate": ("""\
        scheme: resource
        concepts:
          - id: resource.funding.a
            label: funding
            en: [ODA,
                 ＯＤＡ]
        """, 6, "full-width"),
    "case duplicate": ("""\
        scheme: resource
        concepts:
          - id: resource.funding.a
            label: funding
            en: [grant, Grant]
        """, 5, "duplicates 'grant'"),
    "bad regex": ("""\
        scheme: stage
        concepts:
          - id: stage.decision.a
            label: decision
            patterns:
              zh: ['通过(了']
        """, 6, "bad regex"),
    "empty pattern match": ("""\
        scheme: stage
        concepts:
          - id: stage.decision.a
            label: decision
            patterns:
              en: ['x*']
        """, 6, "matches the empty string"),
    "unknown key": ("""\
        scheme: stage
        concepts:
          - id: stage.decision.a
            label: decision
            en: [vote]
            synonyms: [ballot]
        """, 6, "unknown key 'synonyms'"),
    "pattern lang": ("""\
        scheme: stage
        concepts:
          - id: stage.decision.a
            label: decision
            patterns:
              fr: ['vote']
        """, 6, "must be zh or en"),
    "empty term": ("""\
        scheme: stage
        concepts:
          - id: stage.decision.a
            label: decision
            zh: [决策, '']
        """, 5, "empty zh term"),
    "wrong script": ("""\
        scheme: stage
        concepts:
          - id: stage.decision.a
            label: decision
            zh: [vote]
        """, 5, "no Chinese characters"),
    "unknown scheme": ("""\
        scheme: stages
        concepts: []
        """, 1, "unknown scheme 'stages'"),
    "id prefix": ("""\
        scheme: stage
        concepts:
          - id: decision.a
            label: decision
            en: [vote]
        """, 3, "must start with 'stage.decision.'"),
    "yaml syntax": ("""\
        scheme: stage
        concepts:
          - id: stage.decision.a
            label: [decision
        """, 5, "not valid YAML"),
}


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_bad_lexicon_names_file_and_line(tmp_path, case):
    content, line, message = BAD_FILES[case]
    folder = write_lexicons(tmp_path, {"bad.yaml": content})
    with pytest.raises(IrtagError, match=r"\[E030\] .*bad\.yaml:\d+") as info:
        Lexicon.load(folder)
    assert f"bad.yaml:{line}: " in str(info.value)
    assert message in str(info.value)


def test_bad_gazetteer_names_file_and_line(tmp_path):
    folder = write_lexicons(tmp_path, {"organisations.yaml": """\
        organisations:
          - id: UN
            type: igo
            en: [United Nations, UN]
          - id: UNO
            type: club
            en: [UN]
        """})
    problems = validate(folder)
    assert [(Path(p.path).name, p.line) for p in problems] == [
        ("organisations.yaml", 6), ("organisations.yaml", 7),
    ]
    assert "unknown actor type 'club'" in problems[0].problem
    assert "duplicate en term 'UN'" in problems[1].problem
    assert str(problems[0]).startswith("[E030] ")


def test_validate_collects_every_problem(tmp_path):
    folder = write_lexicons(tmp_path, {"bad.yaml": BAD_FILES["duplicate term"][0],
                                       "worse.yaml": BAD_FILES["unknown key"][0]})
    problems = validate(folder)
    assert all(isinstance(p, Problem) for p in problems)
    assert [(Path(p.path).name, p.line) for p in problems] == [
        ("bad.yaml", 8), ("worse.yaml", 3), ("worse.yaml", 6),
    ]
    assert "id already used at bad.yaml:3" in problems[1].problem
    with pytest.raises(IrtagError, match=r"bad\.yaml:8: .*\(and 2 more"):
        Lexicon.load(folder)


# -- English matching ------------------------------------------------------------------------
def test_english_inflections_by_lemma(lexicon):
    text, tokens = en(["donations", "were", "pledged"], {"donations": "donation", "were": "be", "pledged": "pledge"})
    labels = {(h.scheme, h.label, h.term) for h in lexicon.match_text(text, "en", tokens)}
    assert ("resource", "funding", "donation") in labels
    assert ("stage", "decision", "pledge") in labels


def test_english_inflections_without_lemmatizer(lexicon):
    """A capitalised 'Funds' that the lookup table leaves as is still matches 'fund'."""
    text, tokens = en(["Funds", "were", "pledged"], {"Funds": "Funds"})
    assert "funding" in {h.label for h in lexicon.match_text(text, "en", tokens)}


@pytest.mark.parametrize("words", [["the", "fundamental", "question"], ["refunding", "rules"]])
def test_english_terms_only_on_token_boundaries(lexicon, words):
    text, tokens = en(words)
    assert "funding" not in {h.label for h in lexicon.match_text(text, "en", tokens)}


def test_english_phrase_on_surface_words(lexicon):
    text, tokens = en(["a", "joint", "declaration", "was", "signed"],
                      {"signed": "sign", "was": "be"})
    hits = lexicon.match_text(text, "en", tokens)
    assert [(h.text, h.label) for h in hits] == [("joint declaration", "agreement")]


def test_bare_sign_is_no_agreement_but_signing_one_is(lexicon):
    text, tokens = en(["the", "final", "sign", "-", "off", "rests", "with", "the", "board"], {})
    assert [h for h in lexicon.match_text(text, "en", tokens) if h.scheme == "cooperation"] == []
    text, tokens = en(["they", "signed", "an", "agreement"], {"signed": "sign"})
    assert [(h.text, h.label) for h in lexicon.match_text(text, "en", tokens)
            if h.scheme == "cooperation"] == [("signed an agreement", "agreement")]


def test_english_variants():
    assert {"funds", "funded", "funding"} <= english_variants("fund")
    assert "fundamental" not in english_variants("fund")
    assert {"relies on", "relied on", "relying on"} <= english_variants("rely on")
    assert {"sought funding", "seeks funding"} <= english_variants("seek funding")
    assert "organisations" in english_variants("organization")


# -- Chinese matching ------------------------------------------------------------------------
def test_chinese_terms_only_on_token_boundaries(tmp_path):
    """印度 is a term; it fires as a token, never inside the token 印度尼西亚."""
    folder = write_lexicons(tmp_path, {"organisations.yaml": """\
        organisations:
          - id: IND
            type: state
            zh: [印度]
        """})
    small = Lexicon.load(folder)
    text, tokens = zh(["印度尼西亚", "和", "印度"])
    actors = small.match_actors_text(text, "zh", tokens)
    assert [(a.text, a.start) for a in actors] == [("印度", 6)]


@pytest.mark.parametrize(
    "words, expected",
    [
        (["东非", "盟友"], []),  # 非盟 straddles a token boundary
        (["东", "非盟", "友"], ["AU"]),  # the same characters, tokenised as the name
        (["联合国", "与", "非盟", "合作"], ["UN", "AU"]),
    ],
)
def test_chinese_name_boundaries(lexicon, words, expected):
    text, tokens = zh(words)
    assert [a.org_id for a in lexicon.match_actors_text(text, "zh", tokens)] == expected


def test_longest_match_within_a_scheme_and_nested_across_schemes(lexicon):
    text, tokens = zh(["双方", "联合决策", "，", "进入", "政策执行", "阶段"])
    hits = {(h.scheme, h.label, h.text) for h in lexicon.match_text(text, "zh", tokens)}
    assert ("cooperation", "joint_decision", "联合决策") in hits
    assert ("stage", "decision", "决策") in hits  # 决策 inside the compound, other scheme
    assert ("stage", "implementation", "政策执行") in hits
    assert ("stage", "implementation", "执行") not in hits  # longest wins in one scheme


def test_terms_inside_organisation_names_are_not_evidence(lexicon):
    text, tokens = en(["the", "International", "Monetary", "Fund", "lends"])
    assert lexicon.match_text(text, "en", tokens) == []
    assert [a.org_id for a in lexicon.match_actors_text(text, "en", tokens)] == ["IMF"]


@pytest.mark.parametrize(
    "lang, words, label",
    [
        ("zh", ["非政府组织", "寻求", "影响", "政府间组织", "的", "议程"], "push"),
        ("zh", ["政府间组织", "寻求", "非政府组织", "合作"], "pull"),
        ("en", ["NGOs", "lobby", "national", "delegations"], "push"),
        ("en", ["IGOs", "seek", "NGO", "expertise"], "pull"),
        ("en", ["the", "UN", "relies", "on", "the", "EU", "for", "troops"], "pull"),
    ],
)
def test_factor_cues(lexicon, lang, words, label):
    text, tokens = zh(words) if lang == "zh" else en(words)
    assert label in {h.label for h in lexicon.match_text(text, lang, tokens) if h.scheme == "factor"}


@pytest.mark.parametrize(
    "lang, words, labels",
    [
        # a seeking verb takes the side of its subject, not of the partner named before it
        ("zh", ["政府间组织", "向", "非政府组织", "寻求", "专业知识"], {"pull"}),
        ("zh", ["非政府组织", "向", "联合国", "寻求", "资金"], {"push"}),
        # an NGO's dependence on the intergovernmental side is push
        ("en", ["NGOs", "depend", "on", "UNHCR", "funding"], {"push"}),
        # a dependence needs both parties: the variable of a theory is no factor
        ("zh", ["国际组织", "间", "资源依赖", "程度"], set()),
        # a one-sided verb with the other side as subject is dropped ('States submit' is no push)
        ("en", ["member", "states", "submit", "reports", "to", "the", "UN"], set()),
        ("en", ["NGOs", "submit", "written", "statements"], {"push"}),
        # lobbying and pressing are the non-governmental side's, not a government's
        ("en", ["NGOs", "lobby", "the", "delegations"], {"push"}),
        ("en", ["member", "states", "pushed", "for", "funding"], set()),
        ("zh", ["各国", "政府", "游说", "联合国"], set()),
        # an adverb may stand between the dependence and its partner
        ("en", ["the", "G20", "relies", "heavily", "on", "the", "IMF"], {"pull"}),
        # pressing an organisation is lobbying it; a pressing issue is not
        ("en", ["NGOs", "pressed", "the", "IMF", "on", "debt"], {"push"}),
        ("en", ["a", "pressing", "issue", "for", "the", "UN"], set()),
        # shadow reports are the non-governmental side's submissions
        ("en", ["NGOs", "send", "shadow", "reports", "to", "the", "committee"], {"push"}),
        # an organisation after a preposition or coverb is an object, not the subject
        ("zh", ["我们", "通过", "世界银行", "的", "平台", "筹款"], {"push"}),
        ("en", ["we", "raise", "money", "through", "the", "World", "Bank", "and", "lobby", "hard"], {"push"}),
        # without any organisation a seeking verb names no side
        ("en", ["they", "seek", "partners"], set()),
        # 'seek to' + verb is no seeking of a partner
        ("en", ["the", "UN", "seeks", "to", "reduce", "delays"], set()),
    ],
)
def test_factor_side_of_the_subject(lexicon, lang, words, labels):
    text, tokens = zh(words) if lang == "zh" else en(words, {"depend": "depend", "states": "state"})
    assert {h.label for h in lexicon.match_text(text, lang, tokens) if h.scheme == "factor"} == labels


@pytest.mark.parametrize(
    "lang, words, scheme",
    [
        # a policy domain, an institution named 'Fund' or a generic mention is no evidence
        ("en", ["the", "peacekeeping", "budget"], "stage"),
        ("zh", ["维和", "领域", "的", "合作"], "stage"),
        ("zh", ["和平", "基金"], "resource"),
        ("en", ["the", "Global", "Fund", "met"], "resource"),
        ("zh", ["社会组织", "参与", "全球", "治理"], "resource"),
        ("en", ["the", "treaty", "was", "negotiated"], "cooperation"),
    ],
)
def test_no_evidence(lexicon, lang, words, scheme):
    text, tokens = zh(words) if lang == "zh" else en(words)
    assert [h.term for h in lexicon.match_text(text, lang, tokens) if h.scheme == scheme] == []


# -- gazetteer -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "lang, name, org_id, org_type",
    [
        ("zh", "联合国", "UN", "igo"),
        ("en", "United Nations", "UN", "igo"),
        ("en", "UN", "UN", "igo"),
        ("en", "U.N.", "UN", "igo"),
        ("zh", "非盟", "AU", "regional"),
        ("zh", "非洲联盟", "AU", "regional"),
        ("en", "African Union", "AU", "regional"),
        ("en", "AU", "AU", "regional"),
        ("zh", "二十国集团", "G20", "forum"),
        ("en", "G20", "G20", "forum"),
        ("zh", "经合组织", "OECD", "igo"),
        ("en", "OECD", "OECD", "igo"),
        ("zh", "国际货币基金组织", "IMF", "igo"),
        ("en", "IMF", "IMF", "igo"),
        ("zh", "东盟", "ASEAN", "regional"),
        ("zh", "东南亚国家联盟", "ASEAN", "regional"),
        ("en", "ASEAN", "ASEAN", "regional"),
        ("zh", "欧盟", "EU", "regional"),
        ("en", "EU", "EU", "regional"),
        ("en", "European Union", "EU", "regional"),
        ("zh", "世界银行", "WORLD_BANK", "igo"),
        ("zh", "经社理事会", "ECOSOC", "igo"),
        ("zh", "世界工程组织联合会", "WFEO", "ngo"),
        ("zh", "国际科学理事会", "ICSU", "ngo"),
        ("zh", "中国政府", "CHN", "state"),
        ("en", "China", "CHN", "state"),
        ("zh", "南方共同市场", "MERCOSUR", "regional"),
        ("en", "Mercosur", "MERCOSUR", "regional"),
        ("zh", "世界气象组织", "WMO", "igo"),
        ("en", "WMO", "WMO", "igo"),
    ],
)
def test_gazetteer_aliases(lexicon, lang, name, org_id, org_type):
    if lang == "zh":
        text, tokens = zh([name, "与", "各方", "合作"])
    else:
        text, tokens = en(["the", *name.split(" "), "and", "others"])
    actors = lexicon.match_actors_text(text, lang, tokens)
    assert [(a.text, a.org_id, a.org_type) for a in actors] == [(name, org_id, org_type)]


@pytest.mark.parametrize("words", [["un", "named", "donors"], ["un-named", "donors"], ["au", "pair"],
                                   ["the", "eu-", "phoria"], ["a", "Unesco-like", "who"]])
def test_acronyms_are_case_sensitive_whole_tokens(lexicon, words):
    text, tokens = en(words)
    assert lexicon.match_actors_text(text, "en", tokens) == []


@pytest.mark.parametrize(
    "lang, words, name, org_type",
    [
        ("zh", ["非政府组织", "参与", "会议"], "非政府组织", "ngo"),
        ("zh", ["社会组织联盟", "参与", "治理"], "社会组织联盟", "ngo"),
        ("zh", ["政府间组织", "的", "议程"], "政府间组织", "igo"),
        ("en", ["NGOs", "attend"], "NGOs", "ngo"),
        ("en", ["civil", "society", "organizations", "attend"], "civil society organizations", "ngo"),
        ("en", ["international", "organisations", "meet"], "international organisations", "igo"),
        ("en", ["governments", "decide"], "governments", "state"),
    ],
)
def test_generic_mentions_have_a_type_and_no_id(lexicon, lang, words, name, org_type):
    text, tokens = zh(words) if lang == "zh" else en(words)
    actors = lexicon.match_actors_text(text, lang, tokens)
    assert [(a.text, a.org_id, a.org_type) for a in actors] == [(name, "", org_type)]


# -- negation --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "lang, words, term, negated",
    [
        ("zh", ["许多", "组织", "没有", "足够", "的", "人员"], "人员", True),
        ("zh", ["尚未", "在", "该", "领域", "签署"], "签署", True),
        ("zh", ["组织", "缺乏", "资金"], "资金", True),
        ("zh", ["组织", "获得", "资金"], "资金", False),
        ("zh", ["没有", "问题", "，", "资金", "充足"], "资金", False),  # clause break
        ("zh", ["不断", "寻找", "新", "的", "资金"], "资金", False),  # 不断 is no negator
        ("en", ["the", "AU", "did", "n't", "provide", "funding"], "funding", True),
        ("en", ["a", "lack", "of", "funding"], "funding", True),
        ("en", ["without", "any", "staff"], "staff", True),
        ("en", ["not", "only", "funding", "but", "staff"], "funding", False),
        ("en", ["no", "problem", ";", "funding", "flows"], "funding", False),
        ("en", ["they", "provide", "funding"], "funding", False),
    ],
)
def test_negation(lexicon, lang, words, term, negated):
    text, tokens = zh(words) if lang == "zh" else en(words)
    hits = [h for h in lexicon.match_text(text, lang, tokens) if h.text == term]
    assert hits and all(h.negated is negated for h in hits)


# -- offsets ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "lang, words",
    [
        ("zh", ["欧盟", "向", "联合国", "提供", "了", "资金", "和", "人员", "。"]),
        ("en", ["The", "EU", "provided", "funds", "and", "troops", "to", "the", "UN", "."]),
    ],
)
def test_offsets_point_into_the_document(lexicon, lang, words):
    body, local = zh(words) if lang == "zh" else en(words)
    prefix = "标题\n\n" if lang == "zh" else "A title\n\n"
    text = prefix + body
    base = len(prefix)
    sentence = Sentence(
        id="d-s0001", start=base, end=len(text), text=body, lang=lang, norm=fold_width(body),
        tokens=[Token(t.text, t.start + base, t.end + base, t.lemma) for t in local],
    )
    doc = Document(
        id="d", source="x.txt", format="txt", lang=lang, text=text,
        sections=[Section("sec1", "body", "", base, len(text),
                          paragraphs=[Paragraph("p1", base, len(text), sentences=[sentence])])],
    )
    hits = lexicon.match(sentence)
    actors = lexicon.match_actors(sentence)
    assert {h.label for h in hits} >= {"funding", "personnel"}
    assert [a.org_id for a in actors] == ["EU", "UN"]
    for item in [*hits, *actors]:
        assert doc.text[item.start:item.end] == item.text
    assert all(isinstance(h, Hit) and h.start >= base for h in hits)


def test_match_text_without_tokens_uses_rough_tokens(lexicon):
    hits = lexicon.match_text("The UN lacks funding, but not staff.", "en")
    assert [(h.text, h.negated) for h in hits] == [("funding", True), ("staff", True)]
    assert [a.org_id for a in lexicon.match_actors_text("The UN and the un", "en")] == ["UN"]


# -- with the real segmenter -----------------------------------------------------------------
@pytest.fixture(scope="module")
def segmenter(lexicon):
    segment = pytest.importorskip("pipeline.segment")
    return segment.Segmenter(extra_words=lexicon.zh_terms())


@pytest.mark.parametrize(
    "lang, text, org_ids, labels",
    [
        ("zh", "联合国与非盟签署了谅解备忘录。", ["UN", "AU"], {"agreement"}),
        ("zh", "印度尼西亚和印度是东非盟友。", ["IDN", "IND"], set()),
        ("zh", "联合国对欧盟的资源依赖程度较高。", ["UN", "EU"], {"pull"}),
        ("en", "The UN relies on the EU for troops and funding.", ["UN", "EU"],
         {"pull", "personnel", "funding"}),
        ("en", "Funds were pledged, but the fundamental problem remained.", [], {"funding", "decision"}),
        ("zh", "政府间组织向非政府组织寻求确定新的问题。", ["", ""], {"pull", "agenda_setting"}),
    ],
)
def test_with_segmenter(lexicon, segmenter, lang, text, org_ids, labels):
    tokens = segmenter.tokenize(text, lang)
    assert [a.org_id for a in lexicon.match_actors_text(text, lang, tokens)] == org_ids
    hits = lexicon.match_text(text, lang, tokens)
    assert {h.label for h in hits} == labels
    assert all(text[h.start:h.end] == h.text for h in hits)


@pytest.mark.parametrize(
    "lang, text, stages",
    [
        # the text describing its own work is no policy stage …
        ("zh", "本文分析了联合国与欧盟在危机管理中的合作。", set()),
        ("zh", "本研究基于问卷调查，探讨社会组织参与全球治理的路径。", set()),
        ("en", "This paper analyses how the two organisations came to work together.", set()),
        ("en", "This study draws on interviews to assess NGO participation.", set()),
        ("en", "Our analysis draws on the research of others.", set()),
        ("en", "Section 3 reviews the research on orchestration.", set()),
        ("en", "In this article, I first outline three case studies.", set()),
        # … but what it reports is, and so is what an organisation says it does ("we")
        ("zh", "本文认为，联合国评估了维和行动的成效。", {"evaluation"}),
        ("zh", "联合国评估了维和行动的成效。", {"evaluation"}),
        ("en", "This paper examines how the IMF evaluates its programmes.", {"evaluation"}),
        ("en", "We will monitor whether the promise is kept.", {"evaluation"}),
        ("en", "We share our research with UN Special Rapporteurs.", {"analysis"}),
    ],
)
def test_self_reference_is_no_stage(lexicon, segmenter, lang, text, stages):
    assert labels_in(lexicon, segmenter, text, lang, "stage") == stages


@pytest.mark.parametrize(
    "lang, text, factors",
    [
        # a body sentence naming both of the framework's factors discusses the framework …
        ("zh", "本章比较推动因素与拉动因素之间的区别。", set()),
        ("en", "Both push factors and pull factors change over time.", set()),
        # … one factor discussed on its own is still coded
        ("zh", "拉动因素是政府间组织寻求合作的动机。", {"pull"}),
        ("en", "The pull factor explains why the organisation opened its doors.", {"pull"}),
    ],
)
def test_framework_names_in_a_body_sentence(lexicon, segmenter, lang, text, factors):
    assert labels_in(lexicon, segmenter, text, lang, "factor") == factors


@pytest.mark.parametrize("lang, text", [("zh", "推动因素、拉动因素与政策周期"), ("en", "Push factors, pull factors and the policy cycle")])
def test_a_heading_naming_both_factors_keeps_both(lexicon, segmenter, lang, text):
    heading = Sentence(id="h", start=0, end=len(text), text=text, lang=lang, norm=fold_width(text),
                       is_heading=True, tokens=list(segmenter.tokenize(text, lang)))
    assert {h.label for h in lexicon.match(heading) if h.scheme == "factor"} == {"push", "pull"}


@pytest.mark.parametrize(
    "text, decision",
    [
        ("欧盟决定向该地区派遣一支警察特派团。", True),
        ("这些条件决定两种组织之间的合作模式。", False),  # 决定 = "determine"
        ("组织文化决定双方合作的程度。", False),
    ],
)
def test_jueding_as_determine_is_no_decision(lexicon, segmenter, text, decision):
    assert ("decision" in labels_in(lexicon, segmenter, text, "zh", "stage")) is decision


@pytest.mark.parametrize(
    "lang, text, forms",
    [
        ("en", "The two banks align their procurement policies.", {"policy_coordination"}),
        ("en", "The EU took over the mission's police functions.", {"policy_coordination"}),
        ("en", "A joint secretariat hosted by WMO serves both programmes.", {"joint_implementation"}),
        ("zh", "两个组织设立联合秘书处。", {"joint_implementation"}),
        ("zh", "两个组织曾联合派出工作组。", {"joint_implementation"}),
        ("zh", "联合国派出工作组。", set()),
        ("en", "The banks differ in their policies.", set()),
    ],
)
def test_cooperation_forms(lexicon, segmenter, lang, text, forms):
    assert labels_in(lexicon, segmenter, text, lang, "cooperation") == forms


@pytest.mark.parametrize(
    "lang, text, stages",
    [
        # agenda setting: drawing attention to a problem
        ("en", "Unions brought ozone depletion to the attention of governments.", {"agenda_setting"}),
        ("en", "The report drew the Council's attention to the drought.", {"agenda_setting"}),
        ("en", "Networks first raised the problem of stock-outs with UNAIDS.", {"agenda_setting"}),
        ("en", "WFP warned that needs will peak in August.", {"agenda_setting"}),
        ("en", "They raised funds for the clinic.", set()),
        ("zh", "秘书长提请安理会注意萨赫勒的局势。", {"agenda_setting"}),
        # formulation: preparing an instrument
        ("en", "We agreed to develop a successor Plan of Action for 2026-2030.", {"formulation"}),
        ("en", "Consultations are held while a new framework is being prepared.", {"formulation"}),
        ("en", "The regulator should finalise regulations for the siting of plants.", {"formulation"}),
        ("en", "They developed the country's health system.", set()),
    ],
)
def test_stage_phrasings(lexicon, segmenter, lang, text, stages):
    assert labels_in(lexicon, segmenter, text, lang, "stage") == stages


# -- phrasings of real text and the conditions of the codebook (issue 11) -------------------------
@pytest.mark.parametrize(
    "lang, text, scheme, labels",
    [
        # a sum of money is funding
        ("zh", "欧盟向非盟提供了3000万欧元。", "resource", {"funding"}),
        ("en", "The EU provided €30 million to the mission.", "resource", {"funding"}),
        ("en", "Donors pledged 12 million US dollars for the appeal.", "resource", {"funding"}),
        # troops, police and volunteers are personnel where provided or lacking, not where named
        ("zh", "该国向特派团派遣部队和警察。", "resource", {"personnel"}),
        ("zh", "当地部队在山区遭遇伏击。", "resource", set()),
        ("en", "Ghana will contribute police to the new mission.", "resource", {"personnel"}),
        ("en", "The police arrested three suspects.", "resource", set()),
        ("zh", "基金会向灾区派出志愿者。", "resource", {"personnel"}),
        ("zh", "志愿者们在周末聚会。", "resource", set()),
        # a forum is access where it is provided, not where it is named
        ("en", "The council provides a forum for civil society.", "resource", {"access"}),
        ("en", "The forum took place in Geneva.", "resource", set()),
        ("en", "Participating countries adopted the text.", "resource", set()),
        # projects carried out are implementation; a project named is not
        ("zh", "开发计划署负责实施该项目。", "stage", {"implementation"}),
        ("zh", "该项目的名称尚未公布。", "stage", set()),
        ("en", "UNDP implemented the project in three provinces.", "stage", {"implementation"}),
        ("en", "The project's name was announced.", "stage", set()),
        # official formulas: drafts put out for comment, mandates extended, progress reviewed
        ("zh", "民政部就条例草案公开征求意见。", "stage", {"formulation"}),
        ("en", "The Council extended the mission's mandate for a year.", "stage", {"decision"}),
        ("zh", "安理会同意延长特派团任期。", "stage", {"decision"}),
        ("en", "The two organisations review progress every year.", "stage", {"evaluation"}),
        ("zh", "双方对项目开展监测评估。", "stage", {"evaluation"}),
        ("en", "Members paid their assessed contributions for operations.", "stage", set()),
    ],
)
def test_conditions_and_phrasings(lexicon, segmenter, lang, text, scheme, labels):
    assert labels_in(lexicon, segmenter, text, lang, scheme) == labels


@pytest.mark.parametrize(
    "lang, text, forms",
    [
        ("en", "The two organisations renewed their memorandum of understanding.", {"agreement"}),
        ("zh", "双方续签了合作协议。", {"agreement"}),
        ("en", "The banks signed a co-financing framework agreement.", {"agreement"}),
        ("zh", "两家银行签署联合融资框架协议。", {"agreement"}),
        ("en", "The secretariats hold regular consultations.", {"information_sharing"}),
        ("zh", "两机构建立了会商机制。", {"information_sharing"}),
        ("en", "The partners jointly agreed the priorities.", {"joint_decision"}),
        ("zh", "双方共同确定了优先领域。", {"joint_decision"}),
        ("en", "UNHCR implements its programmes in partnership with local NGOs.", {"joint_implementation"}),
    ],
)
def test_cooperation_formulas(lexicon, segmenter, lang, text, forms):
    assert labels_in(lexicon, segmenter, text, lang, "cooperation") == forms


@pytest.mark.parametrize(
    "lang, text, factors",
    [
        # needing to work with a partner takes the side of the subject
        ("en", "The UN needs to work with regional organisations.", {"pull"}),
        ("zh", "联合国需要同区域组织合作。", {"pull"}),
        ("en", "NGOs need to work with the World Bank.", {"push"}),
        # persuading and making one's voice heard are the non-governmental side's
        ("en", "NGOs tried to persuade the delegations.", {"push"}),
        ("zh", "社会组织在联合国会议上发出声音。", {"push"}),
        ("en", "Member states tried to persuade the Council.", set()),
    ],
)
def test_factor_phrasings(lexicon, segmenter, lang, text, factors):
    assert labels_in(lexicon, segmenter, text, lang, "factor") == factors
# -- the gazetteer: sub-bodies, states, mention rules, defined short forms ---------------------
@pytest.mark.parametrize(
    "org_id, parent",
    [("UNSC", "UN"), ("ECOSOC", "UN"), ("UN_COMMITTEE_NGOS", "ECOSOC"), ("EU_COMMISSION", "EU"), ("EEAS", "EU"),
     ("AU_PSC", "AU"), ("IMF_BOARD", "IMF"), ("IFC", "WORLD_BANK"), ("C20", "G20"), ("HKG", "CHN"),
     ("CIDCA", "CHN")],
)
def test_sub_bodies_name_their_parent(lexicon, org_id, parent):
    orgs = {o.id: o for o in lexicon.organisations if o.id}
    assert orgs[org_id].parent == parent
    assert parent in orgs


@pytest.mark.parametrize(
    "lang, name, org_id, org_type",
    [
        ("zh", "非盟和平与安全理事会", "AU_PSC", "regional"),
        ("en", "Peace and Security Council", "AU_PSC", "regional"),
        ("zh", "欧盟委员会", "EU_COMMISSION", "regional"),
        ("en", "European External Action Service", "EEAS", "regional"),
        ("zh", "联合国经济和社会事务部", "DESA", "igo"),
        ("en", "UN DESA", "DESA", "igo"),
        ("zh", "亚洲基础设施投资银行", "AIIB", "regional"),
        ("en", "New Development Bank", "NDB", "igo"),
        ("zh", "中国扶贫基金会", "CFPA", "ngo"),
        ("zh", "中国乡村发展基金会", "CFPA", "ngo"),
        ("en", "China Foundation for Poverty Alleviation", "CFPA", "ngo"),
        ("zh", "中国国际民间组织合作促进会", "CANGO", "ngo"),
        ("en", "CANGO", "CANGO", "ngo"),
        ("zh", "国家国际发展合作署", "CIDCA", "state"),
        ("en", "Médecins Sans Frontières", "MSF", "ngo"),
        ("zh", "红十字会与红新月会国际联合会", "IFRC", "ngo"),
        ("en", "IFRC", "IFRC", "ngo"),
        ("zh", "二十国集团", "G20", "forum"),
        ("en", "Civil 20", "C20", "ngo"),
        ("zh", "东盟与中日韩", "APT", "regional"),
        ("en", "ASEAN Plus Three", "APT", "regional"),
        ("zh", "刚果民主共和国", "COD", "state"),
        ("en", "Democratic Republic of the Congo", "COD", "state"),
        ("zh", "格林纳达", "GRD", "state"),
        ("en", "Grenada", "GRD", "state"),
        ("zh", "中国香港特别行政区", "HKG", "state"),
    ],
)
def test_bilingual_gazetteer(lexicon, lang, name, org_id, org_type):
    if lang == "zh":
        text, tokens = zh([name, "与", "各方", "合作"])
    else:
        text, tokens = en(["the", *name.split(" "), "and", "others"])
    assert [(a.text, a.org_id, a.org_type) for a in lexicon.match_actors_text(text, lang, tokens)] == [
        (name, org_id, org_type)]


def test_every_state_has_names_in_both_languages(lexicon):
    states = [o for o in lexicon.organisations if o.id and Path(o.path).name == "states.yaml"]
    assert len(states) > 190
    for state in states:
        assert state.type == "state"
        assert {t.lang for t in state.terms} == {"zh", "en"}, state.id


@pytest.mark.parametrize(
    "parent, problem",
    [("NOPE", "unknown parent 'NOPE'"), ("B", "parents form a loop")],
)
def test_bad_parent_names_file_and_line(tmp_path, parent, problem):
    folder = write_lexicons(tmp_path, {"organisations.yaml": f"""\
        organisations:
          - {{id: A, type: igo, parent: {parent}, en: [Alpha Body]}}
          - {{id: B, type: igo, parent: A, en: [Beta Body]}}
        """})
    problems = validate(folder)
    assert problems and problem in problems[0].problem
    assert (Path(problems[0].path).name, problems[0].line) == ("organisations.yaml", 2)


def test_ids_are_unique_across_the_gazetteer_files(tmp_path):
    folder = write_lexicons(tmp_path, {"organisations.yaml": "organisations:\n  - {id: A, type: igo, en: [Alpha]}\n",
                                       "states.yaml": "organisations:\n  - {id: A, type: state, en: [Aland]}\n"})
    assert ["id already used at organisations.yaml:2" in p.problem for p in validate(folder)] == [True]


@pytest.mark.parametrize(
    "lang, text, expected",
    [
        # a generic mention takes its modifiers and the country before it
        ("zh", "中国环保NGO参加了谈判。", [("中国环保NGO", "", "ngo")]),
        ("zh", "草根非政府组织提交了报告。", [("草根非政府组织", "", "ngo")]),
        # a national society is its own organisation
        ("zh", "肯尼亚红十字会分发了物资。", [("肯尼亚红十字会", "RC_KEN", "ngo")]),
        ("en", "The Kenya Red Cross Society delivered aid.", [("Kenya Red Cross Society", "RC_KEN", "ngo")]),
        # one-character states in an enumeration
        ("zh", "东盟和中日韩领导人会晤。", [("东盟", "ASEAN", "regional"), ("中", "CHN", "state"), ("日", "JPN", "state"),
                                   ("韩", "KOR", "state")]),
        # places and a country's people are no state actors
        ("en", "Missions operate in Mali, Chad and Niger.", []),
        ("en", "Mali and Chad signed the accord.", [("Mali", "MLI", "state"), ("Chad", "TCD", "state")]),
        ("zh", "会议在丹麦举行。", []),
        ("zh", "中国民间力量十分活跃。", []),
        # a generic head written as a name is a name
        ("en", "They met the Hungarian Academy of Sciences.",
         [("Hungarian Academy of Sciences", "name:Hungarian Academy of Sciences", "ngo")]),
        # a long form spelled by a known short form is that organisation
        ("en", "The World Health Organisation (WHO) met.", [("World Health Organisation", "WHO", "igo"),
                                                           ("WHO", "WHO", "igo")]),
        # generics that only modify, and other senses
        ("zh", "东盟国家签署了协议。", [("东盟", "ASEAN", "regional")]),
        ("en", "The G20 governments agreed.", [("G20", "G20", "forum")]),
        ("en", "The NGO Delegation met.", []),
        ("en", "This laid the foundations for reform.", []),
        # places, and countries that act although 在 comes first
        ("en", "Aid flows in countries such as Mali and Chad.", []),
        ("zh", "在中国提议下,会议召开。", [("中国", "CHN", "state")]),
        ("zh", "这不利于中国的发展。", [("中国", "CHN", "state")]),
        # generic mentions of states
        ("zh", "成员国和各国央行达成共识。", [("成员国", "", "state"), ("各国央行", "", "state")]),
        ("en", "Member states and central banks agreed.", [("Member states", "", "state"), ("central banks", "", "state")]),
    ],
)
def test_mention_rules(lexicon, segmenter, lang, text, expected):
    actors = lexicon.match_actors_text(text, lang, segmenter.tokenize(text, lang))
    assert [(a.text, a.org_id, a.org_type) for a in actors] == expected


@pytest.mark.parametrize(
    "lang, first, later, short",
    [("en", "Funds reach implementing partners (IPs) quickly.", "IPs met the UN.", "IPs"),
     ("zh", "各地社会组织(以下简称社组)积极参与。", "社组与联合国会面。", "社组")],
)
def test_match_all_with_a_documents_short_forms(lexicon, segmenter, lang, first, later, short):
    from pipeline.tag.acronyms import learn
    from pipeline.tag.features import unit_sentence

    sentences = [unit_sentence(t, lang, segmenter, str(i)) for i, t in enumerate([first, later])]
    aliases = learn((s, lexicon.match_all(s)[1]) for s in sentences)
    assert [(a.text, a.org_id, a.org_type) for a in lexicon.match_all(sentences[1], aliases)[1]] == [
        (short, "", "ngo"), ("UN" if lang == "en" else "联合国", "UN", "igo")]
    assert [a.text for a in lexicon.match_all(sentences[1])[1]] == ["UN" if lang == "en" else "联合国"]

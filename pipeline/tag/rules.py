"""The lexicon's rules beyond matching: negation, self-reference, the factor side, framework names.

Each rule is a pure function of a sentence, its tokens and its actors, so it can be tested on
one literal sentence. The matcher finds candidates; these rules decide which become hits and
with which label (see ``lexicons/README.md`` for the concept-name conventions they read).
"""

from __future__ import annotations

import bisect
import re
from typing import Sequence

from pipeline.document import Actor, Sentence, Token
from pipeline.norm import CJK_RE
from pipeline.tag.base import Hit

#: the text itself (or its author, 笔者) as the subject of a clause
SELF_REFERENCE = {
    "zh": re.compile(r"本文|本研究|本论文|本章|本节|本书|笔者|文章(?=[将从以通在对首])|论文(?=[将从以通在对首])"),
    # not "we" or bare "our": in statements, interviews and NGO pages that is the organisation
    # ("we share our research with the Rapporteurs"); but "our analysis / interviews / study",
    # "Section 3", "case studies" and "I argue" are the scholarly text's own apparatus
    "en": re.compile(r"\b(?:this|the present) (?:paper|article|study|chapter|thesis|essay|book|section|"
                     r"dissertation)\b|\bour (?:own )?(?:analysis|analyses|study|interviews|research design)\b|"
                     r"\bsections? \d|\bcase stud(?:y|ies)\b|"
                     r"\bI (?=(?:first|then|argue|examine|show|analy[sz]e|outline|trace|compare|conclude)\b)",
                     re.IGNORECASE),
}
#: words that open a reported clause: what follows is the world's doing, not the text's
REPORTED_CLAUSE = {
    "zh": re.compile(r"认为|指出|发现|表明|主张|如何|怎样|是否|为何|为什么"),
    "en": re.compile(r"\b(?:how|whether|why|what|that|which|when|where|argue|find|show|suggest|claim|note)s?\b",
                     re.IGNORECASE),
}
#: how far (characters) after a self-reference a stage hit still belongs to its predicate
SELF_REFERENCE_REACH = {"zh": 12, "en": 40}
#: length of the longest self-reference ("the present dissertation", 本论文): how far before the
#: reach a cue may start
SELF_REFERENCE_LONGEST = {"zh": 3, "en": 24}
#: tokens looked at before a hit for a negator (whitespace tokens not counted)
NEGATION_WINDOW = 4
#: a negation window never crosses these (clause-level punctuation)
CLAUSE_BREAKS = frozenset("，,；;：:。！!？?")
ZH_NEGATORS = frozenset(
    "没有 没 未 不 无 非 并未 尚未 缺乏 缺少 未能 无法 不能 不会 并非 从未 毫无 并不 并没有 "
    "不再 未曾 不曾 从不 缺失".split()
)
#: multi-character negators also found inside longer tokens (未能够, 缺乏了)
ZH_NEGATOR_PARTS = tuple(sorted((n for n in ZH_NEGATORS if len(n) > 1), key=len, reverse=True))
EN_NEGATORS = frozenset(
    "no not never n't without neither nor lack lacks lacked lacking none cannot nobody nothing "
    "absence".split()
)
#: 'not' before these is no negation ('not only ... but also')
EN_NOT_EXCEPTIONS = frozenset({"only", "just", "merely", "simply"})
#: Factor side of each actor type (CODEBOOK, factor): the non-governmental side pushes, the
#: intergovernmental or authoritative side pulls.
FACTOR_SIDES = {"ngo": "push", "private": "push", "igo": "pull", "regional": "pull", "forum": "pull",
                "state": "pull"}
#: A preposition or coverb right before an organisation makes it an object, never the subject of
#: a factor verb (向联合国申请, 通过世界银行筹款, apply to the UN, raise funds through the Bank).
#: Not 由 / "by" (they mark the agent) nor "of" (members of NGOs are NGOs).
OBLIQUE_BEFORE = {
    "zh": re.compile(r"(?:向|与|同|跟|对|从|通过|利用|借助|依托|依靠|在|为|给|替|经由|凭借|面向|针对)$"),
    "en": re.compile(r"\b(?:to|with|from|through|via|at|on|for|into|towards?|under|within|among|between|"
                     r"across|against|alongside|including)\s+(?:the\s+)?$", re.IGNORECASE),
}
#: how many characters before an organisation are searched for such a word
OBLIQUE_REACH = 16
#: Concepts named ``<scheme>.<label>.by_actor…`` hold seeking or depending verbs that either side
#: can use: a hit takes the factor label of the side of its subject (the first organisation before
#: it in its clause, else in the sentence), or is dropped where there is none.
BY_ACTOR = "by_actor"
#: ``by_actors…`` concepts (a dependence: 资源依赖, 借助) also need a partner: a second actor.
BY_ACTORS = "by_actors"
#: Concepts named ``<scheme>.<label>.side…`` hold verbs of one side (NGOs submit, IGOs invite): a
#: hit is dropped where the verb's subject is on the other side ('member states submit').
SIDE_ONLY = "side"
#: Concepts named ``<scheme>.<label>.named`` are a framework's own names of its labels (拉动因素,
#: push factor). A body sentence naming two labels of one scheme this way discusses the framework
#: ("the difference between push and pull factors"), not a side that seeks: those hits are dropped.
#: A heading keeps them (codebook rule 3: a heading that names a factor is coded).
NAMED = "named"
#: surface words whose lemma must not be matched (spaCy lemmatises 'according' to 'accord')


def concept_label(concept_id: str, label: str, actors: Sequence[Actor], start: int, sentence: Sentence) -> str:
    """The label a hit of this concept takes after the side rules ('' drops the hit)."""
    name = concept_id.split(".")[-1]
    if name.startswith(BY_ACTORS) and len({a.org_id or a.text.lower() for a in actors}) < 2:
        return ""
    if name.startswith(BY_ACTOR):
        return side_label(actors, start, sentence)
    if name.startswith(SIDE_ONLY) and side_label(actors, start, sentence) not in ("", label):
        return ""
    return label


def side_label(actors: Sequence[Actor], start: int, sentence: Sentence) -> str:
    """The factor label of the seeking side: the side of the verb's subject.

    A seeking or depending verb names no side by itself (寻求, rely on): its subject does, taken
    as the first organisation before the verb in its clause, or else the first one before it in
    the sentence (in both languages the subject comes first: 政府间组织向非政府组织寻求…,
    IGOs seek NGO expertise). An organisation after a preposition or coverb (向联合国, 通过世界银行,
    through the UN) is an object, not the subject, and is passed over. CODEBOOK: `push` is the
    non-governmental side, `pull` an IGO, regional body, forum or government.
    """
    text, base = sentence.text, sentence.start
    oblique = OBLIQUE_BEFORE["zh" if sentence.lang == "zh" else "en"]
    before = [a for a in actors if a.end <= start and a.org_type in FACTOR_SIDES
              and not oblique.search(text[max(0, a.start - base - OBLIQUE_REACH):a.start - base])]
    if not before:
        return ""
    in_clause = [a for a in before
                 if not any(c in CLAUSE_BREAKS for c in text[a.end - base : start - base])]
    return FACTOR_SIDES[(in_clause or before)[0].org_type]


def without_framework_names(hits: list[Hit], sentence: Sentence) -> list[Hit]:
    """Drop the ``named`` hits of a body sentence that names two labels of one scheme (see NAMED)."""
    if sentence.is_heading:
        return hits
    named: dict[str, set[str]] = {}
    for hit in hits:
        if hit.concept.rsplit(".", 1)[-1] == NAMED:
            named.setdefault(hit.scheme, set()).add(hit.label)
    paired = {scheme for scheme, labels in named.items() if len(labels) >= 2}
    return [h for h in hits if not (h.scheme in paired and h.concept.rsplit(".", 1)[-1] == NAMED)]


def self_referential(sentence: Sentence, start: int, end: int) -> bool:
    """The hit is part of a self-reference ("this study") or follows one by at most
    SELF_REFERENCE_REACH characters with no clause break and no reported clause (how, whether,
    认为 …) between: it is what the text itself does."""
    lang = "zh" if sentence.lang == "zh" else "en"
    offset = start - sentence.start
    window_start = max(0, offset - SELF_REFERENCE_REACH[lang] - SELF_REFERENCE_LONGEST[lang])
    window = sentence.text[window_start:end - sentence.start]
    hit_at = offset - window_start
    for found in SELF_REFERENCE[lang].finditer(window):
        if found.start() > hit_at:
            break
        if found.end() > hit_at:
            return True
        between = window[found.end():hit_at]
        if (len(between) <= SELF_REFERENCE_REACH[lang] and not any(ch in CLAUSE_BREAKS or ch == "." for ch in between)
                and not REPORTED_CLAUSE[lang].search(between)):
            return True
    return False


def negated(tokens: list[Token], start: int) -> bool:
    """A negator within NEGATION_WINDOW tokens before ``start``, in the same clause."""
    index = bisect.bisect_left([t.start for t in tokens], start)
    window: list[Token] = []
    for token in reversed(tokens[max(0, index - NEGATION_WINDOW) : index]):
        if token.text in CLAUSE_BREAKS:
            break
        window.append(token)
    for position, token in enumerate(window):
        text = token.text.lower()
        lemma = (token.lemma or token.text).lower()
        if CJK_RE.search(text):
            if text in ZH_NEGATORS or any(part in text for part in ZH_NEGATOR_PARTS):
                return True
            continue
        if text in EN_NEGATORS or lemma in EN_NEGATORS:
            following = window[position - 1].text.lower() if position > 0 else ""
            if text == "not" and following in EN_NOT_EXCEPTIONS:
                continue
            return True
    window_text = "".join(reversed([t.text for t in window]))
    return any(part in window_text for part in ZH_NEGATOR_PARTS)

"""Directed relations between organisations, read from a tagged sentence's structure.

A post-fusion step (the annotator calls it once the labels and actors are set): every fused
`factor`, `resource` and `cooperation` label of a sentence becomes relations between the
organisations of its clause (see :class:`~pipeline.document.Relation`):

- ``seeks``: the subject of the seeking verb (its side, by :data:`FACTOR_SIDES`) -> the
  organisations it is directed at (联合国对欧盟的资源依赖, NGOs lobby the UN);
- ``provides``: provider -> recipient of the resource, from coverbs and verbs: "A provides X to
  B", "B relies on A for X", A 向 B 提供, B 依赖 A 的, 从 A 获得;
- ``cooperates``: the subject with its partner (A 与 B 签署, A signed … with B, between A and B),
  or coordinated subjects acting jointly (A and B jointly …).

Organisations joined by list punctuation or a slash form one *chain*; a chain is never paired
with itself ("EU, AU and ASEAN", "G8/G20" make no pair), except two organisations joined by
"and" / 和 or a list with a joint marker (共同, jointly) under a cooperation form. A pronoun (其,
该组织, it, its) with no organisation before it in its sentence takes the last organisation of
the passage. Stance comes from the clause of the label's evidence: negated (尚未, 并未, has yet
to, no … signed), lacking (缺乏, 有限, 不足, limited, lack of, low dependence), hypothetical
(如果, 是否, if, could), needed (依赖, 需要, rely on, seek) or provided.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable, Sequence

from pipeline.document import RELATION_KINDS, Actor, Document, Evidence, Label, Relation, Sentence, side_key
from pipeline.tag import register
from pipeline.tag.rules import FACTOR_SIDES

KIND_OF_SCHEME = {scheme: kind for kind, scheme in RELATION_KINDS.items()}

#: clause breaks: a label's parties are looked for in its clause first
CLAUSE_RE = {"zh": re.compile(r"[，,；;：:。！？!?]"),
             "en": re.compile(r"[;:!?]|,\s+(?=(?:and|but|while|whereas|which|who|so|as|because|since|thus|"
                              r"resulting|leading|making)\b)", re.IGNORECASE)}
#: what may stand between two members of one chain, and how it joins them
CHAIN_GAP = {
    "zh": [(re.compile(r"^\s*[、，,]\s*$"), "list"), (re.compile(r"^\s*(?:和|及|以及|或|或者)\s*$"), "and"),
           (re.compile(r"^\s*[/／]\s*$"), "slash"), (re.compile(r"^\s*[-－—–]{1,2}\s*$"), "and")],
    "en": [(re.compile(r"^\s*,\s*(?:and|or)?\s*(?:the\s+)?$", re.I), "list"),
           (re.compile(r"^\s*(?:and|as well as|&|or)\s+(?:the\s+)?$", re.I), "and"),
           (re.compile(r"^\s*[/]\s*$"), "slash"), (re.compile(r"^\s*[-–—]\s*$"), "and")],
}
#: the role a coverb or preposition right before a chain gives it
ROLE_BEFORE = {
    "zh": [("with", re.compile(r"(?:(?<![参给])与|(?<![共相如等])同|跟)$")),
           ("by", re.compile(r"(?:由|被)$")),
           ("to", re.compile(r"(?:向|给|为|对|替|面向|针对|帮助|协助|使|让)$")),
           ("from", re.compile(r"(?:从|自|来自)$")),
           ("on", re.compile(r"(?:依赖于?|依靠|依托|借助于?|利用|凭借|通过|求助于?|仰仗|援引|吸纳|邀请|获得|得到)$"))],
    "en": [("between", re.compile(r"\b(?:between|among)\s+(?:the\s+)?$", re.I)),
           ("with", re.compile(r"\b(?:with|alongside)\s+(?:the\s+)?$", re.I)),
           ("by", re.compile(r"(?<!followed )\bby\s+(?:the\s+)?$", re.I)),
           ("to", re.compile(r"\b(?:to|for|towards?|on behalf of|into)\s+(?:the\s+)?$", re.I)),
           ("from", re.compile(r"\bfrom\s+(?:the\s+)?$", re.I)),
           ("on", re.compile(r"\b(?:on|upon|through|via|by means of)\s+(?:the\s+)?$", re.I))],
}
#: how many characters before a chain are searched for its coverb
ROLE_REACH = {"zh": 5, "en": 20}
#: a framing phrase (在…中, 在…方面, "In the case of …,"): its organisations are no subject
FRAME_RE = {"zh": re.compile(r"^\s*(?:在|从|于|自)[^，,；;：:]*(?:中|上|下|里|方面|期间|时|内|之际|以来|看)\s*$"),
            "en": re.compile(r"^\s*(?:in|during|under|within|at|after|before|since|as for|for|across|among)\b[^,;]*,",
                             re.I)}
#: a clause that names a cooperation form as a dimension (在合作协议方面, 表现在合作协议和合作行动两方面,
#: "in terms of agreements"), not as a form that exists
DIMENSION_RE = {"zh": re.compile(r"方面\s*$|看\s*$|表现在|是指|包括"),
                "en": re.compile(r"\bin terms of\b|\brefers? to\b|\bincludes?\b|\bmeasured\b", re.I)}
#: the receiving side is the subject: B relies on / obtains / seeks A's resources
RECEIVE_RE = {"zh": re.compile(r"申请|有了|依赖|依靠|借助|依托|需要|需求|寻求|争取|求助|获得|得到|获取|接受|吸纳|吸收|援引|利用|缺乏|缺少"),
              "en": re.compile(r"\b(?:rel(?:y|ies|ied|iance)|depend\w*|need\w*|seek\w*|sought|obtain\w*|receiv\w*|"
                               r"gain\w*|draw\w* on|benefit\w* from|request\w*|ask\w* for|appl(?:y|ies|ied) for|turn\w* to|lack\w*)\b", re.I)}
#: the giving side is the subject: A provides / contributes / lends
GIVE_RE = {"zh": re.compile(r"提供|给予|贡献|派遣|派出|承担|资助|支持|分享|共享|输送|赋予|带来|捐助|捐款|出资|填补|帮助|协助|使"),
           "en": re.compile(r"\b(?:provid\w*|offer\w*|contribut\w*|suppl\w*|giv\w*|gave|grant\w*|shar\w*|lend\w*|"
                            r"lent|send\w*|sent|deploy\w*|fund\w*|financ\w*|bring\w*|brought|support\w*|help\w*|"
                            r"assist\w*|equip\w*|confer\w*|lend\w*)\b", re.I)}
#: taking part in another's meetings or processes: the host provides the access (CODEBOOK, access)
PARTICIPATE_RE = {"zh": re.compile(r"参与|参加|加入|出席|列席|旁听"),
                  "en": re.compile(r"\b(?:participat\w*|attend\w*|join\w*|observer\w*|sit\w* on|admitted to)\b", re.I)}
#: stance words, looked for in the label's clause
HYPOTHETICAL_RE = {"zh": re.compile(r"如果|若|假如|倘若|一旦|如若|或许|也许|是否|能否|有望"),
                   "en": re.compile(r"\b(?:if|could|would|might|whether|potential(?:ly)?|hypothetical\w*)\b", re.I)}
NEGATED_RE = {"zh": re.compile(r"尚未|并未|未能|未曾|从未|没有|没能|并非|不曾|无法|不能|不会|拒绝|未(?!来)"),
              "en": re.compile(r"\b(?:has yet to|have yet to|had yet to|not(?! only| just| merely)|never|no|n't|"
                               r"failed to|fail to|without|neither|nor|refus\w+)\b|n't\b", re.I)}
LACKING_RE = {"zh": re.compile(r"缺乏|缺少|匮乏|短缺|不足|有限|较低|低|薄弱|较弱|很少|缺口|欠缺"),
              "en": re.compile(r"\b(?:lack\w*|limited|insufficient|shortage\w*|scarce|scarcity|low|weak|little|"
                               r"shortfall\w*|gap)\b", re.I)}
NEEDED_RE = {"zh": re.compile(r"需要|需求|依赖|依靠|寻求|争取|求助|借助|仰仗"),
             "en": re.compile(r"\b(?:need\w*|rel(?:y|ies|ied|iance)|depend\w*|seek\w*|sought|request\w*|call\w* for|"
                              r"ask\w* for)\b", re.I)}
#: coordinated subjects acting together form pairs
JOINT_RE = {"zh": re.compile(r"共同|联合|一起|携手|双方|两者|二者|相互|彼此|之间"),
            "en": re.compile(r"\b(?:joint(?:ly)?|together|both|mutual(?:ly)?|each other|between)\b", re.I)}
#: pronouns that stand for an organisation named earlier in the passage
PRONOUN_RE = {"zh": re.compile(r"该组织|该机构|(?<![尤极与及])其(?![他中实次余])|它们?"),
              "en": re.compile(r"\b(?:it|its|the organi[sz]ation)\b", re.I)}


@dataclass(frozen=True)
class Mention:
    """One side in a sentence: an organisation mention, or a pronoun standing for one."""

    text: str
    start: int
    end: int
    org_id: str
    org_type: str

    @property
    def key(self) -> str:
        return side_key(self.org_id, self.org_type)


@dataclass
class Chain:
    """Mentions joined by list punctuation or a conjunction; ``role`` from the coverb before it."""

    members: list[Mention]
    joins: set[str]
    role: str = ""

    @property
    def start(self) -> int:
        return self.members[0].start


@register("relations")
class RelationTagger:
    """``Document -> Document``: fills ``sentence.relations`` from the fused labels and actors.

    Parameters
    ----------
    pronoun_reach : int
        How many sentences back a pronoun may find its organisation.
    """

    def __init__(self, *, pronoun_reach: int = 3):
        self.pronoun_reach = pronoun_reach

    def __call__(self, doc: Document) -> Document:
        self.relate(list(doc.coded_sentences()))
        return doc

    def relate(self, sentences: Sequence[Sentence]) -> None:
        """Set the relations of a passage's sentences, in order (pronouns read back)."""
        recent: list[Mention] = []
        last_seen = 0
        for index, sentence in enumerate(sentences):
            sentence.relations = [] if sentence.is_heading else sentence_relations(sentence, recent)
            named = [m for m in mentions_of(sentence.actors, sentence.text, sentence.start) if m.org_id]
            if named:
                recent = named[:1]  # the subject of the last sentence that names one
                last_seen = index
            elif recent and index - last_seen >= self.pronoun_reach:
                recent = []


def mentions_of(actors: Iterable[Actor], text: str = "", base: int = 0) -> list[Mention]:
    """Actors in text order; overlapping spans, and a short form in brackets right after its
    name (European Union (EU), 联合国刚果民主共和国特派团（MONUC）), kept once."""
    out: list[Mention] = []
    for actor in sorted(actors, key=lambda a: (a.start, -a.end)):
        if out and actor.start < out[-1].end:
            continue
        if (out and text and side_key(actor.org_id, actor.org_type) == out[-1].key
                and re.fullmatch(r"\s*[（(]\s*", text[out[-1].end - base:actor.start - base])):
            continue
        out.append(Mention(actor.text, actor.start, actor.end, actor.org_id, actor.org_type))
    return out


def sentence_relations(sentence: Sentence, recent: Sequence[Mention] = ()) -> list[Relation]:
    """The relations one sentence asserts, one per label and pair of sides."""
    lang = "zh" if sentence.lang == "zh" else "en"
    mentions = mentions_of(sentence.actors, sentence.text, sentence.start)
    mentions = _with_pronoun(sentence, mentions, recent, lang)
    if len({m.key for m in mentions}) < 2:
        return []
    slashed = {frozenset((a.key, b.key)) for chain in _chains(sentence, mentions, lang) if "slash" in chain.joins
               for a in chain.members for b in chain.members}
    relations: list[Relation] = []
    seen: set[tuple[str, str, str, str]] = set()
    for label in sentence.labels:
        kind = KIND_OF_SCHEME.get(label.scheme)
        if kind is None:
            continue
        anchor = _anchor(sentence, label, kind, lang)
        if anchor == -1:
            continue
        scope = _scope(sentence, anchor, mentions, lang)
        chains = _chains(sentence, scope, lang)
        for source, target in _pairs(kind, label.label, chains, sentence, lang):
            key = (source.key, target.key, kind, label.label)
            if source.key == target.key or key in seen or frozenset((source.key, target.key)) in slashed:
                continue
            seen.add(key)
            relations.append(_relation(sentence, label, kind, source, target, _stance(sentence, anchor, kind, lang)))
    return relations


def _with_pronoun(sentence: Sentence, mentions: list[Mention], recent: Sequence[Mention], lang: str) -> list[Mention]:
    """Add the passage's last organisation where a pronoun comes before any organisation."""
    if not recent:
        return mentions
    found = PRONOUN_RE[lang].search(sentence.text)
    if found is None:
        return mentions
    start = sentence.start + found.start()
    if any(m.start < start for m in mentions) or any(m.key == recent[-1].key for m in mentions):
        return mentions
    antecedent = recent[-1]
    pronoun = Mention(found.group(0), start, sentence.start + found.end(), antecedent.org_id, antecedent.org_type)
    return sorted([*mentions, pronoun], key=lambda m: m.start)


def _clauses(sentence: Sentence, lang: str) -> list[tuple[int, int]]:
    """Clause spans (offsets into the document) of a sentence."""
    spans, begin = [], 0
    for found in CLAUSE_RE[lang].finditer(sentence.text):
        spans.append((begin, found.start()))
        begin = found.end()
    spans.append((begin, len(sentence.text)))
    return [(sentence.start + a, sentence.start + b) for a, b in spans if b > a]


def _anchor(sentence: Sentence, label: Label, kind: str, lang: str) -> int | None:
    """Where the label stands: its first evidence term (None: a classifier decision, the whole
    sentence); for a cooperation form, the first term outside a dimension clause (-1: none)."""
    if not label.evidence:
        return None
    if kind != "cooperates":
        return label.evidence[0].start
    for evidence in label.evidence:
        if not DIMENSION_RE[lang].search(_clause_at(sentence, evidence.start, lang)):
            return evidence.start
    return -1


def _scope(sentence: Sentence, at: int | None, mentions: list[Mention], lang: str) -> list[Mention]:
    """The mentions of the label's clause, widened back over earlier clauses (the subject often
    stands in an earlier clause), then to the next clause ("可见性：国际组织使…"), until they form
    two chains, else one chain of two sides; the sentence for a classifier decision."""
    if at is None:
        return mentions
    clauses = _clauses(sentence, lang)
    index = next((i for i, (a, b) in enumerate(clauses) if a <= at < b), len(clauses) - 1)
    spans = [(first, index) for first in range(index, -1, -1)] + [(0, min(index + 1, len(clauses) - 1))]
    fallback: list[Mention] = []
    for first, last in spans:
        begin, end = clauses[first][0], clauses[last][1]
        inside = [m for m in mentions if begin <= m.start < end]
        if len({m.key for m in inside}) < 2:
            continue
        if len(_chains(sentence, inside, lang)) >= 2:
            return inside
        fallback = fallback or inside
    return fallback


def _chains(sentence: Sentence, mentions: list[Mention], lang: str) -> list[Chain]:
    """Group mentions into chains and give each the role of the coverb before it."""
    text, base = sentence.text, sentence.start
    chains: list[Chain] = []
    for mention in mentions:
        if chains:
            gap = text[chains[-1].members[-1].end - base:mention.start - base]
            join = next((kind for pattern, kind in CHAIN_GAP[lang] if pattern.match(gap)), "")
            if join:
                chains[-1].members.append(mention)
                chains[-1].joins.add(join)
                continue
        before = text[max(0, mention.start - base - ROLE_REACH[lang]):mention.start - base]
        role = next((name for name, pattern in ROLE_BEFORE[lang] if pattern.search(before.rstrip() if lang == "zh" else before)), "")
        if not role and _in_frame(sentence, mention, lang):
            role = "in"
        chains.append(Chain([mention], set(), role))
    return chains


def _in_frame(sentence: Sentence, mention: Mention, lang: str) -> bool:
    """The mention stands in a framing phrase: a zh clause 在…中 / 在…方面, or an English
    sentence-initial prepositional phrase closed by a comma."""
    at = mention.start - sentence.start
    if lang == "zh":
        for begin, end in _clauses(sentence, lang):
            if begin <= mention.start < end:
                return bool(FRAME_RE[lang].match(sentence.text[begin - sentence.start:end - sentence.start]))
        return False
    found = FRAME_RE[lang].match(sentence.text)
    return bool(found) and at < found.end()


def _subject(chains: list[Chain]) -> int:
    """Index of the subject chain: the agent of a passive ('by'), else the first with no coverb."""
    for role in ("by", ""):
        for i, chain in enumerate(chains):
            if chain.role == role:
                return i
    return 0


def _pairs(kind: str, label: str, chains: list[Chain], sentence: Sentence, lang: str) -> list[tuple[Mention, Mention]]:
    """(source, target) pairs of the label's relations among the chains of its scope."""
    if not chains:
        return []
    s = _subject(chains)
    subject, others = chains[s], [c for i, c in enumerate(chains) if i != s]
    if kind == "seeks":
        return _seeks(label, subject, others)
    if kind == "provides":
        return _provides(subject, others, sentence, lang, label)
    within = [c for c in chains if c.role == "between" and "slash" not in c.joins and len(c.members) >= 2]
    if within:  # between A and B
        return [(a, b) for c in within for i, a in enumerate(c.members) for b in c.members[i + 1:]]
    partners = [c for c in others if c.role in ("with", "between")]
    if partners:
        return [(a, b) for c in partners for a in subject.members for b in c.members]
    if len(others) == 0 and "slash" not in subject.joins and len(subject.members) >= 2:
        joint = bool(JOINT_RE[lang].search(sentence.text))
        if joint or (len(subject.members) == 2 and subject.joins == {"and"}):
            members = subject.members
            return [(a, b) for i, a in enumerate(members) for b in members[i + 1:]]
    return []


def _seeks(label: str, subject: Chain, others: list[Chain]) -> list[tuple[Mention, Mention]]:
    """The seeking side is the subject where its side matches the label, else the first
    organisation of that side; it seeks every organisation of the other chains."""
    chains = [subject, *others]
    if not any(FACTOR_SIDES.get(m.org_type) == label for m in subject.members):
        chains = sorted(chains, key=lambda c: (not any(FACTOR_SIDES.get(m.org_type) == label for m in c.members),
                                               c.start))
    seekers = [m for m in chains[0].members if FACTOR_SIDES.get(m.org_type) == label]
    return [(a, b) for a in seekers for c in chains[1:] for b in c.members]


def _provides(subject: Chain, others: list[Chain], sentence: Sentence, lang: str,
              label: str = "") -> list[tuple[Mention, Mention]]:
    """Provider -> recipient: a chain after to/向/为/对 receives from the subject (unless a
    receiving verb follows it: 向政府争取资金); one after from/on/从/依赖/借助 provides to it; an
    object takes the direction of the nearest verb before it (supply the G20 -> recipient, draw
    on the OECD -> provider); access goes from the host to who takes part (参与 G20 峰会)."""
    text, base = sentence.text, sentence.start
    pairs: list[tuple[Mention, Mention]] = []
    for chain in others:
        if chain.role == "to" and not _receives_after(sentence, chain, lang):
            gives = True
        elif chain.role in ("from", "on", "to"):
            gives = False
        elif chain.role in ("", "by"):
            between = text[subject.members[-1].end - base:chain.start - base]
            verb = False if label == "access" and PARTICIPATE_RE[lang].search(between) else _verb_before(between, lang)
            if verb is None:
                continue
            gives = verb
        else:
            continue
        pairs += [(a, b) if gives else (b, a) for a in subject.members for b in chain.members]
    return pairs


def _receives_after(sentence: Sentence, chain: Chain, lang: str) -> bool:
    """A zh 向/对 chain followed by a receiving verb provides: 向政府争取资金, 对欧盟的资源依赖."""
    if lang != "zh":
        return False
    base, end = sentence.start, chain.members[-1].end
    after = sentence.text[end - base:]
    clause = CLAUSE_RE[lang].split(after, maxsplit=1)[0]
    before = sentence.text[max(0, chain.start - base - 1):chain.start - base]
    if RECEIVE_RE[lang].match(after[:ROLE_REACH[lang] + 2].strip()):
        return True
    return before == "对" and bool(RECEIVE_RE[lang].search(clause))


def _verb_before(between: str, lang: str) -> bool | None:
    """True where the last verb between subject and object gives, False where it receives,
    None where there is none."""
    give = [m.end() for m in GIVE_RE[lang].finditer(between)]
    receive = [m.end() for m in RECEIVE_RE[lang].finditer(between)]
    if not give and not receive:
        return None
    return max(give, default=-1) > max(receive, default=-1)


def _clause_at(sentence: Sentence, at: int | None, lang: str) -> str:
    """The clause at a document offset (the sentence where ``at`` is None)."""
    if at is not None:
        for begin, end in _clauses(sentence, lang):
            if begin <= at < end:
                return sentence.text[begin - sentence.start:end - sentence.start]
    return sentence.text


def _stance(sentence: Sentence, at: int | None, kind: str, lang: str) -> str:
    """provided / needed / lacking / negated / hypothetical, from the label's clause."""
    clause = _clause_at(sentence, at, lang)
    if HYPOTHETICAL_RE[lang].search(clause):
        return "hypothetical"
    order = ("negated", "lacking") if kind == "cooperates" else ("lacking", "negated")
    for stance in order:
        pattern = NEGATED_RE if stance == "negated" else LACKING_RE
        if pattern[lang].search(clause):
            return stance
    if kind != "cooperates" and NEEDED_RE[lang].search(clause):
        return "needed"
    return "provided"


def _relation(sentence: Sentence, label: Label, kind: str, source: Mention, target: Mention, stance: str) -> Relation:
    evidence = [Evidence(e.term, e.start, e.end, e.concept, e.negated) for e in label.evidence]
    evidence += [Evidence(source.text, source.start, source.end, "source"),
                 Evidence(target.text, target.start, target.end, "target")]
    return Relation(source.org_id, source.text, source.org_type, target.org_id, target.text, target.org_type,
                    kind, label.label, stance, evidence, label.score)

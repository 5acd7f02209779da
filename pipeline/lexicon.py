"""Lexicon matching: codebook terms and organisation names found in sentences, with offsets.

One Aho-Corasick automaton holds every term of every scheme and every organisation name.
A sentence is searched in three views of the same text, each with a map back to document
offsets:

* the surface view (``sentence.norm``: simplified, width-folded) for Chinese terms and
  case-sensitive English names (UN, AU, G20: acronyms never match 'un' or 'au');
* the lowercased surface view for other English terms and phrases (``joint declaration``);
* the lemma view (token lemmas, lowercased, joined as written) so that the lemma 'fund' matches
  'funds' and 'funded'. Regular inflections of English terms are also generated at load time,
  which keeps matching right when a lemmatizer misses a form (capitalised 'Funds').

A hit counts only where it starts and ends on token boundaries (quanteda's rule: dictionary
values are tokenised like the text), so 印度 never fires inside 印度尼西亚 and 'fund' never
inside 'fundamental'. Chinese tokens are jieba's, with :meth:`Lexicon.zh_terms` added to its
dictionary so that terms stay whole. Among overlapping hits of one scheme the longest wins;
scheme hits inside an organisation's name (the 'Fund' of 'International Monetary Fund') are
dropped. A negator shortly before a hit in the same clause marks it ``negated``.

Factor verbs name no side by themselves (寻求, seek, rely on): concepts named ``by_actor…``,
``by_actors…`` and ``side…`` take or check their label against the side of the verb's subject,
the first organisation before it (see :func:`_side_label` and ``lexicons/README.md``).

A text describing its own work ("本文分析…", "This paper examines…") is no
policy stage (codebook: the article's own structure is not evidence): a stage hit shortly after
such a self-reference, in the same clause, is dropped (:func:`_self_referential`).
"""

from __future__ import annotations

import bisect
import re
import textwrap
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Mapping, NamedTuple, Sequence

import ahocorasick

from pipeline import acronyms, mentions
from pipeline.codebook import (
    LANGS,
    Concept,
    LexiconData,
    Organisation,
    Problem,
    default_directory,
    fold_width,
    read_lexicons,
    validate,
)
from pipeline.document import Actor, Sentence, Token
from pipeline.errors import Errors, IrtagError

__all__ = ["Hit", "Lexicon", "Problem", "english_variants", "format_codebook", "validate"]

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
LEMMA_STOPWORDS = frozenset({"according", "based", "projected", "projecting"})

_FALLBACK_TOKEN_RE = re.compile(
    r"(?:[A-Za-z]\.){2,}|[A-Za-z]+(?=n't\b)|n't|[A-Za-z0-9]+|[\u3400-\u9fff\uf900-\ufaff]|\S"
)
_CJK_RE = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


@dataclass(frozen=True)
class Hit:
    """One lexicon hit; ``start``/``end`` are offsets into ``Document.text``.

    ``term`` is the lexicon term that matched (as written in the lexicon; for a regex pattern,
    the matched text), ``text`` the text as it stands in the document
    (``doc.text[hit.start:hit.end]``).
    """

    scheme: str
    label: str
    concept: str
    term: str
    start: int
    end: int
    negated: bool = False
    text: str = ""


class _Entry(NamedTuple):
    kind: str  # "zh" Chinese, "cs" case-sensitive English, "ci" case-insensitive English
    length: int  # length of the automaton key
    is_org: bool
    index: int  # into Lexicon.concepts or Lexicon.organisations
    term: str  # as written in the lexicon file
    explicit: bool  # False for a generated inflection


class _Pattern(NamedTuple):
    regex: re.Pattern[str]
    index: int  # concept


@dataclass
class _View:
    """One searchable string of a sentence and where its token boundaries fall in the document."""

    text: str
    starts: dict[int, int]
    ends: dict[int, int]
    kinds: frozenset[str]


class _Candidate(NamedTuple):
    start: int
    end: int
    entry_index: int
    term: str


# -- English inflections -----------------------------------------------------------------
_IRREGULAR = {
    "seek": ("sought",), "draw": ("drew", "drawn"), "take": ("took", "taken"), "make": ("made",),
    "hold": ("held",), "meet": ("met",), "lead": ("led",), "bring": ("brought",),
    "give": ("gave", "given"), "build": ("built",), "lend": ("lent",), "send": ("sent",),
    "spend": ("spent",), "undertake": ("undertook", "undertaken"), "choose": ("chose", "chosen"),
    "write": ("wrote", "written"), "win": ("won",), "oversee": ("oversaw", "overseen"),
    "withdraw": ("withdrew", "withdrawn"), "set": ("set",), "put": ("put",), "bid": ("bid",),
    "analysis": ("analyses",), "datum": ("data",), "forecast": ("forecast",),
}
_VOWELS = set("aeiou")


def _word_forms(word: str) -> set[str]:
    """A lowercase word and its regular (over-generated) inflections; junk forms never match."""
    forms = {word}
    if not word.isalpha() or not word.islower() or len(word) < 3:
        return forms
    stems = {word}
    for us, gb in (("ization", "isation"), ("ize", "ise")):
        if word.endswith(us):
            stems.add(word[: -len(us)] + gb)
        elif word.endswith(gb) and len(word) > 5:
            stems.add(word[: -len(gb)] + us)
    for stem in stems:
        forms.add(stem)
        forms.update(_IRREGULAR.get(stem, ()))
        consonant_y = stem.endswith("y") and stem[-2] not in _VOWELS
        if stem.endswith(("s", "x", "z", "ch", "sh")):
            forms.add(stem + "es")
        elif consonant_y:
            forms.add(stem[:-1] + "ies")
        else:
            forms.add(stem + "s")
        if stem.endswith("e"):
            forms.add(stem + "d")
        elif consonant_y:
            forms.add(stem[:-1] + "ied")
        else:
            forms.add(stem + "ed")
        if stem.endswith("ie"):
            forms.add(stem[:-2] + "ying")
        elif stem.endswith("e") and not stem.endswith(("ee", "ye", "oe")):
            forms.add(stem[:-1] + "ing")
        else:
            forms.add(stem + "ing")
        if stem[-1] not in _VOWELS | {"w", "x", "y"} and stem[-2] in _VOWELS and stem[-3] not in _VOWELS:
            forms.update({stem + stem[-1] + "ed", stem + stem[-1] + "ing"})
    return forms


def english_variants(term: str) -> set[str]:
    """The term and its inflections: the first and the last word of a phrase are inflected.

    >>> sorted(english_variants("fund"))[:4]
    ['fund', 'funded', 'funding', 'funds']
    """
    words = term.split(" ")
    firsts = _word_forms(words[0])
    if len(words) == 1:
        return firsts
    lasts = _word_forms(words[-1])
    middle = words[1:-1]
    return {" ".join([first, *middle, last]) for first in firsts for last in lasts}


def _is_case_sensitive(term: str) -> bool:
    """English names written without lowercase letters (UN, G20, U.N.) keep their case."""
    return any(c.isalpha() for c in term) and not any(c.islower() for c in term)


def _lower_same_length(text: str) -> str:
    return "".join(low if len(low := c.lower()) == 1 else c for c in text)


def _en_key(term: str) -> str:
    return " ".join(fold_width(term).split()).lower()


# -- the lexicon -------------------------------------------------------------------------
class Lexicon:
    """Codebook schemes, bilingual concept terms and the organisation gazetteer, ready to match.

    Build one with :meth:`load`; the automaton is compiled on first use.

    >>> lexicon = Lexicon.load()                                      # doctest: +SKIP
    >>> [h.label for h in lexicon.match_text("funds were pledged", "en")]  # doctest: +SKIP
    ['funding', 'decision']
    """

    def __init__(self, data: LexiconData, directory: Path | None = None) -> None:
        self.data = data
        self.directory = directory

    @classmethod
    def load(cls, directory: str | Path | None = None) -> "Lexicon":
        """Read and validate ``directory`` (default: ``$IRTAG_LEXICONS`` or ``lexicons/``).

        Raises ``IrtagError`` (E030) naming the file and line of the first problem.
        """
        folder = Path(directory) if directory is not None else default_directory()
        data, problems = read_lexicons(folder)
        if problems:
            first = problems[0]
            more = f" (and {len(problems) - 1} more; list them with `irtag codebook --check`)"
            raise IrtagError(
                Errors.E030.format(
                    path=first.path,
                    line=first.line,
                    problem=first.problem + (more if len(problems) > 1 else ""),
                )
            )
        return cls(data, folder)

    # -- the codebook ----------------------------------------------------------------------
    @property
    def schemes(self) -> tuple[str, ...]:
        return tuple(self.data.codebook.schemes)

    def labels(self, scheme: str) -> tuple[str, ...]:
        """Labels of ``scheme`` in codebook order."""
        return tuple(label.name for label in self._scheme(scheme).labels)

    def group(self, scheme: str, label: str) -> str:
        """The label's group (``material``/``symbolic`` for resources), or ''."""
        for item in self._scheme(scheme).labels:
            if item.name == label:
                return item.group
        return ""

    def definition(self, scheme: str, label: str) -> str:
        for item in self._scheme(scheme).labels:
            if item.name == label:
                return item.definition
        return ""

    @property
    def actor_types(self) -> tuple[str, ...]:
        return tuple(self.data.codebook.actor_types)

    @property
    def concepts(self) -> tuple[Concept, ...]:
        return self.data.concepts

    @property
    def organisations(self) -> tuple[Organisation, ...]:
        return self.data.organisations

    def _scheme(self, scheme: str):
        try:
            return self.data.codebook.schemes[scheme]
        except KeyError:
            raise IrtagError(
                Errors.E031.format(scheme=scheme, schemes=", ".join(self.schemes))
            ) from None

    def terms(self, scheme: str | None = None, label: str | None = None, lang: str | None = None) -> list[str]:
        """Concept terms as written, optionally of one scheme, label and language."""
        return [
            term.text
            for concept in self.concepts
            if scheme in (None, concept.scheme) and label in (None, concept.label)
            for term in concept.terms
            if lang in (None, term.lang)
        ]

    def patterns(self, scheme: str | None = None, label: str | None = None) -> list[str]:
        return [
            pattern.regex
            for concept in self.concepts
            if scheme in (None, concept.scheme) and label in (None, concept.label)
            for pattern in concept.patterns
        ]

    def zh_terms(self) -> list[str]:
        """Every Chinese term and organisation name, for the segmenter's dictionary."""
        words = {fold_width(t.text) for c in self.concepts for t in c.terms if t.lang == "zh"}
        words |= {fold_width(t.text) for o in self.organisations for t in o.terms if t.lang == "zh"}
        return sorted(words)

    def __len__(self) -> int:
        """Number of terms, patterns and organisation names."""
        return sum(len(c.terms) + len(c.patterns) for c in self.concepts) + sum(
            len(o.terms) for o in self.organisations
        )

    def __contains__(self, key: object) -> bool:
        """True for a scheme name, 'scheme.label', a concept id or an organisation id."""
        if not isinstance(key, str):
            return False
        if key in self.data.codebook.schemes:
            return True
        scheme, _, label = key.partition(".")
        if scheme in self.data.codebook.schemes and label in self.labels(scheme):
            return True
        return any(c.id == key for c in self.concepts) or any(
            o.id == key for o in self.organisations if o.id
        )

    def __repr__(self) -> str:
        return f"Lexicon({self.directory!s}, {len(self.concepts)} concepts, {len(self)} terms)"

    # -- compiled matchers -----------------------------------------------------------------
    @cached_property
    def _compiled(self) -> tuple[ahocorasick.Automaton, list[_Entry], list[_Pattern]]:
        keys: dict[str, list[int]] = {}
        entries: list[_Entry] = []
        explicit_ci: dict[tuple[str, str], int] = {}  # (scheme, key) -> concept with that term

        def add(key: str, entry: _Entry) -> None:
            entries.append(entry._replace(length=len(key)))
            keys.setdefault(key, []).append(len(entries) - 1)

        for index, concept in enumerate(self.concepts):
            for term in concept.terms:
                if term.lang == "en" and not _is_case_sensitive(term.text):
                    explicit_ci[(concept.scheme, _en_key(term.text))] = index
        for index, concept in enumerate(self.concepts):
            for term in concept.terms:
                for key, kind, explicit in _keys(term.text, term.lang, inflect=True):
                    owner = explicit_ci.get((concept.scheme, key))
                    if not explicit and owner is not None and owner != index:
                        continue  # a written term of another concept wins over an inflection
                    add(key, _Entry(kind, 0, False, index, term.text, explicit))
        for index, org in enumerate(self.organisations):
            for term in org.terms:
                for key, kind, explicit in _keys(term.text, term.lang, inflect=not org.id):
                    add(key, _Entry(kind, 0, True, index, term.text, explicit))
        automaton = ahocorasick.Automaton()
        for key, indexes in keys.items():
            automaton.add_word(key, tuple(indexes))
        if keys:
            automaton.make_automaton()
        patterns = [
            _Pattern(re.compile(p.regex, re.IGNORECASE if p.lang == "en" else 0), index)
            for index, concept in enumerate(self.concepts)
            for p in concept.patterns
        ]
        return automaton, entries, patterns

    # -- matching --------------------------------------------------------------------------
    def match(self, sentence: Sentence) -> list[Hit]:
        """Scheme hits of one sentence in document order (offsets into ``Document.text``)."""
        return self.match_all(sentence)[0]

    def match_all(self, sentence: Sentence, aliases: Mapping[str, acronyms.Alias] | None = None,
                  ) -> tuple[list[Hit], list[Actor]]:
        """What :meth:`match` and :meth:`match_actors` return, from one scan of the sentence
        (hits depend on the actors, so the tagging stage asks for both at once).

        Actors are the gazetteer's names and the short forms the sentence's document defines
        (``aliases``, from :func:`pipeline.acronyms.learn`), refined by :func:`pipeline.mentions.refine`.
        """
        tokens = _word_tokens(sentence)
        views = _views(sentence, tokens)
        automaton, entries, patterns = self._compiled
        term_candidates, org_candidates = self._scan(views, automaton, entries)
        actors = self._actors(sentence, org_candidates)
        if aliases:
            actors = acronyms.apply(sentence, actors, aliases)
        actors = mentions.refine(sentence, tokens, actors)
        actor_spans = [(a.start, a.end) for a in actors]
        by_scheme: dict[str, list[tuple[int, int, int, str]]] = {}
        seen: set[tuple[int, int, int]] = set()
        for cand in term_candidates:
            entry = entries[cand.entry_index]
            key = (cand.start, cand.end, entry.index)
            if key not in seen:
                seen.add(key)
                by_scheme.setdefault(self.concepts[entry.index].scheme, []).append(
                    (cand.start, cand.end, entry.index, cand.term)
                )
        surface = views[0]
        for cand in self._nested(sentence, surface, automaton, entries, by_scheme):
            entry = entries[cand.entry_index]
            if (cand.start, cand.end, entry.index) not in seen:
                seen.add((cand.start, cand.end, entry.index))
                by_scheme.setdefault(self.concepts[entry.index].scheme, []).append(
                    (cand.start, cand.end, entry.index, cand.term)
                )
        for pattern in patterns:
            for start, end, matched in _pattern_matches(pattern.regex, surface):
                if (start, end, pattern.index) not in seen:
                    seen.add((start, end, pattern.index))
                    by_scheme.setdefault(self.concepts[pattern.index].scheme, []).append(
                        (start, end, pattern.index, matched)
                    )
        hits = []
        for spans in by_scheme.values():
            for start, end, index, term in _longest(spans):
                if any(a <= start and end <= b for a, b in actor_spans):
                    continue
                concept = self.concepts[index]
                label, name = concept.label, concept.id.split(".")[-1]
                if name.startswith(BY_ACTORS) and len({a.org_id or a.text.lower() for a in actors}) < 2:
                    label = ""
                elif name.startswith(BY_ACTOR):
                    label = _side_label(actors, start, sentence)
                elif name.startswith(SIDE_ONLY) and _side_label(actors, start, sentence) not in ("", label):
                    label = ""
                if not label or (concept.scheme == "stage" and _self_referential(sentence, start, end)):
                    continue
                hits.append(
                    Hit(
                        concept.scheme,
                        label,
                        concept.id,
                        term,
                        start,
                        end,
                        _negated(tokens, start),
                        sentence.text[start - sentence.start : end - sentence.start],
                    )
                )
        hits = _without_framework_names(hits, sentence)
        scheme_order = {name: i for i, name in enumerate(self.schemes)}
        hits.sort(key=lambda h: (h.start, h.end, scheme_order.get(h.scheme, 99), h.concept))
        return hits, actors

    def match_actors(self, sentence: Sentence, aliases: Mapping[str, acronyms.Alias] | None = None) -> list[Actor]:
        """Organisation mentions of one sentence; generic mentions have an empty ``org_id``."""
        return self.match_all(sentence, aliases)[1]

    def match_text(self, text: str, lang: str = "zh", tokens: Sequence[Token] | None = None) -> list[Hit]:
        """Match a bare string; ``tokens`` (offsets into ``text``) as the segmenter gives them.

        Without tokens a rough tokenisation is used: English words, and every Chinese character
        on its own, so the Chinese boundary rule cannot apply.
        """
        return self.match(_bare_sentence(text, lang, tokens))

    def match_actors_text(self, text: str, lang: str = "zh", tokens: Sequence[Token] | None = None) -> list[Actor]:
        return self.match_actors(_bare_sentence(text, lang, tokens))

    def _actors(self, sentence: Sentence, candidates: list[_Candidate]) -> list[Actor]:
        entries = self._compiled[1]
        spans = []
        seen: set[tuple[int, int, int]] = set()
        for cand in candidates:
            entry = entries[cand.entry_index]
            if (cand.start, cand.end, entry.index) not in seen:
                seen.add((cand.start, cand.end, entry.index))
                spans.append((cand.start, cand.end, entry.index, cand.term))
        actors = []
        for start, end, index, _term in sorted(_longest(spans)):
            org = self.organisations[index]
            text = sentence.text[start - sentence.start : end - sentence.start]
            actors.append(Actor(text, start, end, org.id, org.type))
        return actors

    def _nested(
        self,
        sentence: Sentence,
        surface: _View,
        automaton: ahocorasick.Automaton,
        entries: list[_Entry],
        by_scheme: dict[str, list[tuple[int, int, int, str]]],
    ) -> list[_Candidate]:
        """Chinese terms of other schemes inside a matched Chinese compound term.

        The segmenter keeps a compound such as 联合决策 whole, so 决策 inside it is not on a
        token boundary; English has the inner word as a token anyway ('joint decision'). The
        compound's own scheme is left out: there the longest match wins.
        """
        out = []
        for scheme, spans in by_scheme.items():
            for start, end, _index, term in spans:
                if not _CJK_RE.search(term) or end - start < 3:
                    continue
                local_start, local_end = start - sentence.start, end - sentence.start
                for end_index, indexes in automaton.iter(surface.text, local_start, local_end):
                    for i in indexes:
                        entry = entries[i]
                        inner_start = end_index + 1 - entry.length
                        if (
                            entry.kind == "zh"
                            and not entry.is_org
                            and inner_start >= local_start
                            and entry.length < end - start
                            and self.concepts[entry.index].scheme != scheme
                        ):
                            out.append(
                                _Candidate(
                                    sentence.start + inner_start,
                                    sentence.start + end_index + 1,
                                    i,
                                    entry.term,
                                )
                            )
        return out

    def _scan(
        self, views: list[_View], automaton: ahocorasick.Automaton, entries: list[_Entry]
    ) -> tuple[list[_Candidate], list[_Candidate]]:
        """Candidates on token boundaries, in scan order: (scheme terms, organisation names)."""
        terms: list[_Candidate] = []
        orgs: list[_Candidate] = []
        if len(automaton) == 0:
            return terms, orgs
        for view in views:
            for end_index, indexes in automaton.iter(view.text):
                for i in indexes:
                    entry = entries[i]
                    if entry.kind not in view.kinds:
                        continue
                    end = end_index + 1
                    start = end - entry.length
                    if start in view.starts and end in view.ends:
                        (orgs if entry.is_org else terms).append(
                            _Candidate(view.starts[start], view.ends[end], i, entry.term))
        return terms, orgs


def _keys(term: str, lang: str, inflect: bool) -> list[tuple[str, str, bool]]:
    """Automaton keys of one term: (key, kind, explicit)."""
    if lang == "zh":
        return [(fold_width(term), "zh", True)]
    if _is_case_sensitive(term):
        key = " ".join(fold_width(term).split())
        keys = [(key, "cs", True)]
        if inflect and key[-1].isalpha():
            keys.append((key + "s", "cs", False))
        return keys
    key = _en_key(term)
    keys = [(key, "ci", True)]
    if inflect:
        keys += [(v, "ci", False) for v in sorted(english_variants(key) - {key})]
    return keys


def _pattern_matches(regex: re.Pattern[str], view: _View) -> list[tuple[int, int, str]]:
    """Non-overlapping matches anchored at token starts and ending at a token end.

    Anchoring (rather than ``finditer``) keeps a match that starts inside a token (政府 in
    非政府组织) from hiding a valid one that starts at the next token.
    """
    if regex.search(view.text) is None:
        return []
    out = []
    position = 0
    for local in sorted(view.starts):
        if local < position:
            continue
        m = regex.match(view.text, local)
        if m is not None and m.end() > local and m.end() in view.ends:
            out.append((view.starts[local], view.ends[m.end()], m.group()))
            position = m.end()
    return out


def _longest(spans: list[tuple[int, int, int, str]]) -> list[tuple[int, int, int, str]]:
    """Drop spans that overlap a longer one (ties: the earlier); equal spans are all kept."""
    kept: list[tuple[int, int, int, str]] = []
    for span in sorted(spans, key=lambda s: (-(s[1] - s[0]), s[0], s[2])):
        start, end = span[0], span[1]
        if any(start < k[1] and k[0] < end and (k[0], k[1]) != (start, end) for k in kept):
            continue
        kept.append(span)
    return sorted(kept)


# -- sentence views ----------------------------------------------------------------------
def _word_tokens(sentence: Sentence) -> list[Token]:
    tokens = sentence.tokens or _fallback_tokens(sentence.text, sentence.start)
    return sorted((t for t in tokens if t.text.strip()), key=lambda t: t.start)


def _fallback_tokens(text: str, base: int) -> list[Token]:
    return [
        Token(m.group(), base + m.start(), base + m.end(), m.group().lower())
        for m in _FALLBACK_TOKEN_RE.finditer(text)
    ]


def _views(sentence: Sentence, tokens: list[Token]) -> list[_View]:
    base = sentence.start
    norm = sentence.norm if len(sentence.norm) == len(sentence.text) else ""
    surface = fold_width(norm or sentence.text)
    starts = {t.start - base: t.start for t in tokens}
    ends = {t.end - base: t.end for t in tokens}
    pieces: list[str] = []
    lemma_starts: dict[int, int] = {}
    lemma_ends: dict[int, int] = {}
    position = 0
    previous_end: int | None = None
    for token in tokens:
        local = surface[token.start - base : token.end - base]
        word = local if local.lower() in LEMMA_STOPWORDS else (token.lemma or local)
        word = fold_width(word).lower().replace(" ", "_")
        if previous_end is not None and token.start > previous_end:
            pieces.append(" ")
            position += 1
        lemma_starts[position] = token.start
        position += len(word)
        lemma_ends[position] = token.end
        pieces.append(word)
        previous_end = token.end
    return [
        _View(surface, starts, ends, frozenset({"zh", "cs"})),
        _View(_lower_same_length(surface), starts, ends, frozenset({"ci"})),
        _View("".join(pieces), lemma_starts, lemma_ends, frozenset({"ci"})),
    ]


def _bare_sentence(text: str, lang: str, tokens: Sequence[Token] | None) -> Sentence:
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {LANGS}, not {lang!r}")
    return Sentence(
        id="", start=0, end=len(text), text=text, lang=lang, norm=fold_width(text),
        tokens=list(tokens) if tokens else [],
    )


def _side_label(actors: Sequence[Actor], start: int, sentence: Sentence) -> str:
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


def _without_framework_names(hits: list[Hit], sentence: Sentence) -> list[Hit]:
    """Drop the ``named`` hits of a body sentence that names two labels of one scheme (see NAMED)."""
    if sentence.is_heading:
        return hits
    named: dict[str, set[str]] = {}
    for hit in hits:
        if hit.concept.rsplit(".", 1)[-1] == NAMED:
            named.setdefault(hit.scheme, set()).add(hit.label)
    paired = {scheme for scheme, labels in named.items() if len(labels) >= 2}
    return [h for h in hits if not (h.scheme in paired and h.concept.rsplit(".", 1)[-1] == NAMED)]


def _self_referential(sentence: Sentence, start: int, end: int) -> bool:
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


def _negated(tokens: list[Token], start: int) -> bool:
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
        if _CJK_RE.search(text):
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


# -- the codebook printer ----------------------------------------------------------------
def format_codebook(lexicon: Lexicon, examples: int = 4, width: int = 100) -> str:
    """The codebook as text: schemes, labels (group, definition), term counts and examples."""
    lines: list[str] = []
    for scheme in lexicon.schemes:
        definition = lexicon.data.codebook.schemes[scheme].description
        lines.append(f"{scheme}: {definition}")
        lines.append(f"  {'label':<22}{'group':<10}{'zh':>5}{'en':>5}{'pat':>5}  examples")
        for label in lexicon.labels(scheme):
            zh = lexicon.terms(scheme, label, "zh")
            en = lexicon.terms(scheme, label, "en")
            sample = "、".join(zh[:examples]) + (" | " if zh and en else "") + ", ".join(en[:examples])
            lines.append(
                f"  {label:<22}{lexicon.group(scheme, label):<10}{len(zh):>5}{len(en):>5}"
                f"{len(lexicon.patterns(scheme, label)):>5}  {sample}"
            )
            lines += textwrap.wrap(
                lexicon.definition(scheme, label), width, initial_indent=" " * 6, subsequent_indent=" " * 6
            )
        lines.append("")
    lines.append("actors:")
    for org_type in lexicon.actor_types:
        orgs = [o for o in lexicon.organisations if o.type == org_type]
        named = [o.id for o in orgs if o.id]
        generic = sum(len(o.terms) for o in orgs if not o.id)
        lines.append(
            f"  {org_type:<10}{len(named):>4} organisations, {generic:>3} generic names  "
            + ", ".join(named[: examples * 2])
        )
    lines.append(f"\n{len(lexicon.concepts)} concepts, {len(lexicon)} terms, patterns and names")
    return "\n".join(lines)

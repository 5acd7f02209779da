"""Finding lexicon terms and organisation names in a sentence: one Aho-Corasick pass.

One automaton holds every term of every scheme and every organisation name. A sentence is
searched in three views of the same text, each with a map back to document offsets:

* the surface view (``sentence.norm``: simplified, width-folded) for Chinese terms and
  case-sensitive English names (UN, AU, G20: acronyms never match 'un' or 'au');
* the lowercased surface view for other English terms and phrases (``joint declaration``);
* the lemma view (token lemmas, lowercased, joined as written) so that the lemma 'fund' matches
  'funds' and 'funded' (:mod:`pipeline.tag.inflect` adds regular inflections as well).

A candidate counts only where it starts and ends on token boundaries (quanteda's rule:
dictionary values are tokenised like the text), so 印度 never fires inside 印度尼西亚 and 'fund'
never inside 'fundamental'. Regex patterns are anchored at token starts. Overlaps are resolved
by the lexicon (:func:`longest`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import NamedTuple, Sequence

import ahocorasick

from pipeline.codebook import Concept, Organisation
from pipeline.document import Sentence, Token
from pipeline.norm import CJK_CLASS, CJK_RE, LANGS, fold_width, lower_same_length
from pipeline.tag.inflect import en_key, english_variants, is_case_sensitive

#: surface words whose lemma must not be matched (spaCy lemmatises 'according' to 'accord')
LEMMA_STOPWORDS = frozenset({"according", "based", "projected", "projecting"})

_FALLBACK_TOKEN_RE = re.compile(
    rf"(?:[A-Za-z]\.){{2,}}|[A-Za-z]+(?=n't\b)|n't|[A-Za-z0-9]+|[{CJK_CLASS}]|\S"
)

#: a scheme's candidate spans: (start, end, concept index, term)
Span = tuple[int, int, int, str]

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



@dataclass
class Found:
    """Candidates of one sentence: its tokens, scheme spans by scheme, organisation spans."""

    tokens: list[Token]
    terms: dict[str, list[Span]]
    orgs: list[Span]


class Matcher:
    """The compiled automaton and patterns of a lexicon's concepts and organisations."""

    def __init__(self, concepts: Sequence[Concept], organisations: Sequence[Organisation]):
        self.concepts = tuple(concepts)
        self.organisations = tuple(organisations)
        self.automaton, self.entries, self.patterns = self._compile()

    def _compile(self) -> tuple[ahocorasick.Automaton, list[_Entry], list[_Pattern]]:
        keys: dict[str, list[int]] = {}
        entries: list[_Entry] = []
        explicit_ci: dict[tuple[str, str], int] = {}  # (scheme, key) -> concept with that term

        def add(key: str, entry: _Entry) -> None:
            entries.append(entry._replace(length=len(key)))
            keys.setdefault(key, []).append(len(entries) - 1)

        for index, concept in enumerate(self.concepts):
            for term in concept.terms:
                if term.lang == "en" and not is_case_sensitive(term.text):
                    explicit_ci[(concept.scheme, en_key(term.text))] = index
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


    def find(self, sentence: Sentence) -> Found:
        """Every candidate of the sentence on token boundaries: terms (with Chinese terms of other
        schemes nested in a compound, and pattern matches) and organisation names."""
        tokens = word_tokens(sentence)
        views = _views(sentence, tokens)
        term_candidates, org_candidates = self._scan(views)
        by_scheme: dict[str, list[Span]] = {}
        seen: set[tuple[int, int, int]] = set()

        def add(start: int, end: int, index: int, term: str) -> None:
            if (start, end, index) not in seen:
                seen.add((start, end, index))
                by_scheme.setdefault(self.concepts[index].scheme, []).append((start, end, index, term))

        for cand in term_candidates:
            add(cand.start, cand.end, self.entries[cand.entry_index].index, cand.term)
        surface = views[0]
        for cand in self._nested(sentence, surface, by_scheme):
            add(cand.start, cand.end, self.entries[cand.entry_index].index, cand.term)
        for pattern in self.patterns:
            for start, end, matched in _pattern_matches(pattern.regex, surface):
                add(start, end, pattern.index, matched)
        orgs: list[Span] = []
        seen_orgs: set[tuple[int, int, int]] = set()
        for cand in org_candidates:
            index = self.entries[cand.entry_index].index
            if (cand.start, cand.end, index) not in seen_orgs:
                seen_orgs.add((cand.start, cand.end, index))
                orgs.append((cand.start, cand.end, index, cand.term))
        return Found(tokens, by_scheme, orgs)

    def find_orgs(self, sentence: Sentence) -> list[Span]:
        """Only the organisation spans (deduplicated), without the term rules' work."""
        orgs: list[Span] = []
        seen: set[tuple[int, int, int]] = set()
        for cand in self._scan(_views(sentence, word_tokens(sentence)))[1]:
            index = self.entries[cand.entry_index].index
            if (cand.start, cand.end, index) not in seen:
                seen.add((cand.start, cand.end, index))
                orgs.append((cand.start, cand.end, index, cand.term))
        return orgs

    def _nested(self, sentence: Sentence, surface: _View, by_scheme: dict[str, list[Span]]) -> list[_Candidate]:
        """Chinese terms of other schemes inside a matched Chinese compound term.

        The segmenter keeps a compound such as 联合决策 whole, so 决策 inside it is not on a
        token boundary; English has the inner word as a token anyway ('joint decision'). The
        compound's own scheme is left out: there the longest match wins.
        """
        automaton, entries = self.automaton, self.entries
        out = []
        for scheme, spans in by_scheme.items():
            for start, end, _index, term in spans:
                if not CJK_RE.search(term) or end - start < 3:
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

    def _scan(self, views: list[_View]) -> tuple[list[_Candidate], list[_Candidate]]:
        """Candidates on token boundaries, in scan order: (scheme terms, organisation names)."""
        terms: list[_Candidate] = []
        orgs: list[_Candidate] = []
        automaton, entries = self.automaton, self.entries
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
    if is_case_sensitive(term):
        key = " ".join(fold_width(term).split())
        keys = [(key, "cs", True)]
        if inflect and key[-1].isalpha():
            keys.append((key + "s", "cs", False))
        return keys
    key = en_key(term)
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


def longest(spans: list[Span]) -> list[Span]:
    """Drop spans that overlap a longer one (ties: the earlier); equal spans are all kept."""
    kept: list[Span] = []
    for span in sorted(spans, key=lambda s: (-(s[1] - s[0]), s[0], s[2])):
        start, end = span[0], span[1]
        if any(start < k[1] and k[0] < end and (k[0], k[1]) != (start, end) for k in kept):
            continue
        kept.append(span)
    return sorted(kept)


# -- sentence views ----------------------------------------------------------------------
def word_tokens(sentence: Sentence) -> list[Token]:
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
        _View(lower_same_length(surface), starts, ends, frozenset({"ci"})),
        _View("".join(pieces), lemma_starts, lemma_ends, frozenset({"ci"})),
    ]


def bare_sentence(text: str, lang: str, tokens: Sequence[Token] | None) -> Sentence:
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {LANGS}, not {lang!r}")
    return Sentence(
        id="", start=0, end=len(text), text=text, lang=lang, norm=fold_width(text),
        tokens=list(tokens) if tokens else [],
    )
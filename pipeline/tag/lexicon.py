"""The lexicon tagger: codebook terms and organisation names found in sentences, with offsets.

:class:`Lexicon` holds the codebook schemes, the bilingual concept terms and the gazetteer
(validated YAML from ``lexicons/``); its matcher (:mod:`pipeline.tag.matcher`) finds candidates
on token boundaries and the rules (:mod:`pipeline.tag.rules`) decide which become hits: among
overlapping hits of one scheme the longest wins; scheme hits inside an organisation's name (the
'Fund' of 'International Monetary Fund') are dropped; a negator shortly before a hit marks it
``negated``; factor verbs take the side of their subject; a text describing its own work is no
policy stage; a body sentence naming both framework factors codes neither.

:class:`LexiconTagger` is the registered component (``lexicon``): every label with a hit fires.
"""

from __future__ import annotations

import textwrap
from functools import cached_property
from pathlib import Path
from typing import Mapping, Sequence

import numpy as np

from pipeline.codebook import Concept, LexiconData, Organisation, default_directory, read_lexicons
from pipeline.document import Actor, Sentence, Token
from pipeline.errors import Errors, IrtagError
from pipeline.norm import fold_width
from pipeline.tag import register
from pipeline.tag.acronyms import Alias, learn
from pipeline.tag.acronyms import apply as apply_aliases
from pipeline.tag.base import Hit, Scores, Tagger
from pipeline.tag.matcher import Matcher, Span, bare_sentence, longest
from pipeline.tag.mentions import refine as refine_mentions
from pipeline.tag.rules import concept_label, negated, self_referential, without_framework_names

__all__ = ["Hit", "Lexicon", "LexiconTagger", "format_codebook"]


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


    @cached_property
    def matcher(self) -> Matcher:
        """The compiled automaton, built on first use."""
        return Matcher(self.concepts, self.organisations)

    # -- matching --------------------------------------------------------------------------
    def match(self, sentence: Sentence) -> list[Hit]:
        """Scheme hits of one sentence in document order (offsets into ``Document.text``)."""
        return self.match_all(sentence)[0]

    def match_all(self, sentence: Sentence, aliases: Mapping[str, Alias] | None = None,
                  ) -> tuple[list[Hit], list[Actor]]:
        """What :meth:`match` and :meth:`match_actors` return, from one scan of the sentence
        (hits depend on the actors, so the tagging stage asks for both at once).

        Actors are the gazetteer's names and the short forms the sentence's document defines
        (``aliases``, from :func:`pipeline.tag.acronyms.learn`), refined by
        :func:`pipeline.tag.mentions.refine`.
        """
        found = self.matcher.find(sentence)
        actors = self._actors(sentence, found.orgs)
        if aliases:
            actors = apply_aliases(sentence, actors, aliases)
        actors = refine_mentions(sentence, found.tokens, actors)
        actor_spans = [(a.start, a.end) for a in actors]
        hits = []
        for spans in found.terms.values():
            for start, end, index, term in longest(spans):
                if any(a <= start and end <= b for a, b in actor_spans):
                    continue
                concept = self.concepts[index]
                label = concept_label(concept.id, concept.label, actors, start, sentence)
                if not label or (concept.scheme == "stage" and self_referential(sentence, start, end)):
                    continue
                hits.append(Hit(concept.scheme, label, concept.id, term, start, end,
                                negated(found.tokens, start),
                                sentence.text[start - sentence.start : end - sentence.start]))
        hits = without_framework_names(hits, sentence)
        scheme_order = {name: i for i, name in enumerate(self.schemes)}
        hits.sort(key=lambda h: (h.start, h.end, scheme_order.get(h.scheme, 99), h.concept))
        return hits, actors

    def match_actors(self, sentence: Sentence, aliases: Mapping[str, Alias] | None = None) -> list[Actor]:
        """Organisation mentions of one sentence; generic mentions have an empty ``org_id``."""
        return self.match_all(sentence, aliases)[1]

    def match_text(self, text: str, lang: str = "zh", tokens: Sequence[Token] | None = None) -> list[Hit]:
        """Match a bare string; ``tokens`` (offsets into ``text``) as the segmenter gives them.

        Without tokens a rough tokenisation is used: English words, and every Chinese character
        on its own, so the Chinese boundary rule cannot apply.
        """
        return self.match(bare_sentence(text, lang, tokens))

    def match_actors_text(self, text: str, lang: str = "zh", tokens: Sequence[Token] | None = None) -> list[Actor]:
        return self.match_actors(bare_sentence(text, lang, tokens))

    def _actors(self, sentence: Sentence, spans: list[Span]) -> list[Actor]:
        actors = []
        for start, end, index, _term in sorted(longest(spans)):
            org = self.organisations[index]
            text = sentence.text[start - sentence.start : end - sentence.start]
            actors.append(Actor(text, start, end, org.id, org.type))
        return actors


@register("lexicon")
class LexiconTagger(Tagger):
    """Every label with a lexicon hit fires (score 1); hits are the evidence, actors found too.

    Parameters
    ----------
    lexicon : Lexicon
        The loaded lexicon (the runtime loads it once for the segmenter and every tagger).
    learn_short_forms : bool
        Learn the acronyms and short forms a document defines, and find them in all of it.
    """

    def __init__(self, *, lexicon: Lexicon, learn_short_forms: bool = True):
        self.lexicon = lexicon
        self.learn_short_forms = learn_short_forms

    def __call__(self, sentences: Sequence[Sentence], previous: Mapping[str, Scores]) -> Scores:
        """The batch is one document (or one table's rows of a document): the short forms it
        defines ("the African Union (AU)", 以下简称非盟) name organisations in all its sentences."""
        matched = [self.lexicon.match_all(s) for s in sentences]
        aliases = learn(zip(sentences, [a for _, a in matched])) if self.learn_short_forms else {}
        if aliases:
            matched = [self.lexicon.match_all(s, aliases) for s in sentences]
        hits = [list(h) for h, _ in matched]
        scores = Scores(hits=hits, actors=[list(a) for _, a in matched])
        for scheme in self.lexicon.schemes:
            labels = self.lexicon.labels(scheme)
            fired = np.array([[any(h.scheme == scheme and h.label == lab for h in row) for lab in labels]
                              for row in hits], dtype=bool).reshape(len(sentences), len(labels))
            scores.labels[scheme] = labels
            scores.fired[scheme] = fired
            scores.values[scheme] = fired.astype(float)
        return scores


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

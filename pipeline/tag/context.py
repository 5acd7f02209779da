"""The passage around a sentence, as features: what the neighbouring sentences say.

The codebook reads pronouns, list items and "these resources" with their passage (CODEBOOK,
Clarifications). A sentence's context tokens are, within its passage only:

* ``prev:hit:<scheme>:<label>`` / ``next:hit:…``: the lexicon cues of the previous and next
  sentence;
* ``section:hit:…``: the cues of the last heading before it;
* ``passage:actor:<type>``: the organisation types named anywhere in the passage;
* ``list`` (the previous sentence ends in a colon or ``；``, or this one opens with a list
  marker) and ``anaphora`` ("these", "such", "its", 该, 其, 上述 …), each also crossed with the
  previous sentence's cues (``list&prev:hit:…``): an item or pronoun inherits what it continues.

Training rows and tagged rows get the same tokens from :func:`context_tokens`, given each row's
passage key (``None``: an independent row, which has no neighbours). Sentences of one key are
neighbours in the order given, whether or not they stand next to each other in the list.
"""

from __future__ import annotations

import re
from typing import Any, Sequence

#: the previous sentence announces a list (a colon, or a Chinese enumeration comma ；)
LIST_OPENER = re.compile(r"[:：;；]\s*$")
#: a sentence that starts like a list item: (1), 1., a), •, –, 一是, 第一, 其一, 首先 …
LIST_ITEM = re.compile(r"^\s*(?:[(（]?\d{1,2}[)）.、]|[(（]?[a-h][)）]\s|[•·▪\-–—*]\s?|[一二三四五六七八九十]是|"
                       r"[(（][一二三四五六七八九十][)）]|[一二三四五六七八九十]、|第[一二三四五六七八九十]|其[一二三四五]|"
                       r"首先|其次|再次|最后|(?:first|second|third|finally|moreover|in addition)\b)", re.IGNORECASE)
#: words that point back into the passage
ANAPHORA = {
    "zh": re.compile(r"该|其|上述|此类|这些|这类|此项|这一|此外|前述|以上"),
    "en": re.compile(r"\b(?:these|those|such|its|their|this|the same|the above|aforementioned|said)\b",
                     re.IGNORECASE),
}


def _hits(concepts: Sequence[str]) -> list[str]:
    return [c for c in concepts if c.startswith("hit:")]


def context_tokens(texts: Sequence[str], langs: Sequence[str], hits: Sequence[Sequence[str]],
                   actor_types: Sequence[Sequence[str]], headings: Sequence[bool],
                   passages: Sequence[Any]) -> list[tuple[str, ...]]:
    """The context tokens of every sentence (see the module docstring).

    ``hits`` holds each sentence's ``hit:<scheme>:<label>`` cues, ``actor_types`` its
    organisation types, ``passages`` its passage key (None or ``""``: no passage).
    """
    members: dict[Any, list[int]] = {}
    for i, key in enumerate(passages):
        if key is not None and key != "":
            members.setdefault(key, []).append(i)
    tokens: list[tuple[str, ...]] = [()] * len(texts)
    for indexes in members.values():
        types = sorted({t for i in indexes for t in actor_types[i]})
        section: list[str] = []
        for position, i in enumerate(indexes):
            prev = indexes[position - 1] if position > 0 else None
            after = indexes[position + 1] if position + 1 < len(indexes) else None
            prev_hits = _hits(hits[prev]) if prev is not None else []
            found = [f"prev:{h}" for h in prev_hits]
            found += [f"next:{h}" for h in _hits(hits[after])] if after is not None else []
            found += [f"section:{h}" for h in section]
            found += [f"passage:actor:{t}" for t in types]
            lang = "zh" if langs[i] == "zh" else "en"
            marks = []
            if (prev is not None and LIST_OPENER.search(texts[prev])) or LIST_ITEM.match(texts[i]):
                marks.append("list")
            if ANAPHORA[lang].search(texts[i]):
                marks.append("anaphora")
            found += marks + [f"{m}&prev:{h}" for m in marks for h in prev_hits]
            if headings[i]:
                section = _hits(hits[i])
            tokens[i] = tuple(dict.fromkeys(found))
    return tokens


def with_context(features: Sequence[Any], passages: Sequence[Any] | None) -> list[Any]:
    """The feature records with their ``context`` tokens filled in (None: no passages, unchanged)."""
    from dataclasses import replace

    features = list(features)
    if passages is None:
        return features
    if len(passages) != len(features):
        raise ValueError(f"{len(passages)} passage keys for {len(features)} sentences")
    tokens = context_tokens([f.text for f in features], [f.lang for f in features],
                            [f.concepts for f in features], [f.actor_types for f in features],
                            [f.is_heading for f in features], passages)
    return [replace(f, context=t) for f, t in zip(features, tokens)]

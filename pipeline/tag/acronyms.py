"""Short names a document gives its organisations: "the African Union (AU)", 非洲联盟(以下简称非盟),
and the head of a name standing for it ("the International Monetary Fund ... the Fund").

A definition is a short form in brackets (or after 简称 / 下称) right after a mention; the short
form then names that mention's organisation everywhere in the document, also where the
gazetteer does not know it ("implementing partners (IPs)" -> every "IPs" and "IP" is a generic
NGO mention). An English long form the gazetteer does not know is taken where its initials
spell the short form (Schwartz & Hearst's rule) and a mention of the gazetteer ends it: a
generic one ("... Foundation (ISF)") makes the short form a new organisation, id ``doc:ISF``,
of the generic mention's type.

A document that names one organisation ending in a head noun ("the International Monetary
Fund", 经济及社会理事会, 红十字国际委员会) may go on with the head alone ("the Fund", 理事会,
国际委员会): :func:`learn` takes those heads too, where only one of the document's organisations
ends in it (English heads only after "the").

Pure functions: :func:`learn` reads sentences with their actors, :func:`apply` adds the
mentions of learned short forms to one sentence's actors.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable, Mapping, Sequence

from pipeline.document import Actor, Sentence

#: a bracketed English short form: capitals (and digits, &, -) with an optional plural s
EN_SHORT = re.compile(r"\s*\((?P<short>[A-Z][A-Za-z0-9&-]{0,9})\)")
#: a Chinese definition: (以下简称X), (简称X), (下称X), (英文简称X), (X) for a Latin short form,
#: or ，简称X
ZH_SHORT = re.compile(
    r"\s*(?:[(（]\s*(?:以下简称|以下称|下称|简称|英文简称|英文缩写|缩写)\s*[:：]?\s*[“\"'「]?"
    r"(?P<short>[\u4e00-\u9fffA-Za-z0-9+\-]{1,12}?)[”\"'」]?\s*[)）]"
    r"|[(（]\s*(?P<latin>[A-Z][A-Za-z0-9&\-]{1,9})\s*[)）]"
    r"|[,，]\s*(?:以下简称|简称|下称)\s*[“\"「]?(?P<after>[\u4e00-\u9fff]{2,8}?)[”\"」]?(?=[,，。;；)）]))"
)
#: a short form must hold at least this many capitals (English) to be learned
MIN_CAPITALS = 2
#: prefix of the ids made for organisations the gazetteer does not know
NEW_ID_PREFIX = "doc:"
#: heads of organisation names that a document may use alone for the organisation
EN_HEADS = frozenset("Fund Bank Council Commission Assembly Board Committee Federation Movement Court "
                     "Agency Secretariat Union Organization Organisation Programme Forum".split())
ZH_HEADS = ("理事会", "委员会", "联合会", "基金会", "大会", "法院", "秘书处", "银行", "联盟")
#: an English head stands for its organisation only after the article; a Chinese one only where
#: no other noun comes right before it (联合国民间组织委员会 is another committee)
EN_HEAD_BEFORE = re.compile(r"\bthe\s+[‘'\"“]?$", re.IGNORECASE)
ZH_HEAD_BEFORE = re.compile(r"(?:^|[^\u4e00-\u9fff]|[和与及同向对在由经为从将把被给该其本此这])$")


@dataclass(frozen=True)
class Alias:
    """What a short form names: an organisation id ('' for a generic mention) and its type."""

    org_id: str
    org_type: str
    #: a pattern the text right before an occurrence must end with ('' for none)
    before: str = ""


def _capitals(short: str) -> int:
    return sum(c.isupper() for c in short)


def initials_match(long_form: str, short: str) -> int:
    """Where in ``long_form`` the long form spelled by ``short`` starts, or -1 (Schwartz &
    Hearst 2003: the short form's characters are found right to left in the long form, the
    first one at the start of a word)."""
    letters = [c.lower() for c in short if c.isalnum()]
    if letters and letters[-1] == "s" and len(letters) > 2 and short[-1].islower():
        letters.pop()
    text = long_form.lower()
    position = len(text) - 1
    for index in range(len(letters) - 1, -1, -1):
        letter = letters[index]
        while position >= 0 and (text[position] != letter
                                 or (index == 0 and position > 0 and text[position - 1].isalnum())):
            position -= 1
        if position < 0:
            return -1
        position -= 1
    return position + 1


def _definitions(sentence: Sentence) -> list[tuple[int, int, int, str]]:
    """(long-form end, short start, short end, short form) of every definition in the sentence,
    offsets into ``Document.text``."""
    text, base = sentence.text, sentence.start
    out = []
    if sentence.lang == "zh":
        for found in ZH_SHORT.finditer(text):
            group = next(g for g in ("short", "latin", "after") if found.group(g))
            out.append((base + found.start(), base + found.start(group), base + found.end(group), found.group(group)))
    else:
        for found in EN_SHORT.finditer(text):
            if _capitals(found.group("short")) >= MIN_CAPITALS:
                out.append((base + found.start(), base + found.start("short"), base + found.end("short"),
                            found.group("short")))
    return out


def _heads(sentence: Sentence, actor: Actor) -> list[str]:
    """The head forms of a named mention: its last word (English, a head noun), or its endings
    that start at a token and end in a head noun (Chinese, at least three characters)."""
    if sentence.lang != "zh":
        last = actor.text.split()[-1] if " " in actor.text else ""
        return [last] if last in EN_HEADS else []
    starts = [t.start - actor.start for t in sentence.tokens if actor.start < t.start < actor.end]
    endings = {actor.text[i:] for i in starts} | {h for h in ZH_HEADS if len(actor.text) > len(h)}
    return sorted(e for e in endings if len(e) >= 3 and e.endswith(ZH_HEADS) and actor.text.endswith(e))


def defined_long_forms(sentence: Sentence, actors: Sequence[Actor]) -> list[Actor]:
    """A known short form in brackets makes the words before it, where their initials spell it,
    a mention of the same organisation ("the Organisation for Economic Cooperation and
    Development (OECD)": the long form is OECD even in a spelling the gazetteer lacks)."""
    if sentence.lang == "zh":
        return list(actors)
    by_span = {(a.start, a.end): a for a in actors if a.org_id}
    found = list(actors)
    for long_end, short_start, short_end, short in _definitions(sentence):
        known = by_span.get((short_start, short_end))
        if known is None or any(a.end == long_end for a in actors):
            continue
        local_end = long_end - sentence.start
        long_start = initials_match(sentence.text[:local_end], short)
        words = sentence.text[long_start:local_end].split()
        if long_start < 0 or not 2 <= len(words) <= min(len(short) + 5, 2 * len(short)) or not words[0][:1].isupper():
            continue
        start = sentence.start + long_start
        found = [a for a in found if not (a.start < long_end and start < a.end)]
        found.append(Actor(sentence.text[long_start:local_end], start, long_end, known.org_id, known.org_type))
    return sorted(found, key=lambda a: (a.start, a.end))


def learn(sentences: Iterable[tuple[Sentence, Sequence[Actor]]]) -> dict[str, Alias]:
    """Short form -> what it names, from the definitions and the names of a document's sentences.

    The mention that ends where a definition starts is what it names. A short form defined
    twice keeps its first meaning; one that names nothing known is not learned. Head forms
    (see the module) come after definitions, and only where one organisation has them.
    """
    aliases: dict[str, Alias] = {}
    heads: dict[str, set[Alias]] = {}
    for sentence, actors in sentences:
        for actor in actors:
            if actor.org_id:
                for head in _heads(sentence, actor):
                    before = ZH_HEAD_BEFORE if sentence.lang == "zh" else EN_HEAD_BEFORE
                    heads.setdefault(head, set()).add(Alias(actor.org_id, actor.org_type, before.pattern))
        ends = {a.end: a for a in actors}
        for long_end, _start, _end, short in _definitions(sentence):
            actor = ends.get(long_end)
            if actor is None or short in aliases or short == actor.text:
                continue
            alias = Alias(actor.org_id, actor.org_type)
            long_start = initials_match(sentence.text[:long_end - sentence.start], short)
            if sentence.lang != "zh" and long_start < 0:
                continue  # the initials spell no long form before the brackets
            if not actor.org_id and sentence.lang != "zh":
                if 0 <= long_start < actor.start - sentence.start and any(
                        w[:1].isupper() for w in sentence.text[long_start:actor.start - sentence.start].split()):
                    alias = Alias(NEW_ID_PREFIX + short, actor.org_type)
            aliases[short] = alias
            if sentence.lang != "zh" and short.endswith("s") and _capitals(short[:-1]) == len(short) - 1:
                aliases.setdefault(short[:-1], alias)
    for head, meanings in heads.items():
        if len({m.org_id for m in meanings}) == 1:
            aliases.setdefault(head, min(meanings, key=lambda m: m.before))
    return aliases


def _occurrences(text: str, short: str) -> Iterable[tuple[int, int]]:
    """Where ``short`` stands as a whole word (Latin) or anywhere (Chinese) in ``text``."""
    if re.search(r"[\u4e00-\u9fff]", short):
        pattern = re.escape(short)
    else:
        pattern = rf"(?<![A-Za-z0-9]){re.escape(short)}(?![A-Za-z0-9])"
    for found in re.finditer(pattern, text):
        yield found.start(), found.end()


def apply(sentence: Sentence, actors: Sequence[Actor], aliases: Mapping[str, Alias]) -> list[Actor]:
    """The sentence's actors with every occurrence of a learned short form added, where it does
    not overlap a mention already found (the gazetteer's names come first)."""
    found = list(actors)
    for short in sorted(aliases, key=lambda s: (-len(s), s)):
        alias = aliases[short]
        for start, end in _occurrences(sentence.text, short):
            if alias.before and not re.search(alias.before, sentence.text[:start]):
                continue
            start, end = sentence.start + start, sentence.start + end
            if not any(a.start < end and start < a.end for a in found):
                found.append(Actor(short, start, end, alias.org_id, alias.org_type))
    return sorted(found, key=lambda a: (a.start, a.end))

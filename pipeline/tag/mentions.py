"""Organisation mentions beyond the gazetteer's names: rules over a sentence's actors.

The gazetteer (``lexicons/organisations.yaml``, ``states.yaml``) finds names; these rules, applied
by :meth:`pipeline.tag.lexicon.Lexicon.match_all` after it, decide what a mention is (CODEBOOK,
entities; ``shared/dev/README.md`` for the span conventions):

* **a generic mention takes its modifiers** (中国环保NGO, 草根非政府组织, 非洲次区域组织): the
  organisation is the whole noun phrase, and a country inside it is no state actor;
* **a national Red Cross or Red Crescent society** is its own organisation (印度红十字会,
  Kenya Red Cross Society), id ``RC_<state id>``, found from the countries of ``states.yaml``;
* **one-character country abbreviations in an enumeration** (中日韩, 中、日、韩) are states;
* **a long form defined by a known short form** ("the Organisation for Economic Cooperation and
  Development (OECD)") is a mention of that organisation (:func:`pipeline.tag.acronyms.defined_long_forms`);
* **a generic that only modifies** (东盟国家, "the NGO Delegation") is no mention of its own;
* **a country named as a place** ("in Mali, Chad and Niger", 在丹麦), or standing for its
  people (中国民间, 中国青年, 印度人民), is no state actor;
* **an English generic head written as a name** after capitalised words ("Hungarian Academy of
  Sciences", "Kenya Youth Network") is a named organisation, id ``name:<the name>``.

Pure functions on plain data: the sentence, its word tokens and its actors in, actors out.
"""

from __future__ import annotations

import re
from typing import Sequence

from pipeline.tag.acronyms import defined_long_forms
from pipeline.document import Actor, Sentence, Token

#: words that make a Chinese generic mention a longer noun phrase (the modifier is kept in the
#: span); a country or a generic state (东道国) before the head does the same
ZH_MODIFIERS = re.compile(
    r"国际|草根|本土|环保|民间|地方|基层|境外|海外|国内|全国性|全球性|区域性|青年|妇女|公益|慈善|"
    r"非洲|亚洲|欧洲|拉美|东亚|东南亚|南亚|中东|西方|大型|小型|知名|专业|外国"
)
#: the suffix of a national society (after a country's name) and its English forms
RED_CROSS_ZH = re.compile(r"红十字会|红新月会")
RED_CROSS_EN_AFTER = re.compile(r"\s+(?:Red Cross|Red Crescent)(?:\s+Society)?\b")
RED_CROSS_EN_BEFORE = re.compile(r"\b(?:Red Cross|Red Crescent)\s+Society\s+of\s+(?:the\s+)?$")
#: one-character abbreviations of states used in enumerations (中日韩, 中美, 中、日、韩)
ZH_STATE_ABBREVIATIONS = {"中": "CHN", "美": "USA", "日": "JPN", "韩": "KOR", "俄": "RUS", "英": "GBR",
                          "法": "FRA", "德": "DEU", "印": "IND", "澳": "AUS", "朝": "PRK", "越": "VNM"}
#: a word right before a country that makes it a place, not an actor (Chinese: the token before)
PLACE_BEFORE = {
    "zh": re.compile(r"在|于|赴|到|进入|移师|驻|位于|前往|访问"),
    "en": re.compile(r"\b(?:in|across|throughout|within|inside)\s+(?:the\s+)?$|\b(?:in|across)\s+(?:\w+\s+){0,3}"
                     r"(?:countries|states|places|regions|settings|contexts)\s+(?:such as|as diverse as|like|including)"
                     r"\s+(?:the\s+)?$", re.IGNORECASE),
}
#: 在 X 提议下, 在 X 的支持下: the country acts, it is no place
ZH_UNDER = re.compile(r"[^，,。；;]{0,8}?(?:提议|倡议|推动|领导|支持|帮助|主持|努力|协调|主导|斡旋|要求|邀请)下")
#: generic states that, right after an organisation (东盟国家, 欧盟各国), are its members: the
#: organisation is the mention
ZH_MEMBERS = frozenset({"国家", "各国", "成员国"})
EN_MEMBERS = re.compile(r"(?:governments?|member states|member countries|countries|states)$", re.IGNORECASE)
#: other senses of generic words: "the foundations for", "to firm up"
EN_OTHER_SENSES = ((re.compile(r"foundations?$"), re.compile(r"\s+(?:for|of)\b")),
                   (re.compile(r"firms?$"), re.compile(r"\s+up\b")))
#: capitalised words that, right after a generic mention, make it the modifier of a body's name
#: (the NGO Delegation, an NGO Branch): the generic is then no mention of its own
EN_BODY_HEADS = re.compile(r"\s+(?:Delegation|Branch|Committee|Section|Unit|Office|Liaison|Service)s?\b")
#: what right after a Chinese country name makes it stand for its people, not its state
ZH_PEOPLE_AFTER = re.compile(r"民间|青年|本土|人民|公民|民众|学者|专家|科学家|科技工作者|企业家|网民|社会各界")
#: capitalised words that do not start a name (sentence-initial determiners and the like)
EN_NOT_NAME = frozenset("The A An This That These Those Its Their Our Your His Her Each Every Some "
                        "Many Most All Both Other Such Several Today Now Here There However Moreover Also "
                        "Meanwhile In On At For By With From As When While Since After Before Under And But "
                        "Or Of To If Then Thus".split())
#: prefix of the ids of names found by :func:`proper_names`
NAME_ID_PREFIX = "name:"
#: what joins the items of a list of places
LIST_JOINER = {
    "zh": re.compile(r"^(?:、|和|及|以及|与|,)$"),
    "en": re.compile(r"^(?:,\s*(?:and\s+|or\s+)?|\s+and\s+|\s+or\s+)(?:the\s+)?$"),
}
STATE = "state"


def _lang(sentence: Sentence) -> str:
    return "zh" if sentence.lang == "zh" else "en"


def _before(sentence: Sentence, start: int, reach: int = 24) -> str:
    local = start - sentence.start
    return sentence.text[max(0, local - reach):local]


def generic_phrases(sentence: Sentence, tokens: Sequence[Token], actors: list[Actor]) -> list[Actor]:
    """A Chinese generic mention grows leftwards over its modifiers and a country or generic
    state right before it (中国+本土+环保+NGO); the country is then part of it, not a state."""
    if _lang(sentence) != "zh":
        return actors
    states_by_end = {a.end: a for a in actors if a.org_type == STATE}
    token_by_end = {t.end: t for t in tokens}
    swallowed: set[tuple[int, int]] = set()
    out = []
    for actor in actors:
        start = actor.start
        while not actor.org_id:
            state, token = states_by_end.get(start), token_by_end.get(start)
            if state is not None and state is not actor:
                swallowed.add((state.start, state.end))
                start = state.start
            elif token is not None and ZH_MODIFIERS.fullmatch(token.text):
                start = token.start
            else:
                break
        text = sentence.text[start - sentence.start:actor.end - sentence.start]
        out.append(actor if start == actor.start else Actor(text, start, actor.end, "", actor.org_type))
    return [a for a in out if (a.start, a.end) not in swallowed]


def red_cross_societies(sentence: Sentence, actors: list[Actor]) -> list[Actor]:
    """A country's name with 红十字会 / Red Cross (Society) is that country's national society."""
    text, base = sentence.text, sentence.start
    out = []
    for actor in actors:
        if actor.org_type != STATE or not actor.org_id:
            out.append(actor)
            continue
        after = text[actor.end - base:]
        if _lang(sentence) == "zh":
            found = RED_CROSS_ZH.match(after)
            start, end = actor.start, actor.end + (found.end() if found else 0)
        else:
            found = RED_CROSS_EN_AFTER.match(after)
            start, end = actor.start, actor.end + (found.end() if found else 0)
            before = RED_CROSS_EN_BEFORE.search(text[:actor.start - base])
            if not found and before:
                found, start = before, base + before.start()
        if not found:
            out.append(actor)
            continue
        out.append(Actor(text[start - base:end - base], start, end, f"RC_{actor.org_id}", "ngo"))
    return _without_overlaps(out)


def state_abbreviations(sentence: Sentence, tokens: Sequence[Token], actors: list[Actor]) -> list[Actor]:
    """States written as one character in an enumeration: a token made only of such characters
    (中日韩, 中美) or single-character tokens joined by 、 (中、日、韩)."""
    if _lang(sentence) != "zh":
        return actors
    taken = [(a.start, a.end) for a in actors]
    found: list[Actor] = []
    words = [t for t in tokens if t.text.strip()]
    for i, token in enumerate(words):
        chars = token.text
        if len(chars) >= 2 and len(set(chars)) == len(chars) and all(c in ZH_STATE_ABBREVIATIONS for c in chars):
            found += [Actor(c, token.start + k, token.start + k + 1, ZH_STATE_ABBREVIATIONS[c], STATE)
                      for k, c in enumerate(chars)]
        elif len(chars) == 1 and chars in ZH_STATE_ABBREVIATIONS:
            def listed(comma: int, other: int) -> bool:
                return (0 <= min(comma, other) and max(comma, other) < len(words) and words[comma].text == "、"
                        and words[other].text in ZH_STATE_ABBREVIATIONS)

            if listed(i - 1, i - 2) or listed(i + 1, i + 2):
                found.append(Actor(chars, token.start, token.end, ZH_STATE_ABBREVIATIONS[chars], STATE))
    found = [a for a in found if not any(s < a.end and a.start < e for s, e in taken)]
    return sorted(actors + found, key=lambda a: (a.start, a.end))


def _place_word_before(sentence: Sentence, tokens: Sequence[Token], actor: Actor) -> bool:
    if _lang(sentence) == "en":
        return bool(PLACE_BEFORE["en"].search(_before(sentence, actor.start, reach=60)))
    before = [t for t in tokens if t.end == actor.start]
    after = sentence.text[actor.end - sentence.start:]
    return bool(before) and bool(PLACE_BEFORE["zh"].fullmatch(before[0].text)) and not ZH_UNDER.match(after)


def without_places(sentence: Sentence, tokens: Sequence[Token], actors: list[Actor]) -> list[Actor]:
    """Drop countries named as places (after 在 / "in", or continuing a list that began so) or
    standing for their people (中国民间)."""
    lang = _lang(sentence)
    out = []
    previous_place: Actor | None = None
    for actor in actors:
        if actor.org_type == STATE and actor.org_id:
            joined = previous_place is not None and LIST_JOINER[lang].match(
                sentence.text[previous_place.end - sentence.start:actor.start - sentence.start])
            people = lang == "zh" and ZH_PEOPLE_AFTER.match(sentence.text[actor.end - sentence.start:])
            if _place_word_before(sentence, tokens, actor) or joined or people:
                previous_place = actor
                continue
        previous_place = None
        out.append(actor)
    return out


def without_modifiers(sentence: Sentence, actors: list[Actor]) -> list[Actor]:
    """Drop generic mentions that only modify another or are another sense of the word: 国家 /
    各国 right after an organisation (东盟国家, "G20 governments": the organisation is the
    mention), "NGO" in the name of a body ("the NGO Delegation"), "the foundations for"."""
    text, base = sentence.text, sentence.start
    named_ends = {a.end for a in actors if a.org_id and a.org_type != STATE}

    def modifies(a: Actor) -> bool:
        after = text[a.end - base:]
        if _lang(sentence) == "zh":
            return a.text in ZH_MEMBERS and a.start in named_ends
        return bool((EN_MEMBERS.fullmatch(a.text) and a.start - 1 in named_ends and text[a.start - base - 1] == " ")
                    or (a.text[:1].isupper() and EN_BODY_HEADS.match(after))
                    or any(word.fullmatch(a.text) and sense.match(after) for word, sense in EN_OTHER_SENSES))

    return [a for a in actors if a.org_id or not modifies(a)]


def proper_names(sentence: Sentence, actors: list[Actor]) -> list[Actor]:
    """An English generic mention written with a capital ("Academy of Sciences") right after
    capitalised words is a name: the span takes those words and gets the id ``name:<span>``."""
    if _lang(sentence) == "zh":
        return actors
    text, base = sentence.text, sentence.start
    out = []
    for actor in actors:
        if actor.org_id or actor.org_type == STATE or not actor.text[:1].isupper():
            out.append(actor)
            continue
        start = actor.start
        for word in reversed(list(re.finditer(r"[A-Z][\w'&.-]*\s+$|[A-Z][\w'&.-]*\s+(?=[A-Z])",
                                              text[:start - base]))):
            if word.end() != start - base or word.group().strip() in EN_NOT_NAME:
                break
            start = base + word.start()
        if start == actor.start:
            out.append(actor)
            continue
        name = text[start - base:actor.end - base]
        out.append(Actor(name, start, actor.end, NAME_ID_PREFIX + name, actor.org_type))
    return _without_overlaps(out)


def _without_overlaps(actors: list[Actor]) -> list[Actor]:
    """Keep the longest of overlapping mentions (the earlier on a tie)."""
    kept: list[Actor] = []
    for actor in sorted(actors, key=lambda a: (a.start - a.end, a.start)):
        if not any(k.start < actor.end and actor.start < k.end for k in kept):
            kept.append(actor)
    return sorted(kept, key=lambda a: (a.start, a.end))


def refine(sentence: Sentence, tokens: Sequence[Token], actors: list[Actor]) -> list[Actor]:
    """Every rule of this module, in order (national societies before places: 在印度红十字会…)."""
    actors = red_cross_societies(sentence, actors)
    actors = proper_names(sentence, generic_phrases(sentence, tokens, actors))
    actors = without_modifiers(sentence, defined_long_forms(sentence, actors))
    actors = state_abbreviations(sentence, tokens, actors)
    return without_places(sentence, tokens, actors)

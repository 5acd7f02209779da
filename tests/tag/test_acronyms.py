"""Short forms a document gives its organisations (pipeline.tag.acronyms): pure functions on
hand-made sentences and actors, in both languages."""

from __future__ import annotations

import pytest

from pipeline.tag.acronyms import NEW_ID_PREFIX, Alias, apply, initials_match, learn
from pipeline.document import Actor, Sentence, Token


def sentence(text: str, lang: str, words: list[str] | None = None) -> Sentence:
    """A sentence at offset 0; ``words`` (found in order) become its tokens."""
    tokens, position = [], 0
    for word in words or []:
        start = text.index(word, position)
        position = start + len(word)
        tokens.append(Token(word, start, position, word))
    return Sentence(id="s", start=0, end=len(text), text=text, lang=lang, norm=text, tokens=tokens)


def actor(text: str, within: str, org_id: str, org_type: str, occurrence: int = 0) -> Actor:
    start = -1
    for _ in range(occurrence + 1):
        start = within.index(text, start + 1)
    return Actor(text, start, start + len(text), org_id, org_type)


@pytest.mark.parametrize(
    "lang, text, long_form, short",
    [
        ("en", "The Union of Coastal Towns (UCT) met the donors.", "Union of Coastal Towns", "UCT"),
        ("zh", "沿海城镇联盟(以下简称沿城盟)与捐助方会面。", "沿海城镇联盟", "沿城盟"),
        ("zh", "沿海城镇联盟(简称“沿城盟”)与捐助方会面。", "沿海城镇联盟", "沿城盟"),
        ("zh", "沿海城镇联盟,简称沿城盟,与捐助方会面。", "沿海城镇联盟", "沿城盟"),
        ("zh", "沿海城镇联盟(UCT)与捐助方会面。", "沿海城镇联盟", "UCT"),
    ],
)
def test_a_definition_names_the_mention_it_follows(lang, text, long_form, short):
    s = sentence(text, lang)
    assert learn([(s, [actor(long_form, text, "UCT_ID", "regional")])]) == {short: Alias("UCT_ID", "regional")}


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_short_form_is_found_in_the_rest_of_the_document(lang):
    if lang == "en":
        first, later, short = "The Union of Coastal Towns (UCT) met.", "Later the UCT and UCTA spoke.", "UCT"
    else:
        first, later, short = "沿海城镇联盟(以下简称沿城盟)成立。", "此后沿城盟发表声明。", "沿城盟"
    long_form = "Union of Coastal Towns" if lang == "en" else "沿海城镇联盟"
    aliases = learn([(sentence(first, lang), [actor(long_form, first, "UCT_ID", "regional")])])
    found = apply(sentence(later, lang), [], aliases)
    assert [(a.text, a.org_id, a.org_type) for a in found] == [(short, "UCT_ID", "regional")]
    assert later[found[0].start:found[0].end] == short


def test_a_plural_short_form_also_names_the_singular():
    text = "Funds go to implementing partners (IPs) in the field."
    aliases = learn([(sentence(text, "en"), [actor("implementing partners", text, "", "ngo")])])
    assert aliases == {"IPs": Alias("", "ngo"), "IP": Alias("", "ngo")}
    later = "Each IP reports, and IPs meet."
    assert [a.text for a in apply(sentence(later, "en"), [], aliases)] == ["IP", "IPs"]


def test_a_name_ending_in_a_generic_head_becomes_a_new_organisation():
    text = "We thank the Mekong Youth Network (MYN) for its work."
    aliases = learn([(sentence(text, "en"), [actor("Network", text, "", "ngo")])])
    assert aliases["MYN"] == Alias(NEW_ID_PREFIX + "MYN", "ngo")


@pytest.mark.parametrize(
    "lang, text, long_form",
    [
        ("en", "The Union of Coastal Towns (XYZ) met.", "Union of Coastal Towns"),  # initials spell nothing
        ("en", "The Union of Coastal Towns (UCT) met.", "Coastal"),  # no mention ends at the brackets
        ("zh", "沿海城镇联盟在会上(发言)。", "沿海城镇联盟"),  # brackets that define nothing
    ],
)
def test_no_definition_without_a_mention_and_a_short_form(lang, text, long_form):
    assert learn([(sentence(text, lang), [actor(long_form, text, "UCT_ID", "regional")])]) == {}


@pytest.mark.parametrize(
    "lang, name, words, later, later_words, head",
    [
        ("en", "International Monetary Fund", None, "Then the Fund agreed, but Fund managers did not.", None,
         "Fund"),
        ("zh", "经济及社会理事会", ["经济", "及", "社会", "理事会"], "理事会随后作出决定。", ["理事会", "随后", "作出", "决定"],
         "理事会"),
        ("zh", "红十字国际委员会", ["红十字", "国际", "委员会"], "国际委员会发出呼吁。", ["国际委员会", "发出", "呼吁"],
         "国际委员会"),
    ],
)
def test_the_head_of_a_name_stands_for_it(lang, name, words, later, later_words, head):
    text = f"The {name} met." if lang == "en" else f"{name}召开会议。"
    s = sentence(text, lang, [*words, "召开", "会议"] if words else None)
    aliases = learn([(s, [actor(name, text, "ORG", "igo")])])
    found = apply(sentence(later, lang, later_words), [], aliases)
    assert [(a.text, a.org_id) for a in found] == [(head, "ORG")]  # English: only after "the"


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_head_shared_by_two_organisations_is_not_learned(lang):
    if lang == "en":
        text, names = "The Security Council and the Trusteeship Council met.", ["Security Council", "Trusteeship Council"]
    else:
        text, names = "安全理事会和托管理事会开会。", ["安全理事会", "托管理事会"]
    s = sentence(text, lang)
    aliases = learn([(s, [actor(names[0], text, "A", "igo"), actor(names[1], text, "B", "igo")])])
    assert "Council" not in aliases and "理事会" not in aliases


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_apply_keeps_the_gazetteer_mentions(lang):
    text = "The UCT and the UCT Fund met." if lang == "en" else "沿城盟和沿城盟基金会开会。"
    short = "UCT" if lang == "en" else "沿城盟"
    fund = "UCT Fund" if lang == "en" else "沿城盟基金会"
    known = [actor(fund, text, "FUND", "ngo")]
    found = apply(sentence(text, lang), known, {short: Alias("UCT_ID", "regional")})
    assert [(a.text, a.org_id) for a in found] == [(short, "UCT_ID"), (fund, "FUND")]


@pytest.mark.parametrize(
    "long_form, short, start",
    [("the Union of Coastal Towns", "UCT", 4), ("implementing partners", "IPs", 0), ("the Union", "XYZ", -1)],
)
def test_initials_match(long_form, short, start):
    assert initials_match(long_form, short) == start


def test_a_chinese_head_after_another_noun_is_another_body():
    text = "非政府组织委员会开会。"
    s = sentence(text, "zh", ["非政府组织", "委员会", "开会"])
    aliases = learn([(s, [actor("非政府组织委员会", text, "NGO_COMMITTEE", "igo")])])
    later = "妇女组织委员会与该委员会会面。"
    found = apply(sentence(later, "zh", ["妇女组织", "委员会", "与", "该", "委员会", "会面"]), [], aliases)
    assert [(a.text, a.start) for a in found] == [("委员会", later.rindex("委员会"))]

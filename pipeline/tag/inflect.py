"""English inflections of lexicon terms, generated when the matcher is built.

The lemmatizer misses forms ('Funds' capitalised, rare verbs), so every English term is also
matched in its regular inflections ('fund' -> funds, funded, funding); over-generated junk forms
never occur in text, so they cost nothing.
"""

from __future__ import annotations

from pipeline.norm import fold_width

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
        forms.update({_regular(stem, "s", consonant_y), _regular(stem, "ed", consonant_y)})
        if stem.endswith("ie"):
            forms.add(stem[:-2] + "ying")
        elif stem.endswith("e") and not stem.endswith(("ee", "ye", "oe")):
            forms.add(stem[:-1] + "ing")
        else:
            forms.add(stem + "ing")
        if stem[-1] not in _VOWELS | {"w", "x", "y"} and stem[-2] in _VOWELS and stem[-3] not in _VOWELS:
            forms.update({stem + stem[-1] + "ed", stem + stem[-1] + "ing"})
    return forms


def _regular(stem: str, suffix: str, consonant_y: bool) -> str:
    """``stem`` + 's' or 'ed' with the spelling rules: boxes, agreed, policies, applied."""
    if suffix == "s" and stem.endswith(("s", "x", "z", "ch", "sh")):
        return stem + "es"
    if suffix == "ed" and stem.endswith("e"):
        return stem + "d"
    if consonant_y:
        return stem[:-1] + "i" + ("es" if suffix == "s" else "ed")
    return stem + suffix


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


def is_case_sensitive(term: str) -> bool:
    """English names written without lowercase letters (UN, G20, U.N.) keep their case."""
    return any(c.isalpha() for c in term) and not any(c.islower() for c in term)


def en_key(term: str) -> str:
    """The automaton key of a case-insensitive English term: width-folded, spaces collapsed, lowercase."""
    return " ".join(fold_width(term).split()).lower()

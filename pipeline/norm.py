"""Shared ground for text: one CJK range, one width folding, one simplified form, one language rule.

Every stage that asks "is this Chinese?", "what does a lexicon match on?" or "which language is
this?" asks here, so the ingest, segment, tag and codebook stages can never disagree. Every
function keeps the length of its input, so offsets into ``Document.text`` carry over.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

#: CJK ideographs: the BMP blocks (Extension A, the unified block, compatibility ideographs)
#: and the supplementary ideographic planes.
CJK_CLASS = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003ffff"
CJK_RE = re.compile(f"[{CJK_CLASS}]")
#: CJK ideographs with CJK symbols and punctuation: what a Chinese word segmenter is given.
CJK_RUN_RE = re.compile(f"[\u3000-\u303f{CJK_CLASS}]+")
LATIN_RE = re.compile(r"[A-Za-z]")
#: A text is Chinese when CJK ideographs are at least this share of its ideographs and Latin letters.
ZH_MIN_CJK_SHARE = 0.25
LANGS = ("zh", "en")

#: Full-width ASCII (U+FF01-FF5E) to half-width and the ideographic space to a space.
_WIDTH_TABLE = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}
#: Only full-width letters and digits: what cleaning folds, leaving Chinese punctuation alone.
_ALNUM_WIDTH_TABLE = {code: half for code, half in _WIDTH_TABLE.items() if chr(half).isalnum()}


def is_cjk(char: str) -> bool:
    return bool(char) and CJK_RE.match(char) is not None


def cjk_share(text: str) -> float:
    """Share of CJK ideographs among ideographs and Latin letters (0 when there are neither)."""
    cjk = len(CJK_RE.findall(text))
    latin = len(LATIN_RE.findall(text))
    return cjk / (cjk + latin) if cjk + latin else 0.0


def detect_lang(text: str, default: str = "zh") -> str:
    """'zh' or 'en' by the share of CJK characters (one Chinese word outweighs a few letters);
    ``default`` where the text has neither ideographs nor Latin letters."""
    if not CJK_RE.search(text) and not LATIN_RE.search(text):
        return default
    return "zh" if cjk_share(text) >= ZH_MIN_CJK_SHARE else "en"


def fold_width(text: str) -> str:
    """Full-width ASCII to half-width, ideographic space to space; length is unchanged."""
    return text.translate(_WIDTH_TABLE)


def fold_alnum_width(text: str) -> str:
    """Full-width letters and digits to ASCII; punctuation and spaces stay as typed."""
    return text.translate(_ALNUM_WIDTH_TABLE)


def lower_same_length(text: str) -> str:
    """Lowercase, except characters whose lowercase is longer (İ), so offsets carry over."""
    return "".join(low if len(low := c.lower()) == 1 else c for c in text)


@functools.lru_cache(maxsize=1)
def _simplified_table() -> dict[int, int]:
    """OpenCC's traditional->simplified character table, one-character mappings only."""
    import opencc

    path = Path(opencc.__file__).parent / "dictionary" / "TSCharacters.txt"
    table: dict[int, int] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        source, _, targets = line.partition("\t")
        target = targets.split(" ")[0] if targets else ""
        if len(source) == 1 and len(target) == 1 and source != target:
            table[ord(source)] = ord(target)
    return table


@functools.lru_cache(maxsize=1)
def _norm_table() -> dict[int, int]:
    return {**_simplified_table(), **_WIDTH_TABLE}


def to_simplified(text: str) -> str:
    """Traditional -> simplified character by character, so the length never changes."""
    return text.translate(_simplified_table())


def normalize(text: str) -> str:
    """What lexicons match on: simplified and width-folded; same length as ``text``."""
    return text.translate(_norm_table())

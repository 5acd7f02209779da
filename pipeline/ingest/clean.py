"""Pure text-cleaning functions shared by every reader (no I/O, no state).

Kept separate so each rule can be tested on a literal string: whitespace, full-width forms,
joining broken lines, footnote markers, English punctuation typed with a Chinese IME, and the
characters that are never text (controls, NULs, ANSI escapes, lone surrogates, noncharacters).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Collection
from typing import TYPE_CHECKING

from pipeline.errors import Errors, IrtagError, Warnings

if TYPE_CHECKING:
    from pipeline.ingest.structure import Parsed

#: CJK ideographs (BMP blocks and the supplementary planes), the basis of language decisions.
CJK_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")
LATIN_RE = re.compile(r"[A-Za-z]")
#: Sentence-final punctuation, as the last visible character of a line or paragraph.
TERMINALS = "。！？!?．…"
#: What may follow a terminal without ending the sentence: closing quotes, brackets, markers.
_CLOSERS = "”’\"'）)]】》」』］"

#: Footnote markers: circled numbers (optionally ^-prefixed as markdown superscript),
#: bracketed numbers [1] / [1,2] / [3-5] in ASCII or full-width brackets, ^1, superscripts.
MARKER_RE = re.compile(
    r"\^?[\u2460-\u2473]"
    r"|\^\d{1,3}"
    r"|[\[［]\d{1,3}(?:\s*[-–,，、]\s*\d{1,3})*[\]］]"
    r"|[¹²³⁴⁵⁶⁷⁸⁹⁰]+"
)
_LEADING_MARKER_RE = re.compile(r"^\s*(\^?[\u2460-\u2473]|[*＊]|[\[［]\d{1,3}[\]］])\s*")

_SPACES_RE = re.compile(r"[ \t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000\f\v]+")
#: A space next to CJK punctuation is an artefact of removed markup ('情况。 **首先' -> '情况。首先').
_CJK_PUNCT = r"\u3001-\u303f\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65“”‘’"
_PUNCT_SPACE_RE = re.compile(
    rf"(?<=[{_CJK_PUNCT}]) (?=[\u3400-\u9fff{_CJK_PUNCT}])|(?<=[\u3400-\u9fff{_CJK_PUNCT}]) (?=[{_CJK_PUNCT}])")
_ZERO_WIDTH_RE = re.compile(r"[\u200b-\u200d\u2060\ufeff\u00ad]")
_FULLWIDTH_ALNUM = {c: c - 0xFEE0 for c in range(0xFF10, 0xFF1A)}
_FULLWIDTH_ALNUM.update({c: c - 0xFEE0 for c in range(0xFF21, 0xFF3B)})
_FULLWIDTH_ALNUM.update({c: c - 0xFEE0 for c in range(0xFF41, 0xFF5B)})


def is_cjk(char: str) -> bool:
    return bool(char) and CJK_RE.match(char) is not None


def is_wide(char: str) -> bool:
    """CJK ideographs and full-width punctuation: joined to neighbours without a space."""
    return unicodedata.east_asian_width(char) in "WF"


def cjk_share(text: str) -> float:
    """Share of CJK ideographs among ideographs and Latin letters (0 when there are neither)."""
    cjk = len(CJK_RE.findall(text))
    latin = len(LATIN_RE.findall(text))
    return cjk / (cjk + latin) if cjk + latin else 0.0


def lang_of(text: str, default: str = "zh") -> str:
    """'zh' or 'en' by the share of CJK characters: one Chinese word outweighs a few letters."""
    cjk = len(CJK_RE.findall(text))
    latin = len(LATIN_RE.findall(text))
    if not cjk and not latin:
        return default
    return "zh" if cjk / (cjk + latin) >= 0.25 else "en"


#: Characters seen by :func:`display_width`, each mapped to whether it is wide (filled lazily).
_WIDE_CACHE: dict[str, bool] = {}


def display_width(text: str) -> int:
    """Width in half-width cells, so CJK and Latin line lengths can be compared.

    Called for every line several times while reflowing, so the per-character Unicode lookup
    is cached and the sum runs in C.
    """
    if text.isascii():
        return len(text)
    for char in set(text).difference(_WIDE_CACHE):
        _WIDE_CACHE[char] = is_wide(char)
    return len(text) + sum(map(_WIDE_CACHE.__getitem__, text))


def normalize_line(text: str) -> str:
    """One line: full-width letters/digits to ASCII, all spaces to one ASCII space, stripped.

    Chinese punctuation (，。：；？！（）“”《》) is kept; only Ａ-Ｚ ａ-ｚ ０-９ and the ideographic
    space change, so 'Ｒole' becomes 'Role' and '２０１５' becomes '2015'.
    """
    text = _ZERO_WIDTH_RE.sub("", text).translate(_FULLWIDTH_ALNUM)
    return _PUNCT_SPACE_RE.sub("", _SPACES_RE.sub(" ", text)).strip()


def collapse_ws(text: str) -> str:
    """Whitespace runs (newlines included) to one space, or to nothing between two wide chars.

    For text whose line breaks were not meaningful (HTML source, docx runs): a break inside a
    Chinese sentence must not leave a space behind.
    """
    text = _ZERO_WIDTH_RE.sub("", text).translate(_FULLWIDTH_ALNUM)

    def fix(match: re.Match[str]) -> str:
        before = text[match.start() - 1] if match.start() else ""
        after = text[match.end()] if match.end() < len(text) else ""
        if "\n" in match.group() and before and after and is_wide(before) and is_wide(after):
            return ""
        return " "

    return re.sub(r"\s+", fix, text).strip()


def ends_sentence(text: str) -> bool:
    """Does the text end a sentence (ignoring closing quotes, brackets and footnote markers)?"""
    text = MARKER_RE.sub("", text[-40:]).rstrip().rstrip(_CLOSERS + " *＊")
    return bool(text) and (text[-1] in TERMINALS or text[-1] == ".")


def join_lines(left: str, right: str, words: Collection[str] | None = None) -> str:
    """Join two pieces of one paragraph that a line break separated.

    English hyphenation is undone ('coope-' + 'ration'), Latin words get a space, and nothing
    is inserted next to a CJK character or full-width punctuation. With ``words`` (the lower-case
    words and hyphenated compounds the document uses elsewhere) a line-end hyphen is kept when
    it was meant: the compound is attested, or another compound of its first part ('ci-dessous'
    after 'ci-dessus'), or both parts are words ('well-known', 'co-operation'), and the joined
    form is not; the joined form attested always joins.
    """
    if not left:
        return right
    if not right:
        return left
    if left[-1] == "-" and left[-2:-1].isascii() and left[-2:-1].isalpha() and "a" <= right[0] <= "z":
        if words is None:
            return left[:-1] + right
        head = re.search(r"[A-Za-z]+-$", left).group()[:-1].lower()
        tail = re.match(r"[a-z]+", right).group()
        if f"{head}{tail}" not in words and (
                f"{head}-{tail}" in words
                or f"{head}-" in words
                or (tail in words and (head in words or head in ("co", "ci", "non", "self", "quasi")))):
            return left + right
        return left[:-1] + right
    if is_wide(left[-1]) or is_wide(right[0]):
        return left + right
    if left.endswith(("/", "-")) and not left.endswith(" -"):
        return left + right
    return left + " " + right


def fix_english_punct(text: str) -> str:
    """In a paragraph without CJK, map IME punctuation to ASCII ('governance．It' -> '. It').

    Only characters that were typed full-width change, so 'doi.org' or '2.1' are left alone.
    """
    if CJK_RE.search(text):
        return text
    text = re.sub(r"\s*－\s*", "-", text)
    table = {"．": ".", "，": ",", "：": ":", "；": ";", "（": "(", "）": ")", "？": "?", "！": "!"}

    def repl(match: re.Match[str]) -> str:
        char = table[match.group(1)]
        following = match.group(2)
        if char in "()":
            return char + following
        return char + (" " if following and not following.isspace() else "") + following

    text = re.sub(r"([．，：；（）？！])(.?)", repl, text)
    return re.sub(r" {2,}", " ", text).strip()


def strip_markers(text: str) -> tuple[str, list[tuple[str, int]]]:
    """Remove footnote markers; return the text and (marker, offset in the new text) pairs.

    A marker takes its surrounding spaces with it unless Latin words sit on both sides
    ('问题 [2] ，可以' -> '问题，可以'; 'cooperation [3] between' -> 'cooperation between').
    """
    out = ""
    markers: list[tuple[str, int]] = []
    pos = 0
    for match in MARKER_RE.finditer(text):
        out = (out + text[pos:match.start()]).rstrip(" ")
        end = match.end()
        while end < len(text) and text[end] == " ":
            end += 1
        before, after = out[-1:], text[end:end + 1]
        markers.append((match.group().lstrip("^"), len(out)))
        if before and after and not is_wide(before) and not is_wide(after) and after not in ".,;:!?)]":
            out += " "
        pos = end
    return out + text[pos:], markers


def split_leading_marker(text: str) -> tuple[str, str]:
    """'① Rafael …' -> ('①', 'Rafael …'); ('', text) when the text does not start with a marker."""
    match = _LEADING_MARKER_RE.match(text)
    if not match:
        return "", text
    marker = match.group(1).lstrip("^").replace("＊", "*")
    return marker, text[match.end():]


def marker_key(marker: str) -> str:
    """Markers that refer to the same note compare equal: '［1］' == '[1]', '＊' == '*'."""
    return marker.lstrip("^").replace("［", "[").replace("］", "]").replace("＊", "*").replace(" ", "")



#: ANSI terminal escapes (colour ``ESC[31m``, cursor moves, titles) as copied from a terminal.
_ANSI_RE = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|[@-Z\\-_])")
_CONTROLS = "\x00-\x08\x0e-\x1f\x7f-\x9f"  # C0 and C1 controls but tab, newlines, form feed, vertical tab
_SURROGATES = "\ud800-\udfff"
#: U+FDD0-FDEF and the last two code points of every plane (U+FFFE, U+FFFF, U+1FFFE ...).
_NONCHARACTERS = "\ufdd0-\ufdef" + "".join(chr(plane * 0x10000 + 0xFFFE) + chr(plane * 0x10000 + 0xFFFF)
                                            for plane in range(17))
#: Removed by :func:`scrub`, in this order (an escape's ESC is a control character too).
NOT_TEXT: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("ANSI escape", _ANSI_RE),
    ("control character", re.compile(f"[{_CONTROLS}]")),
    ("lone surrogate", re.compile(f"[{_SURROGATES}]")),
    ("noncharacter", re.compile(f"[{_NONCHARACTERS}]")),
)
_ANY_NOT_TEXT_RE = re.compile(f"[{_CONTROLS}{_SURROGATES}{_NONCHARACTERS}]")


def scrub(text: str) -> tuple[str, Counter[str]]:
    """Remove what no writer can store and no author meant: ANSI escapes, controls and NULs,
    lone surrogates, U+FFFE/U+FFFF and other noncharacters; form feed and vertical tab become
    spaces. Returns the clean text and how many of each kind went (empty when none).

    Readers call it before any offset exists, so every offset indexes the clean text.
    """
    text = text.replace("\f", " ").replace("\v", " ")
    removed: Counter[str] = Counter()
    if _ANY_NOT_TEXT_RE.search(text) is None:
        return text, removed
    for kind, pattern in NOT_TEXT:
        text, count = pattern.subn("", text)
        if count:
            removed[kind] += count
    return text, removed


def scrub_parsed(parsed: Parsed, path: object) -> None:
    """:func:`scrub` every block and metadata field of what a reader found, in place; one
    W012 warning says what went. Called once in ``read_document``, before offsets exist."""
    removed: Counter[str] = Counter()

    def clean(value: str) -> str:
        value, counts = scrub(value)
        removed.update(counts)
        return value

    for block in parsed.blocks:
        block.text = clean(block.text)
    meta = parsed.meta
    meta.title, meta.abstract, meta.doi, meta.journal = (clean(meta.title), clean(meta.abstract),
                                                         clean(meta.doi), clean(meta.journal))
    meta.authors = [clean(a) for a in meta.authors]
    meta.keywords = [clean(k) for k in meta.keywords]
    meta.extra = {clean(k): clean(v) for k, v in meta.extra.items()}
    parsed.warnings.extend(removed_warnings(path, removed))


def removed_warnings(path: object, removed: Counter[str]) -> list[str]:
    """The W012 warning for what :func:`scrub` removed, or none."""
    if not removed:
        return []
    kinds = ", ".join(f"{removed[kind]} {kind}" for kind, _ in NOT_TEXT if removed[kind])
    return [Warnings.W012.format(path=path, count=sum(removed.values()), kinds=kinds)]


def check_length(path: object, chars: int, limit: int) -> None:
    """E064 when a document's text is longer than ``limit`` characters (``max_chars``)."""
    if chars > limit:
        raise IrtagError(Errors.E064.format(path=path, chars=chars, limit=limit))

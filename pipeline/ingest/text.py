"""Plain text and markdown (.txt / .md): encoding detection, markdown and WeChat clean-up.

Text files in this corpus are PDF-to-text or WeChat-to-markdown conversions saved in whatever
encoding the tool used. Decoding never guesses silently: a strict decode in UTF-8 (BOM or not)
or UTF-16 (BOM) first, then charset-normalizer restricted to the Chinese encodings, and the
result must look like text; otherwise the file is rejected rather than read as mojibake.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from pathlib import Path
from typing import NamedTuple

import yaml

from pipeline.document import Metadata
from pipeline.errors import Errors, IrtagError, Warnings
from pipeline.ingest import clean, metadata
from pipeline.ingest.layout import Line, reflow
from pipeline.ingest.structure import Parsed

#: Legacy encodings the detector chooses among when the bytes are not UTF-8/16/32 (charset-
#: normalizer scores each on the text it yields; in order of preference on a tie, which a
#: line or two of Chinese, Japanese or Korean often is: Chinese first, for this corpus).
CANDIDATE_ENCODINGS = ("gb18030", "big5", "shift_jis", "euc_jp", "euc_kr", "cp1252", "latin_1")
#: Single-byte Latin encodings decode any bytes: their text must be mostly ASCII to be believed.
LATIN_ENCODINGS = ("cp1252", "latin_1")
LATIN_MAX_NON_ASCII = 0.15
#: Highest charset-normalizer "chaos" (its share of odd character sequences) believed: real
#: text in the right encoding scores under 0.05; stray bytes in ASCII read as cp1252, about 0.18.
MAX_CHAOS = 0.15
#: Encodings read from a byte-order mark, and those that need no warning.
_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF8, "utf-8-sig"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
UNREMARKABLE = ("utf-8", "utf-8-sig", "utf-16", "utf-32")
_SAMPLE = 65536

_FRONT_MATTER_RE = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(?:\r?\n|\Z)", re.DOTALL)
_IMAGE_RE = re.compile(r"!\[[^\]\n]*\]\([^)\n]*\)")
_PLACEHOLDER_RE = re.compile(r"\[(?:image|bookmark|figure):[^\]\n]*\]", re.IGNORECASE)
_HTML_TAG_RE = re.compile(
    r"</?(?:img|span|p|div|br|hr|a|strong|em|b|i|u|s|section|font|sup|sub|table|thead|tbody|tr|td|th|ul|ol|li"
    r"|h[1-6]|blockquote|figure|figcaption|iframe|video|audio|svg|center|mp-[\w-]+)\b[^<>]*?/?>",
    re.DOTALL | re.IGNORECASE)
_AUTOLINK_RE = re.compile(r"<((?:https?|ftp)://[^>\s]+)>")
_LINK_RE = re.compile(r"\[([^\]\n]*)\]\((?:[^()\n]|\([^()\n]*\))*\)")
_ITALIC_RE = re.compile(r"(?<![*\w])\*(?![\s*])([^*\n]+?)(?<![\s*])\*(?![*\w])")
_ESCAPE_RE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|])")
_BOLD_ONLY_RE = re.compile(r"^\s*(?:\*\*|__)\s*(.+?)\s*(?:\*\*|__)\s*$")
_MD_HEADING_RE = re.compile(r"^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$")
_TABLE_RULE_RE = re.compile(r"^[\s|_:\-]*$")


def read(path: Path, data: bytes, *, max_chars: int | None = None) -> Parsed:
    """Decode, strip markdown/WeChat syntax when present, and reflow lines into paragraphs."""
    decoded = decode(data, path)
    text, removed = clean.scrub(decoded.text)  # before YAML front matter, which refuses controls
    if max_chars is not None:
        clean.check_length(path, len(text), max_chars)  # before the reflow, which is the costly part
    meta = Metadata()
    match = _FRONT_MATTER_RE.match(text)
    is_md = path.suffix.lower() == ".md" or bool(match) or looks_like_markdown(text)
    if match:
        meta = front_matter(match.group(1))
        text = text[match.end():]
    meta.extra["encoding"] = decoded.encoding
    lines = markdown_lines(text) if is_md else [Line(t) for t in clean_inline(text).split("\n")]
    blocks = reflow(lines, wrapped=False if is_md else None)
    return Parsed(format="md" if is_md else "txt", blocks=blocks, meta=meta,
                  warnings=decoded.warnings + clean.removed_warnings(path, removed))


class Decoded(NamedTuple):
    text: str
    encoding: str  # as Python names it; 'utf-8+gb18030' when lines were decoded one by one
    warnings: list[str]


def decode(data: bytes, path: Path | str) -> Decoded:
    """The text, the encoding it was decoded from and a warning where that was not plain UTF-8.

    In order: a byte-order mark; UTF-16/32 by where the NUL bytes fall; UTF-16 without NULs
    (Chinese) when nearly every character it yields is text, where the bytes are not UTF-8 or
    look binary; binary (over 5 % control bytes); UTF-8 (lone surrogates allowed,
    :func:`clean.scrub` removes them); UTF-8 lines mixed with legacy lines; then the legacy
    ``CANDIDATE_ENCODINGS``. Raises E005 for binary data, E004 when no candidate
    decodes strictly to plausible text, E002 when the text is only whitespace.
    """
    for bom, name in _BOMS:
        if data.startswith(bom):
            try:
                return _result(data.decode(name).lstrip("\ufeff"), name, path)
            except UnicodeDecodeError as err:
                raise IrtagError(Errors.E004.format(path=path, reason=f"invalid {name}: {err.reason}")) from None
    wide = _wide_by_nuls(data)
    text = _strict(data, wide) if wide else None
    if text is not None:
        return _result(text, wide, path)
    utf8 = _strict(data, "utf-8", "surrogatepass")
    binary_like = _control_share(data) > 0.05
    if utf8 is None or binary_like:  # Chinese UTF-16 has no NULs, but ~5 % bytes below 32
        for name in ("utf-16-le", "utf-16-be"):
            text = _strict(data, name) if len(data) % 2 == 0 else None
            if text is not None and _mostly_text(text):
                return _result(text, name, path)
    if binary_like:
        raise IrtagError(Errors.E005.format(path=path))
    if utf8 is not None:
        return _result(utf8, "utf-8", path)
    mixed = _by_line(data, path)
    if mixed is not None:
        return mixed
    name, text, tried = _legacy(data)
    if text is None:
        reason = "not UTF-8" + (f"; {', '.join(tried)} gave no plausible text" if tried else
                                ", UTF-16 or a known legacy encoding")
        raise IrtagError(Errors.E004.format(path=path, reason=reason))
    return _result(text, name, path)


def _result(text: str, encoding: str, path: Path | str) -> Decoded:
    warnings = [] if encoding in UNREMARKABLE else [Warnings.W001.format(path=path, encoding=encoding)]
    return Decoded(_checked(text, path), encoding, warnings)


def _strict(data: bytes, encoding: str, errors: str = "strict") -> str | None:
    try:
        return data.decode(encoding, errors)
    except UnicodeDecodeError:
        return None


def _wide_by_nuls(data: bytes) -> str:
    """'utf-16-le' / -be or 'utf-32-le' / -be when NUL bytes fall where ASCII or BMP text in
    that encoding puts them (every other byte; two or three of every four), else ''."""
    sample = data[:_SAMPLE - _SAMPLE % 4]
    if sample.count(0) < len(sample) // 8:
        return ""
    share = [sample[i::4].count(0) / max(1, len(sample[i::4])) for i in range(4)]
    if len(data) % 4 == 0 and min(share[2], share[3]) > 0.9 and share[0] < 0.5:
        return "utf-32-le"
    if len(data) % 4 == 0 and min(share[0], share[1]) > 0.9 and share[3] < 0.5:
        return "utf-32-be"
    odd, even = (share[1] + share[3]) / 2, (share[0] + share[2]) / 2
    if len(data) % 2 == 0 and odd > 0.3 and even < 0.05:
        return "utf-16-le"
    if len(data) % 2 == 0 and even > 0.3 and odd < 0.05:
        return "utf-16-be"
    return ""


def _mostly_text(text: str) -> bool:
    """Nearly all ideographs, kana, hangul, CJK punctuation or printable ASCII: what UTF-16
    text yields and other bytes read as UTF-16 do not."""
    sample = text[:_SAMPLE]
    good = sum(1 for c in sample if c.isascii() and (c.isprintable() or c in "\t\n\r")
               or "\u3000" <= c <= "\u30ff" or "\u3400" <= c <= "\u9fff" or "\uac00" <= c <= "\ud7a3"
               or "\uff00" <= c <= "\uffef")
    return good >= 0.95 * len(sample)


def _by_line(data: bytes, path: Path | str) -> Decoded | None:
    """A file whose lines mix UTF-8 and one legacy encoding (concatenated or edited files):
    each line in UTF-8 where it is valid, the others in the encoding detected on them.

    A line valid in both is UTF-8 next to a Latin encoding (Latin text is almost never valid
    UTF-8), but next to a CJK encoding only when it holds a three-byte character: a short GB18030
    line can be valid UTF-8 by chance, yielding two-byte Latin/Cyrillic letters.
    """
    lines = data.splitlines(keepends=True)
    name, _, _ = _legacy(b"".join(line for line in lines if _strict(line, "utf-8") is None))
    if name is None:
        return None
    parts: list[str] = []
    utf8 = other = 0
    for line in lines:
        as_utf8, as_legacy = _strict(line, "utf-8"), _strict(line, name)
        if as_utf8 is not None and (line.isascii() or as_legacy is None or name in LATIN_ENCODINGS
                                    or max(as_utf8) >= "\u0800"):
            parts.append(as_utf8)
            utf8 += not line.isascii()
        elif as_legacy is not None:
            parts.append(as_legacy)
            other += 1
        else:
            return None
    if not utf8:
        return None
    warning = Warnings.W010.format(path=path, utf8=utf8, other=other, encoding=name)
    return Decoded(_checked("".join(parts), path), f"utf-8+{name}", [warning])


def _legacy(data: bytes) -> tuple[str | None, str | None, list[str]]:
    """The best of ``CANDIDATE_ENCODINGS`` by charset-normalizer whose text is plausible:
    (name, text, names tried); (None, None, tried) when none is."""
    from charset_normalizer import from_bytes

    tried: list[str] = []
    # on a tie (short texts score 0 in several CJK encodings) the earlier candidate wins
    matches = sorted(from_bytes(data, cp_isolation=list(CANDIDATE_ENCODINGS)),
                     key=lambda m: (m.chaos, -m.coherence, CANDIDATE_ENCODINGS.index(m.encoding)))
    for match in matches:
        tried.append(match.encoding)
        text = _strict(data, match.encoding) if match.chaos <= MAX_CHAOS else None
        if text is None or not _plausible(text):
            continue
        if match.encoding in LATIN_ENCODINGS and _non_ascii_share(text) > LATIN_MAX_NON_ASCII:
            continue
        return match.encoding, text, tried
    return None, None, tried


def _non_ascii_share(text: str) -> float:
    sample = "".join(text[:_SAMPLE].split())
    return sum(1 for c in sample if not c.isascii()) / max(1, len(sample))


def _checked(text: str, path: Path | str) -> str:
    if not text.strip():
        raise IrtagError(Errors.E002.format(path=path))
    if not _plausible(text):
        raise IrtagError(Errors.E005.format(path=path))
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _control_share(data: bytes) -> float:
    sample = data[:_SAMPLE]
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13, 27))
    return controls / max(1, len(sample))


def _plausible(text: str) -> bool:
    """Few unassigned or private-use characters: decoded text, not noise. Controls, lone
    surrogates and noncharacters (U+FFFF …) are not counted: binary was refused on its control bytes already, and
    :func:`clean.scrub` removes the few that text holds."""
    sample = text[:_SAMPLE]
    bad = sum(1 for c in sample if unicodedata.category(c) == "Co" or c == "\ufffd"
              or (unicodedata.category(c) == "Cn" and not 0xFDD0 <= ord(c) <= 0xFDEF and ord(c) & 0xFFFE != 0xFFFE))
    return bad <= 0.01 * max(1, len(sample))


def looks_like_markdown(text: str) -> bool:
    """Markdown by content: images, bold runs, '#' headings and links."""
    sample = text[:200000]
    score = (sample.count("![") + sample.count("**") // 2 + len(re.findall(r"(?m)^#{1,6} ", sample))
             + len(re.findall(r"\]\((?:https?:|javascript:|/)", sample)))
    return score >= 5


def front_matter(block: str) -> Metadata:
    """YAML front matter (title, author, date, tags) as Metadata; unparsable YAML is ignored."""
    try:
        data = yaml.safe_load(block) or {}
    except yaml.YAMLError:
        data = {}
    if not isinstance(data, dict):
        return Metadata()
    meta = Metadata(title=str(data.get("title") or "").strip(), year=metadata.year_of(data.get("date")))
    author = data.get("author") or data.get("authors")
    if author:
        meta.authors = [str(a) for a in author] if isinstance(author, list) else metadata.split_authors(str(author))
    tags = data.get("tags") or data.get("keywords")
    if isinstance(tags, list):
        meta.keywords = [str(t) for t in tags]
    elif tags:
        meta.keywords = metadata.split_keywords(str(tags))
    if data.get("date"):
        meta.extra["date"] = str(data["date"])
    return meta


def clean_inline(text: str) -> str:
    """Syntax that is never content: images, HTML tags, link targets, escapes, emphasis."""
    text = _IMAGE_RE.sub("", text)
    text = _PLACEHOLDER_RE.sub("", text)
    text = _AUTOLINK_RE.sub(r"\1", text)
    text = _HTML_TAG_RE.sub("", text)
    text = _LINK_RE.sub(r"\1", text)
    if len(_ITALIC_RE.findall(text)) >= 3:
        text = _ITALIC_RE.sub(r"\1", text)
    return _ESCAPE_RE.sub(r"\1", text)


def markdown_lines(text: str) -> list[Line]:
    """Markdown to lines: bold-only short lines and '#' lines become preset headings."""
    text = re.sub(r"[ \t]*\n[ \t]*(\*\*|__)[ \t]*(?=\n|\Z)", r"\1", text)  # '**' left alone on a line
    lines: list[Line] = []
    for raw in clean_inline(text).split("\n"):
        if _TABLE_RULE_RE.match(raw):
            lines.append(Line(""))
            continue
        raw = raw.strip().strip("|").strip()
        heading = _MD_HEADING_RE.match(raw)
        bold = _BOLD_ONLY_RE.match(raw)
        plain = re.sub(r"\*\*|__", "", raw).strip()
        plain = re.sub(r"^_+|_+$", "", plain).strip()
        if heading:
            lines.append(Line(re.sub(r"\*\*|__", "", heading.group(1)), role="heading"))
        elif bold and "**" not in bold.group(1) and len(plain) <= 40 and not plain.endswith(
                ("。", "！", "？", "：", ":", "；", ".")):
            lines.append(Line(plain, role="heading"))
        else:
            lines.append(Line(plain))
    return lines

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

import yaml

from pipeline.document import Metadata
from pipeline.errors import Errors, IrtagError, Warnings
from pipeline.ingest import metadata
from pipeline.ingest.layout import Line, reflow
from pipeline.ingest.structure import Parsed

#: Encodings tried by charset-normalizer after UTF-8, in order of preference.
CANDIDATE_ENCODINGS = ("gb18030", "gbk", "big5")

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


def read(path: Path, data: bytes) -> Parsed:
    """Decode, strip markdown/WeChat syntax when present, and reflow lines into paragraphs."""
    text, encoding = decode(data, path)
    warnings = [] if encoding.startswith("utf") else [Warnings.W001.format(path=path, encoding=encoding)]
    meta = Metadata()
    match = _FRONT_MATTER_RE.match(text)
    is_md = path.suffix.lower() == ".md" or bool(match) or looks_like_markdown(text)
    if match:
        meta = front_matter(match.group(1))
        text = text[match.end():]
    lines = markdown_lines(text) if is_md else [Line(t) for t in clean_inline(text).split("\n")]
    blocks = reflow(lines, wrapped=False if is_md else None)
    return Parsed(format="md" if is_md else "txt", blocks=blocks, meta=meta, warnings=warnings)


def decode(data: bytes, path: Path | str) -> tuple[str, str]:
    """The text and the name of the encoding it was decoded from.

    Raises E005 for binary data, E004 when no candidate encoding decodes strictly to
    plausible text, E002 when the decoded text is only whitespace.
    """
    for bom, name in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                      (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            try:
                return _checked(data.decode(name).lstrip("\ufeff"), path), name
            except UnicodeDecodeError as err:
                raise IrtagError(Errors.E004.format(path=path, reason=f"invalid {name}: {err.reason}")) from None
    if b"\x00" in data or _control_share(data) > 0.05:
        raise IrtagError(Errors.E005.format(path=path))
    try:
        return _checked(data.decode("utf-8"), path), "utf-8"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    tried: list[str] = []
    for match in from_bytes(data, cp_isolation=list(CANDIDATE_ENCODINGS)):
        tried.append(match.encoding)
        try:
            text = data.decode(match.encoding)
        except (UnicodeDecodeError, LookupError):
            continue
        if _plausible(text):
            return _checked(text, path), match.encoding
    reason = "not UTF-8" + (f"; {', '.join(tried)} gave no plausible text" if tried else
                            ", GB18030 or Big5")
    raise IrtagError(Errors.E004.format(path=path, reason=reason))


def _checked(text: str, path: Path | str) -> str:
    if not text.strip():
        raise IrtagError(Errors.E002.format(path=path))
    if not _plausible(text):
        raise IrtagError(Errors.E005.format(path=path))
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _control_share(data: bytes) -> float:
    sample = data[:65536]
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13, 27))
    return controls / max(1, len(sample))


def _plausible(text: str) -> bool:
    """Few unassigned, private-use or control characters: decoded text, not noise."""
    sample = text[:65536]
    bad = sum(1 for c in sample if unicodedata.category(c) in ("Co", "Cn", "Cs")
              or (unicodedata.category(c) == "Cc" and c not in "\t\n\r\f\x1b") or c == "\ufffd")
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

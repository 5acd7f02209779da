"""HTML (saved web pages, WeChat articles): BeautifulSoup with lxml.

Scripts, navigation, images and WeChat share/tipping widgets are dropped before any text is
read; citation_* / Dublin Core / Open Graph meta tags give the metadata; h1-h6 become
headings and p / li / blockquote (and leaf div/section containers) become paragraphs.
A declared charset is believed only where the bytes are valid in it.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from pipeline.document import Metadata
from pipeline.errors import Errors, IrtagError, Warnings
from pipeline.ingest import clean, metadata, text
from pipeline.ingest.layout import Block
from pipeline.ingest.structure import Parsed

DROP_TAGS = ("script", "style", "noscript", "nav", "footer", "img", "svg", "iframe", "form", "button",
             "template", "head", "picture", "video", "audio", "canvas", "select", "input")
#: id/class fragments of share, tipping and QR-code widgets (WeChat's reward_area, js_pc_qr_code…).
FURNITURE_ATTR_RE = re.compile(r"reward|share|qr_?code|js_pc_qr|(?:^|[_-])tips?(?:[_-]|$)|donate|sidebar|comment"
                               r"|related|advert|cookie", re.IGNORECASE)
BLOCK_TAGS = ("h1", "h2", "h3", "h4", "h5", "h6", "p", "li", "blockquote", "pre", "td", "th", "dt", "dd",
              "figcaption", "caption")
CONTAINER_TAGS = ("div", "section", "article", "main", "body")


#: WHATWG's reading of legacy labels: browsers decode 'gb2312' as GB18030 and 'iso-8859-1' as cp1252.
_SUPERSETS = {"gb2312": "gb18030", "gbk": "gb18030", "iso8859-1": "cp1252", "latin-1": "cp1252",
              "ascii": "cp1252", "iso8859-9": "cp1254"}
_CHARSET_RE = re.compile(rb"""<meta[^>]*?charset\s*=\s*["']?\s*([\w.:-]+)|<\?xml[^>]*?encoding\s*=\s*["']([\w.:-]+)""",
                         re.IGNORECASE)


def read(path: Path, data: bytes, *, max_depth: int = 1000) -> Parsed:
    """Decode (declared charset checked against the bytes), parse, and take the paragraphs.

    Raises E060 when elements nest more than ``max_depth`` deep: every step below is linear in
    the number of elements, but no real page nests that deep and the limit bounds the work.
    """
    from bs4 import BeautifulSoup

    decoded = _decode(data, path)
    markup, removed = clean.scrub(decoded.text)  # lxml refuses NULs and lone surrogates
    soup = BeautifulSoup(markup, "lxml")
    if _deeper_than(soup, max_depth):
        raise IrtagError(Errors.E060.format(path=path, limit=max_depth))
    meta = _metadata(soup)
    meta.extra["encoding"] = decoded.encoding
    for tag in soup.find_all(DROP_TAGS):
        tag.decompose()
    for tag in soup.find_all(True):
        if tag.decomposed:
            continue
        attrs = " ".join([tag.get("id") or ""] + list(tag.get("class") or []))
        if attrs.strip() and FURNITURE_ATTR_RE.search(attrs):
            tag.decompose()
    for br in soup.find_all("br"):
        br.replace_with("\n")
    blocks: list[Block] = []
    for tag in _paragraph_tags(soup.body or soup):
        text = clean.collapse_ws(tag.get_text(""))
        if not text:
            continue
        role = "text"
        if tag.name in ("h1", "h2", "h3", "h4", "h5", "h6"):
            role = "title" if meta.title and _same(text, meta.title) else "heading"
        elif tag.name in ("td", "th"):
            role = "table"
        blocks.append(Block(text, role))
    if not meta.title:
        first = next((b for b in blocks if b.role == "heading"), None)
        if first is not None:
            first.role = "title"
    return Parsed(format="html", blocks=blocks, meta=meta,
                  warnings=decoded.warnings + clean.removed_warnings(path, removed))


def _decode(data: bytes, path: Path) -> text.Decoded:
    """The declared charset when the bytes are valid in it; otherwise (a page declared UTF-8
    but saved as cp1252, say) what :func:`text.decode` detects, with a W011 warning."""
    match = _CHARSET_RE.search(data[:4096])
    if match is None or data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return text.decode(data, path)
    declared = (match.group(1) or match.group(2)).decode("ascii").lower()
    try:
        codec = codecs.lookup(declared).name
    except LookupError:
        return text.decode(data, path)
    codec = _SUPERSETS.get(codec, codec)
    try:  # lone surrogates in UTF-8 are kept for scrub to remove and report
        return text.Decoded(data.decode(codec, "surrogatepass" if codec == "utf-8" else "strict"), codec, [])
    except UnicodeDecodeError:
        detected = text.decode(data, path)
        warning = Warnings.W011.format(path=path, declared=declared, encoding=detected.encoding)
        return text.Decoded(detected.text, detected.encoding, [warning])


def _deeper_than(soup, limit: int) -> bool:
    """Does any element nest more than ``limit`` deep? One pass in document order."""
    depth: dict[int, int] = {id(soup): 0}
    for tag in soup.find_all(True):
        level = depth[id(tag.parent)] + 1
        if level > limit:
            return True
        depth[id(tag)] = level
    return False


def _paragraph_tags(root) -> list:
    """The outermost ``BLOCK_TAGS`` and the ``CONTAINER_TAGS`` holding neither, in document
    order. Linear: which tags hold a block or container is decided children first, once, rather
    than by searching each tag's ancestors or subtree (quadratic in the depth)."""
    from bs4 import Tag

    holds: set[int] = set()
    for tag in reversed(root.find_all(True)):  # descendants before their ancestors
        if tag.name in BLOCK_TAGS or tag.name in CONTAINER_TAGS or id(tag) in holds:
            holds.add(id(tag.parent))
    found = []
    stack = [child for child in reversed(root.contents) if isinstance(child, Tag)]
    while stack:
        tag = stack.pop()
        if tag.name in BLOCK_TAGS or (tag.name in CONTAINER_TAGS and id(tag) not in holds):
            found.append(tag)
        else:
            stack.extend(child for child in reversed(tag.contents) if isinstance(child, Tag))
    return found


def _same(a: str, b: str) -> bool:
    a, b = re.sub(r"\s+", "", a), re.sub(r"\s+", "", b)
    return bool(a) and (a == b or (len(a) >= 6 and (a in b or b in a)))


def _metadata(soup) -> Metadata:
    """citation_* (Highwire), dc.* / DC.* and og: meta tags; <title> and <h1> for the title."""
    values: dict[str, list[str]] = {}
    for tag in soup.find_all("meta"):
        name = (tag.get("name") or tag.get("property") or "").strip().lower()
        content = (tag.get("content") or "").strip()
        if name and content:
            values.setdefault(name, []).append(clean.collapse_ws(content))

    def first(*names: str) -> str:
        return next((values[n][0] for n in names if values.get(n)), "")

    title = first("citation_title", "dc.title", "og:title")
    if not title and soup.title and soup.title.string:
        title = clean.collapse_ws(soup.title.string)
    if not title:
        h1 = soup.find("h1")
        title = clean.collapse_ws(h1.get_text("")) if h1 else ""
    authors = values.get("citation_author") or values.get("dc.creator") or []
    if not authors and first("author"):
        authors = metadata.split_authors(first("author"))
    keywords_raw = first("citation_keywords", "dc.subject", "keywords")
    date = first("citation_publication_date", "citation_date", "dc.date", "article:published_time")
    doi = metadata.find_doi(first("citation_doi", "dc.identifier", "prism.doi") or "")
    return Metadata(
        title=title,
        authors=authors,
        abstract=first("citation_abstract", "dc.description"),
        keywords=metadata.split_keywords(keywords_raw) if keywords_raw else [],
        doi=doi,
        journal=first("citation_journal_title", "dc.source", "prism.publicationname"),
        year=metadata.year_of(date),
    )

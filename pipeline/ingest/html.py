"""HTML (saved web pages, WeChat articles): BeautifulSoup with lxml.

Scripts, navigation, images and WeChat share/tipping widgets are dropped before any text is
read; citation_* / Dublin Core / Open Graph meta tags give the metadata; h1-h6 become
headings and p / li / blockquote (and leaf div/section containers) become paragraphs.
"""

from __future__ import annotations

import re
from pathlib import Path

from pipeline.document import Metadata
from pipeline.ingest import clean, metadata
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


def read(path: Path, data: bytes) -> Parsed:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(data, "lxml")
    meta = _metadata(soup)
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
    root = soup.body or soup
    for tag in root.find_all(BLOCK_TAGS + CONTAINER_TAGS):
        if tag.find_parent(BLOCK_TAGS):
            continue
        if tag.name in CONTAINER_TAGS and tag.find(BLOCK_TAGS + CONTAINER_TAGS):
            continue
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
    return Parsed(format="html", blocks=blocks, meta=meta)


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

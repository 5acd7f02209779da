"""One bibliographic record, whatever export it came from, and the metadata every reader builds.

Each format module turns its export into :class:`Record` objects with :func:`build_meta`, so
every record carries the same metadata keys whatever wrote it (see ``EXTRA_KEYS``).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any, Iterable

from pipeline.document import Metadata, content_id
from pipeline.ingest import metadata

#: Keys a record may set in ``Metadata.extra`` (only those with a value are set).
EXTRA_KEYS = ("volume", "issue", "pages", "url", "language", "database", "db_id", "record_type",
              "export_format", "record", "sources", "fulltext")

#: Language names in exports -> the codes documents use; others are kept as written.
_LANGUAGES = {"english": "en", "en": "en", "eng": "en", "chinese": "zh", "中文": "zh", "zh": "zh",
              "zh-cn": "zh", "zh-hans": "zh", "chi": "zh", "zho": "zh", "汉语": "zh"}


@dataclass
class Record:
    """A record as read: its position, the fields as the parser gave them, and its metadata.

    ``fields`` is what the record's id is computed from; ``problem`` is non-empty when the
    record is malformed and is skipped with a warning.
    """

    number: int
    fields: Any
    meta: Metadata = field(default_factory=Metadata)
    attachments: list[str] = field(default_factory=list)
    problem: str = ""


def record_id(record: Record) -> str:
    """A hash of the record's parsed fields: stable when the same record is exported again
    (alone or among others, in any order), independent of the file's name or position."""
    canonical = json.dumps(record.fields, sort_keys=True, ensure_ascii=False, default=str)
    return content_id(canonical.encode("utf-8"))


def clean_text(value: Any) -> str:
    """One line of text: whitespace runs (line breaks of wrapped tags) become one space,
    except around Chinese characters, where they are dropped."""
    text = re.sub(r"\s+", " ", str(value or "")).strip()
    return re.sub(r"(?<=[\u3000-\u9fff\uff00-\uffef]) (?=[\u3000-\u9fff\uff00-\uffef])", "", text)


def clean_paragraphs(value: Any) -> str:
    """An abstract: paragraphs (blank-line or line-break separated) kept, each on one line."""
    parts = re.split(r"\n\s*\n", str(value or "").replace("\r\n", "\n"))
    return "\n".join(p for p in (clean_text(part) for part in parts) if p)


def split_list(value: Any) -> list[str]:
    """Keywords as a list, from a list or from 'a; b' / 'a；b' / 'a, b' / 'a，b'."""
    items = value if isinstance(value, (list, tuple)) else re.split(r"[;；]", str(value or ""))
    if not isinstance(value, (list, tuple)) and len(items) == 1:
        items = re.split(r"[,，、]", items[0])
    seen: dict[str, None] = {}
    for item in items:
        text = clean_text(item).strip(" .。")
        if text:
            seen.setdefault(text)
    return list(seen)


def names(value: Any) -> list[str]:
    """Authors from a list (one name each, as RIS and WoS give them) or one joined string."""
    if isinstance(value, (list, tuple)):
        return [name for item in value for name in names(item)]
    text = clean_text(value)
    return metadata.split_authors(text) if text else []


def pages_of(start: Any = "", end: Any = "") -> str:
    start, end = clean_text(start), clean_text(end)
    return f"{start}-{end}" if start and end and end != start else start or end


def language_of(value: Any) -> str:
    """'English' / 'en-US' / '中文;' -> 'en' / 'en' / 'zh'; an unknown language as written."""
    text = clean_text(value).strip(";；").strip()
    return _LANGUAGES.get(text.lower(), _LANGUAGES.get(re.split(r"[-_]", text.lower())[0], text))


def build_meta(export_format: str, number: int, *, title: Any = "", authors: Any = (), abstract: Any = "",
               keywords: Any = (), doi: Any = "", journal: Any = "", year: Any = None, volume: Any = "",
               issue: Any = "", pages: Any = "", url: Any = "", language: Any = "", database: Any = "",
               db_id: Any = "", record_type: Any = "") -> Metadata:
    """Metadata with the same normalisation for every format: one-line title and journal, the
    bare DOI (no resolver prefix), the year as a number, and only non-empty extras."""
    extra = {"volume": clean_text(volume), "issue": clean_text(issue), "pages": clean_text(pages),
             "url": clean_text(_first(url)), "language": language_of(language), "database": clean_text(database),
             "db_id": clean_text(db_id), "record_type": clean_text(record_type),
             "export_format": export_format, "record": str(number)}
    return Metadata(
        title=clean_text(title), authors=names(authors), abstract=clean_paragraphs(abstract),
        keywords=split_list(keywords), doi=metadata.find_doi(clean_text(doi)), journal=clean_text(journal),
        year=metadata.year_of(year), extra={k: v for k, v in extra.items() if v},
    )


def _first(value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        return next((v for v in value if v), "")
    return value


def attachment_paths(values: Iterable[Any]) -> list[str]:
    """File attachments as paths: 'file://' URIs decoded, empties dropped, order kept."""
    from urllib.parse import unquote, urlparse

    paths: list[str] = []
    for value in values:
        for item in value if isinstance(value, (list, tuple)) else [value]:
            text = str(item or "").strip()
            if text.startswith("file://"):
                text = unquote(urlparse(text).path)
            if text and text not in paths:
                paths.append(text)
    return paths

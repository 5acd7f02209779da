"""CSL-JSON (.json, .csljson), as Zotero and Better BibTeX export it: a list of items with
CSL variables ('title', 'author' [{family, given}], 'container-title', 'issued' …)."""

from __future__ import annotations

import json
from typing import Any

from pipeline.ingest import clean
from pipeline.ingest.bib.record import Record, build_meta


class NotCsl(ValueError):
    """The JSON is not a CSL-JSON list of items."""


def parse(text: str) -> list[Record]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        raise NotCsl(f"invalid JSON at line {err.lineno}: {err.msg}") from None
    items = data.get("items") if isinstance(data, dict) else data
    if not isinstance(items, list) or not any(isinstance(i, dict) and ("title" in i or "type" in i) for i in items):
        raise NotCsl("not a list of CSL items with 'type' and 'title'")
    records = []
    for number, item in enumerate(items, 1):
        if not isinstance(item, dict):
            records.append(Record(number, item, problem=f"not an object but {type(item).__name__}"))
            continue
        get = item.get
        meta = build_meta(
            "csljson", number, title=get("title"), authors=[_name(a) for a in get("author") or [] if _name(a)],
            abstract=get("abstract"), keywords=get("keyword") or "", doi=get("DOI"),
            journal=get("container-title"), year=_year(get("issued")), volume=get("volume"),
            issue=get("issue"), pages=get("page"), url=get("URL"), language=get("language"),
            database=get("source"), db_id=get("id"), record_type=get("type"),
        )
        records.append(Record(number, item, meta))
    return records


def _name(author: Any) -> str:
    """{'family': 'Smith', 'given': 'Anna'} -> 'Smith, Anna'; {'family': '王', 'given': '明'} -> '王明'."""
    if not isinstance(author, dict):
        return str(author or "").strip()
    if author.get("literal"):
        return str(author["literal"]).strip()
    family, given = str(author.get("family") or "").strip(), str(author.get("given") or "").strip()
    if clean.CJK_RE.search(family + given):
        return family + given
    return f"{family}, {given}" if family and given else family or given


def _year(issued: Any) -> Any:
    if isinstance(issued, dict):
        parts = issued.get("date-parts") or [[]]
        if parts and parts[0]:
            return parts[0][0]
        return issued.get("raw") or issued.get("literal")
    return issued

"""Web of Science plain text ('FN … PT J … ER … EF'): two-letter tags, one name per line.

The tag meanings are shared with the tab-delimited export (:mod:`.tables`), whose columns are
the same tags, through :func:`meta_of`.
"""

from __future__ import annotations

import re
from typing import Callable

from pipeline.ingest.bib.record import Record, build_meta, pages_of
from pipeline.ingest.bib.tagged import Tagged, first_tag, split_records

NAME = "Web of Science"
TAG_RE = re.compile(r"^([A-Z][A-Z0-9])(?: (.*))?$")
#: Tags whose continuation lines are further names, not a wrapped value.
NAME_TAGS = ("AU", "AF")


def sniff(text: str) -> bool:
    return first_tag(text, TAG_RE) in ("FN", "PT")


def parse(text: str) -> list[Record]:
    records = []
    for number, tagged in enumerate(split_records(text, TAG_RE, start="PT", end="ER", header=("FN", "VR", "EF")), 1):
        records.append(Record(number, tagged.pairs, meta_of(_getter(tagged), number), problem=tagged.problem))
    return records


def _getter(tagged: Tagged) -> Callable[[str], str]:
    def get(tag: str) -> str:
        return tagged.get(tag).replace("\n", "; " if tag in NAME_TAGS else " ")

    return get


def meta_of(get: Callable[[str], str], number: int, export_format: str = "wos"):
    """Metadata from WoS tags; ``get(tag)`` gives a tag's value ('' when absent), names
    separated by '; '."""
    return build_meta(
        export_format, number, title=get("TI"), authors=get("AF") or get("AU"), abstract=get("AB"),
        keywords=get("DE") or get("ID"), doi=get("DI"), journal=get("SO"), year=get("PY"),
        volume=get("VL"), issue=get("IS"), pages=pages_of(get("BP"), get("EP")) or get("AR"),
        language=get("LA"), database=NAME, db_id=get("UT"), record_type=get("DT") or get("PT"),
    )

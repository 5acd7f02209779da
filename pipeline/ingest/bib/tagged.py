"""The line grammar shared by tagged exports (Web of Science, EndNote, RefWorks, NoteExpress).

A record is a run of 'TAG value' lines that opens with a start tag and, in some formats,
closes with an end tag; an untagged line continues the value above it. No maintained parser
covers these CNKI and Web of Science variants, so the grammar is written here once and each
format module supplies its tag pattern and its start and end tags.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field


@dataclass
class Tagged:
    """One record's (tag, value) pairs in file order; ``problem`` says why it is malformed."""

    pairs: list[tuple[str, str]] = field(default_factory=list)
    problem: str = ""

    def values(self, tag: str) -> list[str]:
        return [value for key, value in self.pairs if key == tag and value.strip()]

    def get(self, *tags: str, joiner: str = "\n") -> str:
        """The values of the first tag present, joined."""
        for tag in tags:
            found = self.values(tag)
            if found:
                return joiner.join(found)
        return ""


def split_records(text: str, tag_re: re.Pattern[str], *, start: str, end: str = "",
                  header: tuple[str, ...] = ()) -> list[Tagged]:
    """Records in file order. ``tag_re`` has two groups (tag, value). Tags in ``header``
    outside a record are file headers (WoS 'FN', 'VR', 'EF') and are skipped; any other text
    outside a record, a record not closed by ``end``, or text after its end is one malformed
    record, so the records that follow keep their numbers."""
    records: list[Tagged] = []
    current: Tagged | None = None
    for line in text.split("\n"):
        if not line.strip():
            continue
        match = tag_re.match(line)
        tag, value = (match.group(1), (match.group(2) or "").strip()) if match else ("", line.strip())
        if tag == start:
            if current is not None and end and not current.problem:
                current.problem = f"not closed by {end}"
            current = Tagged()
            records.append(current)
        elif end and tag == end and current is not None:
            current = None
            continue
        elif current is None:
            if tag in header:
                continue
            current = Tagged(problem=f"does not start with {start}")
            records.append(current)
        if not tag and current.pairs:
            last_tag, last_value = current.pairs[-1]
            current.pairs[-1] = (last_tag, f"{last_value}\n{value}")
        else:
            current.pairs.append((tag, value))
    if current is not None and end and not current.problem:
        current.problem = f"not closed by {end}"
    return records


def first_tag(text: str, tag_re: re.Pattern[str]) -> str:
    """The tag of the first non-blank line ('' when it has none): how an export is recognised."""
    for line in text.lstrip("\ufeff").split("\n"):
        if line.strip():
            match = tag_re.match(line)
            return match.group(1) if match else ""
    return ""

"""The document model that flows through every stage.

Like spaCy's ``Doc``: ``ingest`` builds a :class:`Document` with its clean text, metadata,
sections and paragraphs; ``segment`` adds sentences and tokens; ``annotate`` adds labels and
actors. Every offset is a character (code point) offset into ``Document.text``, so evidence
can always be traced back to the exact span a coder sees.

Serialisation is plain JSON (one document per line in ``*.jsonl``) and round-trips exactly:
``Document.from_dict(doc.to_dict()) == doc``.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field, fields, is_dataclass
from functools import lru_cache
from typing import Any, Iterator

#: 2: ``Sentence.relations`` (version 1 lines are read with no relations)
SCHEMA_VERSION = 2

SECTION_KINDS = ("title", "abstract", "body", "references", "notes", "furniture")
#: Sections whose sentences are coded (CODEBOOK rule 2 excludes the others).
CODED_SECTION_KINDS = ("title", "abstract", "body")


def content_id(data: bytes) -> str:
    """Stable document id: the same bytes always give the same id, whatever the file name."""
    return hashlib.sha256(data).hexdigest()[:16]


@dataclass
class Token:
    text: str
    start: int
    end: int
    lemma: str = ""


@dataclass
class Evidence:
    """One lexicon hit (or other trace) that supports a label."""

    term: str
    start: int
    end: int
    concept: str = ""
    negated: bool = False


@dataclass
class Label:
    scheme: str
    label: str
    source: str  # "lexicon", "classifier" or "both"
    score: float | None = None
    evidence: list[Evidence] = field(default_factory=list)
    negated: bool = False


@dataclass
class Actor:
    """An organisation mention; ``org_id`` is empty for generic mentions such as 非政府组织."""

    text: str
    start: int
    end: int
    org_id: str
    org_type: str


#: relation kinds and the scheme whose label each one carries
RELATION_KINDS = {"seeks": "factor", "provides": "resource", "cooperates": "cooperation"}
RELATION_STANCES = ("provided", "needed", "lacking", "negated", "hypothetical")


@dataclass
class Relation:
    """A directed relation between two organisations that one sentence asserts.

    ``kind`` is ``seeks`` (a factor label: the source seeks the target), ``provides`` (a
    resource label: the source provides it to the target) or ``cooperates`` (a cooperation form;
    the pair in the order written). A side is a named organisation (``source`` = its id) or a
    generic mention (id empty, ``source_type`` set: 非政府组织 -> ngo). ``evidence`` holds the
    label's terms and the two sides' spans (``concept`` ``source`` / ``target``), offsets into
    ``Document.text``; ``score`` is the label's classifier probability.
    """

    source: str
    source_text: str
    source_type: str
    target: str
    target_text: str
    target_type: str
    kind: str
    label: str
    stance: str = "provided"
    evidence: list[Evidence] = field(default_factory=list)
    score: float | None = None

    @property
    def source_key(self) -> str:
        return side_key(self.source, self.source_type)

    @property
    def target_key(self) -> str:
        return side_key(self.target, self.target_type)


def side_key(org_id: str, org_type: str) -> str:
    """A side as tables name it: the organisation's id, or ``*<type>`` for a generic mention."""
    return org_id or f"*{org_type}"


@dataclass
class Sentence:
    id: str
    start: int
    end: int
    text: str
    lang: str
    #: same length as ``text``: simplified Chinese, full-width folded; what lexicons match on
    norm: str = ""
    section_kind: str = "body"
    is_heading: bool = False
    page: int | None = None
    notes: list[str] = field(default_factory=list)  # footnote markers removed from this sentence
    tokens: list[Token] = field(default_factory=list)
    labels: list[Label] = field(default_factory=list)
    actors: list[Actor] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)

    def labels_for(self, scheme: str) -> list[str]:
        return [lab.label for lab in self.labels if lab.scheme == scheme]


@dataclass
class Paragraph:
    id: str
    start: int
    end: int
    is_heading: bool = False
    page: int | None = None
    sentences: list[Sentence] = field(default_factory=list)


@dataclass
class Section:
    id: str
    kind: str
    heading: str
    start: int
    end: int
    lang: str = ""
    paragraphs: list[Paragraph] = field(default_factory=list)


@dataclass
class Note:
    """A footnote or endnote: its marker (①, [12], 1 …), where it was cited, and its text."""

    marker: str
    text: str
    offset: int | None = None  # position in Document.text where the marker stood


@dataclass
class Metadata:
    title: str = ""
    authors: list[str] = field(default_factory=list)
    abstract: str = ""
    keywords: list[str] = field(default_factory=list)
    doi: str = ""
    journal: str = ""
    year: int | None = None
    extra: dict[str, str] = field(default_factory=dict)


@dataclass
class Document:
    id: str
    source: str
    format: str
    lang: str
    text: str
    meta: Metadata = field(default_factory=Metadata)
    sections: list[Section] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    references: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    #: start offsets of pages in ``text`` (PDF only): page n (1-based) starts at page_starts[n-1]
    page_starts: list[int] = field(default_factory=list)

    def paragraphs(self) -> Iterator[Paragraph]:
        for section in self.sections:
            yield from section.paragraphs

    def sentences(self, kinds: tuple[str, ...] | None = None) -> Iterator[Sentence]:
        """All sentences in document order, optionally only those of some section kinds."""
        for section in self.sections:
            if kinds is not None and section.kind not in kinds:
                continue
            for paragraph in section.paragraphs:
                yield from paragraph.sentences

    def coded_sentences(self) -> Iterator[Sentence]:
        return self.sentences(CODED_SECTION_KINDS)

    def page_of(self, offset: int) -> int | None:
        if not self.page_starts:
            return None
        page = 0
        for index, start in enumerate(self.page_starts):
            if start <= offset:
                page = index + 1
            else:
                break
        return page or None

    # -- serialisation -------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        data = _plain(self)
        data["schema_version"] = SCHEMA_VERSION
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Document":
        data = dict(data)
        data.pop("schema_version", None)
        data["meta"] = Metadata(**data.get("meta", {}))
        data["notes"] = [Note(**n) for n in data.get("notes", [])]
        data["sections"] = [_section_from_dict(s) for s in data.get("sections", [])]
        return cls(**_known(cls, data))

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, sort_keys=False)

    @classmethod
    def from_json(cls, line: str) -> "Document":
        return cls.from_dict(json.loads(line))


#: Field annotations that never hold a dataclass, list or dict: copied as they are.
_SCALAR_TYPES = {"str", "int", "float", "bool", "None"}


@lru_cache(maxsize=None)
def _fields_of(cls: type) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """All field names of ``cls``, and those that may hold nested values to convert."""
    every = fields(cls)
    nested = tuple(f.name for f in every if not set(str(f.type).replace("|", " ").split()) <= _SCALAR_TYPES)
    return tuple(f.name for f in every), nested


def _plain(value: Any) -> Any:
    """``dataclasses.asdict`` without its per-value deep copies, which made it the costliest
    step of a run (millions of token fields)."""
    if is_dataclass(value):
        names, nested = _fields_of(type(value))
        data = {name: getattr(value, name) for name in names}
        for name in nested:
            data[name] = _plain(data[name])
        return data
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    return value


def _known(cls: type, data: dict[str, Any]) -> dict[str, Any]:
    names = {f.name for f in fields(cls)}
    return {k: v for k, v in data.items() if k in names}


def _section_from_dict(data: dict[str, Any]) -> Section:
    data = dict(data)
    data["paragraphs"] = [_paragraph_from_dict(p) for p in data.get("paragraphs", [])]
    return Section(**_known(Section, data))


def _paragraph_from_dict(data: dict[str, Any]) -> Paragraph:
    data = dict(data)
    data["sentences"] = [_sentence_from_dict(s) for s in data.get("sentences", [])]
    return Paragraph(**_known(Paragraph, data))


def _sentence_from_dict(data: dict[str, Any]) -> Sentence:
    data = dict(data)
    data["tokens"] = [Token(**t) for t in data.get("tokens", [])]
    data["actors"] = [Actor(**a) for a in data.get("actors", [])]
    data["labels"] = [
        Label(**{**lab, "evidence": [Evidence(**e) for e in lab.get("evidence", [])]})
        for lab in data.get("labels", [])
    ]
    data["relations"] = [Relation(**{**rel, "evidence": [Evidence(**e) for e in rel.get("evidence", [])]})
                         for rel in data.get("relations", [])]
    return Sentence(**_known(Sentence, data))

"""A record's fields laid out as a :class:`Document`: title, abstract and keywords as sections.

The fields of a record are already known, so they are laid out directly instead of being
guessed by the article classifier (:mod:`pipeline.ingest.structure`): the title and the
abstract are coded sections, the keywords a furniture section (as in articles, where the
keyword line is not coded).
"""

from __future__ import annotations

from pipeline.document import Document, Metadata, Paragraph, Section
from pipeline.ingest import clean

_HEADINGS = {"abstract": {"zh": "摘要", "en": "Abstract"}, "furniture": {"zh": "关键词", "en": "Keywords"}}


def record_document(meta: Metadata, *, doc_id: str, source: str, format: str, warnings: list[str]) -> Document:
    """One document per record; each abstract paragraph (line) is one paragraph."""
    separator = "；" if any(clean.CJK_RE.search(k) for k in meta.keywords) else "; "
    parts = [("title", [meta.title]), ("abstract", meta.abstract.split("\n")),
             ("furniture", [separator.join(meta.keywords)])]
    pieces: list[str] = []
    sections: list[Section] = []
    cursor = 0
    n_par = 0
    for kind, paragraphs in parts:
        paragraphs = [p for p in paragraphs if p]
        if not paragraphs:
            continue
        if pieces:
            pieces.append("\n\n")
            cursor += 2
        lang = clean.lang_of("".join(paragraphs))
        section = Section(id=f"sec{len(sections) + 1:02d}", kind=kind, heading=_HEADINGS.get(kind, {}).get(lang, ""),
                          start=cursor, end=cursor, lang=lang)
        for position, text in enumerate(paragraphs):
            if position:
                pieces.append("\n")
                cursor += 1
            n_par += 1
            section.paragraphs.append(Paragraph(id=f"p{n_par:04d}", start=cursor, end=cursor + len(text)))
            pieces.append(text)
            cursor += len(text)
        section.end = cursor
        sections.append(section)
    text = "".join(pieces)
    coded = "".join(text[s.start:s.end] for s in sections if s.kind != "furniture")
    return Document(id=doc_id, source=source, format=format, lang=clean.lang_of(coded or text), text=text,
                    meta=meta, sections=sections, warnings=list(warnings))

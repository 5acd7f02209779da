"""BibTeX / BibLaTeX (.bib) with ``bibtexparser`` v2: LaTeX accents, commands and braces
decoded (``M{\\"u}ller`` -> Müller), co-authors separated, Zotero's and Better BibTeX's
``file`` field read as attachments. A block bibtexparser cannot parse is a malformed record
numbered by its position among the entries."""

from __future__ import annotations

import re

from pipeline.ingest.bib.record import Record, attachment_paths, build_meta

#: Separators of the ``file`` field's items and of an item's description:path:type.
_SEPARATOR_RE = re.compile(r"(?<!\\);")
_COLON_RE = re.compile(r"(?<!\\):")


def parse(text: str) -> list[Record]:
    import bibtexparser
    from bibtexparser import middlewares

    library = bibtexparser.parse_string(text, append_middleware=[
        middlewares.LatexDecodingMiddleware(), middlewares.SeparateCoAuthors()])
    blocks = sorted([(entry.start_line, entry) for entry in library.entries]
                    + [(block.start_line, block) for block in library.failed_blocks], key=lambda pair: pair[0])
    records = []
    for number, (_, block) in enumerate(blocks, 1):
        if not hasattr(block, "fields_dict"):
            lines = [line.strip() for line in str(getattr(block, "error", "")).split("\n") if line.strip()]
            reason = lines[-1] if lines else "syntax error"
            records.append(Record(number, block.raw, problem=f"line {block.start_line + 1}: {reason}"))
            continue
        fields = {key.lower(): field.value for key, field in block.fields_dict.items()}
        get = fields.get
        meta = build_meta(
            "bibtex", number, title=get("title"), authors=get("author") or get("editor") or [],
            abstract=get("abstract"), keywords=get("keywords") or get("keyword") or "", doi=get("doi"),
            journal=get("journaltitle") or get("journal") or get("booktitle"), year=get("year") or get("date"),
            volume=get("volume"), issue=get("number") or get("issue"),
            pages=re.sub(r"\s*[-–—]+\s*", "-", str(get("pages") or "")), url=get("url"),
            language=get("langid") or get("language"), db_id=block.key, record_type=block.entry_type,
        )
        records.append(Record(number, {"type": block.entry_type, "key": block.key, **fields}, meta,
                              attachment_paths(file_paths(str(get("file") or "")))))
    return records


def file_paths(value: str) -> list[str]:
    """'Full Text PDF:files/12/a.pdf:application/pdf;Snapshot:…' (Zotero) or '/path/a.pdf'
    (Better BibTeX) -> the paths, with '\\:' and '\\;' unescaped."""
    paths = []
    for item in _SEPARATOR_RE.split(value):
        parts = _COLON_RE.split(item.strip())
        path = ":".join(parts[1:-1]) if len(parts) >= 3 else item.strip()
        path = path.replace("\\:", ":").replace("\\;", ";").replace("\\\\", "\\")
        if path:
            paths.append(path)
    return paths

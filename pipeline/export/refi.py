"""REFI-QDA (QDA-XML 1.0) export: a codebook ``.qdc`` and a project ``.qdpx``.

What real importers (QualCoder, ATLAS.ti, MAXQDA, NVivo) rely on, and this writer keeps:

* selection positions are Unicode code points into ``Sources/<guid>.txt``, written as UTF-8
  without BOM with ``\\n`` line ends (the document's clean text, so positions are its offsets);
* every text source names its file with ``plainTextPath="internal://<guid>.txt"`` (some tools
  ignore inline ``PlainTextContent``);
* ``Project@origin`` is present, and ``CodeRef@targetGUID`` is the code's ``guid`` verbatim;
* machine codings belong to their own ``User`` named irtag, so coders review them beside theirs.

GUIDs are UUID5s of stable names, and zip entries carry a fixed date: the same input gives the
same bytes.
"""

from __future__ import annotations

import io
import os
import uuid
import zipfile
from dataclasses import dataclass
from typing import Iterable, Sequence
from xml.etree import ElementTree as ET

from pipeline.document import Document
from pipeline.export.tables import atomic_open

PROJECT_NS = "urn:QDA-XML:project:1.0"
CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
ORIGIN = "irtag"
_NAMESPACE = uuid.UUID("5b0c7f7e-6a51-4c1e-9d2a-1f3f3e0b7a10")
_ZIP_DATE = (2020, 1, 1, 0, 0, 0)
SCHEME_COLOURS = {"factor": "#D62728", "stage": "#1F77B4", "resource": "#2CA02C", "cooperation": "#9467BD"}


@dataclass(frozen=True)
class CodeSpec:
    """One code of the exported codebook: a scheme (not codable) or a label under it."""

    scheme: str
    label: str  # "" for the scheme itself
    description: str

    @property
    def name(self) -> str:
        return self.scheme if not self.label else f"{self.scheme}:{self.label}"


def codes_from_codebook(codebook) -> list[CodeSpec]:
    """Each scheme as a parent code with its labels under it, in codebook order."""
    codes = []
    for scheme in codebook.schemes.values():
        codes.append(CodeSpec(scheme.name, "", scheme.description))
        for label in scheme.labels:
            group = f" [{label.group}]" if label.group else ""
            codes.append(CodeSpec(scheme.name, label.name, label.definition + group))
    return codes


def guid(*parts: str) -> str:
    return str(uuid.uuid5(_NAMESPACE, "\x1f".join(parts)))


def code_guid(scheme: str, label: str = "") -> str:
    return guid("code", scheme, label)


USER_GUID = guid("user", ORIGIN)


def _codes_element(parent: ET.Element, ns: str, codes: Sequence[CodeSpec]) -> None:
    codes_el = ET.SubElement(parent, f"{{{ns}}}Codes")
    schemes: dict[str, ET.Element] = {}
    for spec in codes:
        if not spec.label:
            el = ET.SubElement(codes_el, f"{{{ns}}}Code", guid=code_guid(spec.scheme), name=spec.scheme,
                               isCodable="false", color=SCHEME_COLOURS.get(spec.scheme, "#7F7F7F"))
            schemes[spec.scheme] = el
        else:
            if spec.scheme not in schemes:
                raise ValueError(f"label {spec.name} comes before its scheme {spec.scheme}")
            el = ET.SubElement(schemes[spec.scheme], f"{{{ns}}}Code", guid=code_guid(spec.scheme, spec.label),
                               name=spec.name, isCodable="true",
                               color=SCHEME_COLOURS.get(spec.scheme, "#7F7F7F"))
        if spec.description:
            # Description must come before child codes in the schema's sequence.
            description = ET.Element(f"{{{ns}}}Description")
            description.text = spec.description
            el.insert(0, description)


def codebook_xml(codes: Sequence[CodeSpec]) -> bytes:
    ET.register_namespace("", CODEBOOK_NS)
    root = ET.Element(f"{{{CODEBOOK_NS}}}CodeBook", origin=ORIGIN)
    _codes_element(root, CODEBOOK_NS, codes)
    return _serialise(root)


def source_text(doc: Document) -> str:
    """The text exported as the source: the clean text, with any CR turned into LF (same length)."""
    return doc.text.replace("\r", "\n")


def _selection_description(sentence, labels) -> str:
    parts = []
    for lab in labels:
        terms = ", ".join(e.term for e in lab.evidence)
        score = "" if lab.score is None else f" p={lab.score:.2f}"
        parts.append(f"{lab.scheme}:{lab.label} [{lab.source}{score}]" + (f" terms: {terms}" if terms else ""))
    return f"{sentence.id}: " + "; ".join(parts)


def project_xml(docs: Iterable[Document], codes: Sequence[CodeSpec], *, name: str = "irtag auto-coding") -> tuple[bytes, dict[str, str]]:
    """The ``project.qde`` bytes and the source texts to store under ``Sources/``."""
    ET.register_namespace("", PROJECT_NS)
    ns = PROJECT_NS
    root = ET.Element(f"{{{ns}}}Project", name=name, origin=ORIGIN, creatingUserGUID=USER_GUID)
    users = ET.SubElement(root, f"{{{ns}}}Users")
    ET.SubElement(users, f"{{{ns}}}User", guid=USER_GUID, name=ORIGIN, id=ORIGIN)
    codebook = ET.SubElement(root, f"{{{ns}}}CodeBook")
    _codes_element(codebook, ns, codes)
    known = {(c.scheme, c.label) for c in codes if c.label}
    sources_el = ET.SubElement(root, f"{{{ns}}}Sources")
    texts: dict[str, str] = {}
    for doc in docs:
        source_guid = guid("source", doc.id)
        filename = f"{source_guid}.txt"
        texts[filename] = source_text(doc)
        source = ET.SubElement(sources_el, f"{{{ns}}}TextSource", guid=source_guid,
                               name=doc.meta.title or os.path.basename(doc.source),
                               plainTextPath=f"internal://{filename}", creatingUser=USER_GUID)
        for sentence in doc.coded_sentences():
            labels = [lab for lab in sentence.labels if (lab.scheme, lab.label) in known]
            if not labels:
                continue
            selection = ET.SubElement(source, f"{{{ns}}}PlainTextSelection", guid=guid("selection", sentence.id),
                                      name=sentence.id, startPosition=str(sentence.start),
                                      endPosition=str(sentence.end), creatingUser=USER_GUID)
            description = ET.SubElement(selection, f"{{{ns}}}Description")
            description.text = _selection_description(sentence, labels)
            for lab in labels:
                coding = ET.SubElement(selection, f"{{{ns}}}Coding",
                                       guid=guid("coding", sentence.id, lab.scheme, lab.label), creatingUser=USER_GUID)
                ET.SubElement(coding, f"{{{ns}}}CodeRef", targetGUID=code_guid(lab.scheme, lab.label))
    return _serialise(root), texts


def _serialise(root: ET.Element) -> bytes:
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def write_codebook(codes: Sequence[CodeSpec], path: str | os.PathLike) -> None:
    with atomic_open(path, "wb") as handle:
        handle.write(codebook_xml(codes))


def write_project(docs: Iterable[Document], codes: Sequence[CodeSpec], path: str | os.PathLike) -> None:
    xml, texts = project_xml(docs, codes)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        _add(archive, "project.qde", xml)
        for filename in sorted(texts):
            _add(archive, f"Sources/{filename}", texts[filename].encode("utf-8"))
    with atomic_open(path, "wb") as handle:
        handle.write(buffer.getvalue())


def _add(archive: zipfile.ZipFile, name: str, data: bytes) -> None:
    info = zipfile.ZipInfo(name, date_time=_ZIP_DATE)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    archive.writestr(info, data)


def write_taguette_codebook(codes: Sequence[CodeSpec], path: str | os.PathLike) -> None:
    """Taguette imports a codebook CSV with ``name`` and ``description`` columns."""
    import csv

    with atomic_open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["name", "description"])
        for spec in codes:
            if spec.label:
                writer.writerow([spec.name, spec.description])

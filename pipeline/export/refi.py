"""REFI-QDA (QDA-XML 1.0) export: a codebook ``.qdc`` and a project ``.qdpx``.

What real importers (QualCoder, ATLAS.ti, MAXQDA, NVivo) rely on, and this writer keeps:

* selection positions are Unicode code points into ``Sources/<guid>.txt``, written as UTF-8
  without BOM with ``\\n`` line ends;
* every text source names its file with ``plainTextPath="internal://<guid>.txt"`` (some tools
  ignore inline ``PlainTextContent``);
* ``Project@origin`` is present, and ``CodeRef@targetGUID`` is the code's ``guid`` verbatim;
* machine codings belong to their own ``User`` named irtag, so coders review them beside theirs.

What a coder sees:

* **Body text first.** Each document is one source of its coded text (title, abstract, body, in
  order); its references, notes and page furniture, where it has any, are a second source named
  ``<title> [references, notes …]``, so nobody codes a bibliography by mistake. The variable
  ``part`` says which is which.
* **Document metadata as variables** on both sources: title, authors, year (an integer),
  journal, DOI, language, source file, declared once in the project's ``Variables``.
* **Negation is a code of its own**: a negated label ("does not seek") is coded with
  ``<scheme>:<label> (negated)``, the code listed right after its label, never as the label.
* **One selection per label**, whose description is that label's evidence only: terms with
  their document offsets (as in ``sentences.csv``), score, source, negation.
* **Colours**: each scheme keeps its hue; its labels are shades of it (codebook order, dark to
  light), negated codes a greyed shade of their label.

GUIDs are UUID5s of stable names, there are no timestamps, and zip entries carry a fixed date:
the same input gives the same bytes.
"""

from __future__ import annotations

import colorsys
import io
import os
import uuid
import zipfile
from dataclasses import dataclass
from typing import Iterable, Sequence
from xml.etree import ElementTree as ET

from pipeline.document import CODED_SECTION_KINDS, Document, Label, Section
from pipeline.io import atomic_open

PROJECT_NS = "urn:QDA-XML:project:1.0"
CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
ORIGIN = "irtag"
_NAMESPACE = uuid.UUID("5b0c7f7e-6a51-4c1e-9d2a-1f3f3e0b7a10")
_ZIP_DATE = (2020, 1, 1, 0, 0, 0)
SCHEME_COLOURS = {"factor": "#D62728", "stage": "#1F77B4", "resource": "#2CA02C", "cooperation": "#9467BD"}
OTHER_COLOUR = "#7F7F7F"


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


NEGATED = " (negated)"


def negated_guid(scheme: str, label: str) -> str:
    return guid("code", scheme, label, "negated")


def label_colours(codes: Sequence[CodeSpec]) -> dict[tuple[str, str], str]:
    """Label -> colour: shades of the scheme's colour, in codebook order from dark to light."""
    by_scheme: dict[str, list[str]] = {}
    for spec in codes:
        if spec.label:
            by_scheme.setdefault(spec.scheme, []).append(spec.label)
    colours = {}
    for scheme, labels in by_scheme.items():
        for index, label in enumerate(labels):
            light = 0.32 + 0.42 * index / (len(labels) - 1) if len(labels) > 1 else None
            colours[(scheme, label)] = _shade(SCHEME_COLOURS.get(scheme, OTHER_COLOUR), light)
    return colours


def _shade(colour: str, lightness: float | None, saturation: float = 1.0) -> str:
    """``colour`` with its hue kept, at ``lightness`` (None: as it is), saturation scaled."""
    red, green, blue = (int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5))
    hue, light, sat = colorsys.rgb_to_hls(red, green, blue)
    rgb = colorsys.hls_to_rgb(hue, light if lightness is None else lightness, sat * saturation)
    return "#" + "".join(f"{round(c * 255):02X}" for c in rgb)


def _code(parent: ET.Element, ns: str, guid_: str, name: str, colour: str, description: str,
          codable: bool = True) -> ET.Element:
    el = ET.SubElement(parent, f"{{{ns}}}Code", guid=guid_, name=name, isCodable="true" if codable else "false",
                       color=colour)
    if description:  # Description comes before child codes in the schema's sequence
        ET.SubElement(el, f"{{{ns}}}Description").text = description
    return el


def _codes_element(parent: ET.Element, ns: str, codes: Sequence[CodeSpec]) -> None:
    """Schemes as parent codes; under each, every label followed by its negated code."""
    codes_el = ET.SubElement(parent, f"{{{ns}}}Codes")
    schemes: dict[str, ET.Element] = {}
    colours = label_colours(codes)
    for spec in codes:
        if not spec.label:
            schemes[spec.scheme] = _code(codes_el, ns, code_guid(spec.scheme), spec.scheme,
                                         SCHEME_COLOURS.get(spec.scheme, OTHER_COLOUR), spec.description,
                                         codable=False)
            continue
        if spec.scheme not in schemes:
            raise ValueError(f"label {spec.name} comes before its scheme {spec.scheme}")
        colour = colours[(spec.scheme, spec.label)]
        _code(schemes[spec.scheme], ns, code_guid(spec.scheme, spec.label), spec.name, colour, spec.description)
        _code(schemes[spec.scheme], ns, negated_guid(spec.scheme, spec.label), spec.name + NEGATED,
              _shade(colour, None, 0.25), f"Negated: the sentence says that {spec.name} does not hold. "
              + spec.description)


def codebook_xml(codes: Sequence[CodeSpec]) -> bytes:
    ET.register_namespace("", CODEBOOK_NS)
    root = ET.Element(f"{{{CODEBOOK_NS}}}CodeBook", origin=ORIGIN)
    _codes_element(root, CODEBOOK_NS, codes)
    return _serialise(root)


#: The document variables of every source: name -> REFI type.
VARIABLES = {"title": "Text", "authors": "Text", "year": "Integer", "journal": "Text", "DOI": "Text",
             "language": "Text", "source": "Text", "part": "Text"}


def _variable_values(doc: Document, part: str) -> dict[str, str]:
    meta = doc.meta
    values = {"title": meta.title, "authors": "; ".join(meta.authors),
              "year": "" if meta.year is None else str(meta.year), "journal": meta.journal, "DOI": meta.doi,
              "language": doc.lang, "source": meta.extra.get("sources", doc.source), "part": part}
    return {name: value for name, value in values.items() if value}


def source_parts(doc: Document) -> list[tuple[str, str, list[tuple[Section, int]]]]:
    """The document as sources: (part, text, [(section, its start in the text)]), the coded
    sections first, then references, notes and furniture where there are any.

    Sections keep their text; between two of the same part the original gap (a paragraph
    break) is kept where it is blank, else a blank line stands in. CR becomes LF (same length)."""
    if not doc.sections:
        return [(", ".join(CODED_SECTION_KINDS), doc.text.replace("\r", "\n"), [])]
    coded = [s for s in doc.sections if s.kind in CODED_SECTION_KINDS]
    other = [s for s in doc.sections if s.kind not in CODED_SECTION_KINDS]
    parts = []
    for sections, always in ((coded, True), (other, False)):
        if not sections and not always:
            continue
        pieces: list[str] = []
        placed: list[tuple[Section, int]] = []
        length, previous = 0, None
        for section in sections:
            if previous is not None:
                gap = doc.text[previous.end:section.start]
                gap = gap if not gap.strip() else "\n\n"
                pieces.append(gap)
                length += len(gap)
            placed.append((section, length))
            piece = doc.text[section.start:section.end]
            pieces.append(piece)
            length += len(piece)
            previous = section
        kinds = ", ".join(dict.fromkeys(s.kind for s in sections)) or ", ".join(CODED_SECTION_KINDS)
        parts.append((kinds, "".join(pieces).replace("\r", "\n"), placed))
    return parts


def _evidence_description(sentence, lab: Label) -> str:
    """What one coding rests on: that label's terms (document offsets), score, source, negation,
    and the relations between organisations it gives (source → target, kind, stance)."""
    facts = [f"{sentence.id}: {lab.scheme}:{lab.label}" + (NEGATED if lab.negated else ""),
             f"source {lab.source}" + ("" if lab.score is None else f", score {lab.score:.3f}")]
    if lab.evidence:
        facts.append("terms " + ", ".join(
            f"{e.term}@{e.start}-{e.end}" + (" (negated)" if e.negated else "") for e in lab.evidence))
    else:
        facts.append("no lexicon term (classifier)")
    for relation in getattr(sentence, "relations", ()):
        if relation.label == lab.label:  # the pair this label relates (labels are unique across schemes)
            arrow = "–" if relation.kind == "cooperates" else "→"
            facts.append(f"relation {relation.source or '*' + relation.source_type} {arrow} "
                         f"{relation.target or '*' + relation.target_type} ({relation.kind}, {relation.stance})")
    return "; ".join(facts)


def project_xml(docs: Iterable[Document], codes: Sequence[CodeSpec], *, name: str = "irtag auto-coding") -> tuple[bytes, dict[str, str]]:
    """The ``project.qde`` bytes and the source texts to store under ``Sources/``."""
    ET.register_namespace("", PROJECT_NS)
    ns = PROJECT_NS
    root = ET.Element(f"{{{ns}}}Project", name=name, origin=ORIGIN, creatingUserGUID=USER_GUID)
    users = ET.SubElement(root, f"{{{ns}}}Users")
    ET.SubElement(users, f"{{{ns}}}User", guid=USER_GUID, name=ORIGIN, id=ORIGIN)
    codebook = ET.SubElement(root, f"{{{ns}}}CodeBook")
    _codes_element(codebook, ns, codes)
    variables = ET.SubElement(root, f"{{{ns}}}Variables")
    for variable, kind in VARIABLES.items():
        ET.SubElement(variables, f"{{{ns}}}Variable", guid=guid("variable", variable), name=variable,
                      typeOfVariable=kind)
    known = {(c.scheme, c.label) for c in codes if c.label}
    sources_el = ET.SubElement(root, f"{{{ns}}}Sources")
    texts: dict[str, str] = {}
    for doc in docs:
        title = doc.meta.title or os.path.basename(doc.source)
        for number, (part, text, placed) in enumerate(source_parts(doc)):
            source_guid = guid("source", doc.id) if not number else guid("source", doc.id, "apparatus")
            filename = f"{source_guid}.txt"
            texts[filename] = text
            source = ET.SubElement(sources_el, f"{{{ns}}}TextSource", guid=source_guid,
                                   name=title if not number else f"{title} [{part}]",
                                   plainTextPath=f"internal://{filename}", creatingUser=USER_GUID)
            if not number:
                _selections(source, ns, doc, placed, known)
            for variable, value in _variable_values(doc, part).items():
                element = ET.SubElement(source, f"{{{ns}}}VariableValue")
                ET.SubElement(element, f"{{{ns}}}VariableRef", targetGUID=guid("variable", variable))
                kind = VARIABLES[variable]
                ET.SubElement(element, f"{{{ns}}}{kind}Value").text = value
    return _serialise(root), texts


def _selections(source: ET.Element, ns: str, doc: Document, placed: list[tuple[Section, int]],
                known: set[tuple[str, str]]) -> None:
    """One selection per machine label of a coded sentence, at its position in the source."""
    for section, base in placed:
        shift = base - section.start
        for sentence in (s for paragraph in section.paragraphs for s in paragraph.sentences):
            for lab in sentence.labels:
                if (lab.scheme, lab.label) not in known:
                    continue
                selection = ET.SubElement(
                    source, f"{{{ns}}}PlainTextSelection", guid=guid("selection", sentence.id, lab.scheme, lab.label),
                    name=sentence.id, startPosition=str(sentence.start + shift),
                    endPosition=str(sentence.end + shift), creatingUser=USER_GUID)
                ET.SubElement(selection, f"{{{ns}}}Description").text = _evidence_description(sentence, lab)
                coding = ET.SubElement(selection, f"{{{ns}}}Coding", guid=guid("coding", sentence.id, lab.scheme,
                                                                               lab.label), creatingUser=USER_GUID)
                target = negated_guid(lab.scheme, lab.label) if lab.negated else code_guid(lab.scheme, lab.label)
                ET.SubElement(coding, f"{{{ns}}}CodeRef", targetGUID=target)


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

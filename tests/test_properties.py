"""Property tests: any Unicode in, no exception out, offsets that slice back, writers that round-trip.

Text is drawn from every plane (controls, surrogates, noncharacters, CJK, combining marks),
written to a file the way a scraper would, and read through the same path as ``irtag run``.
"""

import functools
import re
import xml.etree.ElementTree as ET

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.document import Document
from pipeline.errors import IrtagError
from pipeline.ingest import clean, read_document
from pipeline.io import CsvTable, read_document_jsonl, write_document_jsonl

SETTINGS = settings(max_examples=40, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                          HealthCheck.too_slow])
#: What XML 1.0 (and so REFI-QDA and XLSX) cannot hold.
XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
#: Text with the characters that break writers mixed into ordinary bilingual prose.
HOSTILE = st.lists(st.one_of(
    st.characters(codec=None, exclude_categories=()),
    st.sampled_from(list("联合国欧盟非政府组织提供资金。，；！？ ") + ["\x1b[31m", "\x00", "\ufffe", "\uffff", "\n\n"]),
    st.sampled_from(["The UN ", "and NGOs ", "sought funding. ", "联合国向非盟提供资金。"]),
), min_size=1, max_size=120).map("".join)


@functools.lru_cache(maxsize=1)
def runtime():
    from pipeline import load
    from pipeline.config import RunConfig

    return load(RunConfig.load(), tag=False)


def _segmented(tmp_path, text: str, suffix: str = ".txt") -> Document | None:
    """The text read from a file and segmented, or None where ingest refused it (one line)."""
    doc = _read(tmp_path, text, suffix)
    return None if doc is None else runtime()(doc)


def _read(tmp_path, text: str, suffix: str = ".txt") -> Document | None:
    path = tmp_path / f"doc{suffix}"
    path.write_bytes(text.encode("utf-8", errors="surrogatepass"))
    try:
        return read_document(path)
    except IrtagError as err:
        assert "\n" not in str(err) and str(path) in str(err)
        return None


@SETTINGS
@given(text=HOSTILE)
def test_scrub_leaves_nothing_a_writer_forbids(text):
    cleaned, _ = clean.scrub(text)
    assert not XML_FORBIDDEN.search(cleaned)


@SETTINGS
@given(text=HOSTILE, suffix=st.sampled_from([".txt", ".md", ".html"]))
def test_any_text_reads_segments_and_matches_with_offsets_that_slice_back(tmp_path, text, suffix):
    doc = _segmented(tmp_path, text, suffix)
    if doc is None:
        return
    nlp = runtime()
    schemes = {s: set(nlp.lexicon.labels(s)) for s in nlp.lexicon.schemes}
    for sentence in doc.sentences():
        assert doc.text[sentence.start:sentence.end] == sentence.text
        assert not XML_FORBIDDEN.search(sentence.text)
        for token in sentence.tokens:
            assert doc.text[token.start:token.end] == token.text
        hits, actors = nlp.lexicon.match_all(sentence)
        for hit in hits:
            assert doc.text[hit.start:hit.end] == hit.text and hit.label in schemes[hit.scheme]
        for actor in actors:
            assert doc.text[actor.start:actor.end] == actor.text


@SETTINGS
@given(text=HOSTILE)
def test_documents_round_trip_through_jsonl(tmp_path, text):
    doc = _segmented(tmp_path, text)
    if doc is None:
        return
    write_document_jsonl(doc, tmp_path / "d.jsonl")
    assert read_document_jsonl(tmp_path / "d.jsonl") == doc


@SETTINGS
@given(cells=st.lists(st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=40), min_size=1, max_size=6))
def test_the_table_writer_reads_back_cell_for_cell(tmp_path, cells):
    path = tmp_path / "t.csv"
    with CsvTable(path, ["a"], guard=False) as table:
        table.write_rows({"a": cell} for cell in cells)
    back = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")["a"].tolist()
    assert back == cells


@SETTINGS
@given(text=HOSTILE)
def test_the_qda_project_is_well_formed_xml(tmp_path, text):
    from pipeline.export.refi import codes_from_codebook, project_xml
    from pipeline.codebook import load_codebook

    doc = _segmented(tmp_path, text)
    if doc is None:
        return
    xml, sources = project_xml([doc], codes_from_codebook(load_codebook()))
    ET.fromstring(xml)
    assert all(not XML_FORBIDDEN.search(body) for body in sources.values())

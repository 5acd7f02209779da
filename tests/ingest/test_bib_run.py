"""`irtag run` over the fixture folder of exports: every record once, duplicates listed."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
from click.testing import CliRunner

from pipeline.cli import cli
from pipeline.io import read_document_jsonl

FIXTURES = Path(__file__).parents[1] / "fixtures" / "bib"


def test_run_over_exports_writes_every_record_once(tmp_path):
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["run", str(FIXTURES), "-o", str(out), "--no-tag", "--quiet"])
    assert result.exit_code == 0, result.output
    ids = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["documents"]
    docs = [read_document_jsonl(out / "docs" / f"{doc_id}.jsonl") for doc_id in ids]
    sources = [source for doc in docs for source in doc.meta.extra["sources"].split("; ")]
    # 22 well-formed records (and one malformed) in 10 exports; 3 repeat a record of another export
    assert len(ids) == len(set(ids)) == 19 and len(sources) == len(set(sources)) == 22
    titles = [doc.meta.title.casefold() for doc in docs]
    assert len(titles) == len(set(titles))
    kept = {doc.meta.title: doc.meta.extra["sources"].split("; ") for doc in docs if ";" in doc.meta.extra["sources"]}
    assert {title: [Path(s).name for s in found] for title, found in kept.items()} == {
        "一带一路倡议下的基础设施融资合作": ["cnki_endnote.txt#1", "cnki_noteexpress.txt#1"],
        "NGO Networks and the UN Human Rights Council": ["library.bib#1", "zotero.json#3"],
        "Maritime Security Cooperation in the Gulf of Guinea": ["scopus.csv#1", "wos_savedrecs.txt#2"],
    }
    duplicates = pd.read_csv(out / "duplicates.csv", encoding="utf-8-sig")
    assert sorted(Path(s).name for s in duplicates["source"]) == [
        "cnki_noteexpress.txt#1", "wos_savedrecs.txt#2", "zotero.json#3"]
    assert set(duplicates["kept_id"]) <= set(ids)
    assert {doc.lang for doc in docs} == {"zh", "en"}
    sentences = pd.read_csv(out / "sentences.csv", encoding="utf-8-sig")
    assert set(sentences["doc_id"]) == set(ids)
    errors = pd.read_csv(out / "errors.csv", encoding="utf-8-sig")
    assert errors.empty
    warned = [w for doc in docs for w in doc.warnings if "[W020]" in w]
    assert len(warned) == 1 and "zotero.ris" in warned[0] and "record 2" in warned[0]

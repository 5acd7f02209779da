"""``irtag run`` over the whole generated bad-input corpus mixed with good files: the batch
finishes (exit 0), every good file is tagged, every refused file has one line in errors.csv,
a file with the same bytes as another is listed as its duplicate, nothing prints a traceback."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from bad_inputs import KINDS, write_corpus
from pipeline.batch import Pipeline, run_batch

ROOT = Path(__file__).resolve().parents[2]
GOOD = {
    "good_zh.txt": "国际组织合作研究\n\n联合国与非盟在维和领域开展合作。欧盟向联合国提供资金和部队。\n",
    "good_en.html": "<html><head><title>Peacekeeping</title></head><body><h1>Peacekeeping</h1><p>The United "
                    "Nations cooperates with the African Union. The European Union provides funding and "
                    "troops.</p></body></html>",
}


def _corpus(tmp_path: Path) -> tuple[Path, dict[str, Path]]:
    folder = tmp_path / "corpus"
    paths = write_corpus(folder / "bad")
    for name, text in GOOD.items():
        (folder / name).write_text(text, encoding="utf-8")
    shutil.copyfile(folder / "good_zh.txt", folder / "same_bytes_as_good_zh.txt")
    shutil.copytree(ROOT / "corpora" / "seeds", folder / "seeds")
    return folder, paths


def _refused(paths: dict[str, Path]) -> dict[str, Path]:
    """Kinds that must be refused, among the files a batch reads (links and folders are not)."""
    return {name: path for name, path in paths.items()
            if "doc" not in KINDS[name].expect and not any(c.startswith("W") for c in KINDS[name].expect)
            and not KINDS[name].needs and path.is_file() and not path.is_symlink()}


def test_irtag_run_over_the_bad_corpus(tmp_path, tiny_models):
    folder, paths = _corpus(tmp_path)
    out = tmp_path / "out"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run([sys.executable, "-m", "pipeline.cli", "run", str(folder), "-o", str(out), "--quiet",
                             "--models", str(tiny_models)],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Traceback" not in result.stderr
    errors = pd.read_csv(out / "errors.csv", encoding="utf-8-sig", keep_default_na=False)
    listed = list(errors["path"])
    assert len(listed) == len(set(listed))  # at most once each
    for name, path in _refused(paths).items():
        assert str(path) in listed, f"{name} is not in errors.csv"
    for path, message in zip(errors["path"], errors["error"]):
        assert "Traceback" not in message and "\n" not in message and message.startswith("[E")
    duplicate = errors[errors["path"] == str(folder / "same_bytes_as_good_zh.txt")]
    assert list(duplicate["error"].str[:6]) == ["[E065]"] and "good_zh.txt" in duplicate["error"].iloc[0]
    sentences = pd.read_csv(out / "sentences.csv", encoding="utf-8-sig", keep_default_na=False)
    for name in GOOD:
        rows = sentences[sentences["doc_id"].isin(_doc_ids(out, folder / name))]
        assert len(rows), f"{name} has no sentences"
        labels = rows[["stage", "factor", "resource", "cooperation"]].astype(str).agg("".join, axis=1)
        assert labels.str.len().gt(0).any(), f"{name} got no labels"
    assert not sentences["sent_id"].duplicated().any()
    # the five seeds, mixed in, are fully tagged and exported
    import zipfile

    from pipeline.io import iter_documents

    seeds = sorted((folder / "seeds").glob("*.txt"))
    by_source = {doc.source: doc for doc in iter_documents(out)}
    qde = zipfile.ZipFile(out / "project.qdpx").read("project.qde").decode("utf-8")
    for seed in seeds:
        doc = by_source[str(seed)]
        assert len(sentences[sentences["doc_id"] == doc.id]) == sum(1 for _ in doc.sentences())
        assert any(s.labels for s in doc.coded_sentences())
        assert doc.id in (out / "documents.csv").read_text(encoding="utf-8-sig")
        assert doc.meta.title and doc.meta.title[:10] in qde.replace("&amp;", "&")


def _doc_ids(out: Path, path: Path) -> set[str]:
    from pipeline.io import read_document_jsonl

    return {doc.id for doc in map(read_document_jsonl, (out / "docs").glob("*.jsonl")) if doc.source == str(path)}


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symlinks here")
def test_skipped_links_and_hidden_files_are_listed(tmp_path):
    folder = tmp_path / "in"
    (folder / ".hidden_folder").mkdir(parents=True)
    (folder / ".hidden_folder" / "a.txt").write_text("The UN deploys troops.", encoding="utf-8")
    (folder / ".hidden.txt").write_text("The UN deploys troops.", encoding="utf-8")
    (folder / "seen.txt").write_text("The EU provides funding.", encoding="utf-8")
    os.symlink("loop.txt", folder / "loop.txt")
    os.symlink("nowhere.txt", folder / "dangling.txt")
    os.symlink("..", folder / "up")
    summary = run_batch([folder], tmp_path / "out", lambda: Pipeline([]))
    assert summary.documents == 1 and summary.files == 1
    assert sorted((Path(p).name, reason) for p, reason in summary.skipped) == [
        (".hidden.txt", "hidden file"), (".hidden_folder", "hidden folder"),
        ("dangling.txt", "broken or looping link"), ("loop.txt", "broken or looping link"),
        ("up", "link to a folder (not followed)")]

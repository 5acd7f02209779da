"""The batch goes on past bad files, records them, and writes each document as it finishes."""

import random

import pandas as pd
import pytest
from click.testing import CliRunner

from pipeline.batch import discover, process_many
from pipeline.stages import Pipeline
from pipeline.cli import cli
from pipeline.document import Document
from pipeline.errors import IrtagError
from pipeline.io import read_document_jsonl

ZH = "联合国与欧盟在维和领域开展合作。欧盟向联合国提供资金和部队。\n"
EN = "The United Nations relies on the European Union for troops. NGOs lobby delegations.\n"


@pytest.fixture
def corpus(tmp_path):
    folder = tmp_path / "in"
    (folder / "sub").mkdir(parents=True)
    (folder / "a_zh.txt").write_text(ZH, encoding="utf-8")
    (folder / "sub" / "b_en.html").write_text(f"<html><body><p>{EN}</p></body></html>", encoding="utf-8")
    (folder / "c_empty.txt").write_bytes(b"")
    (folder / "d_binary.txt").write_bytes(random.Random(0).randbytes(2048))
    (folder / "e_fake.pdf").write_bytes(b"this is not a pdf at all")
    (folder / "notes.xyz").write_text("ignored: unsupported suffix")
    return folder


def test_discover_is_recursive_sorted_and_skips_unsupported(corpus):
    names = [p.relative_to(corpus).as_posix() for p in discover([corpus])]
    assert names == ["a_zh.txt", "c_empty.txt", "d_binary.txt", "e_fake.pdf", "sub/b_en.html"]


def test_discover_names_a_missing_input(tmp_path):
    with pytest.raises(IrtagError, match="nothing-here"):
        discover([tmp_path / "nothing-here"])


def test_run_without_tagging_records_failures_and_keeps_going(corpus, tmp_path):
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["run", str(corpus), "-o", str(out), "--no-tag", "--quiet"])
    assert result.exit_code == 0, result.output
    errors = pd.read_csv(out / "errors.csv", encoding="utf-8-sig")
    assert sorted(p.split("/")[-1] for p in errors["path"]) == ["c_empty.txt", "d_binary.txt", "e_fake.pdf"]
    for path, message in zip(errors["path"], errors["error"]):
        assert path in message and "\n" not in message  # one line naming the file
    sentences = pd.read_csv(out / "sentences.csv", encoding="utf-8-sig")
    assert set(sentences["lang"]) == {"zh", "en"}
    docs = sorted((out / "docs").glob("*.jsonl"))
    assert len(docs) == 2
    assert {read_document_jsonl(p).lang for p in docs} == {"zh", "en"}
    assert not list(out.rglob("*.tmp"))  # nothing half-written left behind
    assert "2/5 documents" in result.output


def test_same_input_gives_the_same_output(corpus, tmp_path):
    runs = []
    for name in ("one", "two"):
        out = tmp_path / name
        CliRunner().invoke(cli, ["run", str(corpus), "-o", str(out), "--no-tag", "--quiet"])
        runs.append((out / "sentences.csv").read_bytes())
    assert runs[0] == runs[1]


def test_a_stage_that_returns_something_else_is_named():
    pipeline = Pipeline([("broken", lambda doc: None)])
    with pytest.raises(TypeError, match="broken"):
        pipeline(Document(id="x", source="x", format="txt", lang="en", text=""))


def test_a_crashing_document_does_not_end_the_batch(corpus):
    def boom(doc):
        if doc.lang == "zh":
            raise RuntimeError("stage bug")
        return doc

    outcomes = list(process_many(discover([corpus]), lambda: Pipeline([("boom", boom)])))
    failed = {o.path.name: o.error for o in outcomes if not o.ok}
    assert "stage bug" in failed["a_zh.txt"] and "a_zh.txt" in failed["a_zh.txt"]
    assert [o.path.name for o in outcomes if o.ok] == ["b_en.html"]


def test_a_file_over_the_time_budget_is_stopped_and_reported_and_the_batch_goes_on(tmp_path):
    import time

    from pipeline.config import RunConfig

    corpus = tmp_path / "in"
    corpus.mkdir()
    (corpus / "a_slow.txt").write_text("联合国与欧盟开展合作。慢。\n", encoding="utf-8")
    (corpus / "b_fast.txt").write_text("联合国与欧盟开展合作。\n", encoding="utf-8")

    def stage(doc):
        if "慢" in doc.text:
            time.sleep(30)  # what a pathological input does to a stage
        return doc

    config = RunConfig.load(time_limit_s=0.5)
    started = time.perf_counter()
    outcomes = list(process_many(discover([corpus]), lambda: Pipeline([("stage", stage)], config=config)))
    assert time.perf_counter() - started < 20  # a hang guard: the slow file was stopped, not waited for
    assert [o.path.name for o in outcomes] == ["a_slow.txt", "b_fast.txt"]
    assert outcomes[0].error.startswith("[E097]") and "a_slow.txt" in outcomes[0].error
    assert outcomes[1].ok

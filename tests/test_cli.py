"""Every command through click's CliRunner, as sqlite-utils tests its CLI: state set up through
the library, the command invoked, the result checked through the library again."""

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from conftest import TINY_GOLD
from pipeline.cli import cli
from pipeline.io import iter_documents

SEED = Path("corpora/seeds/000_9f64368454bbccda.txt")


def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


@pytest.fixture(scope="module")
def run_out(tmp_path_factory, tiny_models):
    out = tmp_path_factory.mktemp("run")
    result = invoke("run", SEED, "-o", out, "--models", tiny_models, "--quiet")
    assert result.exit_code == 0, result.output
    return out


def test_run_writes_the_outputs_and_its_config(run_out, tiny_models):
    assert {"sentences.csv", "errors.csv", "documents.csv", "project.qdpx", "report.html", "config.json"} <= {
        p.name for p in run_out.iterdir()}
    config = json.loads((run_out / "config.json").read_text(encoding="utf-8"))
    assert config["paths"]["models"] == str(tiny_models)
    assert [d.source for d in iter_documents(run_out)] == [str(SEED)]


def test_run_without_models_says_how_to_train(tmp_path):
    result = invoke("run", SEED, "-o", tmp_path / "out", "--models", tmp_path / "none", "--quiet")
    assert result.exit_code == 1
    assert "Error: [E093]" in result.output and "irtag train" in result.output
    assert not (tmp_path / "none").exists()


def test_run_with_an_existing_file_as_output_is_one_line(tmp_path):
    target = tmp_path / "out.txt"
    target.write_text("x", encoding="utf-8")
    result = invoke("run", SEED, "-o", target, "--no-tag", "--quiet")
    assert result.exit_code == 1 and "Error: [E094]" in result.output and "Traceback" not in result.output


def test_run_fails_when_no_input_could_be_read(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "empty.txt").write_text("", encoding="utf-8")
    result = invoke("run", tmp_path / "in", "-o", tmp_path / "out", "--no-tag", "--quiet")
    assert result.exit_code == 1 and "Error: [E095]" in result.output
    assert "empty.txt" in (tmp_path / "out" / "errors.csv").read_text(encoding="utf-8-sig")


@pytest.mark.parametrize("suffix", [".md", ".markdown", ".htm"])
def test_run_finds_every_suffix_a_reader_reads(tmp_path, suffix):
    (tmp_path / "in").mkdir()
    body = "<p>联合国与欧盟开展合作。</p>" if suffix == ".htm" else "联合国与欧盟开展合作。\n"
    (tmp_path / "in" / f"a{suffix}").write_text(body, encoding="utf-8")
    result = invoke("run", tmp_path / "in", "-o", tmp_path / "out", "--no-tag", "--quiet")
    assert result.exit_code == 0, result.output
    assert len(list(iter_documents(tmp_path / "out"))) == 1


def test_compare_rewrites_the_tables(run_out):
    (run_out / "documents.csv").unlink()
    result = invoke("compare", run_out)
    assert result.exit_code == 0 and "documents.csv" in result.output
    assert len(pd.read_csv(run_out / "documents.csv", encoding="utf-8-sig")) == 1


def test_suggest_lists_the_least_certain_and_guards_its_csv(run_out, tiny_models, tmp_path):
    result = invoke("suggest", run_out, "-n", 5, "--models", tiny_models, "--csv", tmp_path / "s.csv")
    assert result.exit_code == 0, result.output
    table = pd.read_csv(tmp_path / "s.csv", encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert len(table) == 5 and table["margin"].astype(float).is_monotonic_increasing


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_tag_then_evaluate(tmp_path, tiny_models, lang):
    gold = pd.concat([pd.read_csv(p, dtype=str, keep_default_na=False) for p in sorted(TINY_GOLD.glob("*.csv"))])
    gold = gold[gold["lang"] == lang]
    gold.to_csv(tmp_path / "gold.csv", index=False)
    result = invoke("tag", tmp_path / "gold.csv", "--lang-column", "lang", "--models", tiny_models,
                    "-o", tmp_path / "tagged.csv")
    assert result.exit_code == 0 and f"tagged {len(gold)} rows" in result.output
    result = invoke("evaluate", "--sentences", tmp_path / "tagged.csv", "--gold", tmp_path / "gold.csv",
                    "--json", tmp_path / "scores.json")
    assert result.exit_code == 0, result.output
    summary = json.loads((tmp_path / "scores.json").read_text(encoding="utf-8"))["summary"]
    assert {row["system"] for row in summary} == {"fused", "lexicon", "classifier"}
    assert {row["lang"] for row in summary} == {lang}


def test_evaluate_needs_something_to_score():
    result = invoke("evaluate")
    assert result.exit_code == 2 and "--sentences and --gold" in result.output


def test_train_writes_models_and_their_manifest(tmp_path):
    result = invoke("train", "--gold", TINY_GOLD, "-o", tmp_path / "m")
    assert result.exit_code == 0 and "trained 4 models" in result.output
    assert json.loads((tmp_path / "m" / "manifest.json").read_text(encoding="utf-8"))["meta"]["gold"]
    result = invoke("train", "--gold", TINY_GOLD, "-o", tmp_path / "m", "--if-stale")
    assert result.exit_code == 0 and "up to date" in result.output


def test_agreement_of_a_filled_sheet(tmp_path):
    sheet = pd.DataFrame({"sent_id": ["a", "b"], "text": ["x", "y"], "factor": ["push", ""],
                          "coder_factor": ["push", "pull"]})
    sheet.to_csv(tmp_path / "sheet.csv", index=False)
    result = invoke("agreement", tmp_path / "sheet.csv", "--csv", tmp_path / "a.csv")
    assert result.exit_code == 0, result.output
    table = pd.read_csv(tmp_path / "a.csv", encoding="utf-8-sig")
    push = table[(table["scheme"] == "factor") & (table["label"] == "push")].iloc[0]
    assert push["percent"] == 1.0


def test_codebook_prints_and_checks(tmp_path):
    result = invoke("codebook")
    assert result.exit_code == 0 and "factor" in result.output and "actors:" in result.output
    assert invoke("codebook", "--check").output.strip().endswith("0 problem(s)")
    broken = tmp_path / "lexicons"
    shutil.copytree(Path("lexicons"), broken)
    (broken / "factor.yaml").write_text("scheme: factor\nconcepts:\n  - id: x\n", encoding="utf-8")
    result = invoke("codebook", "--check", "--lexicons", broken)
    assert result.exit_code == 1 and "factor.yaml:" in result.output


@pytest.mark.parametrize("errno_name", ["ENOSPC", "EACCES"])
def test_a_full_disk_or_an_unwritable_folder_is_one_line_and_leaves_no_partial_file(tmp_path, monkeypatch, errno_name):
    import errno
    import os

    def refuse(src, dst):
        raise OSError(getattr(errno, errno_name), os.strerror(getattr(errno, errno_name)), str(dst))

    monkeypatch.setattr(os, "replace", refuse)
    result = invoke("run", SEED, "-o", tmp_path / "out", "--no-tag", "--quiet")
    assert result.exit_code == 1 and "Error: [E096]" in result.output and "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert not list((tmp_path / "out").rglob("*.tmp"))

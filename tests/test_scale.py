"""Batch at scale: a killed run resumes to the same bytes, reruns take what is done, and the
outputs are the same for any number of workers and on the Dask backend."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import cli
from pipeline.config import RunConfig
from pipeline.resume import CACHE_DIR, run_fingerprint

ROOT = Path(__file__).resolve().parent.parent
#: Files whose bytes are not compared: config.json records --workers and --backend; the xlsx
#: workbook's core.xml carries the time it was written (pipeline/export/tables.py).
NOT_COMPARED = {"config.json"}  # it records --workers and --backend

ZH = ["联合国与欧盟在维和领域开展合作。", "欧盟向联合国提供资金和部队。", "非政府组织参与政策制定。",
      "双方签署协议并共同执行项目。", "东盟秘书处负责信息共享。"]
EN = ["The United Nations relies on the European Union for troops.", "NGOs lobby delegations at the summit.",
      "The two agencies signed an agreement and implemented the programme jointly.",
      "The World Bank provides funding to the regional organisation.", "Member states share information."]


def write_corpus(folder: Path, count: int, sentences: int = 12) -> Path:
    """``count`` small articles, Chinese and English in turn, each its own mix of sentences."""
    folder.mkdir(parents=True, exist_ok=True)
    for index in range(count):
        pool = ZH if index % 2 == 0 else EN
        text = " ".join(pool[(index + k * 3) % len(pool)] for k in range(sentences))
        (folder / f"article_{index:03d}.txt").write_text(f"Article {index}\n\n{text}\n", encoding="utf-8")
    return folder


def run(inputs: Path, out: Path, models: Path, *extra: str):
    result = CliRunner().invoke(cli, ["run", str(inputs), "-o", str(out), "--models", str(models), "--quiet", *extra])
    assert result.exit_code == 0, result.output
    return result


def tree(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file() and p.name not in NOT_COMPARED}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return write_corpus(tmp_path_factory.mktemp("scale") / "in", 16)


@pytest.fixture(scope="module")
def reference(corpus, tiny_models, tmp_path_factory):
    """The outputs of one uninterrupted run with one worker."""
    out = tmp_path_factory.mktemp("reference") / "out"
    run(corpus, out, tiny_models, "--workers", "1")
    return tree(out)


def test_the_run_writes_every_output_and_its_cache(reference, corpus):
    for name in ("sentences.csv", "sentences.parquet", "annotations.jsonl", "documents.csv", "project.qdpx",
                 "report.html", "manifest.json"):
        assert name in reference
    assert sum(name.startswith(f"{CACHE_DIR}/") for name in reference) == len(list(corpus.glob("*.txt")))
    assert sum(name.startswith("docs/") for name in reference) == len(list(corpus.glob("*.txt")))


def test_a_run_killed_half_way_resumes_to_the_same_bytes(corpus, tiny_models, reference, tmp_path):
    out = tmp_path / "out"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "pipeline.cli", "run", str(corpus), "-o", str(out), "--models",
               str(tiny_models), "--workers", "1", "--quiet"]
    process = subprocess.Popen(command, env=env, cwd=ROOT, start_new_session=True,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    half = len(list(corpus.glob("*.txt"))) // 2
    deadline = time.monotonic() + 300
    while process.poll() is None and time.monotonic() < deadline:
        if (out / "docs").is_dir() and len(list((out / "docs").glob("*.jsonl"))) >= half:
            os.killpg(process.pid, signal.SIGKILL)
            break
        time.sleep(0.02)
    process.wait()
    assert process.returncode == -signal.SIGKILL, "the run ended before it could be killed"
    assert not (out / "report.html").exists()
    done = len(list((out / CACHE_DIR).glob("*.jsonl")))
    assert half <= done < len(list(corpus.glob("*.txt")))

    result = run(corpus, out, tiny_models, "--workers", "1")
    assert f"{done} already done" in result.output
    assert tree(out) == reference


def test_two_workers_write_the_same_bytes_as_one(corpus, tiny_models, reference, tmp_path):
    run(corpus, tmp_path / "out", tiny_models, "--workers", "2")
    assert tree(tmp_path / "out") == reference


def test_a_rerun_takes_what_is_done_and_redoes_what_changed(corpus, tiny_models, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    for path in sorted(corpus.glob("*.txt"))[:4]:
        (folder / path.name).write_bytes(path.read_bytes())
    out = tmp_path / "out"
    run(folder, out, tiny_models, "--workers", "1")
    write_corpus(tmp_path / "more", 6)
    (folder / "article_005.txt").write_bytes((tmp_path / "more" / "article_005.txt").read_bytes())
    (folder / "article_001.txt").write_text("联合国秘书处与非盟协调政策。\n", encoding="utf-8")
    result = run(folder, out, tiny_models, "--workers", "1")
    assert "1 new, 1 redone (changed bytes or settings), 3 already done" in result.output
    fresh = tmp_path / "fresh"
    run(folder, fresh, tiny_models, "--workers", "1")
    assert tree(out) == tree(fresh)  # and the old result of the changed file is gone


@pytest.mark.parametrize("name", ["factor.yaml", "domain_terms.txt"])
def test_changing_a_lexicon_changes_every_key(tmp_path, tiny_models, name):
    lexicons = tmp_path / "lexicons"
    subprocess.run(["cp", "-r", str(ROOT / "lexicons"), str(lexicons)], check=True)
    config = RunConfig.load(lexicons=lexicons, models=tiny_models)
    before = run_fingerprint(config, True)
    assert run_fingerprint(config.replace(workers=7), True) == before  # batch settings change no result
    target = next(lexicons.rglob(name))
    target.write_text(target.read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8")
    assert run_fingerprint(config, True) != before


def test_the_dask_backend_writes_the_same_bytes(corpus, tiny_models, reference, tmp_path):
    pytest.importorskip("distributed")
    run(corpus, tmp_path / "out", tiny_models, "--backend", "dask", "--workers", "2")
    assert tree(tmp_path / "out") == reference


def test_a_scheduler_without_the_dask_backend_is_a_warning(tmp_path):
    from pipeline.batch import run_corpus

    config = RunConfig.load(scheduler="tcp://127.0.0.1:1", workers=1)
    with pytest.warns(UserWarning, match=r"\[W070\]"):
        run_corpus([write_corpus(tmp_path / "in", 1)], tmp_path / "out", config, tag=False)


def test_an_unknown_backend_is_an_error(tmp_path):
    from pipeline.batch import run_corpus
    from pipeline.errors import IrtagError

    with pytest.raises(IrtagError, match=r"\[E130\].*nowhere"):
        run_corpus([write_corpus(tmp_path / "in", 1)], tmp_path / "out", RunConfig.load(backend="nowhere"), tag=False)

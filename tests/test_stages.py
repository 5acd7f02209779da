"""The pipeline built from config (pipeline.stages) and the public API (pipeline)."""

import json
import warnings

import pytest

from conftest import TINY_GOLD
from pipeline.config import RunConfig
from pipeline.errors import IrtagError

SEED = "corpora/seeds/000_9f64368454bbccda.txt"


def test_the_readme_example_runs(tiny_models):
    from pipeline import RunConfig, load, read_document

    nlp = load(RunConfig.load(models=tiny_models, gold=TINY_GOLD))
    doc = nlp(read_document(SEED))
    assert nlp.stage_names == ["segment", "annotate"]
    assert any(s.labels_for("stage") for s in doc.coded_sentences())
    assert doc.to_json() == nlp.process_file(SEED).to_json()


def test_without_models_load_says_how_to_train_and_writes_nothing(tmp_path):
    from pipeline import load

    folder = tmp_path / "models"
    with pytest.raises(IrtagError, match=r"\[E093\].*irtag train"):
        load(RunConfig.load(models=folder))
    assert not folder.exists()


def test_models_trained_on_other_data_warn_when_loaded(tiny_models, tmp_path):
    from pipeline import load

    other_gold = tmp_path / "gold"
    other_gold.mkdir()
    for path in TINY_GOLD.glob("*.csv"):
        (other_gold / path.name).write_text(path.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        load(RunConfig.load(models=tiny_models, gold=other_gold))
    assert any("[W040]" in str(w.message) and "fingerprint" in str(w.message) for w in caught)


def test_train_if_stale_keeps_current_models(tiny_models):
    from pipeline.training import train_folder

    before = (tiny_models / "manifest.json").read_bytes()
    assert "up to date" in train_folder(RunConfig.load(gold=TINY_GOLD, models=tiny_models), if_stale=True)
    assert (tiny_models / "manifest.json").read_bytes() == before
    manifest = json.loads(before)
    assert manifest["meta"]["config"] == RunConfig.load().model_record()
    assert manifest["meta"]["gold"] == sorted(p.name for p in TINY_GOLD.glob("*.csv"))


def test_a_stage_that_returns_no_document_is_named():
    from pipeline.stages import Pipeline

    with pytest.raises(TypeError, match=r"\[E020\] stage 'broken'"):
        Pipeline([("broken", lambda doc: None)])(object())

"""The run configuration (pipeline.config): defaults as data, overrides, a resolved record."""

import json

import pytest

from pipeline.config import PROJECT_ROOT, RunConfig
from pipeline.errors import IrtagError


def test_defaults_come_from_the_shipped_yaml():
    config = RunConfig.load()
    assert config.lexicons == PROJECT_ROOT / "lexicons"
    assert config.models == PROJECT_ROOT / "outputs" / "models"
    assert config.segmenter == "rjieba" and config.max_size_mb == 50 and config.random_state == 0
    assert [(t.name, t.factory) for t in config.taggers] == [("lexicon", "lexicon"), ("classifier", "linear")]
    assert config.fusion.factory == "stacker"


def test_a_yaml_file_overrides_section_by_section(tmp_path):
    path = tmp_path / "run.yaml"
    path.write_text("ingest:\n  max_size_mb: 5\nsegment:\n  engine: rjieba\npaths:\n  models: m\n", encoding="utf-8")
    config = RunConfig.load(path)
    assert (config.max_size_mb, config.segmenter, config.pdf_engine) == (5.0, "rjieba", "pdfplumber")
    assert str(config.models) == "m"


def test_keyword_overrides_win_and_none_keeps_the_value():
    config = RunConfig.load(workers=3, models=None, pdf_engine="pypdfium2")
    assert (config.workers, config.pdf_engine) == (3, "pypdfium2")
    assert config.models == RunConfig.load().models


@pytest.mark.parametrize("text, problem", [("colour: red\n", "unknown key 'colour'"),
                                           ("ingest: [1, 2\n", ":"),
                                           ("- a list\n", "a config is a mapping")])
def test_a_bad_config_is_an_error_naming_the_file(tmp_path, text, problem):
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(IrtagError, match=r"\[E092\]") as err:
        RunConfig.load(path)
    assert problem in str(err.value)


def test_the_resolved_config_is_json_and_rebuilds_the_same_config(tmp_path):
    config = RunConfig.load(max_size_mb=7)
    data = json.loads(json.dumps(config.to_dict()))
    assert RunConfig.from_dict(data) == config


def test_the_model_record_leaves_out_what_does_not_change_a_model():
    assert RunConfig.load(workers=4, pdf_engine="pypdfium2").model_record() == RunConfig.load().model_record()
    assert RunConfig.load(random_state=1).model_record() != RunConfig.load().model_record()

"""The stacker: inputs per label, fitting on out-of-fold probabilities, saving, and the fusion component."""

import numpy as np
import pytest

from conftest import TINY_GOLD, make_annotator
from pipeline.config import RunConfig
from pipeline.stages import build_annotator
from pipeline.tag.features import SentenceFeatures
from pipeline.tag.linear import SentenceClassifier
from pipeline.tag.stacker import INPUTS, fit_stacker, stack_inputs, stacked_proba
from pipeline.training import train


def _x(lang, hit=None, context=(), negated=False):
    text = "非政府组织寻求资金" if lang == "zh" else "ngos seek funding"
    return SentenceFeatures(text, lang, tuple(text.split()), (f"hit:factor:{hit}",) if hit else (),
                            negated=negated, context=tuple(context))


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_inputs_read_hits_negation_and_the_neighbours(lang):
    X = [_x(lang, "push", negated=True), _x(lang, context=("prev:hit:factor:pull", "anaphora&prev:hit:factor:pull"))]
    inputs = stack_inputs(np.array([[0.5, 0.9], [0.2, 0.5]]), X, "factor", ["pull", "push"])
    column = {name: k for k, name in enumerate(INPUTS)}
    assert inputs.shape == (2, 2, len(INPUTS))
    assert inputs[0, 1, column["hit"]] == 1 and inputs[0, 1, column["negated_hit"]] == 1
    assert inputs[0, 0, column["other_hit"]] == 1 and inputs[0, 1, column["other_hit"]] == 0
    assert inputs[1, 0, column["prev_hit"]] == 1 and inputs[1, 0, column["continued_hit"]] == 1
    assert inputs[1, 1, column["logit"]] == pytest.approx(0.0)


def test_fit_learns_that_a_hit_matters_and_outputs_probabilities():
    rng = np.random.default_rng(0)
    X = [_x("en" if i % 2 else "zh", "push" if i % 3 == 0 else None) for i in range(120)]
    truth = np.array([[int(i % 3 == 0)] for i in range(120)])
    oof = rng.uniform(0.3, 0.7, size=(120, 1))  # an uninformative classifier: the hit decides
    stacker = fit_stacker(oof, truth, X, "factor", ["push"], [i % 6 for i in range(120)], [x.lang for x in X])
    assert stacker["inputs"] == list(INPUTS)
    assert stacker["coef"][0][INPUTS.index("hit")] > 1
    proba = stacked_proba(stacker, oof, X, "factor", ["push"])
    assert ((proba >= stacker["thresholds"][0]) == truth.astype(bool)).all()
    assert ((proba > 0) & (proba < 1)).all()
    assert stacker["use"] == [True]
    # where the fusion rule is already perfect on the same rows, the stacker does not replace it
    perfect = fit_stacker(oof, truth, X, "factor", ["push"], [i % 6 for i in range(120)], [x.lang for x in X],
                          rule_fired=truth.astype(bool))
    assert perfect["use"] == [False]


@pytest.fixture(scope="module")
def models(segmenter, lexicon):
    return train(TINY_GOLD, segmenter, lexicon, random_state=0)


def test_stacker_is_saved_as_json_and_loaded(tmp_path, models):
    model = models["factor"]
    assert model.stacker_ is not None and len(model.stacker_["coef"]) == len(model.classes_)
    loaded = SentenceClassifier.load(model.save(tmp_path))
    assert loaded.stacker_ == model.stacker_


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_stacker_fusion_is_selectable_and_deterministic(tmp_path, models, segmenter, lexicon, lang):
    config_file = tmp_path / "stacker.yaml"
    config_file.write_text("fusion:\n  factory: stacker\n  module: pipeline.tag.stacker\n"
                           "  params: {classifier: classifier, evidence: lexicon}\n", encoding="utf-8")
    stacked = build_annotator(RunConfig.load(config_file), lexicon, segmenter, models)
    rules = make_annotator(lexicon, models, segmenter)
    texts = (["非政府组织游说政府。", "联合国依靠非政府组织的专业知识。"] if lang == "zh"
             else ["NGOs lobby the government.", "The UN relies on NGO expertise."])
    first = stacked.tag_rows(texts, [lang] * 2)
    assert first == stacked.tag_rows(texts, [lang] * 2)
    assert len(first) == len(rules.tag_rows(texts, [lang] * 2)) == 2

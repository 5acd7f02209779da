"""The tagger registry (pipeline.tag) and the runtime that builds taggers from config."""

import pytest

from conftest import make_annotator
from pipeline.config import RunConfig, TaggerSpec
from pipeline.errors import IrtagError
from pipeline.stages import build_annotator
from pipeline.tag import create, register, registered
from pipeline.tag.base import Scores, Tagger


def test_builtin_taggers_register_when_their_module_is_named():
    for spec in RunConfig.load().taggers:
        create(spec.factory, module=spec.module, **({"lexicon": None} if spec.factory == "lexicon" else {"models": {}}))
    assert {"lexicon", "linear", "fusion", "stacker"} <= set(registered())


def test_an_unknown_factory_lists_the_registered_ones():
    with pytest.raises(IrtagError, match=r"\[E091\] unknown tagger factory 'nope'; registered: .*lexicon"):
        create("nope")


def test_a_module_that_cannot_be_imported_is_a_coded_error():
    with pytest.raises(IrtagError, match=r"\[E090\].*no_such_module"):
        create("x", module="pipeline.tag.no_such_module")


@register("test_every_sentence_is_evaluation")
class EveryEvaluation(Tagger):
    """A tagger written for this test: one new class and one config entry make it a system."""

    def __init__(self, *, lexicon):
        self.lexicon = lexicon

    def __call__(self, sentences, previous):
        import numpy as np

        labels = tuple(self.lexicon.labels("stage"))
        fired = np.zeros((len(sentences), len(labels)), dtype=bool)
        fired[:, labels.index("evaluation")] = True
        return Scores(labels={"stage": labels}, values={"stage": fired.astype(float)}, fired={"stage": fired})


def test_a_new_tagger_is_one_class_and_one_config_entry(lexicon, segmenter):
    base = RunConfig.load()
    config = base.replace(taggers=(*base.taggers, TaggerSpec("always", "test_every_sentence_is_evaluation")))
    annotator = build_annotator(config, lexicon, segmenter, models={})
    assert annotator.systems == ["fused", "lexicon", "classifier", "always"]
    table = annotator.tag_table(__import__("pandas").DataFrame({"sent_id": ["a"], "text": ["联合国与欧盟。"]}), lang="zh")
    assert table.loc[0, "stage__always"] == "evaluation"
    assert table.loc[0, "stage"] == ""  # the fusion reads the classifier and the lexicon only


def test_parameters_in_the_config_reach_the_tagger(lexicon, segmenter):
    annotator = make_annotator(lexicon, {}, segmenter)
    linear = annotator.taggers[1]
    assert linear.features_from == "lexicon" and linear.requires == ("lexicon",)
    assert (annotator.fusion.classifier, annotator.fusion.evidence) == ("classifier", "lexicon")

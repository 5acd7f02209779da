"""Fixtures shared by the classifier and annotator tests: a stand-in lexicon and a segmenter
that knows its words, so those tests do not depend on the shipped lexicons' contents."""

from pathlib import Path

import pytest

from fixtures.classify.tinylex import TinyLexicon
from pipeline.config import RunConfig
from pipeline.segment import Segmenter
from pipeline.stages import build_annotator

TINY_GOLD = Path(__file__).parent / "fixtures" / "classify" / "gold"


@pytest.fixture(scope="session")
def lexicon():
    return TinyLexicon()


@pytest.fixture(scope="session")
def segmenter(lexicon):
    return Segmenter(extra_words=lexicon.zh_terms())


def make_annotator(lexicon, models, segmenter):
    """The default config's taggers over a given lexicon and models (trained in memory)."""
    return build_annotator(RunConfig.load(), lexicon, segmenter, models)


@pytest.fixture(scope="session")
def tiny_models(tmp_path_factory):
    """A model folder trained by ``irtag train`` on the tiny gold with the project's lexicons,
    so commands that tag can run on a fresh checkout (where outputs/models does not exist)."""
    from pipeline.training import train_folder

    folder = tmp_path_factory.mktemp("models")
    train_folder(RunConfig.load(gold=TINY_GOLD, models=folder))
    return folder

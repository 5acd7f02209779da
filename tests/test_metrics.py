"""Scores (pipeline.metrics): per-label F1, averages, grouped folds, bootstrap intervals."""

import math

import numpy as np
import pytest

from pipeline.metrics import (
    LabelScore, bootstrap_macro_f1, f1, group_folds, label_f1_by_lang, macro_f1, micro_f1, score_labels,
)


def test_f1_and_the_averages_by_hand():
    scores = score_labels([{"a"}, {"a", "b"}, set()], [{"a"}, {"b"}, {"b"}], ["a", "b", "c"])
    assert [(s.tp, s.fp, s.fn) for s in scores] == [(1, 1, 0), (1, 0, 1), (0, 0, 0)]
    assert scores[0].f1 == pytest.approx(2 / 3) and scores[1].f1 == pytest.approx(2 / 3)
    assert macro_f1(scores) == pytest.approx(2 / 3)  # 'c' has no support: not averaged
    assert micro_f1(scores) == pytest.approx(f1(2, 1, 1)) == pytest.approx(2 / 3)
    assert math.isnan(macro_f1([LabelScore("c", 0, 2, 0)]))


def test_label_f1_is_averaged_over_the_languages_with_support():
    fired = np.array([True, False, True, False])
    truth = np.array([True, True, False, False])
    langs = np.array(["zh", "zh", "en", "en"])
    assert label_f1_by_lang(fired, truth, langs) == pytest.approx(f1(1, 0, 1))


def test_group_folds_keep_groups_whole_and_never_hold_out_none():
    groups = ["a", "a", "b", "c", None, "b"]
    folds = group_folds(groups, 2)
    for train, test in folds:
        held = {groups[i] for i in test}
        assert None not in held and not held & {groups[i] for i in train}
    assert sorted(i for _, test in folds for i in test) == [0, 1, 2, 3, 5]


def test_a_perfect_tagger_has_a_point_interval():
    gold = [{"a"}, {"b"}, {"a"}, set()]
    assert bootstrap_macro_f1(gold, gold, ["a", "b"], ["p1", "p1", "p2", "p3"]) == (1.0, 1.0)


def test_the_interval_is_reproducible_and_holds_the_estimate():
    rng = np.random.default_rng(1)
    gold = [{"a"} if rng.random() < 0.4 else set() for _ in range(200)]
    pred = [g if rng.random() < 0.8 else ({"a"} - g) for g in gold]
    groups = [i // 10 for i in range(200)]
    low, high = bootstrap_macro_f1(pred, gold, ["a"], groups)
    estimate = macro_f1(score_labels(pred, gold, ["a"]))
    assert low < estimate < high
    assert (low, high) == bootstrap_macro_f1(pred, gold, ["a"], groups)


def test_passages_are_resampled_whole():
    # every error sits in one passage: drawing sentences independently would narrow the interval
    gold = [{"a"}] * 20
    pred = [set()] * 5 + [{"a"}] * 15
    by_passage = bootstrap_macro_f1(pred, gold, ["a"], [0] * 5 + list(range(1, 16)))
    by_sentence = bootstrap_macro_f1(pred, gold, ["a"], list(range(20)))
    assert by_passage[1] - by_passage[0] > 0 and by_sentence[1] - by_sentence[0] > 0
    assert by_passage[0] <= by_sentence[0]


def test_no_support_gives_no_interval():
    assert all(math.isnan(v) for v in bootstrap_macro_f1([{"a"}], [set()], ["a"], ["p"]))

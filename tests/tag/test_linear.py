import json

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

from conftest import TINY_GOLD as GOLD
from pipeline.metrics import group_folds
from pipeline.tag.features import SentenceFeatures, features_for, unit_sentence
from pipeline.tag.fusion import FUSION_CANDIDATES, THRESHOLD_GRID, best_fusion, best_threshold, fuse
from pipeline.tag.linear import SentenceClassifier
from pipeline.training import gold_features, load_models, read_gold, sample_weights, save_models, scheme_labels, train
from pipeline.errors import IrtagError


@pytest.fixture(scope="module")
def models(segmenter, lexicon):
    return train(GOLD, segmenter, lexicon, random_state=0)


@pytest.fixture(scope="module")
def features(segmenter, lexicon):
    rows = read_gold(sorted(GOLD.glob("*.csv")), scheme_labels(lexicon))
    return gold_features(rows, segmenter, lexicon)


def toy_data():
    """Three documents of push / pull sentences, in both languages."""
    X, Y, groups = [], [], []
    for doc in ("d1", "d2", "d3"):
        X += [SentenceFeatures("非政府组织游说", "zh", ("非政府组织", "游说"), ("hit:factor:push",), ("ngo",)),
              SentenceFeatures("un relies on eu", "en", ("un", "rely", "eu"), ("hit:factor:pull",), ("igo",)),
              SentenceFeatures("本文结构", "zh", ("本文", "结构"))]
        Y += [["push"], ["pull"], []]
        groups += [doc] * 3
    return X, Y, groups


def test_constructor_only_stores_params():
    model = SentenceClassifier(scheme="factor", labels=["pull", "push"], C=0.5, char_ngram_range=(2, 4))
    assert model.get_params()["char_ngram_range"] == (2, 4)
    assert clone(model).get_params() == model.get_params()
    assert not hasattr(model, "classes_")


@pytest.mark.parametrize("method", ["predict_proba", "predict", "predict_fused"])
def test_not_fitted_error_before_fit(method):
    X, _, _ = toy_data()
    with pytest.raises(NotFittedError):
        getattr(SentenceClassifier(scheme="factor"), method)(X)


def test_fit_returns_self_with_fitted_attributes():
    X, Y, groups = toy_data()
    model = SentenceClassifier(scheme="factor", labels=["pull", "push"])
    assert model.fit(X, Y, groups=groups) is model
    assert list(model.classes_) == ["pull", "push"]
    assert model.coef_.shape == (2, model.n_features_)
    assert all(t in THRESHOLD_GRID for t in model.thresholds_)
    rules = list(zip(model.fusion_["solo_threshold"], model.fusion_["lexicon_floor"]))
    assert len(rules) == 2 and all(rule in FUSION_CANDIDATES for rule in rules)
    assert model.predict_proba(X).shape == (len(X), 2)
    assert model.predict_labels(X[:3]) == [["push"], ["pull"], []]


@pytest.mark.parametrize("bad", [{"cv_folds": 1}, {"class_weight": "heavy"}, {"scheme": ""}])
def test_fit_validates_params(bad):
    X, Y, groups = toy_data()
    with pytest.raises(ValueError):
        SentenceClassifier(**{"scheme": "factor", **bad}).fit(X, Y, groups=groups)


def test_fit_rejects_unknown_labels():
    X, Y, _ = toy_data()
    with pytest.raises(ValueError, match="unknown factor labels"):
        SentenceClassifier(scheme="factor", labels=["pull"]).fit(X, Y)


def test_label_never_seen_never_fires():
    X, Y, groups = toy_data()
    model = SentenceClassifier(scheme="factor", labels=["pull", "push", "other"]).fit(X, Y, groups=groups)
    assert model.predict_proba(X)[:, 2].max() < 1e-6
    assert model.predict(X)[:, 2].sum() == 0


def test_group_folds_never_hold_out_examples_and_keep_documents_whole():
    groups = ["b", "a", None, "c", "a", None, "b"]
    folds = group_folds(groups, 5)
    assert len(folds) == 3  # one per document
    held = sorted(i for _, test in folds for i in test)
    assert held == [0, 1, 3, 4, 6]  # the None rows (2, 5) are always trained on
    for train_idx, test_idx in folds:
        assert {groups[i] for i in test_idx}.isdisjoint({groups[i] for i in train_idx})
    assert [t.tolist() for _, t in folds] == [t.tolist() for _, t in group_folds(groups, 5)]


def test_fuse_rule():
    proba = np.array([[0.9, 0.3, 0.1], [0.2, 0.04, 0.6]])
    thresholds = np.array([0.5, 0.5, 0.5])
    hits = np.array([[0, 1, 1], [1, 1, 0]])
    assert fuse(proba, thresholds, hits).tolist() == [[1, 0, 0], [0, 0, 1]]  # classifier alone
    assert fuse(proba, thresholds, hits, 0.2).tolist() == [[1, 1, 0], [1, 0, 1]]
    assert fuse(proba, thresholds, hits, 0.0).tolist() == [[1, 1, 1], [1, 1, 1]]  # union
    assert fuse(proba, thresholds, hits, 0.0, 1.01).tolist() == hits.tolist()  # lexicon alone
    assert fuse(proba, thresholds, hits, 0.2, 0.8).tolist() == [[1, 1, 0], [1, 0, 0]]


def test_fuse_takes_one_rule_per_label():
    proba = np.array([[0.9, 0.3], [0.2, 0.04]])
    hits = np.array([[0, 1], [1, 1]])
    # label 0: lexicon alone; label 1: classifier, or a hit with p >= 0.1
    assert fuse(proba, np.array([0.5, 0.5]), hits, [0.0, 0.1], [1.01, None]).tolist() == [[0, 1], [1, 0]]
    with pytest.raises(ValueError, match="3 fusion settings for 2 labels"):
        fuse(proba, np.array([0.5, 0.5]), hits, [0.0, 0.1, 0.2])


def test_best_fusion_chooses_per_label_and_prefers_the_simpler_rule():
    truth = np.array([[1, 0], [0, 1], [1, 1], [0, 0]] * 3)
    hits = np.array([[1, 1], [0, 1], [1, 0], [0, 1]] * 3)  # right for label 0, noise for label 1
    proba = np.array([[0.3, 0.1], [0.3, 0.9], [0.3, 0.8], [0.3, 0.2]] * 3)  # the reverse
    langs = ["en"] * 12
    rule = best_fusion(proba, truth, np.array([0.5, 0.5]), hits, langs, tolerance=0.0)
    assert (rule["solo_threshold"][0], rule["lexicon_floor"][0]) == (1.01, 0.0)  # lexicon alone
    assert (rule["solo_threshold"][1], rule["lexicon_floor"][1]) == (None, None)  # classifier alone
    # everything ties on a label nobody can get right: the first, simplest rule
    flat = best_fusion(np.zeros((4, 1)), np.array([[1], [0], [0], [0]]), np.array([0.5]), np.zeros((4, 1)), ["en"] * 4)
    assert (flat["solo_threshold"][0], flat["lexicon_floor"][0]) == FUSION_CANDIDATES[0]


def test_threshold_shrinks_toward_one_half_within_tolerance():
    proba = np.array([0.12, 0.11, 0.45, 0.05, 0.9, 0.3])
    truth = np.array([1, 1, 1, 0, 1, 0])
    assert best_threshold(proba, truth) == pytest.approx(0.1)  # best F1 (8/9) only at 0.1
    assert best_threshold(proba, truth, tolerance=0.2) == pytest.approx(0.1)
    assert best_threshold(proba, truth, tolerance=0.25) == pytest.approx(0.45)  # F1 2/3 ties: nearer 0.5


def test_sample_weights_balance_sources_and_languages(lexicon):
    rows = read_gold(sorted(GOLD.glob("*.csv")), scheme_labels(lexicon))
    weights = sample_weights(rows, example_weight=3.0)
    assert weights.mean() == pytest.approx(1.0)
    example = np.array([r.example for r in rows])
    assert weights[example][0] == pytest.approx(3 * weights[~example][0])
    balanced = sample_weights(rows, balance_langs=True)
    langs = np.array([r.lang for r in rows])
    assert balanced[langs == "zh"].sum() == pytest.approx(balanced[langs == "en"].sum())


def test_sample_weight_changes_the_fit_and_is_validated():
    X, Y, groups = toy_data()
    plain = SentenceClassifier(scheme="factor", labels=["pull", "push"]).fit(X, Y, groups=groups)
    heavy = SentenceClassifier(scheme="factor", labels=["pull", "push"]).fit(
        X, Y, groups=groups, sample_weight=[5.0, 1.0, 1.0] * 3)
    assert not np.allclose(plain.predict_proba(X), heavy.predict_proba(X))
    with pytest.raises(ValueError, match="sample_weight"):
        SentenceClassifier(scheme="factor").fit(X, Y, groups=groups, sample_weight=[-1.0] * len(X))


@pytest.mark.parametrize("note,passage", [("hand-written (UN news: floods): headline", "UN news: floods"),
                                          ("hand-written - near-miss", "")])
def test_passage_of_a_hand_written_row_comes_from_its_note(tmp_path, lexicon, note, passage):
    path = tmp_path / "examples_x.csv"
    path.write_text("doc_id,sent_id,lang,text,factor,stage,resource,cooperation,note\n"
                    f'genres_en,g-1,en,NGOs lobby.,push,,,,"{note}"\n', encoding="utf-8")
    (row,) = read_gold([path], scheme_labels(lexicon))
    assert row.example and row.passage == passage
    assert row.cv_group(5) == (f"genres_en|{passage}" if passage else "genres_en#2")


@pytest.mark.parametrize("text,lang", [("非政府组织游说联合国。", "zh"), ("NGOs lobby the UN.", "en")])
def test_concept_features_are_language_independent(text, lang, segmenter, lexicon):
    sentence = unit_sentence(text, lang, segmenter)
    record = features_for(sentence, lexicon.match(sentence), lexicon.match_actors(sentence))
    tokens = record.concept_tokens()
    for expected in ("hit:factor:push", "concept:push.lobby", "org:UN", "actor:igo", "actor:ngo",
                     "actors:igo+ngo", "actor:ngo&hit:factor:push"):
        assert expected in tokens
    assert record.words and all(w == w.lower() for w in record.words)


def test_training_is_deterministic(segmenter, lexicon, features, models):
    again = train(GOLD, segmenter, lexicon, random_state=0)
    for scheme, model in models.items():
        assert np.array_equal(model.predict_proba(features), again[scheme].predict_proba(features))
        assert np.array_equal(model.thresholds_, again[scheme].thresholds_)
        assert model.fusion_ == again[scheme].fusion_


def test_trained_models_cover_the_codebook(models, lexicon):
    assert list(models) == ["factor", "stage", "resource", "cooperation"]
    for scheme, model in models.items():
        assert list(model.classes_) == lexicon.labels(scheme)


def test_english_carries_over_through_concepts(models, segmenter, lexicon):
    sentence = unit_sentence("Civil society NGOs lobby the EU for funding.", "en", segmenter)
    record = features_for(sentence, lexicon.match(sentence), lexicon.match_actors(sentence))
    assert "push" in models["factor"].predict_labels([record])[0]
    assert "funding" in models["resource"].predict_labels([record])[0]


def test_save_load_round_trip_gives_identical_probabilities(tmp_path, models, features):
    save_models(models, tmp_path)
    loaded = load_models(tmp_path)
    assert list(loaded) == list(models)
    for scheme, model in models.items():
        assert loaded[scheme].get_params() == model.get_params()
        assert np.array_equal(loaded[scheme].predict_proba(features), model.predict_proba(features))
        assert np.array_equal(loaded[scheme].thresholds_, model.thresholds_)
    assert not list(tmp_path.glob("*.pkl")) and not list(tmp_path.glob("*.joblib"))


def test_edited_coefficient_is_refused(tmp_path, models):
    save_models(models, tmp_path)
    path = tmp_path / "stage.coef.npy"
    coef = np.load(path, allow_pickle=False)
    coef[0, 0] += 1.0
    np.save(path, coef, allow_pickle=False)
    with pytest.raises(IrtagError, match=r"\[E040\].*stage\.coef\.npy"):
        load_models(tmp_path)


def test_edited_threshold_in_json_is_refused(tmp_path, models):
    save_models(models, tmp_path)
    path = tmp_path / "factor.json"
    payload = json.loads(path.read_text(encoding="utf-8"))
    payload["thresholds"][0] = 0.01
    path.write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(IrtagError, match=r"\[E040\].*factor\.json.*checksum"):
        load_models(tmp_path)


def test_truncated_model_file_is_refused(tmp_path, models):
    save_models(models, tmp_path)
    path = tmp_path / "resource.json"
    path.write_bytes(path.read_bytes()[: len(path.read_bytes()) // 2])
    with pytest.raises(IrtagError, match=r"\[E040\].*resource\.json"):
        load_models(tmp_path)


def test_missing_models_folder(tmp_path):
    with pytest.raises(IrtagError, match=r"\[E041\].*manifest\.json"):
        load_models(tmp_path / "nowhere")


def test_unknown_gold_label_names_file_and_line(tmp_path, lexicon):
    path = tmp_path / "bad.csv"
    path.write_text("doc_id,sent_id,lang,text,factor,stage,resource,cooperation,note\n"
                    "d,d-1,en,NGOs lobby.,push,,,,\n"
                    "d,d-2,en,Money.,,,money,,\n", encoding="utf-8")
    with pytest.raises(IrtagError, match=r"\[E042\].*bad\.csv:3: unknown resource label 'money'"):
        read_gold([path], scheme_labels(lexicon))


def test_gold_missing_column(tmp_path, lexicon):
    path = tmp_path / "bad.csv"
    path.write_text("doc_id,sent_id,lang,text,factor,stage\n", encoding="utf-8")
    with pytest.raises(IrtagError, match=r"\[E050\].*resource"):
        read_gold([path], scheme_labels(lexicon))

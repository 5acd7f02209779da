import json
import math
from pathlib import Path

import pandas as pd
import pytest

from fixtures.classify.tinylex import TinyLexicon
from pipeline.errors import IrtagError
from pipeline.evaluate import (
    cross_validate, evaluate_tables, format_report, macro_f1, main, micro_f1, score_labels, summarise,
    term_precision,
)
from pipeline.segment import Segmenter

GOLD = Path(__file__).parent / "fixtures" / "classify" / "gold"
LABELS = {"factor": ["pull", "push"], "resource": ["funding", "personnel", "access"]}


@pytest.fixture
def gold():
    return pd.DataFrame({
        "sent_id": ["z1", "z2", "z3", "e1", "e2", "e3"],
        "lang": ["zh", "zh", "zh", "en", "en", "en"],
        "factor": ["push", "", "pull", "push", "", "push"],
        "resource": ["funding", "funding;personnel", "", "access", "", "funding"],
    })


@pytest.fixture
def pred():
    """e3 has no prediction (counts as empty); x9 is not in the gold; 'bogus' is no label."""
    return pd.DataFrame({
        "sent_id": ["z1", "z2", "z3", "e1", "e2", "x9"],
        "factor": ["push", "push", "", "push;bogus", "pull", "push"],
        "resource": ["funding;access", "funding", "", "", "access", "funding"],
        "factor__lexicon": ["push", "", "pull", "push", "", "push"],
        "resource__lexicon": ["funding", "funding;personnel", "", "access", "", "funding"],
    })


def row(table, system, scheme, lang, label):
    hit = table[(table.system == system) & (table.scheme == scheme) & (table.lang == lang) & (table.label == label)]
    assert len(hit) == 1
    return hit.iloc[0]


def test_per_label_counts_and_scores(pred, gold):
    table = evaluate_tables(pred, gold, labels=LABELS)
    push_zh = row(table, "fused", "factor", "zh", "push")
    assert (push_zh.tp, push_zh.fp, push_zh.fn, push_zh.support) == (1, 1, 0, 1)
    assert push_zh.precision == pytest.approx(0.5) and push_zh.recall == pytest.approx(1.0)
    assert push_zh.f1 == pytest.approx(2 / 3)
    push_en = row(table, "fused", "factor", "en", "push")
    assert (push_en.tp, push_en.fp, push_en.fn) == (1, 0, 1)  # e3 has no prediction row
    assert push_en.f1 == pytest.approx(2 / 3)
    pull_en = row(table, "fused", "factor", "en", "pull")
    assert (pull_en.tp, pull_en.fp, pull_en.fn, pull_en.support) == (0, 1, 0, 0)
    access_zh = row(table, "fused", "resource", "zh", "access")
    assert (access_zh.fp, access_zh.support, access_zh.f1) == (1, 0, 0.0)
    assert set(table.label) == {"pull", "push", "funding", "personnel", "access"}  # 'bogus' ignored


def test_micro_and_macro_follow_the_dev_scoring_rule(pred, gold):
    summary = summarise(evaluate_tables(pred, gold, labels=LABELS), gold)
    got = {(r.system, r.scheme, r.lang): (r.micro_f1, r.macro_f1, r.labels_scored) for r in summary.itertuples()}
    expected = {
        ("fused", "factor", "zh"): (0.5, 1 / 3, 2),        # push 2/3, pull 0
        ("fused", "factor", "en"): (0.5, 2 / 3, 1),        # pull has no en support: not averaged
        ("fused", "resource", "zh"): (2 / 3, 0.5, 2),      # funding 1, personnel 0; access not averaged
        ("fused", "resource", "en"): (0.0, 0.0, 2),        # access 0, funding 0
        ("lexicon", "factor", "zh"): (1.0, 1.0, 2),
        ("lexicon", "factor", "en"): (2 / 3, 2 / 3, 1),    # e3 has no prediction row: push missed
        ("lexicon", "resource", "zh"): (1.0, 1.0, 2),
        ("lexicon", "resource", "en"): (2 / 3, 0.5, 2),    # access 1, funding (e3) 0
    }
    assert set(got) == set(expected)
    for key, (micro, macro, scored) in expected.items():
        assert got[key][0] == pytest.approx(micro), key
        assert got[key][1] == pytest.approx(macro), key
        assert got[key][2] == scored, key
    assert set(summary.sentences) == {3}


def test_score_labels_and_averages():
    scores = score_labels([{"a"}, {"a", "b"}, set()], [{"a"}, set(), {"b"}], ["a", "b", "c"])
    assert [(s.tp, s.fp, s.fn) for s in scores] == [(1, 1, 0), (0, 1, 1), (0, 0, 0)]
    assert micro_f1(scores) == pytest.approx(0.4)  # pooled tp 1, fp 2, fn 1: P 1/3, R 1/2
    assert macro_f1(scores) == pytest.approx(1 / 3)  # a = 2/3, b = 0; c has no support
    assert math.isnan(macro_f1(score_labels([{"a"}], [set()], ["a"])))


def test_duplicate_gold_ids_are_refused(pred, gold):
    gold.loc[1, "sent_id"] = "z1"
    with pytest.raises(IrtagError, match=r"\[E051\].*'z1'"):
        evaluate_tables(pred, gold, labels=LABELS)


def test_missing_scheme_column_is_named(pred, gold):
    with pytest.raises(IrtagError, match=r"\[E050\] predictions: missing column 'resource'"):
        evaluate_tables(pred.drop(columns="resource"), gold, labels=LABELS)


def test_main_writes_csv_and_json(tmp_path, pred, gold):
    pred.to_csv(tmp_path / "pred.csv", index=False)
    gold.to_csv(tmp_path / "gold.csv", index=False, encoding="utf-8-sig")
    report = main(tmp_path / "pred.csv", tmp_path / "gold.csv", csv_out=tmp_path / "out.csv",
                  json_out=tmp_path / "out.json", labels=LABELS)
    assert "macro-F1" in report and "per label: lexicon" in report
    back = pd.read_csv(tmp_path / "out.csv", encoding="utf-8-sig", keep_default_na=False)
    assert len(back) == 2 * 2 * (2 + 3)  # systems x langs x labels
    payload = json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))
    fused_factor_zh = [r for r in payload["summary"]
                       if (r["system"], r["scheme"], r["lang"]) == ("fused", "factor", "zh")]
    assert fused_factor_zh[0]["macro_f1"] == pytest.approx(1 / 3)


def test_cross_validation_tags_every_row_once_with_units_held_out_whole(tmp_path):
    lexicon = TinyLexicon()
    gold = tmp_path / "gold"
    gold.mkdir()
    for path in GOLD.glob("*.csv"):
        (gold / path.name).write_bytes(path.read_bytes())
    (gold / "examples_genres.csv").write_text(
        "doc_id,sent_id,lang,text,factor,stage,resource,cooperation,note\n"
        "g,g-1,en,NGOs lobby the IMF for funding.,push,,funding,,hand-written (blog: debt)\n"
        "g,g-2,en,The UN and the EU hold regular dialogue.,,,,information_sharing,hand-written (blog: debt)\n"
        "g,g-3,zh,欧盟为非盟提供资金。,,,funding,,hand-written (新闻: 资金)\n", encoding="utf-8")
    result = cross_validate(gold, Segmenter(extra_words=lexicon.zh_terms()), lexicon, folds=3)
    tested = result.predictions["sent_id"].tolist()
    assert len(tested) == len(set(tested))
    assert {i.split("-")[0] for i in tested} == {"a", "b", "c", "ex", "g"}  # examples are tested too
    fold = dict(zip(result.predictions["sent_id"], result.predictions["fold"]))
    assert fold["g-1"] == fold["g-2"]  # a hand-written passage is held out whole
    assert len({fold[i] for i in tested if i.startswith("a-")}) == 1  # so is a document
    assert len(set(fold.values())) == 3
    assert set(result.summary.system) == {"fused", "lexicon", "classifier"}
    assert set(result.summary.lang) == {"zh", "en"}
    assert set(result.parts) == {"seed articles", "hand-written passages", "hand-written sentences"}
    assert set(result.parts["hand-written passages"].lang) == {"zh", "en"}
    assert "macro-F1" in format_report(result.table, result.summary)


def test_cross_validation_needs_two_units(tmp_path):
    lexicon = TinyLexicon()
    path = tmp_path / "seed_a.csv"
    path.write_bytes((GOLD / "seed_a.csv").read_bytes())
    with pytest.raises(IrtagError, match=r"\[E054\]"):
        cross_validate(path, Segmenter(extra_words=lexicon.zh_terms()), lexicon)


DEV = Path(__file__).resolve().parents[2] / "shared" / "dev"


@pytest.mark.skipif(not (DEV / "gold.csv").is_file(), reason="../shared/dev not present")
def test_dev_gold_scored_against_itself_is_perfect_and_complete(tmp_path):
    """The dev files' format (ids, ';'-joined cells, label names) is the one evaluate reads: every
    dev label is in the codebook and the gold scored against itself is perfect for every label
    with support, in both languages."""
    main(DEV / "gold.csv", DEV / "gold.csv", json_out=tmp_path / "dev.json")
    rows = json.loads((tmp_path / "dev.json").read_text(encoding="utf-8"))["labels"]
    supported = [r for r in rows if r["support"] > 0 and r["system"] == "fused"]
    assert {r["lang"] for r in supported} == {"en", "zh"}
    assert {r["scheme"] for r in supported} == {"factor", "stage", "resource", "cooperation"}
    assert all(r["f1"] == 1.0 and r["fp"] == 0 for r in supported)
    gold = pd.read_csv(DEV / "gold.csv", dtype=str, keep_default_na=False)
    assert sum(r["support"] for r in supported) == sum(
        len([x for x in gold[s].str.split(";").explode() if x]) for s in ("factor", "stage", "resource", "cooperation"))


def test_term_precision_counts_sentences_and_agreement(tmp_path):
    lexicon = TinyLexicon()
    path = tmp_path / "seed_t.csv"
    path.write_text(
        "doc_id,sent_id,lang,text,factor,stage,resource,cooperation,note\n"
        "t,t-1,en,NGOs lobby and lobby the UN for funding.,push,,funding,,\n"  # 'lobby' twice: one sentence
        "t,t-2,en,NGOs lobby for funding of troops.,,,funding,,\n"  # lobby against the coder
        "t,t-3,zh,欧盟为非盟提供资金。,,,,,\n"  # 资金 against the coder
        "t,t-4,zh,非政府组织争取资金。,push,,funding,,\n", encoding="utf-8")
    from pipeline.training import read_gold

    rows = read_gold([path], {s: lexicon.labels(s) for s in lexicon.schemes})
    table = term_precision(rows, Segmenter(extra_words=lexicon.zh_terms()), lexicon)
    got = {(r.lang, r.term): (r.sentences, r.agree) for r in table.itertuples()}
    assert got == {("en", "lobby"): (2, 1), ("en", "funding"): (2, 2), ("en", "troops"): (1, 0),
                   ("zh", "资金"): (2, 1), ("zh", "争取"): (1, 1)}
    assert table.loc[0, "precision"] == 0.0  # most disagreements (then lowest precision) first: troops
    assert list(table.columns) == ["lang", "scheme", "label", "concept", "term", "sentences", "agree", "precision"]


# -- refusals: gold labels outside the codebook, no ids in common (issue 14) ---------------------
def test_gold_labels_outside_the_codebook_are_refused_listing_every_row(pred, gold):
    gold = gold.assign(factor=["push", "pusj", "", "push;Pull", "", "push"])
    with pytest.raises(IrtagError, match=r"\[E116\] gold: gold label\(s\) outside the codebook row 3 factor 'pusj', "
                                         r"row 5 factor 'Pull'; valid: factor: pull, push"):
        evaluate_tables(pred, gold, labels=LABELS)


def test_no_sentence_id_in_common_is_refused_in_one_line(pred, gold):
    with pytest.raises(IrtagError, match=r"\[E117\] no sentence id \(sent_id\) in common between predictions and gold"):
        evaluate_tables(pred.assign(sent_id=[f"other-{i}" for i in range(len(pred))]), gold, labels=LABELS)


def test_the_report_counts_gold_sentences_without_a_prediction(tmp_path, pred, gold):
    pred.to_csv(tmp_path / "pred.csv", index=False)
    gold.to_csv(tmp_path / "gold.csv", index=False)
    report = main(tmp_path / "pred.csv", tmp_path / "gold.csv", labels=LABELS)
    assert "1 of the 6 gold sentences have no prediction (scored as predicted empty); " \
           "1 prediction(s) not in the gold (ignored)" in report

"""Scoring relations against hand-coded ones, and the `irtag evaluate --relations` command."""

import pandas as pd
import pytest
from click.testing import CliRunner

from pipeline.cli import cli
from pipeline.errors import IrtagError
from pipeline.evaluate_relations import read_gold, relation_key, score

COLUMNS = ["doc_id", "sent_id", "lang", "text", "source", "target", "kind", "label"]
ROWS = [
    ["d1", "d1-1", "zh", "欧盟向联合国提供了维和经费。", "EU", "UN", "provides", "funding"],
    ["d1", "d1-2", "zh", "联合国与非盟签署了合作协议。", "AU", "UN", "cooperates", "agreement"],
    ["d2", "d2-1", "en", "The EU provides funding to the African Union.", "EU", "AU", "provides", "funding"],
    ["d2", "d2-2", "en", "The EU, the AU and ASEAN have secretariats.", "", "", "", ""],
]


def write_gold(folder, rows=ROWS):
    folder.mkdir(exist_ok=True)
    pd.DataFrame(rows, columns=COLUMNS).to_csv(folder / "gold.csv", index=False)
    return folder


def test_cooperation_pairs_have_no_direction_other_kinds_do():
    assert relation_key("s", "UN", "AU", "cooperates", "agreement") == relation_key("s", "AU", "UN", "cooperates", "agreement")
    assert relation_key("s", "UN", "AU", "provides", "funding") != relation_key("s", "AU", "UN", "provides", "funding")


def test_score_counts_per_language_and_kind(tmp_path):
    gold = read_gold(write_gold(tmp_path / "g"))
    predicted = {"d1-1": {relation_key("d1-1", "EU", "UN", "provides", "funding")},
                 "d1-2": {relation_key("d1-2", "UN", "AU", "cooperates", "agreement")},
                 "d2-1": {relation_key("d2-1", "AU", "EU", "provides", "funding")},  # wrong direction
                 "d2-2": {relation_key("d2-2", "EU", "AU", "cooperates", "agreement")}}  # a list: wrong
    rows = {(r["lang"], r["kind"]): r for r in score(gold, predicted)}
    assert rows[("zh", "all")]["precision"] == 1.0 and rows[("zh", "all")]["recall"] == 1.0
    assert rows[("en", "all")]["gold"] == 1 and rows[("en", "all")]["predicted"] == 2
    assert rows[("en", "all")]["correct"] == 0 and rows[("en", "provides")]["recall"] == 0.0


@pytest.mark.parametrize("row", [
    ["d", "d-1", "en", "x", "EU", "", "provides", "funding"],
    ["d", "d-1", "en", "x", "EU", "UN", "gives", "funding"],
])
def test_a_bad_gold_row_is_one_coded_error(tmp_path, row):
    with pytest.raises(IrtagError, match=r"\[E141\].*row 2"):
        read_gold(write_gold(tmp_path / "g", [row]))


def test_a_folder_without_gold_is_an_error(tmp_path):
    with pytest.raises(IrtagError, match=r"\[E140\]"):
        read_gold(tmp_path)


def test_evaluate_relations_tags_and_scores_both_languages(tmp_path, tiny_models):
    gold = write_gold(tmp_path / "g")
    result = CliRunner().invoke(cli, ["evaluate", "--relations", str(gold), "--models", str(tiny_models),
                                      "--csv", str(tmp_path / "scores.csv")])
    assert result.exit_code == 0, result.output
    table = pd.read_csv(tmp_path / "scores.csv", encoding="utf-8-sig")
    assert set(table["lang"]) == {"zh", "en"}
    assert set(table["kind"]) == {"all", "seeks", "provides", "cooperates"}
    assert table.loc[(table["lang"] == "zh") & (table["kind"] == "all"), "gold"].item() == 2
    assert (table["correct"] <= table["predicted"]).all() and (table["correct"] <= table["gold"]).all()

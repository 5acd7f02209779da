"""Scoring organisation mentions (pipeline.evaluate_actors, irtag evaluate --actors)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from pipeline.cli import cli
from pipeline.errors import IrtagError
from pipeline.evaluate_actors import Mention, gold_mentions, map_ids, mention_errors, score_mentions, tag_mentions

DEV = Path(__file__).resolve().parents[2] / "shared" / "dev"


def m(sent_id: str, start: int, end: int, org_id: str, org_type: str, lang: str = "en") -> Mention:
    return Mention(sent_id, lang, start, end, org_id, org_type)


def test_ids_are_mapped_one_to_one_most_frequent_first():
    gold = [m("a", 0, 2, "UN", "igo"), m("b", 0, 2, "UN", "igo"), m("c", 0, 2, "UN", "igo"), m("d", 0, 2, "EU", "regional")]
    pred = [m("a", 0, 2, "X", "igo"), m("b", 0, 2, "X", "igo"), m("c", 0, 2, "Y", "igo"), m("d", 0, 2, "Y", "regional")]
    # X labels UN twice, Y labels UN once and EU once: X takes UN, Y gets what is left (EU)
    assert map_ids(pred, gold) == {"X": "UN", "Y": "EU"}


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_mention_is_right_with_its_span_type_and_mapped_id(lang):
    gold = [m("s1", 0, 3, "UN", "igo", lang), m("s1", 5, 9, "", "ngo", lang), m("s2", 0, 2, "AU", "regional", lang),
            m("s2", 4, 8, "", "state", lang)]
    pred = [m("s1", 0, 3, "U", "igo", lang),      # right: U is mapped onto UN
            m("s1", 5, 9, "", "ngo", lang),       # right: both generic
            m("s2", 0, 2, "A", "igo", lang),      # wrong type
            m("s2", 4, 7, "", "state", lang),     # wrong span
            m("s2", 10, 12, "B", "igo", lang)]    # not in the gold
    table = score_mentions(pred, gold, ["igo", "regional", "ngo", "state"])
    row = table[(table["lang"] == lang) & (table["type"] == "all")].iloc[0]
    assert (row["gold"], row["predicted"], row["correct"]) == (4, 5, 2)
    assert row["precision"] == pytest.approx(2 / 5) and row["recall"] == pytest.approx(2 / 4)
    assert row["f1"] == pytest.approx(2 * 0.4 * 0.5 / 0.9)
    by_type = table[table["lang"] == lang].set_index("type")
    assert list(by_type.index) == ["all", "igo", "regional", "ngo", "state"]
    assert (by_type.loc["regional", "gold"], by_type.loc["regional", "predicted"], by_type.loc["regional", "f1"]) == (1, 0, 0.0)
    assert by_type.loc["igo", "precision"] == pytest.approx(1 / 3)


def test_a_generic_prediction_never_matches_a_named_gold_mention():
    gold = [m("s", 0, 3, "UN", "igo")]
    assert score_mentions([m("s", 0, 3, "", "igo")], gold)["correct"].tolist() == [0, 0]
    errors = mention_errors([m("s", 0, 3, "", "igo")], gold)
    assert sorted(errors["error"]) == ["missed", "wrong"]


def gold_table(rows: list[tuple]) -> pd.DataFrame:
    columns = ["doc_id", "sent_id", "lang", "surface", "start", "end", "id", "type", "generic", "parent"]
    return pd.DataFrame([[str(v) for v in r] for r in rows], columns=columns)


def test_gold_offsets_are_checked_against_the_text():
    texts = {"s1": "The UN met."}
    good = gold_table([("d", "s1", "en", "UN", 4, 6, "UN", "igo", 0, "")])
    assert gold_mentions(good, texts) == [Mention("s1", "en", 4, 6, "UN", "igo", "UN")]
    with pytest.raises(IrtagError, match=r"\[E101\] g\.csv: row 2: surface 'UN'"):
        gold_mentions(gold_table([("d", "s1", "en", "UN", 3, 5, "UN", "igo", 0, "")]), texts, "g.csv")
    with pytest.raises(IrtagError, match=r"\[E100\] g\.csv: row 2"):
        gold_mentions(gold_table([("d", "s1", "en", "UN", "four", 6, "UN", "igo", 0, "")]), texts, "g.csv")
    with pytest.raises(IrtagError, match=r"\[E050\] g\.csv: missing column 'generic'"):
        gold_mentions(gold_table([("d", "s1", "en", "UN", 4, 6, "UN", "igo", 0, "")]).drop(columns="generic"),
                      texts, "g.csv")


@pytest.fixture(scope="module")
def lexicon():
    from pipeline.tag.lexicon import Lexicon

    return Lexicon.load()


@pytest.fixture(scope="module")
def segmenter(lexicon):
    from pipeline.segment import Segmenter

    return Segmenter(extra_words=lexicon.zh_terms())


SENTENCES = pd.DataFrame({
    "doc_id": ["d_en", "d_en", "d_zh", "d_zh"],
    "sent_id": ["e1", "e2", "z1", "z2"],
    "lang": ["en", "en", "zh", "zh"],
    "text": ["Funds reach implementing partners (IPs) through the World Bank.",
             "Most IPs report to the Bank.",
             "非洲联盟(以下简称非盟)与联合国合作。",
             "非盟派出了观察员。"],
})


def test_tag_mentions_shares_short_forms_within_a_document(lexicon, segmenter):
    from pipeline.tag.lexicon import LexiconTagger

    found = tag_mentions(SENTENCES, LexiconTagger(lexicon=lexicon), segmenter)
    by_sentence = {sid: [(f.surface, f.org_id, f.org_type) for f in found if f.sent_id == sid] for sid in SENTENCES.sent_id}
    assert ("IPs", "", "ngo") in by_sentence["e2"]  # learned in e1
    assert ("Bank", "WORLD_BANK", "igo") in by_sentence["e2"]  # "the Bank" of the World Bank
    assert by_sentence["z2"][0] == ("非盟", "AU", "regional")
    for f in found:
        text = SENTENCES.set_index("sent_id").loc[f.sent_id, "text"]
        assert text[f.start:f.end] == f.surface


def test_evaluate_actors_command(tmp_path):
    SENTENCES.to_csv(tmp_path / "sentences.csv", index=False)
    gold = gold_table([("d_zh", "z2", "zh", "非盟", 0, 2, "AfricanUnion", "regional", 0, ""),
                       ("d_en", "e1", "en", "World Bank", 52, 62, "WB", "igo", 0, "")])
    gold.to_csv(tmp_path / "actors_gold.csv", index=False)
    result = CliRunner().invoke(cli, ["evaluate", "--actors", str(tmp_path / "actors_gold.csv"),
                                      "--csv", str(tmp_path / "scores.csv")])
    assert result.exit_code == 0, result.output
    scores = pd.read_csv(tmp_path / "scores.csv", encoding="utf-8-sig")
    recall = scores[scores["type"] == "all"].set_index("lang")["recall"]
    assert recall.to_dict() == {"en": 1.0, "zh": 1.0}


@pytest.mark.skipif(not (DEV / "actors_gold.csv").is_file(), reason="../shared/dev not present")
def test_dev_actors_gold_is_scored_per_language_and_type():
    from pipeline.evaluate_actors import main

    report = main(DEV / "actors_gold.csv")
    assert report.splitlines()[1].split() == ["lang", "type", "gold", "predicted", "correct", "precision", "recall", "f1"]
    assert {line.split()[0] for line in report.splitlines()[2:]} == {"en", "zh"}

import pandas as pd
import pytest

from pipeline.agreement import binary_agreement, sheet_agreement

LABELS = {"factor": ("push", "pull")}


def test_binary_agreement_matches_hand_computed_values():
    a = [1, 1, 0, 0, 1, 0]
    b = [1, 0, 0, 0, 1, 1]
    result = binary_agreement(a, b)
    assert result["percent"] == pytest.approx(4 / 6)
    # po = 4/6, pe = .5*.5 + .5*.5 = .5 -> (2/3 - 1/2) / (1/2)
    assert result["kappa"] == pytest.approx(1 / 3)
    # coincidences o10 + o01 = 4 of n = 12 values, n0 = n1 = 6: 1 - 11 * 4 / (2 * 6 * 6)
    assert result["alpha"] == pytest.approx(1 - 44 / 72)


def test_constant_codings_have_undefined_chance_corrected_measures():
    result = binary_agreement([0, 0, 0], [0, 0, 0])
    assert result["percent"] == 1.0
    assert pd.isna(result["kappa"]) and pd.isna(result["alpha"])


def sheet(path, machine, coder, done=None):
    table = pd.DataFrame({"sent_id": [f"s{i}" for i in range(len(machine))], "factor": machine, "coder_factor": coder})
    if done is not None:
        table["coder_done"] = done
    table.to_csv(path, index=False, encoding="utf-8-sig")
    return path


def test_machine_vs_human_on_a_filled_sheet(tmp_path):
    path = sheet(tmp_path / "a.csv", ["push", "push;pull", "", "", "push", ""], ["push", "", "", "", "push", "push"])
    table = sheet_agreement(path, labels=LABELS).set_index("label")
    assert table.loc["push", "kappa"] == pytest.approx(1 / 3)
    assert table.loc["pull", "percent"] == pytest.approx(5 / 6)
    assert table.loc["push", "comparison"] == "machine vs human"


def test_only_rows_marked_done_count_when_marks_are_used(tmp_path):
    path = sheet(tmp_path / "a.csv", ["push", "push", ""], ["push", "", ""], done=["x", "", "x"])
    table = sheet_agreement(path, labels=LABELS).set_index("label")
    assert table.loc["push", "n"] == 2 and table.loc["push", "percent"] == 1.0


def test_human_vs_human_joins_on_sentence_id(tmp_path):
    first = sheet(tmp_path / "a.csv", ["", "", ""], ["push", "pull", ""])
    second = sheet(tmp_path / "b.csv", ["", "", ""], ["push", "", ""])
    table = sheet_agreement(first, second, labels=LABELS).set_index("label")
    assert table.loc["push", "percent"] == 1.0
    assert table.loc["pull", "percent"] == pytest.approx(2 / 3)
    assert table.loc["push", "comparison"] == "human vs human"

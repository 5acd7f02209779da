import pandas as pd
import pytest

from pipeline.coding import binary_agreement, sheet_agreement

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


from pathlib import Path  # noqa: E402

from click.testing import CliRunner  # noqa: E402

from pipeline.errors import IrtagError  # noqa: E402

CODEBOOK = {"factor": ("pull", "push"), "stage": ("agenda_setting", "decision")}


def coded_sheet(path, coder_factor, coder_stage, done=None):
    table = pd.DataFrame({"doc_id": "d", "sent_id": [f"d-s{i}" for i in range(len(coder_factor))],
                          "lang": "en", "text": [f"sentence {i}" for i in range(len(coder_factor))],
                          "factor": "", "coder_factor": coder_factor, "coder_stage": coder_stage})
    if done is not None:
        table["coder_done"] = done
    table.to_csv(path, index=False, encoding="utf-8-sig")
    return path


def test_sheet_to_gold_keeps_filled_rows_in_codebook_order(tmp_path):
    from pipeline.coding import sheet_to_gold

    path = coded_sheet(tmp_path / "s.csv", ["push;pull", "", ""], ["decision", "", "agenda_setting"])
    gold = sheet_to_gold(path, labels=CODEBOOK)
    assert gold["sent_id"].tolist() == ["d-s0", "d-s2"]  # the untouched row is not a decision
    assert gold["factor"].tolist() == ["pull;push", ""]
    assert gold["stage"].tolist() == ["decision", "agenda_setting"]
    assert gold["note"].str.startswith("human coding from s.csv").all()


def test_ticked_rows_count_even_without_labels(tmp_path):
    from pipeline.coding import sheet_to_gold

    path = coded_sheet(tmp_path / "s.csv", ["push", "", ""], ["", "", ""], done=["x", "x", ""])
    assert sheet_to_gold(path, labels=CODEBOOK)["sent_id"].tolist() == ["d-s0", "d-s1"]


def test_a_typo_in_a_human_label_names_the_row(tmp_path):
    from pipeline.coding import sheet_to_gold

    path = coded_sheet(tmp_path / "s.csv", ["", "puhs"], ["", ""])
    with pytest.raises(IrtagError, match=r"s\.csv: row 3: unknown factor label\(s\) puhs"):
        sheet_to_gold(path, labels=CODEBOOK)


def test_train_add_saves_the_corrections_into_the_gold_folder(tmp_path, monkeypatch):
    import pipeline.training
    from pipeline.cli import cli

    trained = []
    monkeypatch.setattr(pipeline.training, "train_folder",
                        lambda config, if_stale=False: trained.append(config.gold) or "trained")
    sheet_path = tmp_path / "sheet.csv"
    (tmp_path / "gold").mkdir()
    pd.DataFrame({"sent_id": ["a-1"], "lang": ["zh"], "text": ["联合国依赖欧盟的部队。"],
                  "coder_factor": ["pull"], "coder_stage": [""], "coder_resource": ["personnel"],
                  "coder_cooperation": [""]}).to_csv(sheet_path, index=False)
    result = CliRunner().invoke(cli, ["train", "--gold", str(tmp_path / "gold"), "--add", str(sheet_path)])
    assert result.exit_code == 0, result.output
    added = pd.read_csv(tmp_path / "gold" / "corrections_sheet.csv", dtype=str, keep_default_na=False)
    assert added[["factor", "resource"]].values.tolist() == [["pull", "personnel"]]
    assert trained == [tmp_path / "gold"]


def test_suggest_ranks_sentences_by_closeness_to_a_threshold():
    import numpy as np

    from pipeline.coding import suggest
    from pipeline.document import Document, Paragraph, Section, Sentence

    class Model:
        classes_ = ["pull"]
        thresholds_ = np.array([0.5])

        def predict_proba(self, features):
            return np.array([[0.9], [0.52], [0.2]])

    class Lexicon:
        def match_all(self, sentence):
            return [], []

    sentences = [Sentence(id=f"d-s{i}", start=0, end=1, text=t, lang="en") for i, t in enumerate(["a", "b", "c"])]
    doc = Document(id="d", source="d", format="txt", lang="en", text="abc",
                   sections=[Section("s", "body", "", 0, 3, "en", [Paragraph("p", 0, 3, sentences=sentences)])])
    table = suggest([doc], Lexicon(), {"factor": Model()}, limit=2)
    assert table["sent_id"].tolist() == ["d-s1", "d-s2"]
    assert table["margin"].tolist() == [0.02, 0.3]

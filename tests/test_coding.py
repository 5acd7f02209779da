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
    path = sheet(tmp_path / "a.csv", ["push", "push;pull", "", "", "push", ""], ["push", "", "", "", "push", "push"],
                 done=["x"] * 6)
    table = sheet_agreement(path, labels=LABELS).table.set_index("label")
    assert table.loc["push", "kappa"] == pytest.approx(1 / 3)
    assert table.loc["pull", "percent"] == pytest.approx(5 / 6)
    assert table.loc["push", "comparison"] == "machine vs human"


def test_without_ticks_only_rows_with_a_filled_coder_cell_count_as_reviewed(tmp_path):
    path = sheet(tmp_path / "a.csv", ["push", "push", "", ""], ["push", "", "", "pull"])
    with pytest.warns(UserWarning, match=r"W052.*a\.csv: no coder_done ticked, so the 2 row\(s\)"):
        result = sheet_agreement(path, labels=LABELS)
    assert result.table.set_index("label").loc["push", "n"] == 2


def test_only_rows_marked_done_count_when_marks_are_used(tmp_path):
    path = sheet(tmp_path / "a.csv", ["push", "push", ""], ["push", "", ""], done=["x", "", "x"])
    table = sheet_agreement(path, labels=LABELS).table.set_index("label")
    assert table.loc["push", "n"] == 2 and table.loc["push", "percent"] == 1.0


def test_human_vs_human_joins_on_sentence_id(tmp_path):
    first = sheet(tmp_path / "a.csv", ["", "", ""], ["push", "pull", ""], done=["x"] * 3)
    second = sheet(tmp_path / "b.csv", ["", "", ""], ["push", "", ""], done=["x"] * 3)
    table = sheet_agreement(first, second, labels=LABELS).table.set_index("label")
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
    with pytest.raises(IrtagError, match=r"s\.csv: unknown label\(s\) row 3 coder_factor 'puhs'"):
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
    added = pd.read_csv(tmp_path / "gold" / f"corrections_{tmp_path.name}_sheet.csv", dtype=str,
                        keep_default_na=False)
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


# -- refusals and normalisation (issue 14: agreement, coder_done, coder cells, corrections) ------
import warnings  # noqa: E402

from pipeline.coding import parse_cell, parse_done  # noqa: E402

FULL = {"factor": ("pull", "push"), "stage": ("agenda_setting", "decision")}


def two_scheme_sheet(path, rows, **extra):
    """rows: (coder_factor, coder_stage) per sentence; extra columns by name."""
    table = pd.DataFrame({"sent_id": [f"s{i}" for i in range(len(rows))], "text": [f"t{i}" for i in range(len(rows))],
                          "factor": "", "stage": "", "coder_factor": [r[0] for r in rows],
                          "coder_stage": [r[1] for r in rows], **extra})
    table.to_csv(path, index=False, encoding="utf-8-sig")
    return path


def test_a_second_sheet_without_coder_columns_is_refused_naming_it(tmp_path):
    first = two_scheme_sheet(tmp_path / "anna.csv", [("push", ""), ("", "decision")])
    second = tmp_path / "ben.csv"
    pd.DataFrame({"sent_id": ["s0", "s1"], "factor": ["push", ""]}).to_csv(second, index=False)
    with pytest.raises(IrtagError, match=r"\[E110\] .*ben\.csv: no coder column"):
        sheet_agreement(first, second, labels=FULL)


def test_only_the_coder_columns_both_sheets_have_are_scored_and_the_rest_named(tmp_path):
    first = two_scheme_sheet(tmp_path / "anna.csv", [("push", ""), ("", "decision")])
    second = tmp_path / "ben.csv"
    pd.DataFrame({"sent_id": ["s0", "s1"], "coder_factor": ["push", "pull"]}).to_csv(second, index=False)
    with pytest.warns(UserWarning, match=r"W050.*ben\.csv: no coder column for stage; scored factor only"):
        result = sheet_agreement(first, second, labels=FULL)
    assert set(result.table["scheme"]) == {"factor"}
    assert result.table.set_index("label").loc["pull", "percent"] == pytest.approx(1 / 2)


def test_an_unfilled_sheet_is_refused_naming_the_file(tmp_path):
    path = two_scheme_sheet(tmp_path / "blank.csv", [("", ""), ("", "")], coder_done=["", "0"])
    with pytest.raises(IrtagError, match=r"\[E111\] .*blank\.csv: nothing coded"):
        sheet_agreement(path, labels=FULL)


def test_references_notes_and_furniture_are_never_scored_and_the_counts_are_reported(tmp_path):
    path = two_scheme_sheet(tmp_path / "a.csv", [("push", ""), ("push", ""), ("pull", ""), ("", "")],
                            section_kind=["body", "references", "furniture", "body"], coder_done=["x"] * 3 + [""])
    result = sheet_agreement(path, labels=FULL)
    assert result.table.set_index("label").loc["push", "n"] == 1  # only the body row that was ticked
    assert "3 of 4 rows reviewed" in result.notes[0] and "2 in references/notes/furniture not scored" in result.notes[0]
    assert "1 scored" in result.notes[0]


@pytest.mark.parametrize("value", ["1", "x", "X", "✓", "y", "Yes", "TRUE", "done", "是", "对", " ✓ "])
def test_true_like_coder_done_values_are_ticks(value):
    assert parse_done(value) is True


@pytest.mark.parametrize("value", ["", "0", "no", "No", "false", "FALSE", "否", "  "])
def test_false_like_coder_done_values_are_not_ticks(value):
    assert parse_done(value) is False


def test_other_coder_done_values_are_an_error_listing_the_rows(tmp_path):
    path = two_scheme_sheet(tmp_path / "a.csv", [("push", ""), ("", ""), ("pull", "")], coder_done=["x", "maybe", "?"])
    with pytest.raises(IrtagError, match=r"\[E112\] .*a\.csv: coder_done not understood in row 3 'maybe', row 4 '\?'"):
        sheet_agreement(path, labels=FULL)


def test_zero_in_coder_done_is_not_a_tick(tmp_path):
    path = two_scheme_sheet(tmp_path / "a.csv", [("push", ""), ("push", ""), ("", "")], factor=["push", "", ""],
                            coder_done=["x", "0", "x"])
    table = sheet_agreement(path, labels=FULL).table.set_index("label")
    assert table.loc["push", "n"] == 2 and table.loc["push", "percent"] == 1.0


@pytest.mark.parametrize("cell, labels, kinds", [
    ("push;pull", ["pull", "push"], {}),
    ("push；pull", ["pull", "push"], {"separator": 1}),
    ("push, pull", ["pull", "push"], {"separator": 1}),
    ("push，pull", ["pull", "push"], {"separator": 1}),
    ("push、pull", ["pull", "push"], {"separator": 1}),
    ("push/pull", ["pull", "push"], {"separator": 1}),
    ("Pull", ["pull"], {"letter case": 1}),
    ("拉动", ["pull"], {"Chinese name": 1}),
    ("拉动、推动", ["pull", "push"], {"Chinese name": 2, "separator": 1}),
    ("Agenda Setting", ["agenda_setting"], {"letter case": 1, "spacing": 1}),
    ("ｐｕｓｈ", ["push"], {"full width": 1}),
])
def test_coder_cells_accept_separators_case_and_chinese_names(cell, labels, kinds):
    names = {"拉动": "pull", "推动": "push"}
    found, unknown, counted = parse_cell(cell, ("pull", "push", "agenda_setting"), names)
    assert (found, unknown, dict(counted)) == (labels, [], kinds)


def test_the_shipped_codebook_names_every_label_in_chinese():
    from pipeline.codebook import load_codebook

    for scheme in load_codebook().schemes.values():
        assert all(label.zh for label in scheme.labels), scheme.name


def test_a_chinese_label_name_must_be_chinese_and_unique_in_its_scheme(tmp_path):
    from pipeline.lexicon_files import read_codebook

    path = tmp_path / "codebook.yaml"
    path.write_text("schemes:\n  - name: factor\n    labels:\n      - name: pull\n        zh: 拉动\n        definition: d\n"
                    "      - name: push\n        zh: 拉动\n        definition: d\n"
                    "      - name: other\n        zh: other\n        definition: d\n", encoding="utf-8")
    problems = []
    read_codebook(path, problems)
    assert [p.line for p in problems] == [7, 10]
    assert "used twice" in problems[0].problem and "no Chinese characters" in problems[1].problem


def test_normalised_cells_are_reported_and_all_unknown_labels_refused_at_once(tmp_path):
    path = two_scheme_sheet(tmp_path / "a.csv", [("Push；拉动", "decision"), ("puhs", "Decision"), ("", "voting, decison")])
    with pytest.raises(IrtagError, match=r"\[E113\] .*a\.csv: unknown label\(s\) row 3 coder_factor 'puhs', "
                                         r"row 4 coder_stage 'voting', row 4 coder_stage 'decison'; valid: factor: "):
        sheet_agreement(path, labels=FULL)
    fixed = two_scheme_sheet(tmp_path / "b.csv", [("Push；拉动", "decision"), ("push", "Decision")])
    with pytest.warns(UserWarning, match=r"W051.*b\.csv: coder cells normalised: 1 separator, 2 letter case, "
                                         r"1 Chinese name"):
        table = sheet_agreement(fixed, labels=FULL).table.set_index("label")
    assert table.loc["push", "n_second"] == 2 and table.loc["pull", "n_second"] == 1


def correction_sheet(path, rows, **extra):
    """rows: (sent_id, text, coder_factor)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    pd.DataFrame({"sent_id": [r[0] for r in rows], "lang": "en", "text": [r[1] for r in rows],
                  "coder_factor": [r[2] for r in rows], "coder_stage": "", **extra}).to_csv(path, index=False)
    return path


def test_corrections_of_two_coders_with_the_same_sheet_name_never_overwrite(tmp_path):
    from pipeline.coding import add_corrections

    gold = tmp_path / "gold"
    gold.mkdir()
    anna = correction_sheet(tmp_path / "anna" / "sentences.csv", [("s1", "NGOs lobby.", "push")])
    ben = correction_sheet(tmp_path / "ben" / "sentences.csv", [("s1", "NGOs lobby.", "")], coder_done=["x"])
    first, = add_corrections(anna, gold, labels=FULL)
    second, = add_corrections(ben, gold, labels=FULL)
    assert (first.path.name, second.path.name) == ("corrections_anna_sentences.csv", "corrections_ben_sentences.csv")
    assert first.path.is_file() and second.path.is_file()


def test_the_coder_comes_from_a_coder_column_then_the_option(tmp_path):
    from pipeline.coding import add_corrections

    gold = tmp_path / "gold"
    gold.mkdir()
    sheet_path = correction_sheet(tmp_path / "s.csv", [("s1", "a", "push"), ("s2", "b", "pull")], coder=["Anna", ""])
    results = add_corrections(sheet_path, gold, labels=FULL, coder="ben")
    assert sorted((r.path.name, r.added) for r in results) == [("corrections_Anna.csv", 1), ("corrections_ben.csv", 1)]


def test_a_later_decision_for_the_same_sentence_replaces_the_earlier(tmp_path):
    from pipeline.coding import add_corrections

    gold = tmp_path / "gold"
    gold.mkdir()
    add_corrections(correction_sheet(tmp_path / "s.csv", [("s1", "a", "push"), ("s2", "b", "pull")]), gold,
                    labels=FULL, coder="anna")
    result, = add_corrections(correction_sheet(tmp_path / "s.csv", [("s2", "b", "push")]), gold, labels=FULL,
                              coder="anna")
    saved = pd.read_csv(result.path, dtype=str, keep_default_na=False)
    assert saved[["sent_id", "factor"]].values.tolist() == [["s1", "push"], ["s2", "push"]]
    assert (result.added, result.replaced) == (1, 1)


def test_conflicts_with_the_existing_gold_are_listed(tmp_path):
    from pipeline.coding import add_corrections

    gold = tmp_path / "gold"
    gold.mkdir()
    pd.DataFrame({"doc_id": ["g"], "sent_id": ["g-1"], "lang": ["en"], "text": ["NGOs  lobby the UN."],
                  "factor": ["pull"], "stage": [""]}).to_csv(gold / "seed.csv", index=False)
    result, = add_corrections(correction_sheet(tmp_path / "s.csv", [("s1", "NGOs lobby the UN.", "push"),
                                                                    ("s2", "Other.", "pull")]),
                              gold, labels=FULL, coder="anna")
    assert result.conflicts == ["s1: seed.csv line 2 has factor pull, the correction push"]


def test_retraining_uses_one_label_set_per_sentence_the_correction_s(tmp_path):
    from pipeline.training import read_gold

    columns = {"doc_id": "g", "lang": "en", "stage": ""}
    pd.DataFrame({"sent_id": ["g-1", "g-2"], "text": ["NGOs lobby the UN.", "Other."], "factor": ["pull", "push"],
                  **columns}).to_csv(tmp_path / "seed_z.csv", index=False)  # sorts after corrections_*
    pd.DataFrame({"sent_id": ["a-1"], "text": ["NGOs  lobby the UN."], "factor": ["push"], **columns}).to_csv(
        tmp_path / "corrections_anna.csv", index=False)
    pd.DataFrame({"sent_id": ["b-1"], "text": ["NGOs lobby the ＵＮ."], "factor": [""], **columns}).to_csv(
        tmp_path / "corrections_ben.csv", index=False)
    rows = read_gold(sorted(tmp_path.glob("*.csv")), FULL)
    assert [(r.sent_id, r.labels["factor"]) for r in rows] == [("b-1", ()), ("g-2", ("push",))]


def test_one_sheet_without_machine_columns_is_refused(tmp_path):
    path = tmp_path / "coder_only.csv"
    pd.DataFrame({"sent_id": ["s0"], "coder_factor": ["push"], "coder_done": ["x"]}).to_csv(path, index=False)
    with pytest.raises(IrtagError, match=r"\[E050\] .*coder_only\.csv: missing column 'factor'"):
        sheet_agreement(path, labels=FULL)


def test_suggest_leaves_out_what_was_coded_and_gives_a_coder_sheet():
    import numpy as np

    from pipeline.coding import suggest
    from pipeline.document import Document, Paragraph, Section, Sentence

    class Model:
        classes_ = ["pull"]
        thresholds_ = np.array([0.5])

        def predict_proba(self, features):
            return np.array([[0.51]] * len(features))

    class Lexicon:
        def match_all(self, sentence):
            return [], []

    texts = ["联合国依靠欧盟。", "ＵＮ  relies on the EU.", "NGOs lobby."]
    sentences = [Sentence(id=f"d-s{i}", start=0, end=1, text=t, lang="en") for i, t in enumerate(texts)]
    doc = Document(id="d", source="d", format="txt", lang="en", text="abc",
                   sections=[Section("s", "body", "", 0, 3, "en", [Paragraph("p", 0, 3, sentences=sentences)])])
    table = suggest([doc], Lexicon(), {"factor": Model()}, exclude={"d-s0", "UN relies on the EU."})
    assert table["sent_id"].tolist() == ["d-s2"]  # d-s0 by id, d-s1 by its text (width and spaces folded)
    assert {"coder_factor", "coder_note", "coder_done", "lang", "text"} <= set(table.columns)
    assert (table["coder_factor"] == "").all()

import csv

import pandas as pd
import pytest

from pipeline.io import CsvTable, atomic_open, neutralise


@pytest.mark.parametrize("value", ["=HYPERLINK(\"http://x\")", "+1+1", "-2", "@SUM(A1)"])
def test_formula_like_cells_are_neutralised(value):
    assert neutralise(value) == "'" + value


@pytest.mark.parametrize("value", ["联合国", "UN", "", 3])
def test_ordinary_cells_are_kept(value):
    assert neutralise(value) == value


def test_csv_round_trip_with_chinese_commas_quotes_and_newlines(tmp_path):
    rows = [
        {"id": "1", "text": "联合国，欧盟和非盟。"},
        {"id": "2", "text": 'He said "yes", then left.\nNew line'},
        {"id": "3", "text": "=1+1"},
    ]
    path = tmp_path / "t.csv"
    with CsvTable(path, ["id", "text"]) as table:
        table.write_rows(rows)
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")  # BOM, for Excel
    back = pd.read_csv(path, encoding="utf-8-sig", dtype=str)
    assert back["text"].tolist() == ["联合国，欧盟和非盟。", 'He said "yes", then left.\nNew line', "'=1+1"]
    with open(path, encoding="utf-8-sig", newline="") as handle:
        assert len(list(csv.reader(handle))) == 4


def test_atomic_open_leaves_nothing_on_failure(tmp_path):
    target = tmp_path / "out.txt"
    target.write_text("old")
    with pytest.raises(RuntimeError):
        with atomic_open(target, "w") as handle:
            handle.write("half")
            raise RuntimeError("boom")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]

import csv
import os
import stat
import warnings

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


# -- reading coders' tables the way a coder saves them ---------------------------------------
from pipeline.errors import IrtagError  # noqa: E402
from pipeline.io import read_table  # noqa: E402

SHEET = pd.DataFrame({"sent_id": ["d-s1", "d-s2"], "text": ["联合国依靠欧盟，部署部队。", "Café: NGOs lobby; the UN listens."],
                      "coder_factor": ["拉动", "push"]})


@pytest.mark.parametrize("encoding, sep, text", [
    ("gbk", ",", SHEET.text.tolist()[:1]),                    # Excel "CSV (Comma delimited)" on a Chinese Windows
    ("cp1252", ",", SHEET.text.tolist()[1:]),                 # the same on a Western Windows
    ("utf-8-sig", ";", SHEET.text.tolist()),                  # European Excel writes semicolons
    ("utf-8", "\t", SHEET.text.tolist()),                     # "Unicode text" saved as .csv
])
def test_read_table_reads_csv_in_the_encodings_and_delimiters_excel_writes(tmp_path, encoding, sep, text):
    rows = SHEET[SHEET.text.isin(text)]
    path = tmp_path / "sheet.csv"
    path.write_bytes(rows.to_csv(index=False, sep=sep).encode(encoding))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # W001 says which legacy encoding was read
        back = read_table(path)
    assert back.columns.tolist() == ["sent_id", "text", "coder_factor"]
    assert back.values.tolist() == rows.values.tolist()


def test_a_legacy_encoding_is_reported(tmp_path):
    path = tmp_path / "sheet.csv"
    path.write_bytes(SHEET.iloc[:1].to_csv(index=False).encode("gbk"))
    with pytest.warns(UserWarning, match=r"W001.*sheet\.csv.*gb"):
        read_table(path)


def test_read_table_reads_xlsx_and_parquet_as_strings(tmp_path):
    table = SHEET.assign(coder_done=[1, None])
    table.to_excel(tmp_path / "s.xlsx", index=False)
    table.to_parquet(tmp_path / "s.parquet")
    for name in ("s.xlsx", "s.parquet"):
        back = read_table(tmp_path / name)
        assert back["text"].tolist() == SHEET.text.tolist()
        assert back["coder_done"].tolist() == ["1", ""], name  # a number is read as its text, a blank as ''


@pytest.mark.parametrize("name, content, reason", [
    ("bad.xlsx", b"not a zip archive", r"\[E114\] .*bad\.xlsx: not a readable Excel table"),
    ("bad.parquet", b"PAR1 nonsense", r"\[E114\] .*bad\.parquet: not a readable Parquet table"),
    ("bad.csv", b'a,b\n1,2\n3,4,5,6\n', r"\[E114\] .*bad\.csv: not a readable CSV table"),
    ("old.xls", b"\xd0\xcf\x11\xe0", r"\[E115\] .*old\.xls: unsupported table type '\.xls'"),
    ("empty.csv", b"", r"\[E002\] .*empty\.csv"),
])
def test_a_bad_table_is_one_line_naming_the_file(tmp_path, name, content, reason):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(IrtagError, match=reason) as info:
        read_table(path)
    assert "\n" not in str(info.value)


# -- outputs follow the umask ------------------------------------------------------------------
@pytest.mark.parametrize("umask, mode", [(0o022, 0o644), (0o027, 0o640), (0o077, 0o600)])
def test_outputs_follow_the_umask(tmp_path, umask, mode):
    import pipeline.io

    old = os.umask(umask)
    pipeline.io.process_umask.cache_clear()
    try:
        with atomic_open(tmp_path / "out.csv") as handle:
            handle.write("x")
    finally:
        os.umask(old)
        pipeline.io.process_umask.cache_clear()
    assert stat.S_IMODE(os.stat(tmp_path / "out.csv").st_mode) == mode

"""Comparison over the literature: label shares and factor x stage cells per year, period,
journal, language or any key, read one document at a time."""

from __future__ import annotations

import pandas as pd
import pytest

from pipeline.compare_groups import compare_groups, key_values, period_of, write_grouped
from pipeline.document import Document, Label, Metadata, Paragraph, Section, Sentence
from pipeline.errors import IrtagError
from pipeline.io import write_document_jsonl


def record(doc_id, lang, year, journal, sentences, **extra):
    """A bibliographic record: one abstract paragraph of (labels) sentences."""
    sents = [Sentence(f"{doc_id}-s{i}", 0, 1, "x", lang, section_kind="abstract",
                      labels=[Label(s, l, "lexicon", negated=neg) for s, l, *neg in labels])
             for i, labels in enumerate(sentences, 1)]
    section = Section("sec01", "abstract", "", 0, 1, lang, [Paragraph("p1", 0, 1, sentences=sents)])
    meta = Metadata(title=doc_id, year=year, journal=journal, authors=["Smith, Anna", "王明"], extra=extra)
    return Document(doc_id, f"{doc_id}.ris", "ris", lang, "x", meta=meta, sections=[section])


PULL_IMPL = [("factor", "pull"), ("stage", "implementation")]
NEGATED_PULL = [("factor", "pull", True), ("stage", "decision")]


@pytest.fixture
def docs():
    return [
        record("a", "zh", 2016, "国际展望研究", [PULL_IMPL, [("resource", "funding")]], volume="3"),
        record("b", "en", 2018, "Journal of Invented Studies", [PULL_IMPL, NEGATED_PULL, []]),
        record("c", "en", 2018, "JOURNAL OF INVENTED  STUDIES", [[("factor", "push")]]),
        record("d", "zh", None, "国际展望研究", [[("resource", "funding")]]),
    ]


def test_label_shares_per_year_with_the_years_between_filled(docs):
    (by_year,) = compare_groups(docs, ["year"])
    table = by_year.table().set_index("year")
    assert table.index.tolist() == ["2016", "2017", "2018", ""]
    assert table.loc["2018", ["documents", "sentences"]].tolist() == [2, 4]
    assert table.loc["2018", "n_factor:pull"] == 2 and table.loc["2018", "docs_factor:pull"] == 1
    assert table.loc["2018", "per100_factor:pull"] == 50.0
    assert table.loc["2016", "per100_resource:funding"] == 50.0
    assert table.loc["2017", "documents"] == 0 and pd.isna(table.loc["2017", "per100_factor:pull"])
    assert table.loc["", "n_resource:funding"] == 1  # the record without a year, last


def test_factor_stage_per_period_leaves_out_negated_factors(docs):
    (by_year,) = compare_groups(docs, ["year"], period=5)
    cells = by_year.factor_stage_table().set_index(["year", "factor", "stage"])
    assert cells.loc[("2015-2019", "pull", "implementation"), "count"] == 2
    assert cells.loc[("2015-2019", "pull", "implementation"), "examples"] == "a-s1;b-s1"
    assert cells.loc[("2015-2019", "pull", "decision"), "count"] == 0
    assert set(cells.index.get_level_values("year")) == {"2015-2019", ""}


@pytest.mark.parametrize("year, period, expected", [(2019, 1, "2019"), (2019, 5, "2015-2019"),
                                                    (2020, 5, "2020-2024"), (2009, 10, "2000-2009")])
def test_periods_are_calendar_periods(year, period, expected):
    assert period_of(year, period)[1] == expected


def test_journals_match_blind_to_case_and_spaces_and_show_the_first_spelling(docs):
    (by_journal,) = compare_groups(docs, ["journal"])
    table = by_journal.table()
    assert table[["journal", "documents"]].values.tolist() == [["Journal of Invented Studies", 2], ["国际展望研究", 2]]


@pytest.mark.parametrize("key, values", [("lang", ["zh"]), ("authors", ["Smith, Anna", "王明"]),
                                         ("volume", ["3"]), ("dominant_stage", ["implementation"]),
                                         ("doi", [])])
def test_any_metadata_extra_or_documents_column_is_a_key(docs, key, values):
    assert key_values(docs[0], key) == values


def test_one_pass_for_several_keys(docs):
    by_lang, by_author = compare_groups(iter(docs), ["lang", "authors"])
    assert by_lang.table().set_index("lang")["documents"].to_dict() == {"en": 2, "zh": 2}
    assert by_author.table().set_index("authors")["documents"].to_dict() == {"Smith, Anna": 4, "王明": 4}


def write_run(out, docs):
    for doc in docs:
        write_document_jsonl(doc, out / "docs" / f"{doc.id}.jsonl")


def test_write_grouped_writes_by_year_only_where_documents_have_years(tmp_path, docs):
    write_run(tmp_path, docs)
    assert sorted(p.name for p in write_grouped(tmp_path)) == ["by_year.csv", "factor_stage_by_year.csv"]
    table = pd.read_csv(tmp_path / "by_year.csv", encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert table["year"].tolist() == ["2016", "2017", "2018", ""]
    undated = tmp_path / "undated"
    write_run(undated, [record("e", "en", None, "J", [PULL_IMPL])])
    assert write_grouped(undated) == []
    with pytest.raises(IrtagError, match=r"\[E150\].*'year'.*journal"):
        write_grouped(undated, ["year"])


def test_write_grouped_names_files_after_the_key(tmp_path, docs):
    write_run(tmp_path, docs)
    written = write_grouped(tmp_path, ["journal", "volume"])
    assert [p.name for p in written] == ["by_journal.csv", "factor_stage_by_journal.csv",
                                         "by_volume.csv", "factor_stage_by_volume.csv"]


@pytest.mark.parametrize("keys, period, code", [(["year"], 0, "E151"), (["journal"], 5, "E152")])
def test_bad_periods_are_coded_errors(docs, keys, period, code):
    with pytest.raises(IrtagError, match=rf"\[{code}\]"):
        compare_groups(docs, keys, period)


def test_compare_by_journal_and_period_from_the_command_line(tmp_path, docs):
    from click.testing import CliRunner

    from pipeline.cli import cli

    write_run(tmp_path, docs)
    result = CliRunner().invoke(cli, ["compare", str(tmp_path), "--by", "year", "--by", "journal", "--period", "5"])
    assert result.exit_code == 0, result.output
    assert "by_journal.csv" in result.output and "documents.csv" in result.output
    table = pd.read_csv(tmp_path / "by_year.csv", encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert table["year"].tolist() == ["2015-2019", ""]
    result = CliRunner().invoke(cli, ["compare", str(tmp_path), "--by", "publisher"])
    assert result.exit_code == 1 and "[E150]" in result.output and "publisher" in result.output

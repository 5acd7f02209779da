"""The report's time chart: valid XML, a panel per scheme and a series per label."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pandas as pd
import pytest

from pipeline.codebook import scheme_labels
from pipeline.compare_groups import compare_groups
from pipeline.document import Document, Label, Metadata, Paragraph, Section, Sentence
from pipeline.export.timechart import time_chart_svg

SVG = "{http://www.w3.org/2000/svg}"


def record(year: int | None, lang: str, labels: list[tuple[str, str]]) -> Document:
    sentence = Sentence(f"{year}-{lang}-s1", 0, 1, "x", lang, section_kind="abstract",
                        labels=[Label(s, l, "lexicon") for s, l in labels])
    section = Section("sec01", "abstract", "", 0, 1, lang, [Paragraph("p1", 0, 1, sentences=[sentence])])
    return Document(f"{year}-{lang}", "r.ris", "ris", lang, "x", meta=Metadata(year=year), sections=[section])


@pytest.fixture
def by_year() -> pd.DataFrame:
    docs = [record(2016, "zh", [("factor", "push"), ("stage", "decision")]),
            record(2019, "en", [("factor", "pull")]), record(None, "en", [("factor", "pull")])]
    (grouped,) = compare_groups(docs, ["year"])
    return grouped.table()


def test_chart_is_xml_with_one_series_per_label_of_each_scheme(by_year):
    root = ET.fromstring(time_chart_svg(by_year))
    panels = root.findall(f"{SVG}g[@class='scheme']")
    assert [p.get("data-scheme") for p in panels] == list(scheme_labels())
    for panel in panels:
        series = panel.findall(f"{SVG}g[@class='series']")
        assert [s.get("data-label") for s in series] == list(scheme_labels()[panel.get("data-scheme")])


def test_years_are_evenly_spaced_and_the_undated_row_is_left_out(by_year):
    assert by_year["year"].tolist() == ["2016", "2017", "2018", "2019", ""]
    root = ET.fromstring(time_chart_svg(by_year, schemes=["factor"]))
    (panel,) = root.findall(f"{SVG}g[@class='scheme']")
    assert [t.text for t in panel.findall(f"{SVG}text[@class='axis']")][3:] == ["2016", "2017", "2018", "2019"]
    dots = panel.find(f"{SVG}g[@data-label='push']").findall(f"{SVG}circle")
    # 2017 and 2018 have no documents: no share, no dot; 2016 is 100 per 100, 2019 none
    assert [d.find(f"{SVG}title").text for d in dots] == ["push 2016: 100 per 100 sentences",
                                                         "push 2019: 0 per 100 sentences"]
    (x16, y16), (x19, y19) = [(float(d.get("cx")), float(d.get("cy"))) for d in dots]
    ticks = [float(t.get("x")) for t in panel.findall(f"{SVG}text[@class='axis']")][3:]
    assert (x16, x19) == (ticks[0], ticks[3]) and ticks[1] - ticks[0] == pytest.approx(ticks[3] - ticks[2])
    assert y16 < y19


def test_a_year_without_sentences_is_a_gap_in_the_line(by_year):
    def moves(table):
        svg = time_chart_svg(table, schemes=["factor"])
        return ET.fromstring(svg).find(f".//{SVG}g[@data-label='pull']/{SVG}path").get("d").count("M")

    assert moves(by_year) == 2  # 2016, then 2019: nothing in between
    filled = by_year.copy()
    filled.loc[[1, 2], "per100_factor:pull"] = 50.0
    assert moves(filled) == 1


def test_no_dated_row_gives_no_chart(by_year):
    assert time_chart_svg(by_year[by_year["year"] == ""]) == ""
    assert time_chart_svg(by_year.drop(columns="year")) == ""

"""Duplicates across exports: by DOI, else by normalised title + year + first author."""

from __future__ import annotations

import pytest

from pipeline.document import Metadata
from pipeline.ingest.dedupe import find_duplicates, normalise_title


def meta(title, authors, year, doi=""):
    return Metadata(title=title, authors=authors, year=year, doi=doi)


def test_same_doi_in_any_case_is_a_duplicate_whatever_the_title():
    records = [("a", meta("NGO Networks", ["Müller, Jörg"], 2018, "10.5555/GIR.1")),
               ("b", meta("Completely different wording", ["Other, X"], 2019, "10.5555/gir.1"))]
    assert find_duplicates(records) == {"b": "a"}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_without_doi_title_year_and_first_author_decide(lang):
    if lang == "zh":
        first = meta("一带一路倡议下的基础设施融资合作", ["孙磊", "何芳"], 2019)
        same = meta("一带一路倡议下的基础设施融资合作。", ["孙磊"], 2019, "10.5555/x")
        other_year = meta("一带一路倡议下的基础设施融资合作", ["孙磊"], 2020)
        other_author = meta("一带一路倡议下的基础设施融资合作", ["何芳"], 2019)
    else:
        first = meta("Maritime Security: Cooperation in the Gulf", ["Ivanova, Elena"], 2020)
        same = meta("maritime security cooperation in the gulf", ["Elena Ivanova"], 2020, "10.5555/y")
        other_year = meta("Maritime Security: Cooperation in the Gulf", ["Ivanova, E"], 2021)
        other_author = meta("Maritime Security: Cooperation in the Gulf", ["Park, Jisoo"], 2020)
    records = [("first", first), ("same", same), ("year", other_year), ("author", other_author)]
    assert find_duplicates(records) == {"same": "first"}


def test_two_different_dois_are_never_merged():
    records = [("a", meta("Annual Report", ["Smith, Anna"], 2020, "10.5555/a")),
               ("b", meta("Annual Report", ["Smith, Anna"], 2020, "10.5555/b"))]
    assert find_duplicates(records) == {}


def test_records_without_title_year_or_author_are_only_merged_by_doi_or_id():
    records = [("a", meta("Untitled", [], 2020)), ("b", meta("Untitled", [], 2020)), ("a", meta("x", [], None))]
    assert find_duplicates(records) == {"a": "a"}


def test_the_first_record_is_kept_for_a_group():
    records = [("a", meta("T", ["Li, Wei"], 2020)), ("b", meta("T", ["Li, W."], 2020)), ("c", meta("t", ["Li"], 2020))]
    assert find_duplicates(records) == {"b": "a", "c": "a"}


def test_normalised_titles_fold_case_width_accents_and_punctuation():
    assert normalise_title("The Café: A  Study") == normalise_title("the cafe a study")
    assert normalise_title("ＲＣＥＰ的规则整合：比较") == normalise_title("rcep的规则整合比较")

"""`irtag run` over the fixture folder of exports: every record once, duplicates listed."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
from click.testing import CliRunner

from pipeline.cli import cli
from pipeline.io import read_document_jsonl

FIXTURES = Path(__file__).parents[1] / "fixtures" / "bib"


def test_run_over_exports_writes_every_record_once(tmp_path):
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["run", str(FIXTURES), "-o", str(out), "--no-tag", "--quiet"])
    assert result.exit_code == 0, result.output
    ids = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["documents"]
    docs = [read_document_jsonl(out / "docs" / f"{doc_id}.jsonl") for doc_id in ids]
    sources = [source for doc in docs for source in doc.meta.extra["sources"].split("; ")]
    # 22 well-formed records (and one malformed) in 10 exports; 3 repeat a record of another export
    assert len(ids) == len(set(ids)) == 19 and len(sources) == len(set(sources)) == 22
    titles = [doc.meta.title.casefold() for doc in docs]
    assert len(titles) == len(set(titles))
    kept = {doc.meta.title: doc.meta.extra["sources"].split("; ") for doc in docs if ";" in doc.meta.extra["sources"]}
    assert {title: [Path(s).name for s in found] for title, found in kept.items()} == {
        "一带一路倡议下的基础设施融资合作": ["cnki_endnote.txt#1", "cnki_noteexpress.txt#1"],
        "NGO Networks and the UN Human Rights Council": ["library.bib#1", "zotero.json#3"],
        "Maritime Security Cooperation in the Gulf of Guinea": ["scopus.csv#1", "wos_savedrecs.txt#2"],
    }
    duplicates = pd.read_csv(out / "duplicates.csv", encoding="utf-8-sig")
    assert sorted(Path(s).name for s in duplicates["source"]) == [
        "cnki_noteexpress.txt#1", "wos_savedrecs.txt#2", "zotero.json#3"]
    assert set(duplicates["kept_id"]) <= set(ids)
    assert {doc.lang for doc in docs} == {"zh", "en"}
    sentences = pd.read_csv(out / "sentences.csv", encoding="utf-8-sig")
    assert set(sentences["doc_id"]) == set(ids)
    errors = pd.read_csv(out / "errors.csv", encoding="utf-8-sig")
    assert errors.empty
    warned = [w for doc in docs for w in doc.warnings if "[W020]" in w]
    assert len(warned) == 1 and "zotero.ris" in warned[0] and "record 2" in warned[0]


#: What the fixture exports hold for each record kept (title -> year, authors, journal, DOI);
#: a record found in two exports keeps the values of the first read (library.bib, scopus.csv, cnki_endnote.txt).
RECORDS = {
    "一带一路倡议下的基础设施融资合作": (2019, "孙磊; 何芳", "国际展望研究", ""),
    "联合国维和行动中的中国贡献": (2022, "周强; 吴敏", "和平与发展论丛", ""),
    "全球卫生治理中的非政府组织": (2018, "郑洁; 冯涛", "国际组织评论", ""),
    "气候变化谈判中的基础四国协调机制": (2021, "罗佳; 邓辉", "气候与国际政治", ""),
    "区域全面经济伙伴关系协定的规则整合": (2023, "许晴; 韩冰", "亚太经济评论", ""),
    "北极理事会观察员国的参与路径": (2016, "唐伟", "极地与海洋研究", ""),
    "NGO Networks and the UN Human Rights Council": (
        2018, "Müller, Jörg; García, Elena", "Global Invented Review", "10.5555/gir.2018.101"),
    "全球南方视角下的发展合作": (2020, "王明; 李华", "世界经济与政治论丛", ""),
    "Maritime Security Cooperation in the Gulf of Guinea": (
        2020, "Ivanova, Elena; Park, Jisoo", "Invented Ocean Governance", "10.5555/iog.2020.210"),
    "Pandemic Preparedness and the World Health Organization": (
        2021, "Lopez, Maria", "Invented Global Health Politics", "10.5555/ighp.2021.e12"),
    "Refugee Hosting and Burden Sharing: An Invented Comparison of Regional Compacts": (
        2015, "Haddad, Rania; Kim, Soyeon", "INVENTED JOURNAL OF MIGRATION POLICY", "10.5555/ijmp.2015.301"),
    "Trade Agreements and Labour Standards in Invented Cases": (
        2014, "Silva, Pedro; Chen, Li", "INVENTED TRADE REVIEW", "10.5555/itr.2014.077"),
    "The African Continental Free Trade Area After Ratification": (2024, "Okonkwo, Adaeze", "INVENTED TRADE REVIEW", ""),
    "The European Union as a Donor to Regional Security": (
        2016, "Dubois, Claire; Mensah, Kofi", "Invented European Affairs", "10.5555/iea.2016.033"),
    "金砖国家新开发银行的贷款政策": (2023, "黄伟; 林芳", "国际金融研究论丛", ""),
    "Climate Finance Pledges at the G20": (
        2022, "Brown, Thomas; Nakamura, Yui", "Invented Climate Policy Quarterly", "10.5555/icpq.2022.007"),
    "上海合作组织框架下的反恐合作评估": (2017, "赵丽; 钱进", "欧亚研究评论", ""),
    "Regional Organisations and the Financing of Peace Operations": (
        2019, "Smith, Anna; Okafor, Chidi", "Journal of Invented Studies", "10.5555/jis.2019.045"),
    "东盟在区域灾害治理中的协调作用": (2021, "陈静; 刘洋", "国际问题论坛", ""),
}
FIELDS = ["year", "authors", "journal", "doi"]


def read_csv(path):
    return pd.read_csv(path, encoding="utf-8-sig", dtype=str, keep_default_na=False)


def test_tagged_run_over_exports_carries_the_metadata_and_compares_by_year(tmp_path, tiny_models):
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["run", str(FIXTURES), "-o", str(out), "--models", str(tiny_models), "--quiet"])
    assert result.exit_code == 0, result.output
    ids = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["documents"]
    documents = read_csv(out / "documents.csv")
    assert documents["doc_id"].tolist() == ids and sorted(documents["title"]) == sorted(RECORDS)
    expected = {title: [str(v) for v in values] for title, values in RECORDS.items()}
    assert {row.title: [getattr(row, f) for f in FIELDS] for row in documents.itertuples()} == expected
    assert all(documents["export_format"]) and all(documents["sources"])
    sentences = read_csv(out / "sentences.csv")
    titles = dict(zip(documents["doc_id"], documents["title"]))
    assert {(titles[row.doc_id], *(getattr(row, f) for f in FIELDS)) for row in sentences.itertuples()} == {
        (title, *values) for title, values in expected.items()}
    assert (sentences[["resource", "stage", "factor", "cooperation"]] != "").any(axis=None)  # it was tagged
    by_year = read_csv(out / "by_year.csv")
    years = sorted(values[0] for values in RECORDS.values())
    assert by_year["year"].tolist() == [str(y) for y in range(years[0], years[-1] + 1)]
    per_year = {str(y): years.count(y) for y in range(years[0], years[-1] + 1)}
    assert dict(zip(by_year["year"], by_year["documents"].astype(int))) == per_year
    cells = read_csv(out / "factor_stage_by_year.csv")
    assert set(cells["year"]) == set(per_year) and cells["count"].astype(int).sum() == read_csv(
        out / "factor_stage.csv").query("scope == 'corpus'")["count"].astype(int).sum()

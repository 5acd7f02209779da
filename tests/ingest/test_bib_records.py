"""Every record of every fixture export, its metadata checked field by field.

The fixtures under tests/fixtures/bib/ are invented records in both languages, one export per
format: RIS, BibTeX, CSL-JSON, Zotero CSV, Scopus CSV, Web of Science plain text and
tab-delimited, and CNKI's EndNote (GB18030), RefWorks and NoteExpress.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.ingest import read_documents
from pipeline.ingest.bib.record import EXTRA_KEYS

FIXTURES = Path(__file__).parents[1] / "fixtures" / "bib"


def rec(title, authors, year, journal, doi, keywords, abstract_start, lang, **extra):
    return {"title": title, "authors": authors, "year": year, "journal": journal, "doi": doi,
            "keywords": keywords, "abstract_start": abstract_start, "lang": lang, "extra": extra}


#: file -> its records in file order (malformed ones left out), as written in the fixture.
EXPECTED = {
    "zotero.ris": ("ris", [
        rec("Regional Organisations and the Financing of Peace Operations", ["Smith, Anna", "Okafor, Chidi"], 2019,
            "Journal of Invented Studies", "10.5555/jis.2019.045", ["peace operations", "regional organisations"],
            "The African Union asked the United Nations", "en", record="1", volume="12", issue="3", pages="45-67",
            url="https://example.org/jis/45", language="en", database="Invented Index", db_id="INV-0001",
            record_type="JOUR"),
        rec("东盟在区域灾害治理中的协调作用", ["陈静", "刘洋"], 2021, "国际问题论坛", "", ["东盟", "灾害治理"],
            "本文以虚构案例考察东盟如何协调", "zh", record="3", volume="8", issue="2", pages="12-30", language="zh",
            record_type="JOUR"),
    ]),
    "library.bib": ("bibtex", [
        rec("NGO Networks and the UN Human Rights Council", ["Müller, Jörg", "García, Elena"], 2018,
            "Global Invented Review", "10.5555/gir.2018.101", ["NGOs", "human rights", "advocacy"],
            "Non-governmental organisations lobby delegations in Geneva.", "en", record="1", volume="5", issue="1",
            pages="101-120", url="https://example.org/gir/101", language="en", db_id="muller2018ngo",
            record_type="article"),
        rec("全球南方视角下的发展合作", ["王明", "李华"], 2020, "世界经济与政治论丛", "", ["南南合作", "发展援助"],
            "本文讨论发展中国家之间的技术援助与资金合作。", "zh", record="2", volume="37", issue="4", pages="88-105",
            language="zh", db_id="wang2020south", record_type="article"),
    ]),
    "zotero.json": ("csljson", [
        rec("Climate Finance Pledges at the G20", ["Brown, Thomas", "Nakamura, Yui"], 2022,
            "Invented Climate Policy Quarterly", "10.5555/icpq.2022.007", ["climate finance", "G20"],
            "Finance ministers promised new funds for adaptation.", "en", record="1", volume="14", issue="1",
            pages="7-19", url="https://example.org/icpq/7", language="en",
            db_id="http://zotero.org/users/0/items/AAAA1111", record_type="article-journal"),
        rec("上海合作组织框架下的反恐合作评估", ["赵丽", "钱进"], 2017, "欧亚研究评论", "", ["上海合作组织", "反恐合作"],
            "本文评估上海合作组织成员国", "zh", record="2", volume="3", issue="6", pages="55-70", language="zh",
            db_id="http://zotero.org/users/0/items/BBBB2222", record_type="article-journal"),
        rec("NGO networks and the UN Human Rights Council", ["Müller, Jörg", "García, Elena"], 2018,
            "Global Invented Review", "10.5555/GIR.2018.101", [], "", "en", record="3",
            db_id="http://zotero.org/users/0/items/CCCC3333", record_type="article-journal"),
    ]),
    "zotero.csv": ("zotero_csv", [
        rec("The European Union as a Donor to Regional Security", ["Dubois, Claire", "Mensah, Kofi"], 2016,
            "Invented European Affairs", "10.5555/iea.2016.033", ["EU", "security assistance"],
            "The European Union funds training missions abroad.", "en", record="1", volume="21", issue="2",
            pages="33-51", url="https://example.org/iea/33", language="en", database="Invented Catalogue",
            db_id="ZK1", record_type="journalArticle"),
        rec("金砖国家新开发银行的贷款政策", ["黄伟", "林芳"], 2023, "国际金融研究论丛", "",
            ["新开发银行", "金砖国家", "开发融资"], "本文分析新开发银行的贷款审批程序。", "zh", record="2", volume="9",
            issue="1", pages="1-18", language="zh", database="Invented Catalogue", db_id="ZK2",
            record_type="journalArticle"),
    ]),
    "scopus.csv": ("scopus_csv", [
        rec("Maritime Security Cooperation in the Gulf of Guinea", ["Ivanova, Elena", "Park, Jisoo"], 2020,
            "Invented Ocean Governance", "10.5555/iog.2020.210", ["maritime security", "piracy", "Gulf of Guinea"],
            "Coastal states signed a code of conduct against piracy.", "en", record="1", volume="7", issue="2",
            pages="210-229", url="https://example.org/iog/210", language="en", database="Scopus",
            db_id="2-s2.0-00000000001", record_type="Article"),
        rec("Pandemic Preparedness and the World Health Organization", ["Lopez, Maria"], 2021,
            "Invented Global Health Politics", "10.5555/ighp.2021.e12", ["WHO", "pandemic preparedness"], "", "en",
            record="2", volume="4", issue="1", pages="e12", url="https://example.org/ighp/12", language="en",
            database="Scopus", db_id="2-s2.0-00000000002", record_type="Article"),
    ]),
    "wos_savedrecs.txt": ("wos", [
        rec("Refugee Hosting and Burden Sharing: An Invented Comparison of Regional Compacts",
            ["Haddad, Rania", "Kim, Soyeon"], 2015, "INVENTED JOURNAL OF MIGRATION POLICY", "10.5555/ijmp.2015.301",
            ["burden sharing", "refugees", "regional compacts"],
            "Host countries asked for predictable funding. The invented comparison finds", "en", record="1",
            volume="9", issue="4", pages="301-322", language="en", database="Web of Science",
            db_id="WOS:000000000000001", record_type="Article"),
        rec("Maritime security cooperation in the Gulf of Guinea", ["Ivanova, Elena", "Park, Jisoo"], 2020,
            "INVENTED OCEAN GOVERNANCE", "10.5555/iog.2020.210", ["maritime security", "piracy"],
            "Coastal states signed a code of conduct against piracy.", "en", record="2", volume="7", issue="2",
            pages="210-229", language="en", database="Web of Science", db_id="WOS:000000000000002",
            record_type="Article"),
    ]),
    "wos_tab.txt": ("wos_tab", [
        rec("Trade Agreements and Labour Standards in Invented Cases", ["Silva, Pedro", "Chen, Li"], 2014,
            "INVENTED TRADE REVIEW", "10.5555/itr.2014.077", ["labour standards", "trade agreements"],
            "Unions lobbied negotiators to include labour clauses.", "en", record="1", volume="22", issue="3",
            pages="77-95", language="en", database="Web of Science", db_id="WOS:000000000000003",
            record_type="Article"),
        rec("The African Continental Free Trade Area After Ratification", ["Okonkwo, Adaeze"], 2024,
            "INVENTED TRADE REVIEW", "", ["AfCFTA", "regional integration"],
            "Member states ratified the agreement quickly", "en", record="2", volume="32", issue="1", pages="1-20",
            language="en", database="Web of Science", db_id="WOS:000000000000004", record_type="Article"),
    ]),
    "cnki_endnote.txt": ("endnote", [
        rec("一带一路倡议下的基础设施融资合作", ["孙磊", "何芳"], 2019, "国际展望研究", "",
            ["一带一路", "基础设施", "融资合作"], "本文基于虚构数据，考察沿线国家", "zh", record="1", volume="11",
            issue="5", pages="23-41", database="CNKI", record_type="Journal Article"),
        rec("联合国维和行动中的中国贡献", ["周强", "吴敏"], 2022, "和平与发展论丛", "", ["维和行动", "联合国", "中国"],
            "本文梳理中国参与联合国维和行动的历程。", "zh", record="2", volume="6", issue="1", pages="5-22",
            database="CNKI", record_type="Journal Article"),
        rec("全球卫生治理中的非政府组织", ["郑洁", "冯涛"], 2018, "国际组织评论", "", ["全球卫生治理", "非政府组织"],
            "本文讨论非政府组织在全球卫生议程设定中的作用。", "zh", record="3", volume="2", issue="3",
            pages="60-77", database="CNKI", record_type="Journal Article"),
    ]),
    "cnki_refworks.txt": ("refworks", [
        rec("区域全面经济伙伴关系协定的规则整合", ["许晴", "韩冰"], 2023, "亚太经济评论", "",
            ["RCEP", "规则整合", "区域经济合作"], "本文比较区域全面经济伙伴关系协定", "zh", record="1", volume="15",
            issue="1", pages="30-48", url="https://example.org/cnki/rcep", language="zh", database="CNKI",
            record_type="Journal Article"),
        rec("北极理事会观察员国的参与路径", ["唐伟"], 2016, "极地与海洋研究", "", ["北极理事会", "观察员国"],
            "本文讨论观察员国参与北极理事会工作组的方式。", "zh", record="2", volume="4", issue="2",
            pages="101-118", language="zh", database="CNKI", record_type="Journal Article"),
    ]),
    "cnki_noteexpress.txt": ("noteexpress", [
        rec("一带一路倡议下的基础设施融资合作", ["孙磊", "何芳"], 2019, "国际展望研究", "",
            ["一带一路", "基础设施", "融资合作"], "本文基于虚构数据，考察沿线国家", "zh", record="1", volume="11",
            issue="5", pages="23-41", database="CNKI", record_type="Journal Article"),
        rec("气候变化谈判中的基础四国协调机制", ["罗佳", "邓辉"], 2021, "气候与国际政治", "", ["基础四国", "气候谈判"],
            "本文考察基础四国在气候谈判中的立场协调。", "zh", record="2", volume="7", issue="3", pages="44-59",
            database="CNKI", record_type="Journal Article"),
    ]),
}

CASES = [(name, index) for name, (_, records) in EXPECTED.items() for index in range(len(records))]


@pytest.fixture(scope="module")
def read():
    return {name: list(read_documents(FIXTURES / name)) for name in EXPECTED}


def test_every_fixture_export_is_expected_and_has_both_languages():
    assert sorted(p.name for p in FIXTURES.iterdir()) == sorted(EXPECTED)
    langs = {r["lang"] for _, records in EXPECTED.values() for r in records}
    assert langs == {"zh", "en"} and len(CASES) >= 20


@pytest.mark.parametrize("name,index", CASES, ids=[f"{n}#{i + 1}" for n, i in CASES])
def test_record_metadata_field_by_field(read, name, index):
    export_format, records = EXPECTED[name]
    expected = records[index]
    docs = read[name]
    assert len(docs) == len(records)
    doc = docs[index]
    meta = doc.meta
    assert meta.title == expected["title"]
    assert meta.authors == expected["authors"]
    assert meta.year == expected["year"]
    assert meta.journal == expected["journal"]
    assert meta.doi == expected["doi"]
    assert meta.keywords == expected["keywords"]
    assert meta.abstract.startswith(expected["abstract_start"]) and bool(meta.abstract) == bool(expected["abstract_start"])
    number = expected["extra"]["record"]
    assert meta.extra == {**expected["extra"], "export_format": export_format,
                          "sources": f"{FIXTURES / name}#{number}"}
    assert set(meta.extra) <= set(EXTRA_KEYS)
    assert doc.format == export_format and doc.source == str(FIXTURES / name) and doc.lang == expected["lang"]


@pytest.mark.parametrize("name,index", CASES, ids=[f"{n}#{i + 1}" for n, i in CASES])
def test_record_sections_hold_title_abstract_and_keywords(read, name, index):
    doc = read[name][index]
    by_kind = {s.kind: doc.text[s.start:s.end] for s in doc.sections}
    assert by_kind["title"] == doc.meta.title
    assert by_kind.get("abstract", "") == doc.meta.abstract
    if doc.meta.keywords:
        assert by_kind["furniture"].replace("；", "; ").split("; ") == doc.meta.keywords
    for section in doc.sections:
        for paragraph in section.paragraphs:
            assert section.start <= paragraph.start <= paragraph.end <= section.end
            assert doc.text[paragraph.start:paragraph.end].strip()


def test_record_ids_are_distinct_and_stable(read):
    ids = [doc.id for docs in read.values() for doc in docs]
    assert len(ids) == len(set(ids))
    again = [doc.id for name in EXPECTED for doc in read_documents(FIXTURES / name)]
    assert again == ids

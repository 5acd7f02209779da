"""The pure parts of ingest: cleaning, labels, decoding and the line reflow, on literal strings."""

from __future__ import annotations

import pytest

from pipeline.errors import IrtagError
from pipeline.ingest import clean, metadata
from pipeline.ingest.layout import Line, heading_like, reflow
from pipeline.ingest.text import decode


@pytest.mark.parametrize("raw, expected", [
    ("\u3000Ｒole　Orientation  ２０１５", "Role Orientation 2015"),
    ("联合国，欧盟。（非盟）“东盟”《宪章》", "联合国，欧盟。（非盟）“东盟”《宪章》"),  # Chinese punctuation kept
    ("情况。 首先", "情况。首先"),
    ("G20 的\u00a0治理\t模式", "G20 的 治理 模式"),
    ("朱杰进 尤力", "朱杰进 尤力"),
])
def test_normalize_line(raw, expected):
    assert clean.normalize_line(raw) == expected


@pytest.mark.parametrize("left, right, joined", [
    ("联合国与区域组织的合", "作强度较高。", "联合国与区域组织的合作强度较高。"),
    ("资源依赖（Private", "Actors）纳入", "资源依赖（Private Actors）纳入"),
    ("seek coope-", "ration with", "seek cooperation with"),
    ("the self-", "Administrator", "the self-Administrator"),
    ("relies on", "the EU", "relies on the EU"),
    ("G8/G20", "国家", "G8/G20国家"),
])
def test_join_lines(left, right, joined):
    assert clean.join_lines(left, right) == joined


@pytest.mark.parametrize("text, expected, markers", [
    ("开展的合作。^①一般而言", "开展的合作。一般而言", [("①", 6)]),
    ("新问题 [2] ，可以说[3]", "新问题，可以说", [("[2]", 3), ("[3]", 7)]),
    ("无效性［1］。借此", "无效性。借此", [("［1］", 3)]),
    ("cooperation [3] between states[4].", "cooperation between states.", [("[3]", 11), ("[4]", 26)]),
    ("a claim¹² here", "a claim here", [("¹²", 7)]),
])
def test_strip_markers(text, expected, markers):
    assert clean.strip_markers(text) == (expected, markers)


@pytest.mark.parametrize("text, expected", [
    ("governance．It plays，as" + " one", "governance. It plays, as one"),
    ("the self － administrator of doi.org 2.1", "the self-administrator of doi.org 2.1"),
    ("联合国．欧盟，非盟", "联合国．欧盟，非盟"),  # Chinese paragraphs untouched
])
def test_fix_english_punct(text, expected):
    assert clean.fix_english_punct(text) == expected


@pytest.mark.parametrize("text, lang", [
    ("联合国与 European Union 的合作", "zh"),
    ("The United Nations and 欧盟", "en"),
    ("", "zh"),
])
def test_lang_of(text, lang):
    assert clean.lang_of(text) == lang


@pytest.mark.parametrize("text, ending", [("对象。”[3] ", True), ("相对而言，", False), ("resources.", True),
                                          ("分析*", False), ("为什么？", True)])
def test_ends_sentence(text, ending):
    assert clean.ends_sentence(text) is ending


@pytest.mark.parametrize("text, kind, rest", [
    ("【内容提要】加强合作", "abstract_zh", "加强合作"),
    ("摘  要  本文试图", "abstract_zh", "本文试图"),
    ("Abstract: The rise", "abstract_en", "The rise"),
    ("【 Keywords 】 UN peacekeeping", "keywords", "UN peacekeeping"),
    ("关键词：联合国；维和", "keywords", "联合国；维和"),
    ("【DOI】10.13549/x.2025.05.005", "doi", "10.13549/x.2025.05.005"),
    ("参考文献：", "references", ""),
    ("收稿日期: 2015 － 06 － 27", "meta", "2015 － 06 － 27"),
    ("本文系2020年上海市课题的阶段性成果。", "meta", "本文系2020年上海市课题的阶段性成果。"),
])
def test_labels(text, kind, rest):
    label = metadata.match_label(text)
    assert label is not None and (label.kind, label.rest) == (kind, rest)


@pytest.mark.parametrize("text", ["作者感谢各位专家", "摘要本文讨论", "联合国的关键词是合作"])
def test_not_labels(text):
    assert metadata.match_label(text) is None


def test_metadata_helpers():
    assert metadata.split_authors("朱杰进 尤力") == ["朱杰进", "尤力"]
    assert metadata.split_authors("WANG Jing-na，QI Xiang-chen") == ["WANG Jing-na", "QI Xiang-chen"]
    assert metadata.split_authors("Zhu Jiejun and You Li") == ["Zhu Jiejun", "You Li"]
    assert metadata.find_year("【文章编号】1008-1755（2025）05-0080-18") == 2025
    assert metadata.find_year("DOI:10.13391/j.cnki.issn.1674-7798.2015.08.011") == 2015
    assert metadata.find_doi("见 https://doi.org/10.1017/S0260210512000575。") == "10.1017/S0260210512000575"
    assert metadata.is_author_line("王晶娜，亓祥晨") and not metadata.is_author_line("结语")


@pytest.mark.parametrize("text, heading", [
    ("一、资源依赖、组织文化与国际组织间合作强度", True),
    ("（二）国际组织间资源依赖程度", True),
    ("2.1 专业化科技社团的单一内部治理", True),
    ("1. 资源依赖程度较高", True),
    ("2008 年汶川地震发生以后，各个地方的社会组织", False),
    ("4 月和 9 月）；联合国大会 9 月在纽约召开", False),
    ("一、联合国与欧盟签署了协议。双方采取了联合行动。", False),
])
def test_heading_like(text, heading):
    assert heading_like(text) is heading


def test_reflow_wrapped_pdf_text():
    """Seed-001 style: blank lines inside paragraphs, a page header and number, a heading."""
    lines = ["摘 要 本文试图从跨政府网络的角度探讨治理模式，分析治理的动力、方式和成果。世界面对",
             "", "气候变化与金融危机两大挑战之际，作为全球治理核心的机制通过跨政府网络的治理模式，为",
             "", "世界主要经济体搭建了对话平台。", " 在世界面临全球性金融危机和气候变化的双重挑战之际，二战",
             "", "后建立的规则安排和治理制度并未能做出迅速、有效的反应。而由世界主要经济体组成的集团",
             "", "", "跨政府网络与治理模式", "", "25", "",
             "快速行动，逐渐成为国际社会应对危机的主要平台。", "", "一、全球治理的提出及其背景", "",
             "通过跨政府网络进行全球治理的经典文献是罗伯特·基欧汉和约瑟夫·奈在 1974 年发表的文章。"]
    blocks = reflow([Line(t) for t in lines])
    assert [(b.role, b.text[:6]) for b in blocks] == [
        ("label", "摘 要 本文"), ("text", "在世界面临全"), ("header", "跨政府网络与"), ("heading", "一、全球治理"),
        ("text", "通过跨政府网")]
    assert "为世界主要经济体" in blocks[0].text and blocks[1].text.endswith("集团快速行动，逐渐成为国际社会应对危机的主要平台。")


def test_reflow_notes_interrupting_a_paragraph():
    """Seed-002 style: one paragraph per line, cut by page-bottom notes; the notes follow it."""
    lines = ["总体而言，上述三种分析视角做出了一些解释，但仍存在一定的局限性。相对而言，", "",
             "① Rafael Biermann, Studying Relations, 2017.", "", "② 陈一一：《五常国外交立场》，2024年。", "",
             "国际组织间资源依赖的视角较好地分析了资源依赖因素的影响。", "", "值得注意的是，合作强度呈现出明显差异。"]
    blocks = reflow([Line(t) for t in lines])
    assert [b.role for b in blocks] == ["text", "note", "note", "text"]
    assert blocks[0].text.endswith("相对而言，国际组织间资源依赖的视角较好地分析了资源依赖因素的影响。")


@pytest.mark.parametrize("encoding, text", [
    ("gbk", "国际组织间合作强度研究。联合国与区域组织在维和领域开展合作。" * 4),
    ("big5", "國際組織間合作強度研究。聯合國與區域組織在維和領域開展合作。" * 4),
    ("utf-16", "国际组织 cooperation"),
    ("utf-8-sig", "国际组织 cooperation"),
])
def test_decode(encoding, text):
    decoded, used, _ = decode(text.encode(encoding), "x.txt")
    assert decoded == text
    assert used.replace("-", "").startswith(encoding.replace("-", "")[:4]) or (encoding == "gbk" and used == "gb18030")


@pytest.mark.parametrize("data, code", [
    (b"\x00\x01\x02binary\x00", "E005"),
    ("联合国".encode("gbk") + b"\xff\x80\xff" * 10, "E004"),
    (b"   \n\t ", "E002"),
])
def test_decode_rejects(data, code):
    with pytest.raises(IrtagError, match=rf"\[{code}\] x.txt"):
        decode(data, "x.txt")

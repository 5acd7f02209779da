"""Recognising labelled lines (摘要, 关键词, DOI, 作者简介 …) and pulling metadata out of them.

Chinese journal articles label their front matter in a few conventional ways: bare
(``摘要：``), in lenticular brackets (``【内容提要】``) or spaced out by PDF extraction
(``摘  要``). All label patterns live here, in one table, so a new journal style is one line.
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass

_OPEN = r"^\s*[【\[［]?\s*"
_CLOSE = r"\s*[】\]］]?"
_SEP = r"\s*[:：.]?\s*"


def _label(words: str, *, bare: bool) -> re.Pattern[str]:
    """A label: bracketed ('【关键词】'), or followed by a colon; ``bare`` ones also by a space.

    Non-bare words ('作者', '来源') need the brackets or a colon, so '作者感谢…' stays text.
    """
    after = r"(?:\s*[:：]\s*|\s+|$)" if bare else r"\s*[:：]\s*"
    return re.compile(r"^\s*(?:[【\[［]\s*(" + words + r")\s*[】\]］]\s*[:：]?\s*|(" + words + r")" + after + ")",
                      re.IGNORECASE)


#: (kind, pattern). Kinds: abstract_zh / abstract_en / keywords / doi / references /
#: furniture_open (a heading whose following paragraphs are furniture) / meta (furniture line).
LABELS: list[tuple[str, re.Pattern[str]]] = [
    ("abstract_zh", _label(r"摘\s*要|内容提要|内容摘要|提\s*要", bare=True)),
    ("abstract_en", _label(r"Abstract|Summary", bare=True)),
    ("keywords", _label(r"关\s*键\s*词|关键字|Key\s*words|Keywords", bare=True)),
    ("doi", _label(r"DOI", bare=True)),
    ("furniture_open", re.compile(r"^\s*(作品简介|期刊简介|译者简介|编者按|作者信息)\s*[:：]?\s*$")),
    ("meta", _label(r"作者简介|收稿日期|修回日期|基金项目|中图分类号|文献标识码|文章编号|责任编辑|通讯作者"
                    r"|通信作者|作品简介|期刊简介", bare=True)),
    ("meta", _label(r"作者|编译|审校|排版|来源|编辑|校对|译者|翻译|责编|Author|Authors|Funding"
                    r"|Received|Accepted|JEL|CLC|Document code|Article ID", bare=False)),
    ("meta", re.compile(r"^\s*本文(?:系|为|是)[^。]{0,160}(?:成果|资助|支持)")),
]
REFERENCES_RE = re.compile(
    r"^\s*(参\s*考\s*文\s*献|引用文献|注\s*释|References|Bibliography|Works Cited|Notes|Literature)"
    r"\s*[:：]?\s*$", re.IGNORECASE)

#: Chinese author line: 2-4 character names separated by spaces or commas, optional markers.
AUTHOR_ZH_RE = re.compile(
    r"^[\u4e00-\u9fff·]{2,4}[\d*＊¹²³]*(?:\s*[，,、\s]\s*[\u4e00-\u9fff·]{2,4}[\d*＊¹²³]*){0,7}$")
_NAME_EN = r"[A-Z][A-Za-z'\-]+(?:\s+[A-Z][A-Za-z'\-.]*){1,2}"
AUTHOR_EN_RE = re.compile(rf"^{_NAME_EN}(?:\s*(?:[,，;]|\band\b|&)\s*{_NAME_EN})*$")
AFFILIATION_RE = re.compile(
    r"^[（(].{2,160}(?:大学|学院|研究所|研究院|中心|University|Institute|Department|School|College"
    r"|\d{6}).{0,40}[)）]$")
#: Standalone words that look like a two-character name but are headings.
HEADING_WORDS = {"引言", "前言", "导论", "绪论", "结语", "结论", "摘要", "评述", "序言", "正文", "附录",
                 "余论", "小结", "讨论", "致谢", "后记", "概述", "背景", "方法", "注释"}

DOI_RE = re.compile(r"\b(10\.\d{4,9}/[^\s，。；;,<>\"“”【】]+)")
YEAR_PATTERNS = [
    re.compile(r"收稿日期\s*[】\]]?\s*[:：]?\s*((?:19|20)\d{2})"),
    re.compile(r"文章编号.{0,30}?[（(]((?:19|20)\d{2})[)）]"),
    re.compile(r"\b10\.\d{4,9}/\S*?[./]((?:19|20)\d{2})[./]\d"),
]
JOURNAL_RE = re.compile(r"[\"”]\s*\.?\s*([A-Z][A-Za-z&' ]{3,80}?),\s*\d")

#: WeChat / web furniture. A short line matching TAIL_RE starts the end-of-article furniture.
TAIL_RE = re.compile(
    r"微信扫一扫|长按二维码|赞赏|本文由.{0,30}(?:编译|推荐|授权|转载)|添加.{0,20}微信|对作者说句悄悄话"
    r"|发送给作者|最多\d+字|上一页.{0,20}下一页|受苹果公司新规定影响|阅读原文|点击.{0,10}关注|扫码关注")
FURNITURE_LINE_RE = re.compile(
    r"^(?:收录于(?:合集|话题).*|在看|取消|发送|分享|点赞|写留言|留言|人赞赏|已喜欢.*|好好学习，天天“在看”"
    r"|[\w.-]+\.(?:png|jpe?g|gif|svg|emf|wmf|bmp|tiff?)|\[?bookmark:[^\]]*\]?)$", re.IGNORECASE)


@dataclass
class Label:
    kind: str
    name: str  # the label word as written, without brackets or colon
    rest: str  # text after the label on the same line


def match_label(text: str) -> Label | None:
    """The label a paragraph starts with, if any ('【关键词】a；b' -> keywords, rest 'a；b')."""
    match = REFERENCES_RE.match(text)
    if match:
        return Label("references", match.group(1), "")
    for kind, pattern in LABELS:
        match = pattern.match(text)
        if match:
            name = next((g for g in match.groups() if g), match.group(0)).strip()
            rest = text[match.end():].strip() if kind != "meta" or match.groups() else text
            return Label(kind, re.sub(r"\s+", "", name) if not name.isascii() else name, rest)
    return None


def is_author_line(text: str) -> bool:
    text = text.strip()
    if AUTHOR_ZH_RE.match(text):
        names = re.split(r"[，,、\s]+", text)
        return not (len(names) == 1 and names[0] in HEADING_WORDS)
    return is_author_line_en(text)


def is_author_line_en(text: str) -> bool:
    text = text.strip()
    return len(text) <= 80 and AUTHOR_EN_RE.match(text) is not None


def split_authors(text: str) -> list[str]:
    """'朱杰进 尤力' / '王晶娜，亓祥晨' / 'Zhu Jiejun and You Li' / 'Smith, Anna; Li, Wei' -> names.

    Semicolons, where present, are the only separators between names; otherwise a comma
    between single words is 'Family, Given' ('Smith, Anna' is one author, 'Smith, A., Li, W.'
    two), and a comma between multi-word names separates them.
    """
    text = re.sub(r"[\d*＊¹²³]+", "", text.strip())
    if re.search(r"[;；]", text):
        chunks = re.split(r"\s*[;；]\s*", text)
        return [name for chunk in chunks for name in (split_authors(chunk) if _CJK_NAMES_RE.search(chunk)
                                                      else [chunk.strip(" ,，")]) if name]
    if re.search(r"[\u4e00-\u9fff]", text):
        parts = re.split(r"[，,、\s]+", text)
        return [p.strip() for p in parts if p.strip()]
    names: list[str] = []
    for chunk in re.split(r"\s*(?:\band\b|&)\s*", text):
        parts = [p.strip() for p in re.split(r"\s*[,，]\s*", chunk) if p.strip()]
        if len(parts) % 2 == 0 and not all(len(p.split()) >= 2 for p in parts):
            parts = [f"{parts[i]}, {parts[i + 1]}" for i in range(0, len(parts), 2)]
        names.extend(parts)
    return names


#: A chunk of Chinese names ('王明，李华'), split further; a chunk with Latin letters is one name.
_CJK_NAMES_RE = re.compile(r"^[\u4e00-\u9fff·，,、\s]+$")


def split_keywords(text: str) -> list[str]:
    parts = re.split(r"[；;，,、]+" if re.search(r"[；;，,、]", text) else r"\s{1,}", text.strip())
    return [p.strip(" 。.") for p in parts if p.strip(" 。.")]


def find_doi(text: str) -> str:
    match = DOI_RE.search(text)
    return match.group(1).rstrip(".)）") if match else ""


def find_year(text: str) -> int | None:
    for pattern in YEAR_PATTERNS:
        match = pattern.search(text)
        if match:
            return int(match.group(1))
    return None


def find_journal(text: str) -> str:
    """Journal named in a citation-like source line ('…policy cycle."Review of X, 39.4')."""
    match = JOURNAL_RE.search(text)
    return match.group(1).strip() if match else ""


def year_of(value: object) -> int | None:
    """Year of a front-matter or HTML date ('2020-06-06 20:11:11', a datetime, 2020)."""
    if isinstance(value, (_dt.date, _dt.datetime)):
        return value.year
    match = re.search(r"\b((?:19|20)\d{2})\b", str(value or ""))
    return int(match.group(1)) if match else None

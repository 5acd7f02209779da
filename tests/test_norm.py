"""The shared text rules (pipeline.norm): one CJK range, one width folding, one language rule."""

import pytest

from pipeline.norm import (
    cjk_share, detect_lang, fold_alnum_width, fold_width, is_cjk, lower_same_length, normalize, to_simplified,
)


def test_normalize_is_length_preserving():
    assert to_simplified("聯合國與歐盟") == "联合国与欧盟"
    assert normalize("ＵＮ（聯合國）　１２３，") == "UN(联合国) 123,"
    text = "後來，乾隆與「臺灣」…… ＡＢＣ abc 联合国 𠀀"
    assert len(to_simplified(text)) == len(normalize(text)) == len(text)
    assert to_simplified("联合国与欧盟的资源依赖") == "联合国与欧盟的资源依赖"


def test_detect_lang_by_cjk_share():
    assert detect_lang("政府间组织（IGO）与非政府组织（NGOs）的合作") == "zh"
    assert detect_lang("Explaining cooperation between IGOs and NGOs, 2013.") == "en"
    assert detect_lang("2013", default="zh") == "zh"




@pytest.mark.parametrize("char, expected", [("联", True), ("㐀", True), ("𠀀", True), ("a", False), ("。", False), ("", False)])
def test_is_cjk(char, expected):
    assert is_cjk(char) is expected


def test_width_folding_keeps_length_and_chinese_punctuation_apart():
    assert fold_width("ＵＮ，１２　") == "UN,12 "
    assert fold_alnum_width("ＵＮ，１２　") == "UN，12　"
    assert lower_same_length("İstanbul UN") == "İstanbul un"


@pytest.mark.parametrize("text, lang", [("联合国与欧盟", "zh"), ("UN and EU", "en"), ("联合国 (UN) 与 EU", "zh"),
                                        ("The United Nations (联合国)", "en")])
def test_one_language_rule(text, lang):
    assert detect_lang(text) == lang
    assert (cjk_share(text) >= 0.25) == (lang == "zh")

"""The coders' round trip, scripted as coders do it: tag -> two coders fill sheets (a GBK CSV
saved by a Chinese Excel, an XLSX) -> agreement -> train --add -> suggest, with the agreement
figures checked against values computed by hand."""

import shutil
import warnings

import pandas as pd
import pytest
from click.testing import CliRunner

from conftest import TINY_GOLD
from pipeline.cli import cli
from pipeline.io import read_table

SENTENCES = [  # sent_id, lang, text, section_kind
    ("r-1", "zh", "非政府组织积极游说联合国代表团。", "body"),
    ("r-2", "en", "NGOs lobby the IMF for funding.", "body"),         # already in the tiny gold: push, funding
    ("r-3", "zh", "社会组织争取政府间组织的资金支持。", "body"),
    ("r-4", "en", "The UN relies on the EU for troops.", "body"),
    ("r-5", "zh", "联合国与非盟签署了合作协议。", "body"),
    ("r-6", "en", "The report was published in May.", "body"),
    ("r-7", "en", "Smith, J. (2019). NGOs lobby the UN. Journal of IR.", "references"),
]
#: push per coder on r-1 … r-6: both 2 (r-1, r-2), Anna only 1 (r-3), Ben only 0, neither 3.
ANNA = ["推动", "推动", "推动", "拉动", "", "", "推动"]          # the codebook's Chinese names
ANNA_RESOURCE = ["", "资金；人员", "资金", "人员", "", "", ""]    # a full-width separator
BEN = ["Push", "push", "", "Pull", "", "", ""]                  # letter case
BEN_RESOURCE = ["", "Funding", "funding", "personnel", "", "", ""]


def run(*args):
    with warnings.catch_warnings():
        warnings.simplefilter("always")  # shown by the CLI as "Warning: ..." lines
        result = CliRunner().invoke(cli, [str(a) for a in args])
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture
def tagged(tmp_path, tiny_models):
    table = pd.DataFrame(SENTENCES, columns=["sent_id", "lang", "text", "section_kind"])
    table.to_csv(tmp_path / "review.csv", index=False, encoding="utf-8-sig")
    run("tag", tmp_path / "review.csv", "--lang-column", "lang", "--models", tiny_models, "-o", tmp_path / "tagged.csv")
    tagged = read_table(tmp_path / "tagged.csv")
    assert tagged["sent_id"].tolist() == [s[0] for s in SENTENCES]
    return tagged.assign(section_kind=[s[3] for s in SENTENCES])


def coder_sheet(tagged, factor, resource, done):
    columns = ["sent_id", "section_kind", "lang", "text", "factor", "stage", "resource", "cooperation"]
    return tagged[columns].assign(coder_factor=factor, coder_stage="", coder_resource=resource,
                                  coder_cooperation="", coder_done=done)


def test_tag_code_agree_train_suggest(tmp_path, tagged, tiny_models):
    anna, ben = tmp_path / "anna", tmp_path / "ben"
    anna.mkdir(), ben.mkdir()
    # Anna: Excel's "CSV (Comma delimited)" on a Chinese Windows is GBK, no BOM
    coder_sheet(tagged, ANNA, ANNA_RESOURCE, ["是"] * 7).drop(columns="factor").to_csv(
        anna / "sentences.csv", index=False, encoding="gbk")
    coder_sheet(tagged, BEN, BEN_RESOURCE, ["x"] * 6 + [""]).to_excel(ben / "sentences.xlsx", index=False)

    output = run("agreement", anna / "sentences.csv", ben / "sentences.xlsx", "--csv", tmp_path / "agree.csv")
    assert "anna/sentences.csv: coder cells normalised: 1 separator, 9 Chinese name" in output
    assert "ben/sentences.xlsx: coder cells normalised: 3 letter case" in output
    assert "7 of 7 rows reviewed (coder_done ticked)" in output and "6 of 7 rows reviewed" in output
    assert "7 sentence ids in both sheets, 6 reviewed in both, 0 in references/notes/furniture not scored, " \
           "6 scored" in output
    scores = read_table(tmp_path / "agree.csv").set_index(["scheme", "label"])
    # push, 2x2 over the 6 body sentences: both 2, Anna only 1, Ben only 0, neither 3
    n, both, anna_only, ben_only = 6, 2, 1, 0
    p_observed = (both + n - both - anna_only - ben_only) / n                       # 5/6
    anna_yes, ben_yes = (both + anna_only) / n, (both + ben_only) / n                # 3/6, 2/6
    p_chance = anna_yes * ben_yes + (1 - anna_yes) * (1 - ben_yes)                   # 1/6 + 2/6 = 1/2
    kappa = (p_observed - p_chance) / (1 - p_chance)                                 # 2/3
    push = scores.loc[("factor", "push")]
    assert float(push["percent"]) == pytest.approx(5 / 6) and p_observed == pytest.approx(5 / 6)
    assert float(push["kappa"]) == pytest.approx(kappa) and kappa == pytest.approx(2 / 3)
    assert [float(push[c]) for c in ("n", "n_first", "n_second")] == [6, 3, 2]
    # pull: both coded r-4 only -> perfect; funding: both r-2 and r-3 (Anna's 资金 in r-2 and r-3)
    assert float(scores.loc[("factor", "pull"), "kappa"]) == pytest.approx(1.0)
    assert float(scores.loc[("resource", "funding"), "percent"]) == pytest.approx(1.0)

    gold = tmp_path / "gold"
    shutil.copytree(TINY_GOLD, gold)
    models = tmp_path / "models"
    output = run("train", "--gold", gold, "-o", models, "--add", anna / "sentences.csv", "--add", ben / "sentences.xlsx")
    assert "added 6 rows of coder anna_sentences (0 replacing an earlier decision)" in output
    assert "added 6 rows of coder ben_sentences" in output
    conflicts = [line for line in output.splitlines() if line.startswith("conflict")]
    prefix = "conflict with the gold (the correction is trained on): "
    assert conflicts == [  # Anna against the tiny gold, then Ben against Anna's corrections (Ben's file wins)
        prefix + "r-2: examples.csv line 2 has resource funding, the correction funding;personnel",
        prefix + "r-2: corrections_anna_sentences.csv line 3 has resource funding;personnel, the correction funding",
        prefix + "r-3: corrections_anna_sentences.csv line 4 has factor push, the correction -"]
    assert (models / "manifest.json").is_file()
    saved = read_table(gold / "corrections_anna_sentences.csv")
    assert saved["sent_id"].tolist() == [f"r-{i}" for i in range(1, 7)]  # the reference row is not trained on
    assert saved["factor"].tolist() == ["push", "push", "push", "pull", "", ""]
    assert saved["resource"].tolist() == ["", "funding;personnel", "funding", "personnel", "", ""]

    # Ben re-decides r-3 (push after all) in a later sheet: his file keeps one decision per sentence
    later = coder_sheet(tagged, ["", "", "推动", "", "", "", ""], [""] * 7, ["", "", "1", "", "", "", ""])
    later.to_csv(ben / "sentences.csv", index=False, sep=";", encoding="utf-8-sig")  # European Excel
    output = run("train", "--gold", gold, "-o", models, "--add", ben / "sentences.csv", "--coder", "ben_sentences")
    assert "added 1 rows of coder ben_sentences (1 replacing an earlier decision)" in output
    ben_saved = read_table(gold / "corrections_ben_sentences.csv")
    assert ben_saved["sent_id"].tolist() == ["r-1", "r-2", "r-4", "r-5", "r-6", "r-3"]
    assert ben_saved.set_index("sent_id").loc["r-3", "factor"] == "push"

    articles = tmp_path / "articles"
    articles.mkdir()
    (articles / "a.txt").write_text("非政府组织积极游说联合国代表团。联合国依靠欧盟部署部队。\n\n"
                                    "NGOs lobby the IMF for funding. The UN relies on the EU for troops.\n",
                                    encoding="utf-8")
    run("run", articles, "-o", tmp_path / "run", "--models", models, "--quiet")
    output = run("suggest", tmp_path / "run", "-n", "3", "--models", models, "--csv", tmp_path / "next.csv")
    suggested = read_table(tmp_path / "next.csv")
    assert 1 <= len(suggested) <= 3
    assert suggested["margin"].astype(float).is_monotonic_increasing

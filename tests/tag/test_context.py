"""The passage's context tokens: neighbours' cues, lists, anaphora; the same in training and tagging."""

import pandas as pd
import pytest

from conftest import TINY_GOLD, make_annotator
from pipeline.tag.context import context_tokens, with_context
from pipeline.tag.features import SentenceFeatures
from pipeline.training import train

PASSAGES = {
    "en": ["The agency needs three things:", "expert staff and field funding.",
           "These resources come from the foundation."],
    "zh": ["该机构需要以下支持：", "一是专家，二是资金。", "上述资源由基金会提供。"],
}


def _tokens(lang, passages, headings=(False, False, False)):
    texts = PASSAGES[lang]
    hits = [("hit:resource:expertise",), (), ("hit:resource:funding",)]
    return context_tokens(texts, [lang] * 3, hits, [("igo",), (), ("private",)], list(headings), passages)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_neighbours_lists_and_anaphora(lang):
    first, middle, last = _tokens(lang, ["p", "p", "p"])
    assert "next:hit:resource:expertise" not in first and "prev:hit:resource:expertise" in middle
    assert "next:hit:resource:funding" in middle
    assert "list" in middle and "list&prev:hit:resource:expertise" in middle
    assert "anaphora" in last and "prev:hit:resource:expertise" not in last
    assert {"passage:actor:igo", "passage:actor:private"} <= set(first)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_independent_rows_and_other_passages_have_no_neighbours(lang):
    alone = _tokens(lang, [None, "", None])
    assert alone == [(), (), ()]
    split = _tokens(lang, ["a", "b", "a"])
    # rows 0 and 2 share a passage: neighbours in order although row 1 stands between them
    assert "next:hit:resource:funding" in split[0] and "prev:hit:resource:expertise" in split[2]
    assert not any(t.startswith(("prev:", "next:")) for t in split[1])


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_heading_cues_reach_its_section(lang):
    tokens = _tokens(lang, ["p", "p", "p"], headings=(True, False, False))
    assert "section:hit:resource:expertise" in tokens[1] and "section:hit:resource:expertise" in tokens[2]


def test_with_context_checks_lengths_and_keeps_features():
    features = [SentenceFeatures("a", "en"), SentenceFeatures("b", "en")]
    assert with_context(features, None) == features
    with pytest.raises(ValueError):
        with_context(features, ["p"])


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_table_rows_read_their_passage(lexicon, segmenter, lang):
    """Tagging a table: a passage column (or doc_id) gives the classifier the neighbours; the
    same rows without it are independent."""
    annotator = make_annotator(lexicon, train(TINY_GOLD, segmenter, lexicon), segmenter)
    classifier = next(t for t in annotator.taggers if getattr(t, "uses_passages", False))
    texts = PASSAGES[lang]
    sentences = annotator.row_sentences(texts, [lang] * 3)
    results = {}
    for tagger in annotator.taggers[:1]:
        results[tagger.name] = tagger(sentences, results)
    together = classifier.features(sentences, results, ["d"] * 3)
    apart = classifier.features(sentences, results, None)
    assert all(f.context == () for f in apart)
    assert any(f.context for f in together)
    table = pd.DataFrame({"sent_id": ["s1", "s2", "s3"], "doc_id": ["d"] * 3, "lang": [lang] * 3, "text": texts})
    tagged = annotator.tag_table(table, lang_column="lang")
    assert list(tagged["sent_id"]) == ["s1", "s2", "s3"]


def test_gold_rows_get_the_context_that_tagging_gives(lexicon, segmenter):
    """A seed document's rows are one passage in file order; independent hand-written rows have
    none; and a table of the same rows with their doc_id gives the classifier the same tokens."""
    from pipeline.training import gold_features, read_gold, scheme_labels

    rows = read_gold(sorted(TINY_GOLD.glob("*.csv")), scheme_labels(lexicon))
    features = gold_features(rows, segmenter, lexicon)
    assert all(f.context == () for f, r in zip(features, rows) if r.example)
    seed = [(f, r) for f, r in zip(features, rows) if r.doc_id == "a"]
    assert any(f.context for f, _ in seed)
    annotator = make_annotator(lexicon, train(TINY_GOLD, segmenter, lexicon), segmenter)
    classifier = next(t for t in annotator.taggers if getattr(t, "uses_passages", False))
    sentences = annotator.row_sentences([r.text for _, r in seed], [r.lang for _, r in seed])
    results = {annotator.taggers[0].name: annotator.taggers[0](sentences, {})}
    tagged = classifier.features(sentences, results, ["a"] * len(seed))
    assert [f.context for f in tagged] == [f.context for f, _ in seed]

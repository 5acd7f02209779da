"""relations.csv, the dependence and resource-flow tables, from documents with relations."""

import pandas as pd
import pytest

from pipeline.document import Document, Label, Paragraph, Relation, Section, Sentence
from pipeline.export.relations import RELATION_COLUMNS, RelationTables, write_relation_outputs


def rel(source, target, kind, label, stance="provided"):
    types = {"UN": "igo", "EU": "regional", "AU": "regional", "": "ngo"}
    return Relation(source, source or "NGOs", types[source], target, target or "NGOs", types[target], kind, label, stance)


def doc(doc_id, lang, relations_per_sentence):
    sentences = [Sentence(id=f"{doc_id}-s{i}", start=0, end=1, text="x", lang=lang,
                          labels=[Label("stage", "implementation", "lexicon")], relations=rels)
                 for i, rels in enumerate(relations_per_sentence)]
    section = Section("sec", "body", "", 0, 1, lang, [Paragraph("p", 0, 1, sentences=sentences)])
    return Document(id=doc_id, source=f"{doc_id}.txt", format="txt", lang=lang, text="x", sections=[section])


@pytest.fixture
def docs():
    return [doc("a", "zh", [[rel("UN", "EU", "seeks", "pull", "needed"), rel("EU", "UN", "provides", "funding")],
                            [rel("UN", "AU", "seeks", "pull", "lacking")],
                            [rel("AU", "UN", "provides", "funding", "negated")]]),
            doc("b", "en", [[rel("UN", "EU", "seeks", "pull"), rel("", "UN", "provides", "expertise")]])]


def test_outputs_are_written_with_their_columns(tmp_path, docs):
    paths = write_relation_outputs(docs, tmp_path)
    assert [p.name for p in paths] == ["relations.csv", "dependence.csv", "resource_flows.csv"]
    relations = pd.read_csv(tmp_path / "relations.csv", encoding="utf-8-sig", keep_default_na=False)
    assert tuple(relations.columns) == RELATION_COLUMNS and len(relations) == 6
    assert set(relations["lang"]) == {"zh", "en"}
    assert relations.loc[relations["source_type"] == "ngo", "source"].item() == "*ngo"


def test_dependence_counts_only_asserted_relations_and_keeps_the_rest_apart(docs):
    tables = RelationTables()
    for d in docs:
        tables.add(d)
    rows = {(r["scope"], r["source"], r["target"]): r for r in tables.dependence_rows()}
    corpus = rows[("corpus", "UN", "EU")]
    assert corpus["relations"] == 2 and corpus["needed"] == 1 and corpus["provided"] == 1
    assert corpus["stages"] == "implementation:2" and corpus["examples"] == "a-s0;b-s0"
    assert rows[("corpus", "UN", "AU")]["relations"] == 0 and rows[("corpus", "UN", "AU")]["lacking"] == 1
    flows = {(r["scope"], r["provider"], r["recipient"], r["resource"]): r for r in tables.flow_rows()}
    assert flows[("a", "EU", "UN", "funding")]["count"] == 1 and flows[("a", "EU", "UN", "funding")]["group"] == "material"
    assert flows[("corpus", "AU", "UN", "funding")]["count"] == 0 and flows[("corpus", "AU", "UN", "funding")]["negated"] == 1
    summary = tables.summary()
    assert {"source": "UN", "target": "EU", "kind": "seeks", "weight": 2} in summary["edges"]
    assert not any(e["source"] == "AU" for e in summary["edges"])  # negated: no arrow

import pytest

from pipeline.compare import compare, intensity, profile
from pipeline.document import Actor, Document, Label, Paragraph, Relation, Section, Sentence


@pytest.mark.parametrize("forms, expected", [
    (["joint_implementation", "agreement", "information_sharing"], "high"),
    (["joint_decision", "agreement"], "high"),
    (["policy_coordination", "information_sharing"], "medium"),
    (["joint_implementation"], "medium"),
    (["information_sharing"], "low"),
    (["agreement"], "low"),
    ([], ""),
])
def test_intensity_follows_the_codebook_rule(forms, expected):
    assert intensity(forms) == expected


KINDS = {"factor": "seeks", "resource": "provides", "cooperation": "cooperates"}


def sent(i, labels, orgs=(), kind="body", stance="provided", related=True):
    """A sentence whose first two organisations are related by each of its labels (as the
    relation step would find them), unless ``related`` is false (a mere list)."""
    relations = [Relation(orgs[0], orgs[0], "igo", orgs[1], orgs[1], "regional", KINDS[s], l, stance)
                 for s, l in labels if s in KINDS and len(orgs) >= 2 and related]
    return Sentence(id=f"d-s{i:04d}", start=0, end=1, text="x", lang="zh", section_kind=kind,
                    labels=[Label(s, l, "lexicon") for s, l in labels],
                    actors=[Actor(o, 0, 1, o, "igo") for o in orgs], relations=relations)


def make_doc():
    sentences = [
        sent(1, [("factor", "pull"), ("stage", "implementation"), ("cooperation", "joint_implementation")], ["UN", "EU"]),
        sent(2, [("cooperation", "agreement"), ("resource", "funding")], ["EU", "UN"]),
        sent(3, [("factor", "push"), ("stage", "agenda_setting"), ("resource", "legitimacy")], ["UN", "AU"]),
        sent(4, [("cooperation", "policy_coordination")], ["AU", "UN"]),
        sent(5, [("cooperation", "information_sharing")], ["ASEAN", "UN"]),
        sent(9, [("cooperation", "agreement")], ["ASEAN", "UN"], stance="negated"),  # 尚未签署
        sent(10, [("cooperation", "agreement")], ["EU", "AU", "ASEAN"], related=False),  # a list
        sent(6, [("factor", "pull"), ("stage", "implementation")], []),
        sent(8, [("factor", "pull"), ("stage", "decision")], []),
        sent(7, [("factor", "push")], [], kind="references"),
    ]
    sentences[8].labels[0].negated = True  # "lacks pull at the decision stage"
    body, references = [s for s in sentences if s.id != "d-s0007"], [s for s in sentences if s.id == "d-s0007"]
    section = Section("sec01", "body", "", 0, 1, "zh", [Paragraph("p1", 0, 1, sentences=body)])
    refs = Section("sec02", "references", "", 0, 1, "zh", [Paragraph("p2", 0, 1, sentences=references)])
    return Document(id="d", source="d.txt", format="txt", lang="zh", text="x", sections=[section, refs])


def test_pairs_get_the_intensity_of_their_sentences():
    table = compare([make_doc()]).pairs_table().set_index(["org_a", "org_b"])
    assert table.loc[("EU", "UN"), "intensity"] == "high"
    assert table.loc[("AU", "UN"), "intensity"] == "medium"
    assert table.loc[("ASEAN", "UN"), "intensity"] == "low"
    assert table.loc[("EU", "UN"), "sentences"] == 2


def test_pairs_come_from_relations_not_lists_and_negated_forms_are_apart():
    table = compare([make_doc()]).pairs_table().set_index(["org_a", "org_b"])
    assert table.loc[("ASEAN", "UN"), "agreement"] == 0  # 尚未签署: not an agreement
    assert table.loc[("ASEAN", "UN"), "not_asserted"] == 1
    assert table.loc[("ASEAN", "UN"), "sentences"] == 1
    listed = {("AU", "EU"), ("ASEAN", "EU"), ("ASEAN", "AU")}
    assert not listed & set(table.index)  # "EU, AU and ASEAN" alone makes no pair


def test_factor_stage_cells_count_sentences_with_examples():
    table = compare([make_doc()]).factor_stage_table("d").set_index(["factor", "stage"])
    assert table.loc[("pull", "implementation"), "count"] == 2
    assert table.loc[("pull", "implementation"), "examples"] == "d-s0001;d-s0006"
    assert table.loc[("push", "agenda_setting"), "count"] == 1
    assert table.loc[("pull", "decision"), "count"] == 0  # negated: evidence of absence
    assert table["count"].sum() == 3  # nor is the reference-list sentence


def test_profile_shares_per_100_body_sentences():
    row = profile(make_doc())
    assert row["body_sentences"] == 9
    assert row["n_factor:pull"] == 3
    assert row["per100_factor:pull"] == pytest.approx(33.33)
    assert row["dominant_stage"] == "implementation"
    assert row["material_share"] == 0.5 and row["symbolic_share"] == 0.5
    assert row["organisations"].startswith("UN:6")


def test_profile_carries_the_bibliographic_metadata_after_source():
    from pipeline.compare import META_COLUMNS
    from pipeline.document import Metadata

    doc = make_doc()
    doc.meta = Metadata(title="区域组织与维和", authors=["王明", "Smith, Anna"], doi="10.5555/x.1", journal="国际展望研究",
                        year=2019, extra={"volume": "3", "pages": "1-9", "export_format": "ris", "sources": "a.ris#1"})
    row = profile(doc)
    columns = list(row)
    assert columns[:3 + len(META_COLUMNS) + 1] == ["doc_id", "title", "source", *META_COLUMNS, "lang"]
    assert row["year"] == 2019 and row["authors"] == "王明; Smith, Anna" and row["journal"] == "国际展望研究"
    assert row["doi"] == "10.5555/x.1" and row["pages"] == "1-9" and row["issue"] == ""
    untitled = profile(make_doc())
    assert untitled["year"] == "" and untitled["authors"] == ""
    table = compare([doc, make_doc()]).documents_table()
    assert table["year"].tolist() == [2019, ""]  # whole years, not 2019.0

"""The report's network drawing: inline SVG from a relations summary."""

import xml.etree.ElementTree as ET

from pipeline.export.network import network_svg

SUMMARY = {"nodes": [{"id": "UN", "type": "igo", "weight": 5}, {"id": "EU", "type": "regional", "weight": 4},
                     {"id": "*ngo", "type": "ngo", "weight": 1}, {"id": "<x>", "type": "state", "weight": 1}],
           "edges": [{"source": "UN", "target": "EU", "kind": "seeks", "weight": 3},
                     {"source": "EU", "target": "UN", "kind": "provides", "weight": 1},
                     {"source": "UN", "target": "*ngo", "kind": "cooperates", "weight": 1},
                     {"source": "<x>", "target": "EU", "kind": "provides", "weight": 1}]}


def test_svg_has_a_node_per_organisation_and_an_arrow_per_kind():
    svg = network_svg(SUMMARY)
    root = ET.fromstring(svg)  # well-formed, names escaped
    ns = "{http://www.w3.org/2000/svg}"
    assert len(root.findall(f".//{ns}circle")) == 4
    edges = [p for p in root.iter(f"{ns}path") if "edge" in p.get("class", "")]
    assert sorted(p.get("class") for p in edges) == ["edge edge-cooperates", "edge edge-provides", "edge edge-provides",
                                                      "edge edge-seeks"]
    seeks = next(p for p in edges if p.get("class") == "edge edge-seeks")
    provides = next(p for p in edges if p.get("class") == "edge edge-provides")
    assert float(seeks.get("stroke-width")) > float(provides.get("stroke-width"))
    assert "&lt;x&gt;" in svg and "http" not in svg.replace('xmlns="http://www.w3.org/2000/svg"', "")


def test_same_summary_same_svg_and_max_edges():
    assert network_svg(SUMMARY) == network_svg(SUMMARY)
    root = ET.fromstring(network_svg(SUMMARY, max_edges=1))
    assert len(root.findall(".//{http://www.w3.org/2000/svg}circle")) == 2

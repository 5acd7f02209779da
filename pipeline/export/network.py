"""The directed network of organisations as inline SVG, for the report (no script, no network).

:func:`network_svg` draws :meth:`pipeline.export.relations.RelationTables.summary`: nodes on a
circle grouped by type (coloured by type, sized by weight), one arrow per source -> target and
kind (coloured by kind, width by count). Deterministic: the same summary gives the same SVG.
"""

from __future__ import annotations

import math
from html import escape
from typing import Mapping, Sequence

TYPE_COLOURS = {"igo": "#1f77b4", "regional": "#2ca02c", "forum": "#9467bd", "ngo": "#ff7f0e", "state": "#7f7f7f",
                "private": "#8c564b"}
KIND_COLOURS = {"seeks": "#d62728", "provides": "#17becf", "cooperates": "#bcbd22"}
TYPE_ORDER = tuple(TYPE_COLOURS)


def network_svg(relations_summary: Mapping[str, Sequence[Mapping[str, object]]], *, size: int = 640,
                max_edges: int = 80) -> str:
    """An ``<svg>`` element of the network; the heaviest ``max_edges`` arrows are drawn."""
    edges = sorted(relations_summary.get("edges", ()), key=lambda e: (-int(e["weight"]), str(e["source"]),
                                                                       str(e["target"]), str(e["kind"])))[:max_edges]
    used = {str(e["source"]) for e in edges} | {str(e["target"]) for e in edges}
    nodes = [n for n in relations_summary.get("nodes", ()) if str(n["id"]) in used]
    nodes.sort(key=lambda n: (_type_rank(str(n["type"])), str(n["id"])))
    centre, radius = size / 2, size / 2 - 70
    where = {}
    for i, node in enumerate(nodes):
        angle = 2 * math.pi * i / max(len(nodes), 1) - math.pi / 2
        where[str(node["id"])] = (centre + radius * math.cos(angle), centre + radius * math.sin(angle))
    heaviest = max((int(e["weight"]) for e in edges), default=1)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="network" viewBox="0 0 {size} {size}" '
             f'width="{size}" height="{size}" role="img" aria-label="Directed network of organisations">',
             "<defs>" + "".join(
                 f'<marker id="arrow-{kind}" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="6" '
                 f'markerHeight="6" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="{colour}"/></marker>'
                 for kind, colour in KIND_COLOURS.items()) + "</defs>"]
    for edge in edges:
        parts.append(_arrow(edge, where, heaviest))
    for node in nodes:
        x, y = where[str(node["id"])]
        r = 6 + 10 * math.sqrt(int(node.get("weight", 1) or 1) / max(_max_weight(nodes), 1))
        colour = TYPE_COLOURS.get(str(node["type"]), "#cccccc")
        label = escape(str(node["id"]))
        parts.append(f'<g class="node node-{escape(str(node["type"]))}"><title>{label} ({escape(str(node["type"]))}, '
                     f'{int(node.get("weight", 0) or 0)})</title><circle cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}" '
                     f'fill="{colour}"/><text x="{x:.1f}" y="{y - r - 4:.1f}" text-anchor="middle" '
                     f'font-size="12">{label}</text></g>')
    parts.append(_legend(size))
    parts.append("</svg>")
    return "".join(parts)


def _type_rank(org_type: str) -> int:
    return TYPE_ORDER.index(org_type) if org_type in TYPE_ORDER else len(TYPE_ORDER)


def _max_weight(nodes: Sequence[Mapping[str, object]]) -> int:
    return max((int(n.get("weight", 1) or 1) for n in nodes), default=1)


def _arrow(edge: Mapping[str, object], where: Mapping[str, tuple[float, float]], heaviest: int) -> str:
    """A curved arrow (so A -> B and B -> A stay apart), stopping short of the target node."""
    (x1, y1), (x2, y2) = where[str(edge["source"])], where[str(edge["target"])]
    kind, weight = str(edge["kind"]), int(edge["weight"])
    dx, dy = x2 - x1, y2 - y1
    length = math.hypot(dx, dy) or 1.0
    x2, y2 = x2 - dx / length * 18, y2 - dy / length * 18
    bend = {"seeks": 0.15, "provides": -0.15, "cooperates": 0.0}.get(kind, 0.1)
    cx, cy = (x1 + x2) / 2 - dy * bend, (y1 + y2) / 2 + dx * bend
    width = 1 + 5 * weight / heaviest
    colour = KIND_COLOURS.get(kind, "#999999")
    marker = "" if kind == "cooperates" else f' marker-end="url(#arrow-{escape(kind)})"'
    title = escape(f"{edge['source']} {kind} {edge['target']}: {weight}")
    return (f'<path class="edge edge-{escape(kind)}" d="M{x1:.1f},{y1:.1f} Q{cx:.1f},{cy:.1f} {x2:.1f},{y2:.1f}" '
            f'fill="none" stroke="{colour}" stroke-width="{width:.1f}" stroke-opacity="0.7"{marker}>'
            f'<title>{title}</title></path>')


def _legend(size: int) -> str:
    items = [(f"{kind}", colour) for kind, colour in KIND_COLOURS.items()]
    items += [(org_type, colour) for org_type, colour in TYPE_COLOURS.items()]
    rows = []
    for i, (name, colour) in enumerate(items):
        y = 16 + 16 * i
        rows.append(f'<rect x="8" y="{y - 9}" width="10" height="10" fill="{colour}"/>'
                    f'<text x="24" y="{y}" font-size="11">{escape(name)}</text>')
    return f'<g class="legend">{"".join(rows)}</g>'

"""One self-contained HTML report of a tagged corpus, for a researcher to read and check.

The page needs nothing from the network (inline CSS and a little vanilla JS, system fonts), so it
can be mailed or archived beside the run. Article text is untrusted: every piece of text is
escaped, and the per-sentence evidence travels as inline JSON with ``<``, ``>`` and ``&`` escaped,
so a sentence that contains ``<script>`` shows as text. The same input gives the same bytes (no
timestamps, stable order), so reports of two runs can be diffed.

Documents are written one at a time as they are read, so ``docs`` may be a generator over a run
folder (``pipeline.export.corpus.iter_documents``).
"""

from __future__ import annotations

import html
import json
import os
import re
from urllib.parse import quote
from typing import Iterable

import pandas as pd

from pipeline.codebook import scheme_labels
from pipeline.compare import EXAMPLES_PER_CELL, CorpusComparison
from pipeline.document import CODED_SECTION_KINDS, Document, Sentence
from pipeline.export.refi import SCHEME_COLOURS
from pipeline.export.tables import SCHEMES, atomic_open

#: Light tints of the scheme colours, for highlighted sentence backgrounds.
SCHEME_TINTS = {"factor": "#fadcdc", "stage": "#d9e8f6", "resource": "#d9f1d9", "cooperation": "#ebe1f5"}
OTHER_COLOUR, OTHER_TINT = "#7f7f7f", "#eceef1"
INTENSITY_COLOURS = {"high": "#9467BD", "medium": "#b9a0d6", "low": "#e4dbef"}
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def write_report(docs: Iterable[Document], comparison: CorpusComparison, path: str | os.PathLike, *,
                 title: str = "irtag report") -> None:
    """Write ``report.html``: corpus summary, heatmaps, organisation pairs and the coded text of
    every document, each labelled sentence with its labels and evidence on hover and on click."""
    with atomic_open(path, "w", encoding="utf-8", errors="replace", newline="\n") as out:
        out.write(_head(title))
        out.write('<div class="layout"><main>\n')
        out.write(_summary(title, comparison))
        out.write(_label_matrix(comparison))
        out.write('<section id="factor-stage"><h2>Factor × stage</h2>\n<p class="note">Sentences coded with '
                  "both a factor and a stage (Steffek's table), with up to "
                  f"{EXAMPLES_PER_CELL} example sentences per cell.</p>\n")
        out.write(_factor_stage(comparison.factor_stage_table()))
        out.write("</section>\n")
        out.write(_pairs(comparison.pairs_table()))
        out.write('<section id="documents"><h2>Documents</h2>\n<p class="note">Click a highlighted sentence '
                  'for its labels and evidence; hover for a summary.</p>\n'
                  '<p class="toolbar"><button type="button" id="open-all">Expand all</button> '
                  '<button type="button" id="close-all">Collapse all</button> '
                  '<label><input type="checkbox" id="chips" checked> label chips</label></p>\n')
        used: set[str] = set()
        for index, doc in enumerate(docs):
            out.write(_document(doc, comparison, used, open_=index == 0))
        out.write("</section>\n</main>\n")
        out.write(_panel())
        out.write("</div>\n<script>\n" + _JS + "</script>\n</body>\n</html>\n")


# -- pieces of the page ---------------------------------------------------------------------------

def _esc(text: object) -> str:
    """Escape for element text and attribute values; control characters cannot appear in HTML."""
    return html.escape(_CONTROL.sub("\ufffd", str(text)), quote=True).replace("\n", "&#10;")


def _safe_json(data: object) -> str:
    """JSON that cannot end its ``<script>`` element or open a comment, whatever the text holds."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    for char, escape in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"),
                         ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(char, escape)
    return text


def _colour(scheme: str) -> str:
    return SCHEME_COLOURS.get(scheme, OTHER_COLOUR)


def _heat(count: int, top: int, colour: str) -> str:
    """Inline style of a heatmap cell: the scheme colour, more opaque for larger counts."""
    if not count or not top:
        return ""
    alpha = round(0.12 + 0.78 * count / top, 2)
    red, green, blue = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    ink = "color:#fff;" if alpha > 0.55 else ""
    return f' style="background:rgba({red},{green},{blue},{alpha});{ink}"'


def _head(title: str) -> str:
    return ('<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            '<meta name="generator" content="irtag">\n'
            f"<title>{_esc(title)}</title>\n<style>\n{_css()}</style>\n</head>\n<body>\n")


def _css() -> str:
    variables = "".join(f"--{s}:{_colour(s)};--{s}-bg:{SCHEME_TINTS[s]};" for s in SCHEMES)
    scheme_rules = "".join(
        f".c-{s}{{background:var(--{s});}}.s.sc-{s}{{background-color:var(--{s}-bg);"
        f"--strip:linear-gradient(var(--{s}),var(--{s}));}}"
        f".sw-{s}{{--c:var(--{s});}}\n" for s in SCHEMES)
    return f":root{{{variables}}}\n{_CSS}{scheme_rules}"


def _summary(title: str, comparison: CorpusComparison) -> str:
    profiles = comparison.profiles
    coded = sum(int(p.get("coded_sentences", 0)) for p in profiles)
    langs: dict[str, int] = {}
    for p in profiles:
        langs[p.get("lang") or "?"] = langs.get(p.get("lang") or "?", 0) + 1
    lang_text = " · ".join(f"{lang} {n}" for lang, n in sorted(langs.items())) or "none"
    parts = [f'<header id="top"><h1>{_esc(title)}</h1>\n'
             f'<p class="stats"><b>{len(profiles)}</b> documents ({_esc(lang_text)}) · <b>{coded}</b> coded '
             "sentences (title, abstract and body)</p>\n"
             '<nav><a href="#matrix">Labels per document</a><a href="#factor-stage">Factor × stage</a>'
             '<a href="#pairs">Organisation pairs</a><a href="#documents">Documents</a></nav>\n<div class="cards">\n']
    for scheme, labels in scheme_labels().items():
        counts = [(label, sum(int(p.get(f"n_{scheme}:{label}", 0)) for p in profiles)) for label in labels]
        total = sum(n for _, n in counts)
        top = max((n for _, n in counts), default=0) or 1
        bars = "".join(
            f'<li><span class="bl">{_esc(label.replace("_", " "))}</span>'
            f'<span class="bar"><i class="c-{scheme}" style="width:{round(100 * n / top)}%"></i></span>'
            f"<span class=\"bn\">{n}</span></li>" for label, n in counts)
        parts.append(f'<div class="card sw-{scheme}"><b>{total}</b><span>{scheme} labels</span>'
                     f'<ul class="bars">{bars}</ul></div>\n')
    parts.append("</div></header>\n")
    return "".join(parts)


def _label_matrix(comparison: CorpusComparison) -> str:
    parts = ['<section id="matrix"><h2>Labels per document</h2>\n<p class="note">Coded sentences per label; '
             "colour intensity is relative to the largest count of the scheme.</p>\n"]
    if not comparison.profiles:
        return parts[0] + '<p class="empty">No documents.</p></section>\n'
    matrix = comparison.label_matrix()
    titles = {p["doc_id"]: p.get("title") or p.get("source") or p["doc_id"] for p in comparison.profiles}
    per100 = {p["doc_id"]: p for p in comparison.profiles}
    groups = "".join(f'<th colspan="{len(labels)}" class="grp sw-{scheme}">{scheme}</th>'
                     for scheme, labels in scheme_labels().items())
    heads = "".join(f'<th class="rot" title="{scheme}:{label}"><span>{_esc(label.replace("_", " "))}</span></th>'
                    for scheme, labels in scheme_labels().items() for label in labels)
    parts.append(f'<div class="scroll"><table class="heat matrix"><thead><tr><th rowspan="2" class="doc">document'
                 f"</th>{groups}</tr><tr>{heads}</tr></thead><tbody>\n")
    tops = {scheme: max((int(matrix[f"{scheme}:{label}"].max()) for label in labels), default=0)
            for scheme, labels in scheme_labels().items()}
    for doc_id, row in matrix.iterrows():
        cells = []
        for scheme, labels in scheme_labels().items():
            for label in labels:
                n = int(row[f"{scheme}:{label}"])
                rate = per100[doc_id].get(f"per100_{scheme}:{label}", 0)
                tip = _esc(f"{titles[doc_id]}\n{scheme}:{label}: {n} sentences ({rate} per 100 body sentences)")
                cells.append(f'<td{_heat(n, tops[scheme], _colour(scheme))} title="{tip}">{n or ""}</td>')
        parts.append(f'<tr><th class="doc"><a href="{_href("doc-" + doc_id)}" title="{_esc(titles[doc_id])}">'
                     f"{_esc(titles[doc_id])}</a><small>{_esc(doc_id)}</small></th>{''.join(cells)}</tr>\n")
    parts.append("</tbody></table></div></section>\n")
    return "".join(parts)


def _href(html_id: str) -> str:
    return "#" + _esc(quote(html_id, safe=""))


def _links(ids: str) -> str:
    return "".join(f'<a href="{_href(i)}">{_esc(i)}</a>' for i in ids.split(";") if i)


def _factor_stage(table: pd.DataFrame) -> str:
    """Steffek's table as a heatmap: factors as rows, the six stages as columns."""
    cells = {(r.factor, r.stage): (int(r.count), r.examples) for r in table.itertuples(index=False)}
    top = max((n for n, _ in cells.values()), default=0)
    heads = "".join(f"<th>{_esc(stage.replace('_', ' '))}</th>" for stage in scheme_labels()["stage"])
    rows = []
    for factor in scheme_labels()["factor"]:
        tds = []
        for stage in scheme_labels()["stage"]:
            n, examples = cells.get((factor, stage), (0, ""))
            style = _heat(n, top, SCHEME_COLOURS["stage"]) or ' class="zero"'
            tds.append(f'<td{style}><b>{n}</b>'
                       f'<span class="ex">{_links(examples)}</span></td>')
        rows.append(f'<tr><th class="sw-factor">{factor}</th>{"".join(tds)}</tr>\n')
    return (f'<div class="scroll"><table class="heat fs"><thead><tr><th></th>{heads}</tr></thead><tbody>\n'
            f'{"".join(rows)}</tbody></table></div>\n')


def _pairs(table: pd.DataFrame) -> str:
    parts = ['<section id="pairs"><h2>Organisation pairs</h2>\n<p class="note">Pairs of organisations named in '
             "the same sentence: sentences per cooperation form, and the codebook's intensity (high: joint "
             "decision or implementation with an agreement; medium: policy coordination; low: information "
             "sharing or an agreement alone).</p>\n"]
    if table.empty:
        return parts[0] + '<p class="empty">No sentence names two organisations.</p></section>\n'
    forms = scheme_labels()["cooperation"]
    tops = {f: int(table[f].max()) for f in forms}
    heads = "".join(f"<th>{_esc(f.replace('_', ' '))}</th>" for f in forms)
    parts.append(f'<div class="scroll"><table class="heat pairs"><thead><tr><th>pair</th><th>sentences</th>{heads}'
                 "<th>intensity</th><th>documents</th><th>examples</th></tr></thead><tbody>\n")
    for row in table.itertuples(index=False):
        counts = "".join(f'<td{_heat(int(getattr(row, f)), tops[f], SCHEME_COLOURS["cooperation"])}>'
                         f'{int(getattr(row, f)) or ""}</td>' for f in forms)
        level = row.intensity
        badge = (f'<span class="badge" style="background:{INTENSITY_COLOURS[level]}">{level}</span>'
                 if level in INTENSITY_COLOURS else '<span class="muted">–</span>')
        documents = "".join(f'<a href="{_href("doc-" + d)}">{_esc(d)}</a>' for d in row.documents.split(";") if d)
        parts.append(f'<tr><th>{_esc(row.org_a)} – {_esc(row.org_b)}</th><td class="num">{int(row.sentences)}</td>'
                     f'{counts}<td>{badge}</td><td class="ex">{documents}</td>'
                     f'<td class="ex">{_links(row.examples)}</td></tr>\n')
    parts.append("</tbody></table></div></section>\n")
    return "".join(parts)


def _document(doc: Document, comparison: CorpusComparison, used: set[str], *, open_: bool) -> str:
    """One collapsible document: metadata, its own factor × stage table and the coded text."""
    data: dict[str, dict] = {}
    body: list[str] = []
    labelled = 0
    scheme_counts = {scheme: 0 for scheme in SCHEMES}
    for section in doc.sections:
        if section.kind not in CODED_SECTION_KINDS:
            continue
        paragraphs = []
        for paragraph in section.paragraphs:
            if not paragraph.sentences:
                paragraphs.append(f'<p class="raw">{_esc(doc.text[paragraph.start:paragraph.end])}</p>')
                continue
            pieces, previous = [], None
            for sentence in paragraph.sentences:
                if previous is not None and doc.text[previous:sentence.start]:
                    pieces.append(" ")
                previous = sentence.end
                html_id = sentence.id if sentence.id not in used else f"{doc.id}-{sentence.id}"
                used.add(html_id)
                pieces.append(_sentence(sentence, html_id))
                if sentence.labels:
                    labelled += 1
                    for scheme in dict.fromkeys(lab.scheme for lab in sentence.labels):
                        scheme_counts[scheme] = scheme_counts.get(scheme, 0) + 1
                if sentence.labels or sentence.actors:
                    data[html_id] = _sentence_data(sentence)
            tag = "h4" if paragraph.is_heading else "p"
            paragraphs.append(f"<{tag}>{''.join(pieces)}</{tag}>")
        if paragraphs:
            caption = f'<div class="kind">{section.kind}</div>' if section.kind != "body" else ""
            body.append(f'<div class="sec sec-{section.kind}">{caption}{"".join(paragraphs)}</div>\n')
    title = doc.meta.title or doc.source or doc.id
    chips = "".join(f'<span class="chip c-{s}" title="{s}: {n} sentences">{s} {n}</span>'
                    for s, n in scheme_counts.items() if n)
    coded = sum(1 for _ in doc.coded_sentences())
    lang = "zh-Hans" if doc.lang.startswith("zh") else (doc.lang or "und")
    table = comparison.factor_stage_table(doc.id) if doc.id in comparison.factor_stage else None
    steffek = ""
    if table is not None and int(table["count"].sum()):
        steffek = ('<details class="sub"><summary>Factor × stage in this document</summary>'
                   f"{_factor_stage(table)}</details>")
    return (f'<details class="doc" id="doc-{_esc(doc.id)}" data-title="{_esc(title)}"{" open" if open_ else ""}>'
            f'<summary><span class="dt">{_esc(title)}</span><span class="dm">{_esc(doc.lang)} · {coded} coded · '
            f'{labelled} labelled</span>{chips}<span class="hits"></span></summary>\n'
            f'<div class="docbody">{_metadata(doc)}{steffek}\n<div class="text" lang="{_esc(lang)}">\n'
            f'{"".join(body) or "<p class=empty>No coded sentences.</p>"}</div>\n'
            f'<script type="application/json" class="ev-data">{_safe_json(data)}</script>\n'
            "</div></details>\n")


def _metadata(doc: Document) -> str:
    meta = doc.meta
    rows = [("authors", "; ".join(meta.authors)), ("journal", meta.journal),
            ("year", "" if meta.year is None else str(meta.year)), ("doi", meta.doi),
            ("keywords", "; ".join(meta.keywords)), ("source", doc.source), ("format", doc.format),
            ("document id", doc.id), *sorted(meta.extra.items()),
            ("warnings", "; ".join(doc.warnings))]
    items = "".join(f"<dt>{_esc(k)}</dt><dd>{_esc(v)}</dd>" for k, v in rows if v)
    return f'<dl class="meta">{items}</dl>'


def _sentence(sentence: Sentence, html_id: str) -> str:
    """A sentence span: evidence terms and organisations marked, labels as chips and a tooltip."""
    text = sentence.text
    flags = [0] * len(text)
    for lab in sentence.labels:
        for ev in lab.evidence:
            for i in range(max(ev.start - sentence.start, 0), min(ev.end - sentence.start, len(text))):
                flags[i] |= 1
    for actor in sentence.actors:
        for i in range(max(actor.start - sentence.start, 0), min(actor.end - sentence.start, len(text))):
            flags[i] |= 2
    runs, start = [], 0
    for i in range(1, len(text) + 1):
        if i == len(text) or flags[i] != flags[start]:
            piece = _esc(text[start:i])
            kind = {1: "ev", 2: "org", 3: "ev org"}.get(flags[start])
            runs.append(f'<span class="{kind}">{piece}</span>' if kind else piece)
            start = i
    if not sentence.labels and not sentence.actors:
        return f'<span class="s" id="{_esc(html_id)}">{"".join(runs)}</span>'
    schemes = list(dict.fromkeys(lab.scheme for lab in sentence.labels))
    classes = ["s", "lab" if sentence.labels else "act", *(f"sc-{s}" for s in schemes)]
    style = ""
    if len(schemes) > 1:  # a neutral tint and an underline striped in the schemes' colours
        colours = [f"var(--{s})" if s in SCHEME_TINTS else OTHER_COLOUR for s in schemes]
        stops = ",".join(f"{c} {8 * i}px {8 * (i + 1)}px" for i, c in enumerate(colours))
        style = f' style="background-color:{OTHER_TINT};--strip:repeating-linear-gradient(90deg,{stops})"'
    chips = "".join(f'<span class="chip c-{_esc(lab.scheme)}">{_esc(lab.label.replace("_", " "))}'
                    f'{"¬" if lab.negated else ""}</span>' for lab in sentence.labels)
    labels = " ".join(f"{lab.scheme}:{lab.label}" for lab in sentence.labels)
    return (f'<span class="{" ".join(classes)}" id="{_esc(html_id)}" tabindex="0" data-labels="{_esc(labels)}"'
            f'{style} title="{_esc(_tooltip(sentence))}">{"".join(runs)}'
            f'{f"<sup class=chips>{chips}</sup>" if chips else ""}</span>')


def _tooltip(sentence: Sentence) -> str:
    lines = [sentence.id]
    for lab in sentence.labels:
        details = [lab.source]
        if lab.score is not None:
            details.append(f"score {lab.score:.3f}")
        if lab.evidence:
            details.append("terms " + ", ".join(f"{e.term} [{e.start}–{e.end}]" for e in lab.evidence))
        if lab.negated:
            details.append("negated")
        lines.append(f"{lab.scheme}: {lab.label} — {'; '.join(details)}")
    if sentence.actors:
        lines.append("organisations: " + ", ".join(
            f"{a.org_id or a.text} ({a.org_type})" for a in sentence.actors))
    return "\n".join(lines)


def _sentence_data(sentence: Sentence) -> dict:
    """What the side panel shows; offsets stay document offsets, as in every other export."""
    return {
        "id": sentence.id, "start": sentence.start, "end": sentence.end, "text": sentence.text,
        "section": sentence.section_kind, "page": sentence.page, "heading": sentence.is_heading,
        "labels": [{"scheme": lab.scheme, "label": lab.label, "source": lab.source,
                    "score": None if lab.score is None else round(lab.score, 4), "negated": lab.negated,
                    "evidence": [{"term": e.term, "start": e.start, "end": e.end, "concept": e.concept,
                                  "negated": e.negated} for e in lab.evidence]}
                   for lab in sentence.labels],
        "actors": [{"text": a.text, "start": a.start, "end": a.end, "org_id": a.org_id, "org_type": a.org_type}
                   for a in sentence.actors],
    }


def _panel() -> str:
    legend = "".join(f'<li><span class="sw c-{s}"></span>{s}<span class="lc" data-scheme="{s}"></span></li>'
                     for s in SCHEMES)
    return ('<aside id="panel"><div class="box"><h3>Filter</h3>\n'
            '<select id="filter" hidden><option value="">all sentences</option></select>\n'
            '<p id="filter-status" class="muted">Filtering needs JavaScript.</p>\n'
            f'<h3>Schemes</h3><ul class="legend">{legend}</ul>\n'
            '<p class="muted small"><span class="ev">evidence term</span> · <span class="org">organisation'
            '</span> · ¬ negated</p></div>\n'
            '<div class="box" id="detail"><h3>Sentence</h3><p class="muted">Click a highlighted sentence.</p>'
            "</div></aside>\n")


_CSS = """*{box-sizing:border-box}
html{scroll-padding-top:80px}
body{margin:0;background:#f5f6f8;color:#1f2328;font:15px/1.6 system-ui,-apple-system,"Segoe UI",Roboto,
"Helvetica Neue",Arial,"PingFang SC","Noto Sans CJK SC","Microsoft YaHei",sans-serif}
a{color:#0b5cad;text-decoration:none}a:hover{text-decoration:underline}
.layout{display:grid;grid-template-columns:minmax(0,1fr) 340px;gap:24px;max-width:1600px;margin:0 auto;
padding:0 24px 48px}
main{min-width:0}
header h1{font-size:24px;margin:24px 0 6px}
nav a{margin-right:18px;font-size:14px}
h2{font-size:19px;margin:32px 0 4px;padding-bottom:4px;border-bottom:1px solid #d8dde3}
h3{font-size:14px;margin:0 0 8px;text-transform:uppercase;letter-spacing:.04em;color:#57606a}
.note{color:#57606a;font-size:13px;margin:4px 0 12px}
.muted{color:#6e7781}.small{font-size:12px}.empty{color:#6e7781;font-style:italic}
.stats{margin:0 0 8px;color:#57606a}.stats b{color:#1f2328;font-size:17px}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(210px,1fr));gap:12px;margin:16px 0}
.card{background:#fff;border:1px solid #d8dde3;border-top:4px solid var(--c);border-radius:8px;padding:8px 14px 10px}
.card b{font-size:22px;line-height:1.2;margin-right:6px}.card span{font-size:13px;color:#57606a}
.bars{list-style:none;margin:6px 0 0;padding:0;font-size:12px}
.bars li{display:grid;grid-template-columns:minmax(0,124px) 1fr 24px;gap:6px;align-items:center}
.bars .bl{color:#1f2328;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
.bar{height:8px;background:#eef0f3;border-radius:4px;overflow:hidden}.bar i{display:block;height:100%}
.bars .bn{text-align:right;color:#1f2328}
.scroll{overflow-x:auto;background:#fff;border:1px solid #d8dde3;border-radius:8px}
table.heat{border-collapse:collapse;font-size:13px;width:100%}
.heat th,.heat td{border:1px solid #e4e7eb;padding:4px 6px;text-align:center;vertical-align:middle}
.heat thead th{background:#f6f8fa;font-weight:600}
.heat th.grp{border-bottom:3px solid var(--c);text-transform:uppercase;font-size:11px;letter-spacing:.05em}
.heat th.rot{height:130px;vertical-align:bottom;padding:6px 2px;font-weight:500;white-space:nowrap}
.heat th.rot span{writing-mode:vertical-rl;transform:rotate(180deg)}
.heat th.doc{text-align:left;max-width:280px;min-width:180px;font-weight:500}
.heat tbody th.doc a{display:block;white-space:nowrap;overflow:hidden;text-overflow:ellipsis;max-width:280px}
.heat th.doc small{display:block;color:#6e7781;font-weight:400;font-size:11px}
.matrix td{min-width:30px;font-variant-numeric:tabular-nums}
.fs td{min-width:110px;vertical-align:top}.fs td b{display:block;font-size:18px}
.fs td.zero b{color:#c6ccd2;font-weight:400}
.fs tbody th{border-left:4px solid var(--c);text-align:left;width:70px}
.ex a{display:inline-block;font-size:11px;margin:1px 4px;color:inherit;text-decoration:underline dotted}
.pairs tbody th{text-align:left;white-space:nowrap}.pairs td.ex{text-align:left}
.badge{display:inline-block;padding:1px 8px;border-radius:10px;font-size:12px}
.num{font-variant-numeric:tabular-nums}
.toolbar{font-size:13px}.toolbar button{font:inherit;padding:2px 10px;margin-right:6px;border:1px solid #c6ccd2;
border-radius:6px;background:#fff;cursor:pointer}
details.doc{background:#fff;border:1px solid #d8dde3;border-radius:8px;margin:10px 0}
details.doc>summary{cursor:pointer;padding:10px 14px;display:flex;flex-wrap:wrap;gap:8px;align-items:center}
details.doc[open]>summary{border-bottom:1px solid #e4e7eb}
.dt{font-weight:600;font-size:16px}.dm{color:#6e7781;font-size:13px}
.hits:not(:empty){background:#fff3bf;border-radius:10px;padding:0 8px;font-size:12px}
.docbody{padding:8px 20px 16px}
dl.meta{display:grid;grid-template-columns:max-content 1fr;gap:2px 14px;font-size:13px;margin:4px 0 12px}
dl.meta dt{color:#6e7781}dl.meta dd{margin:0;overflow-wrap:anywhere}
details.sub{margin:0 0 12px;font-size:13px}details.sub summary{cursor:pointer;color:#57606a}
.text{font-size:16px;line-height:1.95;max-width:900px}
.text p,.text h4{margin:0 0 .9em}.text h4{font-size:16px}
.text .raw{color:#6e7781}
.sec-title p,.sec-title h4{font-size:20px;font-weight:600}
.sec-abstract{background:#f8f9fb;border-left:3px solid #d0d7de;padding:6px 14px;margin:0 0 1.2em}
.kind{font-size:11px;text-transform:uppercase;letter-spacing:.06em;color:#8c959f;line-height:1.4}
.s.lab,.s.act{cursor:pointer;border-radius:3px;padding:1px 1px;-webkit-box-decoration-break:clone;
box-decoration-break:clone;margin-right:3px}
.s.lab{background-color:#eceef1;background-image:var(--strip);background-size:100% 3px;background-position:0 100%;
background-repeat:no-repeat;padding-bottom:2px}
.s.lab:hover,.s.act:hover{outline:1px solid #8c959f}
.s.sel{outline:2px solid #0b5cad;outline-offset:1px}
.s.flash{animation:flash 1.6s ease-out}
@keyframes flash{from{box-shadow:0 0 0 4px #ffd33d}to{box-shadow:0 0 0 4px transparent}}
.org{color:#0f4c8a;text-decoration:underline dotted;text-underline-offset:3px}
.ev{font-weight:600;text-decoration:underline;text-decoration-thickness:2px;text-underline-offset:3px}
sup.chips{line-height:0;margin-left:2px}
.chip{display:inline-block;color:#fff;background:#7f7f7f;border-radius:9px;padding:0 6px;font-size:11px;
line-height:16px;
margin:0 1px;font-weight:500;vertical-align:middle}
sup.chips .chip{font-size:10px;line-height:14px;padding:0 5px;vertical-align:.5em;opacity:.9}
body.nochips sup.chips{display:none}
body.filtering .text .s.miss{display:none}
body.filtering .text p.none,body.filtering .text h4.none{display:none}
body.filtering details.doc.none{opacity:.5}
#panel{position:sticky;top:0;align-self:start;max-height:100vh;overflow:auto;padding:24px 0}
.box{background:#fff;border:1px solid #d8dde3;border-radius:8px;padding:12px 14px;margin-bottom:12px}
#filter{width:100%;font:inherit;padding:4px}
.legend{list-style:none;padding:0;margin:0 0 8px}
.legend li{display:flex;align-items:center;gap:8px;font-size:14px}
.sw{display:inline-block;width:14px;height:14px;border-radius:3px}
.lc{margin-left:auto;color:#6e7781;font-size:12px}
#detail .stext{font-size:15px;line-height:1.8;background:#f8f9fb;border-radius:6px;padding:6px 8px;margin:6px 0 10px}
#detail mark{background:#fff3bf;font-weight:600}
.lab-row{border-left:4px solid;padding:4px 0 4px 8px;margin:6px 0;font-size:13px}
.lab-row .ln{font-weight:600}.lab-row ul{margin:2px 0 0;padding-left:16px}
.tag{display:inline-block;font-size:11px;border:1px solid #c6ccd2;border-radius:8px;padding:0 6px;margin-left:4px}
.tag.neg{border-color:#cf222e;color:#cf222e}
#detail table{font-size:12px;border-collapse:collapse;width:100%}
#detail td{padding:1px 4px;border-bottom:1px solid #eef0f3}
@media (max-width:1000px){.layout{grid-template-columns:1fr}#panel{position:static;max-height:none}}
"""

_JS = r"""(function () {
  "use strict";
  var DATA = {};
  document.querySelectorAll("script.ev-data").forEach(function (node) {
    var part = JSON.parse(node.textContent);
    Object.keys(part).forEach(function (key) { DATA[key] = part[key]; });
  });
  var detail = document.getElementById("detail");
  var selected = null;

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function markedText(d) {
    var box = el("div", "stext"), marks = [];
    d.labels.forEach(function (lab) {
      lab.evidence.forEach(function (e) { marks.push([e.start - d.start, e.end - d.start]); });
    });
    marks.sort(function (a, b) { return a[0] - b[0] || a[1] - b[1]; });
    var chars = Array.from(d.text), offsets = [], pos = 0;
    // Offsets are code points; JavaScript strings count UTF-16 units.
    chars.forEach(function (c) { offsets.push(pos); pos += c.length; });
    offsets.push(pos);
    var at = 0;
    marks.forEach(function (m) {
      var a = Math.max(m[0], at), b = Math.min(m[1], chars.length);
      if (b <= a) return;
      box.appendChild(document.createTextNode(chars.slice(at, a).join("")));
      box.appendChild(el("mark", "", chars.slice(a, b).join("")));
      at = b;
    });
    box.appendChild(document.createTextNode(chars.slice(at).join("")));
    return box;
  }

  function show(span) {
    var d = DATA[span.id];
    if (!d) return;
    if (selected) selected.classList.remove("sel");
    selected = span;
    span.classList.add("sel");
    detail.textContent = "";
    detail.appendChild(el("h3", "", "Sentence"));
    var head = el("div", "small");
    var link = el("a", "", d.id);
    link.href = "#" + span.id;
    head.appendChild(link);
    var doc = span.closest("details.doc");
    var where = [d.section, "chars " + d.start + "–" + d.end];
    if (d.page !== null) where.push("page " + d.page);
    if (d.heading) where.push("heading");
    head.appendChild(el("span", "muted", " · " + where.join(" · ")));
    if (doc) head.appendChild(el("div", "muted", doc.getAttribute("data-title")));
    detail.appendChild(head);
    detail.appendChild(markedText(d));
    d.labels.forEach(function (lab) {
      var row = el("div", "lab-row");
      row.style.borderColor = "var(--" + lab.scheme + ", #7f7f7f)";
      row.appendChild(el("span", "ln", lab.scheme + ": " + lab.label));
      row.appendChild(el("span", "tag", lab.source));
      if (lab.score !== null) row.appendChild(el("span", "tag", "score " + lab.score.toFixed(3)));
      if (lab.negated) row.appendChild(el("span", "tag neg", "negated"));
      if (lab.evidence.length) {
        var list = el("ul");
        lab.evidence.forEach(function (e) {
          var text = "“" + e.term + "” [" + e.start + "–" + e.end + "]";
          if (e.concept) text += " · " + e.concept;
          if (e.negated) text += " · negated";
          list.appendChild(el("li", "", text));
        });
        row.appendChild(list);
      } else {
        row.appendChild(el("div", "muted", "no lexicon terms"));
      }
      detail.appendChild(row);
    });
    if (d.actors.length) {
      detail.appendChild(el("h3", "", "Organisations"));
      var table = el("table");
      d.actors.forEach(function (a) {
        var tr = el("tr");
        tr.appendChild(el("td", "", a.text));
        tr.appendChild(el("td", "", a.org_id || "(generic)"));
        tr.appendChild(el("td", "muted", a.org_type));
        tr.appendChild(el("td", "muted", a.start + "–" + a.end));
        table.appendChild(tr);
      });
      detail.appendChild(table);
    }
  }

  function reveal(id, flash) {
    var target = document.getElementById(id);
    if (!target) return;
    for (var node = target.parentElement; node; node = node.parentElement) {
      if (node.tagName === "DETAILS") node.open = true;
    }
    target.scrollIntoView({block: "center"});
    if (flash && target.classList.contains("s")) {
      target.classList.remove("flash");
      void target.offsetWidth;
      target.classList.add("flash");
      show(target);
    }
  }

  document.addEventListener("click", function (event) {
    var span = event.target.closest ? event.target.closest(".s.lab, .s.act") : null;
    if (span) show(span);
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && document.activeElement && document.activeElement.classList.contains("s")) {
      show(document.activeElement);
    }
  });
  window.addEventListener("hashchange", function () { reveal(decodeURIComponent(location.hash.slice(1)), true); });

  // Filter: one option per label found in the text, with its sentence count.
  var sentences = Array.from(document.querySelectorAll(".text .s"));
  var counts = {}, schemes = {};
  sentences.forEach(function (s) {
    var labels = (s.getAttribute("data-labels") || "").split(" ").filter(Boolean);
    var seen = {};
    labels.forEach(function (l) {
      counts[l] = (counts[l] || 0) + 1;
      seen[l.split(":")[0]] = true;
    });
    Object.keys(seen).forEach(function (k) { schemes[k] = (schemes[k] || 0) + 1; });
  });
  document.querySelectorAll(".lc").forEach(function (node) {
    node.textContent = (schemes[node.getAttribute("data-scheme")] || 0) + " sentences";
  });
  var select = document.getElementById("filter"), status = document.getElementById("filter-status");
  var groups = {};
  Object.keys(counts).sort().forEach(function (key) {
    var scheme = key.split(":")[0];
    if (!groups[scheme]) {
      groups[scheme] = el("optgroup");
      groups[scheme].label = scheme;
      select.appendChild(groups[scheme]);
    }
    var option = el("option", "", key.slice(scheme.length + 1).replace(/_/g, " ") + " (" + counts[key] + ")");
    option.value = key;
    groups[scheme].appendChild(option);
  });
  select.hidden = false;
  status.textContent = sentences.filter(function (s) { return s.classList.contains("lab"); }).length +
    " labelled sentences.";

  function plural(n, one, many) { return n + " " + (n === 1 ? one : many); }

  function applyFilter() {
    var key = select.value, matches = 0, docs = 0;
    document.body.classList.toggle("filtering", key !== "");
    sentences.forEach(function (s) {
      var hit = key !== "" && (" " + (s.getAttribute("data-labels") || "") + " ").indexOf(" " + key + " ") >= 0;
      s.classList.toggle("miss", key !== "" && !hit);
      if (hit) matches++;
    });
    document.querySelectorAll(".text p, .text h4").forEach(function (p) {
      p.classList.toggle("none", key !== "" && !p.querySelector(".s:not(.miss)"));
    });
    document.querySelectorAll("details.doc").forEach(function (doc) {
      var n = key === "" ? 0 : doc.querySelectorAll(".text .s:not(.miss)").length;
      doc.querySelector(".hits").textContent = key === "" ? "" : plural(n, "match", "matches");
      doc.classList.toggle("none", key !== "" && n === 0);
      if (n) { doc.open = true; docs++; }
    });
    status.textContent = key === "" ? status.getAttribute("data-all") :
      plural(matches, "sentence", "sentences") + " in " + plural(docs, "document", "documents") + ".";
  }
  status.setAttribute("data-all", status.textContent);
  select.addEventListener("change", applyFilter);
  document.getElementById("chips").addEventListener("change", function (event) {
    document.body.classList.toggle("nochips", !event.target.checked);
  });
  document.getElementById("open-all").addEventListener("click", function () {
    document.querySelectorAll("details.doc").forEach(function (d) { d.open = true; });
  });
  document.getElementById("close-all").addEventListener("click", function () {
    document.querySelectorAll("details.doc").forEach(function (d) { d.open = false; });
  });
  if (location.hash) reveal(decodeURIComponent(location.hash.slice(1)), true);
  document.body.setAttribute("data-ready", "1");
})();
"""

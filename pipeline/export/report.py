"""One self-contained HTML report of a tagged corpus, for a researcher to read and check.

The page needs nothing from the network (inline CSS and a little vanilla JS, system fonts), so it
can be mailed or archived beside the run. Article text is untrusted: every piece of text is
escaped, and the per-sentence evidence travels as inline JSON with ``<``, ``>`` and ``&`` escaped,
so a sentence that contains ``<script>`` shows as text. The same input gives the same bytes (no
timestamps, stable order), so reports of two runs can be diffed.

Documents are written one at a time as they are read, so ``docs`` may be a generator over a run
folder (``pipeline.export.corpus.iter_documents``): their part of the page goes to a temporary
file first, which also gathers what the summary above them needs (sentences with a label, the
text of the example sentences), and is then copied after the summary.

On a narrow or touch screen nothing needs hover: a tap on a sentence opens its evidence in a
bottom sheet; tables sort by a click on a header. Other rooms add sections (a network figure)
through ``write_report(..., sections=[ReportSection(...)])``, placed before the documents.
"""

from __future__ import annotations

import functools
import html
import json
import os
import re
import shutil
import tempfile
import unicodedata
from dataclasses import dataclass, field
from importlib import resources
from urllib.parse import quote
from typing import Iterable, Sequence

import pandas as pd

from pipeline.codebook import scheme_labels, scheme_names
from pipeline.compare import EXAMPLES_PER_CELL, CorpusComparison
from pipeline.document import CODED_SECTION_KINDS, Document, Sentence
from pipeline.export.refi import SCHEME_COLOURS
from pipeline.io import atomic_open

#: Light tints of the scheme colours, for highlighted sentence backgrounds.
SCHEME_TINTS = {"factor": "#fadcdc", "stage": "#d9e8f6", "resource": "#d9f1d9", "cooperation": "#ebe1f5"}
OTHER_COLOUR, OTHER_TINT = "#7f7f7f", "#eceef1"
INTENSITY_COLOURS = {"high": "#9467BD", "medium": "#b9a0d6", "low": "#e4dbef"}
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
INTENSITY_RANK = {"high": 3, "medium": 2, "low": 1}
#: Width of an example sentence in the tables, in columns (a Chinese character takes two).
SNIPPET_WIDTH = 72
CODED_KINDS_TEXT = ", ".join(CODED_SECTION_KINDS)


@dataclass(frozen=True)
class ReportSection:
    """An extra section of the report: its anchor, heading and (trusted, irtag-made) HTML body."""

    id: str
    title: str
    html: str


@dataclass
class _Tally:
    """What the documents tell the summary written above them."""

    wanted: set[str]
    labelled: int = 0
    texts: dict[str, str] = field(default_factory=dict)


def write_report(docs: Iterable[Document], comparison: CorpusComparison, path: str | os.PathLike, *,
                 title: str = "irtag report", sections: Sequence[ReportSection] = ()) -> None:
    """Write ``report.html``: corpus summary, heatmaps, organisation pairs, any extra
    ``sections``, and the coded text of every document, each labelled sentence with its labels
    and evidence on click or tap."""
    factor_stage, pairs = comparison.factor_stage_table(), _sorted_pairs(comparison.pairs_table())
    wanted = {i for column in (factor_stage["examples"], pairs["examples"]) for ids in column for i in ids.split(";")
              if i}
    tally = _Tally(wanted)
    with tempfile.TemporaryFile("w+", encoding="utf-8", errors="replace", newline="\n") as documents:
        used: set[str] = set()
        for index, doc in enumerate(docs):
            documents.write(_document(doc, comparison, used, tally, open_=index == 0))
        documents.seek(0)
        with atomic_open(path, "w", encoding="utf-8", errors="replace", newline="\n") as out:
            out.write(_head(title))
            out.write('<div class="layout"><main>\n')
            out.write(_summary(title, comparison, tally, sections))
            out.write(_label_matrix(comparison))
            out.write('<section id="factor-stage"><h2>Factor × stage</h2>\n<p class="note">Sentences coded with '
                      "both a factor and a stage (Steffek's table; negated factors not counted), with up to "
                      f"{EXAMPLES_PER_CELL} example sentences per cell.</p>\n")
            out.write(_factor_stage(factor_stage, tally.texts))
            out.write("</section>\n")
            out.write(_pairs(pairs, tally.texts))
            for section in sections:
                out.write(f'<section id="{_esc(section.id)}"><h2>{_esc(section.title)}</h2>\n{section.html}'
                          "</section>\n")
            out.write('<section id="documents"><h2>Documents</h2>\n<p class="note">Click or tap a highlighted '
                      "sentence for its labels and evidence.</p>\n"
                      '<p class="toolbar"><button type="button" id="open-all">Expand all</button> '
                      '<button type="button" id="close-all">Collapse all</button> '
                      '<label><input type="checkbox" id="chips" checked> label chips</label></p>\n')
            shutil.copyfileobj(documents, out)
            out.write("</section>\n</main>\n")
            out.write(_panel())
            out.write("</div>\n<script>\n" + _asset("report.js") + "</script>\n</body>\n</html>\n")


def _sorted_pairs(table: pd.DataFrame) -> pd.DataFrame:
    """Strongest first: intensity, then sentences, then the pair's names."""
    if table.empty:
        return table
    rank = table["intensity"].map(INTENSITY_RANK).fillna(0)
    order = sorted(range(len(table)), key=lambda i: (-rank.iat[i], -int(table["sentences"].iat[i]),
                                                    table["org_a"].iat[i], table["org_b"].iat[i]))
    return table.iloc[order].reset_index(drop=True)


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
    variables = "".join(f"--{s}:{_colour(s)};--{s}-bg:{SCHEME_TINTS[s]};" for s in scheme_names())
    scheme_rules = "".join(
        f".c-{s}{{background:var(--{s});}}.s.sc-{s}{{background-color:var(--{s}-bg);"
        f"--strip:linear-gradient(var(--{s}),var(--{s}));}}"
        f".sw-{s}{{--c:var(--{s});}}\n" for s in scheme_names())
    return f":root{{{variables}}}\n{_asset('report.css')}{scheme_rules}"


def _summary(title: str, comparison: CorpusComparison, tally: _Tally, sections: Sequence[ReportSection]) -> str:
    profiles = comparison.profiles
    coded = sum(int(p.get("coded_sentences", 0)) for p in profiles)
    langs: dict[str, int] = {}
    for p in profiles:
        langs[p.get("lang") or "?"] = langs.get(p.get("lang") or "?", 0) + 1
    lang_text = " · ".join(f"{lang} {n}" for lang, n in sorted(langs.items())) or "none"
    links = [("matrix", "Labels per document"), ("factor-stage", "Factor × stage"), ("pairs", "Organisation pairs"),
             *((x.id, x.title) for x in sections), ("documents", "Documents"), ("panel", "Filter")]
    nav = "".join(f'<a href="{_href(anchor)}">{_esc(text)}</a>' for anchor, text in links)
    parts = [f'<header id="top"><h1>{_esc(title)}</h1>\n'
             f'<p class="stats"><b>{len(profiles)}</b> documents ({_esc(lang_text)}) · <b>{coded}</b> sentences '
             f"coded ({CODED_KINDS_TEXT}) · <b>{tally.labelled}</b> with at least one label</p>\n"
             f'<nav>{nav}</nav>\n<div class="cards">\n']
    for scheme, labels in scheme_labels().items():
        counts = [(label, sum(int(p.get(f"n_{scheme}:{label}", 0)) for p in profiles)) for label in labels]
        total = sum(n for _, n in counts)
        top = max((n for _, n in counts), default=0) or 1
        bars = "".join(
            f'<li><span class="bl">{_esc(label.replace("_", " "))}</span>'
            f'<span class="bar"><i class="c-{scheme}" style="width:{round(100 * n / top)}%"></i></span>'
            f"<span class=\"bn\">{n}</span></li>" for label, n in counts)
        parts.append(f'<div class="card sw-{scheme}"><b>{total}</b><span title="a sentence may carry several labels of a scheme">{scheme} labels given</span>'
                     f'<ul class="bars">{bars}</ul></div>\n')
    parts.append("</div></header>\n")
    return "".join(parts)


def _label_matrix(comparison: CorpusComparison) -> str:
    parts = ['<section id="matrix"><h2>Labels per document</h2>\n<p class="note">Sentences with each label, '
             f"in {CODED_KINDS_TEXT}; the tooltip adds the rate per 100 body sentences. Colour intensity is "
             "relative to the largest count of the scheme; click a header to sort.</p>\n"]
    if not comparison.profiles:
        return parts[0] + '<p class="empty">No documents.</p></section>\n'
    matrix = comparison.label_matrix()
    titles = {p["doc_id"]: p.get("title") or p.get("source") or p["doc_id"] for p in comparison.profiles}
    per100 = {p["doc_id"]: p for p in comparison.profiles}
    groups = "".join(f'<th colspan="{len(labels)}" class="grp sw-{scheme}">{scheme}</th>'
                     for scheme, labels in scheme_labels().items())
    columns = [(scheme, label) for scheme, labels in scheme_labels().items() for label in labels]
    heads = "".join(f'<th class="rot" title="{scheme}:{label}"{_sort_attrs(i + 1, "num")}>'
                    f'<button type="button"><span>{_esc(label.replace("_", " "))}</span></button></th>'
                    for i, (scheme, label) in enumerate(columns))
    parts.append(f'<div class="scroll"><table class="heat matrix sortable"><thead><tr><th rowspan="2" class="doc"'
                 f'{_sort_attrs(0, "text")}><button type="button">document</button></th>{groups}</tr><tr>{heads}'
                 "</tr></thead><tbody>\n")
    tops = {scheme: max((int(matrix[f"{scheme}:{label}"].max()) for label in labels), default=0)
            for scheme, labels in scheme_labels().items()}
    for doc_id, row in matrix.iterrows():
        cells = []
        for scheme, labels in scheme_labels().items():
            for label in labels:
                n = int(row[f"{scheme}:{label}"])
                rate = per100[doc_id].get(f"per100_{scheme}:{label}", 0)
                base = "body" if per100[doc_id].get("rate_base", "body") == "body" else "coded"
                tip = _esc(f"{titles[doc_id]}\n{scheme}:{label}: {n} sentences ({rate} per 100 {base} sentences)")
                cells.append(f'<td{_heat(n, tops[scheme], _colour(scheme))} data-v="{n}" title="{tip}">'
                             f'{n or ""}</td>')
        parts.append(f'<tr><th class="doc"><a href="{_href("doc-" + doc_id)}" title="{_esc(titles[doc_id])}">'
                     f"{_esc(titles[doc_id])}</a><small>{_esc(doc_id)}</small></th>{''.join(cells)}</tr>\n")
    parts.append("</tbody></table></div></section>\n")
    return "".join(parts)


def _sort_attrs(column: int, kind: str) -> str:
    return f' data-col="{column}" data-type="{kind}"'


def _href(html_id: str) -> str:
    return "#" + _esc(quote(html_id, safe=""))


def _links(ids: str, texts: dict[str, str]) -> str:
    """Sentence ids as links, the sentence's text in their tooltip."""
    return "".join(f'<a href="{_href(i)}" title="{_esc(texts.get(i, i))}">{_esc(i)}</a>' for i in ids.split(";") if i)


def _snippet(text: str, width: int = SNIPPET_WIDTH) -> str:
    """``text`` cut to ``width`` columns (wide characters count two), with an ellipsis if cut."""
    used = 0
    for index, char in enumerate(text):
        used += 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
        if used > width:
            return text[:index].rstrip() + "…"
    return text


def _examples(ids: str, texts: dict[str, str]) -> str:
    """Example sentences: id and (truncated) text, each a link to the sentence in its document."""
    items = "".join(f'<li><a href="{_href(i)}" title="{_esc(texts.get(i, ""))}"><code>{_esc(i)}</code> '
                    f"{_esc(_snippet(texts.get(i, '')))}</a></li>" for i in ids.split(";") if i)
    return f'<ul class="exl">{items}</ul>' if items else ""


def _factor_stage(table: pd.DataFrame, texts: dict[str, str]) -> str:
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
            tds.append(f"<td{style}><b>{n}</b>{_examples(examples, texts)}</td>")
        rows.append(f'<tr><th class="sw-factor">{factor}</th>{"".join(tds)}</tr>\n')
    return (f'<div class="scroll"><table class="heat fs"><thead><tr><th></th>{heads}</tr></thead><tbody>\n'
            f'{"".join(rows)}</tbody></table></div>\n')


def _pairs(table: pd.DataFrame, texts: dict[str, str]) -> str:
    """Pairs strongest first (:func:`_sorted_pairs`); every column sorts on a click."""
    parts = ['<section id="pairs"><h2>Organisation pairs</h2>\n<p class="note">Pairs of organisations named in '
             "the same sentence: sentences per cooperation form, and the codebook's intensity (high: joint "
             "decision or implementation with an agreement; medium: policy coordination; low: information "
             "sharing or an agreement alone). Sorted by intensity, then sentences; click a header to sort."
             "</p>\n"]
    if table.empty:
        return parts[0] + '<p class="empty">No sentence names two organisations.</p></section>\n'
    forms = scheme_labels()["cooperation"]
    with_form = int((table["intensity"] != "").sum())
    parts.append(f'<p class="stats"><b>{len(table)}</b> pairs · <b>{with_form}</b> with a cooperation form · '
                 f'<b>{int((table["intensity"] == "high").sum())}</b> of high intensity</p>\n')
    tops = {f: int(table[f].max()) for f in forms}
    names = ["pair", "sentences", *(f.replace("_", " ") for f in forms), "intensity", "documents", "examples"]
    kinds = ["text", "num", *("num" for _ in forms), "num", "text", "text"]
    heads = "".join(f'<th{_sort_attrs(i, kind)}><button type="button">{_esc(name)}</button></th>'
                    for i, (name, kind) in enumerate(zip(names, kinds)))
    parts.append(f'<div class="scroll"><table class="heat pairs sortable"><thead><tr>{heads}</tr></thead><tbody>\n')
    for row in table.itertuples(index=False):
        counts = "".join(f'<td{_heat(int(getattr(row, f)), tops[f], SCHEME_COLOURS["cooperation"])} '
                         f'data-v="{int(getattr(row, f))}">{int(getattr(row, f)) or ""}</td>' for f in forms)
        level = row.intensity
        badge = (f'<span class="badge" style="background:{INTENSITY_COLOURS[level]}">{level}</span>'
                 if level in INTENSITY_COLOURS else '<span class="muted">–</span>')
        documents = "".join(f'<a href="{_href("doc-" + d)}">{_esc(d)}</a>' for d in row.documents.split(";") if d)
        parts.append(f'<tr><th>{_esc(row.org_a)} – {_esc(row.org_b)}</th><td class="num">{int(row.sentences)}</td>'
                     f'{counts}<td data-v="{INTENSITY_RANK.get(level, 0)}">{badge}</td><td class="ex">{documents}</td>'
                     f'<td class="ex">{_links(row.examples, texts)}</td></tr>\n')
    parts.append("</tbody></table></div></section>\n")
    return "".join(parts)


def _document(doc: Document, comparison: CorpusComparison, used: set[str], tally: _Tally, *, open_: bool) -> str:
    """One collapsible document: metadata, its own factor × stage table and the coded text."""
    data: dict[str, dict] = {}
    body: list[str] = []
    labelled = 0
    scheme_counts = {scheme: 0 for scheme in scheme_names()}
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
                if sentence.id in tally.wanted:
                    tally.texts[sentence.id] = sentence.text
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
    tally.labelled += labelled
    lang = "zh-Hans" if doc.lang.startswith("zh") else (doc.lang or "und")
    table = comparison.factor_stage_table(doc.id) if doc.id in comparison.factor_stage else None
    steffek = ""
    if table is not None and int(table["count"].sum()):
        steffek = ('<details class="sub"><summary>Factor × stage in this document</summary>'
                   f"{_factor_stage(table, _texts_of(doc, table))}</details>")
    return (f'<details class="doc" id="doc-{_esc(doc.id)}" data-title="{_esc(title)}"{" open" if open_ else ""}>'
            f'<summary><span class="dt">{_esc(title)}</span><span class="dm">{_esc(doc.lang)} · {coded} sentences '
            f"coded ({CODED_KINDS_TEXT}) · {labelled} with a label</span>{chips}"
            '<span class="hits"></span></summary>\n'
            f'<div class="docbody">{_metadata(doc)}{steffek}\n<div class="text" lang="{_esc(lang)}">\n'
            f'{"".join(body) or "<p class=empty>No coded sentences.</p>"}</div>\n'
            f'<script type="application/json" class="ev-data">{_safe_json(data)}</script>\n'
            "</div></details>\n")


def _texts_of(doc: Document, table: pd.DataFrame) -> dict[str, str]:
    """The text of the document's sentences that a table cites."""
    ids = {i for examples in table["examples"] for i in examples.split(";") if i}
    return {s.id: s.text for s in doc.coded_sentences() if s.id in ids}


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
                     for s in scheme_names())
    return ('<aside id="panel"><div class="box"><h3>Filter</h3>\n'
            '<select id="filter" hidden><option value="">all sentences</option></select>\n'
            '<p id="filter-status" class="muted">Filtering needs JavaScript.</p>\n'
            f'<h3>Schemes</h3><ul class="legend">{legend}</ul>\n'
            '<p class="muted small"><span class="ev">evidence term</span> · <span class="org">organisation'
            '</span> · ¬ negated</p></div>\n'
            '<div class="box" id="detail" role="dialog" aria-label="Sentence evidence">'
            '<button type="button" id="detail-close" aria-label="Close">×</button><div id="detail-body">'
            '<h3>Sentence</h3><p class="muted">Click or tap a highlighted sentence.</p></div></div></aside>\n')


@functools.lru_cache(maxsize=None)
def _asset(name: str) -> str:
    """The report's stylesheet or script, shipped as package data beside this module."""
    return resources.files("pipeline.export").joinpath(name).read_text(encoding="utf-8")

"""Scoring organisation mentions against a gold table (``irtag evaluate --actors GOLD``).

The rule is the dev set's (``shared/dev/README.md``, ``actors_gold.csv``):

* a mention is (sentence, start, end, id, type); a generic mention (NGOs, 社会组织) has no id;
* the tagger's ids need not be spelled like the coders': each tagger id is mapped one-to-one onto
  the gold id it most often labels (same sentence and span), most frequent pairs first;
* a predicted mention is right when a gold mention has the same sentence and span, the same type,
  and the mapped id equals the gold id (or both are generic);
* precision = right / predicted, recall = right / gold, F1 their harmonic mean (0 where
  undefined), per language, per language and type (the predicted type for precision, the gold
  type for recall).

The gold's ``parent`` column is not scored (the README's rule does not use it).
"""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

from pipeline.errors import Errors, IrtagError

GOLD_COLUMNS = ("sent_id", "lang", "surface", "start", "end", "id", "type", "generic")
SENTENCE_COLUMNS = ("sent_id", "lang", "text")
TABLE_COLUMNS = ("lang", "type", "gold", "predicted", "correct", "precision", "recall", "f1")
#: the row of a language that pools every type
ALL_TYPES = "all"


@dataclass(frozen=True)
class Mention:
    """One organisation mention; offsets are into its sentence's text, ``org_id`` '' if generic."""

    sent_id: str
    lang: str
    start: int
    end: int
    org_id: str
    org_type: str
    surface: str = ""

    @property
    def span(self) -> tuple[str, int, int]:
        return self.sent_id, self.start, self.end


def _require(table: Any, columns: Sequence[str], source: str) -> None:
    for column in columns:
        if column not in table.columns:
            raise IrtagError(Errors.E050.format(path=source, column=column,
                                                present=", ".join(map(str, table.columns))))


def gold_mentions(table: Any, texts: Mapping[str, str] | None = None, source: str = "gold") -> list[Mention]:
    """The gold table's rows as mentions; with ``texts`` (sent_id -> text), offsets are checked."""
    _require(table, GOLD_COLUMNS, source)
    out = []
    for number, row in enumerate(table.itertuples(index=False), start=2):
        try:
            start, end = int(row.start), int(row.end)
        except ValueError:
            raise IrtagError(Errors.E100.format(path=source, row=number, start=row.start, end=row.end)) from None
        if texts is not None and texts.get(row.sent_id, "")[start:end] != row.surface:
            raise IrtagError(Errors.E101.format(path=source, row=number, surface=row.surface,
                                                sent_id=row.sent_id, start=start, end=end))
        generic = str(row.generic).strip() == "1"
        out.append(Mention(row.sent_id, row.lang, start, end, "" if generic else str(row.id).strip(),
                           str(row.type).strip(), row.surface))
    return out


def map_ids(pred: Iterable[Mention], gold: Iterable[Mention]) -> dict[str, str]:
    """Tagger id -> gold id, one-to-one, by how often they label the same span.

    Pairs are taken most frequent first (ties by id, so the result is deterministic); a pair
    whose tagger id or gold id is already taken is skipped.
    """
    gold_ids: dict[tuple[str, int, int], set[str]] = {}
    for m in gold:
        if m.org_id:
            gold_ids.setdefault(m.span, set()).add(m.org_id)
    pairs = Counter((p.org_id, g) for p in pred if p.org_id for g in gold_ids.get(p.span, ()))
    mapping: dict[str, str] = {}
    taken: set[str] = set()
    for (pred_id, gold_id), _n in sorted(pairs.items(), key=lambda item: (-item[1], item[0])):
        if pred_id not in mapping and gold_id not in taken:
            mapping[pred_id] = gold_id
            taken.add(gold_id)
    return mapping


def judge(pred: Sequence[Mention], gold: Sequence[Mention]) -> tuple[list[bool], list[bool]]:
    """Which predicted and which gold mentions are right (aligned with ``pred`` and ``gold``)."""
    mapping = map_ids(pred, gold)

    def key(p: Mention) -> tuple[tuple[str, int, int], str, str | None]:
        return p.span, p.org_type, mapping.get(p.org_id) if p.org_id else ""

    gold_keys = {(g.span, g.org_type, g.org_id) for g in gold}
    pred_keys = {key(p) for p in pred}
    return [key(p) in gold_keys for p in pred], [(g.span, g.org_type, g.org_id) in pred_keys for g in gold]


def _row(lang: str, org_type: str, n_gold: int, n_pred: int, right_pred: int, right_gold: int) -> dict[str, Any]:
    precision = right_pred / n_pred if n_pred else 0.0
    recall = right_gold / n_gold if n_gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"lang": lang, "type": org_type, "gold": n_gold, "predicted": n_pred, "correct": right_gold,
            "precision": precision, "recall": recall, "f1": f1}


def score_mentions(pred: Sequence[Mention], gold: Sequence[Mention], types: Sequence[str] = ()) -> Any:
    """Per language (``all`` types first, then each type): gold, predicted, correct, P, R, F1.

    ``correct`` counts right gold mentions (equal to right predictions unless spans repeat).
    Types are listed in ``types`` order, then any others found, alphabetically.
    """
    import pandas as pd

    pred_ok, gold_ok = judge(pred, gold)
    found = {m.org_type for m in [*pred, *gold]}
    order = [t for t in types if t in found] + sorted(found - set(types))
    records = []
    for lang in sorted({m.lang for m in [*pred, *gold]}):
        for org_type in [ALL_TYPES, *order]:
            def keep(m: Mention) -> bool:
                return m.lang == lang and org_type in (ALL_TYPES, m.org_type)

            p = [ok for m, ok in zip(pred, pred_ok) if keep(m)]
            g = [ok for m, ok in zip(gold, gold_ok) if keep(m)]
            if p or g:
                records.append(_row(lang, org_type, len(g), len(p), sum(p), sum(g)))
    return pd.DataFrame.from_records(records, columns=list(TABLE_COLUMNS))


def tag_mentions(table: Any, tagger: Any, segmenter: Any, source: str = "sentences") -> list[Mention]:
    """The lexicon tagger's actors of every row of a sentence table (``sent_id``, ``lang``,
    ``text``), each row one unit as ``irtag tag`` sees it; rows of one ``doc_id`` (where the table
    has the column) are one document and share the short forms their text defines."""
    from pipeline.tag.features import unit_sentence

    _require(table, SENTENCE_COLUMNS, source)
    rows = list(table.itertuples(index=False))
    docs: dict[str, list[Any]] = {}
    for row in rows:
        docs.setdefault(str(getattr(row, "doc_id", row.sent_id)), []).append(row)
    out = []
    for doc_rows in docs.values():
        sentences = [unit_sentence(row.text, row.lang, segmenter, row.sent_id) for row in doc_rows]
        actors = tagger(sentences, {}).actors
        out += [Mention(row.sent_id, row.lang, a.start, a.end, a.org_id, a.org_type, a.text)
                for row, found in zip(doc_rows, actors) for a in found]
    order = {row.sent_id: i for i, row in enumerate(rows)}
    return sorted(out, key=lambda m: (order[m.sent_id], m.start, m.end))


def mention_errors(pred: Sequence[Mention], gold: Sequence[Mention]) -> Any:
    """Every wrong mention: missed gold ones and wrong predictions, in sentence order."""
    import pandas as pd

    pred_ok, gold_ok = judge(pred, gold)
    mapping = map_ids(pred, gold)
    records = [{"error": "missed", "sent_id": m.sent_id, "start": m.start, "end": m.end, "surface": m.surface,
                "id": m.org_id, "type": m.org_type} for m, ok in zip(gold, gold_ok) if not ok]
    records += [{"error": "wrong", "sent_id": m.sent_id, "start": m.start, "end": m.end, "surface": m.surface,
                 "id": f"{m.org_id}->{mapping.get(m.org_id, '?')}" if m.org_id else "", "type": m.org_type}
                for m, ok in zip(pred, pred_ok) if not ok]
    columns = ["error", "sent_id", "start", "end", "surface", "id", "type"]
    return pd.DataFrame.from_records(records, columns=columns).sort_values(["sent_id", "start", "error"])


def main(gold: str | os.PathLike, sentences: str | os.PathLike | None = None, *,
         csv_out: str | os.PathLike | None = None, errors_out: str | os.PathLike | None = None,
         config: Any = None) -> str:
    """``irtag evaluate --actors GOLD [--sentences S]``: tag the sentences (default: the
    ``sentences.csv`` beside GOLD) with the gazetteer and score their mentions; returns the report."""
    from pipeline.config import RunConfig
    from pipeline.io import read_table, write_table
    from pipeline.stages import load
    from pipeline.tag.lexicon import LexiconTagger

    sentences = Path(sentences) if sentences is not None else Path(gold).with_name("sentences.csv")
    sentence_table, gold_table = read_table(sentences), read_table(gold)
    _require(sentence_table, SENTENCE_COLUMNS, str(sentences))
    texts = dict(zip(sentence_table["sent_id"], sentence_table["text"]))
    gold_rows = gold_mentions(gold_table, texts, str(gold))
    runtime = load(config or RunConfig.load(), tag=False)
    pred = tag_mentions(sentence_table, LexiconTagger(lexicon=runtime.lexicon), runtime.segmenter, str(sentences))
    table = score_mentions(pred, gold_rows, runtime.lexicon.actor_types)
    if csv_out is not None:
        write_table(csv_out, table[list(TABLE_COLUMNS)])
    if errors_out is not None:
        write_table(errors_out, mention_errors(pred, gold_rows))
    return "\n".join([f"organisation mentions of {sentences} against {gold} (span, type and mapped id)",
                      table.round(3).to_string(index=False)])

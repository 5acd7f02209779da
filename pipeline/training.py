"""Training: the gold corpus, sample weights, fitting every scheme's model, the model folder.

A model folder holds one ``<scheme>.json`` + ``<scheme>.coef.npy`` per scheme and a
``manifest.json`` with the format, library versions, a fingerprint of the gold and lexicon files
it was trained on, and the resolved config it was trained under (:mod:`pipeline.config`), so
that a model trained on other data or under another config warns when it is loaded.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import re
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

import numpy as np
import sklearn

from pipeline.codebook import scheme_names, split_cell
from pipeline.errors import Errors, IrtagError, Warnings
from pipeline.io import write_json
from pipeline.norm import fold_width
from pipeline.tag.context import with_context
from pipeline.tag.features import SentenceFeatures, features_for, unit_sentence
from pipeline.tag.linear import MODEL_FORMAT, MODEL_FORMAT_VERSION, SentenceClassifier

#: Gold files named with this prefix (hand-written examples, ``examples*.csv``) are always
#: trained on and never held out or tested.
EXAMPLE_PREFIX = "examples"
#: A hand-written example whose note names its passage, ``hand-written (UN news: …)``, belongs to
#: that passage: cross-validation holds the passage out whole. Other example rows are independent.
PASSAGE_NOTE = re.compile(r"^hand-written \(([^()]+)\)")
MANIFEST = "manifest.json"
#: Gold files of human corrections (``irtag train --add``): a sentence in one of them is trained
#: with the correction's labels only (:func:`read_gold`).
CORRECTIONS_PREFIX = "corrections_"

def save_models(models: Mapping[str, SentenceClassifier], directory: str | os.PathLike,
                *, meta: Mapping[str, Any] | None = None) -> Path:
    """Save every scheme's model and a manifest (schemes, versions, training data and config)."""
    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    files = {scheme: model.save(folder).name for scheme, model in models.items()}
    manifest = {"format": MODEL_FORMAT, "format_version": MODEL_FORMAT_VERSION,
                "sklearn_version": sklearn.__version__, "models": files, "meta": dict(meta or {})}
    return write_json(folder / MANIFEST, manifest, indent=1, sort_keys=True)


def read_manifest(directory: str | os.PathLike) -> dict[str, Any]:
    path = Path(directory) / MANIFEST
    if not path.is_file():
        raise IrtagError(Errors.E041.format(path=path))
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(manifest.get("models"), dict):
            raise ValueError("no 'models' table")
    except (UnicodeDecodeError, ValueError, AttributeError) as exc:
        raise IrtagError(Errors.E040.format(path=path, reason=str(exc))) from exc
    return manifest



def load_models(directory: str | os.PathLike, schemes: Sequence[str] | None = None, *,
                expect: Mapping[str, Any] | None = None) -> dict[str, SentenceClassifier]:
    """Load the models listed in ``directory/manifest.json``, in ``schemes`` order (the codebook's).

    ``expect`` holds what the caller runs with (``fingerprint``, ``config``); a manifest that
    says otherwise warns (W040), naming the folder and what differs.
    """
    folder = Path(directory)
    manifest = read_manifest(folder)
    files = manifest["models"]
    stored = manifest.get("meta", {})
    differs = [key for key, value in (expect or {}).items() if key in stored and stored[key] != value]
    if manifest.get("sklearn_version") != sklearn.__version__:
        differs.append(f"scikit-learn {manifest.get('sklearn_version')} (now {sklearn.__version__})")
    if differs:
        warnings.warn(Warnings.W040.format(path=folder, what=", ".join(differs)), stacklevel=2)
    schemes = list(scheme_names() if schemes is None else schemes)
    order = sorted(files, key=lambda s: (schemes.index(s) if s in schemes else len(schemes), s))
    return {scheme: SentenceClassifier.load(folder / files[scheme]) for scheme in order}


# -- training from the gold corpus -------------------------------------------------------
@dataclass(frozen=True)
class GoldRow:
    """One coded sentence of the gold corpus; ``labels`` maps scheme -> labels."""

    path: str
    line: int
    doc_id: str
    sent_id: str
    lang: str
    text: str
    labels: Mapping[str, tuple[str, ...]]
    example: bool = False
    passage: str = ""

    @property
    def context_group(self) -> str | None:
        """The passage whose sentences are this row's neighbours (file order): its gold document
        or hand-written passage; None for an independent hand-written row."""
        if not self.example:
            return self.doc_id
        return f"{self.doc_id}|{self.passage}" if self.passage else None

    def cv_group(self, chunks: int) -> str:
        """The unit held out whole in cross-validation: a gold document, a hand-written passage,
        or, for independent hand-written rows, one of ``chunks`` interleaved slices of the file."""
        if not self.example:
            return self.doc_id
        if self.passage:
            return f"{self.doc_id}|{self.passage}"
        return f"{self.doc_id}#{self.line % chunks}"


def gold_files(gold: str | os.PathLike | Iterable[str | os.PathLike]) -> list[Path]:
    """The gold CSVs: a folder's ``*.csv`` in name order, or the given files."""
    if isinstance(gold, (str, os.PathLike)):
        path = Path(gold)
        if path.is_dir():
            return sorted(path.glob("*.csv"))
        return [path]
    return [Path(p) for p in gold]


def gold_key(text: str) -> str:
    """What makes two gold rows the same sentence: the text width-folded, spaces collapsed."""
    return " ".join(fold_width(str(text)).split())


def read_gold(paths: Iterable[str | os.PathLike], label_sets: Mapping[str, Sequence[str]],
              schemes: Sequence[str] | None = None) -> list[GoldRow]:
    """Read gold CSVs (``doc_id,sent_id,lang,text,<scheme>…``; cells ``;``-joined).

    One label set per sentence: a row of a ``corrections_*.csv`` file replaces every other row
    with the same text (:func:`gold_key`), of any file; of two corrections, the later (file name
    order, then row order) stands."""
    schemes = list(label_sets) if schemes is None else list(schemes)
    rows: list[GoldRow] = []
    for path in paths:
        path = Path(path)
        if not path.is_file():
            raise IrtagError(Errors.E010.format(path=path))
        with open(path, encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            present = reader.fieldnames or []
            for column in ("doc_id", "sent_id", "lang", "text", *schemes):
                if column not in present:
                    raise IrtagError(Errors.E050.format(path=path, column=column, present=", ".join(present)))
            example = path.name.startswith(EXAMPLE_PREFIX)
            for line, record in enumerate(reader, start=2):
                passage = PASSAGE_NOTE.match(record.get("note") or "") if example else None
                labels = {}
                for scheme in schemes:
                    cell = split_cell(record[scheme])
                    unknown = [lab for lab in cell if lab not in label_sets[scheme]]
                    if unknown:
                        raise IrtagError(Errors.E042.format(path=path, line=line, scheme=scheme, label=unknown[0],
                                                            labels=", ".join(label_sets[scheme])))
                    labels[scheme] = tuple(cell)
                rows.append(GoldRow(str(path), line, record["doc_id"], record["sent_id"], record["lang"].strip().lower(),
                                    record["text"], labels, example=example,
                                    passage=passage.group(1).strip() if passage else ""))
    corrected = {gold_key(row.text): i for i, row in enumerate(rows)
                 if Path(row.path).name.startswith(CORRECTIONS_PREFIX)}
    return [row for i, row in enumerate(rows) if corrected.get(gold_key(row.text), i) == i]



def gold_features(rows: Sequence[GoldRow], segmenter: Any, lexicon: Any) -> list[SentenceFeatures]:
    """Each gold row tokenised as one unit, matched against the lexicon, turned into features,
    with the context of its passage (:attr:`GoldRow.context_group`), as tagging gives them."""
    features = []
    for row in rows:
        sentence = unit_sentence(row.text, row.lang, segmenter, row.sent_id)
        features.append(features_for(sentence, *lexicon.match_all(sentence)))
    return with_context(features, [row.context_group for row in rows])


def scheme_labels(lexicon: Any) -> dict[str, list[str]]:
    """The label inventory per scheme, in codebook order, from the lexicon's codebook."""
    return {scheme: list(lexicon.labels(scheme)) for scheme in lexicon.schemes}


def fit_models(features: Sequence[SentenceFeatures], rows: Sequence[GoldRow],
               label_sets: Mapping[str, Sequence[str]], *, random_state: int = 0,
               example_weight: float = 2.0, balance_langs: bool = False,
               **params: Any) -> dict[str, SentenceClassifier]:
    """One fitted classifier per scheme.

    ``example_weight`` weighs hand-written rows against seed-article rows (the seed prose is
    one genre, the examples many); ``balance_langs`` rescales so that each language carries
    the same total weight.

    For choosing thresholds and the fusion rule, each gold document and each hand-written
    passage is one group; independent hand-written rows are dealt into ``cv_folds`` interleaved
    groups per file (:meth:`GoldRow.cv_group`), so they add out-of-fold evidence (English above
    all) while every fold still trains on most of them.
    """
    groups = [row.cv_group(params.get("cv_folds", 5)) for row in rows]
    weights = sample_weights(rows, example_weight=example_weight, balance_langs=balance_langs)
    models = {}
    for scheme, labels in label_sets.items():
        model = SentenceClassifier(scheme=scheme, labels=list(labels), random_state=random_state, **params)
        models[scheme] = model.fit(features, [row.labels[scheme] for row in rows], groups=groups,
                                   sample_weight=weights)
    return models


def sample_weights(rows: Sequence[GoldRow], *, example_weight: float = 1.0,
                   balance_langs: bool = False) -> np.ndarray:
    """Training weight of each gold row, mean 1 (see :func:`fit_models`)."""
    weights = np.array([example_weight if row.example else 1.0 for row in rows], dtype=float)
    if balance_langs:
        langs = np.array([row.lang for row in rows])
        for lang in set(langs):
            weights[langs == lang] /= weights[langs == lang].sum()
    return weights * len(weights) / weights.sum() if weights.sum() else weights


def train(gold_paths: str | os.PathLike | Iterable[str | os.PathLike], segmenter: Any, lexicon: Any, *,
          random_state: int = 0, **params: Any) -> dict[str, SentenceClassifier]:
    """Train one classifier per scheme on the gold CSVs (a folder or a list of files)."""
    label_sets = scheme_labels(lexicon)
    rows = read_gold(gold_files(gold_paths), label_sets)
    return fit_models(gold_features(rows, segmenter, lexicon), rows, label_sets,
                      random_state=random_state, **params)


def training_fingerprint(gold_paths: Iterable[str | os.PathLike], lexicon_dir: str | os.PathLike | None = None) -> str:
    """sha256 over the gold files and lexicon files, to notice stale saved models."""
    digest = hashlib.sha256()
    paths = [Path(p) for p in gold_paths]
    if lexicon_dir is not None and Path(lexicon_dir).is_dir():
        paths += sorted(p for p in Path(lexicon_dir).rglob("*") if p.is_file())
    for path in paths:
        digest.update(path.name.encode("utf-8") + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def model_meta(config: Any) -> dict[str, Any]:
    """What models trained under ``config`` record: a fingerprint of the gold and lexicon files,
    the gold file names and the config's model record (:meth:`RunConfig.model_record`)."""
    golds = gold_files(config.gold)
    return {"fingerprint": training_fingerprint(golds, config.lexicons), "gold": [p.name for p in golds],
            "config": config.model_record()}


def train_folder(config: Any, *, if_stale: bool = False) -> str:
    """``irtag train``: train on ``config.gold``, save into ``config.models``; a one-line summary.

    With ``if_stale``, models whose manifest records the same data and config are kept.
    """
    from pipeline.segment import Segmenter
    from pipeline.tag.lexicon import Lexicon

    golds = gold_files(config.gold)
    if not golds:
        raise IrtagError(Errors.E010.format(path=config.gold))
    meta = model_meta(config)
    folder = Path(config.models)
    if if_stale and (folder / MANIFEST).is_file():
        try:
            stored = read_manifest(folder).get("meta", {})
        except IrtagError:
            stored = {}
        if all(stored.get(key) == value for key, value in meta.items()):
            return f"models in {folder} are up to date with {len(golds)} gold files"
    lexicon = Lexicon.load(config.lexicons)
    segmenter = Segmenter(extra_words=lexicon.zh_terms(), engine=config.segmenter,
                          domain_terms=Path(config.lexicons) / "domain_terms.txt")
    models = train(golds, segmenter, lexicon, random_state=config.random_state)
    save_models(models, folder, meta=meta)
    rules = "; ".join(f"{s}: {m.fusion_}" for s, m in models.items())
    return f"trained {len(models)} models on {len(golds)} gold files -> {folder}\nfusion rules: {rules}"

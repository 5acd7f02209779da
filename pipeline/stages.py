"""The pipeline: ingest -> segment -> tag, built once from a :class:`~pipeline.config.RunConfig`.

:func:`load` reads the lexicons once, builds the segmenter with their Chinese terms, loads the
trained models and creates the configured taggers through the registry, as spaCy's ``load``
builds a ``Language`` from its config. Nothing is trained or written here: models come from
``irtag train``, and a missing model folder is an error that says so.
"""

from __future__ import annotations

import dataclasses
import inspect
import os
from pathlib import Path
from typing import Any, Callable, Iterator, Mapping, Sequence

from pipeline.config import RunConfig
from pipeline.document import Document
from pipeline.errors import Errors, IrtagError

Stage = Callable[[Document], Document]


class Pipeline:
    """Named stages applied in order, like spaCy's ``Language``: each reads and adds to the doc."""

    def __init__(self, stages: Sequence[tuple[str, Stage]], *, config: RunConfig | None = None,
                 lexicon: Any = None, segmenter: Any = None, annotator: Any = None):
        self.stages = list(stages)
        self.config = config or RunConfig.load()
        self.lexicon = lexicon
        self.segmenter = segmenter
        self.annotator = annotator

    @property
    def stage_names(self) -> list[str]:
        return [name for name, _ in self.stages]

    def __call__(self, doc: Document) -> Document:
        for name, stage in self.stages:
            doc = stage(doc)
            if not isinstance(doc, Document):
                raise TypeError(Errors.E020.format(stage=name, type_name=type(doc).__name__))
        return doc

    def read(self, path: str | os.PathLike) -> Iterator[Document]:
        """The file's documents before the stages: one per article, one per export record."""
        from pipeline.ingest import read_documents

        return read_documents(path, **self.read_options(), abstracts_only=self.config.abstracts_only)

    def read_options(self) -> dict[str, Any]:
        """The ingest engine and limits of the config (:class:`pipeline.ingest.ReadOptions`)."""
        from pipeline.ingest import ReadOptions

        return {f.name: getattr(self.config, f.name) for f in dataclasses.fields(ReadOptions)}

    def process_file(self, path: str | os.PathLike) -> Document:
        """Read one article and run every stage on it."""
        from pipeline.ingest import read_document

        return self(read_document(path, **self.read_options()))

    def tag_file(self, table_path: str | os.PathLike, out_path: str | os.PathLike, *, text_column: str = "text",
                 id_column: str = "sent_id", lang_column: str | None = None, lang: str | None = None,
                 keep_columns: Sequence[str] | None = None) -> int:
        """``irtag tag``: tag every row of a table and write the tagged CSV; returns the row count."""
        from pipeline.io import read_table, write_table

        if self.annotator is None:
            raise ValueError("this pipeline was loaded without the tagging stage")
        tagged = self.annotator.tag_table(read_table(table_path), text_column=text_column, id_column=id_column,
                                          lang_column=lang_column, lang=lang, source=str(table_path),
                                          keep_columns=keep_columns)
        write_table(out_path, tagged)
        return len(tagged)


def load(config: RunConfig | None = None, *, tag: bool = True, models: Mapping[str, Any] | None = None) -> Pipeline:
    """The configured pipeline: segment, and (``tag``) the tagging stage with trained models.

    ``models`` (scheme -> fitted classifier) replaces the model folder, for models trained in
    memory (cross-validation, tests).
    """
    from pipeline.segment import Segmenter
    from pipeline.tag.lexicon import Lexicon

    config = config or RunConfig.load()
    lexicon = Lexicon.load(config.lexicons)
    segmenter = Segmenter(extra_words=lexicon.zh_terms(), engine=config.segmenter,
                          domain_terms=config.lexicons / "domain_terms.txt")
    stages: list[tuple[str, Stage]] = [("segment", segmenter)]
    annotator = None
    if tag:
        annotator = build_annotator(config, lexicon, segmenter, models)
        stages.append(("annotate", annotator))
    return Pipeline(stages, config=config, lexicon=lexicon, segmenter=segmenter, annotator=annotator)


def build_annotator(config: RunConfig, lexicon: Any, segmenter: Any,
                    models: Mapping[str, Any] | None = None) -> Any:
    """The configured taggers and fusion, each given the resources its constructor asks for."""
    from pipeline.tag import create
    from pipeline.tag.annotate import Annotator

    resources: dict[str, Any] = {"lexicon": lexicon, "segmenter": segmenter, "config": config}
    if models is None and any(spec.factory == "linear" for spec in config.taggers):
        models = load_trained(config, lexicon)
    resources["models"] = dict(models or {})
    taggers = []
    for spec in config.taggers:
        tagger = _create(create, spec, resources)
        tagger.name = spec.name
        taggers.append(tagger)
    fusion = _create(create, config.fusion, resources)
    relations = _create(create, config.relations, resources) if config.relations else None
    return Annotator(taggers, fusion, lexicon.schemes, segmenter, relations)


def _create(create: Callable[..., Any], spec: Any, resources: Mapping[str, Any]) -> Any:
    """``create`` with the spec's parameters and the resources its factory accepts (parameters win)."""
    from pipeline.tag import factory_of

    accepted = inspect.signature(factory_of(spec.factory, module=spec.module)).parameters
    given = {k: v for k, v in resources.items() if k in accepted and k not in spec.params}
    return create(spec.factory, module=spec.module, **given, **spec.params)


def load_trained(config: RunConfig, lexicon: Any) -> dict[str, Any]:
    """The models of ``config.models``; E093 if there are none, W040 if they are stale."""
    from pipeline.training import MANIFEST, load_models, model_meta

    folder = Path(config.models)
    if not (folder / MANIFEST).is_file():
        raise IrtagError(Errors.E093.format(path=folder))
    return load_models(folder, lexicon.schemes, expect=model_meta(config))

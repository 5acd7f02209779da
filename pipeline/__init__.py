"""irtag: bilingual tagging of International Relations articles.

The public API is small::

    from pipeline import RunConfig, load, read_document
    nlp = load(RunConfig.load())              # lexicons, segmenter, trained models, taggers
    doc = nlp(read_document("article.pdf"))   # or nlp.process_file("article.pdf")
    for sentence in doc.coded_sentences():
        print(sentence.id, sentence.labels_for("stage"))

Nothing heavy is imported until it is used.
"""

from __future__ import annotations

from typing import Any

from pipeline.config import RunConfig
from pipeline.document import Actor, Document, Evidence, Label, Sentence
from pipeline.errors import IrtagError

__all__ = ["Actor", "Document", "Evidence", "IrtagError", "Label", "RunConfig", "Sentence", "load", "read_document"]


def __getattr__(name: str) -> Any:
    if name == "load":
        from pipeline.stages import load

        return load
    if name == "read_document":
        from pipeline.ingest import read_document

        return read_document
    raise AttributeError(f"module 'pipeline' has no attribute {name!r}")

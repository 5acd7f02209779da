"""irtag: bilingual tagging of International Relations articles.

The public API is small::

    from pipeline import read_document, process_file
    doc = process_file("article.pdf")      # ingest -> segment -> annotate
    for sentence in doc.coded_sentences():
        print(sentence.id, sentence.labels_for("stage"))
"""

from pipeline.document import Document, Sentence, Label, Evidence, Actor
from pipeline.errors import IrtagError

__all__ = ["Document", "Sentence", "Label", "Evidence", "Actor", "IrtagError"]

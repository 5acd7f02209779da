"""One catalogue of error messages, as spaCy's ``errors.py``: codes are prefixed when read.

Call sites raise ``IrtagError(Errors.E001.format(...))`` (or a subclass); the CLI turns an
``IrtagError`` into a one-line ``Error: …`` without a traceback.
"""

from __future__ import annotations


class _WithCodes(type):
    def __getattribute__(cls, code: str):  # noqa: N805 - metaclass
        message = type.__getattribute__(cls, code)
        if code.startswith(("E", "W")) and code[1:].isdigit():
            return f"[{code}] {message}"
        return message


class Errors(metaclass=_WithCodes):
    # ingest
    E001 = "{path}: unsupported file type '{suffix}'; supported: {supported}"
    E002 = "{path}: file is empty"
    E003 = "{path}: file is {size_mb:.1f} MB, over the {limit_mb:g} MB limit (raise it with --max-size-mb)"
    E004 = "{path}: cannot decode text ({reason}); save it as UTF-8, UTF-16, GB18030/GBK or Big5"
    E005 = "{path}: looks like binary data, not text"
    E006 = "{path}: not a readable PDF ({reason})"
    E007 = "{path}: PDF is encrypted; decrypt it first"
    E008 = "{path}: no text extracted (scanned PDF or image-only document?)"
    E009 = "{path}: not a readable DOCX ({reason})"
    E010 = "{path}: no such file or folder"
    E011 = "unknown PDF engine '{engine}'; choose one of: {engines}"
    # pipeline
    E020 = "stage '{stage}' returned {type_name}, not a Document"
    # segment
    E021 = "unknown segmenter engine '{engine}'; choose one of: {engines}"
    E022 = "segmenter engine 'rjieba' is not installed; run `pip install rjieba` or use engine 'jieba'"
    E023 = "unsupported language '{lang}' for segmentation; use one of: {langs}"
    E024 = "{engine} returned token '{word}' at {start}-{end}, which does not match the text (a segmenter bug)"
    E025 = "{path}:{line}: {problem}"
    # lexicons and codebook
    E030 = "{path}:{line}: {problem}"
    E031 = "unknown scheme '{scheme}'; the codebook has: {schemes}"
    E032 = "{path}: no lexicon folder here; pass a folder holding codebook.yaml or set IRTAG_LEXICONS"
    # models
    E040 = "{path}: model file is not valid ({reason}); rebuild it with `irtag train`"
    E041 = "{path}: no model found; build one with `irtag train`"
    E042 = "{path}:{line}: unknown {scheme} label '{label}'; labels: {labels}"
    # evaluation / tables
    E050 = "{path}: missing column '{column}' (columns present: {present})"
    E051 = "{path}: {column} '{value}' occurs more than once; ids must be unique"
    E053 = "{path}: row {row}: unknown {scheme} label(s) {labels}; valid: {valid}"
    E052 = "cross-validation needs at least 2 gold documents (found {n}) besides the examples"
    E054 = "cross-validation needs at least 2 units to hold out (gold documents, hand-written passages or rows); found {n}"
    # organisation mentions: gold tables and acronyms (evaluate_actors.py, acronyms.py)
    E100 = "{path}: row {row}: offsets '{start}', '{end}' are not whole numbers"
    E101 = "{path}: row {row}: surface '{surface}' is not text[{start}:{end}] of sentence '{sent_id}'"


class Warnings(metaclass=_WithCodes):
    W001 = "{path}: text decoded as {encoding} (not UTF-8)"


class IrtagError(ValueError):
    """An error the user can fix; the message names the file and the reason."""

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
    E054 = "cross-validation needs at least 2 units to hold out (gold documents, hand-written passages or rows); found {n}"
    # runtime: config, taggers, models
    E090 = "tagger '{factory}': cannot import module '{module}' ({reason})"
    E091 = "unknown tagger factory '{factory}'; registered: {registered}"
    E092 = "{path}:{line}: {problem}"
    E093 = "{path}: no trained models here; train them with `irtag train` (or `irtag train -o {path}`), or pass --models"
    E094 = "{path}: the output folder is an existing file; pass a folder with -o"
    E096 = "{path}: cannot write ({reason}); check the free space and the permissions of the output folder"
    E097 = "{path}: stopped after {seconds:g} s, over the time budget per input file (raise it with --time-limit)"
    E095 = "none of the {files} input file(s) could be read (see {errors}); nothing was tagged"
    # bibliographic exports (RIS, BibTeX, CSL-JSON, Zotero/Scopus/WoS tables, WoS and CNKI tagged text)
    E070 = "{path}: no readable record in this {format} export ({reason})"
    E071 = "{path}: a bibliographic export of several records; read it with read_documents (irtag run reads every record)"
    E072 = "{path}: not a recognised bibliographic export ({reason}); supported: {supported}"
    # PDF layout and limits (E080-E089)
    E080 = "{path}: PDF has {pages} pages, over the {limit}-page limit (raise it with --max-pages)"
    # hostile input: limits that keep one file from hanging a batch, and files that are not what they say
    E060 = ("{path}: HTML nested more than {limit} elements deep, over the nesting limit "
            "(raise it with --max-html-depth)")
    E061 = ("{path}: DOCX would inflate to {size_mb:.1f} MB ({what}), over the {limit_mb:g} MB limit "
            "(raise it with --max-inflated-mb)")
    E062 = ("{path}: DOCX part {part} inflates {ratio:.0f} times its compressed size, over the limit of "
            "{limit:g} (a zip bomb?; raise it with --max-inflate-ratio)")
    E063 = "{path}: not a Word document: the archive has no main document part ({part})"
    E064 = ("{path}: {chars} characters of text, over the limit of {limit} per document "
            "(split the file or raise it with --max-chars)")
    E065 = "{path}: same bytes as {first} (document {doc_id}); tagged once, under the first file"
    E066 = "{path}: is a folder, not a file"
    E067 = "{path}: cannot read the file ({reason})"
    # organisation mentions: gold tables and acronyms (evaluate_actors.py, acronyms.py)
    E100 = "{path}: row {row}: offsets '{start}', '{end}' are not whole numbers"
    E101 = "{path}: row {row}: surface '{surface}' is not text[{start}:{end}] of sentence '{sent_id}'"
    # comparison over the literature: grouping documents by year, journal or another key (compare_groups.py)
    E150 = "{path}: no document has a value for '{key}'; keys with values: {found}"
    E151 = "--period must be a whole number of years, 1 or more (got {period})"
    E152 = "--period {period} groups publication years; use it with --by year (asked: {keys})"
    # coders' sheets, corrections and gold tables (coding.py, io.read_table, evaluate.py)
    E110 = ("{path}: no coder column ({expected}); pass a sheet a coder filled (irtag run writes these "
            "columns empty into sentences.csv / .xlsx)")
    E111 = ("{path}: nothing coded: no coder_* cell is filled and no coder_done is ticked; fill the sheet, "
            "or tick coder_done on the rows reviewed")
    E112 = ("{path}: coder_done not understood in {cells}; tick with 1, x, ✓, y, yes, true, done, 是 or 对, "
            "leave unticked with 0, no, false, 否 or empty")
    E113 = "{path}: unknown label(s) {cells}; valid: {valid}"
    E114 = "{path}: not a readable {kind} table ({reason})"
    E115 = "{path}: unsupported table type '{suffix}'; save it as {supported}"
    E116 = "{path}: gold label(s) outside the codebook {cells}; valid: {valid}"
    E117 = "no sentence id ({column}) in common between {pred} and {gold}; {hint}"
    E118 = "{first} and {second} have no coder column in common ({first_cols} vs {second_cols})"
    E119 = "coder name '{coder}' gives no file name; pass --coder with letters or digits"
    # relations between organisations: gold tables (evaluate_relations.py)
    E140 = "{path}: no relation gold table here (*.csv with doc_id, sent_id, lang, text, source, target, kind, label)"
    E141 = ("{path}: row {row}: a relation needs a kind ({kinds}), a source and a target; leave all four "
            "empty for a sentence with none")
    E142 = "{path}: the config runs no relation step (relations: is null); set it to score relations"
    # batch at scale: backends, resume (batch.py, resume.py, distributed.py)
    E130 = "unknown batch backend '{backend}'; known: local, dask"
    E131 = "the dask backend needs Dask distributed: pip install 'irtag[dask]' ({reason})"
    E132 = "cannot reach the Dask scheduler at {scheduler} ({reason})"


class Warnings(metaclass=_WithCodes):
    W001 = "{path}: text decoded as {encoding} (not UTF-8)"
    W040 = "{path}: models were trained with other data or settings ({what}); retrain with `irtag train`"
    # bibliographic exports
    W020 = "{path}: record {number} skipped: {reason}"
    W021 = "{path}: record {number}: attached file {attachment} not read ({reason}); kept the abstract"
    # PDF layout and body detection (W030-W039)
    W030 = ("{path}: {paragraphs} paragraphs ({chars} characters) after '{line}' put in furniture, "
            "taken for {reason}")
    W031 = "{path}: {share:.0%} of the text is page furniture (headers, captions, front matter); check the sections"
    # hostile input: repairs made while reading
    W010 = "{path}: lines in mixed encodings: {utf8} non-ASCII line(s) read as UTF-8, {other} as {encoding}"
    W011 = "{path}: declared {declared} but the bytes are not {declared}; decoded as {encoding}"
    W012 = "{path}: removed {count} character(s) that are not text ({kinds})"
    # coders' sheets and corrections (coding.py, evaluate.py)
    W050 = "{path}: no coder column for {schemes}; scored {scored} only"
    W051 = "{path}: coder cells normalised: {counts}"
    W052 = ("{path}: no coder_done ticked, so the {rows} row(s) with a filled coder_* cell count as reviewed; "
            "tick coder_done on rows reviewed and left empty")
    # coders' exports: the workbook, the QDA project, the report (W060-W069)
    W060 = ("{path}: removed {count} control character(s) Excel cannot store from {cells} cell(s); "
            "sentences.csv and sentences.parquet keep them")
    W061 = ("{path}: {cells} cell(s) cut to Excel's {limit:,} characters; sentences.csv and "
            "sentences.parquet keep the whole text")
    # batch at scale (batch.py)
    W070 = "--scheduler {scheduler} is for --backend dask; the {backend} backend ignores it"


class IrtagError(ValueError):
    """An error the user can fix; the message names the file and the reason, on one line (a
    newline in a file name is shown as ``\\n``)."""

    def __init__(self, message: str = "", *args: object) -> None:
        super().__init__(message.replace("\r", "\\r").replace("\n", "\\n"), *args)

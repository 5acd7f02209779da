"""The coders' workbook: ``sentences.xlsx`` written row by row with XlsxWriter.

What a coder opening it needs, and the CSV cannot give: a frozen header, column widths, wrapped
text, an autofilter, the ``coder_*`` columns right beside ``text`` with drop-downs of the
codebook's labels (lists on a ``labels`` sheet, definitions on a ``codebook`` sheet), a
``coder_done`` column, numbers stored as numbers, and text stored as text cells, so a sentence
that starts with ``=`` is shown as it is, never run and never prefixed with ``'`` (the CSV keeps
its guard; this writer is fed the raw values).

XlsxWriter's ``constant_memory`` mode flushes each row as it is written, so memory does not grow
with the corpus; past Excel's 1,048,575 data rows the table goes on on ``sentences_2`` and so
on, and the codebook sheet says so. The same rows give the same bytes (fixed creation date).
"""

from __future__ import annotations

import datetime
import math
import os
import re
import warnings
from pathlib import Path
from typing import Iterable, Mapping, Sequence

from pipeline.codebook import CODER_PREFIX, Codebook
from pipeline.errors import Warnings
from pipeline.io import atomic_open

#: Data rows per sheet: Excel's 1,048,576 rows less the header.
EXCEL_MAX_ROWS = 1_048_575
#: Characters per cell Excel keeps.
EXCEL_MAX_CHARS = 32_767
#: The column a coder ticks when a row is reviewed, and the value the drop-down offers.
DONE_COLUMN = f"{CODER_PREFIX}done"
DONE_VALUE = "yes"
#: Characters XML 1.0 (and so Excel) cannot store: C0 controls but tab, LF, CR; non-characters.
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_WIDTHS = {"text": 70, "title": 28, "evidence": 40, "scores": 28, "sources": 28, "doc_id": 18, "sent_id": 22,
           "organisations": 18, "actor_types": 14, "section_kind": 10, "lang": 6, "page": 6, "start": 8,
           "end": 8, "is_heading": 6, "negated": 6, f"{CODER_PREFIX}note": 30}
_WRAPPED = {"text", "title", "evidence", "scores", "sources", f"{CODER_PREFIX}note"}
_CREATED = datetime.datetime(2020, 1, 1)


def arrange_columns(columns: Sequence[str]) -> tuple[str, ...]:
    """The ``coder_*`` columns (and ``coder_done``, added where coder columns exist) right after
    ``text``, so a coder reads and codes side by side; other columns keep their order."""
    coder = [c for c in columns if c.startswith(CODER_PREFIX)]
    if coder and DONE_COLUMN not in coder:
        coder.append(DONE_COLUMN)
    rest = [c for c in columns if not c.startswith(CODER_PREFIX)]
    if "text" not in rest:
        return (*rest, *coder)
    at = rest.index("text") + 1
    return (*rest[:at], *coder, *rest[at:])


class _Cleaner:
    """Text as Excel can store it; counts what was removed or cut, for one warning at the end."""

    def __init__(self) -> None:
        self.removed = self.cells = self.cut = 0

    def __call__(self, text: str) -> str:
        text, n = _FORBIDDEN.subn("", text)
        if n:
            self.removed += n
            self.cells += 1
        if len(text) > EXCEL_MAX_CHARS:
            self.cut += 1
            text = text[:EXCEL_MAX_CHARS]
        return text

    def warn(self, path: Path) -> None:
        if self.removed:
            warnings.warn(Warnings.W060.format(path=path, count=self.removed, cells=self.cells), stacklevel=3)
        if self.cut:
            warnings.warn(Warnings.W061.format(path=path, cells=self.cut, limit=EXCEL_MAX_CHARS), stacklevel=3)


def write_workbook(path: str | os.PathLike, rows: Iterable[Mapping[str, object]], columns: Sequence[str], *,
                   codebook: Codebook, sheet_name: str = "sentences",
                   rows_per_sheet: int = EXCEL_MAX_ROWS) -> Path:
    """Write ``rows`` (dicts keyed by ``columns``; missing keys are blank) as a coder-ready workbook.

    Numbers (int, float) become number cells, everything else a text cell; ``None`` and NaN are
    blank. Returns ``path``."""
    import xlsxwriter

    if not 1 <= rows_per_sheet <= EXCEL_MAX_ROWS:
        raise ValueError(f"rows_per_sheet must be 1 to {EXCEL_MAX_ROWS:,}, not {rows_per_sheet}")
    path = Path(path)
    columns = arrange_columns(columns)
    clean = _Cleaner()
    with atomic_open(path, "wb") as handle:
        book = xlsxwriter.Workbook(handle, {"constant_memory": True, "strings_to_numbers": False,
                                            "strings_to_formulas": False, "strings_to_urls": False})
        book.set_properties({"created": _CREATED, "title": "irtag sentences for coding"})
        formats = {"head": book.add_format({"bold": True, "bg_color": "#E8ECF1", "bottom": 1, "text_wrap": True,
                                            "valign": "top"}),
                   "wrap": book.add_format({"text_wrap": True, "valign": "top"}),
                   "cell": book.add_format({"valign": "top"}),
                   "coder": book.add_format({"valign": "top", "bg_color": "#FFF8DC"})}
        sheets: list[tuple[object, int]] = []
        sheet, row_no = None, 0
        for record in rows:
            if sheet is None or row_no == rows_per_sheet:
                if sheet is not None:
                    sheets.append((sheet, row_no))
                name = sheet_name if not sheets else f"{sheet_name}_{len(sheets) + 1}"
                sheet, row_no = _data_sheet(book, name, columns, formats), 0
            row_no += 1
            for col, column in enumerate(columns):
                _write_cell(sheet, row_no, col, record.get(column), column, formats, clean)
        if sheet is None:
            sheet = _data_sheet(book, sheet_name, columns, formats)
        sheets.append((sheet, row_no))
        for data_sheet, last in sheets:
            _finish(data_sheet, columns, last, codebook)
        _labels_sheet(book, codebook, formats)
        _codebook_sheet(book, codebook, formats, [s.get_name() for s, _ in sheets], rows_per_sheet)
        book.close()
    clean.warn(path)
    return path


def _data_sheet(book, name: str, columns: Sequence[str], formats: dict) -> object:
    sheet = book.add_worksheet(name)
    sheet.freeze_panes(1, 0)
    for col, column in enumerate(columns):
        width = 16 if column.startswith(CODER_PREFIX) and column not in _WIDTHS else _WIDTHS.get(column, 12)
        sheet.set_column(col, col, width)
        sheet.write_string(0, col, column, formats["head"])
    return sheet


def _write_cell(sheet, row: int, col: int, value: object, column: str, formats: dict, clean: _Cleaner) -> None:
    style = formats["coder"] if column.startswith(CODER_PREFIX) else (
        formats["wrap"] if column in _WRAPPED else formats["cell"])
    if value is None or value == "" or (isinstance(value, float) and not math.isfinite(value)):
        sheet.write_blank(row, col, None, style)
    elif isinstance(value, (bool, int, float)):
        sheet.write_number(row, col, value, style)
    else:
        sheet.write_string(row, col, clean(str(value)), style)


def _finish(sheet, columns: Sequence[str], last_row: int, codebook: Codebook) -> None:
    """Autofilter and drop-downs over the rows written, once their number is known."""
    sheet.autofilter(0, 0, max(last_row, 1), len(columns) - 1)
    if not last_row:
        return
    for col, column in enumerate(columns):
        scheme = column[len(CODER_PREFIX):]
        if column == DONE_COLUMN:
            options = {"validate": "list", "source": [DONE_VALUE], "input_title": "Reviewed?",
                       "input_message": f"'{DONE_VALUE}' once this row is coded (an empty coder cell then "
                                        "means: no label)."}
        elif column.startswith(CODER_PREFIX) and scheme in codebook.schemes:
            options = {"validate": "list", "source": f"={_list_name(scheme)}", "error_type": "information",
                       "error_title": "Not a single label",
                       "error_message": "Not one label of the list: several labels are fine, separated by ';'. "
                                        "See the codebook sheet.",
                       "input_title": scheme[:32],
                       "input_message": "A label from the list; several separated by ';'."}
        else:
            continue
        sheet.data_validation(1, col, last_row, col, options)


def _list_name(scheme: str) -> str:
    return f"labels_{scheme}"


def _labels_sheet(book, codebook: Codebook, formats: dict) -> None:
    """One column of labels per scheme: the drop-down lists, named ``labels_<scheme>``."""
    sheet = book.add_worksheet("labels")
    schemes = list(codebook.schemes.values())
    depth = max((len(s.labels) for s in schemes), default=0)
    for col, scheme in enumerate(schemes):
        sheet.set_column(col, col, 22)
        sheet.write_string(0, col, scheme.name, formats["head"])
        letter = _column_letter(col)
        book.define_name(_list_name(scheme.name), f"=labels!${letter}$2:${letter}${len(scheme.labels) + 1}")
    for row in range(depth):
        for col, scheme in enumerate(schemes):
            if row < len(scheme.labels):
                sheet.write_string(row + 1, col, scheme.labels[row].name)


def _codebook_sheet(book, codebook: Codebook, formats: dict, data_sheets: list[str], rows_per_sheet: int) -> None:
    """Scheme, label, Chinese name, group and definition of every label, then how to code."""
    sheet = book.add_worksheet("codebook")
    heads = ("scheme", "label", "name_zh", "group", "definition")
    for col, (head, width) in enumerate(zip(heads, (14, 22, 14, 10, 90))):
        sheet.set_column(col, col, width)
        sheet.write_string(0, col, head, formats["head"])
    sheet.freeze_panes(1, 0)
    row = 0
    for scheme in codebook.schemes.values():
        for label in scheme.labels:
            row += 1
            # name_zh: the Chinese name, where the codebook gives labels one
            values = (scheme.name, label.name, getattr(label, "zh", ""), label.group, label.definition)
            for col, value in enumerate(values):
                if value:
                    sheet.write_string(row, col, value, formats["wrap"] if col == 4 else formats["cell"])
    notes = [f"Code in the coder_* columns beside the text: one label from the drop-down, or several separated "
             f"by ';'. An empty cell means no label. Put '{DONE_VALUE}' in {DONE_COLUMN} once a row is reviewed."]
    if len(data_sheets) > 1:
        notes.append(f"The sentences fill {len(data_sheets)} sheets ({', '.join(data_sheets)}): "
                     f"{rows_per_sheet:,} rows each at most, in order.")
    for note in notes:
        row += 2
        sheet.write_string(row, 0, note)


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters

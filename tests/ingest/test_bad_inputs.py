"""Every kind of the generated bad-input corpus (``bad_inputs.KINDS``) through ``read_document``:
a Document (with the warning that says what was repaired) or a one-line IrtagError naming the
file, never another exception, never a hang."""

from __future__ import annotations

import os
import time

import pytest

from bad_inputs import KINDS
from pipeline.document import Document
from pipeline.errors import IrtagError
from pipeline.ingest import read_document

#: A hang guard, not a benchmark: the slowest kind (a 210 MB zip bomb refused) takes about a second.
TIME_BUDGET_S = 20


def _can(need: str, tmp_path) -> bool:
    if need == "symlink":
        try:
            os.symlink("x", tmp_path / "probe")
        except OSError:
            return False
        (tmp_path / "probe").unlink()
        return True
    if need == "chmod":  # root reads a file whatever its mode
        return hasattr(os, "geteuid") and os.geteuid() != 0
    return True


def _offsets_hold(doc: Document) -> None:
    for sentence in doc.sentences():
        assert doc.text[sentence.start:sentence.end] == sentence.text
    for section in doc.sections:
        for paragraph in section.paragraphs:
            assert section.start <= paragraph.start <= paragraph.end <= section.end <= len(doc.text)


@pytest.mark.parametrize("name", sorted(KINDS))
def test_kind_is_read_or_refused_in_one_line(name, tmp_path):
    kind = KINDS[name]
    if kind.needs and not _can(kind.needs, tmp_path):
        pytest.skip(f"this system cannot make a {kind.needs} case")
    folder = tmp_path / "in"
    folder.mkdir()
    path = kind.make(folder)
    started = time.perf_counter()
    try:
        outcome: Document | IrtagError = read_document(path)
    except IrtagError as err:
        outcome = err
    finally:
        seconds = time.perf_counter() - started
        if kind.needs == "chmod":
            path.chmod(0o644)
    assert seconds < TIME_BUDGET_S, f"{name} took {seconds:.1f} s"
    if isinstance(outcome, IrtagError):
        message = str(outcome)
        code = message[1:5]
        assert code in kind.expect, message
        assert "\n" not in message and message.startswith(f"[{code}] {str(path)!s}".replace("\n", "\\n"))
        return
    assert {"doc"} & set(kind.expect) or any(code.startswith("W") for code in kind.expect), \
        f"{name} was read, expected {kind.expect}"
    for code in (c for c in kind.expect if c.startswith("W")):
        assert any(w.startswith(f"[{code}]") for w in outcome.warnings), outcome.warnings
    if kind.encoding:
        assert outcome.meta.extra["encoding"] == kind.encoding
    assert kind.contains in outcome.text
    assert "\ufffd" not in outcome.text
    assert not any(ord(c) < 32 and c not in "\t\n\r" or 0xD800 <= ord(c) <= 0xDFFF or c in "\ufffe\uffff"
                   for c in outcome.text + outcome.meta.title)
    _offsets_hold(outcome)


def test_the_corpus_has_at_least_thirty_kinds():
    assert len(KINDS) >= 30

"""The message catalogue (pipeline.errors): every code is prefixed when read and used somewhere."""

import re
from pathlib import Path

import pytest

from pipeline.errors import Errors, IrtagError, Warnings

PIPELINE = Path(__file__).resolve().parent.parent / "pipeline"
CODES = [(cls, code) for cls in (Errors, Warnings) for code in vars(cls) if re.fullmatch(r"[EW]\d{3}", code)]


@pytest.mark.parametrize("cls, code", CODES, ids=[code for _, code in CODES])
def test_every_message_is_prefixed_with_its_code(cls, code):
    assert getattr(cls, code).startswith(f"[{code}] ")


def test_every_code_is_raised_or_warned_somewhere():
    source = "\n".join(p.read_text(encoding="utf-8") for p in PIPELINE.rglob("*.py") if p.name != "errors.py")
    unused = [code for cls, code in CODES if f"{cls.__name__}.{code}" not in source]
    assert unused == []


def test_codes_are_unique_across_the_catalogue():
    codes = [code for _, code in CODES]
    assert len(codes) == len(set(codes))


def test_an_error_message_stays_on_one_line():
    assert "\n" not in str(IrtagError(Errors.E010.format(path="a\nb.txt")))

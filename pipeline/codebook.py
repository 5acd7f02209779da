"""The codebook and the lexicons as data (the reading is :mod:`pipeline.lexicon_files`).

Like quanteda's ``dictionary()``, a lexicon is validated when it is read: every problem is
reported with the file and the line it sits on (YAML node marks), so that a user who edits a
term can find it. This module owns the scheme and label order every table follows. :func:`validate` is a pure function that collects all problems (for
``irtag codebook --check``); :func:`read_lexicons` returns the data with its problems and
:class:`pipeline.tag.lexicon.Lexicon` refuses to load while there is any.

Files in the lexicon folder:

* ``codebook.yaml``: schemes, their labels (codebook order, definitions, groups) and actor types;
* ``organisations.yaml``: the organisation gazetteer (named organisations and generic mentions);
* ``states.yaml``: the countries, in the gazetteer's format (read with it as one gazetteer);
* any other ``*.yaml``: one scheme lexicon, a list of concepts with ``zh``/``en`` terms and
  optional regex ``patterns``.

Other files (``README.md``, ``domain_terms.txt``) are ignored.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from pipeline.config import default_lexicons
from pipeline.errors import Errors, IrtagError
from pipeline.norm import fold_width

CODEBOOK_FILE = "codebook.yaml"
ORGANISATIONS_FILE = "organisations.yaml"
#: the gazetteer's files, read as one: ids and names are unique across them
GAZETTEER_FILES = (ORGANISATIONS_FILE, "states.yaml")


# -- data ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Problem:
    """One thing wrong in a lexicon file; ``str()`` gives the E030 message."""

    path: str
    line: int
    problem: str

    def __str__(self) -> str:
        return Errors.E030.format(path=self.path, line=self.line, problem=self.problem)


@dataclass(frozen=True)
class LabelDef:
    scheme: str
    name: str
    definition: str = ""
    group: str = ""
    zh: str = ""  # the Chinese name a coder may type instead of ``name``


@dataclass(frozen=True)
class SchemeDef:
    name: str
    description: str
    labels: tuple[LabelDef, ...]
    groups: tuple[str, ...] = ()


@dataclass(frozen=True)
class Codebook:
    schemes: dict[str, SchemeDef]
    actor_types: dict[str, str]  # type -> definition


@dataclass(frozen=True)
class Term:
    text: str
    lang: str
    line: int


@dataclass(frozen=True)
class Pattern:
    regex: str
    lang: str
    line: int


@dataclass(frozen=True)
class Concept:
    id: str
    scheme: str
    label: str
    terms: tuple[Term, ...]
    patterns: tuple[Pattern, ...]
    path: str
    line: int


@dataclass(frozen=True)
class Organisation:
    """A gazetteer entry; ``id`` is empty for generic mentions (非政府组织, NGOs).

    ``parent`` is the id of the organisation a sub-body belongs to (UNSC -> UN), else ''.
    """

    id: str
    type: str
    terms: tuple[Term, ...]
    path: str
    line: int
    parent: str = ""

    @property
    def name(self) -> str:
        """Display name: the first English name, else the first name."""
        english = [t.text for t in self.terms if t.lang == "en"]
        return english[0] if english else (self.terms[0].text if self.terms else self.id)


@dataclass(frozen=True)
class LexiconData:
    codebook: Codebook
    concepts: tuple[Concept, ...]
    organisations: tuple[Organisation, ...]


# -- normalisation ------------------------------------------------------------------------
def normalize_term(text: str, lang: str) -> str:
    """The form two terms are compared by: width-folded, spaces collapsed, English casefolded."""
    folded = " ".join(fold_width(text).split())
    return folded.casefold() if lang == "en" else folded


def default_directory() -> Path:
    """``$IRTAG_LEXICONS`` or the project's ``lexicons/`` folder (:func:`pipeline.config.default_lexicons`)."""
    return default_lexicons()



def read_lexicons(directory: str | Path | None = None) -> tuple[LexiconData, list[Problem]]:
    """Every lexicon file of ``directory`` read and validated (:mod:`pipeline.lexicon_files`)."""
    from pipeline.lexicon_files import read_folder

    return read_folder(Path(directory) if directory is not None else default_directory())


def validate(directory: str | Path | None = None) -> list[Problem]:
    """All problems of the lexicon folder, in file and line order (empty when it is valid)."""
    return read_lexicons(directory)[1]


@functools.lru_cache(maxsize=8)
def load_codebook(directory: str | Path | None = None) -> Codebook:
    """Only the schemes and labels (no lexicons): what exports and comparisons need."""
    folder = Path(directory) if directory is not None else default_directory()
    from pipeline.lexicon_files import read_codebook

    problems: list[Problem] = []
    codebook = read_codebook(folder / CODEBOOK_FILE, problems)
    if problems:
        raise IrtagError(str(problems[0]))
    return codebook


def scheme_names(codebook: Codebook | None = None) -> tuple[str, ...]:
    """The schemes in codebook order: the order of every table's scheme columns."""
    return tuple((codebook or load_codebook()).schemes)


def split_cell(cell: object) -> list[str]:
    """A label cell of a table: ``'a; b;'`` -> ``['a', 'b']``; empty cells and NaN give ``[]``."""
    if cell is None or (isinstance(cell, float) and math.isnan(cell)):
        return []
    return [part.strip() for part in str(cell).split(";") if part.strip()]


#: What a coder's column is called: ``coder_<scheme>``.
CODER_PREFIX = "coder_"


def coder_columns(schemes: Sequence[str] | None = None) -> tuple[str, ...]:
    """The columns a coder fills in a sentences sheet: one per scheme, and a note."""
    schemes = scheme_names() if schemes is None else schemes
    return tuple(f"{CODER_PREFIX}{scheme}" for scheme in schemes) + (f"{CODER_PREFIX}note",)


def scheme_labels(codebook: Codebook | None = None) -> dict[str, tuple[str, ...]]:
    """Scheme -> labels, in codebook order."""
    codebook = codebook or load_codebook()
    return {name: tuple(label.name for label in scheme.labels) for name, scheme in codebook.schemes.items()}


def label_groups(codebook: Codebook | None = None) -> dict[tuple[str, str], str]:
    """(scheme, label) -> group, for labels that have one (resource: material / symbolic)."""
    codebook = codebook or load_codebook()
    return {(s.name, l.name): l.group for s in codebook.schemes.values() for l in s.labels if l.group}

"""The run configuration: defaults as data (``default_config.yaml``), overrides, one resolved record.

:class:`RunConfig` is what :func:`pipeline.load` builds a pipeline from, what ``irtag run`` writes
beside its outputs (``OUT/config.json``) and what ``irtag train`` writes into the model folder,
so a run can always say what it ran with. This module is the only one that knows where the
project's own folders are.
"""

from __future__ import annotations

import copy
import dataclasses
import os
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Mapping

import yaml

from pipeline.errors import Errors, IrtagError

#: The checkout irtag runs from: its lexicons/, corpora/gold/ and outputs/models/ are the defaults.
PROJECT_ROOT = Path(__file__).resolve().parent.parent
LEXICONS_ENV = "IRTAG_LEXICONS"


def default_lexicons() -> Path:
    """``$IRTAG_LEXICONS`` or the project's ``lexicons/`` folder."""
    return Path(os.environ.get(LEXICONS_ENV) or PROJECT_ROOT / "lexicons")


@dataclass(frozen=True)
class TaggerSpec:
    """One configured component: its system name, registered factory, module and parameters."""

    name: str
    factory: str
    module: str = ""
    params: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class RunConfig:
    """Everything a run depends on besides its inputs (see ``default_config.yaml``)."""

    lexicons: Path
    gold: Path
    models: Path
    max_size_mb: float = 50
    pdf_engine: str = "pdfplumber"
    abstracts_only: bool = False
    max_pages: int | None = 2000
    max_chars: int = 2_000_000
    max_html_depth: int = 1_000
    max_inflated_mb: float = 200.0
    max_inflate_ratio: float = 100.0
    segmenter: str = "rjieba"
    workers: int = 0  # 0: the cores available (pipeline.batch.available_cores)
    backend: str = "local"
    scheduler: str | None = None
    time_limit_s: float | None = 600.0
    random_state: int = 0
    taggers: tuple[TaggerSpec, ...] = ()
    fusion: TaggerSpec = TaggerSpec("fusion", "fusion")
    #: the post-fusion relation step; None runs none
    relations: TaggerSpec | None = None

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, source: str = "config") -> "RunConfig":
        """Build from the nested layout of ``default_config.yaml`` (defaults filled in)."""
        merged = _merge(_defaults(), data, source)
        paths, ingest = merged["paths"], merged["ingest"]
        return cls(
            lexicons=_path(paths["lexicons"], default_lexicons()),
            gold=_path(paths["gold"], PROJECT_ROOT / "corpora" / "gold"),
            models=_path(paths["models"], PROJECT_ROOT / "outputs" / "models"),
            max_size_mb=float(ingest["max_size_mb"]),
            pdf_engine=str(ingest["pdf_engine"]),
            abstracts_only=bool(ingest["abstracts_only"]),
            max_pages=None if ingest["max_pages"] is None else int(ingest["max_pages"]),
            max_chars=int(ingest["max_chars"]),
            max_html_depth=int(ingest["max_html_depth"]),
            max_inflated_mb=float(ingest["max_inflated_mb"]),
            max_inflate_ratio=float(ingest["max_inflate_ratio"]),
            segmenter=str(merged["segment"]["engine"]),
            workers=int(merged["batch"]["workers"] or 0),
            backend=str(merged["batch"]["backend"]),
            scheduler=merged["batch"]["scheduler"] or None,
            time_limit_s=None if merged["batch"]["time_limit_s"] is None else float(merged["batch"]["time_limit_s"]),
            random_state=int(merged["random_state"]),
            taggers=tuple(_spec(item, source) for item in merged["taggers"]),
            fusion=_spec({"name": "fusion", **merged["fusion"]}, source),
            relations=None if not merged.get("relations") else _spec({"name": "relations", **merged["relations"]}, source),
        )

    @classmethod
    def load(cls, path: str | os.PathLike | None = None, **overrides: Any) -> "RunConfig":
        """The defaults, then the YAML file at ``path`` (if any), then keyword overrides of fields."""
        data: Mapping[str, Any] = {}
        if path is not None:
            data = _read_yaml(Path(path))
        config = cls.from_dict(data, source=str(path or "defaults"))
        return config.replace(**overrides)

    def replace(self, **changes: Any) -> "RunConfig":
        """A copy with some fields changed; ``None`` values leave a field as it is."""
        changes = {k: v for k, v in changes.items() if v is not None}
        for key in ("lexicons", "gold", "models"):
            if key in changes:
                changes[key] = Path(changes[key])
        return dataclasses.replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        """The resolved config as JSON-ready data (written beside outputs and models)."""
        def spec(item: TaggerSpec) -> dict[str, Any]:
            return {"name": item.name, "factory": item.factory, "module": item.module, "params": dict(item.params)}

        return {
            "paths": {"lexicons": str(self.lexicons), "gold": str(self.gold), "models": str(self.models)},
            "ingest": {"max_size_mb": self.max_size_mb, "pdf_engine": self.pdf_engine,
                       "abstracts_only": self.abstracts_only, "max_pages": self.max_pages,
                       "max_chars": self.max_chars, "max_html_depth": self.max_html_depth,
                       "max_inflated_mb": self.max_inflated_mb, "max_inflate_ratio": self.max_inflate_ratio},
            "segment": {"engine": self.segmenter},
            "batch": {"workers": self.workers, "backend": self.backend, "scheduler": self.scheduler,
                      "time_limit_s": self.time_limit_s},
            "random_state": self.random_state,
            "taggers": [spec(t) for t in self.taggers],
            "fusion": {k: v for k, v in spec(self.fusion).items() if k != "name"},
            "relations": None if self.relations is None else {k: v for k, v in spec(self.relations).items() if k != "name"},
        }

    def model_record(self) -> dict[str, Any]:
        """What a model depends on (no paths, no engines of other stages): compared on load."""
        return {"random_state": self.random_state, "taggers": self.to_dict()["taggers"],
                "fusion": self.to_dict()["fusion"]}


def _defaults() -> dict[str, Any]:
    text = resources.files("pipeline").joinpath("default_config.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


def _read_yaml(path: Path) -> Mapping[str, Any]:
    if not path.is_file():
        raise IrtagError(Errors.E010.format(path=path))
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        line = getattr(getattr(exc, "problem_mark", None), "line", -1) + 1
        raise IrtagError(Errors.E092.format(path=path, line=line, problem=str(exc).splitlines()[0])) from exc
    if not isinstance(data, dict):
        raise IrtagError(Errors.E092.format(path=path, line=1, problem="a config is a mapping of sections"))
    return data


def _merge(base: dict[str, Any], override: Mapping[str, Any], source: str) -> dict[str, Any]:
    """``override`` laid over ``base`` section by section; an unknown key is an error naming it."""
    merged = copy.deepcopy(base)
    for key, value in override.items():
        if key not in merged:
            raise IrtagError(Errors.E092.format(path=source, line=0,
                                                problem=f"unknown key '{key}'; known: {', '.join(merged)}"))
        if isinstance(merged[key], dict) and isinstance(value, Mapping):
            merged[key] = _merge(merged[key], value, source)
        else:
            merged[key] = value
    return merged


def _path(value: Any, default: str | os.PathLike) -> Path:
    return Path(value) if value else Path(default)


def _spec(item: Any, source: str) -> TaggerSpec:
    if not isinstance(item, Mapping) or not item.get("name") or not item.get("factory"):
        raise IrtagError(Errors.E092.format(path=source, line=0,
                                            problem=f"a tagger needs a name and a factory, got {item!r}"))
    return TaggerSpec(str(item["name"]), str(item["factory"]), str(item.get("module") or ""),
                      dict(item.get("params") or {}))

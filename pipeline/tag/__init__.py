"""The tagging stage: a registry of taggers, as spaCy's factories.

A tagger class registers itself under a name with ``@register("lexicon")``; the runtime builds
the configured ones with :func:`create`. Adding a tagger is one new module (with the decorator)
and one entry under ``taggers:`` in the config, naming the factory and the module::

    taggers:
      - {name: lexicon, factory: lexicon, module: pipeline.tag.lexicon}

An unknown factory is a coded error listing the registered ones.
"""

from __future__ import annotations

import importlib
from typing import Any, Callable, TypeVar

from pipeline.errors import Errors, IrtagError

T = TypeVar("T")

_FACTORIES: dict[str, Callable[..., Any]] = {}


def register(name: str) -> Callable[[T], T]:
    """Class decorator: make ``factory`` ``name`` build this class."""
    def decorate(factory: T) -> T:
        _FACTORIES[name] = factory  # type: ignore[assignment]
        return factory
    return decorate


def registered() -> tuple[str, ...]:
    return tuple(sorted(_FACTORIES))


def factory_of(factory: str, *, module: str | None = None) -> Callable[..., Any]:
    """The class registered as ``factory``, importing ``module`` first (which registers it)."""
    if module:
        try:
            importlib.import_module(module)
        except ImportError as exc:
            raise IrtagError(Errors.E090.format(factory=factory, module=module, reason=exc)) from exc
    if factory not in _FACTORIES:
        raise IrtagError(Errors.E091.format(factory=factory, registered=", ".join(registered()) or "none"))
    return _FACTORIES[factory]


def create(factory: str, *, module: str | None = None, **params: Any) -> Any:
    """Build the tagger registered as ``factory`` with ``params``."""
    return factory_of(factory, module=module)(**params)

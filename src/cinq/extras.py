"""The optional parts of cinq (pip extras) and the modules each one brings.

The core (pad books, boards, documents, the recipes, codebooks) needs only NumPy,
wordfreq, Typer and Rich. The heavier stacks are extras, installed on demand::

    pip install 'cinq[print]'      # PDFs: pads, cards, worksheets (fpdf2)
    pip install 'cinq[radio]'      # broadcast and reception (SciPy, soundfile)
    pip install 'cinq[analysis]'   # triage, its report, depths (SciPy, matplotlib, Dask)
    pip install 'cinq[console]'    # the web console (FastAPI, uvicorn, Jinja2)
    pip install 'cinq[network]'    # a station's network on PostgreSQL (psycopg, cryptography)

A feature whose extra is missing raises :class:`~cinq.errors.MissingExtra` (exit code
2 in the CLI) naming the ``pip install`` line, instead of an ImportError from deep
inside.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Mapping
from types import MappingProxyType

from .errors import MissingExtra

#: Each extra and the top-level modules it installs (import names, not package names).
EXTRAS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "print": ("fpdf",),
        "radio": ("scipy", "soundfile"),
        "analysis": ("scipy", "matplotlib", "distributed"),  # Dask: `depth find` at scale
        "console": ("fastapi", "uvicorn", "jinja2", "multipart"),  # `cinq console`
        "network": ("psycopg", "cryptography", "scipy"),  # `cinq network`: PostgreSQL, tests
    }
)


def require(extra: str, *, feature: str | None = None) -> None:
    """Raise :class:`MissingExtra` unless every module of ``extra`` can be imported.

    Only looks the modules up (no import): cheap enough for a package's ``__init__``.
    """
    for module in EXTRAS[extra]:
        if _absent(module):
            raise MissingExtra(extra, module, feature=feature)


def _absent(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is None
    except (ImportError, ValueError):  # a broken install counts as a missing one
        return True


def missing_extra(
    error: ImportError, *, extra: str | None = None, feature: str | None = None
) -> MissingExtra | None:
    """The :class:`MissingExtra` an ImportError stands for, or ``None`` when the module
    it names belongs to no extra (then it is a bug, not an installation choice).

    ``extra`` is the one the feature needs, preferred when a module (SciPy) belongs to
    several extras."""
    module = (error.name or "").partition(".")[0]
    owners = [name for name, modules in EXTRAS.items() if module in modules]
    if not owners:
        return None
    return MissingExtra(extra if extra in owners else owners[0], module, feature=feature)

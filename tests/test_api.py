"""The top-level API: every public name resolves, every error the recipes can raise and
every type their signatures use is exported, the hazmat primitives are not, the
version is written in one place, and requirements.lock satisfies pyproject.toml."""

from __future__ import annotations

import ast
import dataclasses
import importlib.metadata
import inspect
import json
import re
import subprocess
import sys
import tomllib
import typing
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

import cinq
from cinq.cli import app
from cinq.hazmat import cipher, pad
from tests.test_cli import cinq as run_cinq

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src"
INIT = SRC / "cinq" / "__init__.py"

# What the recipes import (the modules behind encrypt, send, decrypt, make_decoy and the
# types they take): every CinqError these modules define is something a recipe raises.
RECIPE_MODULES = ("cinq.procedure", "cinq.decoy", "cinq.book", "cinq.document")


def test_every_name_in_all_resolves() -> None:
    for name in cinq.__all__:
        assert getattr(cinq, name) is not None, name
    namespace: dict[str, object] = {}
    exec("from cinq import *", namespace)
    assert set(cinq.__all__) <= set(namespace)


def test_a_name_that_is_not_there_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no_such_name"):
        _ = cinq.no_such_name
    assert not hasattr(cinq, "_EXPORT_NOT_THERE")


def test_all_lists_exactly_the_lazy_names_and_what_type_checkers_see() -> None:
    """``__all__``, the lazy table and the ``if TYPE_CHECKING:`` imports (what mypy and
    IDEs see) name the same things, and each import is the object loaded at run time."""
    exports = cinq._EXPORTS
    assert set(cinq.__all__) == {*exports, "__version__"}
    checked = _type_checking_imports()
    assert set(checked) == set(exports)
    for name, module in checked.items():
        assert getattr(importlib.import_module(module), name) is getattr(cinq, name), name


def _type_checking_imports() -> dict[str, str]:
    """Name -> absolute module of each import under ``if TYPE_CHECKING:`` in __init__."""
    tree = ast.parse(INIT.read_text(encoding="utf-8"))
    block = next(
        node
        for node in tree.body
        if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING"
    )
    found: dict[str, str] = {}
    for node in block.body:
        assert isinstance(node, ast.ImportFrom) and node.level == 1, ast.unparse(node)
        for alias in node.names:
            found[alias.asname or alias.name] = f"cinq.{node.module}"
    return found


def test_submodules_are_reachable_as_attributes() -> None:
    assert cinq.checkerboard.board("CT-37").name == "CT-37"
    assert cinq.hazmat.cipher is cipher


def test_the_hazmat_primitives_are_not_at_the_top_level() -> None:
    primitives = {
        obj
        for module in (cipher, pad)
        for name, obj in vars(module).items()
        if inspect.isfunction(obj) and obj.__module__ == module.__name__
    }
    assert primitives, "cinq.hazmat has no primitives to check"
    exported = [getattr(cinq, name) for name in cinq.__all__]
    assert not [obj for obj in exported if any(obj is p for p in primitives)]
    for name in ("encipher", "decipher", "random_digits", "key_for"):
        assert name not in cinq.__all__


def test_every_error_a_recipe_raises_is_exported() -> None:
    """Every CinqError subclass defined in the modules the recipes load (a fresh
    interpreter, so that nothing else adds its own) is a top-level name."""
    code = (
        "import importlib, json, sys\n"
        f"for m in {RECIPE_MODULES!r}: importlib.import_module(m)\n"
        "from cinq.errors import CinqError\n"
        "def subs(c):\n"
        "    for s in c.__subclasses__():\n"
        "        yield s\n"
        "        yield from subs(s)\n"
        "print(json.dumps(sorted({(c.__module__, c.__qualname__) for c in subs(CinqError)})))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
    ).stdout
    errors = [tuple(pair) for pair in json.loads(out)]
    assert ("cinq.errors", "AuthenticationFailed") in errors  # the probe saw the hierarchy
    for module, name in errors:
        assert name in cinq.__all__, f"{module}.{name} is raised by a recipe but not exported"
        assert getattr(cinq, name) is getattr(importlib.import_module(module), name)


def test_every_type_in_a_public_signature_is_exported() -> None:
    """Each cinq type in the annotations of a public callable is itself a top-level
    name, all the way down: the functions (the recipes, the factories), and for each
    exported class what makes one and what one holds (constructor, fields, class and
    static methods, properties). Other methods (``Board.machine`` for depth recovery)
    are their modules' business."""
    exported = {id(getattr(cinq, name)) for name in cinq.__all__}
    missing: dict[str, set[str]] = {}
    callables = 0
    for where, hints in _public_hints():
        callables += 1
        for annotation in hints.values():
            for t in _cinq_types(annotation):
                if id(t) not in exported:
                    missing.setdefault(f"{t.__module__}.{t.__qualname__}", set()).add(where)
    assert callables > 40  # the walk reached the constructors, not just the names
    assert not missing, f"types used in public signatures but not exported: {missing}"


def _public_hints() -> Iterator[tuple[str, dict[str, object]]]:
    for name in cinq.__all__:
        obj = getattr(cinq, name)
        for label, function in _callables_of(name, obj):
            yield label, typing.get_type_hints(function)


def _callables_of(name: str, obj: object) -> Iterator[tuple[str, Callable[..., object]]]:
    if not inspect.isclass(obj):
        if inspect.isfunction(obj):
            yield name, obj
        return
    if dataclasses.is_dataclass(obj):
        yield name, obj  # its fields
    for attr, member in vars(obj).items():
        if attr.startswith("_") and attr != "__init__":
            continue
        if isinstance(member, classmethod | staticmethod):
            yield f"{name}.{attr}", member.__func__
        elif isinstance(member, property) and member.fget is not None:
            yield f"{name}.{attr}", member.fget
        elif attr == "__init__" and inspect.isfunction(member):
            yield f"{name}.{attr}", member


def _cinq_types(annotation: object) -> Iterator[type]:
    if isinstance(annotation, type) and annotation.__module__.startswith("cinq"):
        yield annotation
    origin = typing.get_origin(annotation)
    if isinstance(origin, type) and origin.__module__.startswith("cinq"):
        yield origin
    for arg in typing.get_args(annotation):
        yield from _cinq_types(arg)


def test_the_recipes_signatures_use_exported_names() -> None:
    """The checks above would pass vacuously if the hints came out empty."""
    hints = typing.get_type_hints(cinq.encrypt)
    assert hints["book"] is cinq.PadBook and hints["return"] is cinq.Document
    assert cinq.Scheme in typing.get_args(hints["check"])
    assert cinq.Codebook in typing.get_args(hints["codebook"])
    assert typing.get_type_hints(cinq.decrypt)["return"] is cinq.Received


# -- one version -----------------------------------------------------------------------


def test_the_version_is_written_once() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert "version" not in project and "version" in project["dynamic"]
    setuptools = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]
    assert setuptools["setuptools"]["dynamic"]["version"] == {"attr": "cinq.__version__"}


def test_the_installed_version_and_cinq_version_agree() -> None:
    assert importlib.metadata.version("cinq") == cinq.__version__
    shown = run_cinq("--version")
    assert shown.returncode == 0 and shown.stdout == f"cinq {cinq.__version__}\n"
    assert app.info.name == "cinq"


def test_the_license_is_the_declared_one() -> None:
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert text.startswith("MIT License")
    assert "the cinq authors" in text
    assert importlib.metadata.metadata("cinq")["License"] == "MIT"


# -- the lock --------------------------------------------------------------------------


def test_the_lock_pins_what_the_project_asks_for() -> None:
    """requirements.lock, which `make` installs, satisfies every dependency and extra of
    pyproject.toml (Typer's upper bound included: Typer 0.29 loads pydantic at every
    start; pydantic is in the lock for the console's FastAPI, and test_startup checks
    that a command does not load it)."""
    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name

    lock = (ROOT / "requirements.lock").read_text(encoding="utf-8")
    pins = {
        canonicalize_name(name): version
        for name, version in re.findall(r"^([A-Za-z0-9][\w.-]*)==(\S+) \\$", lock, re.M)
    }
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = [
        *project["dependencies"],
        *(r for rs in project["optional-dependencies"].values() for r in rs),
    ]
    checked = 0
    for requirement in map(Requirement, wanted):
        if canonicalize_name(requirement.name) == "cinq":
            continue  # `all` names the other extras
        if requirement.marker is not None and not requirement.marker.evaluate():
            continue
        pinned = pins.get(canonicalize_name(requirement.name))
        assert pinned is not None, f"{requirement.name} is not in requirements.lock"
        assert requirement.specifier.contains(pinned), f"{requirement} but the lock has {pinned}"
        checked += 1
    assert checked >= len(project["dependencies"])
    assert "typer" in pins and "fastapi" in pins

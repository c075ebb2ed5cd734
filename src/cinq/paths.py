"""The recipes take a book or a cover text as an object or as a file path.

``cinq.encrypt(text, "station.send.pad")`` opens the book, uses it and closes it, as
``with PadBook.open(...)`` would; ``cover=Path("news.txt")`` reads the cover text from
that file as UTF-8. A ``str`` cover stays the cover *text*: only a path object
(``os.PathLike``) names a file, so a one-line cover is never taken for a file name.
"""

from __future__ import annotations

import functools
import inspect
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, Concatenate, ParamSpec, TypeVar, cast

from .book import PadBook
from .files import read_text_file

P = ParamSpec("P")
R = TypeVar("R")
T = TypeVar("T")

BookLike = PadBook | str | os.PathLike[str]


def read_cover(cover: object) -> object:
    """The text of a cover given as a path object; anything else unchanged."""
    if not isinstance(cover, os.PathLike):
        return cover
    return read_text_file(Path(cover), what="cover text")


def accepts_paths(
    recipe: Callable[Concatenate[T, PadBook, P], R],
) -> Callable[Concatenate[T, BookLike, P], R]:
    """Let ``recipe`` (encrypt, decrypt) take its ``book`` as a path and its ``cover`` as
    a path object; a book it opens is closed when the recipe returns or raises."""
    signature = inspect.signature(recipe)

    @functools.wraps(recipe)
    def wrapper(*args: Any, **kwargs: Any) -> R:
        bound = signature.bind(*args, **kwargs)
        given = bound.arguments
        if "cover" in given:
            given["cover"] = read_cover(given["cover"])
        book = given["book"]
        if isinstance(book, PadBook):
            return recipe(*bound.args, **bound.kwargs)
        if not isinstance(book, str | os.PathLike):
            raise TypeError(f"book must be a PadBook or a path, not {type(book).__name__}")
        with PadBook.open(Path(book)) as opened:
            given["book"] = opened
            return recipe(*bound.args, **bound.kwargs)

    wrapper.__signature__ = signature.replace(  # type: ignore[attr-defined]
        parameters=[_widened(p) for p in signature.parameters.values()]
    )
    return cast(Callable[Concatenate[T, BookLike, P], R], wrapper)


def _widened(param: inspect.Parameter) -> inspect.Parameter:
    """The documented parameter, with the types the wrapper also accepts."""
    extra: dict[str, Any] = {
        "book": "PadBook | str | os.PathLike[str]",
        "cover": "str | os.PathLike[str] | None",
    }
    if param.name in extra:
        return param.replace(annotation=extra[param.name])
    return param

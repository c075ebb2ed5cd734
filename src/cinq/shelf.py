"""A folder of pad books, as a station or an agent keeps them.

The books of a folder are its ``*.pad`` files. :func:`shelf` reads each one's status
(:meth:`cinq.book.PadBook.status`), names the files that are not pad books instead of
failing on them, and says which books run low. :func:`book_in` turns the name of a
book, as a user or a web form gives it, into its path in the folder, refusing any
name that would reach outside it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .book import BookStatus, PadBook
from .errors import BadInput

__all__ = ["LOW_PAGES", "LOW_SHARE", "Shelved", "book_in", "shelf"]

LOW_SHARE = 0.1
"""A book runs low when its unused pages are at most this share of its pages..."""
LOW_PAGES = 3
"""... or at most this many (a long message takes several pages)."""


@dataclass(frozen=True)
class Shelved:
    """One ``*.pad`` file of a folder.

    Attributes
    ----------
    file
        Its name in the folder.
    status
        The book's status, or None when the file is not a pad book it can read.
    problem
        Why it could not be read (the refusal's message), or None.
    """

    file: str
    status: BookStatus | None
    problem: str | None = None

    @property
    def low(self) -> bool:
        """Whether the book runs low on unused pages (:data:`LOW_SHARE`, :data:`LOW_PAGES`)."""
        s = self.status
        return s is not None and s.unused <= max(LOW_PAGES, LOW_SHARE * s.pages)

    def to_json(self) -> dict[str, object]:
        book = self.status.to_json() if self.status else None
        return {"file": self.file, "book": book, "low": self.low, "problem": self.problem}


def shelf(folder: str | Path) -> list[Shelved]:
    """Every ``*.pad`` file of ``folder``, by name, with its status or its problem.

    Raises
    ------
    BadInput
        ``folder`` is not a folder.
    """
    path = Path(folder)
    if not path.is_dir():
        raise BadInput(f"{path} is not a folder of pad books")
    return [_shelved(p) for p in sorted(path.glob("*.pad")) if p.is_file()]


def _shelved(path: Path) -> Shelved:
    try:
        with PadBook.open(path) as book:
            return Shelved(path.name, book.status())
    except BadInput as e:
        return Shelved(path.name, None, e.message)


def book_in(folder: str | Path, name: str) -> Path:
    """The path of the book ``name`` (a file name, as :func:`shelf` lists it) in
    ``folder``.

    Raises
    ------
    BadInput
        ``name`` is not the name of a ``*.pad`` file directly in ``folder`` (a path, a
        name with a separator or ``..``, another suffix, or no such file).
    """
    if not name or Path(name).name != name or name in (".", "..") or not name.endswith(".pad"):
        raise BadInput(f"{name!r} is not the name of a pad book in the folder")
    path = Path(folder) / name
    if not path.is_file():
        raise BadInput(f"there is no pad book {name!r} in {folder}")
    return path

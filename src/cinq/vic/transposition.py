"""The two transpositions: a plain columnar one (key Q) and a disrupted one (key R).

Both write digits in rows under the key and read them off by columns, in the order the
key's ranks give (digits ascending, 0 counting as 10, ties left to right). The disrupted
table is filled in two passes: first every cell outside the triangles, row by row, then
the triangle cells, row by row. The first triangle starts on the first row in the column
ranked 1 and runs to the right edge, one column narrower on each following row; after one
full row the next triangle starts in the column ranked 2, and so on down the table.
"""

from __future__ import annotations

from collections.abc import Sequence

from .keys import rank

Cell = tuple[int, int]


def _cells(n: int, width: int) -> list[Cell]:
    """The cells a message of ``n`` digits occupies, row by row."""
    return [divmod(i, width) for i in range(n)]


def _read_order(n: int, key: Sequence[int]) -> list[Cell]:
    """Cells in the order they are read off: columns by rank, each top to bottom."""
    w = len(key)
    ranks = rank(key)
    rows = -(-n // w)
    return [
        (r, c)
        for c in sorted(range(w), key=lambda c: ranks[c])
        for r in range(rows)
        if r * w + c < n
    ]


def columnar(digits: str, key: Sequence[int]) -> str:
    """The first transposition: write in rows under the key, read the columns in order."""
    grid = dict(zip(_cells(len(digits), len(key)), digits, strict=True))
    return "".join(grid[rc] for rc in _read_order(len(digits), key))


def uncolumnar(digits: str, key: Sequence[int]) -> str:
    """Undo :func:`columnar`."""
    grid = dict(zip(_read_order(len(digits), key), digits, strict=True))
    return "".join(grid[rc] for rc in _cells(len(digits), len(key)))


def triangles(n: int, key: Sequence[int]) -> set[Cell]:
    """The cells of the disrupted table (``n`` digits under ``key``) inside a triangle."""
    w = len(key)
    ranks = rank(key)
    rows = -(-n // w)
    inside: set[Cell] = set()
    row, t = 0, 1
    while row < rows and t <= w:
        start = ranks.index(t)
        for k in range(w - start):
            inside.update((row + k, c) for c in range(start + k, w) if (row + k) * w + c < n)
        row += w - start + 1  # the triangle's rows, then one full row
        t += 1
    return inside


def fill_order(n: int, key: Sequence[int]) -> list[Cell]:
    """Cells of the disrupted table in the order they are filled: outside the
    triangles first, then inside them, each row by row."""
    inside = triangles(n, key)
    cells = _cells(n, len(key))
    return [rc for rc in cells if rc not in inside] + [rc for rc in cells if rc in inside]


def disrupted(digits: str, key: Sequence[int]) -> str:
    """The second transposition: fill around the triangles, then into them; read the
    columns in key order."""
    grid = dict(zip(fill_order(len(digits), key), digits, strict=True))
    return "".join(grid[rc] for rc in _read_order(len(digits), key))


def undisrupted(digits: str, key: Sequence[int]) -> str:
    """Undo :func:`disrupted`."""
    grid = dict(zip(_read_order(len(digits), key), digits, strict=True))
    return "".join(grid[rc] for rc in fill_order(len(digits), key))


def table(digits: str, key: Sequence[int], order: Sequence[Cell] | None = None) -> list[str]:
    """The rows of a table as written on paper (``order``: the fill order, default row
    by row), for :mod:`cinq.vic.notebook`."""
    n, w = len(digits), len(key)
    cells = list(order) if order is not None else _cells(n, w)
    grid = dict(zip(cells, digits, strict=True))
    return ["".join(grid.get((r, c), " ") for c in range(w)) for r in range(-(-n // w))]

"""The triage report as an HTML page with plots (matplotlib, written next to it)."""

from __future__ import annotations

import html
import math
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only: no display on a server

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure
from scipy import stats

from ..errors import CannotWrite
from ..files import atomic_write
from .triage import Triage, known_digits


def write(t: Triage, folder: str | Path) -> Path:
    """Write ``index.html`` and its plots into ``folder`` (made if missing).

    Parameters
    ----------
    t
        What triage found.
    folder
        Where the page and its three PNG plots go.

    Returns
    -------
    Path
        The page, ``folder/index.html``.

    Raises
    ------
    CannotWrite
        The folder or a file in it cannot be written; the error names the folder.
    """
    out = Path(folder)
    try:
        out.mkdir(parents=True, exist_ok=True)
        d = known_digits(t.groups)  # a copy's unreadable digits are left out
        _histogram(d, out / "digits.png")
        _pairs(d, out / "pairs.png")
        _positions(d, out / "positions.png")
    # The plots are written by matplotlib, not atomic_write: their OSError is made the
    # same CannotWrite, naming the folder.
    except OSError as e:
        raise CannotWrite(f"cannot write report folder {folder}: {e.strerror or e}") from None
    page = out / "index.html"
    atomic_write(page, _html(t))
    return page


def _fmt(x: float, missing: str) -> str:
    return f"{x:.3g}" if math.isfinite(x) else missing


def _save(fig: Figure, path: Path) -> None:
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def digit_counts(d: np.ndarray) -> np.ndarray:
    """``(10,)``: how often each digit occurs in the digits ``d``."""
    return np.bincount(d, minlength=10)


def uniform_band(n: int) -> tuple[float, float]:
    """The central 95 % of one digit's count among ``n`` uniform digits."""
    lo, hi = (float(stats.binom.ppf(q, n, 0.1)) for q in (0.025, 0.975))
    return lo, hi


def pair_counts(d: np.ndarray) -> np.ndarray:
    """``(10, 10)``: how often each (first, second) pair occurs, pairs taken two digits
    at a time (not overlapping)."""
    m = np.zeros((10, 10), np.int64)
    np.add.at(m, (d[:-1:2], d[1::2]), 1)
    return m


def position_counts(d: np.ndarray) -> np.ndarray:
    """``(5, 10)``: how often each digit is the i-th figure of a group (whole groups)."""
    g = d[: len(d) // 5 * 5].reshape(-1, 5)
    return np.stack([np.bincount(g[:, i], minlength=10) for i in range(5)])


def _histogram(d: np.ndarray, path: Path) -> None:
    n = len(d)
    counts = digit_counts(d)
    lo, hi = uniform_band(n)
    fig, ax = plt.subplots(figsize=(6, 3.2))
    ax.axhspan(lo, hi, color="#cfe3f5", label="95 % band if uniform")
    ax.axhline(n / 10, color="#4a7ab0", lw=1, label="expected")
    ax.bar(range(10), counts, color="#333333", width=0.6, label="observed")
    ax.set_xticks(range(10))
    ax.set_xlabel("digit")
    ax.set_ylabel("count")
    ax.set_title(f"Digit frequencies ({n} digits)")
    ax.legend(fontsize=7, loc="upper right")
    _save(fig, path)


def _pairs(d: np.ndarray, path: Path) -> None:
    m = pair_counts(d)
    fig, ax = plt.subplots(figsize=(4.2, 3.6))
    im = ax.imshow(m, cmap="viridis")
    ax.set_xticks(range(10))
    ax.set_yticks(range(10))
    ax.set_xlabel("second digit")
    ax.set_ylabel("first digit")
    ax.set_title(f"Digit pairs (expected {m.sum() / 100:.1f} each)")
    fig.colorbar(im, ax=ax, fraction=0.046)
    _save(fig, path)


def _positions(d: np.ndarray, path: Path) -> None:
    g = d[: len(d) // 5 * 5].reshape(-1, 5)
    m = position_counts(d)
    fig, ax = plt.subplots(figsize=(5.2, 2.6))
    im = ax.imshow(m, cmap="magma", aspect="auto")
    ax.set_yticks(range(5), [f"figure {i + 1}" for i in range(5)])
    ax.set_xticks(range(10))
    ax.set_xlabel("digit")
    ax.set_title(f"Digits by position in the group (expected {len(g) / 10:.1f})")
    fig.colorbar(im, ax=ax, fraction=0.046)
    _save(fig, path)


_STYLE = """
body { font-family: sans-serif; max-width: 60em; margin: 2em auto; color: #222; }
h1 { font-size: 1.5em; }
.verdict { background: #f3f3ea; padding: 1em; border-left: 4px solid #888; }
table { border-collapse: collapse; margin: 1em 0; } td, th { border: 1px solid #ccc;
padding: .3em .6em; text-align: left; vertical-align: top; } .groups { font-family: monospace;
font-size: 1.1em; } img { max-width: 100%; margin: .5em 0; } .bad { color: #a00; }
"""


def _html(t: Triage) -> str:
    e = html.escape
    rows = "".join(f"<tr><th>{e(a)}</th><td>{e(b)}</td></tr>" for a, b in t.evidence)
    tests = "".join(
        f"<tr><td>{e(x.name)}</td><td>{_fmt(x.statistic, '')}</td>"
        f"<td class='{'bad' if math.isfinite(x.p_value) and x.p_value < 0.01 else ''}'>"
        f"{_fmt(x.p_value, 'n/a')}</td><td>{e(x.detail)}</td></tr>"
        for x in t.tests
    )
    boards = "".join(
        f"<tr><td>{e(h.board)}</td><td>{e(h.lang)}</td><td>{h.score:.2f}</td>"
        f"<td>{'yes' if h.found else 'no'}</td></tr>"
        for h in t.boards
    )
    groups = " ".join(t.groups)
    cover = f"<h2>Cover text</h2><pre>{e(t.cover)}</pre>" if t.cover else ""
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>cinq triage</title>
<style>{_STYLE}</style></head><body>
<h1>cinq triage: {e(t.kind)}</h1>
<p class="verdict">{e(t.verdict)}</p>
<h2>Evidence</h2><table>{rows}</table>
<h2>The groups</h2><p class="groups">{e(groups)}</p>
<p>Signature: {e(t.signature or "none")}</p>
{cover}
<h2>Randomness</h2>
<table><tr><th>test</th><th>statistic</th><th>p</th><th>detail</th></tr>{tests}</table>
<p>{e(t.random.summary)}</p>
<img src="digits.png" alt="digit histogram"><img src="pairs.png" alt="pair frequencies">
<img src="positions.png" alt="per-position frequencies">
<h2>Checkerboards</h2>
<table><tr><th>board</th><th>language</th><th>score per char</th><th>language?</th></tr>
{boards}</table>
</body></html>
"""

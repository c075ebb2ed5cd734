"""Copying a Morse recording: the keyed tone found wherever it is, the speed measured,
marks and spaces read into characters, and the words laid on the station's script.

The tone: a receiver tuned off the station's frequency hears the tone shifted (by up to
+-500 Hz here), and a tape played fast raises it. Every peak of the recording's
spectrum near the profile's tone is a candidate; the keyed one is the peak whose
envelope swings most between on and off (a steady carrier on the band has a peak too,
but a flat envelope). A narrow band-pass there, an envelope, and a threshold that
follows the signal give the marks and spaces.

A recording can be read block by block (:func:`receive_morse_blocks`, as ``cinq
receive`` reads a file): the spectrum and the keying of its peaks are summed block
by block, and the band-pass carries its state across, so that what is held is a
block and the envelope (float32, one value a millisecond), never the recording.

The speed: the onset of every element follows the last one's by an even number of dots
(a dot or dash and the gap after it: 2 or 4 dots inside a character, 4 or 6 between
characters, 8 or 10 between words), whatever the threshold does to the marks' own
lengths. The dot is the length that lays the onsets best on that grid, within
:data:`SPEED_RANGE` of the profile's.

The script: the station keys a separator (``= =``) between the parts of its
transmission (call-up, message, call-up again, ...). The recording is cut there and
its parts laid on the script's, the last ones first when fewer were heard (a late
start); a part of the message is pinned to its places from a separator heard at
either end, and groups the recording does not hold are left out of the vote.

Honesty: a character is written ``?`` whenever one of its marks or spaces sits near a
decision boundary (a dot or a dash? inside the character or after it?), or its level
near the threshold. A group is voted over its readings; a figure no reading is sure
of, or that the readings dispute, stays ``?``; where a reading may sit on its
neighbour's place (a garbled group, no count read), a figure needs more than half of
the readings. A group that cannot be placed is ``?????``, never guessed.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy.ndimage import maximum_filter1d, minimum_filter1d, uniform_filter1d
from scipy.signal import butter, find_peaks, sosfilt, welch

from ..document import UNKNOWN
from . import RATE, morse
from .profiles import Profile, Step
from .reception import Reception, reception
from .speech import Audio

SEARCH_HZ = 500.0
"""How far from the profile's tone the keyed tone is looked for (Hz, either side)."""
SPEED_RANGE = (0.7, 1.4)
"""The speeds looked for, as factors of the profile's words per minute."""
HALF_BAND = 60.0  # Hz either side of the tone: the keying's sidebands pass, little else
STEP = 8  # envelope samples: 1 ms
_CANDIDATES = 6  # spectral peaks whose keying is compared
_STRETCH = 1 << 16  # envelope samples worked at a time: about a minute

# Decision boundaries, in dots, and how near one a length may lie and still be sure.
_DASH = 2.0  # marks: a dot below, a dash above
_CHAR_GAP = 2.0  # spaces: inside a character below, between characters above
_WORD_GAP = 5.0  # spaces: between characters below, between words above
_MARGIN = 0.45  # dots, either side of the dot/dash and the character boundaries
_WORD_MARGIN = 0.8  # dots, either side of the word boundary
_CLICK = 0.35  # dots: a shorter mark or space is a click of noise, not keying
_ABSENT = "....."  # a reading the recording does not hold (started late, ended early)
_REPEAT_PAUSE = 10.0  # dots: a longer pause parts two repeats of a call-up
_SPACE_LEVEL = 0.1  # a space whose highest level comes nearer the threshold is not sure
_LEVEL = 0.0  # a run on the wrong side of the threshold a fifth of its time is not sure


@dataclass(frozen=True)
class Keying:
    """What the receiver measured of the keying: the tone, the dot and whether a
    keyed tone was found at all (else the profile's tone was used)."""

    tone_hz: float
    dot: float  # seconds
    found: bool

    @property
    def wpm(self) -> float:
        """The speed in words per minute (PARIS)."""
        return 1.2 / self.dot

    def notes(self, p: Profile) -> list[str]:
        """The tone and speed as the receiver's notes say them."""
        tone = (
            f"tone {self.tone_hz:.0f} Hz (profile {p.morse.tone_hz:g})"
            if self.found
            else f"no keyed tone found within {SEARCH_HZ:g} Hz: listened at {p.morse.tone_hz:g}"
        )
        return [tone, f"about {self.wpm:.0f} WPM (profile {p.morse.wpm:g})"]


@dataclass(frozen=True)
class Run:
    """A stretch of the envelope on one side of the threshold: its start and length in
    seconds, and its level's distance from the threshold as a share of the local peak
    over the local floor (the side's own sign: positive is clear, 0.5 the most): a
    mark's fifth lowest, a space's highest."""

    on: bool
    start: float
    length: float
    margin: float


@dataclass(frozen=True)
class Char:
    """A character read, and whether every mark and space of it was sure."""

    text: str
    sure: bool


@dataclass(frozen=True)
class Keyed:
    """A word keyed: its characters, and the silence before it in dots (infinite for
    the first word)."""

    chars: tuple[Char, ...]
    pause: float

    @property
    def text(self) -> str:
        """The word, ``?`` for every character not sure."""
        return "".join(c.text if c.sure else UNKNOWN for c in self.chars)


# -- the tone -----------------------------------------------------------------------------

Blocks = Callable[[], Iterable[Audio]]
"""A recording as blocks of audio, opened afresh at every call: the tone search and
the envelope each read it once, so that only a block is held at a time."""
_SEGMENT = 1024  # samples in each of Welch's segments, half of them overlapping
_DB_BINS = np.linspace(-200.0, 100.0, 30_001)  # 0.01 dB: the envelope's levels counted


def find_tone(audio: Audio, p: Profile) -> float | None:
    """The keyed tone's frequency near the profile's (Hz), or None if no peak of the
    spectrum there is keyed."""
    return find_tone_blocks(lambda: (audio,), p)


def find_tone_blocks(open_blocks: Blocks, p: Profile) -> float | None:
    """:func:`find_tone` of a recording read block by block (twice: the spectrum, then
    the keying of its peaks)."""
    spectrum = _spectrum(open_blocks())
    if spectrum is None:
        return None
    freqs, db = spectrum
    lo, hi = p.morse.tone_hz - SEARCH_HZ - HALF_BAND, p.morse.tone_hz + SEARCH_HZ + HALF_BAND
    band = np.flatnonzero((freqs >= max(lo, 100.0)) & (freqs <= min(hi, RATE / 2 - 200)))
    if len(band) < 3:
        return None
    peaks, _ = find_peaks(db[band], prominence=6.0)
    best = [int(band[i]) for i in sorted(peaks, key=lambda i: -db[band][i])[:_CANDIDATES]]
    dot = morse.dot_seconds(p.morse.wpm)
    swings = _swings(open_blocks(), [_refine(freqs, db, i) for i in best], dot)
    scored = [(s, i) for s, i in zip(swings, best, strict=True) if s >= 10.0]  # 10 dB on/off
    if not scored:
        return None
    return _refine(freqs, db, max(scored)[1])


def _spectrum(blocks: Iterable[Audio]) -> tuple[NDArray[np.float64], NDArray[np.float64]] | None:
    """The recording's Welch spectrum (frequencies, dB), the segments laid as on the
    whole recording whatever the blocks; None if shorter than a segment."""
    half = _SEGMENT // 2
    rest = np.zeros(0, np.float32)
    total: NDArray[np.float64] | None = None
    freqs = np.zeros(0)
    count = 0
    for block in blocks:
        buf = np.concatenate([rest, block])
        k = (len(buf) - half) // half  # whole segments in the buffer
        if k >= 1:
            freqs, psd = welch(buf[: half * (k + 1)], fs=RATE, nperseg=_SEGMENT)
            total = psd * k if total is None else total + psd * k
            count += k
            buf = buf[half * k :]
        rest = buf
    if total is None:
        return None
    return freqs, 10 * np.log10(total / count + 1e-20)


def _refine(freqs: NDArray[np.float64], db: NDArray[np.float64], i: int) -> float:
    """The peak's frequency between bins (a parabola through the top three)."""
    if not 0 < i < len(db) - 1:
        return float(freqs[i])
    a, b, c = db[i - 1], db[i], db[i + 1]
    shift = 0.5 * (a - c) / (a - 2 * b + c) if a - 2 * b + c < 0 else 0.0
    return float(freqs[i] + shift * (freqs[1] - freqs[0]))


def _swings(blocks: Iterable[Audio], tones: list[float], dot: float) -> list[float]:
    """How far (dB) the envelope at each tone swings between its on and off levels
    (its 90th and 10th percentiles, to 0.01 dB): the levels are counted block by
    block, not held."""
    counts = np.zeros((len(tones), len(_DB_BINS) - 1), np.int64)
    for pieces in _envelope_pieces(blocks, tones, dot):
        for row, env in zip(counts, pieces, strict=True):
            row += np.histogram(20 * np.log10(env + 1e-10), _DB_BINS)[0]
    return [_percentile(row, 90) - _percentile(row, 10) for row in counts]


def _percentile(counts: NDArray[np.int64], q: float) -> float:
    """The level below which ``q`` % of the counted levels lie (a bin's centre)."""
    if counts.sum() == 0:
        return 0.0
    i = int(np.searchsorted(np.cumsum(counts), q / 100 * counts.sum()))
    return float(_DB_BINS[i] + _DB_BINS[i + 1]) / 2


def envelope(audio: Audio, hz: float, dot: float) -> NDArray[np.float32]:
    """The amplitude at ``hz`` (a band-pass of +-:data:`HALF_BAND`), one value every
    :data:`STEP` samples, the power averaged over the quarter of a dot before it."""
    return envelope_blocks((audio,), hz, dot)


def envelope_blocks(blocks: Iterable[Audio], hz: float, dot: float) -> NDArray[np.float32]:
    """:func:`envelope` of a recording read block by block: the same values whatever
    the blocks (the filter's state carried across), a 32nd of the recording's size."""
    pieces = [piece for (piece,) in _envelope_pieces(blocks, [hz], dot)]
    return np.concatenate(pieces) if pieces else np.zeros(0, np.float32)


def _envelope_pieces(
    blocks: Iterable[Audio], tones: list[float], dot: float
) -> Iterator[list[NDArray[np.float32]]]:
    """The envelope at each tone, block by block. Each band-pass runs forward only,
    its state carried from block to block; each value averages the power over the
    ``win`` samples up to a sample of the grid (every :data:`STEP` from the
    recording's start), the samples before the start silent, so that no value depends
    on where a block ends."""
    bands = [(max(hz - HALF_BAND, 20.0), min(hz + HALF_BAND, RATE / 2 - 20)) for hz in tones]
    filters = [butter(4, band, btype="bandpass", fs=RATE, output="sos") for band in bands]
    states = [np.zeros((sos.shape[0], 2)) for sos in filters]
    win = max(int(dot * RATE / 4), 1)
    tails = [np.zeros(win - 1) for _ in tones]  # the power of the samples before a block
    start = 0  # the block's first sample in the recording
    for block in blocks:
        if not len(block):
            continue
        x = block.astype(np.float64)
        first = -start % STEP
        n = len(range(first, len(block), STEP))
        out = []
        for i, sos in enumerate(filters):
            y, states[i] = sosfilt(sos, x, zi=states[i])
            power = np.concatenate([tails[i], y * y])  # power[s + win - 1]: sample start + s
            total = np.zeros(n)
            for k in range(win):  # added in the same order whatever the blocks
                total += power[first + k :: STEP][:n]
            out.append(np.sqrt(np.maximum(total / win, 0.0)).astype(np.float32))
            tails[i] = power[len(power) - (win - 1) :]
        yield out
        start += len(block)


# -- marks and spaces ---------------------------------------------------------------------


def runs(env: NDArray[np.floating[Any]], dot: float) -> list[Run]:
    """The marks and spaces of an envelope (``dot`` in seconds sets how far the
    threshold looks around), clicks shorter than :data:`_CLICK` dots merged away."""
    if not len(env):  # an empty recording
        return []
    per = dot * RATE / STEP  # envelope samples per dot
    # The threshold follows the signal: halfway between the local floor and the local
    # peak (over ~20 dots), so that a fade does not erase the marks; never below a
    # quarter of the loudest, so that noise in a long pause stays a space.
    level = _level(env, max(int(20 * per), 3))
    on = _declick(level > 0, max(int(_CLICK * per), 1))
    edges = np.flatnonzero(np.diff(on.astype(np.int8))) + 1
    bounds = np.r_[0, edges, len(on)]
    edge = int(0.3 * per)  # the envelope's own rise and fall at either end of a space
    # A dot faded under the threshold shows in a space as a bump a dot long; noise
    # makes shorter ones. Spaces are judged on the level averaged over most of a dot.
    bumps = uniform_filter1d(level, max(int(0.7 * per), 1))
    out = []
    for a, b in itertools.pairwise(bounds):
        if on[a]:
            margin = np.percentile(level[a:b], 20)
        else:
            margin = -np.max(bumps[a + edge : b - edge] if b - a > 2 * edge else bumps[a:b])
        out.append(Run(bool(on[a]), a * STEP / RATE, (b - a) * STEP / RATE, float(margin)))
    return out


def _level(env: NDArray[np.floating[Any]], span: int) -> NDArray[np.floating[Any]]:
    """The envelope between its floor and peak over ``span`` samples (the peak over the
    floor at least half the loudest), the threshold at 0. Worked a stretch at a time
    (the same values: each stretch sees ``span`` samples either side), so that an
    hour's envelope needs one more copy of itself, not four."""
    loudest = float(0.5 * np.percentile(env, 99))
    level = np.empty_like(env)
    for a in range(0, len(env), _STRETCH):
        lo, b = max(a - span, 0), min(a + _STRETCH, len(env))
        part = env[lo : min(b + span, len(env))]
        high, low = maximum_filter1d(part, span), minimum_filter1d(part, span)
        high = np.maximum(high, loudest - low)
        level[a:b] = ((part - low) / (high - low + 1e-12) - 0.5)[a - lo : b - lo]
    return level


def _declick(on: NDArray[np.bool_], width: int) -> NDArray[np.bool_]:
    """``on`` with marks and then spaces shorter than ``width`` samples removed."""
    for value in (True, False):
        edges = np.flatnonzero(np.diff(np.r_[False, on == value, False].astype(np.int8)))
        for a, b in zip(edges[::2], edges[1::2], strict=True):
            if b - a < width and a > 0 and b < len(on):
                on[a:b] = not value
    return on


def estimate_dot(found: Sequence[Run], nominal: float) -> float:
    """The dot (seconds) that lays the marks' onsets best on a grid of even numbers of
    dots, within :data:`SPEED_RANGE` of ``nominal``; ``nominal`` if too few marks."""
    onsets = np.array([r.start for r in found if r.on])
    gaps = np.diff(onsets)
    gaps = gaps[gaps <= 11 * nominal / SPEED_RANGE[0]]
    if len(gaps) < 8:
        return nominal
    grid = nominal / np.linspace(SPEED_RANGE[1], SPEED_RANGE[0], 241)  # shortest dot first
    units = gaps[None, :] / (2 * grid[:, None])
    residual = np.minimum((units - np.round(units)) ** 2, 0.04).mean(axis=1)
    # Half the true dot fits every gap too (all are even numbers of it): of the dots
    # that fit about as well as the best, the longest.
    good = np.flatnonzero(residual <= residual.min() * 1.25 + 1e-4)
    dot = float(grid[good[-1]])
    steps = 2 * np.maximum(np.round(gaps / (2 * dot)), 1)
    near = np.abs(gaps / dot - steps) < 0.5
    if near.sum() >= 4:  # least squares on the gaps that fit
        dot = float(np.sum(gaps[near] * steps[near]) / np.sum(steps[near] ** 2))
    return dot


def read_words(found: Sequence[Run], dot: float) -> list[Keyed]:
    """The words keyed (a character ``?`` for a code not in the table)."""
    marks = [r for r in found if r.on]
    if not marks:
        return []
    # Thresholding lengthens every mark and shortens every space by about the same:
    # measured on the marks (each a dot or a dash), and given back to the spaces.
    units = np.array([m.length / dot for m in marks])
    bias = float(np.clip(np.median(units - np.where(units < _DASH, 1.0, 3.0)), -0.5, 0.5)) * dot
    words: list[Keyed] = []
    word: list[Char] = []
    code, sure, pause = "", True, math.inf
    for r in _trimmed(found):
        u = (r.length - bias if r.on else r.length + bias) / dot
        if r.on:
            code += "." if u < _DASH else "-"
            sure &= _sure_mark(u, r.margin)
            continue
        gap_sure = r.margin >= _SPACE_LEVEL and abs(u - _CHAR_GAP) > _MARGIN
        if u < _CHAR_GAP:
            sure &= gap_sure
            continue
        near_word = abs(u - _WORD_GAP) <= _WORD_MARGIN
        word.append(Char(morse.LETTER.get(code, "?"), sure and gap_sure and not near_word))
        code, sure = "", gap_sure and not near_word
        if u >= _WORD_GAP:
            words.append(Keyed(tuple(word), pause))
            word, pause = [], u
    return words


def _trimmed(found: Sequence[Run]) -> list[Run]:
    """The runs from the first mark to the last, and a closing word gap."""
    first = next(i for i, r in enumerate(found) if r.on)
    last = max(i for i, r in enumerate(found) if r.on)
    return [*found[first : last + 1], Run(False, found[last].start, math.inf, math.inf)]


def _sure_mark(units: float, margin: float) -> bool:
    """A mark clearly a dot or a dash, clearly above the threshold, and no longer than
    a dash can be (two marks run together)."""
    return abs(units - _DASH) > _MARGIN and margin >= _LEVEL and 0.6 <= units <= 4.5


def listen(audio: Audio, p: Profile) -> tuple[Keying, list[Keyed]]:
    """The keying measured and the words read from a Morse recording."""
    return listen_blocks(lambda: (audio,), p)


def listen_blocks(open_blocks: Blocks, p: Profile) -> tuple[Keying, list[Keyed]]:
    """:func:`listen` to a recording read block by block: what is held is a block, the
    envelope (one value a millisecond, float32) and the marks and spaces read from it.
    The blocks are read three or four times: the spectrum, the keying of its peaks,
    the envelope (again if the speed found is not the profile's)."""
    nominal = morse.dot_seconds(p.morse.wpm)
    tone = find_tone_blocks(open_blocks, p)
    hz = p.morse.tone_hz if tone is None else tone
    first = runs(envelope_blocks(open_blocks(), hz, nominal), nominal)
    dot = estimate_dot(first, nominal)
    if abs(dot / nominal - 1) > 0.1:  # smoothing and threshold follow the speed found
        first = runs(envelope_blocks(open_blocks(), hz, dot), dot)
        dot = estimate_dot(first, dot)
    return Keying(hz, dot, tone is not None), read_words(first, dot)


def morse_words(audio: Audio, p: Profile) -> list[str]:
    """The words keyed in a recording, cut numbers as sent, ``?`` for every character
    not sure."""
    _, words = listen(audio, p)
    return [w.text for w in words]


# -- the script ---------------------------------------------------------------------------


def receive_morse(audio: Audio, p: Profile, *, vote: bool = True) -> Reception:
    """Copy a Morse recording: the tone found and the speed measured, marks and spaces,
    characters; then the words are laid on the profile's script and each group voted
    over its readings. ``vote=False`` reads only the first pass. The notes give the
    tone and speed found."""
    return receive_morse_blocks(lambda: (audio,), p, vote=vote)


def receive_morse_blocks(open_blocks: Blocks, p: Profile, *, vote: bool = True) -> Reception:
    """:func:`receive_morse` of a recording read block by block (``open_blocks()`` gives
    the blocks afresh each time it is called, e.g. ``lambda: audio.blocks(path)``): the
    memory held is a block and the envelope, a 32nd of the recording, not the
    recording; the copy is the one :func:`receive_morse` makes of the whole."""
    keying, read = listen_blocks(open_blocks, p)
    words = [_uncut(w.text, p) for w in read]
    heard = _follow_script(words, p, [w.pause for w in read])
    notes = keying.notes(p)
    station_id = _vote_text(heard.votes["id"])
    if all(r == _ABSENT for c in heard.passes for r in c):  # no group that has its place
        return Reception(p.name, (), station_id, None, notes=("no message groups found",))
    passes = heard.passes if vote else heard.passes[:1]
    length = min(len(c) for c in passes)
    groups = tuple(_group([c[g] for c in passes], heard.regular) for g in range(length))
    count = _vote_text(heard.votes["count"])
    return reception(p.name, groups, station_id, int(count) if count else None, notes)


def _group(readings: list[str], regular: bool) -> str:
    """A group voted figure by figure over the readings the recording holds. Where the
    passes were laid on the call-up's count and no reading of this group is garbled,
    each figure is the one most often read sure; else a reading may sit on its
    neighbour's place, and a figure needs more than half of the readings."""
    # A sure letter where a figure belongs (cut numbers undone) is no figure read.
    heard = ["".join(c if c.isdigit() else UNKNOWN for c in r) for r in readings if r != _ABSENT]
    if not heard:
        return UNKNOWN * 5
    strict = not regular or UNKNOWN * 5 in heard
    return "".join(_figure([r[i] for r in heard], strict=strict) for i in range(5))


def _figure(readings: list[str], *, strict: bool) -> str:
    """The vote of a figure's readings (``?`` for those not sure): the figure most
    often read sure (``strict``: read by more than half of them), else ``?``."""
    if strict:
        return _majority(readings) or UNKNOWN
    return _majority([r for r in readings if r != UNKNOWN]) or UNKNOWN


@dataclass(frozen=True)
class _Heard:
    """The words of a Morse recording laid on the script: every pass of the groups, and
    every reading of the call-up's ``{id}`` and ``{count}``; ``regular`` when the count
    was read and every pass was laid on it (from a separator heard at one end at
    least)."""

    passes: list[list[str]]
    votes: Mapping[str, list[str]]
    regular: bool


def _follow_script(words: list[str], p: Profile, pauses: Sequence[float] = ()) -> _Heard:
    """The words laid on the script: by the separators the station keys between its
    parts, so that a recording that starts late or ends early still finds each pass;
    step by step from the start where the separators do not fit the script."""
    votes: dict[str, list[str]] = {"id": [], "count": []}
    blocks = _by_separators(words, p, votes, pauses)
    if blocks is None:
        votes = {"id": [], "count": []}
        blocks = _in_order(words, p, votes)
    count = _vote_text(votes["count"])
    n = int(count) if count else None
    passes: list[list[str]] = []
    regular = True
    for block in blocks:
        readings = _readings(block.groups, block.times)
        regular &= n is not None and (len(readings) != n or block.opened or block.closed)
        readings = _anchored(readings, n, block) if readings else readings
        passes.extend([g[r] for g in readings] for r in range(block.times))
    return _Heard(passes, votes, regular)


def _in_order(words: list[str], p: Profile, votes: dict[str, list[str]]) -> list[_Block]:
    """The groups steps' words, following the script step by step from the start."""
    blocks: list[_Block] = []
    pos = 0
    for step in p.script:
        for _ in range(step.repeat):
            if step.kind == "say":
                pos = _match_say(step.text, words, pos, votes)
            elif step.kind == "groups":
                block, pos = _take_groups(words, pos)
                blocks.append(replace(block, times=step.times))
        pos = _more_callups(step, words, pos, votes)
    return blocks


def _more_callups(step: Step, words: list[str], pos: int, votes: dict[str, list[str]]) -> int:
    """A call-up sent for minutes is repeated more often than the profile's short form
    says: every further repeat is read too."""
    while step.kind == "say" and "{id}" in step.text and _repeats(step.text, words, pos):
        pos = _match_say(step.text, words, pos, votes)
    return pos


def _parts(p: Profile) -> list[list[Step]]:
    """The script's say and groups steps, cut into parts where it keys a separator."""
    sep = p.morse.separator
    parts: list[list[Step]] = [[]]
    for step in p.script:
        tokens = step.text.split()
        if step.kind == "groups" or (step.kind == "say" and sep not in tokens):
            parts[-1].append(step)
            continue
        for _ in range(step.repeat if step.kind == "say" else 0):
            for sep_here, chunk in itertools.groupby(tokens, key=lambda t: t == sep):
                if sep_here:
                    parts.append([])
                else:
                    parts[-1].append(Step("say", text=" ".join(chunk)))
    return [part for part in parts if part]


@dataclass(frozen=True)
class _Segment:
    """The words between two separators, and whether a separator was heard before
    them and after them (not so at the recording's ends)."""

    words: list[str]
    opened: bool
    closed: bool
    pauses: list[float] = field(default_factory=list)  # before each word, in dots


def _segments(words: list[str], sep: str, pauses: Sequence[float] = ()) -> list[_Segment]:
    """The words cut where a separator was keyed: a run of separator-like words that
    holds ``=``, or two or three one-character words not sure (``= =`` heard as
    ``? ?``, perhaps with a click; more of them, or longer, are a garble)."""
    cuts: list[range] = []
    i = 0
    while i < len(words):
        j = i
        while j < len(words) and _sepish(words[j], sep):
            j += 1
        run = words[i:j]
        if any(sep in w for w in run) or (2 <= len(run) <= 3 and set(run) == {UNKNOWN}):
            cuts.append(range(i, j))
        i = max(j, i + 1)
    segments: list[_Segment] = []
    start = 0
    for cut in [*cuts, range(len(words), len(words))]:
        if cut.start > start:
            segment = _Segment(words[start : cut.start], start > 0, cut.start < len(words))
            segments.append(replace(segment, pauses=list(pauses[start : cut.start])))
        start = cut.stop
    return segments


def _sepish(word: str, sep: str) -> bool:
    """Whether a word may be the separator: one or two characters, nothing but
    separators and signs not sure."""
    return 0 < len(word) <= 2 and not word.replace(sep, "").replace(UNKNOWN, "")


def _by_separators(
    words: list[str], p: Profile, votes: dict[str, list[str]], pauses: Sequence[float]
) -> list[_Block] | None:
    """The groups steps' words, each part of the script laid on the part of the
    recording between two separators; the recording's parts are matched to the last
    of the script's that fit (a late start), else to those that fit best. None if the
    recording has more parts than the script, or a part of the script mixes words and
    groups."""
    parts = _parts(p)
    segments = _segments(words, p.morse.separator, pauses)
    if not segments or len(segments) > len(parts) or any(_mixed(part) for part in parts):
        return None
    offsets = range(len(parts) - len(segments) + 1)
    fits = {k: list(map(_fit, parts[k:], segments)) for k in offsets}
    k = max(offsets, key=lambda k: (sum(fits[k]), k))
    # Where a part of the recording fits no part of the script there, or another
    # placing fits as well, no group is pinned to its place.
    sure = min(fits[k]) > 0 and all(sum(fits[j]) < sum(fits[k]) for j in offsets if j != k)
    blocks: list[_Block] = []
    for part, seg in zip(parts[k:], segments, strict=False):
        groups = [s for s in part if s.kind == "groups"]
        if groups:
            pins = (seg.opened and sure, seg.closed and sure)
            blocks.append(_Block(_as_groups(seg.words), *pins, groups[0].times))
        else:
            _say_part(part, seg, votes)
    return blocks


def _mixed(part: list[Step]) -> bool:
    kinds = [s.kind for s in part]
    return "groups" in kinds and (len(kinds) > 1)


def _fit(part: list[Step], seg: _Segment) -> float:
    """How well a part of the recording fits a part of the script (0: not at all). For
    the groups, the share of its words that look like groups (five figures); for
    words, the share of its words that the script's words match and that look like
    no group, and half the share of the rest."""
    group_like = [_group_like(w) for w in seg.words]
    groups = sum(group_like) / len(seg.words)
    times = max((s.times for s in part if s.kind == "groups"), default=0)
    if times:
        # Groups sent twice in a row show as neighbours that agree; once, they do not.
        doubled = _doubled([w for w, g in zip(seg.words, group_like, strict=True) if g])
        if doubled is not None and (doubled >= 0.2) != (times > 1):
            return 0.0
        return groups if groups >= 0.3 else 0.0
    patterns = [_pattern(t) for s in part for t in s.text.split()]
    said = sum(
        not g and any(re.fullmatch(x, w) for x in patterns)
        for w, g in zip(seg.words, group_like, strict=True)
    ) / len(seg.words)
    return 0.0 if groups >= 0.7 and not said else said + (1 - groups) / 2


def _group_like(word: str) -> bool:
    """Five characters, each a figure or not sure (a call-up's ``472/5`` is not)."""
    return len(word) == 5 and all(c.isdigit() or c == UNKNOWN for c in word)


def _doubled(words: list[str]) -> float | None:
    """The share of neighbouring words that hold the same figure, sure in both, at three
    places or more (None for fewer than four words: too few to tell)."""
    if len(words) < 4:
        return None
    same = [
        sum(x == y != UNKNOWN for x, y in zip(a, b, strict=True)) >= 3
        for a, b in itertools.pairwise(words)
    ]
    return sum(same) / len(same)


def _pattern(token: str) -> str:
    """A script word as a pattern: its placeholders any figures, sure or not."""
    return re.escape(token).replace(r"\{id\}", "[0-9?]+").replace(r"\{count\}", "[0-9?]+")


def _say_part(part: list[Step], seg: _Segment, votes: dict[str, list[str]]) -> None:
    """Read a part of the script that is words into ``votes``. A call-up (one phrase,
    repeated) is read over every word of the part, each word against its place in
    the phrase, so that a stray word costs one reading, not the rest; a call-up the
    recording starts in is laid on its end (its last repeat ends at the separator)."""
    if len(part) > 1:
        pos = 0
        for step in part:
            for _ in range(step.repeat):
                pos = _match_say(step.text, seg.words, pos, votes)
            pos = _more_callups(step, seg.words, pos, votes)
        return
    tokens = part[0].text.split()
    repeats = _by_pauses(seg)
    if len(repeats) > 1:  # each repeat read on its own; one a word short or long, not at all
        for words in repeats:
            for token, word in zip(
                tokens, words if len(words) == len(tokens) else [], strict=False
            ):
                _match_word(token, word, votes)
        return
    phase = 0 if seg.opened else len(seg.words) % len(tokens)
    for i, word in enumerate(seg.words):
        _match_word(tokens[(i - phase) % len(tokens)], word, votes)


def _by_pauses(seg: _Segment) -> list[list[str]]:
    """The words of a segment cut where the pause before a word is longer than a word
    gap can be (:data:`_REPEAT_PAUSE`): the repeats of a call-up."""
    out: list[list[str]] = [[]]
    for i, word in enumerate(seg.words):
        if out[-1] and i < len(seg.pauses) and seg.pauses[i] > _REPEAT_PAUSE:
            out.append([])
        out[-1].append(word)
    return out


def _as_groups(words: list[str]) -> list[str]:
    """The words of a part that holds the groups, as groups (see :func:`_take_groups`)."""
    sent: list[str] = []
    pending = ""
    for word in words:
        if _group_like(word) and not pending:
            sent.append(word)
        else:
            pending = _garbled(sent, pending, word)
    if len(pending) >= 3:
        sent.append(UNKNOWN * 5)
    return sent


def _readings(sent: list[str], times: int) -> list[list[str]]:
    """The words of a ``groups`` step laid out as each group's ``times`` readings. A
    word lost or one too many would shift every later group onto its neighbour's
    reading: where the readings of a group disagree and those one word on agree, the
    word is taken as a group whose other readings were lost."""
    out: list[list[str]] = []
    i = 0
    while i < len(sent):
        window = sent[i : i + times]
        if times > 1 and not _agree(window) and _agree(sent[i + 1 : i + 1 + times]):
            window = sent[i : i + 1]
        out.append(window + [UNKNOWN * 5] * (times - len(window)))
        i += len(window)
    return out


def _agree(readings: list[str]) -> bool:
    """Whether no two readings hold different figures, both sure, at one place."""
    return not any(
        x != y and UNKNOWN not in (x, y)
        for a, b in itertools.combinations(readings, 2)
        for x, y in zip(a, b, strict=False)
    )


def _repeats(text: str, words: list[str], pos: int) -> bool:
    """Whether the words from ``pos`` on are ``text`` once more (digits not sure
    allowed in its placeholders)."""
    expected = text.split()
    if pos + len(expected) > len(words):
        return False
    for want, word in zip(expected, words[pos:], strict=False):
        if re.fullmatch(_pattern(want), word) is None:
            return False
    return True


def _match_say(text: str, words: list[str], pos: int, votes: dict[str, list[str]]) -> int:
    """Match a ``say`` step's words from ``pos`` on, adding what its placeholders read
    to ``votes``; where the next step starts."""
    for expected in text.split():
        if pos >= len(words):
            break
        if "{" not in expected and len(words[pos]) > len(expected) + 1:
            break  # a group, not this word: the rest of the step was not heard
        _match_word(expected, words[pos], votes)
        pos += 1
    return pos


def _match_word(expected: str, word: str, votes: dict[str, list[str]]) -> None:
    """Add what ``word`` reads for the placeholders of ``expected`` to ``votes``, if it
    fits."""
    pattern = re.escape(expected).replace(r"\{id\}", r"(?P<id>[0-9?]+)")
    pattern = pattern.replace(r"\{count\}", r"(?P<count>[0-9?]+)")
    if m := re.fullmatch(pattern, word):
        for label, value in m.groupdict().items():
            votes[label].append(value)


@dataclass(frozen=True)
class _Block:
    """The words of a ``groups`` step as groups (``?????`` where garbled), and whether
    a separator was heard just before them and just after."""

    groups: list[str]
    opened: bool
    closed: bool
    times: int = 1  # the readings of each group in a row


def _take_groups(words: list[str], pos: int) -> tuple[_Block, int]:
    """The groups sent from ``pos`` on, up to the separator after them, and where the
    next step starts. A word that is not five characters long still holds a group's
    place (``?????``), so that the groups after it keep theirs: words that add up to
    five characters are one group split by a long gap, ten are two run together."""
    sent: list[str] = []
    pending = ""
    start, opened = pos, False
    while pos < len(words) and not (sent and _separator(words, pos)):
        word = words[pos]
        if _group_like(word) and not pending:
            # Pinned at the start only if nothing but the separator came before.
            opened |= not sent and pos > 0 and all(len(w) <= 2 for w in words[start - 1 : pos])
            sent.append(word)
        elif sent:
            pending = _garbled(sent, pending, word)
        pos += 1
    if len(pending) >= 3:
        sent.append(UNKNOWN * 5)
    return _Block(sent, opened, pos < len(words)), pos


def _separator(words: list[str], pos: int) -> bool:
    """Whether the words at ``pos`` are the separator (``=``; two one-character words
    in a row: ``= =`` with a sign not sure)."""
    if words[pos].startswith("="):
        return True
    return len(words[pos]) == 1 and pos + 1 < len(words) and len(words[pos + 1]) == 1


def _anchored(readings: list[list[str]], count: int | None, block: _Block) -> list[list[str]]:
    """``count`` groups from a pass that has another number. The groups before its
    first garbled one keep their places from the start, if the separator before them
    was heard; those after its last garbled one from the end, if the separator after
    them was; the places between are not heard (:data:`_ABSENT`). A pass with nothing
    garbled is pinned at the one end heard (a recording that starts late or ends
    early), or nowhere if both were heard (a group lost without a trace: no telling
    where). Without a count, only the start can be pinned."""
    if not (block.opened or block.closed):
        return [[_ABSENT] * len(readings[0])] * (count or len(readings))
    if len(readings) == count:
        return readings
    garbled = [i for i, r in enumerate(readings) if UNKNOWN * 5 in r]
    if garbled:
        first, after = garbled[0], garbled[-1] + 1
    else:
        first, after = (0, len(readings)) if block.opened == block.closed else (len(readings), 0)
    if count is None:
        first = len(readings) if block.opened and not garbled else first
        count, after = len(readings), len(readings)
    head = min(first if block.opened else 0, count)
    tail = min(len(readings) - after if block.closed else 0, count - head)
    lost = [[_ABSENT] * len(readings[0])] * (count - head - tail)
    return readings[:head] + lost + readings[len(readings) - tail :]


def _garbled(sent: list[str], pending: str, word: str) -> str:
    """Characters not yet laid out as groups, after ``word``; whole groups of them
    are added to ``sent`` as ``?????``."""
    if _group_like(word):  # a whole group closes what was pending: at least one garbled
        sent.extend([UNKNOWN * 5] * max(round(len(pending) / 5), 1))
        sent.append(word)
        return ""
    pending += word
    if len(pending) % 5 == 0:
        sent.extend([UNKNOWN * 5] * (len(pending) // 5))
        return ""
    return pending


def _vote_text(values: Sequence[str]) -> str | None:
    """What repeated readings of one text (a call-up's ID or count) say, figure by
    figure: the most common length, then at each place the figure most often read
    sure, by two readings at least; None if any place is left in doubt."""
    length = _majority([str(len(v)) for v in values])
    if length is None:
        return None
    same = [v for v in values if len(v) == int(length)]
    figures = [_majority([v[i] for v in same if v[i] != UNKNOWN]) for i in range(int(length))]
    if None in figures or any(sum(v[i] == f for v in same) < 2 for i, f in enumerate(figures)):
        return None
    return "".join(f for f in figures if f is not None)


def _majority(values: Sequence[str]) -> str | None:
    """The value most often seen; None if there is none or a tie for first place."""
    if not values:
        return None
    tally: dict[str, int] = {}
    for v in values:
        tally[v] = tally.get(v, 0) + 1
    ranked = sorted(tally.items(), key=lambda kv: -kv[1])
    if len(ranked) > 1 and ranked[0][1] == ranked[1][1]:
        return None
    return ranked[0][0]


def _uncut(word: str, p: Profile) -> str:
    back = {v: k for k, v in p.morse.cut.items()}
    if word.startswith("="):
        return word
    return "".join(back.get(c, c) for c in word)


__all__ = [
    "SEARCH_HZ",
    "SPEED_RANGE",
    "Blocks",
    "Char",
    "Keyed",
    "Keying",
    "Run",
    "envelope",
    "envelope_blocks",
    "estimate_dot",
    "find_tone",
    "find_tone_blocks",
    "listen",
    "listen_blocks",
    "morse_words",
    "read_words",
    "receive_morse",
    "receive_morse_blocks",
    "runs",
]

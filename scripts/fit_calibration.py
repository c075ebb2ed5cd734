#!/usr/bin/env python3
"""Fit the recording-level word calibration of each language (cinq.radio.calibration).

    python scripts/fit_calibration.py                      # en -> src/cinq/radio/models
    python scripts/fit_calibration.py --lang en --out /tmp/models --station E11

Every installed voice of the language (the recogniser's training voices and its held-out
ones) reads a broadcast of 8 random groups in the station's format, through four
channels (30 dB; 10 dB and SSB 2.4 kHz; 15 dB, SSB 2.7 kHz and AGC; 0 dB). Each word the
recogniser hears is labelled right or wrong against the broadcast's timeline (the event
it overlaps most, "not a digit" if none), and a logistic regression of "right" on the
word's log-odds, its recording's familiarity and their product is fitted (on the words
read as digits: the others are not recalibrated). Before the
fit over all voices, each voice is left out in turn, its words recalibrated by the fit
on the others, and the copies before and after are counted (silent and marked groups,
voices the recogniser knows and voices held out of its training): the report. Seeded:
the same voices give the same file. Needs the ``train`` extra (scikit-learn).
"""

from __future__ import annotations

import argparse
import json
import sys
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from cinq.files import atomic_write
from cinq.radio import profiles, synth
from cinq.radio.calibration import MODELS, Calibrator, Familiarity, recalibrate
from cinq.radio.channel import Shortwave
from cinq.radio.decode import decode
from cinq.radio.recogniser import Recogniser
from cinq.radio.training import held_out
from cinq.radio.voices import voices
from cinq.radio.words import NOT_A_DIGIT, Word

CHANNELS = {
    "30 dB": Shortwave(snr_db=30.0),
    "10 dB SSB 2.4": Shortwave(snr_db=10.0, ssb=2.4),
    "15 dB SSB 2.7 AGC": Shortwave(snr_db=15.0, ssb=2.7, agc=True),
    "0 dB": Shortwave(snr_db=0.0),
}
STATION = {"en": "E11", "de": "G06", "ru": "S11a"}
"""The station read in each language (another language needs --station)."""


@dataclass(frozen=True)
class Recording:
    """The words heard in one broadcast, whether each is right, and what was sent."""

    voice: str
    channel: str
    groups: tuple[str, ...]
    words: tuple[Word, ...]
    right: NDArray[np.bool_]


def _truth(word: Word, events: Sequence[synth.Event]) -> int:
    """The digit the word overlaps most (most of a third of it), else not a digit."""
    best, label = 0.3 * word.duration, NOT_A_DIGIT
    for e in events:
        overlap = min(word.end, e.end) - max(word.start, e.start)
        if overlap > best:
            best, label = overlap, int(e.text)
    return label


def recordings(lang: str, station: str, keys: Sequence[str]) -> list[Recording]:
    """Every voice of ``keys`` reading 8 random groups through every channel."""
    profile, rec, found = profiles.load(station), Recogniser.load(lang), []
    for key in keys:
        rng = np.random.default_rng(zlib.crc32(key.encode()))
        groups = tuple("".join(map(str, rng.integers(0, 10, 5))) for _ in range(8))
        tx = synth.broadcast(groups, profile, voice=key)
        events = [e for e in tx.timeline if e.kind == "digit"]
        for name, channel in CHANNELS.items():
            words = tuple(rec.words(channel.apply(tx.audio, np.random.default_rng(1))))
            right = np.array([w.best == _truth(w, events) for w in words], bool)
            found.append(Recording(key, name, groups, words, right))
        print(f"  {key}: {len(words)} words", file=sys.stderr, flush=True)
    return found


def fit(lang: str, found: Sequence[Recording]) -> Calibrator:
    """The logistic regression of a word being right (see the module docstring)."""
    from sklearn.linear_model import LogisticRegression

    rows, right = [], []
    for r in found:
        digit = np.array([w.best != NOT_A_DIGIT for w in r.words], bool)  # all it changes
        p = np.clip([w.confidence for w in r.words], 1e-12, 1 - 1e-12)[digit]
        z, f = np.log(p) - np.log1p(-p), Familiarity.of(r.words).score
        rows.append(np.column_stack([z, np.full_like(z, f), z * f]))
        right.append(r.right[digit])
    model = LogisticRegression(C=10.0, max_iter=1000).fit(np.vstack(rows), np.concatenate(right))
    slope, familiarity, cross = (float(c) for c in model.coef_[0])
    return Calibrator(lang, float(model.intercept_[0]), slope, familiarity, cross)


def copied(r: Recording, words: Sequence[Word], station: str) -> dict[str, int]:
    """Groups of the copy silently wrong, marked ``?``, and invented."""
    got = decode(words, profiles.load(station)).groups
    pairs = list(zip(got, r.groups, strict=False))  # a copy may have more or fewer
    return {
        "groups": len(r.groups),
        "silent": sum(1 for a, b in pairs if a != b and "?" not in a),
        "marked": sum(1 for a, _ in pairs if "?" in a) + max(0, len(r.groups) - len(got)),
        "invented": max(0, len(got) - len(r.groups)),
    }


def leave_one_out(lang: str, station: str, found: Sequence[Recording]) -> dict[str, object]:
    """Copies before and after recalibration, each voice by the fit on the others."""
    kept = {v.key for v in held_out(voices(lang))}
    table: dict[str, dict[str, int]] = {}
    for voice in sorted({r.voice for r in found}):
        model = fit(lang, [r for r in found if r.voice != voice])
        for r in (r for r in found if r.voice == voice):
            kind = "held out" if voice in kept else "trained on"
            for when, words in (("before", r.words), ("after", recalibrate(r.words, model))):
                row = table.setdefault(f"{kind}, {r.channel}, {when}", {})
                for k, n in copied(r, words, station).items():
                    row[k] = row.get(k, 0) + n
    return dict(sorted(table.items()))


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--lang", action="append", help="language (repeatable; default: en)")
    ap.add_argument("--station", help="station profile to read (default per language)")
    ap.add_argument("--voices", help="comma-separated voice keys (default: all installed)")
    ap.add_argument("--out", type=Path, default=MODELS, help="directory for the .json files")
    ap.add_argument("--report", type=Path, help="write the leave-one-voice-out report here")
    args = ap.parse_args(argv)
    report = {}
    for lang in args.lang or ["en"]:
        station = args.station or STATION[lang]
        keys = args.voices.split(",") if args.voices else [v.key for v in voices(lang)]
        found = recordings(lang, station, keys)
        report[lang] = leave_one_out(lang, station, found)
        model = fit(lang, found)
        path = args.out / f"{lang}.calibration.json"
        atomic_write(path, json.dumps(model.to_json(), indent=2) + "\n", mode=0o644)
        print(f"{lang}: {model} -> {path}", file=sys.stderr)
    text = json.dumps(report, indent=2)
    if args.report:
        atomic_write(args.report, text + "\n", mode=0o644)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Train the digit recogniser of each language and write the models cinq ships.

    python scripts/train_recogniser.py                   # en, fr, de, es, ru -> src/cinq/radio/models
    python scripts/train_recogniser.py --lang en --out /tmp/models --report report.json

For each language: every installed voice (cinq.radio.voices) speaks; one voice of each
engine that has several is held out. The networks are trained on the others, their
temperatures fitted on the held-out voices, and the held-out voices then read new
sequences through random shortwave channels and through SSB 2.4 kHz at 10 dB (digit
accuracy, silent and marked errors, reliability table: the report). Seeded: the same
voices and seed give the same files. Needs the ``train`` extra (scikit-learn).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from cinq.radio.channel import Shortwave
from cinq.radio.recogniser import MODELS
from cinq.radio.training import calibrate, evaluate, held_out, train
from cinq.radio.voices import Voice, voices

SHIPPED = ("en", "fr", "de", "es", "ru")
"""The languages whose models ship (all five). Russian's held-out voices read with
6-15 % silent errors at confidence 0.9 in this script's report, as the other
languages' do: ``cinq receive`` reads a voice it does not recognise with the strict
bar (``decode``'s ``stranger``), and cinq's own Russian voice with a recogniser learnt
for it (:mod:`cinq.radio.known`). Without a model, every Russian voice was read from
templates of cinq's own, and other voices' copies came out wrong without a ``?``."""
BUDGET = {"en": 16000.0, "fr": 8000.0, "de": 8000.0, "es": 8000.0, "ru": 8000.0}
"""Seconds of training audio per language, shared between its training voices (the
shipped models were made with these)."""


def one_language(lang: str, *, seed: int, budget: float, out: Path) -> dict[str, object]:
    everyone = voices(lang)
    test = held_out(everyone)
    keys = {v.key for v in test}
    training = [v for v in everyone if v.key not in keys]
    began = time.process_time()
    rec = train(lang, training, seed=seed, seconds=budget / max(len(training), 1))
    trained = time.process_time() - began
    rec = calibrate(rec, test, seed=seed + 1)
    out.mkdir(parents=True, exist_ok=True)
    rec.save(out / f"{lang}.npz")
    return {
        "lang": lang,
        "trained_on": [v.key for v in training],
        "training_cpu_seconds": round(trained, 1),
        "frame_temperature": rec.frame_temperature,
        "word_temperature": rec.word_temperature,
        "held_out": _measured(rec, test, seed + 2),
    }


def _measured(rec: object, test: Sequence[Voice], seed: int) -> dict[str, object]:
    from cinq.radio.recogniser import Recogniser

    assert isinstance(rec, Recogniser)
    conditions = {"random shortwave": None, "SSB 2.4 kHz, 10 dB": Shortwave(snr_db=10, ssb=2.4)}
    report: dict[str, object] = {}
    for name, channel in conditions.items():
        report[name] = {
            "all": evaluate(rec, test, channel=channel, seed=seed).to_json(),
            "per voice": {
                v.key: _short(evaluate(rec, [v], channel=channel, seed=seed).to_json())
                for v in test
            },
        }
    return report


def _short(result: dict[str, object]) -> dict[str, object]:
    keep = ("digits", "digit_accuracy", "silent_rate", "marked_rate", "missed_rate")
    return {k: result[k] for k in keep}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lang", default=",".join(SHIPPED), help="languages, comma-separated")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--budget", type=float, help="seconds of audio (default: BUDGET)")
    parser.add_argument("--out", type=Path, default=MODELS, help="folder for <lang>.npz")
    parser.add_argument("--report", type=Path, help="write the measurements here (JSON)")
    args = parser.parse_args(argv)
    results = []
    for lang in args.lang.split(","):
        budget = args.budget or BUDGET.get(lang, 8000.0)
        result = one_language(lang, seed=args.seed, budget=budget, out=args.out)
        print(json.dumps(result, indent=1, ensure_ascii=False), flush=True)
        results.append(result)
    if args.report:
        args.report.write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())

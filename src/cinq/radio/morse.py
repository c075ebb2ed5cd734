"""Morse code: keying text into tone and the timing rules both ends share.

Timing follows the PARIS standard: a dot lasts ``1.2 / wpm`` seconds, a dash three
dots, the gap inside a character one dot, between characters three, between words
seven. Numbers stations send digits as *cut numbers* (T for 0, N for 9, ...), given
per station profile.
"""

from __future__ import annotations

import numpy as np

from . import RATE
from .speech import Audio, silence, tone

CODE = {
    "A": ".-", "B": "-...", "C": "-.-.", "D": "-..", "E": ".", "F": "..-.", "G": "--.",
    "H": "....", "I": "..", "J": ".---", "K": "-.-", "L": ".-..", "M": "--", "N": "-.",
    "O": "---", "P": ".--.", "Q": "--.-", "R": ".-.", "S": "...", "T": "-", "U": "..-",
    "V": "...-", "W": ".--", "X": "-..-", "Y": "-.--", "Z": "--..",
    "0": "-----", "1": ".----", "2": "..---", "3": "...--", "4": "....-", "5": ".....",
    "6": "-....", "7": "--...", "8": "---..", "9": "----.",
    "=": "-...-", "/": "-..-.", "?": "..--..", ".": ".-.-.-", "+": ".-.-.",
}  # fmt: skip
LETTER = {v: k for k, v in CODE.items()}


def dot_seconds(wpm: float) -> float:
    return 1.2 / wpm


def key(words: list[str], *, wpm: float, tone_hz: float, level: float = 0.5) -> Audio:
    """Key ``words`` (already in Morse characters: cut numbers applied) as tone."""
    dot = dot_seconds(wpm)
    parts: list[Audio] = []
    for w, word in enumerate(words):
        if w:
            parts.append(silence(7 * dot))
        for c, ch in enumerate(word):
            if c:
                parts.append(silence(3 * dot))
            for e, element in enumerate(CODE[ch]):
                if e:
                    parts.append(silence(dot))
                parts.append(tone(tone_hz, dot if element == "." else 3 * dot, level=level))
    return np.concatenate(parts) if parts else silence(0)


def duration(words: list[str], wpm: float) -> float:
    """Seconds that :func:`key` takes for ``words``."""
    units = 0
    for w, word in enumerate(words):
        units += 7 if w else 0
        for c, ch in enumerate(word):
            units += 3 if c else 0
            units += sum(1 if e == "." else 3 for e in CODE[ch]) + len(CODE[ch]) - 1
    return units * dot_seconds(wpm)


__all__ = ["CODE", "LETTER", "RATE", "dot_seconds", "duration", "key"]

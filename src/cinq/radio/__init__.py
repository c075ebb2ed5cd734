"""Broadcast and reception: numbers-station audio (voice and Morse) and its decoding.

:mod:`cinq.radio.profiles` reads station profiles (declarative TOML in ``stations/``),
:mod:`cinq.radio.synth` turns a message into the audio a station would send,
:mod:`cinq.radio.channel` adds what the ionosphere does to it, and
:mod:`cinq.radio.receive` copies the groups back, voting between repeats.

The signal-processing stack is the ``radio`` extra (``pip install 'cinq[radio]'``):
without it, importing this package raises :class:`~cinq.errors.MissingExtra`.
"""

from ..extras import require

require("radio", feature="broadcast and reception (cinq.radio)")

RATE = 8000
"""Sample rate of all cinq audio (Hz): a voice channel needs no more."""

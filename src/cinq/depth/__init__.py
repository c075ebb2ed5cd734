"""Depth: several messages on one pad, and copies of one message.

A pad page used twice puts two messages *in depth*: subtracting their cipher digits
(mod 10) cancels the key and leaves the difference of two checkerboard plaintexts.
This package finds such pairs in a log of intercepts and reads them back, and keeps
apart what only looks like a depth: the same message heard or copied twice.

The modules follow the analyst's work:

* :mod:`.stream` -- groups with unreadable digits as digit arrays (``?`` -> :data:`UNKNOWN`).
* :mod:`.copies` -- copies of one message grouped and merged by a vote.
* :mod:`.joint` -- the joint model of two plaintexts on one key, read through a board:
  the likelihood ratio of a difference stream.
* :mod:`.screen` -- the cheap first screen over all pairs, as matrix products.
* :mod:`.find` -- every pair and offset tested, false alarms corrected for the number of
  tests (``cinq depth find``).
* :mod:`.solve` -- plaintexts and key recovered from messages in depth (``cinq depth solve``).
* :mod:`.beam` -- the search behind it: a beam over the messages' joint states.
* :mod:`.lexicon` -- the word lists as prefix trees, mixed into the character models.
* :mod:`.readout` -- a depth read back as aligned text, and its key as a pad page.
* :mod:`.accuracy` -- a reading scored against the truth (tests and benchmarks).
"""

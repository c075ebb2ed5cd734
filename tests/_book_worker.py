"""Worker process for the pad-book concurrency test in ``tests/test_book.py``.

Usage: ``python tests/_book_worker.py BOOK N [GO_FILE]``

Opens the send book BOOK, waits for GO_FILE to exist (if given, so that all workers
start together), takes N messages of mixed sizes (one or two pages) and prints what it
got as JSON: a list of ``{"numbers": [...], "page_ids": [...], "serial": int}``.
Only page numbers, IDs and serials are printed, never key digits.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

from cinq.book import PadBook


def main(argv: list[str]) -> int:
    book, count = Path(argv[1]), int(argv[2])
    go = Path(argv[3]) if len(argv) > 3 else None
    taken: list[dict[str, object]] = []
    with PadBook.open(book) as pad:
        if go is not None:
            deadline = time.monotonic() + 15
            while not go.exists():
                if time.monotonic() > deadline:
                    print("worker: timed out waiting for the go file", file=sys.stderr)
                    return 1
                time.sleep(0.002)
        per_page = 5 * pad.groups_per_page
        for i in range(count):
            pages = 1 + (i + os.getpid()) % 2
            digits = (pages - 1) * per_page + 1 + i % per_page
            key = pad.take_for_sending(digits)
            assert len(key.numbers) == pages, (digits, key)
            taken.append(
                {
                    "numbers": list(key.numbers),
                    "page_ids": list(key.page_ids),
                    "serial": key.message_serial,
                }
            )
    print(json.dumps(taken))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

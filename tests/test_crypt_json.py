"""``--json`` on ``encrypt`` and ``decrypt``: page IDs, groups, verified, already read,
burned; the library's result objects serialise themselves (``Sent.to_json``,
``Received.to_json``), the CLI only prints them."""

from __future__ import annotations

import json
from pathlib import Path

import cinq
from cinq import procedure
from cinq.book import PadBook
from tests.clirun import cinq as run_cli


def run(*args: str | Path, input: str | None = None) -> tuple[int, str, str]:
    r = run_cli(*args, input=input)
    return r.returncode, r.stdout, r.stderr


def test_encrypt_and_decrypt_json(tmp_path: Path) -> None:
    send, receive = PadBook.create_pair(tmp_path / "net", pages=5, groups=10)
    with PadBook.open(send) as b:
        ids = [p.page_id for p in b.pages()]
    code, out, err = run("encrypt", "--book", send, "--json", "--per-line", "4", input="HELLO\n")
    assert code == 0, err
    sent = json.loads(out)
    assert sent["page_ids"] == ids[:1] and sent["indicator"] == ids[0]
    assert sent["message_serial"] == 1 and sent["book"] == "net"
    doc = sent["document"]
    assert sent["groups"] == len(doc.split()) and doc.splitlines()[0].count(" ") == 3
    code, out, err = run("decrypt", "--book", receive, "--json", input=doc)
    assert code == 0, err
    got = json.loads(out)
    assert got == {
        "text": "HELLO",
        "indicator": ids[0],
        "page_ids": ids[:1],
        "verified": True,
        "already_read": False,
        "previously_read": [],
        "burned": False,
        "unknown_digits": 0,
    }
    code, out, err = run("decrypt", "--book", receive, "--json", "--burn", input=doc)
    assert code == 0, err
    again = json.loads(out)
    assert again["already_read"] and again["burned"]
    assert [p["page_id"] for p in again["previously_read"]] == ids[:1]


def test_result_objects_serialise_themselves(tmp_path: Path) -> None:
    send, receive = PadBook.create_pair(tmp_path / "net", pages=5, groups=10)
    with PadBook.open(send) as b:
        sent = procedure.send("HI", b)
    with PadBook.open(receive) as b:
        got = cinq.decrypt(sent.document, b)
    assert sent.to_json()["document"] == sent.document.render()
    assert got.to_json()["page_ids"] == list(sent.page_ids)
    json.dumps([sent.to_json(), got.to_json()])  # plain JSON types only

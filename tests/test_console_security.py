"""The web console's guard (cinq.console.guard), in process: who gets in, what every
response carries, and what a request without the cookie, the Host or the CSRF token
gets."""

from __future__ import annotations

import re
import socket
import tempfile
import time
import warnings
from collections.abc import Iterator
from html import unescape
from pathlib import Path

import pytest
from fastapi.routing import APIRoute
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cinq import procedure
from cinq.book import PadBook
from cinq.console import Guard, Server, create_app
from cinq.console.app import csrf_checked, routers
from cinq.console.guard import COOKIE, HEADERS
from cinq.document import Document

with warnings.catch_warnings():  # starlette's TestClient says it will want httpx2 one day
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

PORT = 8123
BASE = f"http://127.0.0.1:{PORT}"


@pytest.fixture()
def folder(tmp_path: Path) -> Path:
    PadBook.create_pair(tmp_path / "station", pages=6, groups=20)
    (tmp_path / "notes.pad").write_text("not a pad book\n")
    return tmp_path


def _client(folder: Path) -> tuple[TestClient, Guard]:
    guard = Guard(PORT)
    return TestClient(create_app(folder, guard), base_url=BASE, follow_redirects=False), guard


@pytest.fixture()
def signed_in(folder: Path) -> Iterator[tuple[TestClient, Guard]]:
    client, guard = _client(folder)
    assert client.get(f"/?token={guard.token}").status_code == 303
    yield client, guard


def _enciphered(folder: Path, text: str) -> Document:
    """``text`` enciphered on the folder's send book, as the station sends it."""
    with PadBook.open(folder / "station.send.pad") as book:
        return procedure.encrypt(text, book)


def _csrf(client: TestClient) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', client.get("/read").text)
    assert found
    return found.group(1)


def test_without_the_cookie_every_page_is_refused(folder: Path) -> None:
    client, _ = _client(folder)
    for path in ("/", "/books", "/read", "/static/console.css", "/docs", "/openapi.json"):
        got = client.get(path)
        assert got.status_code == 403 and "station" not in got.text, path
        assert got.headers["content-security-policy"] == HEADERS["content-security-policy"]
    assert (
        client.post("/read", data={"document": "x", "book": "station.receive.pad"}).status_code
        == 403
    )


def test_the_token_opens_one_session_once_and_leaves_the_url(folder: Path) -> None:
    client, guard = _client(folder)
    token = guard.token
    assert token and guard.url() == f"{BASE}/?token={token}"
    assert client.get("/?token=" + "x" * len(token)).status_code == 403  # a wrong one
    first = client.get(f"/?token={token}")
    assert first.status_code == 303 and first.headers["location"] == "/"
    cookie = first.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and token not in cookie
    assert client.get("/books").status_code == 200
    fresh = TestClient(client.app, base_url=BASE, follow_redirects=False)  # another browser
    again = fresh.get(f"/?token={token}")  # the link again: spent
    assert again.status_code == 403
    assert guard.token is None and token not in repr(guard)
    with pytest.raises(RuntimeError):
        guard.url()


def test_a_forged_cookie_is_no_session(folder: Path) -> None:
    client, guard = _client(folder)
    client.cookies.set(COOKIE, guard.token or "")  # the token itself is not a session
    assert client.get("/books").status_code == 403


@pytest.mark.parametrize(
    "host",
    [
        "evil.example",
        f"evil.example:{PORT}",
        "127.0.0.1",
        f"127.0.0.2:{PORT}",
        f"0.0.0.0:{PORT}",
        f"[::1]:{PORT}",
        "",
    ],
)
def test_another_host_header_is_refused_dns_rebinding(
    signed_in: tuple[TestClient, Guard], host: str
) -> None:
    client, _ = signed_in
    got = client.get("/books", headers={"host": host})
    assert got.status_code == 421 and "station" not in got.text
    assert client.get("/books", headers={"host": f"localhost:{PORT}"}).status_code == 200


def test_a_post_without_the_csrf_token_or_from_another_origin_is_refused(
    signed_in: tuple[TestClient, Guard],
) -> None:
    client, _ = signed_in
    csrf = _csrf(client)
    form = {"book": "station.receive.pad"}
    assert client.post("/books/burn", data=form).status_code == 403
    assert client.post("/books/burn", data={**form, "csrf": csrf[:-1] + "x"}).status_code == 403
    evil = {"origin": "http://evil.example"}
    assert client.post("/books/burn", data={**form, "csrf": csrf}, headers=evil).status_code == 403
    assert client.post("/books/burn", data={**form, "csrf": csrf}).status_code == 200
    by_header = client.post("/books/burn", data=form, headers={"x-csrf-token": csrf})
    assert by_header.status_code == 200


def test_every_state_changing_route_checks_the_csrf_token() -> None:
    routes = [r for router in routers() for r in router.routes]
    posts = [
        r for r in routes if isinstance(r, APIRoute) and (r.methods or set()) - {"GET", "HEAD"}
    ]
    assert posts
    for route in posts:
        assert any(d.call is csrf_checked for d in route.dependant.dependencies), route.path


def test_every_response_carries_the_security_headers(signed_in: tuple[TestClient, Guard]) -> None:
    client, _ = signed_in
    for path in ("/", "/books", "/read", "/static/console.css", "/nothing-here"):
        got = client.get(path)
        for name, value in HEADERS.items():
            assert got.headers[name] == value, (path, name)
    csp = HEADERS["content-security-policy"]
    assert (
        "default-src 'none'" in csp
        and "'unsafe-inline'" not in csp
        and "frame-ancestors 'none'" in csp
    )


def test_the_books_page_lists_books_names_what_is_not_one_and_refuses_paths(
    signed_in: tuple[TestClient, Guard],
) -> None:
    client, _ = signed_in
    page = client.get("/books").text
    assert "station.send.pad" in page and "station.receive.pad" in page
    assert re.search(r"notes\.pad</th><td colspan=\"10\">not readable: ", page)
    csrf = _csrf(client)
    for name in ("../station.receive.pad", "/etc/passwd", "station.receive", "..", ""):
        got = client.post("/books/burn", data={"book": name, "csrf": csrf})
        assert got.status_code in (400, 422) and "Traceback" not in got.text, name


def test_reading_and_burning_then_the_replay_refused_in_the_cli_words(
    signed_in: tuple[TestClient, Guard], folder: Path
) -> None:
    client, _ = signed_in
    doc = _enciphered(folder, "Meet at noon.")
    csrf = _csrf(client)
    form = {"document": "> " + doc.render().replace("\n", "\n> "), "book": "station.receive.pad"}
    read = client.post("/read", data={**form, "csrf": csrf, "burn": "true"})
    assert read.status_code == 200 and '<pre id="plaintext">MEET AT NOON.</pre>' in read.text
    assert "burned: their digits are gone" in read.text
    again = client.post("/read", data={**form, "csrf": csrf})
    assert again.status_code == 400
    assert "Refused (exit 3: refused for key-management reasons)" in again.text
    assert "was burned: its digits are gone" in again.text
    with PadBook.open(folder / "station.send.pad") as book:
        second = procedure.encrypt("Second.", book)
    forged = second.render().replace(
        second.groups[3], f"{(int(second.groups[3]) + 1) % 100000:05d}"
    )
    got = client.post(
        "/read", data={"document": forged, "book": "station.receive.pad", "csrf": csrf}
    )
    assert got.status_code == 400 and "exit 4: authentication failed" in got.text


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    document=st.text(max_size=300),
    book=st.text(max_size=40)
    | st.sampled_from(["station.receive.pad", "station.send.pad", "notes.pad"]),
    lang=st.text(max_size=5) | st.sampled_from(["en", "fr", "ru"]),
)
def test_fuzz_the_read_form_never_breaks_the_console(
    signed_in: tuple[TestClient, Guard], document: str, book: str, lang: str
) -> None:
    client, _ = signed_in
    got = client.post(
        "/read", data={"document": document, "book": book, "lang": lang, "csrf": _csrf(client)}
    )
    assert got.status_code in (200, 400, 422) and "Traceback" not in got.text


def test_the_server_listens_on_loopback_only(folder: Path) -> None:
    server = Server(folder).start()
    try:
        assert server.socket.getsockname()[0] == "127.0.0.1"
        for address in _other_addresses():
            with socket.socket() as s, pytest.raises(OSError):
                s.settimeout(1)
                s.connect((address, server.port))
        with socket.create_connection(("127.0.0.1", server.port), timeout=5):
            pass
    finally:
        server.stop()


def _other_addresses() -> list[str]:
    """This machine's IPv4 addresses that are not loopback (none on an isolated machine)."""
    found = set()
    try:
        for info in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET):
            found.add(str(info[4][0]))
    except OSError:
        pass
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.connect(("192.0.2.1", 9))  # no packet is sent: the route's source address
            found.add(s.getsockname()[0])
        except OSError:
            pass
    return sorted(a for a in found if not a.startswith("127."))


def test_compose_counts_enciphers_and_offers_the_document(
    signed_in: tuple[TestClient, Guard], folder: Path
) -> None:
    client, _ = signed_in
    csrf = _csrf(client)
    form = {"text": "Meet at noon.", "book": "station.send.pad", "lang": "en", "csrf": csrf}
    plan = client.post("/compose/plan", data=form)
    assert plan.status_code == 200 and plan.json()["pages"] == 1 and plan.json()["fits"]
    refused = client.post("/compose/plan", data={**form, "text": "日本"})
    assert refused.status_code == 400 and refused.json()["exit"] == 2
    assert client.post("/compose/plan", data={**form, "csrf": "x"}).status_code == 403
    counted = client.post(
        "/compose", data={**form, "action": "count", "cover": "News of the day.", "signature": "K"}
    )
    preview = re.search(r'<pre id="preview">([^<]*)</pre>', counted.text)
    assert preview and unescape(preview.group(1)).startswith("News of the day.")
    assert unescape(preview.group(1)).rstrip().endswith("By K") and "?????" in preview.group(1)
    assert re.search(r"\d+ digits, \d+ groups, 1 pad page\(s\) of 6 left", counted.text)
    with PadBook.open(folder / "station.send.pad") as book:
        assert book.status().used == 0  # counting took nothing
    sent = client.post("/compose", data={**form, "signature": "KESTREL"})
    found = re.search(r'href="/compose/sent/(\d{5})\.txt"', sent.text)
    assert sent.status_code == 200 and found
    got = client.get(f"/compose/sent/{found.group(1)}.txt")
    assert got.status_code == 200 and got.text.rstrip().endswith("By KESTREL")
    assert got.headers["content-disposition"].startswith("attachment")
    assert client.get("/compose/sent/00000.txt").status_code == 404
    with PadBook.open(folder / "station.receive.pad") as book:
        assert procedure.decrypt(got.text, book).text == "MEET AT NOON."
    page = re.search(r'name="pages" value="(\d+)"', sent.text)
    assert page and page.group(1) == "1"  # the page it was enciphered on
    pdf = client.post("/books/print", data={"book": "station.send.pad", "pages": "1", "csrf": csrf})
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    document = re.search(r'name="document" value="([^"]+)"', sent.text)
    assert document
    aired = client.post(
        "/radio/broadcast",
        data={"document": unescape(document.group(1)), "station": "E11", "csrf": csrf},
    )
    assert aired.status_code == 200 and "/radio/audio/" in aired.text


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    text=st.text(max_size=200),
    book=st.text(max_size=20) | st.sampled_from(["station.send.pad", "station.receive.pad"]),
    board=st.text(max_size=12) | st.sampled_from(["", "CT-37", "RU-1"]),
    action=st.sampled_from(["count", "send", "other"]),
)
def test_fuzz_the_compose_form_never_breaks_the_console(
    signed_in: tuple[TestClient, Guard], text: str, book: str, board: str, action: str
) -> None:
    client, _ = signed_in
    form = {"text": text, "book": book, "board": board, "action": action, "csrf": _csrf(client)}
    for path in ("/compose", "/compose/plan"):
        got = client.post(path, data=form)
        assert got.status_code in (200, 400, 422) and "Traceback" not in got.text


def test_the_board_explorer_encodes_side_by_side_and_reads_back(
    signed_in: tuple[TestClient, Guard],
) -> None:
    from cinq import board, language

    client, _ = signed_in
    csrf = _csrf(client)
    form = {"text": "Attack at dawn", "lang": "en", "left": "", "right": "CT-37", "csrf": csrf}
    got = client.post("/boards", data={**form, "digits": "", "decode_on": ""})
    expected = [
        "".join(map(str, language.encode("Attack at dawn", b, "en", language.Policy.FOLD)))
        for b in (language.language("en").board, board("CT-37"))
    ]
    runs = [
        re.sub(r"\s", "", g)
        for g in re.findall(r'<pre class="groups" id="groups-\d">([^<]*)</pre>', got.text)
    ]
    assert got.status_code == 200 and len(runs) == 2
    assert all(
        run.startswith(e) and len(run) % 5 == 0 for run, e in zip(runs, expected, strict=True)
    )
    back = client.post("/boards", data={**form, "digits": runs[1], "decode_on": "CT-37"})
    assert re.search(r'<pre id="decoded">ATTACK AT DAWN', back.text)
    bad = client.post("/boards", data={**form, "digits": "12 3x4", "decode_on": "CT-37"})
    assert bad.status_code == 400 and "not a digit" in bad.text and "line 1, column 5" in bad.text


VIC_KEYS = {"date": "3.9.1945", "phrase": "I DREAM OF JEANNIE WITH T", "personal": "13"}


def test_the_vic_notebook_is_the_explain_text_in_steps(signed_in: tuple[TestClient, Guard]) -> None:
    from html import unescape

    from cinq import vic

    client, _ = signed_in
    csrf = _csrf(client)
    text = "We are pleased to hear of your safe arrival."
    form = {**VIC_KEYS, "message": text, "keygroup": "77651", "csrf": csrf}
    got = client.post("/vic", data=form)
    blocks = re.findall(r'<pre class="step" id="step-\d+">(.*?)</pre>', got.text, re.S)
    shown = [unescape(re.sub(r"</?span[^>]*>", "", b)).rstrip("\n") for b in blocks]
    w = vic.encrypt(text, date="3.9.1945", phrase=VIC_KEYS["phrase"], personal=13, keygroup="77651")
    assert shown == [b.strip("\n") for b in vic.explain(w).split("\n\n") if b.strip()]
    back = client.post("/vic", data={**form, "message": " ".join(w.groups), "direction": "decrypt"})
    assert "WEAREPLEASEDTOHEAROFYOURSAFEARRIVAL." in unescape(back.text)
    for bad in ({"personal": "x"}, {"lang": "fr"}, {"direction": "sideways"}, {"date": "99"}):
        refused = client.post("/vic", data={**form, **bad})
        assert refused.status_code == 400 and 'role="alert"' in refused.text, bad


def test_printing_and_exporting_a_book_issue_its_pages_and_leave_no_file(
    signed_in: tuple[TestClient, Guard], folder: Path
) -> None:
    from cinq.book import PageState

    client, _ = signed_in
    csrf = _csrf(client)
    printed = client.post(
        "/books/print", data={"book": "station.send.pad", "pages": "1-2", "csrf": csrf}
    )
    assert printed.status_code == 200 and printed.content.startswith(b"%PDF")
    assert printed.headers["content-disposition"] == 'attachment; filename="station.send.pdf"'
    exported = client.post(
        "/books/export", data={"book": "station.send.pad", "pages": "3", "csrf": csrf}
    )
    assert exported.status_code == 200 and "station" in exported.text
    with PadBook.open(folder / "station.send.pad") as book:
        states = [p.state for p in book.pages()]
    assert states[:3] == [PageState.ISSUED] * 3 and states[3] is PageState.UNUSED
    again = client.post(
        "/books/export", data={"book": "station.send.pad", "pages": "1", "csrf": csrf}
    )
    assert again.status_code in (200, 400) and "Traceback" not in again.text
    bad = client.post(
        "/books/print", data={"book": "station.send.pad", "pages": "2-1x", "csrf": csrf}
    )
    assert bad.status_code == 400 and 'role="alert"' in bad.text
    assert sorted(p.name for p in folder.iterdir()) == [
        "notes.pad",
        "station.receive.pad",
        "station.send.pad",
    ]
    leftovers = list(Path(tempfile.gettempdir()).glob("cinq-console-*"))
    assert not leftovers


def test_the_radio_page_broadcasts_copies_and_sends_the_copy_to_read(
    signed_in: tuple[TestClient, Guard],
) -> None:
    from cinq.radio import profiles, synth

    client, _ = signed_in
    csrf = _csrf(client)
    groups = ["12345", "67890", "55555"]
    made = client.post(
        "/radio/broadcast", data={"document": "\n".join(groups), "station": "E11", "csrf": csrf}
    )
    assert made.status_code == 200
    key = re.search(r'src="/radio/audio/([\w-]+)\.wav"', made.text)
    readings = re.findall(r'<li data-start="([\d.]+)" data-end="([\d.]+)">(\d{5})</li>', made.text)
    assert key and {g for _, _, g in readings} == set(groups)
    assert all(float(a) < float(b) for a, b, _ in readings)
    wav = client.get(f"/radio/audio/{key.group(1)}.wav")
    assert (
        wav.status_code == 200
        and wav.content[:4] == b"RIFF"
        and wav.headers["content-type"] == "audio/wav"
    )
    assert client.get("/radio/audio/nothing.wav").status_code == 404

    morse = synth.broadcast(groups, profiles.load("M12"), station_id="176").wav()
    files = {"recording": ("m12.wav", morse, "audio/wav")}
    started = client.post("/radio/receive", data={"station": "M12", "csrf": csrf}, files=files)
    assert started.status_code == 303 and started.headers["location"].startswith("/radio/copy/")
    job = started.headers["location"].split("?")[0]
    for _ in range(600):  # the copy is made on a thread: until it is finished
        if client.get(job + ".json").json()["finished"]:
            break
        time.sleep(0.05)
    copied = client.get(started.headers["location"])
    assert copied.status_code == 200 and "A clean copy" in copied.text
    values = re.findall(r'name="group" value="([0-9?]{5})"', copied.text)
    assert values == groups
    sent = client.post("/radio/to-read", data={"group": [*values[:2], "5?555"], "csrf": csrf})
    assert sent.status_code == 200 and "12345\n67890\n5?555</textarea>" in sent.text
    junk = {"recording": ("x.wav", b"not audio", "audio/wav")}
    refused = client.post("/radio/receive", data={"station": "M12", "csrf": csrf}, files=junk)
    assert refused.status_code == 400 and "cannot read x.wav as audio" in refused.text
    assert client.get("/radio/copy/nothing").status_code == 404
    assert client.get("/radio/copy/nothing.json").status_code == 404


@given(st.binary(min_size=1, max_size=300), st.integers(0, 400), st.integers(0, 400))
def test_audio_is_served_by_byte_ranges(data: bytes, a: int, b: int) -> None:
    from cinq.console.radio import ranged

    whole = ranged(data, None, "audio/wav")
    assert (
        whole.status_code == 200
        and whole.body == data
        and whole.headers["accept-ranges"] == "bytes"
    )
    got = ranged(data, f"bytes={a}-{b}", "audio/wav")
    if a < len(data) and a <= b:
        assert got.status_code == 206 and got.body == data[a : b + 1]
        assert got.headers["content-range"] == f"bytes {a}-{min(b, len(data) - 1)}/{len(data)}"
    else:
        assert got.status_code == 416
    tail = ranged(data, f"bytes=-{b}", "audio/wav")
    assert tail.body == (data[-b:] if b else b"") or tail.status_code == 416
    assert ranged(data, "bytes=x-1", "audio/wav").body == data  # not a range: the whole


def test_triage_shows_the_verdict_and_draws_the_counts(
    signed_in: tuple[TestClient, Guard], folder: Path
) -> None:
    from cinq.analysis.triage import triage

    client, _ = signed_in
    with PadBook.open(folder / "station.send.pad") as book:
        doc = procedure.encrypt("Meet at noon by the old mill, bring the papers. " * 3, book)
    text = doc.render()
    got = client.post("/triage", data={"document": text, "csrf": _csrf(client)})
    t = triage(text)
    assert got.status_code == 200 and f"Verdict: {t.kind.value}</h2>" in got.text
    digits = "".join(g for g in t.groups)
    bars = re.findall(r"<title>digit (\d): (\d+)</title>", got.text)
    assert [int(c) for _, c in bars] == [digits.count(str(d)) for d in range(10)]
    assert got.text.count("<title>") >= 10 + 100 + 50
    empty = client.post("/triage", data={"document": "no groups here", "csrf": _csrf(client)})
    assert empty.status_code in (200, 400) and "Traceback" not in empty.text


def test_the_depth_workbench_finds_a_planted_depth_and_a_crib_reads_it(
    signed_in: tuple[TestClient, Guard],
) -> None:
    from cinq import board, language
    from tests.console_depth import BOARD, FIRST, digit_of, planted

    client, _ = signed_in
    csrf = _csrf(client)
    messages = planted()
    found = client.post("/depth/find", data={"messages": messages, "board": BOARD, "csrf": csrf})
    assert found.status_code == 200 and "1 depth(s) found" in found.text
    assert "messages 1 and 3: offset 0 group(s)" in found.text
    form = {"messages": messages, "board": BOARD, "on": "3", "offsets": "0 0 0 0 0", "csrf": csrf}
    at = digit_of("ALL IS WELL HERE THE SAFE HOUSE", "SAFE HOUSE")
    got = client.post("/depth/drag", data={**form, "crib": "SAFE HOUSE", "position": str(at)})
    assert got.status_code == 200
    first = got.json()["readings"][0]["text"]
    b = board(BOARD)
    n = len(language.encode("SAFE HOUSE", b, "en", language.Policy.FOLD))
    window = language.encode(FIRST, b, "en", language.Policy.FOLD)[at - 1 : at - 1 + n]
    assert first == b.decode(window, padded=True, replace="?")
    assert any(first[i : i + 5] in FIRST for i in range(len(first) - 4))  # it reads as text
    assert got.json()["readings"][2]["text"] == "SAFE HOUSE"
    refused = client.post("/depth/drag", data={**form, "crib": "SAFE", "position": "9999"})
    assert refused.status_code == 400 and "does not fit" in refused.json()["refusal"]


def test_a_document_file_is_read_like_a_pasted_one(
    signed_in: tuple[TestClient, Guard], folder: Path
) -> None:
    client, _ = signed_in
    doc = _enciphered(folder, "Meet at noon.")
    mail = ("From: someone\n\n> " + doc.render().replace("\n", "\n> ")).encode()
    files = {"upload": ("mail.eml", mail, "message/rfc822")}
    form = {"book": "station.receive.pad", "document": "", "csrf": _csrf(client)}
    got = client.post("/read", data=form, files=files)
    assert got.status_code == 200 and '<pre id="plaintext">MEET AT NOON.</pre>' in got.text
    bad = {"upload": ("x.pdf", b"%PDF-1.4 not really", "application/pdf")}
    refused = client.post("/read", data=form, files=bad)
    assert refused.status_code == 400 and "x.pdf" in refused.text


def test_the_depth_page_loads_an_intercept_log_of_the_folder(
    signed_in: tuple[TestClient, Guard], folder: Path
) -> None:
    from cinq.analysis.intercepts import InterceptLog
    from tests.console_depth import BOARD, planted

    messages = [m.split("\n") for m in planted().split("\n\n")]
    with InterceptLog.open(folder / "heard.db") as log:
        for n, groups in enumerate(messages):
            log.add("E11", groups, when=f"2026-11-0{n + 1}T20:00:00Z", label=f"m{n + 1}")
    (folder / "other.db").write_bytes(b"not a log")
    client, _ = signed_in
    page = client.get("/depth").text
    assert "<option>heard.db</option>" in page and "other.db" not in page
    csrf = _csrf(client)
    loaded = client.post("/depth/load", data={"log": "heard.db", "board": BOARD, "csrf": csrf})
    text = re.search(
        r'<textarea id="messages" name="messages"[^>]*>([^<]*)</textarea>', loaded.text
    )
    assert loaded.status_code == 200 and text and text.group(1) == planted()
    assert "1: m1 (E11, 2026-11-01" in loaded.text
    for bad in ("other.db", "../heard.db", "missing.db"):
        refused = client.post("/depth/load", data={"log": bad, "csrf": csrf})
        assert refused.status_code == 400 and "not an intercept log of the folder" in refused.text
    found = client.post(
        "/depth/find", data={"messages": text.group(1), "board": BOARD, "csrf": csrf}
    )
    assert "messages 1 and 3" in found.text


def test_compose_with_a_codebook_of_the_folder(
    signed_in: tuple[TestClient, Guard], folder: Path
) -> None:
    from cinq.codebook import build

    build("en", size=50, key="shared").save(folder / "book.json")
    (folder / "other.json").write_text('{"not": "a codebook"}')
    client, _ = signed_in
    assert "<option>book.json</option>" in client.get("/compose").text
    csrf = _csrf(client)
    form = {
        "text": "Meet at the station at noon.",
        "book": "station.send.pad",
        "board": "CT-37",
        "csrf": csrf,
    }
    plain = client.post("/compose/plan", data=form).json()
    coded = client.post("/compose/plan", data={**form, "codebook": "book.json"}).json()
    assert coded["digits"] < plain["digits"]  # the codes are shorter
    refused = client.post("/compose/plan", data={**form, "codebook": "other.json"})
    assert (
        refused.status_code == 400 and "not a codebook of the folder" in refused.json()["refusal"]
    )
    sent = client.post("/compose", data={**form, "codebook": "book.json"})
    assert sent.status_code == 200 and "Enciphered on page(s)" in sent.text


def test_a_decoy_book_made_from_the_read_page_reads_the_message_as_innocent(
    signed_in: tuple[TestClient, Guard], folder: Path
) -> None:
    client, _ = signed_in
    doc = _enciphered(folder, "Meet at noon.")
    csrf = _csrf(client)
    form = {"document": doc.render(), "book": "station.receive.pad", "lang": "en", "csrf": csrf}
    read = client.post("/read", data=form)
    assert "Make the decoy book" in read.text
    too_long = client.post(
        "/read/decoy", data={**form, "innocent": "Happy birthday.", "name": "gift"}
    )
    assert too_long.status_code == 400 and "only the first" in too_long.text
    made = client.post("/read/decoy", data={**form, "innocent": "Hi mum.", "name": "gift"})
    assert made.status_code == 200 and "gift.receive.pad written" in made.text
    innocent = client.post("/read", data={**form, "book": "gift.receive.pad"})
    assert '<pre id="plaintext">HI MUM.</pre>' in innocent.text
    for bad in ("../gift", "gift.receive.pad", ".hidden", "gift"):  # the last: exists already
        refused = client.post("/read/decoy", data={**form, "innocent": "x", "name": bad})
        assert refused.status_code == 400 and 'role="alert"' in refused.text, bad


def test_cinq_console_opens_the_demo_folder_when_here_has_no_books(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cinq.cli.console import _default_folder
    from cinq.cli.demo import MARKER

    monkeypatch.chdir(tmp_path)
    assert _default_folder() == Path(".")  # no demo folder
    (tmp_path / "demo-out").mkdir()
    (tmp_path / "demo-out" / MARKER).write_text("{}")
    assert _default_folder() == Path("demo-out")
    PadBook.create_pair(tmp_path / "mine", pages=2, groups=10)
    assert _default_folder() == Path(".")  # books here: this folder


def test_a_copy_builds_step_by_step_to_what_receive_reads() -> None:
    from cinq.console.copying import STEP_SECONDS, Copying
    from cinq.radio import RATE, profiles, receive, synth

    groups = ["12345", "67890", "55555", "24680", "13579", "11223", "44556", "77889"]
    profile = profiles.load("M12")
    audio = synth.broadcast(groups, profile, station_id="176").audio
    step = STEP_SECONDS / 3
    assert len(audio) > 2 * step * RATE  # more than two steps
    job = Copying(audio, profile, RATE, step)
    seen = []
    original = job._set

    def kept(state):  # type: ignore[no-untyped-def]
        seen.append(state)
        original(state)

    job._set = kept  # type: ignore[method-assign]
    final = job.start().wait(120)
    assert final.finished and final.refusal is None and final.done == 1.0
    assert final.copy == receive.receive(audio, profile, known=True)
    assert len(seen) >= 3 and [s.done for s in seen] == sorted(s.done for s in seen)
    assert not any(s.finished for s in seen[:-1])
    empty = Copying(audio[:0], profile, RATE).start().wait(30)
    assert empty.finished and empty.refusal and empty.copy is None


def test_a_book_running_out_warns_then_refuses_with_nothing_taken(tmp_path: Path) -> None:
    PadBook.create_pair(tmp_path / "small", pages=4, groups=20)
    client, guard = _client(tmp_path)
    client.get(f"/?token={guard.token}")
    csrf = _csrf(client)
    form = {"text": "Meet at noon.", "book": "small.send.pad", "csrf": csrf}
    assert "runs low" not in client.get("/books").text
    assert client.post("/compose", data=form).status_code == 200
    assert 'small.send.pad <strong class="warn">runs low</strong>' in client.get("/books").text
    for _ in range(3):
        assert client.post("/compose", data=form).status_code == 200
    plan = client.post("/compose/plan", data=form)
    assert plan.status_code == 200 and plan.json()["fits"] is False and plan.json()["unused"] == 0
    out = client.post("/compose", data=form)
    assert (
        out.status_code == 400
        and "Refused (exit 3: refused for key-management reasons)" in out.text
    )
    with PadBook.open(tmp_path / "small.send.pad") as book:
        assert book.status().used == 4 and book.status().spoiled == 0


def test_a_bad_form_names_its_field_without_echoing_it_and_a_bug_is_said_plainly(
    signed_in: tuple[TestClient, Guard], monkeypatch: pytest.MonkeyPatch
) -> None:
    from cinq.console import books, reading

    client, _ = signed_in
    csrf = _csrf(client)
    secretish = "31415" * 300_000  # over the page's bound
    long = client.post("/read", data={"document": secretish, "book": "x.pad", "csrf": csrf})
    assert long.status_code == 400 and "Field exceeded maximum size" in long.text  # Starlette's
    assert long.headers["content-type"].startswith("text/html")
    over = client.post("/read", data={"document": "1" * 1_048_577, "book": "x.pad", "csrf": csrf})
    assert over.status_code in (400, 422) and "11111" not in over.text
    assert "31415" not in long.text and long.headers["content-security-policy"]
    assert client.get("/nothing-here").status_code == 404
    missing = client.post("/read", data={"document": "12345", "csrf": csrf})
    assert missing.status_code == 422 and "book: Field required" in missing.text

    def broken(folder: Path) -> list[object]:
        raise RuntimeError("a bug")

    monkeypatch.setattr(books, "shelf", broken)
    monkeypatch.setattr(reading, "shelf", broken)
    app = client.app
    quiet = TestClient(app, base_url=BASE, follow_redirects=False, raise_server_exceptions=False)
    quiet.cookies = client.cookies
    got = quiet.get("/books")
    assert got.status_code == 500 and "internal error (RuntimeError): a bug in cinq" in got.text
    assert "Traceback" not in got.text and 'a bug"' not in got.text


def test_what_a_session_keeps_is_bounded_oldest_first(folder: Path) -> None:
    from threading import Thread

    from cinq.console.app import Console

    c = Console(folder, Guard(PORT))
    store: dict[str, int] = {}
    threads = [Thread(target=lambda i=i: c.keep(store, f"k{i}", i, 5)) for i in range(200)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(store) == 5
    ordered: dict[str, int] = {}
    for i in range(8):
        c.keep(ordered, f"k{i}", i, 3)
    assert list(ordered) == ["k5", "k6", "k7"]

"""The web console end to end, in Debian's Chromium driven by Playwright: the console
served by uvicorn on loopback, opened with its one-time link, used from the keyboard,
checked by axe-core on every page, and every response scanned for pad digits."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, Response, expect, sync_playwright

from cinq import procedure
from cinq.book import PadBook
from cinq.console import Server
from cinq.hazmat.pages import peek_pages

CHROMIUM = "/usr/bin/chromium"  # Debian's (system-packages.txt); Playwright's own is never fetched
ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
WINDOW = 20  # consecutive pad digits that, found in a response, would be a leak


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield launched
        launched.close()


class Scanned:
    """Every response the page received, with the text of those that have one."""

    def __init__(self, page: Page) -> None:
        self.bodies: list[tuple[str, str]] = []
        page.on("response", self._keep)

    def _keep(self, response: Response) -> None:
        kind = response.headers.get("content-type", "")
        if kind.startswith(("text/", "application/json", "application/javascript")):
            self.bodies.append((response.url, response.text()))

    def leaks(self, pads: list[str]) -> list[str]:
        """The URLs of responses holding a run of WINDOW digits of any pad page."""
        runs = {pad[i : i + WINDOW] for pad in pads for i in range(len(pad) - WINDOW + 1)}
        if os.environ.get("CINQ_SCAN_REPORT"):  # the figures for a report
            print(f"scanned {len(self.bodies)} responses against {len(runs)} pad runs")
        return [url for url, body in self.bodies if _has_run(re.sub(r"\D", "", body), runs)]


def _has_run(digits: str, runs: set[str]) -> bool:
    return any(digits[i : i + WINDOW] in runs for i in range(len(digits) - WINDOW + 1))


def _shot(page: Page, tmp_path: Path, name: str) -> None:
    """A screenshot of the whole page into the test's folder, and into the folder
    CINQ_SCREENSHOTS names if set: the README's pictures are made so."""
    page.screenshot(path=tmp_path / f"{name}.png", full_page=True)
    folder = os.environ.get("CINQ_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=Path(folder) / f"{name}.png", full_page=True)


def _accessible(page: Page) -> None:
    result = Axe().run(page)
    assert result.violations_count == 0, result.generate_report()


def _pad_digits(book: Path) -> list[str]:
    """The digits of every page of ``book`` that has them, one string a page."""
    with PadBook.open(book) as opened:
        return ["".join(map(str, p.digits)) for p in peek_pages(opened) if p.digits is not None]


def _books(tmp_path: Path, pages: int, groups: int) -> tuple[Path, Path, Path]:
    """A folder with a pad pair: the folder, the send book, the receive book."""
    folder = tmp_path / "books"
    folder.mkdir()
    send, receive = PadBook.create_pair(folder / "station", pages=pages, groups=groups)
    return folder, send, receive


def test_the_read_story_in_a_browser(browser: Browser, tmp_path: Path) -> None:
    folder, send, receive = _books(tmp_path, 4, 30)
    pads = _pad_digits(receive)
    with PadBook.open(send) as book:
        document = procedure.encrypt("Meet at the bridge at noon.", book).render()
        second = procedure.encrypt("Bring the parcel.", book)
    server = Server(folder).start()
    try:
        page = browser.new_page()
        scanned = Scanned(page)
        page.goto(server.url())
        assert page.url == f"http://127.0.0.1:{server.port}/"  # the token left the URL
        _accessible(page)
        _shot(page, tmp_path, "home")

        # From the keyboard: the skip link first, then the pages.
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.textContent") == "Skip to content"
        page.get_by_role("navigation").get_by_role("link", name="Pad books").focus()
        page.keyboard.press("Enter")
        page.wait_for_url("**/books")
        assert page.get_by_role("row", name=re.compile("station.send.pad runs low")).is_visible()
        _accessible(page)
        _shot(page, tmp_path, "books")

        page.get_by_role("navigation").get_by_role("link", name="Read").click()
        page.wait_for_url("**/read")
        page.wait_for_load_state()  # read.js in place before the drop
        quoted = "> " + document.replace("\n", "\n> ")
        dropped = page.evaluate_handle(
            "text => { const d = new DataTransfer();"
            " d.items.add(new File([text], 'mail.txt', {type: 'text/plain'})); return d; }",
            quoted,
        )
        page.dispatch_event("#document", "drop", {"dataTransfer": dropped})  # a file dropped
        expect(page.get_by_label("Document")).to_have_value(quoted)
        page.get_by_label("Receive book").select_option("station.receive.pad")
        page.get_by_label("Burn the page(s) once read").check()
        page.get_by_role("button", name="Verify and decipher").focus()
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert page.locator("#plaintext").inner_text() == "MEET AT THE BRIDGE AT NOON."
        assert "burned: their digits are gone" in page.content()
        _accessible(page)
        _shot(page, tmp_path, "read")

        with page.expect_navigation():  # read it again
            page.get_by_role("button", name="Verify and decipher").click()
        alert = page.get_by_role("alert")
        assert "Refused (exit 3" in alert.inner_text() and "was burned" in alert.inner_text()
        _accessible(page)

        altered = f"{(int(second.groups[2]) + 1) % 100000:05d}"  # one group altered
        page.get_by_label("Document").fill(second.render().replace(second.groups[2], altered))
        with page.expect_navigation():
            page.get_by_role("button", name="Verify and decipher").click()
        assert "Refused (exit 4: authentication failed" in page.get_by_role("alert").inner_text()
        _shot(page, tmp_path, "refused")

        assert scanned.bodies and not scanned.leaks(pads)
    finally:
        server.stop()


def test_the_scan_finds_a_pad_run() -> None:
    pad = "31415926535897932384626433832795"
    assert _has_run("xx" + pad[3 : 3 + WINDOW], {pad[3 : 3 + WINDOW]})
    assert not _has_run(pad[3 : 3 + WINDOW - 1], {pad[3 : 3 + WINDOW]})


def test_the_send_and_receive_story_in_a_browser(browser: Browser, tmp_path: Path) -> None:
    folder, send, _ = _books(tmp_path, 20, 30)
    pads = _pad_digits(send)
    server = Server(folder).start()
    try:
        page = browser.new_page()
        scanned = Scanned(page)
        page.goto(server.url())
        page.get_by_role("navigation").get_by_role("link", name="Compose").click()
        page.wait_for_url("**/compose")
        page.wait_for_load_state()  # the live count's script in place before typing
        page.get_by_label("Plaintext").fill("Rendez-vous jeudi à midi, près de l'église.")
        page.get_by_label("Language").select_option("fr")
        count = page.locator("#count")
        count.filter(has_text="pad page(s) of 20 left").wait_for()
        assert re.fullmatch(
            r"\d+ digits, \d+ groups, 1 pad page\(s\) of 20 left", count.inner_text()
        )
        page.get_by_label("Signature (optional)").fill("KESTREL")
        _accessible(page)
        with page.expect_navigation():
            page.get_by_role("button", name="Encipher on the next page").click()
        document = page.locator("#document").inner_text()
        assert document.rstrip().endswith("By KESTREL")
        with page.expect_download() as download:
            page.get_by_role("link", name="Download the document").click()
        saved = Path(download.value.path()).read_text(encoding="utf-8")
        assert saved.rstrip("\n") == document.rstrip("\n") and "By KESTREL" in saved
        _accessible(page)
        _shot(page, tmp_path, "compose")

        page.get_by_role("navigation").get_by_role("link", name="Read").click()
        page.get_by_label("Document").fill(document)
        page.get_by_label("Language").select_option("fr")
        with page.expect_navigation():
            page.get_by_role("button", name="Verify and decipher").click()
        # The French board folds the accents (cinq.language), as cinq decrypt prints it.
        folded = "RENDEZ-VOUS JEUDI A MIDI, PRES DE L'EGLISE."
        assert page.locator("#plaintext").inner_text() == folded
        assert scanned.bodies and not scanned.leaks(pads)
    finally:
        server.stop()


PAGES = ("/", "/books", "/compose", "/read", "/radio", "/triage", "/depth", "/boards", "/vic")


def test_every_page_passes_axe_and_the_explorer_works_from_the_keyboard(
    browser: Browser, tmp_path: Path
) -> None:
    PadBook.create_pair(tmp_path / "station", pages=5, groups=20)
    server = Server(tmp_path).start()
    try:
        page = browser.new_page()
        page.goto(server.url())
        for path in PAGES:
            page.goto(f"http://127.0.0.1:{server.port}{path}")
            _accessible(page)
        page.goto(f"http://127.0.0.1:{server.port}/boards")
        page.get_by_label("Text").fill("Attack at dawn")
        page.get_by_label("Right board").select_option("CT-37")
        page.get_by_role("button", name="Encode and decode").focus()
        with page.expect_navigation():
            page.keyboard.press("Enter")
        groups = page.locator("#groups-2").inner_text().split()
        page.get_by_label("Digits to read back").fill(" ".join(groups))
        page.get_by_label("on", exact=True).select_option("CT-37")
        with page.expect_navigation():
            page.get_by_role("button", name="Encode and decode").click()
        assert page.locator("#decoded").inner_text().startswith("ATTACK AT DAWN")
        _accessible(page)
        _shot(page, tmp_path, "boards")
    finally:
        server.stop()


def test_the_vic_notebook_steps_from_the_keyboard(browser: Browser, tmp_path: Path) -> None:
    server = Server(tmp_path).start()
    try:
        page = browser.new_page()
        page.goto(server.url())
        page.get_by_role("navigation").get_by_role("link", name="VIC").click()
        page.wait_for_url("**/vic")
        page.get_by_label("Message (the text to encipher, or the groups to decipher)").fill(
            "We are pleased to hear of your safe arrival."
        )
        page.get_by_label("Date (six digits, or day.month.year)").fill("3.9.1945")
        page.get_by_label("Personal number").fill("13")
        page.get_by_label("Phrase (twenty letters or more)").fill("I DREAM OF JEANNIE WITH T")
        page.get_by_label("Keygroup (five digits; empty: a random one)").fill("77651")
        with page.expect_navigation():
            page.get_by_role("button", name="Work it").click()
        status = page.locator("#step-status")
        lines = int(re.findall(r"of (\d+),", status.inner_text())[0])
        assert status.inner_text() == f"Line 1 of {lines}, in step 1 of 10" and lines > 50
        assert page.locator("#step-1").is_visible() and not page.locator("#step-2").is_visible()
        page.get_by_role("button", name="Next line").focus()
        page.keyboard.press("Enter")
        page.keyboard.press("ArrowRight")
        assert status.inner_text() == f"Line 3 of {lines}, in step 2 of 10"
        assert page.locator("#step-2").inner_text().startswith("KEY DERIVATION\nA  ")
        page.keyboard.press("ArrowLeft")
        assert status.inner_text() == f"Line 2 of {lines}, in step 2 of 10"
        page.get_by_role("button", name="Rest of the step").click()
        assert page.locator("#step-2").inner_text().rstrip().endswith("column numbers")
        assert not page.locator("#step-3").is_visible()
        _accessible(page)
        _shot(page, tmp_path, "vic")
    finally:
        server.stop()


def test_the_radio_story_in_a_browser(browser: Browser, tmp_path: Path) -> None:
    from cinq.document import Document
    from cinq.radio import profiles, synth

    folder, send, _ = _books(tmp_path, 4, 30)
    pads = _pad_digits(send)
    with PadBook.open(send) as book:
        document = procedure.encrypt("Meet at six.", book)
    recording = tmp_path / "m12.wav"
    recording.write_bytes(
        synth.broadcast(document.groups, profiles.load("M12"), station_id="176").wav()
    )
    server = Server(folder).start()
    try:
        page = browser.new_page()
        scanned = Scanned(page)
        page.goto(server.url())
        page.get_by_role("navigation").get_by_role("link", name="Radio").click()
        page.get_by_label("Document to broadcast").fill(document.render())
        page.get_by_label("Station to broadcast as").select_option("E11")
        with page.expect_navigation():
            page.get_by_role("button", name="Make the broadcast").click()
        second = page.locator("#readings li").nth(1)
        start = float(second.get_attribute("data-start") or "nan")
        expect(page.locator("#player")).to_have_js_property("readyState", 4)  # loaded
        page.evaluate(f"document.getElementById('player').currentTime = {start + 0.05}")
        page.locator("#readings li[aria-current]").wait_for()
        assert page.locator("#readings li[aria-current]").inner_text() == second.inner_text()
        assert page.locator("#now-reading").inner_text() == f"Reading {second.inner_text()}"
        _accessible(page)
        _shot(page, tmp_path, "radio")

        page.get_by_label("Recording (WAV, FLAC, OGG)").set_input_files(recording)
        page.get_by_label("Station heard").select_option("M12")
        with page.expect_navigation():
            page.get_by_role("button", name="Copy it").click()
        page.locator("#copy-verdict").wait_for()  # the copy builds, then the page shows it whole
        assert page.locator("#copy-verdict").inner_text().startswith("A clean copy")
        assert page.locator("#copy-status").inner_text() == "Copied: the whole recording read."
        page.get_by_label("Group 2", exact=True).fill("?????")  # a figure the monitor doubts
        page.get_by_label("Group 2", exact=True).fill(document.groups[1])  # and corrects
        _accessible(page)
        with page.expect_navigation():
            page.get_by_role("button", name="Send the copy to Read").click()
        assert Document.parse(page.get_by_label("Document").input_value()).groups == document.groups
        with page.expect_navigation():
            page.get_by_role("button", name="Verify and decipher").click()
        assert page.locator("#plaintext").inner_text() == "MEET AT SIX."
        assert scanned.bodies and not scanned.leaks(pads)
    finally:
        server.stop()


def test_triage_in_a_browser(browser: Browser, tmp_path: Path) -> None:
    send, _ = PadBook.create_pair(tmp_path / "station", pages=4, groups=40)
    with PadBook.open(send) as book:
        text = procedure.encrypt(
            "Meet at noon by the old mill, bring the papers. " * 3, book
        ).render()
    server = Server(tmp_path).start()
    try:
        page = browser.new_page()
        page.goto(server.url())
        page.get_by_role("navigation").get_by_role("link", name="Triage").click()
        page.get_by_label("Document (as found: an e-mail, a web page, a transcript)").fill(text)
        with page.expect_navigation():
            page.get_by_role("button", name="Triage it").click()
        assert page.locator("#verdict").is_visible()
        assert page.locator("#digit-plot rect.bar").count() == 10
        assert page.get_by_role("img", name=re.compile("^Digit frequencies")).is_visible()
        _accessible(page)
        _shot(page, tmp_path, "triage")
    finally:
        server.stop()


def test_the_depth_workbench_recovers_a_planted_depth_with_a_crib(
    browser: Browser, tmp_path: Path
) -> None:
    from tests.console_depth import BOARD, digit_of, planted

    server = Server(tmp_path).start()
    try:
        page = browser.new_page()
        page.goto(server.url())
        page.get_by_role("navigation").get_by_role("link", name="Depths").click()
        page.get_by_label("Messages (each one's groups; a blank line between messages)").fill(
            planted()
        )
        page.get_by_label("Board").select_option(BOARD)
        with page.expect_navigation():
            page.get_by_role("button", name="Find depths").click()
        assert page.locator("#depths li").inner_text().startswith("messages 1 and 3: offset 0")
        page.get_by_label("Crib (a word you guess)").fill("SAFE HOUSE")
        page.get_by_label("in message").fill("3")
        at = digit_of("ALL IS WELL HERE THE SAFE HOUSE", "SAFE HOUSE")
        slider = page.get_by_label("At digit")
        slider.fill(str(at + 1))  # one digit off: noise
        slider.focus()
        page.keyboard.press("ArrowLeft")  # dragged onto the right place
        status = page.locator("#drag-status")
        status.filter(has_text=f"Crib at digit {at};").wait_for()
        rows = page.locator("#readings tbody tr")
        assert rows.nth(2).locator("td").first.inner_text() == "SAFE HOUSE"
        first = rows.nth(0).locator("td").first.inner_text()
        assert "COURIER" in first, first  # message 1 reads as words there: recovered
        _accessible(page)
        _shot(page, tmp_path, "depth")
    finally:
        server.stop()


def test_after_make_demo_the_console_opens_the_demo_folder(
    browser: Browser, tmp_path: Path
) -> None:
    from tests.clirun import cinq

    out = tmp_path / "demo-out"
    done = cinq("demo", "--out", out)
    assert done.returncode == 0 and f"cinq console --folder {out}" in done.stdout.replace("\n", "")
    server = Server(out).start()
    try:
        page = browser.new_page()
        page.goto(server.url())
        page.get_by_role("navigation").get_by_role("link", name="Pad books").click()
        for book in ("station.send.pad", "station.receive.pad", "decoy.receive.pad"):
            assert page.get_by_role("rowheader", name=re.compile(book)).is_visible()
        page.get_by_role("navigation").get_by_role("link", name="Read").click()
        page.get_by_label("Document").fill((out / "message.txt").read_text(encoding="utf-8"))
        page.get_by_label("Receive book").select_option("station.receive.pad")
        page.get_by_label("Language").select_option("fr")
        with page.expect_navigation():
            page.get_by_role("button", name="Verify and decipher").click()
        assert "was burned" in page.get_by_role("alert").inner_text()  # the demo burned it
    finally:
        server.stop()

"""Triage finds what is there, and does not find what is not."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import numpy as np
import pytest

import cinq
from cinq import digits as dg
from cinq import language as lg
from cinq.analysis.intercepts import InterceptLog
from cinq.analysis.triage import triage
from cinq.book import PadBook, Role
from cinq.hazmat.pages import peek_pages
from cinq.message import pad_to_groups
from tests.fixtures import SEED_GROUPS, french_sample
from tests.test_cli import cinq as run

PLAINTEXTS = {
    "en": "THE MEETING IS MOVED TO THURSDAY AT THE OLD STATION, BRING THE DOCUMENTS AND THE MONEY",
    "fr": "LA RENCONTRE EST REPORTEE A JEUDI PRES DE LA GARE, APPORTEZ LES DOCUMENTS ET L'ARGENT",
    "de": "DAS TREFFEN WIRD AUF DONNERSTAG AM ALTEN BAHNHOF VERLEGT, BRINGEN SIE DIE UNTERLAGEN",
    "es": "LA REUNION SE TRASLADA AL JUEVES EN LA VIEJA ESTACION, TRAIGA LOS DOCUMENTOS",
    "ru": "ВСТРЕЧА ПЕРЕНЕСЕНА НА ЧЕТВЕРГ У СТАРОГО ВОКЗАЛА, ПРИНЕСИТЕ ДОКУМЕНТЫ И ДЕНЬГИ",
}


def groups_of(digits: np.ndarray) -> tuple[str, ...]:
    return tuple(dg.to_groups(digits))


def test_the_reference_sample_reads_as_one_time_pad_ciphertext() -> None:
    t = triage(french_sample())
    assert t.kind == "otp" and t.groups == SEED_GROUPS
    assert t.cover_language == "fr" and t.signature == "mrtrv"
    assert t.verdict.startswith("29 groups (145 digits); cover text in French; ")
    assert "digits consistent with uniform random (chi-square p = " in t.verdict
    assert (
        "no check-digit scheme" in t.verdict and "not a book cipher on the cover text" in t.verdict
    )
    assert "no checkerboard plaintext" in t.verdict
    assert t.verdict.endswith(
        "consistent with one-time-pad ciphertext: unreadable without the pad."
    )
    assert "2017" in t.other_numbers


@pytest.mark.parametrize("lang", sorted(PLAINTEXTS))
def test_checkerboard_plaintext_without_a_pad_is_read(lang: str) -> None:
    profile = lg.language(lang)
    digits = pad_to_groups(lg.encode(PLAINTEXTS[lang], profile.board, profile), profile.board)
    t = triage(cinq.Document(groups=groups_of(digits)))
    assert t.kind == "checkerboard"
    assert t.boards[0].board == profile.board.name and t.boards[0].lang == lang
    assert PLAINTEXTS[lang][:20] in t.verdict


def test_uniform_groups_are_not_flagged() -> None:
    rng = np.random.default_rng(12)
    kinds = [
        triage(cinq.Document(groups=groups_of(rng.integers(0, 10, 150, dtype=np.uint8)))).kind
        for _ in range(30)
    ]
    assert kinds.count("otp") >= 29


def test_digits_typed_by_a_person_are_not_random() -> None:
    rng = np.random.default_rng(3)
    # People avoid repeats, favour the middle of the keypad and walk to neighbours.
    d = [5]
    while len(d) < 300:
        step = rng.choice([-2, -1, 1, 2, 3], p=[0.2, 0.3, 0.3, 0.15, 0.05])
        d.append(int(min(9, max(1, d[-1] + step))))
    t = triage(cinq.Document(groups=groups_of(np.array(d, dtype=np.uint8))))
    assert t.kind == "not-random" and not t.random.uniform


def test_numbers_with_a_luhn_check_digit() -> None:
    rng = np.random.default_rng(5)
    groups = []
    for _ in range(30):
        body = [int(x) for x in rng.integers(0, 10, 4)]
        total = sum(
            sum(divmod(2 * x, 10)) if i % 2 == 0 else x for i, x in enumerate(reversed(body))
        )
        groups.append("".join(map(str, body)) + str((10 - total % 10) % 10))
    t = triage(cinq.Document(groups=tuple(groups)))
    assert t.kind == "check-digits" and "Luhn" in t.verdict


def test_a_book_cipher_on_the_cover_text() -> None:
    cover = (
        "Notre village organise samedi une grande fete pour celebrer la moisson. "
        "Marchands, musiciens et enfants se retrouvent sur la place des la matinee. "
        "Tous attendent avec impatience le concours de tartes et le bal du soir. "
        "Le maire remerciera les benevoles qui preparent les tables depuis mardi. "
        "Rendez vous nombreux sous les tilleuls, ensemble, pour une journee radieuse."
    )
    words = cover.split()
    plain = "MARDISOIRALAGAREDUNORD"
    idx = []
    for ch in plain:  # each letter: the first word that starts with it
        idx.append(next(i for i, w in enumerate(words, 1) if w[0].upper() == ch))
    digits = "".join(f"{i:03d}" for i in idx)
    digits += "0" * (-len(digits) % 5)
    t = triage(cinq.Document(groups=tuple(dg.to_groups(dg.from_str(digits))), cover=cover))
    assert t.kind == "book-cipher", t.verdict
    assert plain[:12] in (t.book_cipher[0][0].text or "").upper()


def test_a_pad_used_twice_is_found_in_the_intercept_log(tmp_path: Path) -> None:
    send, _ = PadBook.create_pair(tmp_path / "a", pages=5)
    with PadBook.open(send) as b:
        pages = [(p.info.page_id, p.digits) for p in peek_pages(b)]
    (copy,) = PadBook.create_from_pages(tmp_path / "copy", pages, roles=(Role.SEND,))
    texts = [
        "THE COURIER ARRIVES ON MONDAY WITH THE NEW CODE BOOKS AND MONEY FOR THE NETWORK. "
        "HE WILL WAIT AT THE USUAL PLACE NEAR THE STATION UNTIL NINE IN THE EVENING.",
        "ALL AGENTS MUST LEAVE THE CITY BEFORE FRIDAY AND WAIT FOR NEW INSTRUCTIONS AT HOME. "
        "DO NOT USE THE TELEPHONE AND DESTROY THE OLD PADS AS SOON AS YOU CAN.",
    ]
    docs = []
    for book, text in ((send, texts[0]), (copy, texts[1])):
        with PadBook.open(book) as b:
            docs.append(cinq.encrypt(text, b))
    other, _ = PadBook.create_pair(tmp_path / "b", pages=5)
    with PadBook.open(other) as b:
        docs.append(
            cinq.encrypt("AN UNRELATED MESSAGE ON ANOTHER PAD ENTIRELY, OF SIMILAR LENGTH", b)
        )
    log = tmp_path / "log.sqlite"
    with InterceptLog.open(log) as il:
        for n, d in enumerate(docs):
            il.add("E11", d.groups, when=f"2026-11-2{n}T18:00:00Z", khz=5310, label="abc"[n])
    r = run("triage", "--intercepts", log, "--board", "CT-55", "--json")
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    assert len(data["messages"]) == 3 and data["copies"] == []
    (depth,) = data["depths"]
    assert sorted(depth["messages"]) == ["a", "b"] and depth["same_indicator"] is True
    assert depth["offset"]["groups"] == 0 and depth["false_alarm"] < 0.01
    r = run("triage", "--intercepts", log, "--board", "CT-55")
    assert "one pad used twice" in r.stdout
    r = run("triage", "--board", "CT-55", input="12345 67890\n")  # only with a log
    assert r.returncode == 2 and "give --intercepts LOG" in r.stderr


def test_an_unreadable_digit_is_marked_in_a_reading_not_glued_over() -> None:
    profile = lg.language("en")
    digits = pad_to_groups(lg.encode(PLAINTEXTS["en"], profile.board, profile), profile.board)
    text = "".join(map(str, digits))
    text = text[:12] + "?" + text[13:40] + "?" + text[41:]  # two digits nobody read
    t = triage(cinq.Document(groups=tuple(text[i : i + 5] for i in range(0, len(text), 5))))
    assert t.kind == "checkerboard" and t.unknown_digits == 2
    # Each stretch between unreadable digits is read apart, the gap marked (the digits
    # either side were once glued together: "MEETIG", a letter silently lost).
    reading = t.boards[0].text
    assert reading.count("\ufffd") == 2 and reading.startswith("THE MEETI\ufffdG IS MOVED")
    assert reading.endswith("BRING THE DOCUMENTS AND THE MONEY")


def _unreadable_copy() -> tuple[str, ...]:
    rng = np.random.default_rng(21)
    digits = [str(d) for d in rng.integers(0, 10, 150)]
    for k in (3, 4, 17, 60, 61, 62, 63, 64, 149):  # a "?????" group among them
        digits[k] = "?"
    text = "".join(digits)
    return tuple(text[i : i + 5] for i in range(0, 150, 5))


@pytest.mark.parametrize("form", ["plain", "e-mail", "html", "received"])
def test_triage_reads_a_copy_with_unreadable_digits_in_every_form(
    form: str, tmp_path: Path
) -> None:
    groups = _unreadable_copy()
    lines = [" ".join(groups[i : i + 10]) for i in range(0, len(groups), 10)]
    text = {
        "plain": "\n".join(lines) + "\n",
        "e-mail": "Heard tonight:\n\n" + "".join(f"> {line}\n" for line in lines) + "\n-- \nA.\n",
        "html": "<html><body><p>" + "<br>".join(lines) + "</p></body></html>\n",
        "received": cinq.Document(groups=groups).render(),
    }[form]
    (tmp_path / "copy.txt").write_text(text, encoding="utf-8")
    r = run("triage", tmp_path / "copy.txt", "--json")
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    assert data["groups"] == list(groups) and data["unknown_digits"] == 9
    assert data["kind"] == "otp" and "9 unreadable" in data["verdict"]


def test_log_triage_reads_messages_with_unreadable_digits(tmp_path: Path) -> None:
    groups = _unreadable_copy()
    log = tmp_path / "log.sqlite"
    with InterceptLog.open(log) as il:
        il.add("E11", groups)
        second = groups[1][0] + "?" + groups[1][2] + "?" + groups[1][4]
        il.add("E11", ("?????", second, *groups[2:]))  # a second copy, worse heard
        il.add("E11", ("?????",) * 3)
    r = run("triage", "--intercepts", log, "--board", "CT-55", "--json")
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    assert [m["kind"] for m in data["messages"]] == ["otp", "otp", "unreadable"]
    assert [m["unknown_digits"] for m in data["messages"]] == [9, 14, 15]
    (copies,) = data["copies"]
    assert copies["members"] == ["1", "2"] and copies["merged"] == list(groups)


def test_with_the_book_the_message_is_read(tmp_path: Path) -> None:
    send, receive = PadBook.create_pair(tmp_path / "n", pages=5)
    with PadBook.open(send) as b:
        doc = cinq.encrypt("MEET AT NOON", b, cover="Weather: sunny and warm in the south.")
    with PadBook.open(receive) as b:
        t = triage(doc.render(), book=b)
    assert t.kind == "decrypted" and t.decrypted == "MEET AT NOON"


def test_cli_triage_json_and_report_rendered_in_chromium(tmp_path: Path) -> None:
    (tmp_path / "doc.txt").write_text(french_sample(), encoding="utf-8")
    r = run("triage", tmp_path / "doc.txt", "--json", "--report", tmp_path / "report")
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    assert data["kind"] == "otp" and data["groups"] == list(SEED_GROUPS)
    page = tmp_path / "report" / "index.html"
    assert "one-time-pad" in page.read_text() and (tmp_path / "report" / "digits.png").exists()
    shot = tmp_path / "shot.png"
    subprocess.run(
        ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
         "--no-first-run", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", f"--user-data-dir={tmp_path / 'chrome'}", "--window-size=1200,2400",
         f"--screenshot={shot}", page.as_uri()],
        capture_output=True, timeout=120, check=False,
    )  # fmt: skip
    from PIL import Image

    img = np.asarray(Image.open(shot).convert("L"))
    assert img.shape[0] > 1000 and (img < 100).mean() > 0.005 and (img > 200).mean() > 0.5
    assert run("triage", input="no groups here\n").returncode == 2

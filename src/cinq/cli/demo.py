"""``cinq demo``: the whole procedure, station to agent, explained step by step.

The demo never destroys a file it did not make. It works in a folder of its own,
marked by a ``.cinq-demo`` file that lists every file the demo wrote with its SHA-256:

* a missing folder is created;
* an empty folder is used;
* a folder the demo made before (it has the marker) is reused: the demo's own files,
  unchanged since the demo wrote them, are replaced; anything else stays as it is,
  and a file in the way of one the demo writes (a user's ``station.send.pad``, or a
  demo file changed since) is a refusal;
* any other folder that holds anything is refused (exit 2), naming what is in it.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.panel import Panel
from rich.rule import Rule

from .. import digits as dg
from .. import language as lg
from .. import procedure
from ..book import PadBook
from ..decoy import make_decoy
from ..document import Document
from ..errors import AuthenticationFailed, CannotWrite, KeyManagementError
from ..files import atomic_write

COVER = """\
Le Tramway du Val-d’Orge rouvre après dix-huit mois de travaux

La ligne, fermée depuis l’été 2017 pour le remplacement des voies, accueille de
nouveau ses voyageurs dès lundi. « Nous avons tenu le calendrier », s’est félicitée
la présidente du syndicat des transports, qui annonce une rame toutes les
sept minutes aux heures de pointe. Les riverains, eux, attendent de voir."""

PLAINTEXT = (
    "Rendez-vous jeudi à 14 h 30 près de l’église Saint-Étienne. "
    "Apportez le colis, ne parlez à personne. Où est Gaël ?"
)

CALLSIGN = "KESTREL"
MARKER = ".cinq-demo"
_FILES = (
    "station.send.pad",
    "station.receive.pad",
    "message.txt",
    "received.txt",
    "decoy.receive.pad",
    "network.db",
    "agent374.receive.pad",
    "agent374.send.pad",
    "broadcasts.txt",
)
DECOY = "Bon anniversaire, maman ! Nous arrivons dimanche vers midi avec le gâteau et les fleurs."
_MAX_OWN = 10 * 2**20  # no demo file is this big: a bigger one is not the demo's


def _listing(names: list[str], limit: int = 5) -> str:
    shown = ", ".join(names[:limit])
    return shown + (f" and {len(names) - limit} more" if len(names) > limit else "")


def _digest(path: Path) -> str | None:
    """SHA-256 of a regular file of at most ``_MAX_OWN`` bytes, else None (also for a
    file that cannot be read: it is not one the demo can vouch for)."""
    try:
        if path.is_symlink() or not path.is_file() or path.stat().st_size > _MAX_OWN:
            return None
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def _read_marker(folder: Path) -> dict[str, str] | None:
    """The demo's files listed in the marker (name -> SHA-256); None without a marker."""
    marker = folder / MARKER
    if marker.is_symlink() or not marker.is_file():
        return None
    try:
        data = json.loads(marker.read_text(encoding="utf-8"))
        files = data["files"]
    except (OSError, ValueError, KeyError, TypeError):
        return {}  # a damaged marker vouches for no file
    if not isinstance(files, dict):
        return {}
    return {str(k): str(v) for k, v in files.items() if k in _FILES}


@dataclass(frozen=True)
class DemoFolder:
    """The folder the demo works in, and its marker."""

    path: Path

    def record(self) -> None:
        """Write the marker: every demo file now present, with its SHA-256."""
        files = {name: _digest(self.path / name) for name in _FILES}
        data = {"made_by": "cinq demo", "files": {k: v for k, v in files.items() if v}}
        atomic_write(self.path / MARKER, json.dumps(data, indent=2) + "\n")


def prepare_folder(out: Path) -> DemoFolder:
    """Make ``out`` ready for a run, following the rules in the module docstring.

    Raises :class:`CannotWrite` (exit 2) having deleted nothing."""
    if out.exists() and not out.is_dir():
        raise CannotWrite(f"cannot run the demo in {out}: it is a file, not a folder")
    try:
        out.mkdir(parents=True, exist_ok=True)
        entries = sorted(p.name for p in out.iterdir())
    except OSError as e:
        raise CannotWrite(f"cannot run the demo in {out}: {e.strerror or e}") from None
    own = _read_marker(out)
    if own is None:
        if entries:
            raise CannotWrite(
                f"folder {out} is not empty ({_listing(entries)}) and was not made by the "
                "demo: it writes only into a new or empty folder, or one it made before. "
                "Nothing was changed; choose another --out"
            )
        own = {}
    mine = [n for n in entries if n in own and _digest(out / n) == own[n]]
    in_the_way = [n for n in entries if n in _FILES and n not in mine]
    if in_the_way:
        raise CannotWrite(
            f"{_listing(in_the_way)} in {out} not made by the demo, or changed since it "
            "made them: nothing was changed; move them away or choose another --out"
        )
    try:
        for name in mine:
            (out / name).unlink()
    except OSError as e:
        raise CannotWrite(f"cannot replace the demo's files in {out}: {e.strerror}") from None
    folder = DemoFolder(out)
    folder.record()
    return folder


def demo(
    out: Annotated[Path, typer.Option(help="Folder for the demo's files.")] = Path("demo-out"),
) -> None:
    """Play the whole scenario: a pad pair, a French message under a cover text, the
    agent's decryption, the pages burned. Files go to --out (default ./demo-out).

    The demo makes --out if it is missing and refuses a folder that holds files it did
    not make; rerun in its own folder, it replaces only its own files."""
    folder = prepare_folder(out)
    con = Console()
    send_path, receive_path = _pair(con, folder)
    doc = _encrypt(con, folder, send_path)
    _forger(con, doc, receive_path)
    parsed = _receive(con, folder, receive_path)
    _deny(con, folder, parsed)
    _burn(con, folder, (send_path, receive_path), parsed)
    _network(con, folder)
    con.print(Rule())
    con.print(f"Files in {out}/: " + ", ".join(_FILES) + f" (and {MARKER}, the demo's mark)")
    con.print(
        f"The same story in a browser: cinq console --folder {out}", highlight=False, soft_wrap=True
    )


def _step(con: Console, n: int, title: str, text: str) -> None:
    con.print(Rule(f"[bold]{n}. {title}"))
    con.print(text, highlight=False)


def _pair(con: Console, folder: DemoFolder) -> tuple[Path, Path]:
    _step(
        con,
        1,
        "The pad pair",
        "The station makes a pair of pad books from the OS CSPRNG: the SEND book stays "
        "at the station, the RECEIVE book travels to the agent. Same digits, but each may "
        "only do its own half, so both sides can never encrypt on the same page.",
    )
    send_path, receive_path = PadBook.create_pair(folder.path / "station", pages=20, groups=50)
    folder.record()
    with PadBook.open(send_path) as station:
        st = station.status()
    con.print(f"  {send_path}  (mode 0600)\n  {receive_path}")
    con.print(f"  book {st.serial}: {st.pages} pages of {st.groups_per_page} groups")
    return send_path, receive_path


def _encrypt(con: Console, folder: DemoFolder, send_path: Path) -> Document:
    french = lg.language("fr")
    board = french.board
    _step(
        con,
        2,
        "The plaintext",
        f"A French message. The French profile folds accents (É -> E) and normalises "
        f"typographic apostrophes; board {board.name} turns the letters into digits "
        f"(frequent letters take one digit, figures are doubled in figures mode).",
    )
    con.print(Panel(PLAINTEXT, title="clear text"))
    con.print(f"  as the board sees it: {lg.prepare(PLAINTEXT, board, french).text}")
    con.print(f"  digits: {dg.spaced(lg.encode(PLAINTEXT, board, french))}")
    _step(
        con,
        3,
        "Encryption at the station",
        "The next unused page is taken from the SEND book in one transaction, the "
        "digits are enciphered mod 10 without carry (cipher = plain - key), and the "
        "page ID goes first in clear as the indicator. Four check groups, keyed by the "
        "pad digits after the text, close the message so that no one can alter it. "
        "The groups are put under an ordinary news article and signed.",
    )
    with PadBook.open(send_path) as station:
        doc = procedure.encrypt(PLAINTEXT, station, lang=french, cover=COVER, signature=CALLSIGN)
    atomic_write(folder.path / "message.txt", doc.render())
    folder.record()
    con.print(f"  {folder.path / 'message.txt'} (shown five groups a line):\n")
    con.print(doc.render(per_line=5), markup=False, highlight=False, soft_wrap=True)
    return doc


def _forger(con: Console, doc: Document, receive_path: Path) -> None:
    _step(
        con,
        4,
        "A forger at work",
        "Someone who intercepts the message on its way changes one digit of one group. Without the "
        "pad they cannot fix the check groups, so the agent's cinq refuses it (exit 4) "
        "and deciphers nothing.",
    )
    groups = list(doc.groups)
    groups[3] = f"{(int(groups[3]) + 1) % 100000:05d}"
    con.print(f"  group 4: {doc.groups[3]} -> {groups[3]}")
    with PadBook.open(receive_path) as agent:
        try:
            procedure.decrypt(Document(groups=tuple(groups)), agent, lang="fr")
        except AuthenticationFailed as e:
            con.print(f"  refused: [italic]{escape(str(e))}[/]")
        else:  # pragma: no cover - would be a bug in the check groups
            raise RuntimeError("an altered message was accepted")
        assert agent.status().used == 0  # the page waits for the genuine message


def _receive(con: Console, folder: DemoFolder, receive_path: Path) -> Document:
    _step(
        con,
        5,
        "Reception",
        "The genuine message arrives. The agent pastes the text in: cinq finds the "
        "cover, the block of groups and the signature, looks the indicator up in the "
        "RECEIVE book, verifies the check groups and only then deciphers "
        "(plain = cipher + key). The signature line is not covered by the check groups: "
        "anyone can change it, so it names, it does not prove.",
    )
    parsed = Document.parse((folder.path / "message.txt").read_text(encoding="utf-8"))
    con.print(
        f"  found {len(parsed.groups)} groups, indicator {parsed.groups[0]}, "
        f"signed (unauthenticated) {parsed.signature}"
    )
    with PadBook.open(receive_path) as agent:
        received = procedure.decrypt(parsed, agent, lang="fr")
    atomic_write(folder.path / "received.txt", received.text + "\n")
    folder.record()
    con.print(Panel(received.text, title="deciphered, check groups verified"))
    return parsed


def _deny(con: Console, folder: DemoFolder, parsed: Document) -> None:
    _step(
        con,
        6,
        "Deniability",
        "Made to hand over the pad, the agent can produce a decoy book instead: under "
        "it the same groups read, and verify, as a harmless text. The decoy is the real "
        "book with other digits: its serial, creation time, pages, and the time the "
        "message was read are the real book's.",
    )
    receive_path = folder.path / "station.receive.pad"
    with PadBook.open(receive_path) as real:
        decoy_path = make_decoy(parsed, DECOY, folder.path / "decoy", lang="fr", like=real)
    folder.record()
    with PadBook.open(decoy_path) as fake:
        innocent = procedure.decrypt(parsed, fake, lang="fr")
    con.print(f"  {decoy_path}: [italic]{escape(innocent.text)}[/]")
    for info in innocent.previously:
        con.print(f"  the decoy says: page {info.page_id} already read on {info.used_at}")


def _burn(con: Console, folder: DemoFolder, books: tuple[Path, Path], parsed: Document) -> None:
    _step(
        con,
        7,
        "Burning the pages",
        "Both sides burn the used page: its digits are overwritten in the file "
        "(SQLite secure_delete), so a seized book reveals no past traffic.",
    )
    for path in books:
        with PadBook.open(path) as b:
            burned = b.burn_used()
            st = b.status()
        ids = ", ".join(p.page_id for p in burned)
        con.print(f"  {path.name}: burned {ids}; unused {st.unused}, burned {st.burned}")
    folder.record()
    with PadBook.open(books[1]) as agent:
        try:
            procedure.decrypt(parsed, agent, lang="fr")
        except KeyManagementError as e:
            con.print(f"  decrypting again is refused: [italic]{escape(str(e))}[/]")
        else:  # pragma: no cover - would be a bug in the book
            raise RuntimeError("a burned page was accepted")


NETWORK_SCHEDULE = """profile = "e11"
[[slot]]
agents = "all"
times = ["20:00"]
frequency_khz = 5810
stagger_minutes = 10
"""


def _network(con: Console, folder: DemoFolder) -> None:
    from datetime import UTC, datetime, timedelta

    from ..network import Schedule, Station, balance, export_books

    _step(
        con,
        8,
        "A station for a network of agents",
        "A station serves many agents, each with a pad pair, on a fixed schedule. Every "
        "slot goes out and every message is one page long: a slot with nothing to say "
        "carries a dummy, the board's fill enciphered on the agent's next page. An "
        "observer of the broadcasts learns the schedule and nothing else. (One SQLite "
        "file here; `cinq network --db postgresql://...` for several operators.)",
    )
    start = datetime(2027, 1, 4, tzinfo=UTC)
    with Station.create(folder.path / "network.db", name="demo") as station:
        for call, lang in (("374", "fr"), ("512", "en"), ("631", "ru")):
            station.add_agent(call, pages=10, groups=50, lang=lang)
        export_books(station, "374", folder.path / "agent374")
        station.queue("374", "Le colis est arrivé. Rendez-vous samedi.", at=start)
        slots = Schedule.parse(NETWORK_SCHEDULE).slots(
            start, start + timedelta(days=2), ["374", "512", "631"]
        )
        sent = [t for t in (station.transmit(s) for s in slots) if t is not None]
        balanced = balance(station).ok
    lines = [f"{t.slot.at:%a %H:%M}Z  {t.slot.agent}  {' '.join(t.groups)}" for t in sent]
    atomic_write(folder.path / "broadcasts.txt", "\n".join(lines) + "\n")
    folder.record()
    for t in sent:
        con.print(f"  {t.slot.at:%a %H:%M}Z  call {t.slot.agent}  {len(t.groups)} groups  "
                  f"{' '.join(t.groups[:4])} ...", highlight=False)  # fmt: skip
    with PadBook.open(folder.path / "agent374.receive.pad") as agent:
        for t in (t for t in sent if t.slot.agent == "374"):
            text = procedure.decrypt(t.document, agent, lang="fr").text or "(a dummy: empty)"
            con.print(f"  agent 374 reads the {t.slot.at:%a} broadcast: [italic]{escape(text)}[/]")
    folder.record()  # the agent's book now says which pages it read
    db = folder.path / "network.db"
    con.print(f"  the station's books balance: {balanced} (cinq network status --db {db})")

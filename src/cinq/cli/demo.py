"""``cinq demo``: the whole procedure, station to agent, explained step by step."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.panel import Panel
from rich.rule import Rule

from .. import digits as dg
from .. import language as lg
from .. import procedure
from ..book import PadBook
from ..document import Document
from ..errors import KeyManagementError
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
_FILES = ("station.send.pad", "station.receive.pad", "message.txt", "received.txt")


def demo(
    out: Annotated[Path, typer.Option(help="Folder for the demo's files.")] = Path("demo-out"),
) -> None:
    """Play the whole scenario: a pad pair, a French message under a cover text, the
    agent's decryption, the pages burned. Files go to --out (default ./demo-out)."""
    con = Console()
    out.mkdir(parents=True, exist_ok=True)
    for name in _FILES:  # a fresh run: the demo's own files only
        (out / name).unlink(missing_ok=True)

    def step(n: int, title: str, text: str) -> None:
        con.print(Rule(f"[bold]{n}. {title}"))
        con.print(text, highlight=False)

    step(
        1,
        "The pad pair",
        "The station makes a pair of pad books from the OS CSPRNG: the SEND book stays "
        "at the station, the RECEIVE book travels to the agent. Same digits, but each may "
        "only do its own half, so both sides can never encrypt on the same page.",
    )
    send_path, receive_path = PadBook.create_pair(out / "station", pages=20, groups=50)
    with PadBook.open(send_path) as station:
        st = station.status()
    con.print(f"  {send_path}  (mode 0600)\n  {receive_path}")
    con.print(f"  book {st.serial}: {st.pages} pages of {st.groups_per_page} groups")

    french = lg.language("fr")
    board = french.board
    step(
        2,
        "The plaintext",
        f"A French message. The French profile folds accents (É -> E) and normalises "
        f"typographic apostrophes; board {board.name} turns the letters into digits "
        f"(frequent letters take one digit, figures are doubled in figures mode).",
    )
    con.print(Panel(PLAINTEXT, title="clear text"))
    prepared = lg.prepare(PLAINTEXT, board, french)
    con.print(f"  as the board sees it: {prepared.text}")
    con.print(f"  digits: {dg.spaced(lg.encode(PLAINTEXT, board, french))}")

    step(
        3,
        "Encryption at the station",
        "The next unused page is taken from the SEND book in one transaction, the "
        "digits are enciphered mod 10 without carry (cipher = plain - key), and the "
        "page ID goes first in clear as the indicator. The groups are put under an "
        "ordinary news article and signed.",
    )
    with PadBook.open(send_path) as station:
        doc = procedure.encrypt(PLAINTEXT, station, lang=french, cover=COVER, signature=CALLSIGN)
    atomic_write(out / "message.txt", doc.render())
    con.print(f"  {out / 'message.txt'} (shown five groups a line):\n")
    con.print(doc.render(per_line=5), markup=False, highlight=False, soft_wrap=True)

    step(
        4,
        "Reception",
        "The agent pastes the text in: cinq finds the cover, the block of groups and "
        "the signature, looks the indicator up in the RECEIVE book and deciphers "
        "(plain = cipher + key).",
    )
    parsed = Document.parse((out / "message.txt").read_text(encoding="utf-8"))
    con.print(
        f"  found {len(parsed.groups)} groups, indicator {parsed.groups[0]}, "
        f"signed by {parsed.signature}"
    )
    with PadBook.open(receive_path) as agent:
        received = procedure.decrypt(parsed, agent, lang=french)
    atomic_write(out / "received.txt", received.text + "\n")
    con.print(Panel(received.text, title="deciphered"))

    step(
        5,
        "Burning the pages",
        "Both sides burn the used page: its digits are overwritten in the file "
        "(SQLite secure_delete), so a seized book reveals no past traffic.",
    )
    for path in (send_path, receive_path):
        with PadBook.open(path) as b:
            burned = b.burn_used()
            st = b.status()
        ids = ", ".join(p.page_id for p in burned)
        con.print(f"  {path.name}: burned {ids}; unused {st.unused}, burned {st.burned}")
    with PadBook.open(receive_path) as agent:
        try:
            procedure.decrypt(parsed, agent, lang=french)
        except KeyManagementError as e:
            con.print(f"  decrypting again is refused: [italic]{e}[/]")
        else:  # pragma: no cover - would be a bug in the book
            raise RuntimeError("a burned page was accepted")
    con.print(Rule())
    con.print(f"Files in {out}/: " + ", ".join(_FILES))

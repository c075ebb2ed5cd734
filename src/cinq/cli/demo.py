"""``cinq demo``: the whole procedure, station to agent, explained step by step."""

from __future__ import annotations

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
from ..errors import AuthenticationFailed, KeyManagementError
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
_FILES = (
    "station.send.pad",
    "station.receive.pad",
    "message.txt",
    "received.txt",
    "decoy.receive.pad",
)
DECOY = "Bon anniversaire, maman ! Nous arrivons dimanche vers midi avec le gâteau et les fleurs."


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
        "page ID goes first in clear as the indicator. Four check groups, keyed by the "
        "pad digits after the text, close the message so that no one can alter it. "
        "The groups are put under an ordinary news article and signed.",
    )
    with PadBook.open(send_path) as station:
        doc = procedure.encrypt(PLAINTEXT, station, lang=french, cover=COVER, signature=CALLSIGN)
    atomic_write(out / "message.txt", doc.render())
    con.print(f"  {out / 'message.txt'} (shown five groups a line):\n")
    con.print(doc.render(per_line=5), markup=False, highlight=False, soft_wrap=True)

    step(
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
            procedure.decrypt(Document(groups=tuple(groups)), agent, lang=french)
        except AuthenticationFailed as e:
            con.print(f"  refused: [italic]{escape(str(e))}[/]")
        else:  # pragma: no cover - would be a bug in the check groups
            raise RuntimeError("an altered message was accepted")
        assert agent.status().used == 0  # the page waits for the genuine message

    step(
        5,
        "Reception",
        "The genuine message arrives. The agent pastes the text in: cinq finds the "
        "cover, the block of groups and the signature, looks the indicator up in the "
        "RECEIVE book, verifies the check groups and only then deciphers "
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
    con.print(Panel(received.text, title="deciphered, check groups verified"))

    step(
        6,
        "Deniability",
        "Made to hand over the pad, the agent can produce a decoy book instead: under "
        "it the same groups read, and verify, as a harmless text.",
    )
    decoy_path = make_decoy(parsed, DECOY, out / "decoy", lang=french)
    with PadBook.open(decoy_path) as fake:
        innocent = procedure.decrypt(parsed, fake, lang=french)
    con.print(f"  {decoy_path}: [italic]{innocent.text}[/]")

    step(
        7,
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

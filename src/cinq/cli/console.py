"""``cinq console``: the local web console (:mod:`cinq.console`)."""

from __future__ import annotations

import webbrowser
from pathlib import Path
from typing import Annotated

import typer

from ..errors import BadInput
from ._io import notice
from .demo import MARKER


def console_cmd(
    port: Annotated[
        int, typer.Option(min=0, max=65535, help="Port on 127.0.0.1 (0: a free one).")
    ] = 8765,
    folder: Annotated[
        Path | None,
        typer.Option(
            help="The folder of pad books (*.pad) the console works on (default: this one; "
            "or, when it holds none, the folder make demo wrote, demo-out)."
        ),
    ] = None,
    no_browser: Annotated[
        bool, typer.Option("--no-browser", help="Print the URL only; do not open a browser.")
    ] = False,
) -> None:
    """Serve the web console on 127.0.0.1 for this folder's pad books; print its URL.

    The URL holds a one-time token: the first visit swaps it for a session cookie, and
    the link then opens nothing. The console answers on 127.0.0.1 and localhost only.
    Stop it with Ctrl-C.
    """
    from ..console import Server

    folder = folder if folder is not None else _default_folder()
    if not folder.is_dir():
        raise BadInput(f"{folder} is not a folder (the console works on a folder of pad books)")
    try:
        server = Server(folder.resolve(), port)
    except OSError as e:
        raise BadInput(f"cannot listen on 127.0.0.1:{port}: {e.strerror or e}") from None
    url = server.url()
    typer.echo(f"cinq console for {folder.resolve()}\nOpen this link once: {url}\nCtrl-C stops it.")
    if not any(folder.glob("*.pad")):
        notice(f"note: no pad books (*.pad) in {folder}")
    if not no_browser:
        webbrowser.open(url)
    server.run()


def _default_folder() -> Path:
    """This folder, or the demo's (``make demo``: ``demo-out``, marked as the demo's)
    when this one holds no pad book and that one exists: noted."""
    here, demo = Path("."), Path("demo-out")
    if not any(here.glob("*.pad")) and (demo / MARKER).is_file():
        notice(f"no pad books here: opening the demo's folder {demo}")
        return demo
    return here

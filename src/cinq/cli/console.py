"""``cinq console``: the local web console (:mod:`cinq.console`)."""

from __future__ import annotations

import webbrowser
from pathlib import Path
from typing import Annotated

import typer

from ..errors import BadInput
from ._io import notice


def console_cmd(
    port: Annotated[
        int, typer.Option(min=0, max=65535, help="Port on 127.0.0.1 (0: a free one).")
    ] = 8765,
    folder: Annotated[
        Path, typer.Option(help="The folder of pad books (*.pad) the console works on.")
    ] = Path("."),
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

    if not folder.is_dir():
        raise BadInput(f"{folder} is not a folder (the console works on a folder of pad books)")
    try:
        server = Server(folder.resolve(), port)
    except OSError as e:
        raise BadInput(f"cannot listen on 127.0.0.1:{port}: {e.strerror or e}") from None
    url = server.url()
    typer.echo(f"cinq console for {folder.resolve()}\nOpen this link once: {url}\nCtrl-C stops it.")
    if not any(folder.glob("*.pad")):
        demo = (
            " (make demo wrote some: --folder demo-out)" if (folder / "demo-out").is_dir() else ""
        )
        notice(f"note: no pad books (*.pad) in {folder}{demo}")
    if not no_browser:
        webbrowser.open(url)
    server.run()

"""Serving the console: uvicorn on 127.0.0.1, with no access log (URLs would carry the
one-time token), in the foreground for ``cinq console`` or on a thread for tests."""

from __future__ import annotations

import socket
import threading
import time
from pathlib import Path

import uvicorn

from .app import create_app
from .guard import Guard

__all__ = ["HOST", "Server"]

HOST = "127.0.0.1"
"""The one address the console listens on."""


class Server:
    """The console for ``folder`` on ``port`` of :data:`HOST` (0: a free port, chosen
    now). :meth:`url` is the link to open once."""

    def __init__(self, folder: str | Path, port: int = 0) -> None:
        self.socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.socket.bind((HOST, port))  # bound here: the port is ours before the URL is told
        self.port = int(self.socket.getsockname()[1])
        self.guard = Guard(self.port)
        config = uvicorn.Config(
            create_app(folder, self.guard), log_level="warning", access_log=False, lifespan="off"
        )
        self.server = uvicorn.Server(config)
        self.thread: threading.Thread | None = None

    def url(self) -> str:
        return self.guard.url()

    def run(self) -> None:
        """Serve until interrupted."""
        self.server.run(sockets=[self.socket])

    def start(self) -> Server:
        """Serve on a thread; returns once the console answers."""
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()
        while not self.server.started:
            if not self.thread.is_alive():
                raise RuntimeError("the console stopped while starting")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        if self.thread:
            self.thread.join(timeout=10)
        self.socket.close()

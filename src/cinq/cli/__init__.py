"""The ``cinq`` command line: a thin layer over the library.

Data goes to stdout, notices and errors to stderr. Every failure goes through one
path (:class:`CinqGroup`): exit 0 success, 2 usage or bad input (including an output
that cannot be written), 3 refused for key-management reasons, 4 authentication
failed, 70 an internal error (a bug: one line, a traceback only with ``CINQ_DEBUG=1``),
130 interrupted.
"""

from __future__ import annotations

import errno
import os
import sys
import traceback
from typing import Annotated, Any

import typer
from rich.markup import escape
from typer.core import TyperGroup, TyperOption

from .. import __version__
from ..errors import BadInput, CannotWrite, CinqError
from . import board, codebook, crypt, demo, document, pad, printing, radio, triage, vic
from ._io import err, stdout_reason

INTERNAL_ERROR = 70
INTERRUPTED = 130
_DEBUG = "CINQ_DEBUG"


def _flags_as_flags() -> None:
    """Show a flag as a flag in --help (``--json``), not as ``--json <bool>``: a user
    reading ``<bool>`` types ``--json true`` and gets a usage error."""
    shown = TyperOption.display_type_rich

    def display_type_rich(self: TyperOption, ctx: Any) -> str | None:
        return None if self.is_flag else shown(self, ctx)

    TyperOption.display_type_rich = display_type_rich  # type: ignore[method-assign]


_flags_as_flags()


def report_error(e: CinqError) -> None:
    err.print(f"[bold red]cinq: error:[/] {escape(str(e))}", soft_wrap=True)


def report_bug(e: BaseException) -> None:
    """One line saying a bug happened and where to report it; the traceback only when
    the user asks for it with CINQ_DEBUG=1."""
    if os.environ.get(_DEBUG, "") not in ("", "0"):
        traceback.print_exception(e, file=sys.stderr)
    what = f"{type(e).__name__}: {e}" if str(e) else type(e).__name__
    err.print(
        f"[bold red]cinq: internal error:[/] {escape(what)} (this is a bug in cinq; please "
        f"report it with the command you ran; set {_DEBUG}=1 for the traceback)",
        soft_wrap=True,
    )


def os_error(e: OSError) -> CinqError | None:
    """The user-facing error for an OSError that reached the top (None: a bug).

    A file named in the error is a file the user gave (or its folder); an error on a
    stream without a name is standard output: a closed pipe, a full disk."""
    if e.filename is not None:
        return BadInput(f"cannot use {e.filename}: {e.strerror or e}")
    if e.errno in (errno.EPIPE, errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO):
        return CannotWrite(f"cannot write standard output: {stdout_reason(e)}")
    return None


class CinqGroup(TyperGroup):
    """The root command: every exception a command raises ends here as a message and
    an exit code, in the console script and under ``typer.testing.CliRunner`` alike."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except (typer.Exit, typer.Abort, typer.TyperException):
            raise  # exit codes and usage errors (exit 2) Typer already reports
        except CinqError as e:
            report_error(e)
            raise typer.Exit(e.exit_code) from None
        except KeyboardInterrupt:
            raise typer.Exit(INTERRUPTED) from None
        except OSError as e:
            raise typer.Exit(_report_os_error(e)) from None
        except Exception as e:
            report_bug(e)
            raise typer.Exit(INTERNAL_ERROR) from None


def _report_os_error(e: OSError) -> int:
    mapped = os_error(e)
    if mapped is None:
        report_bug(e)
        return INTERNAL_ERROR
    report_error(mapped)
    return mapped.exit_code


def _version(value: bool) -> None:
    if value:
        typer.echo(f"cinq {__version__}")
        raise typer.Exit()


app = typer.Typer(
    name="cinq",
    cls=CinqGroup,
    help=(
        "Five-figure-group messages in the numbers-station tradition: checkerboards, "
        "one-time pad books, documents under a cover text."
    ),
    epilog=(
        "Exit codes: 0 done; 1 `receive` copied some digits unsure (written ?); "
        "2 bad usage, bad input or an output that cannot be written; "
        "3 refused for key management (unknown, used, burned or spoiled page, wrong book); "
        "4 the check groups do not match; 70 a bug in cinq; 130 interrupted."
    ),
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    rich_markup_mode="markdown",
    context_settings={"help_option_names": ["-h", "--help"]},
)


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version", "-V", callback=_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    """The options of ``cinq`` itself (the help text is the app's)."""


app.add_typer(pad.app, name="pad")
app.add_typer(board.app, name="board")
app.add_typer(codebook.app, name="codebook")
app.add_typer(printing.app, name="print")
app.command("encrypt")(crypt.encrypt)
app.command("decrypt")(crypt.decrypt)
app.command("parse")(document.parse)
app.command("demo")(demo.demo)
app.command("broadcast")(radio.broadcast)
app.command("receive")(radio.receive_cmd)
app.add_typer(radio.voice_app, name="voice")
app.add_typer(radio.station_app, name="station")
app.command("triage")(triage.triage_cmd)
app.add_typer(triage.intercepts_app, name="intercepts")
app.add_typer(vic.app, name="vic")


def run(args: list[str] | None = None) -> int:
    """Run the command line; returns the exit code (errors already reported)."""
    try:
        app(args=args, prog_name="cinq")
    except SystemExit as e:
        return e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
    except KeyboardInterrupt:  # outside a command, e.g. while parsing
        return INTERRUPTED
    except CinqError as e:  # defensive: raised outside a command's invoke
        report_error(e)
        return e.exit_code
    except Exception as e:
        report_bug(e)
        return INTERNAL_ERROR
    return 0


def flush_stdout(code: int) -> int:
    """Flush stdout before the interpreter does: a full disk or a closed pipe is then
    one clear line and exit 2, not Python's "Exception ignored" noise."""
    try:
        sys.stdout.flush()
    except OSError as e:
        # As the Python docs advise for SIGPIPE: point stdout at devnull so that the
        # interpreter's own flush at exit finds nothing to complain about.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
        if code == 0:
            report_error(CannotWrite(f"cannot write standard output: {stdout_reason(e)}"))
            return CannotWrite.exit_code
    except ValueError:  # stdout closed by the command: nothing left to flush
        pass
    return code


def main() -> None:
    """Entry point of the ``cinq`` console script."""
    sys.exit(flush_stdout(run()))

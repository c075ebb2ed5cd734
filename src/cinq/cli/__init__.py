"""The ``cinq`` command line: a thin layer over the library.

Data goes to stdout, notices and errors to stderr. Every failure goes through one
path (:class:`CinqGroup`): exit 0 success, 2 usage or bad input (including an output
that cannot be written), 3 refused for key-management reasons, 4 authentication
failed, 70 an internal error (a bug: one line, a traceback only with ``CINQ_DEBUG=1``),
130 interrupted.
"""

from __future__ import annotations

import errno
import gc
import importlib
import os
import sys
import traceback
from collections.abc import Callable, Iterator, Mapping, MutableMapping
from dataclasses import dataclass
from typing import Annotated, Any, cast

import typer
from typer.core import TyperCommand, TyperGroup

from .. import __version__
from ..errors import BadInput, CannotWrite, CinqError
from ..extras import missing_extra

INTERNAL_ERROR = 70
INTERRUPTED = 130
_DEBUG = "CINQ_DEBUG"


def report_error(e: CinqError) -> None:
    from rich.markup import escape  # Rich loads only when there is something to say

    from ._io import err

    err.print(f"[bold red]cinq: error:[/] {escape(str(e))}", soft_wrap=True)


def report_bug(e: BaseException) -> None:
    """One line saying a bug happened and where to report it; the traceback only when
    the user asks for it with CINQ_DEBUG=1."""
    from rich.markup import escape

    from ._io import err

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
        from ._io import stdout_reason

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
        except ImportError as e:
            raise typer.Exit(_report_import_error(e, ctx)) from None
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


def _report_import_error(e: ImportError, ctx: Any) -> int:
    """An optional stack the command needs is not installed: name the extra (exit 2).
    Any other import failure is a bug."""
    command = ctx.meta.get(_COMMAND_KEY)
    entry = COMMANDS.get(command or "")
    mapped = missing_extra(
        e, extra=entry.extra if entry else None, feature=f"cinq {command}" if command else None
    )
    if mapped is None:
        report_bug(e)
        return INTERNAL_ERROR
    report_error(mapped)
    return mapped.exit_code


@dataclass(frozen=True)
class Entry:
    """A command of ``cinq`` before it is loaded: where it lives and its line in
    ``cinq --help`` (a test checks that the line is the command's own)."""

    module: str  # under cinq.cli
    attribute: str  # a Typer app (``group``) or a command function
    help: str
    group: bool = False
    extra: str | None = None  # the optional stack it needs (cinq.extras)


#: Every command of ``cinq``, in the order ``cinq --help`` lists them. A command's
#: module is imported only when the command runs (or shows its own help), so each
#: command pays only for what it uses.
COMMANDS: Mapping[str, Entry] = {
    "encrypt": Entry(
        "crypt",
        "encrypt",
        "Encipher a plaintext on the next unused page of a send book; print the document.",
    ),
    "decrypt": Entry(
        "crypt",
        "decrypt",
        "Read a document, find its page in a receive book by the indicator, verify, decipher.",
    ),
    "parse": Entry(
        "document",
        "parse",
        "Read a document (a web page, an e-mail, a transcript, a PDF) and print what it holds.",
    ),
    "demo": Entry(
        "demo",
        "demo",
        "Play the whole scenario: a pad pair, a French message under a cover text, the "
        "agent's decryption, the pages burned. Files go to --out (default ./demo-out).",
    ),
    "broadcast": Entry(
        "radio",
        "broadcast",
        "Turn a document's groups into the audio a numbers station would transmit.",
        extra="radio",
    ),
    "receive": Entry(
        "radio",
        "receive_cmd",
        "Copy the groups from a recording and write the document that `cinq decrypt` reads.",
        extra="radio",
    ),
    "triage": Entry(
        "triage",
        "triage_cmd",
        "What is this document, are its groups random, can it be read? Verdict with evidence.",
        extra="analysis",
    ),
    "console": Entry(
        "console",
        "console_cmd",
        "Serve the web console on 127.0.0.1 for this folder's pad books; print its URL.",
        extra="console",
    ),
    "pad": Entry("pad", "app", "One-time pad books: pairs of SEND and RECEIVE books.", True),
    "board": Entry("board", "app", "Straddling checkerboards.", True),
    "codebook": Entry("codebook", "app", "Three-digit codebooks behind the CODE escape.", True),
    "print": Entry(
        "printing", "app", "Print what a station would issue, as PDF.", True, extra="print"
    ),
    "voice": Entry("radio", "voice_app", "Voices the receiver knows.", True, extra="radio"),
    "station": Entry(
        "radio",
        "station_app",
        "Station profiles: transmission formats as data.",
        True,
        extra="radio",
    ),
    "intercepts": Entry(
        "intercepts",
        "intercepts_app",
        "The intercept log: messages heard, in SQLite.",
        True,
        extra="analysis",
    ),
    "depth": Entry(
        "depth", "app", "Depths: messages enciphered on one pad.", True, extra="analysis"
    ),
    "vic": Entry(
        "vic",
        "app",
        "The VIC cipher of Reino Häyhänen (1950s), in English or in the original Russian.",
        True,
    ),
    "network": Entry(
        "network",
        "app",
        "A station's network: agents' pad books, a queue, scheduled transmissions, an audit log.",
        True,
    ),
}

_COMMAND_KEY = "cinq.command"  # ctx.meta: the command being run


def load(name: str) -> Any:
    """The click command ``name`` of :data:`COMMANDS`, built as Typer builds the
    commands it is given up front (same options, same help, same markup)."""
    entry = COMMANDS[name]
    target = importlib.import_module(f"{__name__}.{entry.module}").__dict__[entry.attribute]
    holder = typer.Typer()
    if entry.group:
        holder.add_typer(target, name=name)
        return typer.main.get_group_from_info(
            holder.registered_groups[0],
            pretty_exceptions_short=app.pretty_exceptions_short,
            suggest_commands=app.suggest_commands,
            rich_markup_mode=app.rich_markup_mode,
        )
    holder.command(name)(target)
    return typer.main.get_command_from_info(
        holder.registered_commands[0],
        pretty_exceptions_short=app.pretty_exceptions_short,
        rich_markup_mode=app.rich_markup_mode,
    )


class _Commands(MutableMapping[str, Any]):
    """The root's subcommands: the names of :data:`COMMANDS` up front, each command
    loaded on first use; commands given as objects (a test's) are kept as they are."""

    def __init__(self, given: Mapping[str, Any]) -> None:
        self.loaded: dict[str, Any] = dict(given)
        self.order = [*COMMANDS, *(name for name in given if name not in COMMANDS)]

    def __getitem__(self, name: str) -> Any:
        if name not in self.loaded:
            if name not in COMMANDS:
                raise KeyError(name)
            self.loaded[name] = load(name)
        return self.loaded[name]

    def __setitem__(self, name: str, command: Any) -> None:
        if name not in self.order:
            self.order.append(name)
        self.loaded[name] = command

    def __delitem__(self, name: str) -> None:
        self.order.remove(name)
        self.loaded.pop(name, None)

    def __iter__(self) -> Iterator[str]:
        return iter(list(self.order))

    def __len__(self) -> int:
        return len(self.order)

    def __contains__(self, name: object) -> bool:
        return name in self.order


class LazyGroup(CinqGroup):
    """``cinq`` itself: :class:`CinqGroup` whose commands load only when used, as in
    Click's lazy-loading pattern. ``cinq --help`` lists them from :data:`COMMANDS`
    without importing any."""

    def __init__(self, *, commands: Any = None, **attrs: Any) -> None:
        super().__init__(commands=cast(Any, _Commands(commands or {})), **attrs)
        self._listing = False

    def list_commands(self, ctx: Any) -> list[str]:
        return list(self.commands)  # the names only: .items() would load every command

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        loaded = getattr(self.commands, "loaded", {})
        if self._listing and cmd_name in COMMANDS and cmd_name not in loaded:
            return TyperCommand(name=cmd_name, help=COMMANDS[cmd_name].help)
        return super().get_command(ctx, cmd_name)

    def format_help(self, ctx: Any, formatter: Any) -> None:
        self._listing = True
        try:
            super().format_help(ctx, formatter)
        finally:
            self._listing = False

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        resolved = super().resolve_command(ctx, args)
        ctx.meta[_COMMAND_KEY] = resolved[0]
        return resolved


def _version(value: bool) -> None:
    if value:
        typer.echo(f"cinq {__version__}")
        raise typer.Exit()


app = typer.Typer(
    name="cinq",
    cls=LazyGroup,
    help=(
        "Five-figure-group messages in the numbers-station tradition: checkerboards, "
        "one-time pad books, documents under a cover text."
    ),
    epilog=(
        "Exit codes: 0 done; 1 `receive` copied some digits unsure (written ?); "
        "2 bad usage, bad input, an output that cannot be written or an optional part "
        "not installed; "
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


def run(args: list[str] | None = None, *, command: Callable[..., Any] | None = None) -> int:
    """Run the command line; returns the exit code (errors already reported).

    ``command`` is the Click command built from :data:`app` once
    (``typer.main.get_command(app)``), for a caller that runs many command lines in one
    process, as the tests do: calling ``app`` builds it anew every time."""
    try:
        (command or app)(args=args, prog_name="cinq")
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
            from ._io import stdout_reason

            report_error(CannotWrite(f"cannot write standard output: {stdout_reason(e)}"))
            return CannotWrite.exit_code
    except ValueError:  # stdout closed by the command: nothing left to flush
        pass
    return code


#: What OpenBLAS (NumPy's BLAS) reads for its number of threads, first one first.
BLAS_THREADS = ("OPENBLAS_NUM_THREADS", "GOTO_NUM_THREADS", "OMP_NUM_THREADS")


def single_threaded_blas() -> None:
    """One BLAS thread for this process, unless the user chose a number (or NumPy is
    loaded already, when it is too late). When NumPy loads, OpenBLAS starts a thread
    per core that spins for about a tenth of a second waiting for work, and so competes
    with the command itself: on a busy two-core machine, a quarter of ``cinq encrypt``'s
    start-up. cinq has nothing for it to do: its matrix products are on integers,
    which NumPy computes without BLAS, and its float arrays are small."""
    if "numpy" not in sys.modules and not any(name in os.environ for name in BLAS_THREADS):
        os.environ["OPENBLAS_NUM_THREADS"] = "1"


def main() -> None:
    """Entry point of the ``cinq`` console script."""
    single_threaded_blas()
    code = flush_stdout(run())
    # The command is over and its output flushed. Freezing what the garbage collector
    # tracks spares the interpreter's exit a last walk over every object of NumPy, Typer
    # and cinq: about 20 ms, as long as the command itself. atexit handlers still run;
    # only objects in reference cycles are then left to the end of the process, and
    # every file and pad book a command opens is closed by its own `with` by now.
    gc.freeze()
    sys.exit(code)

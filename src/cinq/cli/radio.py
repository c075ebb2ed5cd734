"""``cinq broadcast``, ``cinq receive``, ``cinq voice`` and ``cinq station``: audio."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.progress import Progress

from ..document import Document
from ..errors import BadInput
from ._io import check_writable, err, notice, progress, read_document, read_text, write_output
from .options import lowered

if TYPE_CHECKING:
    from ..radio.profiles import Profile
    from ..radio.transcript import Transcript

# The audio stack (SciPy, soundfile, espeak-ng) loads only when an audio command runs,
# so that every other cinq command starts fast.
DEFAULT_ID = "123"

StationOpt = Annotated[
    str,
    typer.Option("--station", "-s", help="A station (see `cinq station list`) or a .toml file."),
]
VoiceOpt = Annotated[
    str | None,
    typer.Option(
        callback=lowered,
        help="Language of the voice: en, fr, ru, de, es (default: the station's).",
    ),
]


def _voice_or_lang(value: str | None) -> str | None:
    """A voice key as given (``pico:en-US``), a language code lowered (``EN``)."""
    if value is None:
        return None
    return value.strip() if ":" in value else value.strip().lower()


BroadcastVoiceOpt = Annotated[
    str | None,
    typer.Option(
        "--voice",
        callback=_voice_or_lang,
        help="The voice: a key engine:name such as mbrola:us1 or espeak-ng:en+f3 (`cinq "
        "voice list`), or a language (en, fr, ru, de, es) for cinq's own espeak-ng voice. "
        "Default: the first installed of the station's voices (`cinq station show`).",
    ),
]
ShortOpt = Annotated[
    bool,
    typer.Option(
        "--short",
        help="Shorten each call-up to a few repeats (under a minute, as tests and demos "
        "use). Default: as long as the station sends them (minutes).",
    ),
]


def _finite(value: float | None) -> float | None:
    """A level in dB: NaN or infinity would silently make a WAV of NaN samples."""
    if value is not None and not math.isfinite(value):
        raise typer.BadParameter(f"{value} is not a finite number of dB")
    return value


#: A station ID is a few digits (three for most stations); each is seconds of audio.
MAX_ID_DIGITS = 10


def _short_id(value: str) -> str:
    if len(value) > MAX_ID_DIGITS:
        raise typer.BadParameter(f"a station ID has at most {MAX_ID_DIGITS} digits")
    return value


def _finite_number(value: float | None) -> float | None:
    if value is not None and not math.isfinite(value):
        raise typer.BadParameter(f"{value} is not a finite number")
    return value


# The shortwave channel's options of `cinq broadcast` (cinq.radio.channel.Shortwave).
SsbOpt = Annotated[
    float | None,
    typer.Option(
        min=1.0,
        max=3.8,
        callback=_finite_number,
        metavar="<kHz>",
        help="An SSB receiver's filter: 300 Hz up to 2.4 or 2.7 (kHz).",
    ),
]
MistuneOpt = Annotated[
    float,
    typer.Option(
        min=-1000.0,
        max=1000.0,
        callback=_finite_number,
        metavar="<Hz>",
        help="The receiver tuned this many Hz off: voice and tone shifted by it.",
    ),
]
AgcOpt = Annotated[
    bool, typer.Option("--agc", help="The receiver's AGC: levels the audio, and pumps.")
]
QrnOpt = Annotated[bool, typer.Option("--qrn", help="Static crashes, one every 2 s on average.")]
ImpulsesOpt = Annotated[bool, typer.Option("--impulses", help="Clicks, 5 a second on average.")]
SelectiveOpt = Annotated[
    bool,
    typer.Option("--selective-fading", help="Two-path fading: notches sweep through the band."),
]
SpeedOpt = Annotated[
    float,
    typer.Option(
        min=0.5,
        max=2.0,
        callback=_finite_number,
        metavar="<factor>",
        help="Tape speed: 1.03 plays 3 % fast (shorter, higher).",
    ),
]

station_app = typer.Typer(
    help="Station profiles: transmission formats as data.", no_args_is_help=True
)
voice_app = typer.Typer(help="Voices the receiver knows.", no_args_is_help=True)


def broadcast(
    document: Annotated[Path, typer.Argument(help="The document to send; '-' for stdin.")],
    station: StationOpt,
    out: Annotated[Path, typer.Option("--out", "-o", help="The WAV file to write.")],
    voice: BroadcastVoiceOpt = None,
    short: ShortOpt = False,
    station_id: Annotated[
        str,
        typer.Option("--id", callback=_short_id, help="The station ID in the call-up (digits)."),
    ] = DEFAULT_ID,
    snr: Annotated[
        float | None,
        typer.Option(callback=_finite, help="Add noise: SNR in dB in the voice band."),
    ] = None,
    fading: Annotated[float, typer.Option(min=0.0, max=1.0, help="Fading depth, 0-1.")] = 0.0,
    qrm: Annotated[
        float | None,
        typer.Option(callback=_finite, help="Interfering carrier, dB below the signal peak."),
    ] = None,
    ssb: SsbOpt = None,
    mistune: MistuneOpt = 0.0,
    agc: AgcOpt = False,
    qrn: QrnOpt = False,
    selective_fading: SelectiveOpt = False,
    impulses: ImpulsesOpt = False,
    speed: SpeedOpt = 1.0,
    seed: Annotated[
        int | None, typer.Option(help="Seed for the channel's noise, fading, crashes and clicks.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the timeline as JSON.")] = False,
) -> None:
    """Turn a document's groups into the audio a numbers station would transmit.

    The station's own voice reads it, and its call-ups run as long as the station sends
    them (minutes); --short sends a demo-length broadcast instead.
    """
    from ..radio import channel, profiles, synth

    conditions = channel.Shortwave(
        snr_db=snr,
        fading=fading,
        qrm_db=qrm,
        ssb=ssb,
        mistune=mistune,
        agc=agc,
        qrn_db=channel.QRN_DB if qrn else None,
        selective_fading=channel.SELECTIVE_DEPTH if selective_fading else 0.0,
        impulses_db=channel.IMPULSE_DB if impulses else None,
        speed=speed,
    )
    check_writable(out, what="WAV file")
    doc = Document.parse(read_document(document, what="document"), source=str(document))
    if len(doc.groups) > synth.MAX_GROUPS:  # before the profile and any synthesis
        raise BadInput(
            f"{document}: {len(doc.groups)} groups; a broadcast carries at most {synth.MAX_GROUPS}"
        )
    prof = profiles.load(station)
    with Progress(console=err, transient=True) as bar:
        task = bar.add_task(f"{prof.name}: synthesizing", total=None)

        def advance(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        tx = synth.broadcast(
            doc.groups, prof, voice=voice, station_id=station_id, short=short, progress=advance
        )
    with progress("adding the channel and writing the WAV file"):
        heard = channel.through(tx, conditions, seed=seed)
        heard.write(out)
    notice(f"{out}: {prof.name}, voice {tx.voice}, {len(doc.groups)} groups, {heard.seconds:.0f} s")
    if as_json:  # when each group starts in the recording (a tape's speed moves them)
        typer.echo(json.dumps(heard.to_json(), indent=2))


def receive_cmd(
    recording: Annotated[Path, typer.Argument(help="A WAV recording.")],
    station: StationOpt,
    voice: VoiceOpt = None,
    voice_file: Annotated[
        Path | None, typer.Option(help="A voice learnt with `cinq voice learn`.")
    ] = None,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Write the document here.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print what was copied as JSON.")] = False,
) -> None:
    """Copy the groups from a recording and write the document that `cinq decrypt` reads.

    Repeats are voted; a digit that is not sure is written '?' and reported. Exit 0 only
    for a clean copy: every digit sure, the call-up's group count read, and that many
    groups copied; 1 otherwise (unsure digits, no count heard, a copy short of it). The
    recording is read a minute at a time, so an hour of it needs little memory.

    Without --voice-file, a recording in the station's own voice (the one `cinq
    broadcast` uses, or cinq's espeak-ng voice) is read by a recogniser learnt for that
    voice: learnt and cached the first time (about a minute), and noted.
    """
    from ..radio import profiles, receive
    from ..radio.learn import load_voice

    check_writable(out, what="document")
    prof = profiles.load(station)
    model = load_voice(voice_file) if voice_file else None
    with progress(f"copying {recording.name}"):
        rec = receive.receive_file(recording, prof, model=model, voice=voice, known=True)
    text = rec.document(source=str(recording)).render()
    if as_json:
        typer.echo(json.dumps(rec.to_json(), indent=2))
        if out:
            write_output(text, out)
    else:
        write_output(text, out)
    notice(f"copied {len(rec.groups)} groups; call-up: ID {rec.station_id}, count {rec.count}")
    for u in rec.uncertain:
        notice(f"unsure: group {u.group}, figure {u.figure} ({rec.groups[u.group - 1]})")
    for note in rec.notes:
        notice(note)
    if not rec.clean:
        raise typer.Exit(1)


@voice_app.command("learn")
def learn(
    recording: Annotated[
        Path, typer.Argument(help="A recording of the station, or of the digits read one by one.")
    ],
    out: Annotated[Path, typer.Option("--out", "-o", help="The voice file to write (.npz).")],
    transcript: Annotated[
        Path | None,
        typer.Option(
            "--transcript",
            "-t",
            help="The monitor's log of the recording: the call-up, then the groups "
            "('460/38 ATTENTION 12345 67890 ...', on one line or one group per line), '?' "
            "for a figure not copied; '-' for stdin.",
        ),
    ] = None,
    station: Annotated[
        str | None,
        typer.Option(
            "--station",
            "-s",
            help="The station whose script the log follows (how often it reads the call-up "
            "and each group). Without it the log is taken as spoken, once.",
        ),
    ] = None,
    digits: Annotated[
        str | None,
        typer.Option(help="Instead of a log: the digits spoken, in order (all ten)."),
    ] = None,
    lang: Annotated[
        str | None,
        typer.Option(
            callback=lowered, help="Language: en, fr, ru, de, es (default: the station's, or en)."
        ),
    ] = None,
    name: Annotated[str, typer.Option(help="A name for the voice.")] = "learnt",
    as_json: Annotated[bool, typer.Option("--json", help="Print what was learnt as JSON.")] = False,
) -> None:
    """Learn a station's voice from a recording and its log, to copy its next messages.

    The log is aligned to the recording by the general recogniser and the recogniser
    adapted to this voice; a log that does not match the recording is refused. Without
    --transcript or --digits, the recording is the ten digits 0-9 read in order.
    """
    from ..radio import audio, profiles
    from ..radio.learn import learn as learn_voice

    check_writable(out, what="voice file")
    log = _voice_log(transcript, digits)
    prof = profiles.load(station) if station else None
    recorded = audio.read(recording)
    with progress("aligning the log and learning the voice"):
        voice = learn_voice(recorded, log, prof, lang=lang, name=name)
    voice.save(out)
    typer.echo(str(out))
    c = voice.cadence
    kept = voice.to_json()["examples"]
    notice(
        f"voice {name!r}: {voice.digits} digits aligned, {voice.frames} frames learnt, "
        f"{kept} words kept as examples; a digit lasts {c.digit:.2f} s"
    )
    if as_json:
        typer.echo(json.dumps(voice.to_json(), indent=2, ensure_ascii=False))


def _voice_log(transcript: Path | None, digits: str | None) -> Transcript:
    """The log ``cinq voice learn`` aligns: the --transcript file, or --digits."""
    from ..radio import transcript as tr

    if transcript is not None and digits is not None:
        raise BadInput("give --transcript or --digits, not both")
    if transcript is not None:
        name = "stdin" if str(transcript) == "-" else str(transcript)
        return tr.parse(read_text(transcript, what="transcript"), source=name)
    digits = "0123456789" if digits is None else digits
    if not (digits.isascii() and digits.isdigit()) or set(digits) != set("0123456789"):
        raise BadInput(f"--digits {digits!r} must be digits covering all ten (0123456789)")
    return tr.parse(" ".join(digits), source="--digits")


@voice_app.command("list")
def voice_list(
    lang: Annotated[
        str | None,
        typer.Option("--lang", help="Only this language's voices (en, fr, de, es, ru)."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """The installed speech voices (espeak-ng, MBROLA, pico, flite, festival, RHVoice)
    and recorded speakers, by language."""
    from ..radio import voices

    langs = voices.LANGS if lang is None else (lowered(lang) or "",)
    found = [v for code in langs for v in voices.voices(code)]
    if as_json:
        typer.echo(json.dumps([v.to_json() for v in found], ensure_ascii=False, indent=2))
        return
    for v in found:
        sex = {True: "female", False: "male", None: "-"}[v.female]
        typer.echo(f"{v.lang}  {v.key:34} {sex}")


@station_app.command("list")
def station_list(
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """The built-in stations."""
    from ..radio import profiles

    stations = [profiles.load(name) for name in profiles.names()]
    if as_json:
        rows = [p.summary() for p in stations]
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for p in stations:
        typer.echo(f"{p.name:6} {p.mode:6} {p.language}  {p.title}")


@station_app.command("show")
def station_show(
    station: Annotated[str, typer.Argument(help="A station or a .toml file.")],
) -> None:
    """A station's format, step by step, and where it comes from."""
    from ..radio import profiles

    p = profiles.load(station)
    con = Console()
    con.print(f"[bold]{p.name}[/]: {p.title} ({p.family} family, {p.mode}, {p.language})")
    con.print(p.description, highlight=False)
    for n, s in enumerate(p.script, 1):
        con.print(f"  {n}. {s.describe()}", highlight=False)
    for line in _realism(p):
        con.print(line, highlight=False)
    con.print(f"source: {p.source}", highlight=False)


def _realism(p: Profile) -> list[str]:
    """What ``station show`` says of a station's voice, interval signal and call-up."""
    from ..radio import synth

    lines = []
    if p.mode == "voice":
        used = synth.speaker(None, p).key
        voices = ", ".join(p.voices) or "none named"
        lines.append(f"voice: {p.sex}; {voices}; this machine uses {used}")
    if (signal := p.interval) is not None:
        hz = " ".join(f"{f:g}" for f, _ in signal.tones)
        secs = sum(t for _, t in signal.tones)
        lines.append(
            f"interval signal: {hz} Hz ({secs:g} s), {signal.real or signal.repeat} times; "
            f"in a short broadcast {signal.count(short=True)} times"
        )
    else:
        lines.append("interval signal: none")
    step = next((s for s in p.script if s.is_callup), None)
    if step is not None:
        real = f"{step.fill:g} s" if step.fill else f"{step.real or step.repeat} times"
        lines.append(f"call-up: {real}; in a short broadcast {step.count(short=True)} times")
    return lines

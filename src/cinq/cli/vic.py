"""``cinq vic``: the VIC cipher, with every step shown on request."""

from __future__ import annotations

import json
import re
from enum import StrEnum
from typing import Annotated

import typer

from .. import vic
from ..digits import check_group
from ..document import Document
from ..errors import Location
from ._io import check_writable, notice, read_document, read_text, strip_final_newline, write_output
from .options import CoverOpt, DropOpt, InArg, OutOpt, SignOpt

app = typer.Typer(
    help="The VIC cipher of Reino Häyhänen (1950s), in English or in the original Russian.",
    no_args_is_help=True,
)


class VicLang(StrEnum):
    en = "en"
    ru = "ru"


DateOpt = Annotated[
    str, typer.Option(help="The date: six digits, e.g. 741776 or 3.9.1945 (day, month, year).")
]
PhraseOpt = Annotated[str, typer.Option(help="The memorised phrase (its first 20 letters count).")]
PersonalOpt = Annotated[int, typer.Option(help="The agent's personal number, 1 to 16.")]
LangOpt = Annotated[
    VicLang,
    typer.Option(
        case_sensitive=False,
        help="en: the AT ONE SIR board; ru: Häyhänen's Russian board and conventions.",
    ),
]
KeywordOpt = Annotated[
    str, typer.Option(help="Russian board only: its first 7 different letters top the board.")
]
ExplainOpt = Annotated[
    bool, typer.Option("--explain", help="Print every step as a hand-worker writes it.")
]
JsonOpt = Annotated[
    bool, typer.Option("--json", help="Print the result as JSON (with --explain: the page in it).")
]


@app.command("encrypt")
def encrypt(
    date: DateOpt,
    phrase: PhraseOpt,
    personal: PersonalOpt,
    file: InArg = None,
    lang: LangOpt = VicLang.en,
    keygroup: Annotated[
        str | None, typer.Option(help="Five digits; a fresh random one if not given.")
    ] = None,
    keyword: KeywordOpt = vic.DEFAULT_KEYWORD,
    cut: Annotated[
        int | None,
        typer.Option(
            help="Russian only: cut the text after this many letters, signs and figures "
            "(default: a random point)."
        ),
    ] = None,
    drop: DropOpt = False,
    cover: CoverOpt = None,
    sign: SignOpt = None,
    per_line: Annotated[int, typer.Option(min=1, help="Groups per line.")] = 10,
    explain: ExplainOpt = False,
    as_json: JsonOpt = False,
    out: OutOpt = None,
) -> None:
    """Encipher a message; print the five-figure groups, the keygroup among them.

    Spaces and line breaks are dropped (the cipher has no word space). Letters, '.',
    and figures are written in English; Russian adds ',', '№' and {ПВТ} (repeat), and
    writes Ё Й Ъ as Е И Ь. Anything else is an error unless --drop is given.
    """
    check_writable(out)
    text = strip_final_newline(read_text(file, what="message"))
    cover_text = read_text(cover, what="cover text") if cover else None
    w = vic.encrypt(text, date=date, phrase=phrase, personal=personal, keygroup=keygroup,
                    lang=lang.value, keyword=keyword, cut=cut, drop=drop)  # fmt: skip
    if as_json:  # with --explain, the notebook page travels inside the JSON
        fields: dict[str, object] = {"groups": w.groups, "insert": w.insert}
        result = _json(fields, vic.explain(w) if explain else None)
    elif explain:
        result = vic.explain(w)
    else:
        result = Document(tuple(w.groups), cover_text, sign).render(per_line)
    write_output(result, out)


def _json(fields: dict[str, object], explanation: str | None) -> str:
    if explanation is not None:
        fields["explanation"] = explanation
    return json.dumps(fields, ensure_ascii=False, indent=2) + "\n"


def groups_in(text: str, source: str) -> list[str]:
    """The groups of a bare list of groups (every word checked, with its place) or of a
    document under a cover text."""
    if re.fullmatch(r"[0-9\s]*", text):
        for n, m in enumerate(re.finditer(r"\S+", text), 1):
            where = Location.of_offset(text, m.start(), source=source, char=False)
            check_group(m.group(), unknown_allowed=False, name=f"group {n}", location=where)
        return text.split()
    return list(Document.parse(text, source=source).groups)


@app.command("decrypt")
def decrypt(
    date: DateOpt,
    phrase: PhraseOpt,
    personal: PersonalOpt,
    file: InArg = None,
    lang: LangOpt = VicLang.en,
    keyword: KeywordOpt = vic.DEFAULT_KEYWORD,
    explain: ExplainOpt = False,
    as_json: JsonOpt = False,
    out: OutOpt = None,
) -> None:
    """Decipher five-figure groups (a bare list, or a document under a cover text);
    the keygroup is found from the date's last digit."""
    check_writable(out)
    text = read_document(file, what="groups")
    groups = groups_in(text, "stdin" if file is None or str(file) == "-" else str(file))
    w = vic.decrypt(groups, date=date, phrase=phrase, personal=personal, lang=lang.value,
                    keyword=keyword)  # fmt: skip
    if as_json:
        fields: dict[str, object] = {
            "text": w.text, "cut": w.cut, "nulls": w.nulls, "garbled": w.broken
        }  # fmt: skip
        result = _json(fields, vic.explain(w, decrypting=True) if explain else None)
    elif explain:
        result = vic.explain(w, decrypting=True)
    else:
        result = w.text + "\n"
    write_output(result, out)
    if w.broken:
        notice(f"{w.broken} figures were not tripled (shown as ?): a garbled group")
    if lang is VicLang.en and w.text.endswith(vic.NULL_EN):
        notice("the text may end with null letters R, added to fill the last group")

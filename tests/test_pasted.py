"""Documents as they really arrive (issue 11, problem 4): a reply e-mail quoting the
message with ``>``, ``> >``, ``>>``; an HTML page; a PDF. Each through ``cinq parse``,
``cinq decrypt`` (with a real book) and ``cinq triage``, in process."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fpdf import FPDF

from cinq.book import PadBook
from cinq.document import Document
from cinq.errors import BadInput
from tests.clirun import cinq as run_cli

PLAIN = "MEET AT THE OLD STATION AT NOON, BRING THE DOCUMENTS"


def run(*args: str | Path, input: str | bytes | None = None) -> tuple[int, str, str]:
    """``cinq ARGS`` in process, through the console script's ``run()``."""
    r = run_cli(*args, input=input)
    return r.returncode, r.stdout, r.stderr


@pytest.fixture
def sent(tmp_path: Path) -> tuple[Path, Document]:
    """A receive book and a document enciphered for it (five groups a line)."""
    send, receive = PadBook.create_pair(tmp_path / "net", pages=20, groups=30)
    code, out, err = run("encrypt", "--book", send, "--sign", "KESTREL", "--per-line", "5",
                         input=PLAIN + "\n")  # fmt: skip
    assert code == 0, err
    return receive, Document.parse(out)


def quoted(doc: Document, prefix: str) -> str:
    lines = [prefix + line if line else prefix.rstrip() for line in doc.render(5).splitlines()]
    return (
        "Hi Bob,\n\nthis came in on 6840 kHz tonight, can you read it?\n\n"
        "On Tue, 24 Nov 2026 at 18:02, Alice <alice@example.org> wrote:\n"
        + "\n".join(lines)
        + "\n\n-- \nBob\n"
    )


def html_page(doc: Document) -> str:
    rows = [" ".join(doc.groups[i : i + 5]) for i in range(0, len(doc.groups), 5)]
    body = "<br>\n".join(r.replace(" ", "&nbsp;") for r in rows)
    return (
        "<!DOCTYPE html>\n<html><head><title>Numbers</title><style>p { color: red }</style>"
        "</head>\n<body><h1>Tonight&#8217;s message</h1>\n<p>Heard at 18:00&nbsp;UTC.</p>\n"
        f"<p class='groups'>{body}</p>\n<p>By KESTREL</p>\n<footer>&copy; 2026</footer>"
        "</body></html>\n"
    )


FORMS = {
    "quoted": lambda d: quoted(d, "> "),
    "quoted-tight": lambda d: quoted(d, ">"),
    "double-quoted": lambda d: quoted(d, "> > "),
    "double-quoted-tight": lambda d: quoted(d, ">>"),
    "html": html_page,
}


@pytest.mark.parametrize("form", FORMS)
def test_pasted_documents_parse_decrypt_and_triage(
    form: str, sent: tuple[Path, Document], tmp_path: Path
) -> None:
    receive, doc = sent
    pasted = tmp_path / f"{form}.txt"
    pasted.write_text(FORMS[form](doc), encoding="utf-8")

    code, out, err = run("parse", "--json", pasted)
    assert code == 0, err
    data = json.loads(out)
    assert tuple(data["groups"]) == doc.groups and data["signature"] == "KESTREL"

    code, out, err = run("decrypt", "--book", receive, pasted)
    assert (code, out) == (0, PLAIN + "\n"), err

    code, out, err = run("triage", "--json", pasted)
    assert code == 0, err
    assert json.loads(out)["groups"] == list(doc.groups)


def test_mixed_quoting_depths_in_one_block() -> None:
    groups = ["58523", "45006", "90803", "12345", "56530", "93701"]
    text = (
        "On Mon, Alice wrote:\n> Weather for the coast\n>\n"
        f"> {groups[0]} {groups[1]}\n> > {groups[2]}\n>>{groups[3]} {groups[4]}\n"
        f">  {groups[5]}\n>\n> By KESTREL\n>\n> --\n> Alice\n\nThanks!\n"
    )
    doc = Document.parse(text)
    assert doc.groups == tuple(groups)
    assert doc.cover == "Weather for the coast"  # not the reply's "On Mon, Alice wrote:"
    assert doc.signature == "KESTREL" and doc.trailer == "--\nAlice"  # not "Thanks!"


def test_quoted_block_inside_a_reply_with_its_own_numbers() -> None:
    text = (
        "Call me on 0612 345678 tomorrow.\n\nOn 24.11.2026 Alice wrote:\n"
        "> 58523 45006 90803\n> 12345 56530\n"
    )
    doc = Document.parse(text)
    assert doc.groups == ("58523", "45006", "90803", "12345", "56530")
    assert doc.cover is None


@pytest.mark.parametrize(
    ("text", "line", "column"),
    [
        ("On Mon, Alice wrote:\n> 58523 45006\n> 90803 58a23\n", 3, 11),
        ("Re:\n>> 58523 45006\n>>90803 58a23\n", 3, 11),
        ("Re:\r\n> > 58523 45006\r\n> > 90803 58a23\r\n", 3, 13),
    ],
)
def test_a_garbled_quoted_group_is_located_in_the_original_text(
    text: str, line: int, column: int
) -> None:
    with pytest.raises(BadInput, match="malformed group '58a23'") as e:
        Document.parse(text)
    loc = e.value.location
    assert loc is not None and (loc.line, loc.column, loc.char) == (line, column, "a")


def test_a_garbled_group_in_html_is_located_in_the_page_source() -> None:
    page = (
        "<html><body>\n<p>Tonight&#8217;s groups:</p>\n"
        "<p>58523&nbsp;45006<br>&#57;0803 58a23<br/>\n56530</p></body></html>"
    )
    with pytest.raises(BadInput, match="malformed group '58a23'") as e:
        Document.parse(page, source="page.html")
    loc = e.value.location
    assert loc is not None
    assert (loc.line, loc.column, loc.char, loc.source) == (3, 36, "a", "page.html")
    assert page.splitlines()[2][35] == "a"


def test_html_entities_tags_and_scripts_do_not_leak_into_the_text() -> None:
    page = (
        "<html><head><script>var x = '12345 67890';</script></head><body>"
        "<table><tr><td>58523</td><td>45006</td></tr><tr><td>90803</td><td>12345</td></tr>"
        "</table><p>By&nbsp;KESTREL</p></body></html>"
    )
    doc = Document.parse(page)
    assert doc.groups == ("58523", "45006", "90803", "12345")
    assert doc.signature == "KESTREL" and doc.cover is None


def test_a_word_in_a_quoted_group_line_is_still_an_error_not_a_split_block() -> None:
    text = "> Cover.\n>\n> 58523 45006\n> 90803 ABCDE\n> 56530 93701\n"
    with pytest.raises(BadInput) as e:
        Document.parse(text)
    loc = e.value.location
    assert loc is not None and (loc.line, loc.column, loc.char) == (4, 9, "A")


def test_a_pdf_of_a_quoted_e_mail_is_read(sent: tuple[Path, Document], tmp_path: Path) -> None:
    receive, doc = sent
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Courier", size=11)
    for line in quoted(doc, "> ").splitlines():
        pdf.cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
    path = tmp_path / "forwarded.pdf"
    pdf.output(str(path))
    code, out, err = run("parse", "--json", path)
    assert code == 0, err
    assert tuple(json.loads(out)["groups"]) == doc.groups
    code, out, err = run("triage", "--json", path)
    assert code == 0 and json.loads(out)["groups"] == list(doc.groups), err
    code, out, err = run("decrypt", "--book", receive, path)
    assert (code, out) == (0, PLAIN + "\n"), err


def test_a_web_archive_of_a_quoted_e_mail_in_pre() -> None:
    page = (
        "<html><body><h2>Re: tonight</h2>\n<pre>On Mon, Alice wrote:\n"
        "&gt; Weather for the coast\n&gt;\n&gt; 58523 45006\n&gt; 90803 12345\n"
        "&gt;\n&gt; By KESTREL\n</pre>\n<p>Archived\nby the list.</p></body></html>"
    )
    doc = Document.parse(page)
    assert doc.groups == ("58523", "45006", "90803", "12345")
    assert doc.cover == "Weather for the coast" and doc.signature == "KESTREL"


def test_source_line_breaks_in_a_paragraph_are_spaces_as_a_browser_shows_them() -> None:
    page = "<p>Tonight&#8217;s\ngroups:</p>\n<p>58523 45006\n90803 12345\n56530</p>"
    doc = Document.parse(page)
    assert doc.groups == ("58523", "45006", "90803", "12345", "56530")
    assert doc.cover == "Tonight’s groups:"
    with pytest.raises(BadInput) as e:
        Document.parse(page.replace("90803", "9O803"))
    loc = e.value.location
    assert loc is not None and (loc.line, loc.column, loc.char) == (4, 2, "O")

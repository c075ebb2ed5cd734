"""A received document's text in the library: text files and PDFs alike."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cinq.document import Document
from cinq.errors import BadInput
from cinq.pdftext import document_text, is_pdf, read_document_file
from tests.pdfs import pdf_of

GROUPS = ["12345", "67890", "11111", "22222", "33333", "44444"]


@given(st.text(max_size=200).filter(lambda t: not t.startswith("%PDF-")))
def test_text_is_its_own_text(text: str) -> None:
    # A leading byte-order mark is how some editors start UTF-8, not text: it goes.
    assert document_text(text.encode("utf-8"), "doc.txt") == text.removeprefix("\ufeff")


def test_a_pdf_is_known_by_its_name_or_its_bytes() -> None:
    assert is_pdf(b"", "Intercept.PDF") and is_pdf(b"%PDF-1.7\n...")
    assert not is_pdf(b"12345 67890\n", "doc.txt") and not is_pdf(b"", None)


def test_a_pdf_reads_as_the_document_it_shows(tmp_path: Path) -> None:
    path = pdf_of(tmp_path / "msg.pdf", ["Fair weather.", "", "12345 67890 11111",
                                         "22222 33333 44444", "", "By KESTREL"])  # fmt: skip
    for text in (read_document_file(path), document_text(path.read_bytes(), "upload")):
        doc = Document.parse(text)
        assert list(doc.groups) == GROUPS and doc.signature == "KESTREL"
    with pytest.raises(BadInput, match=r"the text of PDF .*msg\.pdf is larger than 10 bytes"):
        read_document_file(path, limit=10)


def test_bad_input_names_the_document(tmp_path: Path) -> None:
    with pytest.raises(BadInput, match="cannot read PDF upload"):
        document_text(b"%PDF-1.4\nnot really a PDF\n", "upload")
    with pytest.raises(BadInput, match="upload"):
        document_text(b"12345 \xff\n", "upload")
    (tmp_path / "big.txt").write_text("12345\n" * 10)
    with pytest.raises(BadInput, match=r"big\.txt"):
        read_document_file(tmp_path / "big.txt", limit=20)
    assert read_document_file(tmp_path / "big.txt") == "12345\n" * 10

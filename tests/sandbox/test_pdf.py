from __future__ import annotations

import re
from datetime import date

import pytest

from sandbox.pdf import MAX_LINES, render_pdf


def _xref(pdf: bytes) -> tuple[int, list[int]]:
    """(xref offset from startxref, the in-use object offsets listed in the table)."""
    found = re.search(rb"startxref\n(\d+)\n%%EOF$", pdf)
    assert found is not None
    start = int(found.group(1))
    assert pdf[start:].startswith(b"xref\n")
    header = re.match(rb"xref\n0 (\d+)\n", pdf[start:])
    assert header is not None
    count = int(header.group(1))
    table = pdf[start + header.end() : start + header.end() + 20 * count]
    entries = [table[i : i + 20] for i in range(0, len(table), 20)]
    assert entries[0] == b"0000000000 65535 f \n"
    assert all(re.fullmatch(rb"\d{10} 00000 n \n", e) for e in entries[1:])
    return start, [int(e[:10]) for e in entries[1:]]


def test_header_trailer_and_every_xref_offset_point_at_their_objects() -> None:
    pdf = render_pdf("Fiscaal attest 2023", ["Klant: An Peeters", "Polisnummer: 21/0012345/07"])

    assert pdf.startswith(b"%PDF-1.4\n")
    assert pdf.endswith(b"%%EOF")
    _, offsets = _xref(pdf)
    assert len(offsets) == 7
    for number, offset in enumerate(offsets, start=1):
        assert pdf[offset:].startswith(b"%d 0 obj\n" % number)
    trailer = re.search(rb"trailer\n<< /Size (\d+) /Root (\d+) 0 R /Info (\d+) 0 R >>", pdf)
    assert trailer is not None
    assert int(trailer.group(1)) == len(offsets) + 1
    root = offsets[int(trailer.group(2)) - 1]
    assert b"/Type /Catalog" in pdf[root : root + 60]


def test_stream_length_is_exact_and_text_uses_a_standard_type1_font() -> None:
    pdf = render_pdf("Attestation fiscale", ["Client : Françoise Dupont (Liège)"])

    stream = re.search(rb"<< /Length (\d+) >>\nstream\n", pdf)
    assert stream is not None
    content = pdf[stream.end() : stream.end() + int(stream.group(1))]
    assert pdf[stream.end() + int(stream.group(1)) :].startswith(b"\nendstream")
    assert b"(Attestation fiscale) Tj" in content
    # WinAnsi bytes as octal escapes, parentheses escaped
    assert b"(Client : Fran\\347oise Dupont \\(Li\\350ge\\)) Tj" in content
    assert b"/Subtype /Type1 /BaseFont /Helvetica " in pdf
    assert b"/Encoding /WinAnsiEncoding" in pdf


def test_same_input_same_bytes_and_creation_date_from_the_record() -> None:
    first = render_pdf("Jaaroverzicht", ["a"], created=date(2024, 1, 31))
    assert first == render_pdf("Jaaroverzicht", ["a"], created=date(2024, 1, 31))
    assert b"/CreationDate (D:20240131)" in first
    assert first != render_pdf("Jaaroverzicht", ["b"], created=date(2024, 1, 31))


def test_non_ascii_title_goes_to_the_info_dictionary_as_utf16() -> None:
    pdf = render_pdf("Prämiennachweis", [])
    assert b"/Title <FEFF" + "Prämiennachweis".encode("utf-16-be").hex().upper().encode() in pdf


def test_long_lines_wrap_and_too_many_lines_are_refused() -> None:
    pdf = render_pdf("T", ["word " * 60])
    assert pdf.count(b" Tj") == 1 + 4  # the title, then 300 characters in lines of <= 85

    render_pdf("T", ["x"] * MAX_LINES)
    with pytest.raises(ValueError, match="one page"):
        render_pdf("T", ["x"] * (MAX_LINES + 1))

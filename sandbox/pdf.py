"""A tiny PDF writer: one A4 page, a bold title and a few lines of text, nothing else.

The output is a plain PDF 1.4 file (uncompressed content stream, the standard Type1 fonts
Helvetica and Helvetica-Bold in WinAnsiEncoding, a classic xref table with exact offsets), so
any reader opens it and tests can check its structure byte by byte. The same input always gives
the same bytes, which lets the document store derive sizes and ETags from the record alone.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from datetime import date

PAGE_WIDTH = 595  # A4 in points
PAGE_HEIGHT = 842
MARGIN = 56
TITLE_SIZE = 16
BODY_SIZE = 11
LEADING = 15
WRAP_AT = 85  # characters per body line; Helvetica 11pt fits about this many in the margins
MAX_LINES = (PAGE_HEIGHT - 2 * MARGIN - 2 * LEADING) // LEADING
PRODUCER = "insurance-bff sandbox document store"


def render_pdf(title: str, lines: Sequence[str], *, created: date | None = None) -> bytes:
    """A one-page PDF with `title` on top and `lines` below it (long lines are wrapped)."""
    body = [part for line in lines for part in (textwrap.wrap(line, WRAP_AT) or [""])]
    if len(body) > MAX_LINES:
        raise ValueError(f"too much text for one page: {len(body)} lines (max {MAX_LINES})")
    info = f"<< /Title {_text_string(title)} /Producer {_text_string(PRODUCER)}"
    if created is not None:
        info += f" /CreationDate ({created:D:%Y%m%d})"
    info += " >>"
    stream = _content_stream(title, body)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        (
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {PAGE_WIDTH} {PAGE_HEIGHT}]"
            " /Resources << /Font << /F1 4 0 R /F2 5 0 R >> >> /Contents 6 0 R >>"
        ).encode("ascii"),
        _font("Helvetica"),
        _font("Helvetica-Bold"),
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
        info.encode("ascii"),
    ]
    return _assemble(objects, root=1, info=len(objects))


def _font(name: str) -> bytes:
    return (
        f"<< /Type /Font /Subtype /Type1 /BaseFont /{name} /Encoding /WinAnsiEncoding >>"
    ).encode("ascii")


def _content_stream(title: str, body: Sequence[str]) -> bytes:
    top = PAGE_HEIGHT - MARGIN
    parts = [
        b"BT /F2 %d Tf %d %d Td %s Tj ET" % (TITLE_SIZE, MARGIN, top, _literal(title)),
        b"BT /F1 %d Tf %d TL %d %d Td" % (BODY_SIZE, LEADING, MARGIN, top - 2 * LEADING),
    ]
    for index, line in enumerate(body):
        parts.append((b"" if index == 0 else b"T* ") + _literal(line) + b" Tj")
    parts.append(b"ET")
    return b"\n".join(parts)


def _literal(text: str) -> bytes:
    """A PDF literal string in WinAnsiEncoding; anything outside printable ASCII as octal."""
    out = bytearray(b"(")
    for byte in text.encode("cp1252", errors="replace"):
        if byte in b"()\\":
            out += b"\\" + bytes([byte])
        elif 0x20 <= byte < 0x7F:
            out.append(byte)
        else:
            out += b"\\%03o" % byte
    out += b")"
    return bytes(out)


def _text_string(text: str) -> str:
    """A document-information text string: literal when ASCII, else UTF-16BE hex with BOM."""
    if text.isascii():
        return _literal(text).decode("ascii")
    return "<FEFF" + text.encode("utf-16-be").hex().upper() + ">"


def _assemble(objects: Sequence[bytes], *, root: int, info: int) -> bytes:
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")  # binary comment: marks the file as binary
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n" % (len(objects) + 1)
    out += b"0000000000 65535 f \n"  # every entry is exactly 20 bytes, EOL included
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root %d 0 R /Info %d 0 R >>\n" % (len(objects) + 1, root, info)
    out += b"startxref\n%d\n%%%%EOF" % xref
    return bytes(out)

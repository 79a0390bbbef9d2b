"""Text given to papernotes must be UTF-8: arguments, standard input, what an editor saved.

These find where it is not, so the user gets one sentence with the byte offset before
anything is written, instead of a traceback when the text is finally encoded.
"""

from __future__ import annotations

from papernotes.errors import InvalidInputError


def bad_byte(data: bytes) -> tuple[int, int] | None:
    """``(offset, byte)`` of the first byte of ``data`` that is not valid UTF-8, else None."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return exc.start, data[exc.start]
    return None


def escaped_byte(value: str) -> tuple[int, int] | None:
    """``bad_byte`` of an argument Python decoded with ``surrogateescape`` (how a POSIX
    ``argv`` byte that is not UTF-8 arrives: ``b'\\xff'`` becomes ``'\\udcff'``)."""
    if value.isascii():
        return None
    for index, char in enumerate(value):
        if "\ud800" <= char <= "\udfff":  # the first one: what precedes it encodes
            offset = len(value[:index].encode("utf-8"))
            escaped = 0xDC80 <= ord(char) <= 0xDCFF
            return offset, ord(char) - 0xDC00 if escaped else ord(char)
    return None


def describe(where: tuple[int, int]) -> str:
    """``byte 3 (0xe9)``: where the bad byte is, as the messages say it."""
    offset, byte = where
    return f"byte {offset} (0x{byte:02x})"


def decode_utf8(data: bytes, what: str) -> str:
    """``data`` as text; ``what`` names it in the error when it is not UTF-8."""
    where = bad_byte(data)
    if where is not None:
        raise InvalidInputError(
            f"{what} is not valid UTF-8 at {describe(where)}; nothing was written."
        )
    return data.decode("utf-8")

"""Bytes to text: BOMs, UTF-8, UTF-16 without a BOM, Windows-1252 and Latin-1, or a clear refusal.

Written by hand rather than with a detector library on purpose: transcripts are short, and a
statistical detector guesses an exotic code page for a short English text with one accented
name in it. These rules only ever choose among the encodings transcripts really arrive in, and
say no when none of them gives text.
"""

from __future__ import annotations

import codecs
import unicodedata

from cleanup.errors import CleanupError

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def _controls(text: str) -> int:
    """Control characters other than ordinary white space: text files have none."""
    return sum(1 for ch in text if unicodedata.category(ch) == "Cc" and ch not in "\t\n\r\f\v")


def _utf16_without_bom(data: bytes) -> str | None:
    if len(data) % 2:
        return None
    even_nul = data[0::2].count(0)
    odd_nul = data[1::2].count(0)
    half = len(data) // 2
    if odd_nul > 0.3 * half and even_nul < 0.05 * half:
        enc = "utf-16-le"
    elif even_nul > 0.3 * half and odd_nul < 0.05 * half:
        enc = "utf-16-be"
    else:
        return None
    try:
        return data.decode(enc)
    except UnicodeDecodeError:
        return None


def decode(data: bytes, path: str) -> tuple[str, str]:
    """Decode a transcript's bytes; return (text, encoding name)."""
    if not data.strip(b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"):
        raise CleanupError(path, "empty file: no transcript text in it")
    text: str | None = None
    encoding = ""
    for bom, enc in _BOMS:
        if data.startswith(bom):
            try:
                text = data[len(bom) :].decode(enc.replace("-sig", ""))
            except UnicodeDecodeError as exc:
                raise CleanupError(
                    path, f"not valid {enc.upper()} text despite its byte-order mark ({exc.reason} at byte {exc.start})"
                ) from None
            encoding = enc
            break
    if text is None and b"\x00" in data:
        text = _utf16_without_bom(data)
        if text is None:
            raise CleanupError(path, "binary file, not a text transcript (it contains NUL bytes)")
        encoding = "utf-16"
    if text is None:
        try:
            text, encoding = data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            text = None
    if text is None:
        for enc in ("cp1252", "latin-1"):
            try:
                cand = data.decode(enc)
            except UnicodeDecodeError:
                continue
            high = sum(1 for ch in cand if ord(ch) > 127)
            letters = sum(1 for ch in cand if ch.isalpha())
            # A legacy 8-bit transcript is mostly ASCII with a few accented letters or smart quotes;
            # anything else (another multi-byte encoding, random bytes) decodes to garbage.
            if _controls(cand) == 0 and letters and high <= 0.1 * letters:
                text, encoding = cand, enc
                break
        if text is None:
            raise CleanupError(path, "undecodable text: not UTF-8, UTF-16, Windows-1252 or Latin-1")
    if _controls(text) > max(2, len(text) // 1000):
        raise CleanupError(path, "binary file, not a text transcript (it contains control characters)")
    text = text.lstrip("\ufeff")
    if not text.strip():
        raise CleanupError(path, "empty file: no transcript text in it")
    return text, encoding

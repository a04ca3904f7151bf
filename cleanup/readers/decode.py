"""Bytes to text: BOMs, UTF-8, UTF-16 without a BOM, Windows-1252, MacRoman and Latin-1, or a clear refusal.

Written by hand rather than with a detector library on purpose: transcripts are short, and a
statistical detector guesses an exotic code page for a short English text with one accented
name in it. These rules only ever choose among the encodings transcripts really arrive in, and
say no when none of them gives text.
"""

from __future__ import annotations

import codecs
import unicodedata
from dataclasses import dataclass, replace

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


def _utf16_without_bom(data: bytes) -> tuple[str, str] | None:
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
        return data.decode(enc), enc
    except UnicodeDecodeError:
        return None


@dataclass(frozen=True)
class Decoded:
    """A transcript's text, the encoding it was read in, and how sure that is."""

    text: str
    encoding: str
    confidence: float
    """1.0 when the bytes say so (a byte-order mark, ASCII, valid UTF-8); lower for a guess."""
    reason: str


# What a legacy 8-bit transcript plausibly holds beyond ASCII: accented letters inside words and
# typographic punctuation. Symbols a transcript never holds count against an encoding that gives them.
_PUNCT_INSIDE = "\u2019"  # an apostrophe between letters: don't, it's
_OPENERS = "\u2018\u201c\u201e\u201a\u00ab"
_CLOSERS = "\u2019\u201d\u00bb"
_DASHES = "\u2013\u2014"
_NEUTRAL = "\u00a0\u2026\u00b0\u00a3\u20ac\u00a9\u00ae\u2122\u00a2\u00a5\u00b5\u00bd\u00bc\u00be\u00a7\u00b7\u2022\u00d7"
_LEGACY = (("cp1252", "Windows-1252"), ("mac_roman", "MacRoman"), ("latin-1", "Latin-1"))


def _plausibility(text: str) -> float:
    """How much a decoding reads like English text with the odd accent and curly quote: +1 for each
    non-ASCII character that fits where it stands, -1 or -2 for each that does not."""
    score = 0.0
    n = len(text)
    for k, ch in enumerate(text):
        if ord(ch) < 128:
            continue
        before = text[k - 1] if k else " "
        after = text[k + 1] if k + 1 < n else " "
        if ch.isalpha():
            if ch.isupper() and before.isalpha() and not (before.isupper() and not after.islower()):
                score -= 2  # "donÕt", "MŸller": a capital inside a word that is not in capitals
            elif before.isalpha() or after.isalpha():
                score += 1
            else:
                score -= 0.5  # a lone accented letter between spaces or punctuation
        elif ch in _PUNCT_INSIDE and before.isalpha() and after.isalpha():
            score += 1.5
        elif ch in _OPENERS and (before.isspace() or before in "([\u2014") and not after.isspace():
            score += 1
        elif ch in _CLOSERS and not before.isspace() and (after.isspace() or after in ".,;:!?)]\u2014"):
            score += 1
        elif ch in _DASHES and before.isalpha() and after.isalpha():
            score -= 1  # "Se–or": a dash inside a word is a letter read wrong
        elif ch in _DASHES and (before.isspace() or before.isalnum()) and (after.isspace() or after.isalnum()):
            score += 1
        elif ch in _NEUTRAL:
            score += 0.25
        else:
            score -= 1  # a mathematical sign, a diacritic alone, a dagger, a private-use glyph
    return score


def _guess_legacy(data: bytes) -> Decoded | None:
    """Choose among the 8-bit encodings transcripts arrive in, by how plausible each reading is."""
    scored: list[tuple[float, str, str, str]] = []
    for enc, label in _LEGACY:
        try:
            cand = data.decode(enc)
        except UnicodeDecodeError:
            continue
        high = sum(1 for ch in cand if ord(ch) > 127)
        letters = sum(1 for ch in cand if ch.isalpha())
        # A legacy 8-bit transcript is mostly ASCII with a few accented letters or smart quotes;
        # anything else (another multi-byte encoding, random bytes) decodes to garbage.
        if _controls(cand) == 0 and letters and high <= 0.25 * letters:
            scored.append((_plausibility(cand), label, enc, cand))
    if not scored:
        return None
    scored.sort(key=lambda s: -s[0])  # stable: Windows-1252 first among equals
    best_score, label, enc, text = scored[0]
    high = sum(1 for b in data if b > 127)
    if len(scored) == 1:
        return Decoded(text, enc, 0.9, f"guessed: {label}, the only 8-bit encoding listed that reads all {high} non-ASCII bytes")
    others = [s for s in scored[1:] if s[3] != text]
    if not others:
        return Decoded(text, enc, 0.9, f"guessed: {label} (its {high} non-ASCII bytes read the same in the other encodings listed)")
    runner = others[0]
    margin = best_score - runner[0]
    confidence = round(min(0.95, max(0.4, 0.5 + 0.45 * margin / (abs(best_score) + abs(runner[0]) + 1))), 2)
    return Decoded(
        text,
        enc,
        confidence,
        f"guessed: {label} reads its {high} non-ASCII bytes as letters and punctuation where they fit "
        f"(plausibility {best_score:g}; {runner[1]} {runner[0]:g})",
    )


def decode(data: bytes, path: str) -> Decoded:
    """Decode a transcript's bytes: the text, the encoding and how sure that is."""
    if not data.strip(b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"):
        raise CleanupError(path, "empty file: no transcript text in it")
    found: Decoded | None = None
    for bom, enc in _BOMS:
        if data.startswith(bom):
            try:
                text = data[len(bom) :].decode(enc.replace("-sig", ""))
            except UnicodeDecodeError as exc:
                raise CleanupError(
                    path, f"not valid {enc.upper()} text despite its byte-order mark ({exc.reason} at byte {exc.start})"
                ) from None
            found = Decoded(text, enc, 1.0, "byte-order mark")
            break
    if found is None and b"\x00" in data:
        utf16 = _utf16_without_bom(data)
        if utf16 is None:
            raise CleanupError(path, "binary file, not a text transcript (it contains NUL bytes)")
        found = Decoded(utf16[0], utf16[1], 0.9, "guessed: UTF-16 without a byte-order mark (a NUL in every other byte)")
    if found is None:
        try:
            text8 = data.decode("utf-8")
        except UnicodeDecodeError:
            pass
        else:
            ascii_only = data.isascii()
            found = Decoded(text8, "utf-8", 1.0, "plain ASCII" if ascii_only else "valid UTF-8")
    if found is None:
        found = _guess_legacy(data)
        if found is None:
            raise CleanupError(path, "undecodable text: not UTF-8, UTF-16, Windows-1252, MacRoman or Latin-1")
    if _controls(found.text) > max(2, len(found.text) // 1000):
        raise CleanupError(path, "binary file, not a text transcript (it contains control characters)")
    text = found.text.lstrip("\ufeff")
    if not text.strip():
        raise CleanupError(path, "empty file: no transcript text in it")
    return replace(found, text=text)

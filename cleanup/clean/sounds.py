"""Words that sound the same, as a British reader says them: the misspellings of people who write
by ear (``sor`` saw, ``thort`` thought, ``forls`` falls, ``warked`` walked, ``frend`` friend) are
many typing slips away from their word but no sound away from it.

A non-word is read aloud by espeak-ng (its ``en-gb`` voice: the writers of phonetic spellings are
often British children, whose ``or`` is the vowel of "saw"); the dictionary's words are read from
the CMU Pronouncing Dictionary inside the ``pocketsphinx`` wheel, made non-rhotic (an ``r`` after a
vowel is not said unless a vowel follows). Both become one coarse key: stress and length dropped,
the vowels of "cot", "caught" and "cart" one class (accents differ there), an unstressed "er" the
schwa it is in British speech. Two words with one key are sound twins.

The index (key -> words) is built once from the dictionary and kept in the per-user cache; the
non-words of a document are read by one espeak-ng process. Without espeak-ng (a Debian package)
there are no twins, and spelling works as before from typing slips alone.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess

SOUND_MIN_ZIPF = 2.5
"""How common (wordfreq Zipf) a dictionary word must be to be offered as a sound twin."""
VOICE = "en-gb"

_ARPA = {
    "AA": "O", "AO": "O", "AE": "a", "AH": "u", "EH": "e", "IH": "i", "IY": "I", "UH": "U", "UW": "W",
    "AY": "Y", "AW": "H", "EY": "A", "OW": "o", "OY": "j",
    "HH": "h", "Y": "y", "CH": "C", "JH": "J", "NG": "N", "SH": "S", "TH": "T", "DH": "D", "ZH": "Z",
}  # fmt: skip
_VOWEL_KEYS = frozenset("OaueiIUWYHAojE")
_IPA_UNITS = {
    "aɪə": "Yu", "aʊə": "Hu", "aɪ": "Y", "aʊ": "H", "eɪ": "A", "oʊ": "o", "əʊ": "o", "ɔɪ": "j",
    "iə": "i", "ɪə": "i", "eə": "e", "ʊə": "U", "ɜː": "E", "ɜ": "E", "ɚ": "u", "ɝ": "E",
    "tʃ": "C", "dʒ": "J", "iː": "I", "uː": "W", "ɔː": "O", "ɑː": "O",
}  # fmt: skip
_IPA_SYMBOLS = {
    "a": "a", "æ": "a", "ɐ": "u", "ə": "u", "ʌ": "u", "ᵻ": "i", "ɪ": "i", "i": "I", "e": "e", "ɛ": "e",
    "ɑ": "O", "ɒ": "O", "ɔ": "O", "o": "o", "ʊ": "U", "u": "W", "b": "b", "d": "d", "f": "f", "ɡ": "g",
    "g": "g", "h": "h", "j": "y", "k": "k", "l": "l", "m": "m", "n": "n", "ŋ": "N", "p": "p", "ɹ": "r",
    "r": "r", "s": "s", "ʃ": "S", "t": "t", "θ": "T", "ð": "D", "v": "v", "w": "w", "z": "z", "ʒ": "Z",
    "x": "h",
}  # fmt: skip
_STRESS = str.maketrans("", "", "ˈˌ")


def arpabet_key(phones: list[str]) -> str:
    """The key of a CMU pronunciation (``S AO1`` -> ``sO``), read as British speech: an r after a
    vowel with no vowel after it is silent, an unstressed ER is a schwa."""
    out: list[str] = []
    bases = [re.sub(r"\d", "", p) for p in phones]
    for k, (phone, base) in enumerate(zip(phones, bases, strict=True)):
        vowel_next = k + 1 < len(bases) and _ARPA.get(bases[k + 1], "") in _VOWEL_KEYS
        if base == "R" and out and out[-1] in _VOWEL_KEYS and not vowel_next:
            continue
        if base == "ER":
            out.append("E" if phone.endswith("1") else "u")
            continue
        out.append(_ARPA.get(base, base.lower()))
    return "".join(out)


def ipa_key(ipa: str) -> str:
    """The key of one espeak-ng ``--ipa --sep=_`` line (``s_ˈɔː`` -> ``sO``)."""
    out: list[str] = []
    for unit in ipa.translate(_STRESS).replace(" ", "_").split("_"):
        i = 0
        while i < len(unit):
            for size in (3, 2):
                if unit[i : i + size] in _IPA_UNITS:
                    out.append(_IPA_UNITS[unit[i : i + size]])
                    i += size
                    break
            else:
                out.append(_IPA_SYMBOLS.get(unit[i], ""))
                i += 1
    return "".join(out)


def cmu_entries() -> list[tuple[str, list[str]]]:
    """(word, phones) for the first pronunciation of every alphabetic word of the CMU dictionary in
    the pocketsphinx wheel (empty when pocketsphinx is not installed)."""
    try:
        from pocketsphinx import get_model_path
    except ImportError:
        return []
    path = os.path.join(get_model_path(), "en-us", "cmudict-en-us.dict")
    if not os.path.exists(path):
        return []
    entries = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            word, *phones = line.split()
            if word.isalpha() and phones:  # (not the alternatives, "fine(2)": F IH N AH, the Italian)
                entries.append((word, phones))
    return entries


def read_aloud(words: list[str]) -> dict[str, str] | None:
    """The keys of lower-case alphabetic words as espeak-ng reads them, from one process (a word
    it cannot read has none); None when espeak-ng is missing or fails."""
    exe = shutil.which("espeak-ng")
    if exe is None:
        return None
    words = [w for w in dict.fromkeys(words) if w.isalpha() and w.isascii()]
    if not words:
        return {}
    lines = _espeak(exe, words)
    if lines is None and len(words) > 1:
        # the line-for-line correspondence broke: one process a word, a word that fails has no key
        one = [_espeak(exe, [w]) for w in words]
        return {w: ipa_key(r[0]) if r else "" for w, r in zip(words, one, strict=True)}
    if lines is None:
        return None
    return {w: ipa_key(line) for w, line in zip(words, lines, strict=True)}


def _espeak(exe: str, words: list[str]) -> list[str] | None:
    """espeak-ng's IPA lines for ``words``, one each; None when it fails or the lines do not match."""
    try:
        done = subprocess.run(
            [exe, "-q", "--ipa", "-v", VOICE, "--sep=_"],
            input="".join(f"{w}.\n" for w in words),  # (a full stop each: one line out per word)
            capture_output=True,
            text=True,
            encoding="utf-8",
            check=False,
            timeout=60,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    lines = [ln.strip() for ln in done.stdout.splitlines() if ln.strip()]
    if done.returncode != 0 or len(lines) != len(words):
        return None
    return lines


_VOICING = dict(zip("tkpsfCTSdgbzvJDZ", "dgbzvJDZtkpsfCTS", strict=True))


def near_keys(key: str) -> set[str]:
    """The keys one sound away: another vowel, the other voicing of a consonant (``hudge`` hutch),
    or one sound fewer."""
    out: set[str] = set()
    for i, ch in enumerate(key):
        if ch in _VOWEL_KEYS:
            out.update(key[:i] + v + key[i + 1 :] for v in _VOWEL_KEYS if v != ch)
        if ch in _VOICING:
            out.add(key[:i] + _VOICING[ch] + key[i + 1 :])
        out.add(key[:i] + key[i + 1 :])
    out.discard(key)
    return out

"""Words as the aligner's dictionary knows them, and pronunciations for the words it does not know.

A cleaned word (`Kubernetes,` `"Don't` `1970s` `p99` `well-known`) becomes a dictionary key: lower case,
curly apostrophes straightened, punctuation around it stripped. Keys the CMU dictionary lacks get a
pronunciation from espeak-ng (`espeak-ng -q --ipa -v en-us --sep=_`, one process for a whole batch,
one input line per word), its IPA phonemes mapped to the model's ARPAbet phone set. espeak-ng reads
numbers as words (`430` -> four hundred thirty), so they need nothing special.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import unicodedata
from collections.abc import Callable, Iterable

_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'", "\u00b4": "'"})
_EDGE = re.compile(r"^[^\w'%$&+@]+|[^\w'%$&+@]+$")
_INNER_JUNK = re.compile(r"[^\w'\-.%$&+@]")
_SAID = {"%": " percent ", "&": " and ", "+": " plus ", "@": " at ", "$": " dollars "}

# espeak-ng's en-us IPA phoneme units (stress marks removed) -> ARPAbet. Units are what `--sep=_`
# separates; a unit not listed is read symbol by symbol with `_SYMBOLS`.
_UNITS: dict[str, tuple[str, ...]] = {
    "aɪ": ("AY",),
    "aʊ": ("AW",),
    "eɪ": ("EY",),
    "oʊ": ("OW",),
    "əʊ": ("OW",),
    "ɔɪ": ("OY",),
    "aɪə": ("AY", "ER"),
    "aɪɚ": ("AY", "ER"),
    "aʊɚ": ("AW", "ER"),
    "aʊə": ("AW", "ER"),
    "iə": ("IY", "AH"),
    "eə": ("EH", "R"),
    "ɪə": ("IH", "R"),
    "ʊə": ("UH", "R"),
    "ɪɹ": ("IH", "R"),
    "ɛɹ": ("EH", "R"),
    "ʊɹ": ("UH", "R"),
    "ɑːɹ": ("AA", "R"),
    "ɑɹ": ("AA", "R"),
    "ɔːɹ": ("AO", "R"),
    "ɔɹ": ("AO", "R"),
    "oːɹ": ("AO", "R"),
    "oɹ": ("AO", "R"),
    "ɜːɹ": ("ER",),
    "əɹ": ("ER",),
    "ɜː": ("ER",),
    "ɜ": ("ER",),
    "ɚ": ("ER",),
    "ɝ": ("ER",),
    "əl": ("AH", "L"),
    "l̩": ("AH", "L"),
    "n̩": ("AH", "N"),
    "m̩": ("AH", "M"),
    "tʃ": ("CH",),
    "dʒ": ("JH",),
    "ts": ("T", "S"),
    "dz": ("D", "Z"),
}
_SYMBOLS: dict[str, tuple[str, ...]] = {
    "a": ("AE",),
    "æ": ("AE",),
    "ɐ": ("AH",),
    "ə": ("AH",),
    "ʌ": ("AH",),
    "ᵻ": ("IH",),
    "ɪ": ("IH",),
    "i": ("IY",),
    "e": ("EY",),
    "ɛ": ("EH",),
    "ɑ": ("AA",),
    "ɒ": ("AA",),
    "ɔ": ("AO",),
    "o": ("OW",),
    "ʊ": ("UH",),
    "u": ("UW",),
    "ɨ": ("IH",),
    "y": ("UW",),
    "ø": ("ER",),
    "œ": ("ER",),
    "b": ("B",),
    "d": ("D",),
    "f": ("F",),
    "ɡ": ("G",),
    "g": ("G",),
    "h": ("HH",),
    "j": ("Y",),
    "k": ("K",),
    "l": ("L",),
    "ɫ": ("L",),
    "ɬ": ("L",),
    "m": ("M",),
    "n": ("N",),
    "ŋ": ("NG",),
    "ɲ": ("N", "Y"),
    "p": ("P",),
    "ɹ": ("R",),
    "r": ("R",),
    "ɾ": ("T",),
    "ʔ": ("T",),
    "s": ("S",),
    "ʃ": ("SH",),
    "t": ("T",),
    "θ": ("TH",),
    "ð": ("DH",),
    "v": ("V",),
    "w": ("W",),
    "ʍ": ("W",),
    "x": ("HH",),
    "ç": ("HH",),
    "z": ("Z",),
    "ʒ": ("ZH",),
    "β": ("V",),
    "ɣ": ("G",),
    "χ": ("HH",),
    "ʁ": ("R",),
}
_IGNORED = set("ˈˌː̃ˑ-‿|. ʲʰ̩")  # stress, length, nasalisation, syllabic mark (handled in units), separators

ARPABET_VOWELS = frozenset({"AA", "AE", "AH", "AO", "AW", "AY", "EH", "ER", "EY", "IH", "IY", "OW", "OY", "UH", "UW"})


def normalise(word: str) -> str:
    """The dictionary key for a cleaned word: `"Don't,` -> don't; `Kubernetes.` -> kubernetes; `—` -> ''."""
    w = unicodedata.normalize("NFKC", word).translate(_APOSTROPHES).lower()
    w = _EDGE.sub("", w)
    w = _INNER_JUNK.sub("", w)
    w = w.strip("'-.")
    return w


def ipa_to_arpabet(ipa: str) -> list[str]:
    """One espeak-ng `--sep=_` line (several words for `p99` or `430`) -> ARPAbet phones."""
    phones: list[str] = []
    for word in ipa.split():
        for unit in word.split("_"):
            unit = "".join(ch for ch in unit if ch not in "ˈˌ")
            if not unit:
                continue
            key = unit
            if key in _UNITS:
                phones.extend(_UNITS[key])
                continue
            bare = "".join(ch for ch in key if ch not in _IGNORED)
            if bare in _UNITS:
                phones.extend(_UNITS[bare])
                continue
            i = 0
            while i < len(bare):
                two = bare[i : i + 2]
                if two in _UNITS:
                    phones.extend(_UNITS[two])
                    i += 2
                    continue
                phones.extend(_SYMBOLS.get(bare[i], ()))
                i += 1
    # an r-coloured vowel unit followed by its own ɹ (`ʊɹ_ɹ`, `ɑːɹ_ɹ`) would say R twice
    return [p for k, p in enumerate(phones) if not (p == "R" and k and phones[k - 1] in ("R", "ER"))]


def espeak_available() -> bool:
    return shutil.which("espeak-ng") is not None


def _espeak_input(key: str) -> str:
    """What espeak-ng reads for one key: no clause punctuation, so one line in gives one line out."""
    text = key if re.fullmatch(r"\d+\.\d+", key) else key.replace("-", " ").replace(".", " ")
    text = re.sub(r"(?<=\d),(?=\d{3})", "", text)
    if text.startswith("$") and text[1:2].isdigit():
        text = text[1:] + " dollars"
    for sym, said in _SAID.items():
        text = text.replace(sym, said)
    text = re.sub(r"[^\w'. ]", " ", text)
    return " ".join(text.split()) or "x"


def readings(key: str) -> list[str]:
    """What espeak-ng should read for a key, most likely first: a year-like number is read as a year
    (`1370` thirteen seventy, `1905` nineteen oh five, `1100s` eleven hundreds) and as a cardinal."""
    m = re.fullmatch(r"'?(\d+)('?s)?", key)
    if not m:
        return [_espeak_input(key)]
    digits, plural = m.group(1), bool(m.group(2))
    suffix = " s" if plural else ""  # marks the plural: the s is added as a Z phone after mapping
    cardinal = " ".join(digits) if len(digits) > 6 and digits.startswith("0") else digits
    out: list[str] = []
    if len(digits) == 4 and digits[0] in "12" and not digits.endswith("000"):
        head, tail = digits[:2], digits[2:]
        if tail == "00":
            out.append(f"{head} hundred{suffix}")
        elif tail[0] == "0" and head != "20":
            out.append(f"{head} oh {tail[1]}{suffix}")
        elif head == "20" and tail[0] == "0":
            out.append(f"2000 {tail[1]}{suffix}")
        else:
            out.append(f"{head} {tail}{suffix}")
    elif len(digits) == 2 and plural:
        out.append(f"{digits}{suffix}")
    out.append(f"{cardinal}{suffix}")
    return list(dict.fromkeys(out))


def espeak_batch(keys: list[str]) -> dict[str, list[list[str]]]:
    """ARPAbet pronunciations (alternatives, most likely first) for many words from one espeak-ng
    process (one line each)."""
    if not keys:
        return {}
    exe = shutil.which("espeak-ng")
    if exe is None:
        raise FileNotFoundError("espeak-ng")
    owners: list[str] = []
    lines: list[str] = []
    for key in keys:
        for text in readings(key):
            owners.append(key)
            lines.append(text)
    plural = [line.endswith(" s") and line[:-2].replace(" ", "").isalnum() and any(c.isdigit() for c in line) for line in lines]
    lines = [line[:-2] if p else line for line, p in zip(lines, plural, strict=True)]
    out = _run_espeak(exe, lines)
    if out is None or len(out) != len(lines):
        # the line-for-line correspondence broke (it never has on words like these): one process a word
        out = []
        for line in lines:
            one = _run_espeak(exe, [line])
            out.append(" ".join(one) if one else "")
    result: dict[str, list[list[str]]] = {key: [] for key in keys}
    for key, ipa, p in zip(owners, out, plural, strict=True):
        phones = ipa_to_arpabet(ipa)
        if phones and p:
            phones = [*phones, "Z"]
        if phones and phones not in result[key]:
            result[key].append(phones)
    return result


def _run_espeak(exe: str, lines: list[str]) -> list[str] | None:
    done = subprocess.run(
        [exe, "-q", "--ipa", "-v", "en-us", "--sep=_"],
        input="\n".join(lines) + "\n",
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
    )
    if done.returncode != 0:
        return None
    return [ln.strip() for ln in done.stdout.splitlines() if ln.strip()]


def syllables(phones: Iterable[str]) -> int:
    return sum(1 for p in phones if p in ARPABET_VOWELS)


_CACHE: dict[str, list[list[str]]] = {}


def pronunciations(keys: Iterable[str], lookup: Callable[[str], list[str] | None]) -> dict[str, list[list[str]]]:
    """Pronunciations for every key, most likely first: [] for a dictionary word (the decoder has its
    own, `lookup` says whether it does), its hyphen parts' joined when each part is a dictionary word,
    else espeak-ng's (cached for the process). A key nothing can pronounce maps to [[]]."""
    result: dict[str, list[list[str]]] = {}
    todo: list[str] = []
    for key in dict.fromkeys(keys):
        if not key:
            result[key] = [[]]
            continue
        if key in _CACHE:
            result[key] = _CACHE[key]
            continue
        if lookup(key):
            result[key] = []
            continue
        parts = [part for part in key.split("-") if part]
        if len(parts) > 1:
            got = [lookup(part) for part in parts]
            if all(got):
                result[key] = [[p for g in got if g for p in g]]
                continue
        todo.append(key)
    if todo:
        got_all = espeak_batch(todo)
        for key in todo:
            _CACHE[key] = got_all.get(key) or [[]]
            result[key] = _CACHE[key]
    return result

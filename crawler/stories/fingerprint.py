"""Body fingerprints for finding the same story at several outlets.

Reprints differ from the agency copy in the wrapper, not the text: the dateline (`(Dân trí) - `,
`Hà Nội (TTXVN) - `), the credit line (`Theo TTXVN`), photo captions and the byline. Those are cut
before comparing. Vietnamese syllables are space-separated, so shingles are runs of consecutive
syllables; tone marks are folded because the same word is written `hoà`/`hòa` and some feeds lose
tones, while vowel-quality marks (â, ă, ê, ô, ơ, ư, đ) stay, as they separate words more often.
"""

from __future__ import annotations

import hashlib
import importlib
import re
import unicodedata
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Any

import numpy as np

from crawler.normalize import nfc

NUM_PERM = 128
BANDS = 42
ROWS = 3  # 126 of the 128 values; candidate S-curve midpoint (1/42)^(1/3) ≈ 0.29
SHINGLE_SIZE = 4
MINHASH_SCHEME = "affine32"
MINHASH_SEED = 1
MINHASH_LIBRARY = "datasketch"
MIN_SYLLABLES = 12  # below this a body carries too little text to call two articles one story
# Stored band hashes are only comparable with the same parameters; the index records this tag.
FINGERPRINT_VERSION = f"v1-k{SHINGLE_SIZE}-p{NUM_PERM}-b{BANDS}r{ROWS}-{MINHASH_SCHEME}"

# The five Vietnamese tones as combining marks after NFD: grave, acute, tilde, hook above, dot below.
_TONES = dict.fromkeys(map(ord, "\u0300\u0301\u0303\u0309\u0323"))

_UP = "A-ZÀ-ỸĐ"
# `Hà Nội (TTXVN) - `, `(Dân trí) - `, `TP.HCM (PLO) – `: optional place, a source in brackets, a dash.
_DATELINE_PAREN = re.compile(rf"^\s*(?:[{_UP}][\w.]*\s+){{0,4}}\([^()\n]{{1,40}}\)\s*[-–—:]+\s*")
# `TPO - `, `VOV.VN - `, `TTXVN - `, `VTV.vn – `: a short all-capitals source code and a dash.
_DATELINE_CODE = re.compile(rf"^\s*[{_UP}][{_UP}0-9.+/]{{1,14}}(?:\.vn|\.VN)?\s*[-–—]\s+")
_CAPTION_INLINE = re.compile(
    r"\(\s*(?:ảnh|ảnh minh họa|ảnh minh hoạ|nguồn|video|clip|đồ họa|đồ hoạ|infographic)\b[^()\n]*\)",
    re.IGNORECASE,
)
_CAPTION_LINE = re.compile(
    r"^\s*(?:ảnh|ảnh minh họa|ảnh minh hoạ|video|clip|nguồn ảnh|đồ họa|đồ hoạ|xem thêm|"
    r"tin liên quan|đọc thêm|mời xem)\s*[:.\-–]",
    re.IGNORECASE,
)
_CREDIT_LINE = re.compile(r"^\s*[(\[]?\s*(?:theo|nguồn)\b", re.IGNORECASE)
_SENTENCE_END = re.compile(r"[.!?…\"”»]\s*$")
_WORD = re.compile(r"\w+")


def _is_trailer(line: str) -> bool:
    """A closing byline or credit: short and not a sentence (`Theo TTXVN`, `Minh Anh (TTXVN)`, `PV`)."""
    words = line.split()
    if _CREDIT_LINE.match(line) and len(words) <= 12:
        return True
    return len(words) <= 8 and not _SENTENCE_END.search(line)


def clean_body(body: str) -> str:
    """The body without the wrapper outlets add to a reprint: dateline, captions, byline, credit."""
    lines = [ln for ln in nfc(body).split("\n") if not _CAPTION_LINE.match(ln)]
    lines = [" ".join(_CAPTION_INLINE.sub(" ", ln).split()) for ln in lines]
    lines = [ln for ln in lines if ln]
    while lines and _is_trailer(lines[-1]):
        lines.pop()
    while lines and _CREDIT_LINE.match(lines[0]) and len(lines[0].split()) <= 12:
        lines.pop(0)
    if lines:
        first = _DATELINE_PAREN.sub("", lines[0], count=1)
        first = _DATELINE_CODE.sub("", first, count=1)
        lines[0] = first
    return "\n".join(ln for ln in lines if ln.strip())


def fold_tones(text: str) -> str:
    """Lower-case and drop the tone marks, keeping vowel-quality marks and đ (for matching only)."""
    decomposed = unicodedata.normalize("NFD", text.casefold()).translate(_TONES)
    return unicodedata.normalize("NFC", decomposed)


def syllables(body: str) -> list[str]:
    """The matching form of a body: tone-folded lower-case syllables, punctuation dropped."""
    return _WORD.findall(fold_tones(clean_body(body)))


def shingles(sylls: list[str], k: int = SHINGLE_SIZE) -> set[bytes]:
    """Runs of k consecutive syllables (the whole text when shorter)."""
    if not sylls:
        return set()
    if len(sylls) <= k:
        return {" ".join(sylls).encode()}
    return {" ".join(sylls[i : i + k]).encode() for i in range(len(sylls) - k + 1)}


@lru_cache(maxsize=1)
def _minhash() -> Any:
    """The MinHash class, imported on first use: datasketch imports scipy (0.6 s), which a crawl's
    own process never needs, as the extraction workers fingerprint the bodies (their fork server
    preloads MINHASH_LIBRARY, crawler/pipelines/extract.py)."""
    return importlib.import_module(MINHASH_LIBRARY).MinHash


@lru_cache(maxsize=1)
def _permutations() -> np.ndarray:
    """Generated once: a MinHash builds its permutations from the seed on every construction."""
    permutations: np.ndarray = _minhash()(
        num_perm=NUM_PERM, seed=MINHASH_SEED, scheme=MINHASH_SCHEME
    ).permutations
    return permutations


@dataclass(frozen=True)
class Fingerprint:
    """MinHash signature of a body's shingles and its LSH band keys."""

    signature: np.ndarray  # uint32[NUM_PERM]
    bands: tuple[int, ...]  # signed 64-bit (BSON int64) band keys
    shingle_count: int
    syllable_count: int

    @property
    def usable(self) -> bool:
        """Too short a body (a photo story, a video stub) is never matched to another."""
        return self.syllable_count >= MIN_SYLLABLES

    def signature_bytes(self) -> bytes:
        return self._signature_bytes

    @cached_property
    def _signature_bytes(self) -> bytes:  # asked once per candidate comparison: computed once
        return self.signature.astype("<u4").tobytes()


@dataclass(frozen=True)
class BodyFingerprint:
    """A fingerprint and the `body_hash` of the text it was computed from: computed where the body
    was extracted (a worker), used by story assignment when the article still has that body."""

    body_hash: str
    fingerprint: Fingerprint


def signature_from_bytes(data: bytes) -> np.ndarray:
    return np.frombuffer(data, dtype="<u4")


def estimated_jaccard(a: np.ndarray, b: np.ndarray) -> float:
    """Share of equal MinHash values: an unbiased estimate of the shingle sets' Jaccard similarity."""
    return float(np.count_nonzero(a == b)) / len(a)


def band_keys(signature: np.ndarray) -> tuple[int, ...]:
    """One 64-bit key per band of ROWS values; the band number is hashed in so bands never collide."""
    raw = signature.astype("<u4").tobytes()
    width = ROWS * 4
    keys = []
    for band in range(BANDS):
        digest = hashlib.blake2b(raw[band * width : (band + 1) * width], digest_size=8, salt=bytes([band]))
        keys.append(int.from_bytes(digest.digest(), "little", signed=True))
    return tuple(keys)


def fingerprint(body: str, k: int = SHINGLE_SIZE) -> Fingerprint:
    """Fingerprint of an article body (the extracted text, lead not included)."""
    sylls = syllables(body)
    grams = shingles(sylls, k)
    mh = _minhash()(num_perm=NUM_PERM, seed=MINHASH_SEED, permutations=_permutations(), scheme=MINHASH_SCHEME)
    if grams:
        mh.update_batch(list(grams))
    signature = np.asarray(mh.hashvalues, dtype=np.uint32)
    return Fingerprint(signature, band_keys(signature), len(grams), len(sylls))

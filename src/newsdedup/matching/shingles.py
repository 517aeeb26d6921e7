"""Shingles and their hashes, for whole batches of texts at once in numpy.

A text is split on whitespace and re-joined with single spaces; a word shingle is ``n``
consecutive words as that string's UTF-8 bytes (``"the storm hit"``), a character shingle ``n``
consecutive characters of it. A text with fewer than ``n`` words (characters) is one shingle.

Each shingle gets one 32-bit hash, :func:`shingle_hash`: a polynomial hash of its bytes modulo
2^64 (base :data:`BASE`, each byte counted as ``byte + 1``), mixed with its length and the
MurmurHash3 64-bit finalizer, high 32 bits kept. It depends only on the bytes: not on
``PYTHONHASHSEED``, the platform or the batch. Because the polynomial of any span follows from
prefix sums, a batch's hashes are computed with a few numpy passes over its bytes, with no
Python loop over words; :func:`shingle_hash` is the same function for one ``bytes`` object, to
give datasketch (``MinHash(hashfunc=shingle_hash)``) exactly our shingle hashes.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from .. import compiled

__all__ = ["BASE", "ShingleBatch", "shingle_batch", "shingle_hash", "shingles", "unit_for"]

Kind = Literal["word", "char", "auto"]

# Scripts written without spaces between words: Thai, Lao, Myanmar, Khmer, kana, CJK ideographs.
_UNSPACED = re.compile(
    "[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff"
    "\uf900-\ufaff\U00020000-\U0002fa1f]"
)
_LETTER = re.compile(r"[^\W\d_]")


def unit_for(text: str) -> Literal["word", "char"]:
    """The shingle unit ``kind="auto"`` gives a text: characters when at least half of its
    letters are of a script written without spaces between words (Chinese, Japanese, Thai,
    Khmer, ...), where a "word" would be a whole clause; words otherwise.

    >>> unit_for("Storm hits the coast"), unit_for("暴风雨袭击北部沿海地区")
    ('word', 'char')
    """
    if text.isascii():
        return "word"
    unspaced = len(_UNSPACED.findall(text))
    if not unspaced:
        return "word"
    return "char" if 2 * unspaced >= len(_LETTER.findall(text)) else "word"


#: Base of the polynomial hash (odd, so it is invertible modulo 2^64).
BASE = 0x100000001B3
_MASK64 = (1 << 64) - 1
_BASE_INV = pow(BASE, -1, 1 << 64)
_LEN_MIX = 0x9E3779B97F4A7C15

_U64 = np.uint64


def _fmix64(h: np.ndarray) -> np.ndarray:
    h = h ^ (h >> _U64(33))
    h = h * _U64(0xFF51AFD7ED558CCD)
    h = h ^ (h >> _U64(33))
    h = h * _U64(0xC4CEB9FE1A85EC53)
    return h ^ (h >> _U64(33))


def shingle_hash(data: bytes) -> int:
    """The 32-bit hash of one shingle's bytes (the reference for the vectorized batch version).

    Args:
        data: the shingle's UTF-8 bytes.

    >>> shingle_hash(b"the storm hit") == shingle_hash("the storm hit".encode())
    True
    """
    acc = 0
    power = 1
    for byte in data:
        acc = (acc + (byte + 1) * power) & _MASK64
        power = (power * BASE) & _MASK64
    mixed = np.array([acc ^ ((len(data) * _LEN_MIX) & _MASK64)], dtype=np.uint64)
    return int(_fmix64(mixed)[0] >> _U64(32))


def shingles(text: str, n: int = 5, kind: Kind = "word") -> list[bytes]:
    """The shingles of one text as bytes, in order, repeats included (for datasketch and tests).

    Args:
        text: the text, as given (no cleaning).
        n: words (or characters) per shingle.
        kind: ``"word"``, ``"char"``, or ``"auto"`` (:func:`unit_for` the text).

    >>> shingles("a b  c", n=2)
    [b'a b', b'b c']
    """
    if kind == "auto":
        kind = unit_for(text)
    words = text.split()
    if not words:
        return []
    if kind == "char":
        joined = " ".join(words)
        if len(joined) <= n:
            return [_utf8(joined)]
        return [_utf8(joined[i : i + n]) for i in range(len(joined) - n + 1)]
    if len(words) <= n:
        return [_utf8(" ".join(words))]
    return [_utf8(" ".join(words[i : i + n])) for i in range(len(words) - n + 1)]


def _utf8(text: str) -> bytes:
    return text.encode("utf-8", "surrogatepass")  # lone surrogates hash too, never raise


def _powers(base: int, n: int) -> np.ndarray:
    """``base**i mod 2**64`` for ``i < n``, by doubling (cumprod is sequential and slow)."""
    out = np.empty(max(n, 1), dtype=np.uint64)
    out[0] = 1
    filled = 1
    with np.errstate(over="ignore"):
        while filled < n:
            step = min(filled, n - filled)
            np.multiply(out[:step], np.uint64(pow(base, filled, 1 << 64)), out=out[filled : filled + step])
            filled += step
    return out[:n]


class _Powers:
    """Cached powers of BASE and of its inverse modulo 2^64, grown on demand.

    Thread-safe: the two tables are replaced together as one tuple (a reader always sees a
    matching pair), and growing them is done under a lock.
    """

    def __init__(self) -> None:
        self.tables = (np.ones(1, dtype=np.uint64), np.ones(1, dtype=np.uint64))
        self.lock = threading.Lock()

    def upto(self, n: int) -> tuple[np.ndarray, np.ndarray]:
        pw, inv = self.tables
        if len(pw) < n:
            with self.lock:
                pw, inv = self.tables
                if len(pw) < n:
                    size = max(n, 2 * len(pw), 2 * _CHUNK_BYTES)
                    pw, inv = _powers(BASE, size), _powers(_BASE_INV, size)
                    self.tables = (pw, inv)
        return pw[:n], inv[:n]


_POWERS = _Powers()


@dataclass(frozen=True)
class ShingleBatch:
    """The shingle hashes of a batch: document ``d``'s are ``hashes[offsets[d]:offsets[d+1]]``."""

    hashes: np.ndarray  # uint32, shingles of all documents in order
    offsets: np.ndarray  # int64, len(texts) + 1

    @property
    def counts(self) -> np.ndarray:
        return np.diff(self.offsets)

    def set_sizes(self) -> np.ndarray:
        """Distinct shingle hashes per document (the set size used for containment)."""
        counts = self.counts
        if len(self.hashes) == 0:
            return np.zeros(len(counts), dtype=np.int64)
        doc = np.repeat(np.arange(len(counts), dtype=np.uint64), counts)
        keys = np.sort((doc << _U64(32)) | self.hashes.astype(np.uint64))
        new = np.ones(len(keys), dtype=bool)
        new[1:] = keys[1:] != keys[:-1]
        return np.bincount((keys[new] >> _U64(32)).astype(np.int64), minlength=len(counts))


def shingle_batch(texts: Sequence[str], n: int = 5, kind: Kind = "word") -> ShingleBatch:
    """Hash the shingles of many texts at once; equal to ``[shingle_hash(s) for s in shingles(t)]``.

    >>> b = shingle_batch(["a b c", "a b"], n=2)
    >>> b.offsets.tolist(), int(b.hashes[0]) == shingle_hash(b"a b")
    ([0, 2, 3], True)
    """
    if n < 1:
        raise ValueError(f"shingle size n must be >= 1, got {n}")
    if kind not in ("word", "char", "auto"):
        raise ValueError(f"shingle kind must be 'word', 'char' or 'auto', got {kind!r}")
    if kind != "auto":
        return _batch_of(texts, n, kind)
    units = [unit_for(t) for t in texts]
    if all(u == "word" for u in units) or all(u == "char" for u in units):
        return _batch_of(texts, n, units[0] if units else "word")
    # Both kinds: each shingled apart, then the documents put back in their order.
    parts = {u: [k for k, v in enumerate(units) if v == u] for u in ("word", "char")}
    done = {u: _batch_of([texts[k] for k in ks], n, u) for u, ks in parts.items()}  # type: ignore[arg-type]
    counts = np.zeros(len(texts), dtype=np.int64)
    for u, ks in parts.items():
        counts[ks] = np.diff(done[u].offsets)
    offsets = np.zeros(len(texts) + 1, dtype=np.int64)
    np.cumsum(counts, out=offsets[1:])
    hashes = np.empty(int(offsets[-1]), dtype=np.uint32)
    for u, ks in parts.items():
        b = done[u]
        for j, k in enumerate(ks):
            hashes[offsets[k] : offsets[k + 1]] = b.hashes[b.offsets[j] : b.offsets[j + 1]]
    return ShingleBatch(hashes, offsets)


def _batch_of(texts: Sequence[str], n: int, kind: Kind) -> ShingleBatch:
    """:func:`shingle_batch` of texts that all take one unit, ``"word"`` or ``"char"``."""
    if kind == "word":
        # Words are found in the raw bytes (no per-text split and join): see _hash_words.
        joined = [t.encode("utf-8", "surrogatepass") for t in texts]
    else:
        joined = [" ".join(t.split()).encode("utf-8", "surrogatepass") for t in texts]
    core = compiled.CORE
    if core is not None:
        hashes, offsets = core.shingle_hashes(joined, n, kind == "char")
        return ShingleBatch(np.frombuffer(hashes, dtype=np.uint32), np.frombuffer(offsets, dtype=np.int64))
    # Hash in chunks of about _CHUNK_BYTES, so the prefix-sum and power tables stay small.
    parts: list[ShingleBatch] = []
    start = size = 0
    for i, j in enumerate(joined):
        size += len(j) + 1
        if size >= _CHUNK_BYTES:
            parts.append(_hash_chunk(joined[start : i + 1], n, kind))
            start, size = i + 1, 0
    if start < len(joined) or not parts:
        parts.append(_hash_chunk(joined[start:], n, kind))
    if len(parts) == 1:
        return parts[0]
    counts = np.concatenate([np.diff(p.offsets) for p in parts])
    offsets = np.zeros(len(joined) + 1, dtype=np.int64)
    np.cumsum(counts, out=offsets[1:])
    return ShingleBatch(np.concatenate([p.hashes for p in parts]), offsets)


#: Bytes of text hashed at a time.
_CHUNK_BYTES = 1 << 20


# UTF-8 of the non-ASCII characters str.split() splits on (NEL, NBSP, U+1680, U+2000-U+200A,
# U+2028, U+2029, U+202F, U+205F, U+3000).
_WIDE_SPACES = tuple(
    np.frombuffer(chr(c).encode(), dtype=np.uint8) for c in range(0x80, 0x3001) if chr(c).isspace()
)
_ASCII_SPACES = np.zeros(256, dtype=bool)
_ASCII_SPACES[[c for c in range(0x80) if chr(c).isspace()]] = True


def _separators(buf: np.ndarray) -> np.ndarray:
    """Which bytes of ``buf`` belong to whitespace, as ``str.split()`` sees it."""
    sep = _ASCII_SPACES[buf]
    if len(buf) and buf.max() >= 0x80:
        for seq in _WIDE_SPACES:
            k = len(seq)
            if len(buf) < k:
                continue
            hit = buf[: len(buf) - k + 1] == seq[0]
            for j in range(1, k):
                hit &= buf[j : len(buf) - k + 1 + j] == seq[j]
            for j in range(k):
                sep[j : len(buf) - k + 1 + j] |= hit
    return sep


def _hash_chunk(joined: list[bytes], n: int, kind: Kind) -> ShingleBatch:
    lengths = np.fromiter((len(j) for j in joined), dtype=np.int64, count=len(joined))
    doc_start = np.zeros(len(joined) + 1, dtype=np.int64)
    np.cumsum(lengths + 1, out=doc_start[1:])  # one separator byte after each text
    buf = np.frombuffer(b"\n".join(joined) + b"\n", dtype=np.uint8) if joined else np.zeros(0, np.uint8)

    # Unit boundaries (words or characters) as byte offsets into buf, per text.
    if kind == "word":
        is_sep = _separators(buf)
        starts = np.flatnonzero(~is_sep & np.concatenate(([True], is_sep[:-1])))
        ends = np.flatnonzero(~is_sep & np.concatenate((is_sep[1:], [True]))) + 1
    else:
        # Characters are the UTF-8 lead bytes; the separator is no character.
        starts = np.flatnonzero(((buf & 0xC0) != 0x80) & (buf != 10))
        nxt = np.flatnonzero((buf & 0xC0) != 0x80)  # lead bytes and separators
        ends = nxt[np.searchsorted(nxt, starts, side="right")]
    units = np.searchsorted(starts, doc_start)  # first unit of each text; last entry = total
    per_doc = np.diff(units)
    counts = np.where(per_doc >= n, per_doc - n + 1, np.minimum(per_doc, 1))
    offsets = np.zeros(len(joined) + 1, dtype=np.int64)
    np.cumsum(counts, out=offsets[1:])
    total = int(offsets[-1])
    if total == 0:
        return ShingleBatch(np.zeros(0, dtype=np.uint32), offsets)

    # Shingle k of text d covers units first..last, clipped to the text's last unit.
    doc = np.repeat(np.arange(len(joined)), counts)
    first = units[doc] + (np.arange(total) - offsets[doc])
    last = np.minimum(first + n - 1, units[doc + 1] - 1)

    pw, inv = _POWERS.upto(len(buf) + 1)
    with np.errstate(over="ignore"):
        prefix = np.zeros(len(buf) + 1, dtype=np.uint64)
        np.cumsum((buf.astype(np.uint64) + _U64(1)) * pw[: len(buf)], out=prefix[1:])
        if kind == "char":
            lo = starts[first].astype(np.int64)
            hi = ends[last].astype(np.int64)
            poly = (prefix[hi] - prefix[lo]) * inv[lo]
            length = hi - lo
        else:
            # The raw text may hold any whitespace between words; the shingle is the words joined
            # by single spaces. Word k's polynomial, moved to its place g[k] in that normalized
            # text, plus the space after it, summed over the words: a prefix over words gives
            # any shingle's polynomial without building the normalized text.
            s_, e_ = starts.astype(np.int64), ends.astype(np.int64)
            size = e_ - s_
            g = np.zeros(len(s_), dtype=np.int64)
            np.cumsum(size[:-1] + 1, out=g[1:])
            word = (prefix[e_] - prefix[s_]) * inv[s_]
            space = _U64(33) * pw[g + size]  # a space byte (32) counts as 33
            placed = np.zeros(len(s_) + 1, dtype=np.uint64)
            np.cumsum(word * pw[g] + space, out=placed[1:])
            poly = (placed[last + 1] - placed[first] - space[last]) * inv[g[first]]
            length = g[last] + size[last] - g[first]
        mixed = poly ^ (length.astype(np.uint64) * _U64(_LEN_MIX))
        hashes = (_fmix64(mixed) >> _U64(32)).astype(np.uint32)
    return ShingleBatch(hashes, offsets)

"""Index files: what :meth:`NearDupIndex.save` writes and :meth:`NearDupIndex.load` trusts.

Owns: the file format (numpy arrays and JSON metadata in one ``.npz``, no pickle anywhere), its
version, and every check made before a file is used (format, version, types, shapes, offsets,
checksum, ids). It must not decide outcomes or know about storage.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import zipfile
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import numpy as np

from ..errors import IndexFormatError
from ..output import open_output
from ..settings import MAX_NUM_PERM
from .store import Batch, Stored, id_of, key_of

__all__ = ["FORMAT_VERSION", "locked", "read_index_file", "to_batch", "write_index_file"]

#: Version of the file :meth:`NearDupIndex.save` writes; a newer file is refused on load.
FORMAT_VERSION = 2
_FORMAT = "newsdedup-index"
# Version 1 files lack the digests (they load with digests unknown, 0).
_ARRAYS_V1 = ("seqs", "signatures", "sizes", "dates", "number_values", "number_offsets")
_ARRAYS = (*_ARRAYS_V1, "digests")


@contextlib.contextmanager
def locked(path: str | os.PathLike[str]) -> Iterator[None]:
    """Hold the index file's lock (an exclusive ``flock`` on ``PATH.lock`` beside it) for a
    load-modify-save, so that two writers at once run one after the other instead of one
    losing the other's articles. Readers that only load need no lock: saves are atomic."""
    lock = f"{os.fspath(path)}.lock"
    fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o666)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def write_index_file(
    path: str | os.PathLike[str],
    items: Sequence[tuple[bytes, Stored]],
    *,
    num_perm: int,
    settings: Mapping[str, Any],
    watermark: float | None,
) -> None:
    """Write the stored articles ``items`` (in index order) and the settings to ``path``, atomically."""
    arrays = {
        "seqs": np.array([r.seq for _, r in items], dtype=np.int64),
        "signatures": np.array([r.signature for _, r in items], dtype=np.uint32).reshape(-1, num_perm),
        "sizes": np.array([r.size for _, r in items], dtype=np.int64),
        "dates": np.array([r.date for _, r in items], dtype=np.float64),
        "number_values": np.concatenate([r.numbers for _, r in items]).astype(np.uint32)
        if items
        else np.zeros(0, np.uint32),
        "number_offsets": np.concatenate([[0], np.cumsum([len(r.numbers) for _, r in items])]).astype(
            np.int64
        ),
        "digests": np.array([r.digest for _, r in items], dtype=np.uint64),
    }
    meta = {
        "format": _FORMAT,
        "version": FORMAT_VERSION,
        "settings": dict(settings),
        "watermark": watermark,
        "ids": [id_of(k) for k, _ in items],
        "checksum": _checksum(arrays),
    }
    with open_output(path, binary=True) as f:
        np.savez(f, meta=np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8), **arrays)


def to_batch(meta: Mapping[str, Any], arrays: Mapping[str, np.ndarray]) -> Batch:
    """The articles of a checked index file, as a batch to insert into a store."""
    offsets = arrays["number_offsets"]
    n = len(meta["ids"])
    return Batch(
        keys=[key_of(rid) for rid in meta["ids"]],
        signatures=arrays["signatures"],
        sizes=arrays["sizes"],
        numbers=[arrays["number_values"][offsets[i] : offsets[i + 1]] for i in range(n)],
        dates=arrays["dates"],
        digests=arrays["digests"] if "digests" in arrays else np.zeros(n, np.uint64),  # v1: unknown
    )


def _checksum(arrays: Mapping[str, np.ndarray]) -> str:
    h = hashlib.sha256()
    for name in _ARRAYS if "digests" in arrays else _ARRAYS_V1:
        a = np.ascontiguousarray(arrays[name])
        h.update(f"{name}:{a.dtype.str}:{a.shape}".encode())
        h.update(a.tobytes())
    return h.hexdigest()


_DTYPES = {
    "seqs": np.int64,
    "signatures": np.uint32,
    "sizes": np.int64,
    "dates": np.float64,
    "number_values": np.uint32,
    "number_offsets": np.int64,
    "digests": np.uint64,
}


#: The most a file's metadata (ids and settings, as JSON) may inflate to.
MAX_META_BYTES = 1 << 30
# Bytes of .npy header (and alignment) allowed around an array's data.
_HEADER_SLACK = 4096
# Numbers kept per article at the most, for the size an index file may declare.
_MAX_NUMBERS_PER_ARTICLE = 1 << 16


# long: the checks in the order that keeps a crafted file cheap: structure, metadata, declared
# sizes, then each array; one place, so that every failure is an IndexFormatError naming the file.
def read_index_file(where: str) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    """The metadata and arrays of an index file, each checked before anything uses them.

    Nothing is inflated before its declared size is known to fit what the metadata says (a
    deflate bomb or a crafted shape is refused cheaply), and any failure is an
    :class:`IndexFormatError`.
    """
    try:
        with zipfile.ZipFile(where) as z:
            members = {info.filename.removesuffix(".npy"): info for info in z.infolist()}
            missing = {"meta", *_ARRAYS_V1} - set(members)
            if missing:
                raise IndexFormatError(where, f"not a newsdedup index file (missing {sorted(missing)})")
            raw = _member(z, members["meta"], MAX_META_BYTES, where)
            meta = _meta(raw, where)
            names = _ARRAYS if meta["version"] >= 2 else _ARRAYS_V1
            if "digests" in names and "digests" not in members:
                raise IndexFormatError(where, "not a newsdedup index file (missing ['digests'])")
            limits = _sizes(meta, where)
            arrays = {name: _member(z, members[name], limits[name], where) for name in names}
    except IndexFormatError:
        raise
    except FileNotFoundError:
        raise
    except Exception as e:  # zipfile, numpy's header parser and the OS raise many kinds
        raise IndexFormatError(where, f"not a readable index file (corrupt or truncated?): {e}") from None
    for name, dtype in _DTYPES.items():
        if name in arrays and arrays[name].dtype != dtype:
            found = arrays[name].dtype
            raise IndexFormatError(where, f"array {name} has type {found}, expected {np.dtype(dtype)}")
    n = len(meta["ids"])
    shapes_ok = (
        arrays["seqs"].shape == (n,)
        and arrays["sizes"].shape == (n,)
        and arrays["dates"].shape == (n,)
        and arrays["number_offsets"].shape == (n + 1,)
        and arrays["signatures"].ndim == 2
        and arrays["signatures"].shape[0] == n
        and arrays.get("digests", np.zeros(n, np.uint64)).shape == (n,)
    )
    if not shapes_ok:
        raise IndexFormatError(where, "array shapes do not agree with the number of ids")
    offsets = arrays["number_offsets"]
    if offsets[0] != 0 or np.any(np.diff(offsets) < 0) or offsets[-1] != len(arrays["number_values"]):
        raise IndexFormatError(where, "number offsets are not consistent")
    if meta.get("checksum") != _checksum(arrays):
        raise IndexFormatError(where, "checksum mismatch: the file was changed or damaged")
    if len({json.dumps(i) for i in meta["ids"]}) != n or not all(
        isinstance(i, (str, int)) and not isinstance(i, bool) for i in meta["ids"]
    ):
        raise IndexFormatError(where, "ids must be distinct strings or integers")
    return meta, arrays


def _member(z: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int, where: str) -> np.ndarray:
    """One array of the file, read only when its declared size is within ``limit`` bytes."""
    if info.file_size > limit + _HEADER_SLACK:
        raise IndexFormatError(
            where, f"{info.filename} declares {info.file_size:,} bytes, more than the index can hold"
        )
    with z.open(info) as f:
        return np.lib.format.read_array(f, allow_pickle=False)


def _meta(raw: np.ndarray, where: str) -> dict[str, Any]:
    """The metadata, checked: JSON, this format, a version this code reads, ids and settings."""
    try:
        if raw.dtype != np.uint8 or raw.ndim != 1:
            raise ValueError("metadata is not bytes")
        meta = json.loads(raw.tobytes().decode())
        if not isinstance(meta, dict):
            raise ValueError("metadata is not an object")
    except (ValueError, UnicodeDecodeError, RecursionError) as e:
        raise IndexFormatError(where, f"metadata is not valid JSON: {e}") from None
    if meta.get("format") != _FORMAT:
        raise IndexFormatError(where, "not a newsdedup index file")
    version = meta.get("version")
    if not isinstance(version, int) or version < 1:
        raise IndexFormatError(where, f"unknown format version {version!r}")
    if version > FORMAT_VERSION:
        raise IndexFormatError(
            where, f"written by a newer newsdedup (format {version}; this one reads up to {FORMAT_VERSION})"
        )
    if not isinstance(meta.get("ids"), list) or not isinstance(meta.get("settings"), dict):
        raise IndexFormatError(where, "metadata lacks ids or settings")
    return meta


def _sizes(meta: Mapping[str, Any], where: str) -> dict[str, int]:
    """The most bytes each array may hold, from the number of ids and the settings' num_perm."""
    n = len(meta["ids"])
    num_perm = meta["settings"].get("num_perm")
    if not isinstance(num_perm, int) or not 2 <= num_perm <= MAX_NUM_PERM:
        raise IndexFormatError(where, f"settings are not valid: num_perm {num_perm!r} (2 to {MAX_NUM_PERM})")
    return {
        "seqs": 8 * n,
        "signatures": 4 * n * num_perm,
        "sizes": 8 * n,
        "dates": 8 * n,
        "number_values": 4 * n * _MAX_NUMBERS_PER_ARTICLE,
        "number_offsets": 8 * (n + 1),
        "digests": 8 * n,
    }

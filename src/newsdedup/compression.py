"""Compressed streams (gzip, zstd) that never end silently.

Owns: opening a file for reading through its compression, and the one rule that a stream which
is cut short or damaged is an error naming the file, never a quiet end of the records (a
truncated ``.zst`` used to read as fewer records, or none). It must not parse what it reads.

>>> import gzip, tempfile, pathlib
>>> path = pathlib.Path(tempfile.mkdtemp()) / "x.gz"
>>> _ = path.write_bytes(gzip.compress(b"a\\nb\\n")[:-6])
>>> with open_compressed(path, "gzip") as f:
...     list(lines_of(f, str(path), "gzip"))
Traceback (most recent call last):
...
newsdedup.errors.InputError: ...x.gz: the gzip stream is cut short or damaged (...)
"""

from __future__ import annotations

import contextlib
import gzip
import io
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from .errors import InputError, require

__all__ = ["damage_errors", "lines_of", "open_compressed", "zstandard"]

_BOM = b"\xef\xbb\xbf"


def zstandard() -> Any:
    """The zstandard module (the ``[zstd]`` extra)."""
    return require("zstandard", extra="zstd", purpose="reading or writing .zst")


class _ZstdFrames(io.RawIOBase):
    """Decompressed bytes of every zstd frame in ``raw``; EOFError when the last one is cut short."""

    def __init__(self, raw: IO[bytes]) -> None:
        self._raw = raw
        self._dctx = zstandard().ZstdDecompressor()
        self._obj: Any = None
        self._pending = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while not self._pending:
            chunk = self._raw.read(1 << 16)
            if not chunk:
                if self._obj is not None and not self._obj.eof:
                    raise EOFError("the last zstd frame ends before its end")
                return 0
            parts = []
            while chunk:
                if self._obj is None or self._obj.eof:
                    self._obj = self._dctx.decompressobj()
                parts.append(self._obj.decompress(chunk))
                chunk = self._obj.unused_data if self._obj.eof else b""
            self._pending = b"".join(parts)
        n = min(len(buffer), len(self._pending))
        buffer[:n] = self._pending[:n]
        self._pending = self._pending[n:]
        return n

    def close(self) -> None:
        self._raw.close()
        super().close()


def open_compressed(
    path: str | Path, compression: str | None
) -> contextlib.AbstractContextManager[IO[bytes]]:
    """``path`` opened for reading bytes, decompressed (``"gzip"``, ``"zstd"`` or None)."""
    if compression == "gzip":
        return gzip.open(path, "rb")
    if compression == "zstd":
        raw = open(path, "rb")  # noqa: SIM115 - closed with the reader
        return io.BufferedReader(_ZstdFrames(raw), buffer_size=1 << 16)
    return open(path, "rb")


@contextlib.contextmanager
def damage_errors(name: str, compression: str | None) -> Iterator[None]:
    """A stream cut short or damaged, as an :class:`InputError` naming the file."""
    kind = compression or "file"
    try:
        yield
    except InputError:
        raise
    except (EOFError, zlib.error, gzip.BadGzipFile) as e:
        raise InputError(name, f"the {kind} stream is cut short or damaged ({e})") from None
    except Exception as e:
        if compression == "zstd" and type(e).__name__ == "ZstdError":
            raise InputError(name, f"the zstd stream is cut short or damaged ({e})") from None
        raise


def lines_of(stream: IO[bytes], name: str, compression: str | None = None) -> Iterator[tuple[int, bytes]]:
    """``(line number, line)`` of a byte stream, without line ends: ``\\n``, ``\\r\\n`` and a lone
    ``\\r`` each end a line; a UTF-8 byte order mark at the start is dropped."""
    lineno = 0
    with damage_errors(name, compression):
        for raw in stream:
            if lineno == 0 and raw.startswith(_BOM):
                raw = raw[len(_BOM) :]
            line = raw[:-1] if raw.endswith(b"\n") else raw
            if line.endswith(b"\r"):
                line = line[:-1]
            if b"\r" in line:  # old Mac line ends: JSON strings cannot hold a raw CR
                for part in line.split(b"\r"):
                    lineno += 1
                    yield lineno, part
                continue
            lineno += 1
            yield lineno, line

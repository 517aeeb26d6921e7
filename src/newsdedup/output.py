"""Outputs: every file newsdedup writes goes where it is pointed, as a shell redirection would.

Owns: where an output goes and how it gets there. A regular file (or a symlink to one, whose
target is written, the link kept) is written to an unpredictable temporary file beside it,
created exclusively, with the mode a new file gets under the umask (an existing file keeps its
own), and renamed into place only when complete; temporary files that a killed run left behind
are removed by the next write to that target. A device, FIFO or socket (``/dev/null``,
``/dev/stdout``, ``>(cmd)``) is written through. ``-`` is standard output. Destinations are
checked before any work (:func:`check_outputs`), and the outputs of one run can be replaced
together (:func:`together`). It must not know formats (``io`` does).

>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> with open_output(folder / "out.txt") as out:
...     _ = out.write("done\\n")
>>> (folder / "out.txt").read_text()
'done\\n'
"""

from __future__ import annotations

import contextlib
import gzip
import io
import os
import re
import shutil
import stat
import sys
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import IO, Any

from .compression import zstandard

__all__ = ["Staging", "check_outputs", "is_stream", "open_output", "output_folder", "together"]

_TMP = ".newsdedup-"  # between the target's name and the writer's pid in a temporary name


def _umask() -> int:
    """The process's umask, read without changing it where the system tells it (Linux)."""
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0)  # elsewhere: set and restore (another thread could see 0 in between)
    os.umask(mask)
    return mask


def is_stream(path: str | os.PathLike[str]) -> bool:
    """Whether an output is written through as it is made: standard output (``-``), a device,
    a FIFO or a socket (anything that exists and is not a regular file or folder)."""
    if str(path) == "-":
        return True
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False
    return not (stat.S_ISREG(mode) or stat.S_ISDIR(mode))


def _target(path: str | os.PathLike[str]) -> Path:
    """The file a regular output replaces: a symlink's final target, the path otherwise."""
    return Path(os.path.realpath(path)) if os.path.islink(path) else Path(path)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's live process
        return True
    return True


def _remove_stale(target: Path) -> None:
    """Temporary files (or folders) of ``target`` whose writer is no longer running."""
    pattern = re.compile(re.escape(f".{target.name}{_TMP}") + r"(\d+)-[^/]*\.tmp$")
    with contextlib.suppress(OSError):
        for entry in os.scandir(target.parent if str(target.parent) else "."):
            found = pattern.match(entry.name)
            if found and int(found.group(1)) != os.getpid() and not _alive(int(found.group(1))):
                if entry.is_dir(follow_symlinks=False):
                    shutil.rmtree(entry.path, ignore_errors=True)
                else:
                    os.unlink(entry.path)


class Staging:
    """Outputs written but not yet in place: :func:`together` renames them all at the end."""

    def __init__(self) -> None:
        self.pending: list[tuple[str, Path]] = []

    def commit(self) -> None:
        try:
            while self.pending:
                tmp, target = self.pending[0]
                os.replace(tmp, target)
                self.pending.pop(0)
        finally:
            self.discard()  # what a failed rename left behind

    def discard(self) -> None:
        for tmp, _ in self.pending:
            with contextlib.suppress(OSError):
                if os.path.isdir(tmp):
                    shutil.rmtree(tmp)
                else:
                    os.unlink(tmp)
        self.pending.clear()


@contextlib.contextmanager
def together() -> Iterator[Staging]:
    """Outputs opened with ``staging=`` inside are put in place together, only if all succeed."""
    staging = Staging()
    try:
        yield staging
    except BaseException:
        staging.discard()
        raise
    staging.commit()


def _place(tmp: str, target: Path, staging: Staging | None) -> None:
    if staging is None:
        os.replace(tmp, target)
    else:
        staging.pending.append((tmp, target))


@contextlib.contextmanager
def open_output(
    path: str | os.PathLike[str],
    *,
    binary: bool = False,
    compression: str | None = None,
    staging: Staging | None = None,
) -> Iterator[Any]:
    """Write to ``path`` as ``> path`` would, but atomically for a regular file.

    Text mode (UTF-8, ``\\n`` line ends) unless ``binary``; ``compression`` is None, "gzip" or
    "zstd". A crash or error leaves the old file (or none), never a half-written one.
    """
    if str(path) == "-":
        yield sys.stdout.buffer if binary else sys.stdout
        sys.stdout.flush()
        return
    if is_stream(path):
        with open(path, "wb") as raw, _encoded(raw, binary, compression) as out:
            yield out
        return
    target = _target(path)
    _remove_stale(target)
    try:
        mode = stat.S_IMODE(os.stat(target).st_mode)
    except FileNotFoundError:
        mode = 0o666 & ~_umask()
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}{_TMP}{os.getpid()}-", suffix=".tmp", dir=target.parent)
    try:
        os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as raw, _encoded(raw, binary, compression) as out:
            yield out
        _place(tmp, target, staging)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


@contextlib.contextmanager
def _encoded(raw: IO[bytes], binary: bool, compression: str | None) -> Iterator[Any]:
    with contextlib.ExitStack() as stack:
        if compression == "gzip":
            raw = stack.enter_context(gzip.GzipFile(fileobj=raw, mode="wb", mtime=0))
        elif compression == "zstd":
            raw = stack.enter_context(zstandard().ZstdCompressor().stream_writer(raw, closefd=False))
        if binary:
            yield raw
        else:
            out = io.TextIOWrapper(raw, encoding="utf-8", newline="\n", write_through=False)
            stack.callback(out.detach)
            yield out
            out.flush()


@contextlib.contextmanager
def output_folder(path: str | os.PathLike[str], *, staging: Staging | None = None) -> Iterator[Path]:
    """A new folder at ``path``, made beside it and renamed into place when complete.

    ``path`` must not exist or be an empty folder; the folder gets the umask's mode.
    """
    target = _target(str(path).rstrip("/") or str(path))
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise ValueError(f"{target} is a folder that is not empty (or a file); write to a new folder")
    target.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale(target)
    tmp = tempfile.mkdtemp(prefix=f".{target.name}{_TMP}{os.getpid()}-", suffix=".tmp", dir=target.parent)
    try:
        os.chmod(tmp, 0o777 & ~_umask())
        yield Path(tmp)
        if target.exists():
            target.rmdir()
        _place(tmp, target, staging)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _same(a: str, b: str) -> bool:
    if a == "-" or b == "-":
        return False
    try:
        return os.path.samefile(a, b)
    except OSError:
        return os.path.realpath(a) == os.path.realpath(b)


def check_outputs(
    outputs: Mapping[str, str | None], *, inputs: Sequence[str] = (), folders: Sequence[str] = ()
) -> None:
    """Refuse, before any work, outputs that cannot be written or would destroy what is read.

    ``outputs`` maps an option's name (``"-o"``, ``"--report"``) to its path (None: not given);
    ``folders`` names the options whose path is a folder to make. A missing or unwritable
    folder, a path that is a folder, an output that is an input, and two outputs that are one
    file are each a :class:`ValueError` naming the option and the path.
    """
    given = [(name, str(p)) for name, p in outputs.items() if p is not None]
    for name, path in given:
        if is_stream(path):
            continue
        target = _target(path)
        parent = target.parent if str(target.parent) else Path(".")
        if not parent.is_dir():
            raise ValueError(f"{name} {path}: the folder {parent} does not exist")
        if not os.access(parent, os.W_OK | os.X_OK):
            raise ValueError(f"{name} {path}: the folder {parent} is not writable")
        if target.is_dir() and name not in folders:
            raise ValueError(f"{name} {path} is a folder; name a file")
        if target.is_dir() and any(target.iterdir()):
            raise ValueError(f"{name} {path} is a folder that is not empty; name a new one (or a file)")
        for source in inputs:
            if source != "-" and _same(path, source):
                raise ValueError(f"{name} {path} is the input {source}; write somewhere else")
    for i, (name, path) in enumerate(given):
        for other, other_path in given[i + 1 :]:
            if not is_stream(path) and _same(path, other_path):
                raise ValueError(f"{name} and {other} both name {path}; give each its own file")

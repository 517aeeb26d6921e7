"""Fuzz every reader with damaged files: only documented errors, and one outcome per record read.

    python benchmarks/fuzz_readers.py --seconds 600          # the issue's 10 minutes
    python benchmarks/fuzz_readers.py --seconds 5 --seed 2   # a smoke run (tests/test_reliability.py)

Each round takes a valid file of one format (JSONL plain, .gz, .zst; CSV; Parquet; a folder of
.txt files) made from our own fixture sentences, damages it (bit flips, truncation, inserted
bytes, duplicated or deleted spans, stray quotes, braces and line ends), and reads it with
``read_records``. A reader may only yield records, or raise ``InputError`` (a located,
documented error); anything else is a failure. When it yields, ``dedup(..., on_error="skip")``
must give exactly one outcome per record read. Prints a table of rounds per format and outcome.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import sys
import tempfile
import time
import traceback
from collections import Counter
from pathlib import Path

import newsdedup
from newsdedup.errors import InputError
from newsdedup.io import read_records

SENTENCES = [
    "The harbour authority closed the north pier for three weeks of repairs.",
    "Ferry traffic moved to the south terminal, adding half an hour to crossings.",
    "A regional orchestra announced free concerts in twelve village halls.",
    "Share",
    "Advertisement",
    "Officials said the inspection found corroded pilings under the old deck.",
]
_STRAYS = [b'"', b"{", b"}", b"\r", b"\n", b"\r\n", b",", b"\\", b"\xef\xbb\xbf", b"\x00"]
FORMATS = ("jsonl", "jsonl.gz", "jsonl.zst", "csv", "parquet", "txt")


def _records(rng: random.Random) -> list[dict]:
    out = []
    for i in range(rng.randint(1, 12)):
        text = "\n".join(rng.choice(SENTENCES) for _ in range(rng.randint(1, 4)))
        out.append({"id": rng.choice([f"r{i}", i, None]), "text": text, "source": rng.choice(["AP", None])})
    return out


def _valid(fmt: str, records: list[dict]) -> bytes:
    if fmt.startswith("jsonl"):
        data = "".join(json.dumps(r) + "\n" for r in records).encode()
        if fmt.endswith(".gz"):
            return gzip.compress(data, mtime=0)
        if fmt.endswith(".zst"):
            import zstandard

            return zstandard.ZstdCompressor().compress(data)
        return data
    if fmt == "csv":
        import csv
        import io

        buf = io.StringIO()
        writer = csv.writer(buf)
        writer.writerow(["id", "text", "source"])
        for r in records:
            writer.writerow(["" if r[k] is None else r[k] for k in ("id", "text", "source")])
        return buf.getvalue().encode()
    import io

    import pyarrow as pa
    import pyarrow.parquet as pq

    sink = io.BytesIO()
    pq.write_table(
        pa.Table.from_pylist([{**r, "id": None if r["id"] is None else str(r["id"])} for r in records]), sink
    )
    return sink.getvalue()


def _damage(data: bytes, rng: random.Random) -> bytes:
    b = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        how = rng.randrange(6)
        pos = rng.randrange(len(b) + 1)
        if how == 0 and b:
            b[min(pos, len(b) - 1)] ^= 1 << rng.randrange(8)
        elif how == 1:
            del b[pos:]
        elif how == 2:
            b[pos:pos] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 8)))
        elif how == 3:
            b[pos:pos] = rng.choice(
                [b'"', b"{", b"}", b"\r", b"\n", b"\r\n", b",", b"\\", b"\xef\xbb\xbf", b"\x00"]
            )
        elif how == 4 and b:
            end = min(len(b), pos + rng.randint(1, 64))
            b[pos:pos] = b[pos:end]
        elif b:
            del b[pos : pos + rng.randint(1, 16)]
    return bytes(b)


def _write(folder: Path, fmt: str, data: bytes, rng: random.Random) -> Path:
    if fmt == "txt":
        target = folder / "texts"
        target.mkdir()
        for k in range(rng.randint(1, 4)):
            (target / f"doc{k}.txt").write_bytes(_damage(rng.choice(SENTENCES).encode(), rng))
        return target
    path = folder / f"in.{fmt}"
    path.write_bytes(data)
    return path


def fuzz(seconds: float, seed: int = 1) -> tuple[Counter, list[str]]:
    """Fuzz for ``seconds``; returns counts of (format, result) and the failures found."""
    rng = random.Random(seed)
    counts: Counter = Counter()
    failures: list[str] = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        fmt = rng.choice(FORMATS)
        records = _records(rng)
        data = b"" if fmt == "txt" else _damage(_valid(fmt, records), rng)
        with tempfile.TemporaryDirectory() as tmp:
            path = _write(Path(tmp), fmt, data, rng)
            try:
                rows = [r for _, r in read_records(path)]
            except InputError:
                counts[fmt, "InputError"] += 1
                continue
            except Exception:
                failures.append(f"{fmt}: {traceback.format_exc(limit=3)}\n{data[:200]!r}")
                counts[fmt, "FAILURE"] += 1
                continue
            outcomes = newsdedup.dedup(rows, on_error="skip")
            if len(outcomes) != len(rows):
                failures.append(f"{fmt}: {len(rows)} records read, {len(outcomes)} outcomes")
            counts[fmt, "read"] += 1
    return counts, failures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=600)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    start = time.perf_counter()
    counts, failures = fuzz(args.seconds, args.seed)
    took = time.perf_counter() - start
    print(f"# fuzz_readers: {sum(counts.values()):,} damaged inputs in {took:.0f} s (seed {args.seed})\n")
    print("| format | read (records, one outcome each) | InputError (located) | other failures |")
    print("|---|---:|---:|---:|")
    for fmt in FORMATS:
        read, located, failed = (counts[fmt, k] for k in ("read", "InputError", "FAILURE"))
        print(f"| {fmt} | {read:,} | {located:,} | {failed:,} |")
    for f in failures[:10]:
        print("\nFAILURE:", f, file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

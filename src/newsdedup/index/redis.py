"""The Redis store: a shared index in datasketch's own Redis layout, written by server-side scripts.

Owns: :class:`RedisStore`, the Lua scripts, the packed record format, Redis URLs and the
password that must never be printed. The LSH tables are datasketch's layout
(``MinHashLSH(storage_config={"type": "redis", "basename": name, ...}, prepickle=False)`` reads
them); each slice of :data:`SCRIPT_SLICE` articles goes in through one script, atomically, so a
record and its buckets are written together or not at all. Nothing read back is ever unpickled:
a record is checked packed numpy bytes. It must not decide outcomes.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import re
import struct
import time
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from ..errors import IndexFormatError, require
from .store import Batch, Store, Stored

if TYPE_CHECKING:
    from ..settings import MatchSettings

__all__ = [
    "RETRIES",
    "SCRIPT_SLICE",
    "SOCKET_TIMEOUT",
    "RedisStore",
    "connect_settings",
    "lean_minhash",
    "redact",
    "redis_connection_kwargs",
]


def lean_minhash(signature: np.ndarray, seed: int) -> Any:
    """datasketch's ``LeanMinHash`` of a signature (its bucket keys are what the layout holds)."""
    from datasketch import LeanMinHash

    return LeanMinHash(seed=seed, hashvalues=signature, scheme="affine32")


# Articles per Redis script call: each call is atomic, so it blocks other clients while it runs.
SCRIPT_SLICE = 500

# datasketch's Redis layout (storage.RedisSetStorage / RedisListStorage): a bucket table is a hash
# H -> table..H and a set table..H of keys; the keys table is a hash key -> keys..key and a list
# keys..key of the key's bucket H values, band by band.
_INSERT_LUA = """
local b = tonumber(ARGV[1])
local n = tonumber(ARGV[2])
local pos = 3 + b
for _ = 1, n do
  local key, raw, date, digest = ARGV[pos], ARGV[pos + 1], ARGV[pos + 2], ARGV[pos + 3]
  pos = pos + 4
  redis.call('HSET', KEYS[1], key, raw)
  redis.call('HSET', KEYS[4], key, digest)
  if date ~= '' then redis.call('ZADD', KEYS[2], date, key) end
  local listed = KEYS[3] .. key
  redis.call('HSET', KEYS[3], key, listed)
  redis.call('DEL', listed)
  for i = 1, b do
    local table, h = ARGV[2 + i], ARGV[pos]
    pos = pos + 1
    redis.call('HSET', table, h, table .. h)
    redis.call('SADD', table .. h, key)
    redis.call('RPUSH', listed, h)
  end
end
return n
"""

# KEYS: the hubs hash, the records hash. ARGV: b, n, the largest bucket listed whole (-1: any),
# the b table names, then per article its b bucket keys. A bucket of more members than that gives
# its earliest indexed one (its hub: the smallest seq, found once and kept in the hubs hash; seqs
# only grow, so a new member never comes before it, and a delete empties the hash). Each article's
# keys come back as one string joined by newlines (a key is JSON, which never holds one): a reply
# of millions of elements takes redis-py far longer to read than the script takes to run.
_QUERY_LUA = """
local b = tonumber(ARGV[1])
local n = tonumber(ARGV[2])
local cap = tonumber(ARGV[3])
local function hub(bucket)
  local h = redis.call('HGET', KEYS[1], bucket)
  if h and redis.call('SISMEMBER', bucket, h) == 1 then return h end
  local best, best_seq = nil, nil
  for _, key in ipairs(redis.call('SMEMBERS', bucket)) do
    local raw = redis.call('HGET', KEYS[2], key)
    if raw and #raw >= 8 then
      local seq = struct.unpack('<i8', raw)
      if best_seq == nil or seq < best_seq then best, best_seq = key, seq end
    end
  end
  if best then redis.call('HSET', KEYS[1], bucket, best) end
  return best
end
local pos = 4 + b
local out = {}
for a = 1, n do
  local whole, hubs = {}, {}
  for i = 1, b do
    local bucket = ARGV[3 + i] .. ARGV[pos]
    if cap >= 0 and redis.call('SCARD', bucket) > cap then
      local h = hub(bucket)
      if h then hubs[#hubs + 1] = h end
    else
      whole[#whole + 1] = bucket
    end
    pos = pos + 1
  end
  local found = #whole > 0 and redis.call('SUNION', unpack(whole)) or {}
  for _, h in ipairs(hubs) do found[#found + 1] = h end
  out[a] = table.concat(found, '\\n')
end
return out
"""

# A packed record: seq, size, date, count of numbers; then the signature and the numbers.
_HEADER = struct.Struct("<qqdI")


#: Seconds one writer may hold a shared index (a chunk's check and insert; a writer that dies
#: frees it after this), and how long another waits for it before giving up.
WRITER_LEASE = 60.0
WRITER_WAIT = 300.0

#: Seconds a Redis call may wait for the server, and how often a failed call is tried again,
#: before it is a ConnectionError (worst case about ``(1 + RETRIES) * SOCKET_TIMEOUT``).
SOCKET_TIMEOUT = 5.0
RETRIES = 1


def redis_connection_kwargs(url: str) -> dict[str, Any]:
    """``redis.Redis(**kwargs)`` for a URL; the password may also come from ``REDIS_PASSWORD``."""
    parse_url = require("redis.connection", extra="redis", purpose="a Redis index").parse_url
    try:
        kwargs = parse_url(url)
    except ValueError as e:
        raise ValueError(f"not a Redis URL ({e}); use redis://host:port/db or unix:///path.sock") from None
    if "path" in kwargs:
        kwargs["unix_socket_path"] = kwargs.pop("path")
        kwargs.pop("connection_class", None)
    if kwargs.get("password") is None and os.environ.get("REDIS_PASSWORD"):
        kwargs["password"] = os.environ["REDIS_PASSWORD"]
    # A server that stops answering must not hang the caller (``?socket_timeout=`` overrides);
    # redis-py would retry a timed-out call ten times, so a dead server took minutes to report.
    kwargs.setdefault("socket_timeout", SOCKET_TIMEOUT)
    kwargs.setdefault("socket_connect_timeout", SOCKET_TIMEOUT)
    if "retry" not in kwargs:
        retry = require("redis.retry", extra="redis", purpose="a Redis index").Retry
        backoff = require("redis.backoff", extra="redis", purpose="a Redis index").ExponentialBackoff
        kwargs["retry"] = retry(backoff(cap=1.0, base=0.1), RETRIES)
    return kwargs


_SECRET_PARAM = re.compile(r"(?i)([?&](?:password|pass|passwd|pwd|auth|token|secret)=)[^&#]*")


def redact(url: str) -> str:
    """The URL with any password replaced (in the userinfo and in query parameters), fit to print."""
    head, sep, rest = url.partition("://")
    if "@" in rest.split("?", 1)[0]:
        auth, _, host = rest.rpartition("@")
        user = auth.split(":", 1)[0] if ":" in auth else ""
        rest = f"{user}:***@{host}"
    return _SECRET_PARAM.sub(r"\1***", f"{head}{sep}{rest}")


class RedisStore(Store):
    """datasketch's Redis storage for the LSH tables; one hash of packed records beside it."""

    def __init__(self, url: str, name: str, cfg: MatchSettings, settings: dict[str, Any]) -> None:
        kwargs = redis_connection_kwargs(url)
        redis = require("redis", extra="redis", purpose="a Redis index")
        self._url = redact(url)
        self._name = name.encode()
        self._redis = redis.Redis(**kwargs)
        try:
            stored = self._redis.get(self._name + b":settings")
        except redis.RedisError as e:
            raise ConnectionError(f"cannot reach Redis at {self._url}: {e}") from None
        wanted = json.dumps(settings, sort_keys=True)
        if stored is None:
            self._redis.set(self._name + b":settings", wanted, nx=True)
            stored = self._redis.get(self._name + b":settings")
        if stored is not None and json.loads(stored) != json.loads(wanted):
            raise IndexFormatError(
                f"{self._url} {name!r}",
                f"the shared index was made with other settings ({stored.decode()}); use the same ones "
                "or another name",
            )
        from datasketch import MinHashLSH

        self.lsh = MinHashLSH(
            threshold=cfg.lsh_threshold,
            num_perm=cfg.num_perm,
            weights=cfg.weights,
            storage_config={"type": "redis", "basename": self._name, "redis": kwargs},
            prepickle=False,
        )
        self.seed = cfg.seed
        self.num_perm = cfg.num_perm
        # The bucket keys are the bytes of the hash values as datasketch holds them.
        self._dtype = lean_minhash(np.zeros(cfg.num_perm, dtype=np.uint32), cfg.seed).hashvalues.dtype
        self._records_key = self._name + b":records"
        self._dates_key = self._name + b":dates"
        self._digests_key = self._name + b":digests"  # beside the records: older indexes lack it
        self._hubs_key = self._name + b":hubs"  # a cache: each huge bucket's earliest member
        self._tables = [t._name for t in self.lsh.hashtables]
        self._keys_table = self.lsh.keys._name
        self._insert_script = self._redis.register_script(_INSERT_LUA)
        self._query_script = self._redis.register_script(_QUERY_LUA)
        self._release = self._redis.register_script(
            "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0"
        )

    def describe(self) -> str:
        return self._url

    def band_keys(self, signatures: np.ndarray) -> list[list[Any]]:
        """datasketch's bucket key of each band of each signature."""
        h = self.lsh._H
        rows = signatures.astype(self._dtype, copy=False)
        return [[h(row[a:b]) for a, b in self.lsh.hashranges] for row in rows]

    def __len__(self) -> int:
        return int(self._redis.hlen(self._records_key))

    def contains(self, key: bytes) -> bool:
        return bool(self._redis.hexists(self._records_key, key))

    def contains_many(self, keys: list[bytes]) -> list[bool]:
        if not keys:
            return []
        pipe = self._redis.pipeline(transaction=False)
        for k in keys:
            pipe.hexists(self._records_key, k)
        return [bool(x) for x in pipe.execute()]

    def candidates(
        self,
        signatures: np.ndarray,
        bands: list[list[Any]] | None = None,
        max_bucket: int | None = None,
    ) -> list[set[bytes]]:
        # One script call per slice of the chunk; MinHashLSH.query makes one round trip per band.
        if bands is None:
            bands = self.band_keys(signatures)
        out: list[set[bytes]] = []
        cap = -1 if max_bucket is None else max_bucket
        for lo in range(0, len(bands), SCRIPT_SLICE):
            part = bands[lo : lo + SCRIPT_SLICE]
            found = self._query_script(
                keys=[self._hubs_key, self._records_key],
                args=[len(self._tables), len(part), cap, *self._tables, *(h for row in part for h in row)],
            )
            out.extend(set(f.split(b"\n")) if f else set() for f in found)
        return out

    def fetch(self, keys: Sequence[bytes]) -> dict[bytes, Stored]:
        if not keys:
            return {}
        pipe = self._redis.pipeline(transaction=False)
        pipe.hmget(self._records_key, list(keys))
        pipe.hmget(self._digests_key, list(keys))
        raws, digests = pipe.execute()
        return {
            key: self._unpack(key, raw, digest)
            for key, raw, digest in zip(keys, raws, digests, strict=True)
            if raw is not None
        }

    def _unpack(self, key: bytes, raw: bytes, digest: bytes | None = None) -> Stored:
        """A stored record, checked: a value written by anything else is refused, never run."""
        size_ok = len(raw) >= _HEADER.size and (len(raw) - _HEADER.size) % 4 == 0
        seq, size, date, count = _HEADER.unpack_from(raw) if size_ok else (0, 0, 0.0, -1)
        body = np.frombuffer(raw, dtype=np.uint32, offset=_HEADER.size) if size_ok else np.zeros(0, np.uint32)
        if len(body) != self.num_perm + count:
            raise IndexFormatError(f"{self._url} {self._name.decode()!r}", f"record {key!r} is damaged")
        known = digest is not None and len(digest) == 8
        value = int.from_bytes(digest, "little") if known else 0  # type: ignore[arg-type]
        return Stored(key, seq, body[: self.num_perm], size, body[self.num_perm :], date, value)

    @contextlib.contextmanager
    def errors(self) -> Iterator[None]:
        redis = require("redis", extra="redis", purpose="a Redis index")
        try:
            yield
        except redis.RedisError as e:
            raise ConnectionError(
                f"Redis at {self._url} failed ({type(e).__name__}: {e}). Articles go in whole, "
                f"{SCRIPT_SLICE} at a time: adding the same records again completes the index"
            ) from None

    def insert(
        self, batch: Batch, which: list[int], seqs: np.ndarray, bands: list[list[Any]] | None = None
    ) -> None:
        # Each slice goes in as one script, so a record and its LSH entries are written together or
        # not at all (a script is atomic in Redis); the layout is datasketch's own, so a
        # MinHashLSH with the same basename finds what was inserted here.
        if bands is None:
            bands = self.band_keys(batch.signatures)
        chosen = [bands[i] for i in which]
        for lo in range(0, len(which), SCRIPT_SLICE):
            args: list[Any] = [len(self._tables), len(which[lo : lo + SCRIPT_SLICE]), *self._tables]
            for i, hs in zip(which[lo : lo + SCRIPT_SLICE], chosen[lo : lo + SCRIPT_SLICE], strict=True):
                numbers = np.asarray(batch.numbers[i], dtype=np.uint32)
                raw = _HEADER.pack(int(seqs[i]), int(batch.sizes[i]), float(batch.dates[i]), len(numbers))
                raw += np.asarray(batch.signatures[i], dtype=np.uint32).tobytes() + numbers.tobytes()
                date = "" if math.isnan(batch.dates[i]) else repr(float(batch.dates[i]))
                digest = int(batch.digests[i]).to_bytes(8, "little")
                args += [batch.keys[i], raw, date, digest, *hs]
            keys = [self._records_key, self._dates_key, self._keys_table, self._digests_key]
            self._insert_script(keys=keys, args=args)

    def delete(self, keys: Iterable[bytes]) -> int:
        wanted = list(keys)
        keys = [k for k, there in zip(wanted, self.contains_many(wanted), strict=True) if there]
        if not keys:
            return 0
        with self.lsh.deletion_session() as session:
            for key in keys:
                if key in self.lsh.keys:
                    session.remove(key)
        pipe = self._redis.pipeline(transaction=False)
        pipe.hdel(self._records_key, *keys)
        pipe.hdel(self._digests_key, *keys)
        pipe.zrem(self._dates_key, *keys)
        pipe.delete(self._hubs_key)  # a hub may be gone; the script finds each one again
        pipe.execute()
        return len(keys)

    def dated_before(self, ts: float) -> list[bytes]:
        return list(self._redis.zrangebyscore(self._dates_key, "-inf", f"({float(ts)!r}"))

    def items(self) -> Iterator[tuple[bytes, Stored]]:
        raws = dict(self._redis.hscan_iter(self._records_key))
        digests = dict(self._redis.hscan_iter(self._digests_key))
        stored = [self._unpack(k, v, digests.get(k)) for k, v in raws.items()]
        for r in sorted(stored, key=lambda r: r.seq):
            yield r.key, r

    def reserve(self, n: int) -> np.ndarray:
        end = int(self._redis.incrby(self._name + b":seq", n))
        return np.arange(end - n, end, dtype=np.int64)

    def reserve_after(self, seq: int) -> None:
        current = int(self._redis.get(self._name + b":seq") or 0)
        if current < seq:
            self._redis.incrby(self._name + b":seq", seq - current)

    def watermark(self) -> float:
        raw = self._redis.get(self._name + b":watermark")
        return math.nan if raw is None else float(raw)

    def set_watermark(self, ts: float) -> None:
        # Only ever moves forward, whichever process writes last.
        self._redis.eval(
            "local c = redis.call('GET', KEYS[1]); "
            "if (not c) or tonumber(c) < tonumber(ARGV[1]) then redis.call('SET', KEYS[1], ARGV[1]) end",
            1,
            self._name + b":watermark",
            repr(float(ts)),
        )

    @contextlib.contextmanager
    def exclusive(self) -> Iterator[None]:
        # One writer at a time across processes: SET NX with an expiry (a writer that dies
        # frees it), released only by its holder (compare-and-delete in one script).
        key, token = self._name + b":writer", os.urandom(16)
        deadline = time.monotonic() + WRITER_WAIT
        while not self._redis.set(key, token, nx=True, px=int(WRITER_LEASE * 1000)):
            if time.monotonic() > deadline:
                where = f"{self._url} {self._name.decode()!r}"
                raise ConnectionError(f"the shared index {where} stayed busy for {WRITER_WAIT:.0f} s")
            time.sleep(0.01)
        try:
            yield
        finally:
            self._release(keys=[key], args=[token])

    def drop(self) -> None:
        """Delete every key of this index from Redis."""
        keys = list(self._redis.scan_iter(match=self._name + b"[:_]*"))
        if keys:
            self._redis.delete(*keys)


def connect_settings(url: str, name: str) -> tuple[str, dict[str, Any]]:
    """Where a shared index is (fit to print) and the settings it was made with, read from Redis."""
    redis = require("redis", extra="redis", purpose="a Redis index")
    where = f"{redact(url)} {name!r}"
    try:
        raw = redis.Redis(**redis_connection_kwargs(url)).get(name.encode() + b":settings")
    except redis.RedisError as e:
        raise ConnectionError(f"cannot reach Redis at {redact(url)}: {e}") from None
    if raw is None:
        raise IndexFormatError(where, "no such index (make one with NearDupIndex(storage=...))")
    try:
        settings = json.loads(raw)
    except ValueError:
        raise IndexFormatError(where, "the stored settings are not JSON") from None
    if not isinstance(settings, dict):
        raise IndexFormatError(where, "the stored settings are not an object")
    return where, settings

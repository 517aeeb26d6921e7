import json
import os
import subprocess
import sys
import zipfile
from datetime import datetime, timedelta, timezone

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import redis_server
from newsdedup import DedupConfig, IndexFormatError, InputError, Match, NearDupIndex, dedup, load_sample
from newsdedup.index.files import FORMAT_VERSION, read_index_file
from newsdedup.records import Valid, validate

SAMPLE = load_sample()
STORY = (
    "The harbour authority in Port Calder said on Tuesday that dredging of the main channel would "
    "start in March and last eleven weeks, closing two of the four berths to container ships."
)
OTHER = (
    "A late frost destroyed most of the apricot blossom in the Varn valley, growers said, and the "
    "regional council promised emergency credit to the forty farms that lost their crop."
)


def _dated(rid, text, day):
    return {"id": rid, "text": text, "published_at": f"2026-03-{day:02d}T08:00:00Z"}


# --- batch and stream agree ----------------------------------------------------------------------


@pytest.mark.parametrize("chunk_size", [1, 7, 5000])
def test_stream_gives_the_batch_outcomes_on_the_sample(chunk_size):
    index = NearDupIndex(chunk_size=chunk_size)
    assert index.add_many(SAMPLE) == dedup(SAMPLE)
    assert len(index) == sum(o.status == "kept" for o in dedup(SAMPLE))


@settings(max_examples=15)
@given(st.permutations(range(len(SAMPLE))), st.integers(20, len(SAMPLE)), st.integers(1, 40))
def test_stream_equals_batch_in_any_order(order, n, chunk_size):
    records = [SAMPLE[i] for i in order[:n]]
    index = NearDupIndex(chunk_size=chunk_size)
    streamed = [index.add(r) for r in records[:5]] + index.add_many(records[5:], start=5)
    assert streamed == dedup(records)


def test_add_one_by_one_equals_add_many():
    one = NearDupIndex()
    many = NearDupIndex()
    assert [one.add(r) for r in SAMPLE] == many.add_many(SAMPLE)
    assert list(one.ids()) == list(many.ids())


def test_duplicate_points_at_the_earlier_record_with_scores():
    index = NearDupIndex()
    assert index.add({"id": "a", "text": STORY}).status == "kept"
    out = index.add({"id": "b", "text": "Share\n" + STORY + " Read more"})
    assert (out.status, out.duplicate_of, out.cluster) == ("duplicate", "a", "a")
    assert out.resemblance > 0.8 and out.containment > 0.9
    assert index.add({"id": "c", "text": OTHER}).status == "kept"
    assert len(index) == 2 and "b" not in index and "c" in index


def test_truncated_copy_is_found_by_containment():
    index = NearDupIndex()
    long = STORY + " " + OTHER
    index.add({"id": "full", "text": long})
    out = index.add({"id": "cut", "text": STORY})
    assert out.status == "duplicate" and out.resemblance < 0.7 and out.containment > 0.9


def test_number_check_applies_in_streaming():
    template = (
        "Shares of Norland Mining rose {} percent to {} crowns after first-quarter profit of {} million "
        "crowns, the company said on Thursday in a statement."
    )
    index = NearDupIndex()
    index.add({"id": "q1", "text": template.format(3, 141, 57)})
    assert index.add({"id": "q2", "text": template.format(6, 88, 19)}).status == "kept"
    copy = {"id": "q1-copy", "text": template.format(3, 141, 57) + "\nAdvertisement"}
    assert index.add(copy).status == "duplicate"
    batch = dedup(
        [
            {"id": "q1", "text": template.format(3, 141, 57)},
            {"id": "q2", "text": template.format(6, 88, 19)},
        ]
    )
    assert [o.status for o in batch] == ["kept", "kept"]


# --- huge buckets (templated reports) -------------------------------------------------------------

REPORT = (
    "Shares of Norland Mining rose {} percent to {} crowns after first-quarter profit of {} million "
    "crowns, the company said on Thursday in a statement. The figures are provisional and may be "
    "revised when the final accounts are published at the end of the month, the company added."
)


def _reports(n: int) -> list[dict]:
    """``n`` reports on one template (every bucket of their common words holds them all), every
    fifth a copy of an earlier one."""
    out = []
    for i in range(n):
        if i % 5 == 4:
            out.append({"id": f"copy-{i}", "text": out[i - 3]["text"] + "\nAdvertisement"})
        else:
            out.append({"id": f"r{i}", "text": REPORT.format(i % 97 + 1, 100 + 3 * i, 1000 + 7 * i)})
    return out


def _huge_bucket_case(storage=None, name="newsdedup"):
    docs = _reports(60)
    index = NearDupIndex(storage=storage, name=name, max_bucket=4, chunk_size=7)
    assert index.add_many(docs) == dedup(docs, max_bucket=4)  # copies found, reports kept
    store = index._store
    sig = index._sign([Valid(0, "q", REPORT.format(50, 1, 2), None, None, None)])[0].signatures
    table, (rows,) = store.meet(sig, max_bucket=4)
    # Each band gives its whole bucket (at most 4) or its earliest article: never all 48 reports.
    b = len(store.band_keys(sig)[0])
    assert 0 < len(rows) <= 4 * b
    first = min(table.seqs[rows])
    assert table.keys[int(rows[np.argmin(table.seqs[rows])])] == b'"r0"' and first == 0
    index.remove("r0")
    table, (rows,) = store.meet(sig, max_bucket=4)
    assert b'"r0"' not in [table.keys[r] for r in rows.tolist()]
    assert table.keys[int(rows[np.argmin(table.seqs[rows])])] == b'"r1"'  # the next earliest is the hub


def test_a_huge_bucket_gives_its_earliest_article_in_memory():
    _huge_bucket_case()


def test_a_huge_bucket_gives_its_earliest_article_in_redis(redis_url, redis_name):
    _huge_bucket_case(redis_url, redis_name)


# --- query, remove, len ------------------------------------------------------------------------


def test_query_does_not_insert_and_reports_scores():
    index = NearDupIndex()
    index.add({"id": "a", "text": STORY})
    matches = index.query({"id": "q", "text": STORY + "\nAdvertisement"})
    assert matches == [Match("a", 1.0, 1.0, True)]
    assert len(index) == 1 and "q" not in index
    assert index.query(OTHER) == []


def test_query_lists_candidates_that_are_not_duplicates_too():
    index = NearDupIndex(threshold=0.9, containment_threshold=None)
    index.add({"id": "a", "text": STORY + " " + OTHER})
    (m,) = index.query(STORY + " The work will cost 40 million crowns.")
    assert m.id == "a" and not m.duplicate and 0.2 < m.resemblance < 0.9


def test_remove_forgets_an_article():
    index = NearDupIndex()
    index.add({"id": "a", "text": STORY})
    index.remove("a")
    assert len(index) == 0 and "a" not in index
    assert index.add({"id": "b", "text": STORY}).status == "kept"
    with pytest.raises(KeyError):
        index.remove("a")


def test_bad_records_follow_on_error():
    index = NearDupIndex()
    with pytest.raises(InputError, match="record 1"):
        index.add_many([{"id": "a", "text": STORY}, {"id": "b", "text": None}])
    skipping = NearDupIndex(on_error="skip")
    records = [{"id": "a", "text": STORY}, {"id": "b"}, {"id": "c", "text": "  "}, {"id": "a", "text": OTHER}]
    out = skipping.add_many(records)
    assert [o.status for o in out] == ["kept", "rejected", "rejected", "rejected"]
    assert "missing" in out[1].reason and out[2].reason == "empty text" and "duplicate id" in out[3].reason
    again = skipping.add({"id": "a", "text": OTHER})
    assert again.status == "rejected" and "already in the index" in again.reason


def test_settings_are_checked():
    with pytest.raises(ValueError, match="first"):
        NearDupIndex(keep="longest")
    with pytest.raises(ValueError, match="window"):
        NearDupIndex(window=timedelta(0))
    with pytest.raises(TypeError):
        NearDupIndex(DedupConfig(), threshold=0.5)


# --- time window -------------------------------------------------------------------------------


def test_window_forgets_old_articles_automatically():
    index = NearDupIndex(window=timedelta(days=2))
    assert index.add(_dated("a", STORY, 1)).status == "kept"
    assert index.add(_dated("b", STORY, 2)).status == "duplicate"  # within two days of a
    assert index.add(_dated("c", OTHER, 5)).status == "kept"  # moves the clock: a expires
    assert "a" not in index and len(index) == 1
    assert index.add(_dated("d", STORY, 5)).status == "kept"  # nothing left to match


def test_window_excludes_old_articles_within_one_chunk():
    records = [_dated("a", STORY, 1), _dated("c", OTHER, 5), _dated("d", STORY, 5)]
    out = NearDupIndex(window=timedelta(days=2)).add_many(records)
    assert [o.status for o in out] == ["kept", "kept", "kept"]
    assert [o.status for o in NearDupIndex().add_many(records)] == ["kept", "kept", "duplicate"]


def test_undated_articles_never_expire_on_their_own():
    index = NearDupIndex(window=timedelta(hours=1))
    index.add({"id": "undated", "text": STORY})
    index.add(_dated("later", OTHER, 20))
    assert "undated" in index and len(index) == 2


def test_expire_before_a_date():
    index = NearDupIndex()
    index.add_many([_dated("a", STORY, 1), _dated("b", OTHER, 3), {"id": "c", "text": STORY[::-1]}])
    assert index.expire(datetime(2026, 3, 2, tzinfo=timezone.utc)) == 1
    assert sorted(index.ids()) == ["b", "c"]
    assert index.expire(datetime(2026, 3, 2)) == 0  # naive means UTC


# --- save and load -----------------------------------------------------------------------------


def test_save_load_round_trip(tmp_path):
    index = NearDupIndex(threshold=0.5, window=timedelta(days=30))
    index.add_many(SAMPLE[:60])
    path = tmp_path / "news.idx"
    index.save(path)
    loaded = NearDupIndex.load(path)
    assert list(loaded.ids()) == list(index.ids())
    assert loaded.config.threshold == 0.5 and loaded.window == timedelta(days=30)
    assert loaded.add_many(SAMPLE[60:]) == index.add_many(SAMPLE[60:])
    assert loaded.stats()["articles"] == len(index)


def test_saved_index_is_numpy_and_json(tmp_path):
    index = NearDupIndex()
    index.add_many(SAMPLE[:10])
    index.save(tmp_path / "i.npz")
    with zipfile.ZipFile(tmp_path / "i.npz") as z:
        assert sorted(z.namelist()) == sorted(
            f"{n}.npy"
            for n in (
                "meta",
                "seqs",
                "signatures",
                "sizes",
                "dates",
                "number_values",
                "number_offsets",
                "digests",
            )
        )
    meta, arrays = read_index_file(str(tmp_path / "i.npz"))
    assert meta["version"] == FORMAT_VERSION and arrays["signatures"].dtype == np.uint32


def _saved(tmp_path):
    index = NearDupIndex()
    index.add_many(SAMPLE[:20])
    path = tmp_path / "i.npz"
    index.save(path)
    return path


def _rewrite(path, **changes):
    with np.load(path) as z:
        arrays = {k: z[k] for k in z.files}
    meta = json.loads(arrays["meta"].tobytes())
    meta.update(changes.pop("meta", {}))
    arrays["meta"] = np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8)
    arrays.update(changes)
    with open(path, "wb") as f:
        np.savez(f, **arrays)


def test_truncated_file_is_refused(tmp_path):
    path = _saved(tmp_path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(IndexFormatError, match="corrupt or truncated"):
        NearDupIndex.load(path)


def test_damaged_arrays_fail_the_checksum(tmp_path):
    path = _saved(tmp_path)
    with np.load(path) as z:
        sig = z["signatures"].copy()
    sig[3, 5] ^= 1
    _rewrite(path, signatures=sig)
    with pytest.raises(IndexFormatError, match="checksum"):
        NearDupIndex.load(path)


def test_future_version_is_refused(tmp_path):
    path = _saved(tmp_path)
    _rewrite(path, meta={"version": FORMAT_VERSION + 1})
    with pytest.raises(IndexFormatError, match="newer newsdedup"):
        NearDupIndex.load(path)


def test_other_files_are_refused(tmp_path):
    path = tmp_path / "x.npz"
    path.write_text("not an index")
    with pytest.raises(IndexFormatError):
        NearDupIndex.load(path)
    np.savez(path, a=np.arange(3))
    with pytest.raises(IndexFormatError, match="missing"):
        NearDupIndex.load(path)


def test_wrong_shapes_are_refused(tmp_path):
    path = _saved(tmp_path)
    with np.load(path) as z:
        sizes = z["sizes"][:-1].copy()
    _rewrite(path, sizes=sizes)
    with pytest.raises(IndexFormatError, match="shapes"):
        NearDupIndex.load(path)


class _Payload:
    """Unpickling this would create a file: the test checks that load never unpickles."""

    def __init__(self, target):
        self.target = target

    def __reduce__(self):
        return (open, (self.target, "w"))


def test_pickled_arrays_are_never_unpickled(tmp_path):
    path = _saved(tmp_path)
    target = tmp_path / "pwned"
    evil = np.empty(1, dtype=object)
    evil[0] = _Payload(str(target))
    with np.load(path) as z:
        arrays = {k: z[k] for k in z.files}
    arrays["signatures"] = evil
    with open(path, "wb") as f:
        np.savez(f, **arrays)
    with pytest.raises(IndexFormatError):
        NearDupIndex.load(path)
    assert not target.exists()


def test_save_is_atomic_and_leaves_no_temp_files(tmp_path):
    path = _saved(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == [path.name]


# --- Redis: a real server, shared between processes ----------------------------------------------


def test_redis_index_gives_the_batch_outcomes(redis_url, redis_name):
    index = NearDupIndex(storage=redis_url, name=redis_name, chunk_size=9)
    assert index.add_many(SAMPLE) == dedup(SAMPLE)
    assert len(index) == len(NearDupIndex(storage=redis_url, name=redis_name))


def test_redis_query_remove_expire(redis_url, redis_name):
    index = NearDupIndex(storage=redis_url, name=redis_name)
    index.add_many([_dated("a", STORY, 1), _dated("b", OTHER, 3)])
    assert [m.id for m in index.query(STORY)] == ["a"]
    index.remove("b")
    assert "b" not in index and index.query(OTHER) == []
    assert index.expire(datetime(2026, 3, 2, tzinfo=timezone.utc)) == 1
    assert len(index) == 0 and index.query(STORY) == []


def test_redis_window_and_save_load(redis_url, redis_name, tmp_path):
    index = NearDupIndex(storage=redis_url, name=redis_name, window=timedelta(days=2))
    out = index.add_many([_dated("a", STORY, 1), _dated("b", STORY, 2), _dated("c", OTHER, 5)])
    assert [o.status for o in out] == ["kept", "duplicate", "kept"]
    assert list(index.ids()) == ["c"]
    index.save(tmp_path / "r.npz")
    assert list(NearDupIndex.load(tmp_path / "r.npz").ids()) == ["c"]


def test_redis_settings_must_match(redis_url, redis_name):
    NearDupIndex(storage=redis_url, name=redis_name, threshold=0.5)
    with pytest.raises(IndexFormatError, match="other settings"):
        NearDupIndex(storage=redis_url, name=redis_name, threshold=0.6)


_CHILD = """
import json, sys
from newsdedup import NearDupIndex
from newsdedup import load_sample
records = load_sample()[: int(sys.argv[3])]
out = NearDupIndex(storage=sys.argv[1], name=sys.argv[2]).add_many(records)
print(json.dumps([o.status for o in out]))
"""


def test_two_processes_share_one_redis_index(redis_url, redis_name):
    n = 60
    child = subprocess.run(
        [sys.executable, "-c", _CHILD, redis_url, redis_name, str(n)],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONHASHSEED": "7"},
    )
    first = json.loads(child.stdout)
    here = NearDupIndex(storage=redis_url, name=redis_name)
    rest = here.add_many(SAMPLE[n:], start=n)
    assert [o.status for o in dedup(SAMPLE)] == first + [o.status for o in rest]
    assert rest == dedup(SAMPLE)[n:]


def test_redis_password_is_never_shown(redis_url, redis_name):
    from newsdedup.index.redis import redact

    assert redact("redis://user:s3cret@host:6379/0") == "redis://user:***@host:6379/0"
    assert redact("redis://:s3cret@host:6379/0") == "redis://:***@host:6379/0"
    index = NearDupIndex(storage=redis_url, name=redis_name)
    assert "s3cret" not in repr(index)


def test_unreachable_redis_is_a_clear_error():
    with pytest.raises(ConnectionError, match="cannot reach Redis"):
        NearDupIndex(storage="unix:///nonexistent/redis.sock")


def test_check_many_leaves_the_index_unchanged(redis_url, redis_name):
    for storage in (None, redis_url):
        index = NearDupIndex(storage=storage, name=redis_name, chunk_size=10)
        index.add_many(SAMPLE[:50])
        before = list(index.ids())
        checked = list(index.check_many(SAMPLE[50:], start=50))
        assert list(index.ids()) == before
        assert checked == dedup(SAMPLE)[50:]
        assert index.add_many(SAMPLE[50:], start=50) == checked


def test_redis_layout_is_datasketchs_own(redis_url, redis_name):
    from datasketch import LeanMinHash, MinHashLSH

    from newsdedup.index.redis import redis_connection_kwargs

    index = NearDupIndex(storage=redis_url, name=redis_name)
    index.add_many(SAMPLE)
    lsh = MinHashLSH(
        threshold=index.config.lsh_threshold,
        num_perm=index.config.num_perm,
        storage_config={
            "type": "redis",
            "basename": redis_name.encode(),
            "redis": redis_connection_kwargs(redis_url),
        },
        prepickle=False,
    )
    for record in SAMPLE[:20]:
        batch, _ = index._sign([validate(0, record, index.config.fields)])
        m = LeanMinHash(seed=1, hashvalues=batch.signatures[0], scheme="affine32")
        expected = {json.dumps(x.id).encode() for x in index.query(record)}
        assert set(lsh.query(m)) == expected
    assert set(lsh.keys.keys()) == {json.dumps(i).encode() for i in index.ids()}


def test_a_windowed_stream_stays_bounded():
    index = NearDupIndex(window=timedelta(hours=1))
    start = datetime(2026, 3, 1, tzinfo=timezone.utc)
    for k in range(6000):
        t = (start + timedelta(minutes=k)).isoformat()
        index.add_many(
            [{"id": k, "text": f"Bulletin {k}: the river at gauge {k} read {k % 97} cm.", "published_at": t}]
        )
    assert len(index) <= 62
    assert len(index._store._keys) < 4096 + 2 * 62  # removed slots were compacted away
    assert (
        index.add({"id": "x", "text": "Bulletin 5999: the river at gauge 5999 read 82 cm."}).status
        == "duplicate"
    )


def test_stream_yields_each_record_with_its_batch_outcome():
    from newsdedup import stream

    pairs = list(stream(iter(SAMPLE), chunk_size=13))
    assert [r for r, _ in pairs] == SAMPLE
    assert [o for _, o in pairs] == dedup(SAMPLE)


def _bulletins(n, offset=0):
    towns = ["Arden", "Velmora", "Saltmere", "Briarwood", "Londale", "Port Calder", "Vellaire", "Beaulac"]
    return [
        {
            "id": f"b{k}",
            "text": f"Bulletin {k} from {towns[k % 8]}: the river gauge at station {k} read {k % 97} cm "
            f"on day {k % 31}, the water board said, and crews checked levee section {k * 7} overnight.",
        }
        for k in range(offset, offset + n)
    ]


def test_lost_redis_connection_mid_insert_then_retry(redis_url, redis_name, monkeypatch):
    import redis

    records = _bulletins(1200)  # three slices of 500 in one insert
    reference = NearDupIndex(storage=redis_url, name=redis_name + "-ref")
    expected = reference.add_many(records)
    try:
        index = NearDupIndex(storage=redis_url, name=redis_name)
        store = index._store
        real, calls = store._insert_script, []

        def flaky(*args, **kwargs):
            calls.append(1)
            if len(calls) == 2:
                raise redis.ConnectionError("Connection closed by server.")
            return real(*args, **kwargs)

        monkeypatch.setattr(store, "_insert_script", flaky)
        with pytest.raises(ConnectionError, match="adding the same records again completes the index"):
            index.add_many(records)
        assert len(index) == 500  # the first slice, whole
        first_slice = set(index.ids())
        monkeypatch.setattr(store, "_insert_script", real)
        # The retry, with bad records raising as by default: what was stored is kept again, as it
        # was, and the rest goes in; the outcomes are those of one run without a failure.
        retried = NearDupIndex(storage=redis_url, name=redis_name).add_many(records)
        assert sorted(index.ids()) == sorted(reference.ids()) and len(first_slice) == 500
        assert retried == expected
    finally:
        reference._store.drop()


def test_a_dead_redis_server_is_a_clear_error(tmp_path):
    with redis_server(tmp_path) as (proc, url):
        index = NearDupIndex(storage=url, name="n")
        index.add_many(_bulletins(10))
        proc.kill()
        proc.wait()
        with pytest.raises(ConnectionError, match=r"Redis at unix://.* failed"):
            index.add_many(_bulletins(10, offset=10))


def test_damaged_redis_records_are_refused(redis_url, redis_name):
    import pickle

    import redis

    from newsdedup.index.redis import redis_connection_kwargs

    index = NearDupIndex(storage=redis_url, name=redis_name)
    index.add({"id": "a", "text": STORY})
    client = redis.Redis(**redis_connection_kwargs(redis_url))
    client.hset(f"{redis_name}:records", json.dumps("a"), pickle.dumps(["not", "ours"]))
    with pytest.raises(IndexFormatError, match="damaged"):
        index.query(STORY)


def test_redis_credentials_come_from_the_url_or_the_environment_and_are_never_printed(monkeypatch):
    from newsdedup.index.redis import redis_connection_kwargs

    assert redis_connection_kwargs("redis://:s3cret@localhost:6379/2")["password"] == "s3cret"
    monkeypatch.setenv("REDIS_PASSWORD", "fr0m-env")
    assert redis_connection_kwargs("redis://localhost:6379/0")["password"] == "fr0m-env"
    assert redis_connection_kwargs("redis://:url-wins@localhost:6379/0")["password"] == "url-wins"
    with pytest.raises(ConnectionError) as err:
        NearDupIndex(storage="redis://user:s3cret@127.0.0.1:1/0")
    assert "s3cret" not in str(err.value) and "user:***@127.0.0.1:1" in str(err.value)

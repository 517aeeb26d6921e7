"""The index under threads, odd dates and wrong arguments (issue 17, items 3, 4, 7, 15)."""

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import numpy as np
import pytest

import newsdedup
from conftest import WORDS, random_stories
from newsdedup import NearDupIndex, load_sample, minhash_signatures


def _stories(n):
    return [{**r, "published_at": None} for r in random_stories(n)]


def test_threads_sharing_an_index_lose_nothing_and_mix_nothing():
    records = _stories(400)
    index = NearDupIndex(chunk_size=7)
    parts = [records[k::4] for k in range(4)]
    with ThreadPoolExecutor(4) as pool:
        outcomes = [o for part in pool.map(index.add_many, parts) for o in part]
        readers = [pool.submit(lambda: (len(index), list(index.ids()), index.stats())) for _ in range(8)]
        [r.result() for r in readers]
    kept = {o.id for o in outcomes if o.status == "kept"}
    assert len(outcomes) == 400 and set(index.ids()) == kept
    # Each stored signature is its own article's, not another thread's.
    alone = minhash_signatures([index.cleaner.clean(r["text"]).fingerprint for r in records])
    by_id = {r["id"]: k for k, r in enumerate(records)}
    stored = {rid: s for rid, s in zip(index.ids(), index._store._signatures, strict=False)}
    assert all(np.array_equal(sig, alone[by_id[rid]]) for rid, sig in stored.items())


def test_signatures_from_many_threads_are_the_single_thread_ones():
    texts = [
        " ".join(f"w{k % 997}" for k in range(i * 3000, i * 3000 + 20_000 * (i % 3 + 1))) for i in range(12)
    ]
    alone = [minhash_signatures([t]) for t in texts]
    for _ in range(3):
        from newsdedup.matching import shingles as module

        module._POWERS = module._Powers()  # cold cache: every thread grows it at once
        with ThreadPoolExecutor(6) as pool:
            got = list(pool.map(lambda t: minhash_signatures([t]), texts))
        assert all(np.array_equal(a, b) for a, b in zip(alone, got, strict=True))


def test_a_date_from_the_far_future_does_not_empty_a_windowed_index(caplog):
    index = NearDupIndex(window=timedelta(days=3))
    sample = load_sample()
    outcomes = index.add_many(sample)
    before = len(index)
    typo = {
        "id": "typo",
        "text": "A wholly new story about a lighthouse keeper.",
        "published_at": "2062-10-01T00:00:00Z",
    }
    with caplog.at_level("WARNING", logger="newsdedup.index"):
        assert index.add(typo).status == "kept"
    assert "ahead of the clock" in caplog.text
    assert len(index) == before + 1
    kept = [r for r, o in zip(sample, outcomes, strict=True) if o.status == "kept"]
    newest = max(kept, key=lambda r: r["published_at"])  # still inside the window
    copy = {**newest, "id": "again"}
    assert index.add(copy).status == "duplicate"
    trusting = NearDupIndex(window=timedelta(days=3), max_future=None)
    trusting.add_many(sample)
    trusting.add(typo)
    assert len(trusting) == 1  # what the guard prevents


@pytest.mark.parametrize("bad", [{"id": 1, "text": "one record"}, "a text", b"bytes", 5])
def test_wrong_arguments_are_one_line_type_errors(bad):
    with pytest.raises(TypeError, match="iterable of records"):
        newsdedup.dedup(bad)
    with pytest.raises(TypeError, match="iterable of records"):
        NearDupIndex().add_many(bad)
    with pytest.raises(TypeError, match="iterable of records"):
        list(newsdedup.stream(bad))


def test_strings_and_none_are_refused_clearly():
    with pytest.raises(TypeError, match="sequence of texts"):
        minhash_signatures("a str")
    with pytest.raises(TypeError, match="collection of rule names"):
        newsdedup.Cleaner(disable=None)


def _one_shingle_collision():
    """Two different texts of one shingle each whose 32-bit shingle hashes are equal."""
    from newsdedup.matching.shingles import shingle_batch

    rng = np.random.default_rng(0)
    words = np.array(WORDS)
    texts = [" ".join(rng.choice(words, 4)) + f" {i}" for i in range(200_000)]
    hashes = shingle_batch(texts, 5, "word").hashes  # one shingle per text, in order
    values, counts = np.unique(hashes, return_counts=True)
    value = values[counts > 1][0]
    a, b = np.flatnonzero(hashes == value)[:2]
    return texts[a], texts[b]


def test_one_shingle_texts_match_only_when_equal():
    a, b = _one_shingle_collision()
    assert a != b and np.array_equal(*minhash_signatures([a, b]))  # resemblance 1.0 by estimate
    records = [{"id": "a", "text": a}, {"id": "b", "text": b}, {"id": "c", "text": a}]
    assert [o.status for o in newsdedup.dedup(records)] == ["kept", "kept", "duplicate"]
    assert [o.status for o in NearDupIndex().add_many(records)] == ["kept", "kept", "duplicate"]


def test_a_failed_call_is_completed_by_adding_the_same_records_again():
    records = _stories(10)
    one_run = NearDupIndex().add_many(records)
    for chunk_size in (100, 3):
        index = NearDupIndex(chunk_size=chunk_size)
        broken = [*records[:7], {"id": "bad"}, *records[7:]]
        with pytest.raises(newsdedup.InputError, match="record 7"):
            index.add_many(broken)
        assert len(index) == (0 if chunk_size == 100 else 6)  # whole chunks only
        assert index.add_many(records) == one_run  # the retry: no "already in the index"
    index = NearDupIndex()
    index.add_many(records)
    changed = {**records[0], "text": records[0]["text"] + " With a new paragraph of other words entirely."}
    with pytest.raises(newsdedup.InputError, match="already in the index, with another text"):
        index.add(changed)

"""The Redis store: credentials never shown, a server that stops answering never hangs the caller."""

import os
import signal
import time

import pytest

from conftest import random_stories, redis_server
from newsdedup import NearDupIndex
from newsdedup.index.redis import SOCKET_TIMEOUT, redact, redis_connection_kwargs


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("redis://host:6379/0?password=s3cret&db=1", "redis://host:6379/0?password=***&db=1"),
        ("redis://u:s3cret@host:6379/0?Password=s3cret", "redis://u:***@host:6379/0?Password=***"),
        ("unix:///tmp/r.sock?db=0&password=s3cret", "unix:///tmp/r.sock?db=0&password=***"),
        ("redis://host:6379/0?db=1", "redis://host:6379/0?db=1"),
    ],
)
def test_every_password_in_a_url_is_redacted(url, shown):
    assert redact(url) == shown and "s3cret" not in redact(url)


def test_a_query_password_is_never_printed(capsys):
    pytest.importorskip("redis")
    url = "redis://127.0.0.1:1/0?password=s3cret&socket_connect_timeout=0.5"
    with pytest.raises(ConnectionError) as err:
        NearDupIndex(storage=url)
    assert "s3cret" not in str(err.value) and "password=***" in str(err.value)


def test_calls_time_out_by_default_and_the_url_can_say_otherwise():
    pytest.importorskip("redis")
    assert redis_connection_kwargs("redis://h/0")["socket_timeout"] == SOCKET_TIMEOUT
    assert redis_connection_kwargs("redis://h/0?socket_timeout=2.5")["socket_timeout"] == 2.5


def test_a_stopped_server_is_a_connection_error_not_a_hang(tmp_path):
    pytest.importorskip("redis")
    with redis_server(tmp_path) as (proc, url):
        index = NearDupIndex(storage=f"{url}?socket_timeout=1", name="t")
        index.add("Rain fell on the harbour all day and the ferries stayed in port.")
        os.kill(proc.pid, signal.SIGSTOP)
        try:
            start = time.monotonic()
            with pytest.raises(ConnectionError, match="Redis at unix://"):
                index.add("A new story about the orchestra touring twelve village halls this spring.")
            assert time.monotonic() - start < 10
        finally:
            os.kill(proc.pid, signal.SIGCONT)


_WRITER = """
import json, sys
from newsdedup import NearDupIndex
url, name, path = sys.argv[1:4]
records = [json.loads(line) for line in open(path)]
outcomes = NearDupIndex(storage=url, name=name, on_error="skip").add_many(records)
print(json.dumps([o.status for o in outcomes]))
"""


def _two_writers(tmp_path, url, name, a, b):
    import json
    import subprocess
    import sys

    paths = []
    for label, records in (("a", a), ("b", b)):
        path = tmp_path / f"{label}.jsonl"
        path.write_text("".join(json.dumps(r) + "\n" for r in records))
        paths.append(path)
    NearDupIndex(storage=url, name=name)  # made once, so that both open it with its settings
    runs = [
        subprocess.Popen(
            [sys.executable, "-c", _WRITER, url, name, str(p)], stdout=subprocess.PIPE, text=True
        )
        for p in paths
    ]
    return [json.loads(p.communicate(timeout=300)[0]) for p in runs]


def test_two_processes_adding_copies_of_the_same_stories_keep_each_once(tmp_path, redis_url, redis_name):
    stories = random_stories(1500, words=50)
    a = [{**r, "id": f"a-{r['id']}"} for r in stories]
    b = [{**r, "id": f"b-{r['id']}"} for r in stories]
    got_a, got_b = _two_writers(tmp_path, redis_url, redis_name, a, b)
    assert len(NearDupIndex.connect(redis_url, name=redis_name)) == 1500
    assert got_a.count("kept") + got_b.count("kept") == 1500


def test_two_processes_adding_one_id_with_two_texts_keep_one(tmp_path, redis_url, redis_name):
    a = random_stories(1000, prefix="x", seed=1)
    b = [{**r, "text": t["text"]} for r, t in zip(a, random_stories(1000, prefix="x", seed=2), strict=True)]
    got_a, got_b = _two_writers(tmp_path, redis_url, redis_name, a, b)
    assert len(NearDupIndex.connect(redis_url, name=redis_name)) == 1000
    assert got_a.count("kept") + got_b.count("kept") == 1000
    assert got_a.count("rejected") + got_b.count("rejected") == 1000

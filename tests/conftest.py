import contextlib
import os
import shutil
import subprocess
import tempfile
import time
import uuid

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile("ci", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("dev", deadline=None, max_examples=50)
settings.register_profile(
    "thorough", deadline=None, max_examples=3000, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


# --- a real Redis server ------------------------------------------------------------------------
#
# .ci/run installs Debian's redis-server, starts it and sets NEWSDEDUP_TEST_REDIS (and
# NEWSDEDUP_REQUIRE_REDIS, so that a missing server fails the run instead of skipping).
# Elsewhere the tests start a redis-server of their own when one is installed.


_NO_DISK = ("--save", "", "--appendonly", "no")


@pytest.fixture(scope="session")
def redis_url():
    url = os.environ.get("NEWSDEDUP_TEST_REDIS")
    if url:
        yield url
        return
    server = shutil.which("redis-server")
    if server is None:
        if os.environ.get("NEWSDEDUP_REQUIRE_REDIS"):
            pytest.fail("NEWSDEDUP_REQUIRE_REDIS is set, but no redis-server nor NEWSDEDUP_TEST_REDIS")
        pytest.skip("no redis-server installed (apt-get install redis-server) and NEWSDEDUP_TEST_REDIS unset")
    with tempfile.TemporaryDirectory() as tmp:
        sock = os.path.join(tmp, "redis.sock")
        proc = subprocess.Popen(
            [server, "--port", "0", "--unixsocket", sock, "--unixsocketperm", "700", *_NO_DISK],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            for _ in range(100):
                if os.path.exists(sock):
                    break
                time.sleep(0.05)
            else:
                pytest.fail("redis-server did not start")
            yield f"unix://{sock}?db=0"
        finally:
            proc.terminate()
            proc.wait(10)


@pytest.fixture
def redis_name(redis_url):
    """A fresh index name on the test server; its keys are deleted afterwards."""
    import redis

    from newsdedup.index.redis import redis_connection_kwargs

    name = f"test-{uuid.uuid4().hex[:12]}"
    yield name
    client = redis.Redis(**redis_connection_kwargs(redis_url))
    keys = list(client.scan_iter(match=name + "*"))
    if keys:
        client.delete(*keys)


# --- shared fixtures ------------------------------------------------------------------------------

WORDS = [
    "harbour",
    "ferry",
    "council",
    "bridge",
    "orchestra",
    "village",
    "pier",
    "storm",
    "tide",
    "repairs",
    "budget",
    "vote",
]


def random_stories(n: int, *, prefix: str = "s", words: int = 40, seed: int = 4) -> list[dict]:
    """``n`` distinct fictional texts of random words (no two near each other), with ids."""
    import numpy as np

    rng = np.random.default_rng(seed)
    return [
        {"id": f"{prefix}{i}", "text": " ".join(rng.choice(WORDS, words)) + f" {prefix} story {i}."}
        for i in range(n)
    ]


@contextlib.contextmanager
def redis_server(folder):
    """A redis-server of the test's own on a Unix socket in ``folder``: ``(process, url)``."""
    server = shutil.which("redis-server")
    if server is None:
        pytest.skip("no redis-server here")
    sock = os.path.join(folder, "r.sock")
    proc = subprocess.Popen(
        [server, "--port", "0", "--unixsocket", sock, "--save", ""], stdout=subprocess.DEVNULL
    )
    try:
        for _ in range(100):
            if os.path.exists(sock):
                break
            time.sleep(0.05)
        yield proc, f"unix://{sock}"
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait()

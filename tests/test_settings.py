"""One settings object: validated once, shipped whole (a custom cleaner included), saved with an index."""

import dataclasses

import pytest

import newsdedup
from newsdedup import Cleaner, CleanResult, DedupConfig, MatchSettings
from newsdedup.settings import from_index_settings, index_settings


class LedeCleaner(Cleaner):
    """A custom cleaner: matches on the first twelve words only (a newsroom's own rule)."""

    def clean(self, text: str, title: str | None = None) -> CleanResult:
        result = super().clean(text, title)
        return CleanResult(result.text, " ".join(result.fingerprint.split()[:12]), meta=result.meta)


LEDE = "the council voted on monday to rebuild the old bridge across the river by"
RECORDS = [
    {"id": f"r{i}", "text": f"{LEDE} {tail}"}
    for i, tail in enumerate(
        [
            "spring, at a cost the mayor put at twelve million, after years of closures for repairs",
            "autumn, saying the design competition had drawn entries from architects in five countries",
            "next year; residents who cross it daily welcomed a decision delayed by two elections",
            "the summer festival, though engineers warned the timetable left no room for bad weather",
        ]
    )
]


def _outcomes(**kw):
    return [(o.id, o.status, o.duplicate_of) for o in newsdedup.Deduplicator(**kw).run(RECORDS)]


def test_a_custom_cleaner_decides_the_same_with_any_number_of_workers():
    plain = _outcomes(chunk_size=1)
    custom = _outcomes(cleaner=LedeCleaner(), chunk_size=1)
    assert plain != custom  # the cleaner is what decides here
    assert [s for _, s, _ in custom] == ["kept", "duplicate", "duplicate", "duplicate"]
    assert _outcomes(cleaner=LedeCleaner(), chunk_size=1, workers=2) == custom
    assert _outcomes(config=DedupConfig(cleaner=LedeCleaner(), chunk_size=1, workers=2)) == custom


def test_an_index_remembers_its_custom_cleaner(tmp_path):
    index = newsdedup.NearDupIndex(cleaner=LedeCleaner())
    assert [o.status for o in index.add_many(RECORDS[:1])] == ["kept"]
    index.save(tmp_path / "i.idx")
    with pytest.raises(newsdedup.IndexFormatError, match="custom cleaner test_settings:LedeCleaner"):
        newsdedup.NearDupIndex.load(tmp_path / "i.idx")
    with pytest.raises(newsdedup.IndexFormatError, match=r"not newsdedup\.Cleaner"):
        newsdedup.NearDupIndex.load(tmp_path / "i.idx", cleaner=Cleaner())
    again = newsdedup.NearDupIndex.load(tmp_path / "i.idx", cleaner=LedeCleaner())
    assert [o.status for o in again.add_many(RECORDS[1:])] == ["duplicate"] * 3


def test_an_index_of_plain_rules_reopens_without_a_cleaner(tmp_path):
    index = newsdedup.NearDupIndex(disable={"boilerplate.share"})
    index.save(tmp_path / "p.idx")
    assert newsdedup.NearDupIndex.load(tmp_path / "p.idx").cleaner.options.disable == {"boilerplate.share"}
    with pytest.raises(newsdedup.IndexFormatError, match="disable"):
        newsdedup.NearDupIndex.load(tmp_path / "p.idx", cleaner=Cleaner())


def test_settings_validate_once():
    with pytest.raises(ValueError, match="unknown cleaning rule"):
        DedupConfig(disable={"boilerplate.nope"})
    with pytest.raises(ValueError, match="give disable"):
        DedupConfig(cleaner=Cleaner(), disable={"boilerplate.share"})
    with pytest.raises(TypeError, match=r"newsdedup\.Cleaner"):
        DedupConfig(cleaner=object())
    with pytest.raises(ValueError, match="workers"):
        DedupConfig(workers=0)


def test_match_settings_are_what_decides_and_round_trip_through_an_index():
    cfg = DedupConfig(threshold=0.5, workers=2, chunk_size=7)
    assert cfg.match == MatchSettings(threshold=0.5)
    run_only = {f.name for f in dataclasses.fields(DedupConfig)} - {
        f.name for f in dataclasses.fields(MatchSettings)
    }
    assert run_only == {"workers", "chunk_size"}
    stored = index_settings(cfg, None)
    back, window = from_index_settings(stored, "here")
    assert window is None and index_settings(back, None) == stored

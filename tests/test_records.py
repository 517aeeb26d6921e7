"""The record model: one record gets one outcome, whatever path it takes (batch, index, stream, CLI)."""

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

import newsdedup
from newsdedup.cli import main
from newsdedup.records import Fields, InvalidRecord, RecordChecker, Valid, line_number, location_id, validate

# Our own fictional wire story and a republished copy of it.
STORY = (
    "HARBOR CITY (Wire) - The harbour authority said on Tuesday it would close the north pier for "
    "three weeks while divers inspect pilings damaged in last month's storm, diverting ferry traffic "
    "to the south terminal. Officials said the closure would delay about 40 sailings a day and that "
    "commuters should allow an extra half hour for the crossing until repairs begin in the spring."
)
COPY = "Share\n" + STORY.replace("Tuesday", "Tuesday,") + "\nAdvertisement"
OTHER = (
    "VALE TOWN (Wire) - A regional orchestra announced a season of free concerts in village halls, "
    "saying ticket sales in the city had recovered enough to pay for a tour of twelve stops that "
    "begins with a programme of folk songs arranged for strings and ends with a choir of pupils."
)

RECORDS = [
    {"id": "a", "text": STORY},
    {"id": "x", "text": "Advertisement"},  # nothing left after cleaning
    {"id": "b", "text": COPY},
    {"id": "c", "text": OTHER},
    {"id": "y", "text": "Share\nAdvertisement\n"},
]


def _key(o):
    return (o.id if not isinstance(o, dict) else None, o.status, o.duplicate_of, o.reason)


def _via_cli(tmp_path, *extra):
    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps(r) + "\n" for r in RECORDS))
    out = tmp_path / "out.jsonl"
    code = main(["dedup", str(src), "-o", str(out), "-q", *extra])
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    return code, [newsdedup.Outcome(r["id"], **{k: v for k, v in r["dedup"].items()}) for r in rows]


def _summary(outcomes):
    return [(o.id, o.status, o.duplicate_of, o.reason) for o in outcomes]


def test_the_same_record_gets_the_same_outcome_on_every_path(tmp_path):
    want = _summary(newsdedup.dedup(RECORDS))
    assert [s for _, s, _, _ in want] == ["kept", "rejected", "duplicate", "kept", "rejected"]
    assert want[1][3].startswith("no text left after cleaning")
    assert _summary(newsdedup.NearDupIndex().add_many(RECORDS)) == want
    assert _summary(newsdedup.NearDupIndex().check_many(RECORDS)) == want
    assert _summary(o for _, o in newsdedup.stream(RECORDS)) == want
    code, got = _via_cli(tmp_path)
    assert code == 0 and _summary(got) == want
    # --against a corpus and an index file of another story: the records among themselves, the same.
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text(json.dumps({"id": "z", "text": OTHER.replace("free", "open")[::-1]}) + "\n")
    code, got = _via_cli(tmp_path, "--against", str(corpus))
    assert code == 0 and _summary(got) == want
    assert main(["index", "build", str(tmp_path / "z.idx"), str(corpus), "-q"]) == 0
    code, got = _via_cli(tmp_path, "--against", str(tmp_path / "z.idx"))
    assert code == 0 and _summary(got) == want
    code, got = _via_cli(tmp_path, "--against", str(tmp_path / "z.idx"), "--update-index")
    assert code == 0 and _summary(got) == want


def test_bad_records_raise_on_every_path_and_name_where_they_are(tmp_path):
    bad = [{"id": "a", "text": STORY}, {"id": "q"}]
    with pytest.raises(newsdedup.InputError, match="record 1: missing text field"):
        newsdedup.dedup(bad)
    with pytest.raises(newsdedup.InputError, match="record 1: missing text field"):
        newsdedup.NearDupIndex().add_many(bad)
    with pytest.raises(newsdedup.InputError, match="record 1: missing text field"):
        list(newsdedup.stream(bad))
    skipped = newsdedup.dedup(bad, on_error="skip")
    assert _summary(skipped) == _summary(newsdedup.NearDupIndex(on_error="skip").add_many(bad))


def test_an_id_already_in_the_index_is_refused_before_the_chunk_is_stored():
    index = newsdedup.NearDupIndex()
    index.add({"id": "a", "text": STORY})
    with pytest.raises(newsdedup.InputError, match="already in the index"):
        index.add_many([{"id": "c", "text": OTHER}, {"id": "a", "text": OTHER}])
    assert list(index.ids()) == ["a"]


def test_checker_names_locations_and_refuses_repeated_ids():
    checker = RecordChecker(Fields(), max_chars=10, on_error="raise", locations=["f.jsonl:3", "f.jsonl:4"])
    assert isinstance(checker.check(0, {"id": 1, "text": "rain"}), Valid)
    with pytest.raises(newsdedup.InputError, match=r"^f.jsonl:4: duplicate id 1"):
        checker.check(1, {"id": 1, "text": "snow"})
    skip = RecordChecker(Fields(), max_chars=10, on_error="skip")
    assert (
        skip.check(0, {"id": True, "text": "x"}).reason == "id field 'id' is a bool, not a string or integer"
    )
    assert skip.check(1, "x" * 11).reason.startswith("text is 11 characters, over the limit of 10")
    assert skip.check(2, InvalidRecord("f:9", "malformed JSON")).id == 2
    assert line_number("news.parquet:row 12") == 12 and line_number("<stdin>") == 0


def test_a_record_without_an_id_is_named_by_its_file_and_line():
    assert location_id("data/day2.jsonl:5") == "day2.jsonl:5"
    assert location_id("news.parquet:row 12") == "news.parquet:12"
    assert location_id("<stdin>:3") == "<stdin>:3"


@given(
    st.one_of(st.text(max_size=20), st.dictionaries(st.sampled_from(["id", "text"]), st.none() | st.text()))
)
def test_validate_gives_a_record_or_a_reason(item):
    v = validate(0, item, Fields(), 100)
    assert isinstance(v, (Valid, str))
    if isinstance(v, Valid):
        assert v.text.strip()


def test_a_repeated_id_names_where_it_was_first_used(tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_text('{"id": "a", "text": "Rain fell."}\n\n{"id": "a", "text": "Snow fell."}\n')
    code, got = _via_cli_file(src, "--on-error", "skip")
    assert code == 0 and got[1].reason == f"duplicate id 'a' (first used at {src}:1)"


def _via_cli_file(src, *extra):
    out = src.with_suffix(".out.jsonl")
    code = main(["dedup", str(src), "-o", str(out), "-q", *extra])
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    return code, [newsdedup.Outcome(r["id"], **r["dedup"]) for r in rows]

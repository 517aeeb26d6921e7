import pytest
from hypothesis import given
from hypothesis import strategies as st

from newsdedup import DedupConfig, Deduplicator, Fields, InputError, InvalidRecord, Outcome, dedup

STORY = (
    "Rescuers pulled 212 people from a ferry that ran aground off the coast late on Saturday, "
    "the coast guard said, and eleven were treated in hospital for mild hypothermia."
)


def test_outcome_contract_for_strings_and_mappings():
    out = dedup(
        [STORY, {"id": "b", "text": "Share\n" + STORY}, "A different story about a cat show in town."]
    )
    assert [type(o) for o in out] == [Outcome] * 3
    assert [(o.id, o.status, o.cluster, o.duplicate_of) for o in out] == [
        (0, "kept", 0, None),
        ("b", "duplicate", 0, 0),
        (2, "kept", 2, None),
    ]
    assert out[1].resemblance == 1.0 and out[1].containment == 1.0
    assert out[1].to_dict() == {
        "status": "duplicate",
        "cluster": 0,
        "duplicate_of": 0,
        "resemblance": 1.0,
        "containment": 1.0,
        "reason": None,
    }


def test_field_names_are_configurable():
    recs = [{"key": "x", "body": STORY}, {"key": "y", "body": STORY}]
    out = dedup(recs, fields=Fields(text="body", id="key"))
    assert [o.duplicate_of for o in out] == [None, "x"]


BAD = [
    ({"id": "m"}, "missing text field 'text'"),
    ({"id": "n", "text": None}, "text field 'text' is null, not a string"),
    ({"id": "i", "text": 42}, "text field 'text' is a int, not a string"),
    ({"id": "e", "text": "  \n "}, "empty text"),
    ("", "empty text"),
    (17, "record is a int, not a str or a mapping"),
    ({"id": ["l"], "text": STORY}, "id field 'id' is a list, not a string or integer"),
    (InvalidRecord("f.jsonl:3", "malformed JSON: Expecting value at column 1", "{oops"), "malformed JSON"),
    ({"id": "a", "text": "Advertisement\nShare"}, "no text left after cleaning (removed by boilerplate"),
    ({"id": "s", "text": "* * * ---"}, "no letters or digits to compare"),
]


@pytest.mark.parametrize(("record", "reason"), BAD)
def test_bad_records_are_rejected_with_a_reason_when_skipping(record, reason):
    out = dedup([STORY, record, STORY], on_error="skip")
    assert len(out) == 3
    assert out[1].status == "rejected" and reason in out[1].reason
    assert out[2].duplicate_of == 0


@pytest.mark.parametrize(("record", "reason"), BAD[:-2])  # the last two are results of cleaning
def test_bad_records_raise_with_their_location_by_default(record, reason):
    with pytest.raises(InputError) as err:
        dedup([STORY, record])
    expected_location = "f.jsonl:3" if isinstance(record, InvalidRecord) else "record 1"
    assert err.value.location == expected_location and reason in err.value.reason


def test_duplicate_ids():
    recs = [{"id": "a", "text": STORY}, {"id": "a", "text": "Another story entirely, about rain."}]
    with pytest.raises(InputError, match="duplicate id 'a'"):
        dedup(recs)
    out = dedup(recs, on_error="skip")
    assert out[1].status == "rejected" and "first used by record 0" in out[1].reason


def test_locations_name_errors():
    with pytest.raises(InputError, match=r"^in.jsonl:7: empty text"):
        Deduplicator().run(["", STORY], locations=["in.jsonl:7", "in.jsonl:8"])


def test_config_validation():
    with pytest.raises(ValueError):
        DedupConfig(threshold=0)
    with pytest.raises(ValueError):
        DedupConfig(on_error="ignore")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        Deduplicator(DedupConfig(), threshold=0.5)


def test_empty_input():
    assert dedup([]) == []


record = st.one_of(
    st.text(max_size=60),
    st.fixed_dictionaries({"text": st.one_of(st.text(max_size=60), st.none(), st.integers())}),
    st.sampled_from([STORY, "Share\n" + STORY, STORY[:80]]),
    st.integers(),
)


@given(st.lists(record, max_size=12))
def test_every_record_gets_exactly_one_outcome_in_order(records):
    out = dedup(records, on_error="skip")
    assert len(out) == len(records)
    for i, o in enumerate(out):
        assert o.id == i  # no ids given: positions
        assert o.status in ("kept", "duplicate", "rejected")
        if o.status == "duplicate":
            assert out[o.duplicate_of].status == "kept" and o.cluster == o.duplicate_of
            assert o.resemblance is not None and o.containment is not None
        elif o.status == "kept":
            assert o.cluster == i and o.duplicate_of is None
        else:
            assert o.reason


def test_same_input_same_outcomes():
    recs = [STORY, STORY + " Extra.", "Other news entirely, about a museum theft.", STORY[:90]]
    assert dedup(recs) == dedup(list(recs))


def test_chunks_and_workers_give_the_same_outcomes():
    from newsdedup import load_sample

    records = [*load_sample(), {"id": "bad"}, {"id": "empty", "text": "Share"}]
    base = dedup(records, on_error="skip")
    assert dedup(records, on_error="skip", chunk_size=7) == base
    assert dedup(records, on_error="skip", chunk_size=13, workers=2) == base


def test_records_are_consumed_as_a_stream():
    seen = []

    def gen():
        for i in range(30):
            seen.append(i)
            yield f"story number {i} about the harbour bridge and its cables, with details {i * 7}"

    out = Deduplicator(chunk_size=4).run(gen())
    assert len(out) == 30 and seen == list(range(30))


def test_a_run_logs_its_start_end_and_rejections(caplog):
    import json as _json
    import logging

    records = [{"id": "a", "text": "Rain fell on the harbour all day."}, {"id": "b", "text": "Advertisement"}]
    with caplog.at_level(logging.INFO, logger="newsdedup"):
        dedup(records, threshold=0.5)
    messages = [r.getMessage() for r in caplog.records if r.name == "newsdedup"]
    assert messages[0].startswith("dedup started: ")
    assert _json.loads(messages[0].removeprefix("dedup started: "))["threshold"] == 0.5
    assert "2 records" in messages[1] and "1 kept, 0 duplicates, 1 rejected" in messages[1]
    assert messages[2].startswith("1 records rejected: 1 no text left after cleaning")

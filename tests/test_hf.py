from datasets import Dataset

import newsdedup.hf
from newsdedup import clean, dedup, load_sample

SAMPLE = load_sample()


def test_clean_batch_in_map():
    ds = Dataset.from_list(SAMPLE[:20])
    out = ds.map(newsdedup.hf.clean_batch, batched=True, batch_size=7)
    assert list(out["text"]) == [clean(r["text"], title=r["title"]).text for r in SAMPLE[:20]]
    assert list(out["id"]) == [r["id"] for r in SAMPLE[:20]]


def test_clean_batch_options_through_fn_kwargs():
    ds = Dataset.from_dict({"body": ["Share\nIt&#39;s raining.", None]})
    out = ds.map(newsdedup.hf.clean_batch, batched=True, fn_kwargs={"text": "body", "fingerprint": "fp"})
    assert list(out["body"]) == ["It's raining.", None] and list(out["fp"]) == ["its raining", None]


def test_dedup_adds_outcome_columns():
    ds = Dataset.from_list(SAMPLE)
    out = newsdedup.hf.dedup(ds, id="id")
    assert out.num_rows == ds.num_rows and list(out["id"]) == list(ds["id"])
    expected = [o.to_dict() for o in dedup(SAMPLE)]
    assert list(out["dedup_status"]) == [e["status"] for e in expected]
    assert list(out["dedup_cluster"]) == [e["cluster"] for e in expected]


def test_dedup_without_id_uses_row_numbers():
    ds = Dataset.from_dict(
        {"text": ["Storm hits the coast on Monday.", "", "Storm hits the coast on Monday!"]}
    )
    out = newsdedup.hf.dedup(ds)
    assert list(out["dedup_status"]) == ["kept", "rejected", "duplicate"]
    assert list(out["dedup_duplicate_of"]) == [None, None, 0]


def test_outcome_columns_have_fixed_types():
    import datasets

    ds = newsdedup.hf.dedup(datasets.Dataset.from_list(newsdedup.load_sample()), id="id")
    f = ds.features
    assert f["dedup_reason"] == datasets.Value("string")  # no rejects: still a string column
    assert f["dedup_resemblance"] == datasets.Value("float64") and f["dedup_cluster"] == f["id"]
    rows = datasets.Dataset.from_dict({"text": ["Storm hits the coast on Monday."]})
    assert newsdedup.hf.dedup(rows).features["dedup_cluster"] == datasets.Value("int64")

import pandas as pd
import pytest

import newsdedup.pandas as ndp
from newsdedup import dedup, load_sample

SAMPLE = load_sample()


def test_dedup_frame_adds_the_outcome_columns_and_keeps_rows():
    df = pd.DataFrame(SAMPLE).set_index("id")
    out = ndp.dedup_frame(df)
    assert list(out.columns) == [*df.columns, *ndp.OUTCOME_COLUMNS]
    assert out.index.equals(df.index) and out[df.columns].equals(df)
    expected = [o.to_dict() for o in dedup(SAMPLE)]
    assert out["dedup_status"].tolist() == [e["status"] for e in expected]
    assert out["dedup_duplicate_of"].tolist() == [e["duplicate_of"] for e in expected]  # index labels


def test_dedup_frame_with_an_id_column_and_settings():
    df = pd.DataFrame(SAMPLE)
    out = ndp.dedup_frame(df, id="id", keep="longest", threshold=0.5)
    assert set(out.loc[out.dedup_status == "duplicate", "dedup_cluster"]) <= set(df["id"])
    assert (out.dedup_status == "kept").sum() >= 34


def test_missing_text_is_rejected_not_dropped():
    df = pd.DataFrame(
        {"text": ["Storm hits the coast on Monday.", None, float("nan"), "Storm hits the coast on Monday!"]}
    )
    out = ndp.dedup_frame(df)
    assert out["dedup_status"].tolist() == ["kept", "rejected", "rejected", "duplicate"]
    assert "null" in out["dedup_reason"][1]


def test_errors_are_clear():
    with pytest.raises(KeyError, match="no text column 'body'"):
        ndp.dedup_frame(pd.DataFrame({"text": ["a"]}), text="body")
    with pytest.raises(ValueError, match="repeated labels"):
        ndp.dedup_frame(pd.DataFrame({"text": ["a", "b"]}, index=[1, 1]))


def test_clean_series_keeps_index_name_and_missing_values():
    s = pd.Series(["Share\nIt&#39;s raining.", None, "Advertisement\nRain."], index=[10, 11, 12], name="body")
    out = ndp.clean_series(s)
    assert out.index.tolist() == [10, 11, 12] and out.name == "body"
    assert out[10] == "It's raining." and pd.isna(out[11]) and out[12] == "Rain."
    assert ndp.clean_series(s, fingerprint=True)[10] == "its raining"


def test_outcome_columns_are_typed():
    df = ndp.dedup_frame(pd.DataFrame(SAMPLE).set_index("id"))
    assert df.dedup_resemblance.dtype == "float64" and df.dedup_containment.dtype == "float64"
    assert df.dedup_resemblance.describe()["max"] == 1.0  # statistics, not counts
    assert list(df.dedup_status.cat.categories) == ["kept", "duplicate", "rejected"]
    assert df.dedup_status.value_counts()["kept"] == 34
    assert df.dedup_reason.isna().all() and df.dedup_reason.iloc[0] is None

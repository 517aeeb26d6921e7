import json
import random

import numpy as np
import pytest

import newsdedup
from newsdedup import DedupConfig, dedup, load_sample
from newsdedup.cli import main
from newsdedup.explanation import explain
from newsdedup.matching.lsh import band_params, candidate_pairs
from newsdedup.matching.signing import sign
from newsdedup.matching.verify import number_table, score_pairs

REPORT = (
    "Shares of Norland Mining rose {} percent to {} crowns after first-quarter profit of {} million "
    "crowns, the company said on Thursday in a statement to the exchange. The figures are provisional "
    "and may be revised when the final accounts are published at the end of the month, the company "
    "added, and readers should consult the full statement before making any decision on the strength "
    "of this summary of the results."
)


def _corpus() -> list[dict]:
    """The sample, and templated reports that differ in their numbers (the number check decides)."""
    rows = [dict(r) for r in load_sample()]
    for i in range(30):
        rows.append({"id": f"r{i}", "text": REPORT.format(i + 1, 100 + 3 * i, 10 + 7 * (i % 4))})
    rows.append({"id": "r0-copy", "text": REPORT.format(1, 100, 10) + "\nAdvertisement"})
    return rows


def _verified(rows: list[dict], cfg: DedupConfig) -> tuple[np.ndarray, np.ndarray]:
    """Every candidate pair of a batch run, and which of them the run's Verifier passes."""
    signed = sign(cfg, [r["text"] for r in rows], [r.get("title") for r in rows])
    b, r = band_params(cfg.lsh_threshold, cfg.num_perm, cfg.weights)
    pairs = candidate_pairs(signed.signatures, b, r, max_bucket=cfg.max_bucket)
    res, cont = score_pairs(signed.signatures, signed.sizes.astype(np.int64), pairs)
    exact = (signed.sizes.astype(np.int64), signed.digests)
    ok = cfg.verifier.decide(pairs, res, cont, number_table(signed.numbers), exact)
    return pairs, ok


def test_explain_gives_the_verdict_of_every_candidate_pair_and_of_every_other():
    rows, cfg = _corpus(), DedupConfig()
    pairs, ok = _verified(rows, cfg)
    assert ok.sum() > 100 and (~ok).sum() > 50  # both verdicts are tried
    for (i, j), verdict in zip(pairs.tolist(), ok.tolist(), strict=True):
        e = explain(rows[i], rows[j])
        assert e.duplicate == verdict, (rows[i]["id"], rows[j]["id"], str(e))
        assert e.check("lsh").passed
    candidates = {tuple(p) for p in pairs.tolist()}
    rng = random.Random(1)
    others = [(i, j) for i in range(len(rows)) for j in range(i + 1, len(rows)) if (i, j) not in candidates]
    for i, j in rng.sample(others, 200):
        e = explain(rows[i], rows[j])
        assert not e.duplicate and e.deciding == "lsh" and e.check("lsh").passed is False


def test_every_duplicate_is_explained_as_one():
    rows = _corpus()
    by_id = {r["id"]: r for r in rows}
    for row, o in zip(rows, dedup(rows), strict=True):
        if o.status == "duplicate":
            assert explain(row, by_id[o.duplicate_of]).duplicate


def test_the_number_check_is_named_when_it_decides():
    e = explain(REPORT.format(3, 141, 57), REPORT.format(6, 88, 19))
    assert not e.duplicate and e.deciding == "numbers"
    assert e.check("resemblance").passed and e.check("numbers").passed is False
    assert "0 shared of 3 and 3" in e.check("numbers").note
    off = explain(REPORT.format(3, 141, 57), REPORT.format(6, 88, 19), min_number_overlap=None)
    assert off.duplicate and off.check("numbers").passed is None


def test_explain_lists_what_cleaning_changed():
    e = explain(
        "Share\nRain fell on the harbour all day, officials said.", "Rain fell on the harbour all day."
    )
    assert any("boilerplate" in edit.rule for edit in e.edits[0]) and e.edits[1] == ()
    assert e.fingerprints[0].startswith("rain fell")


def test_explain_takes_a_config_whole_and_refuses_empty_texts():
    cfg = DedupConfig(threshold=0.99, containment_threshold=None)
    assert not explain("a b c d e f g", "a b c d e f h", config=cfg).duplicate
    with pytest.raises(ValueError, match="either"):
        explain("a", "b", config=cfg, threshold=0.5)
    with pytest.raises(newsdedup.InputError, match="no text left"):
        explain("Advertisement", "Rain fell.")


def test_the_explain_command(tmp_path, capsys):
    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps(r) + "\n" for r in _corpus()))
    assert main(["explain", str(src), "r0", "r0-copy"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("r0 ~ r0-copy: duplicate: True") and "numbers" in out
    assert main(["explain", str(src), "r0", "r1", "--json"]) == 0
    row = json.loads(capsys.readouterr().out)
    assert row["duplicate"] is False and row["deciding"] == "numbers"
    assert main(["explain", str(src), "r0", "nope"]) == 2
    assert "no record with id 'nope'" in capsys.readouterr().err

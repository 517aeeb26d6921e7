from hypothesis import given, settings
from hypothesis import strategies as st

from newsdedup.cleaning.edits import Edit, EditLog, apply_edits, map_offset


@st.composite
def edit_rounds(draw):
    text = draw(st.text(alphabet="ab \n", min_size=0, max_size=30))
    rounds = []
    length = len(text)
    for r in range(draw(st.integers(1, 4))):
        cuts = sorted(draw(st.lists(st.integers(0, length), max_size=6)))
        edits, pos = [], 0
        for a, b in zip(cuts[::2], cuts[1::2], strict=False):
            if a < pos:
                continue
            repl = draw(st.text(alphabet="xyZ", max_size=3))
            edits.append(Edit(f"r{r}", a, b, repl))
            pos = b
        rounds.append(edits)
        length += sum(len(e.replacement) - (e.end - e.start) for e in edits)
    return text, rounds


@settings(max_examples=500, deadline=None)
@given(edit_rounds())
def test_combined_edits_rebuild_the_text(case):
    text, rounds = case
    log = EditLog(text)
    current = text
    for edits in rounds:
        # Rounds were drawn against lengths, so clip them to the text they now apply to.
        edits = [e for e in edits if e.end <= len(current)]
        current = apply_edits(current, edits)
        log.apply("r", edits)
        assert log.text == current
        assert apply_edits(text, log.edits) == current
        starts = [(e.start, e.end) for e in log.edits]
        assert starts == sorted(starts)
        assert all(e.start <= e.end for e in log.edits)


def test_rules_of_merged_edits_are_named_in_order():
    log = EditLog("x &amp;amp; y")
    log.apply("", [Edit("markup.entities", 2, 11, "&amp;")])
    log.apply("", [Edit("markup.entities_again", 2, 7, "&")])
    assert log.text == "x & y"
    assert log.edits == [Edit("markup.entities+markup.entities_again", 2, 11, "&")]


def test_noop_edits_are_dropped():
    log = EditLog("abc")
    log.apply("", [Edit("r", 0, 1, "a")])
    assert log.edits == []


def test_map_offset_outside_and_inside_edits():
    edits = [Edit("r", 2, 7, "&")]  # "x &amp; y" -> "x & y"
    assert map_offset(edits, 0) == 0
    assert map_offset(edits, 2) == 2
    assert map_offset(edits, 3) == 7
    assert map_offset(edits, 4) == 8

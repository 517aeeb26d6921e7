from hypothesis import example, given
from hypothesis import strategies as st

from newsdedup import clean
from newsdedup.cleaning.edits import Edit
from newsdedup.cleaning.structure import fix_hard_wraps, fix_line_spaces

PARA = "The storm brought down power lines across the northern districts overnight."


def test_line_breaks_spaces_and_blank_lines():
    raw = "  First line.  \r\n\r\n\r\n\r\nSecond   line.\rThird\u2028line.\n\n"
    assert clean(raw).text == "First line.\n\nSecond line.\nThird\nline."


LONG = " ".join([PARA] * 3)  # a paragraph of over 200 characters


def test_repeated_paragraph_removed_next_to_itself_or_when_long():
    raw = f"{PARA}\n\n{PARA}\n\nMore news.\n\n{LONG}\n\nOther news.\n\n{LONG}\n\nEnd of story here."
    r = clean(raw)
    assert r.text == f"{PARA}\n\nMore news.\n\n{LONG}\n\nOther news.\n\nEnd of story here."
    assert r.rules()["structure.repeated_paragraph"] == 2


def test_short_paragraphs_repeated_further_away_stay():
    question = "What made you start cooking for a living, and when?"
    raw = f"Anna Berg\n\n{question}\n\nI was nine.\n\nLena Holm\n\n{question}\n\nAt school."
    assert clean(raw).text == raw


def test_short_repeated_separators_stay():
    raw = "Part one.\n\n***\n\nPart two.\n\n***\n\nPart three."
    assert clean(raw).text == raw


def test_repeated_headline_first_and_last_line():
    title = "Storm Cuts Power To Thousands"
    raw = f"STORM CUTS POWER TO THOUSANDS.\n\n{PARA}\n\n{title}"
    r = clean(raw, title=title)
    assert r.text == PARA
    assert r.rules()["structure.repeated_headline"] >= 1


def test_headline_kept_when_it_is_all_there_is_or_only_a_prefix():
    title = "Storm cuts power"
    assert clean(title, title=title).text == title
    line = "Storm cuts power to half the city, officials said."
    assert clean(line, title=title).text == line
    assert clean(f"{title}\n{PARA}").text == f"{title}\n{PARA}"  # no title given: nothing removed


def test_runs_of_repeated_paragraphs():
    other = "A second paragraph that is long enough to count as one."
    raw = f"{LONG}\n\n{other}\n\n{LONG}\n\n{LONG}\n\n{other}\n\nEnd."
    # Once the long repeats are gone, the second `other` stands right after the first: removed too.
    assert clean(raw).text == f"{LONG}\n\n{other}\n\nEnd."


WRAPPED = (
    "The harbour authority said on Tuesday that the northern pier\n"
    "would close for repairs from next month, after divers found\n"
    "cracks in several of the concrete piles under the old crane.\n"
    "Work should take about six weeks.\n"
    "Ferries will use the southern pier while the work goes on and\n"
    "the timetable will not change, a spokeswoman for the port said."
)


def test_hard_wrapped_paragraphs_are_reflowed():
    r = clean(WRAPPED)
    assert r.text == (
        "The harbour authority said on Tuesday that the northern pier would close for repairs from "
        "next month, after divers found cracks in several of the concrete piles under the old crane. "
        "Work should take about six weeks.\n\n"
        "Ferries will use the southern pier while the work goes on and the timetable will not change, "
        "a spokeswoman for the port said."
    )
    assert "structure.hard_wraps" in r.rules()
    assert clean(r.text).text == r.text


def test_dehyphenation_only_where_the_word_is_known():
    known = (
        "Officials said the regional government had approved the plan on Monday after a govern-\n"
        "ment review found no objection from the council or from residents of the town.\n"
        "The government will publish the full review next week on its website, officials said."
    )
    assert "after a government review" in clean(known).text
    assert "structure.dehyphenate" in clean(known).rules()
    unknown = (
        "The money will come from state- and federal budgets over the next two years, the\n"
        "minister told reporters, and a further grant is expected from the regional state-\n"
        "owned bank, which has financed similar projects in the past decade or so as well."
    )
    out = clean(unknown).text
    assert "state- and federal" in out
    assert "regional state- owned bank" in out  # neither form elsewhere: hyphen and space stay
    compound = unknown + "\nThe state-owned bank declined to comment on the plan on Tuesday afternoon."
    assert "regional state-owned bank" in clean(compound).text


def test_lists_tables_and_short_lines_are_not_reflowed():
    listing = (
        "Results of the vote on Sunday in the three districts:\n- North: 52 percent in favour of the plan\n"
        "- South: 48 percent in favour of the plan\n- East: 61 percent in favour of the plan"
    )
    assert clean(listing).text == listing
    table = (
        "Company            Q1 sales      Q2 sales\nAlden Foods        4.1 bln       4.3 bln\n"
        "Brightway Retail   6.3 bln       6.1 bln"
    )
    assert clean(table).text == table
    address = "Port Authority\n12 Harbour Road\nPort Alder\nWestmark"
    assert clean(address).text == address


def test_widget_lines_inside_a_wrapped_block_are_kept_apart_and_removed():
    lines = WRAPPED.split("\n")
    raw = "\n".join([*lines[:2], "Advertisement", *lines[2:]])
    assert clean(raw).text == clean(WRAPPED).text


def _line_spaces_reference(text: str) -> list[Edit]:
    """fix_line_spaces written the plain way: each line, stripped at both ends."""
    edits, pos = [], 0
    for line in text.split("\n"):
        core = line.strip(" \t")
        left = len(line) - len(line.lstrip(" \t"))
        if line and not core:
            edits.append(Edit("structure.line_spaces", pos, pos + len(line), ""))
        elif line:
            if left:
                edits.append(Edit("structure.line_spaces", pos, pos + left, ""))
            right = len(line) - len(line.rstrip(" \t"))
            if right:
                edits.append(Edit("structure.line_spaces", pos + len(line) - right, pos + len(line), ""))
        pos += len(line) + 1
    return edits


@given(st.text(alphabet=" \t\nab", max_size=40))
def test_line_spaces_edits_equal_the_plain_per_line_form(text):
    assert fix_line_spaces(text) == _line_spaces_reference(text)


def _repeats_reference(text: str) -> list[Edit]:
    """fix_repeated_paragraphs written the plain way: every paragraph keyed and judged in turn."""
    from newsdedup.cleaning.structure import _PARAGRAPH_SPLIT

    edits, seen, previous, prev_end, pos = [], set(), "", 0, 0
    for sep in [*_PARAGRAPH_SPLIT.finditer(text), None]:
        end = len(text) if sep is None else sep.start()
        key = " ".join(text[pos:end].split())
        if (key == previous and len(key) >= 40) or (len(key) >= 200 and key in seen):
            edits.append(Edit("structure.repeated_paragraph", prev_end, end, ""))
        else:
            seen.add(key)
            previous = key
        prev_end = end
        if sep is not None:
            pos = sep.end()
    return edits


_PARAGRAPH_PIECES = [
    PARA,
    PARA.replace(" ", "  ", 2),
    PARA.replace(" ", "\n", 1),
    LONG,
    LONG.replace(" ", "\x1c", 1),
    "Été " + PARA,
    "\n\n",
    "\n \n",
    "\n\t\n ",
    " ",
    "x",
]


@example(LONG + "\n\n" + LONG.replace(" ", "\x1c", 1))
@example(PARA + "\n\n" + PARA.replace(" ", "  ", 2))
@example(LONG + "\n\nx\n\n" + LONG.replace(" ", "\n", 1))
@given(st.lists(st.sampled_from(_PARAGRAPH_PIECES), max_size=8).map("".join))
def test_repeated_paragraphs_equal_the_plain_form(text):
    from newsdedup.cleaning.structure import fix_repeated_paragraphs

    assert fix_repeated_paragraphs(text) == _repeats_reference(text)


_WRAPPED_PIECES = [
    "The harbour authority said on Tuesday that dredging of the\n",
    "main channel would start in March and last eleven weeks,\n",
    "closing two of the four berths to container ships and the gov-\n",
    "ernment said the state-\n",
    "owned yard would govern-\n",
    "ment work.\n",
    "Ships were told.\n",
    "Advertisement\n",
    "\n",
    "  \n",
    "1. A list item of the kind that keeps a block from re-flowing at all\n",
]


@given(st.lists(st.sampled_from(_WRAPPED_PIECES), max_size=14).map("".join))
def test_reflowed_text_is_its_edits_applied(text):
    from newsdedup.cleaning import boilerplate
    from newsdedup.cleaning.edits import apply_edits
    from newsdedup.cleaning.structure import reflow

    def widgets(t: str) -> dict[int, str]:
        return {start: rule.name for start, _, rule in boilerplate.rule_lines(t)}

    for standalone in (None, widgets):
        made = reflow(text, standalone)
        if made is None:
            assert fix_hard_wraps(text, standalone) == []
        else:
            assert made.edits() and made.text == apply_edits(text, made.edits())
            assert made.joins_without_space == any(not e.replacement for e in made.edits())


@given(st.text(alphabet=" \t\nab", max_size=40))
def test_line_starts_stripped_in_one_go_equal_the_edits_applied(text):
    from newsdedup.cleaning.edits import apply_edits
    from newsdedup.cleaning.structure import strip_line_starts

    made = strip_line_starts(text)
    assert made is None or made == apply_edits(text, fix_line_spaces(text))

from newsdedup import clean

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

from newsdedup import clean

PARA = "The storm brought down power lines across the northern districts overnight."


def test_line_breaks_spaces_and_blank_lines():
    raw = "  First line.  \r\n\r\n\r\n\r\nSecond   line.\rThird\u2028line.\n\n"
    assert clean(raw).text == "First line.\n\nSecond line.\nThird\nline."


def test_repeated_paragraph_removed():
    raw = f"{PARA}\n\nMore news.\n\n{PARA}\n\nEnd of story here."
    r = clean(raw)
    assert r.text == f"{PARA}\n\nMore news.\n\nEnd of story here."
    assert "structure.repeated_paragraph" in r.rules()


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
    raw = f"{PARA}\n\n{other}\n\n{PARA}\n\n{PARA}\n\n{other}\n\nEnd."
    assert clean(raw).text == f"{PARA}\n\n{other}\n\nEnd."

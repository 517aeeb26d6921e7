from hypothesis import given
from hypothesis import strategies as st

from newsdedup import clean


def test_mojibake_is_repaired_and_curly_quotes_kept():
    r = clean("The mayorâ€™s office said â€œnoâ€\x9d.")
    assert r.text == "The mayor’s office said “no”."
    assert any(e.rule == "unicode.mojibake" for e in r.edits)


def test_double_encoded_mojibake():
    once = "café".encode().decode("latin-1")
    twice = once.encode().decode("latin-1")
    assert clean(f"A {twice} opened.").text == "A café opened."


def test_correct_text_in_every_script_is_untouched():
    texts = [
        "Der Bürgermeister sagte: „Wir bauen.“",
        "東京で地震があった。",
        "Президент заявил, что «всё хорошо».",
        "الرئيس قال إن الوضع مستقر",
        "Family: 👨‍👩‍👧 and flag 🏴󠁧󠁢󠁷󠁬󠁳󠁿",
        "می‌خواهم",  # ZWNJ inside a Persian word
        "It’s — “quoted” … fine",
        "ﬁne ligature and ＦＵＬＬ width stay",
    ]
    for text in texts:
        assert clean(text).text == text


def test_invisible_characters_and_unicode_spaces():
    r = clean("co\u00adoper\u200bation at\u00a010\u2009am")
    assert r.text == "cooperation at 10 am"
    assert {"unicode.invisible", "unicode.spaces"} <= set(r.rules())


def test_control_characters_and_terminal_escapes_removed():
    assert clean("bell\x07 and \x1b[31mred\x1b[0m text\x00").text == "bell and red text"


MOJIBAKE_ALPHABET = (
    "aAzZ .,!?\n\t\xa0\x81\x9dÃÂÎÐØÙŒœàéÉ€£¥©®°±²³µ·»«¿¡“”‘’–—…•™šžŸ¦¤¨¬¯¸ƒˆ˘˛˜†‡‰¬◊�ВГРСΒΓΞΟā√≈‚Äñ×°вЂ"
)


@given(st.text(alphabet=MOJIBAKE_ALPHABET, max_size=12))
def test_fast_path_filter_never_hides_what_ftfy_would_flag(text):
    from ftfy.badness import is_bad

    from newsdedup.cleaning.unicode import _MAYBE_BAD, maybe_bad

    if is_bad(text):
        assert _MAYBE_BAD.search(text)
    assert maybe_bad(text) == (_MAYBE_BAD.search(text) is not None)


@given(st.text(alphabet=MOJIBAKE_ALPHABET, max_size=120))
def test_detector_near_spots_equals_ftfys_on_the_whole_text(text):
    from ftfy.badness import is_bad

    from newsdedup.cleaning import unicode

    assert unicode.is_bad_near_spots(text) == is_bad(text)
    reach = unicode._BAD_REACH
    try:  # narrow windows, just wider than a match, must find the same
        unicode._BAD_REACH = 8
        assert unicode.is_bad_near_spots(text) == is_bad(text)
    finally:
        unicode._BAD_REACH = reach

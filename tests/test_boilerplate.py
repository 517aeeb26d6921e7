import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsdedup import clean
from newsdedup.cleaning.boilerplate import _TRIM, RULES, matching_rule, rule_lines

BODY = "The council approved the budget on Monday after a long debate."

# Each rule, with lines we wrote that it must remove and prose it must keep.
CASES = {
    "boilerplate.share": (
        ["Share", "Share this article", "Facebook Twitter Email", "Share on X", "Tweet | Email", "Copy link"],
        ["Share prices fell sharply on Monday.", "Shares of the firm rose."],
    ),
    "boilerplate.advertisement": (
        ["Advertisement", "ADVERTISEMENT", "- Advertisement -", "Anzeige", "Publicidad"],
        ["The advertisement ran on local television for a week."],
    ),
    "boilerplate.ad_marker": (["[ad_1]", "[ad_2]", "[ad#3]"], ["The [ad] budget was cut."]),
    "boilerplate.newsletter": (
        [
            "Sign up for our morning newsletter",
            "Subscribe now",
            "Sign up to get the latest updates in your inbox.",
        ],
        ["Thousands signed up for the course, officials said."],
    ),
    "boilerplate.cookie": (
        ["We use cookies to improve your experience. Accept all"],
        [
            "The bakery sold cookies to raise money for the school.",
            "cookie policy and the terms of use that apply to everyone who reads the news",
        ],
    ),
    "boilerplate.read_more": (
        ["Read more: Bridge closure hits commuters", "Related:", "Most read", "See also"],
        ["Read more books, the minister urged parents."],
    ),
    "boilerplate.continues": (
        ["Story continues below advertisement", "Continue reading the main story"],
        ["The story continues to unfold in the capital."],
    ),
    "boilerplate.photo_credit": (
        ["Photo: Jane Roe/Reuters", "(Image credit: Getty Images)", "File photo: Staff"],
        ["The photo was taken by a tourist on the bridge.", "He worked for Reuters for ten years"],
    ),
}


def test_every_rule_has_cases():
    assert set(CASES) == {r.name for r in RULES}


@pytest.mark.parametrize("rule", sorted(CASES))
def test_rule_removes_whole_lines_only(rule):
    drop, keep = CASES[rule]
    for line in drop:
        r = clean(f"{line}\n{BODY}")
        assert r.text == BODY, (rule, line)
        assert rule in r.edits[0].rule
        assert clean(f"{line}\n{BODY}", disable={rule}).text == f"{line}\n{BODY}"
    for line in keep:
        assert clean(f"{line}\n{BODY}").text == f"{line}\n{BODY}", (rule, line)


def test_family_can_be_switched_off():
    text = f"Share\nAdvertisement\n{BODY}"
    assert clean(text, disable={"boilerplate"}).text == text


def test_inline_markers():
    assert clean("The firm said it would… [+2345 chars]").text == "The firm said it would…"
    assert clean("Write to [email protected] today.").text == "Write to today."


def test_wrapped_notice_is_recognised_once_reflowed():
    text = (
        "The council approved the budget on Monday after a long debate in the town hall.\n\n"
        "This site uses cookies to help with navigation and to analyse how our services are\n"
        "used, and to show content from third parties. By using the site you accept our\n"
        "cookie policy and the terms of use that apply to everyone who reads our pages."
    )
    r = clean(text)
    assert r.text == "The council approved the budget on Monday after a long debate in the town hall."
    assert clean(r.text).text == r.text


def test_runs_of_x_are_not_the_x_share_button():
    # "X" alone is the share button; "xx", "xxxx..." (redactions, placeholders) are text.
    for line in ["xx", "xxx", "x" * 70, "XX marks the spot"]:
        assert clean(line).text == line
    assert clean("Story\nX\nmore").text == "Story\nmore"


def _reference_rule(line: str):
    """What matching_rule must return: the first rule whose pattern matches the trimmed line, no filter."""
    core = line.strip(_TRIM)
    for rule in RULES:
        if core and len(core) <= rule.max_len and rule.pattern.fullmatch(core):
            return rule
    return None


_LINE_PIECES = [
    *(w for ok, _ in CASES.values() for w in ok),
    *(w for _, keep in CASES.values() for w in keep),
    "(",
    ")",
    "[",
    "]",
    "- ",
    " ",
    "/",
    " via ",
    "AP",
    "Reuters",
    "12 ",
    "comments",
    "Get our ",
    "Join",
    "newsletter",
    ": ",
    "•",
    "Photo",
    "credit",
    "ad_1",
]


@settings(max_examples=400)
@given(st.lists(st.one_of(st.sampled_from(_LINE_PIECES), st.text(max_size=4)), max_size=6).map("".join))
def test_cheap_filters_never_hide_a_match(line):
    """The prefixes, keywords and suffixes only skip work: a line gets the rule its pattern gives,
    whether it is judged alone or found in a text."""
    line = line.replace("\n", " ")
    expected = _reference_rule(line)
    assert matching_rule(line) is expected
    found = [rule for _, _, rule in rule_lines("Body text here.\n" + line + "\nMore text.")]
    assert found == ([expected] if expected else [])


_VARIANTS = [
    v
    for w in [
        *(w for ok, _ in CASES.values() for w in ok),
        "Credit: Ann Lee",
        "12 comments",
        "Get our weekly newsletter",
    ]
    for v in (w, w.upper(), f"({w})", f"[{w}]", f"- {w} -", f"• {w}", f"( {w}", f"{w}.")
]


@pytest.mark.parametrize("line", _VARIANTS)
def test_cheap_filters_never_hide_a_match_of_the_written_cases(line):
    assert matching_rule(line) is _reference_rule(line)

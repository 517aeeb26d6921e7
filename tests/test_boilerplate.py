import pytest

from newsdedup import clean
from newsdedup.clean.boilerplate import RULES

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

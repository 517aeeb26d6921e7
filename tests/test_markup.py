import pytest
from hypothesis import given
from hypothesis import strategies as st

from newsdedup import clean


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Fish &amp; chips", "Fish & chips"),
        ("Fish &amp;amp; chips", "Fish & chips"),
        ("Fish &amp;amp;amp; chips", "Fish & chips"),
        ("It&#39;s &#8220;on&#8221;", "It's “on”"),
        ("caf&eacute; &hellip;", "café …"),
        ("It&rsquo;s", "It’s"),
        ("Wall Street #39;s rally", "Wall Street's rally"),
        ("he said quot;noquot; twice", 'he said "no" twice'),
        ("Kerry said quot;we will winquot;", 'Kerry said "we will win"'),
        ("caf&eacute;&nbsp;bar &#0; &#xD800; &#xffffffff;", "café bar \ufffd \ufffd \ufffd"),
        ("JEDNOCZE&SACUTE;NIE, EURO &EURO;", "JEDNOCZEŚNIE, EURO €"),
        ("informal english &not html", "informal english &not html"),
        ("a&#xffff;b", "ab"),
        ("R&D and AT&T stay", "R&D and AT&T stay"),
        ("&notanentity; stays", "&notanentity; stays"),
        ("aliquot; stays", "aliquot; stays"),
    ],
)
def test_entities(raw, expected):
    assert clean(raw).text == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("<p>First.</p><p>Second.</p>", "First.\n\nSecond."),
        ("A <b>bold</b> <a href='x'>link</a>.", "A bold link."),
        ("x < y and y > z", "x < y and y > z"),
        ("<Reuters> stays", "<Reuters> stays"),
        ("Text<script>var a = 1;</script> here", "Text here"),
        ("Hi<!-- comment --> there", "Hi there"),
        ("&lt;p&gt;Escaped tags&lt;/p&gt;", "Escaped tags"),
    ],
)
def test_tags(raw, expected):
    assert clean(raw).text == expected


_TAG_PIECES = [
    *("<p>", "</div>", "<br/>", "<!-- note -->", "<script>x()</script>", "<BP>", "<b>", "<TBODY>", "< p>"),
    *("<", ">", "/", "p", "BP", "div", "Reuters", " ", "x", "3", "=", "a"),
]


@given(st.lists(st.sampled_from(_TAG_PIECES), max_size=12).map("".join))
def test_tag_pretest_never_hides_a_tag(text):
    """The cheap search for a tag name only skips work: without it, the tags removed are the same."""
    import re
    from unittest import mock

    from newsdedup.cleaning import markup

    with mock.patch.object(markup, "_MAYBE_TAG", re.compile("")):
        unfiltered = markup.fix_tags(text)
    assert markup.fix_tags(text) == unfiltered

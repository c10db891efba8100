"""The headline of scraped text: the learned picker finds it under a whole page's chrome.

The texts are written for these tests (a made-up harbour story and its page chrome).
"""

from __future__ import annotations

import json
from dataclasses import replace

import numpy as np
import pytest
from clean_docs import doc

from newsdesk.clean import CleanOptions, clean
from newsdesk.clean import headline as H
from newsdesk.clean import lines as L
from newsdesk.clean.names import bare_name_byline
from newsdesk.clean.text import text_page
from newsdesk.normalise import normalise

STORY = [
    "The harbour board in Kellsport agreed on Thursday to dredge the inner basin for the first "
    "time in twenty years, after two fishing boats ran aground there in a single week.",
    "The work will begin in September and take about four months, the board said, during which "
    "the ferry to the islands will sail from the north quay instead of the town pier.",
    "Skippers have complained for years that silt carried down the river had made the basin too "
    "shallow at low tide, forcing them to wait offshore for the water to rise.",
    "“We lose half a day's fishing every spring tide,” said Morag Ellery, who has worked a "
    "crab boat out of the harbour since 1994. “It should have been done long ago.”",
    "The board expects the dredging to cost about £1.8 million, most of it from a government "
    "fund for coastal towns, and will ask boat owners to pay a small levy for the rest.",
]
TITLE = "Kellsport harbour to be dredged after boats run aground"
# Page chrome above the story: a sign-in prompt and a promo shaped like headlines, menus,
# share buttons, the picture's credit and caption, the byline and the date.
CHROME = [
    "Skip to main content",
    "Sign in to manage your newsletters and saved stories",
    "Home",
    "News",
    "Sport",
    "Business",
    "Weather",
    "Puzzles",
    "Get unlimited access to the Kellsport Gazette today",
    "Local News",
]
HEADER = [
    TITLE,
    "By Callum Rafferty",
    "Published 14 June 2024",
    "Share",
    "Copy link",
    "Fishing boats moored in the inner basin at low tide. Photo: Gazette staff",
]
PAGE = [*CHROME, *HEADER, *STORY, "About us", "Privacy policy", "Cookie settings"]


def test_the_headline_under_a_whole_page_of_chrome_is_the_title() -> None:
    rules = normalise(doc("\n".join(PAGE)), clean(doc("\n".join(PAGE)), no_classifier()))
    assert rules.title != TITLE, "the rules alone should take a chrome line (else this is moot)"
    document = doc("\n".join(PAGE))
    cleaned = clean(document)
    article = normalise(document, cleaned)
    assert article.title == TITLE
    assert article.body.split("\n\n") == STORY
    removed = {r.text for r in cleaned.removed}
    assert rules.title in removed


COOKIES = [
    "We value your privacy",
    "We and our partners use cookies to personalise content and adverts, and by clicking accept "
    "you agree to our use of them.",
    "Accept all",
]


def test_the_deck_under_the_picked_headline_is_the_standfirst() -> None:
    # The cookie notice reads as the first paragraph to the rules, so their header (and the
    # deck they look for in it) ends above the headline; the deck is found again under the
    # headline the picker chose.
    deck = "The ferry will sail from the north quay while the work goes on"
    lines = [*COOKIES, *CHROME[2:8], TITLE, deck, "By Callum Rafferty", *STORY]
    document = doc("\n".join(lines))
    article = normalise(document, clean(document))
    assert article.title == TITLE
    assert article.standfirst == deck
    assert article.body.split("\n\n") == STORY


@pytest.mark.xfail(
    strict=True,
    reason="known: a deck about the lead's own words wins over the "
    "headline above it (title vs deck, README 'The headline of text input')",
)
def test_a_deck_that_repeats_the_lead_is_not_taken_for_the_headline() -> None:
    deck = "Two boats ran aground in a week as silt builds up in the inner basin"
    lines = [*COOKIES, *CHROME[2:8], TITLE, deck, "By Callum Rafferty", *STORY]
    document = doc("\n".join(lines))
    assert normalise(document, clean(document)).title == TITLE


def test_the_author_is_the_byline_under_the_headline_not_a_teasers() -> None:
    teasers = [
        "More from Local News",
        "By Ailsa Dunmore",
        "Lifeboat crew rescue walkers cut off by tide",
    ]
    document = doc("\n".join([*PAGE[:-3], *teasers, *PAGE[-3:]]))
    rules = normalise(document, clean(document, no_classifier()))
    assert "Ailsa Dunmore" in rules.authors, "the rules alone take every byline (else moot)"
    assert normalise(document, clean(document)).authors == ["Callum Rafferty"]


def test_a_name_alone_under_the_headline_is_the_byline() -> None:
    # Many sites print the author's name without "By" (a link to the author's page); on a
    # whole page's text the classifier removes it as navigation.
    header = [TITLE, "Callum Rafferty", "Published 14 June 2024", "Share", "Copy link"]
    lines = [*CHROME, *header, *STORY, "About us", "Privacy policy"]
    document = doc("\n".join(lines))
    rules = normalise(document, clean(document, no_classifier()))
    assert rules.authors != ["Callum Rafferty"], "the rules alone should miss it (else moot)"
    cleaned = clean(document)
    article = normalise(document, cleaned)
    assert article.title == TITLE
    assert article.authors == ["Callum Rafferty"]
    assert {r.text: r.reason for r in cleaned.removed}["Callum Rafferty"] == "byline"
    assert article.body.split("\n\n") == STORY


def test_co_authors_one_a_line_and_chrome_that_looks_like_names() -> None:
    header = [TITLE, "Callum Rafferty", "Chief Reporter", "Isla Brodie", "Share", *STORY]
    document = doc("\n".join([*CHROME, *header]))
    assert normalise(document, clean(document)).authors == ["Callum Rafferty", "Isla Brodie"]
    # Title Case chrome between the headline and the story is not taken for a name.
    chrome = [TITLE, "Sign In", "Getty Images", "Share on Facebook", "Senior Contributor"]
    document = doc("\n".join([*CHROME, *chrome, "Next Story", *STORY]))
    assert normalise(document, clean(document)).authors == []


@pytest.mark.parametrize(
    ("line", "names"),
    [
        ("Callum Rafferty", ["Callum Rafferty"]),
        ("Callum Rafferty and Isla Brodie", ["Callum Rafferty", "Isla Brodie"]),
        ("Callum Rafferty, Senior Writer", ["Callum Rafferty"]),
        ("Enrico de Lazaro", ["Enrico de Lazaro"]),
        ("Sign In", []),
        ("Getty Images", []),
        ("JUST WATCHED", []),
        ("Hiking the Boulder Flat Irons", []),
        ("Senior Contributor", []),
        ("Hi Milan,", []),
        ("Kellsport", []),
        ("Stay Connected", []),
        ("Explore Destinations", []),
    ],
)
def test_bare_name_bylines(line: str, names: list[str]) -> None:
    assert bare_name_byline(line) == names


def test_a_headline_just_above_the_story_stands_as_the_rules_found_it() -> None:
    text = "\n\n".join(["Kellsport Gazette", "Local News", TITLE, "By Callum Rafferty", *STORY])
    for options in (no_classifier(), CleanOptions()):
        assert clean(doc(text), options).hints.title == TITLE


def test_without_a_title_model_the_rules_headline_stands() -> None:
    model = replace(L.shipped_model(), title=None)
    document = doc("\n".join(PAGE))
    rules = clean(document, no_classifier()).hints.title
    assert clean(document, CleanOptions(line_model=model)).hints.title == rules


def test_candidates_are_the_lines_above_the_body_nearest_first() -> None:
    page = text_page("\n".join(PAGE))
    verdict, feats, scores, _ = L._classify(page, L.shipped_model())
    assert feats is not None
    first = H.body_start(page, verdict)
    assert first is not None and page.lines[first] == STORY[0]
    found = H.candidates(page, verdict, dict(zip(feats.rows, scores.tolist(), strict=True)), first)
    above = [line for line in page.lines[:first] if line]
    assert [page.lines[i] for i in found.lines] == above[::-1][: H.WINDOW]
    assert found.rows.shape == (len(found.lines), len(H.FEATURES))
    assert found.page.shape == (len(H.NONE_FEATURES),)


def test_the_title_model_round_trips_and_refuses_another_layout() -> None:
    model = L.shipped_model()
    assert model.title is not None
    data = json.loads(json.dumps(model.to_json()))
    again = L.LineModel.from_json(data)
    assert again.title is not None
    assert again.title.weights.tolist() == pytest.approx(model.title.weights.tolist(), rel=1e-5)
    data["title"]["features"] = data["title"]["features"][:-1]
    with pytest.raises(ValueError, match="title model"):
        L.LineModel.from_json(data)


def no_classifier() -> CleanOptions:
    """The rule cascade alone."""
    return CleanOptions(classify_lines=False)


@pytest.mark.parametrize(
    ("line", "eligible"),
    [
        ("may not manifest for days, and waiting to seek treatment can make", False),
        ("the council said on Monday that the plan", False),
        ("Marrowby votes to turn car park into market", True),
        ("iPhone 16 review: a better camera, the same battery", True),
        ("‘Despicable’ move for health benefits won’t stand", True),
        ("2 min read", True),
    ],
)
def test_a_broken_sentence_is_never_the_headline(line: str, eligible: bool) -> None:
    assert H.may_be_headline(line) is eligible


def test_the_picker_chooses_among_eligible_lines_only() -> None:
    model = H.TitleModel(np.array([1.0]), np.array([0.0]), np.array([1.0]), np.array([0.0]))
    rows, page = np.array([[3.0], [2.0], [1.0]]), np.array([0.5])
    assert model.choose(rows, page) == 0
    assert model.choose(rows, page, np.array([False, True, True])) == 1
    # No eligible line: no title, however well the others score.
    assert model.choose(rows, page, np.zeros(3, dtype=bool)) is None

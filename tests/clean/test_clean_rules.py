"""Line rules on plain text: each furniture class removed with its reason, prose kept."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest
from clean_docs import doc

from newsdesk.clean import CleanOptions, clean
from newsdesk.clean import patterns as P
from newsdesk.errors import RejectError
from newsdesk.normalise import normalise

PARA_1 = (
    "The regional council approved a new budget on Monday that raises spending on road repairs "
    "by a fifth, after a winter of potholes drew hundreds of complaints from drivers."
)
PARA_2 = (
    "Council leader Ines Barros said the money would come from reserves and from a new levy on "
    "large car parks, which business groups have opposed since it was first proposed."
)
PARA_3 = "Opposition councillors said the levy would hurt small shops in the town centre."


def reasons(text: str, **options: object) -> dict[str, str]:
    """Removed line -> reason for a text wrapped between two article paragraphs."""
    cleaned = clean(doc(f"{PARA_1}\n\n{text}\n\n{PARA_2}\n\n{PARA_3}"), CleanOptions(**options))  # type: ignore[arg-type]
    assert PARA_1 in cleaned.lines and PARA_2 in cleaned.lines and PARA_3 in cleaned.lines
    return {r.text: r.reason for r in cleaned.removed}


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("Advertisement", "advert"),
        ("- Advertisement -", "advert"),
        ("STORY CONTINUES BELOW ADVERTISEMENT", "advert"),
        ("Sponsored content", "advert"),
        ("12:07", "video_duration"),
        ("Estimated read time 3 min read", "read_time"),
        ("5 min read", "read_time"),
        ("Advertisement - Page continues below", "advert"),
        ("Share this article", "share_prompt"),
        ("Share this:", "share_prompt"),
        ("Facebook Twitter WhatsApp", "share_prompt"),
        ("Must read", "widget_label"),
        ("You might also like", "widget_label"),
        ("Leave a Reply", "widget_label"),
        ("Newspapers in English", "widget_label"),
        ("More from the Business desk", "widget_label"),
        ("Read more: Mayor defends parking charges", "related_link"),
        ("© 2025 Example Media Ltd", "publisher_credit"),
        ("— Reuters", "publisher_credit"),
        ("The mayor visits the new depot on Friday. Photo: Kai Ito", "photo_caption"),
        ("Workers repair a road in the old town. [AGENCY POOL]", "photo_caption"),
        ("A crane lifts a beam into place. (AP Photo/Jo Smith)", "photo_caption"),
        # The credit kinds of picture desks and wires: glued to the caption, "Courtesy of",
        # a paper's staff photographer, a bare agency after the sentence, a copyright sign,
        # an agency and the photographer with what the wire appends.
        ("A heron waits on the weir at first lightCredit: Jo Roe", "photo_caption"),
        ("Courtesy of Lena Ortiz/Instagram", "photo_caption"),
        ("Photo courtesy of the harbour trust", "photo_caption"),
        ("Crowds line the quay for the regatta.Mark Doyle/Courier Staff", "photo_caption"),
        ("A cargo ship leaves the port at dusk on May 3, 2025. (AP)", "photo_caption"),
        ("Marchers cross the old bridge, May 3, 2025. © Agency / Jo Roe", "photo_caption"),
        (
            "Crews clear a road, May 3, 2025. REUTERS/Ana Lima/File Photo Buy Rights",
            "photo_caption",
        ),
        ("Riot police guard the parliament EPA/MARC DUVAL", "photo_caption"),
        ("By Jane Roe", "byline"),
        ("Contact the desk at desk@paper.example", "email"),
        ("2025-10-13T23:06:00+01:00", "dateline"),
        ("January 8, 2025 · 5 min read", "dateline"),
        ("Oct 13, 2025, 11:47am EST", "dateline"),
        ("October 13, 20259:53 AM UTCUpdated ago", "dateline"),
        ("3 hours ago", "timestamp"),
        ("Updated 2 days ago", "timestamp"),
        ("Updated 9:40am", "timestamp"),
        ("Posted at 1:23 p.m. ET", "timestamp"),
    ],
)
def test_furniture_line_removed_with_reason(line: str, reason: str) -> None:
    assert reasons(line).get(line) == reason


def test_promo_block_removed_as_a_whole() -> None:
    block = "Sign up for The Morning Brief\nThe five stories you need, every weekday\nSubscribe now"
    removed = reasons(block)
    assert set(removed.values()) == {"promo"} and len(removed) == 3


def test_video_duration_takes_its_headline_twice() -> None:
    block = "03:10\n\nFloods close the coastal road\n\nFloods close the coastal road"
    removed = [r.reason for r in clean(doc(f"{PARA_1}\n\n{block}\n\n{PARA_2}")).removed]
    assert removed == ["video_duration", "video_headline", "video_headline"]


def test_weather_widget_date_is_not_the_published_date() -> None:
    cleaned = clean(doc(f"21°C\nLisbon\nMonday, June 2, 2025\n\n{PARA_1}\n\n{PARA_2}"))
    assert [r.reason for r in cleaned.removed] == ["weather_widget"] * 3
    assert cleaned.hints.dateline is None


def test_a_time_with_no_date_is_no_date_hint() -> None:
    # Above the text or below it, "how long ago" and a clock alone date nothing.
    cleaned = clean(doc(f"Updated 9:40am\n\n{PARA_1}\n\n5 hours ago\n\n{PARA_2}"))
    assert [r.reason for r in cleaned.removed] == ["timestamp"] * 2
    assert cleaned.hints.dateline is None and cleaned.hints.late_dateline is None
    # "He left 3 hours ago" is a sentence, and a clock alone a video's duration.
    assert P.TIMESTAMP.match("He left 3 hours ago") is None
    assert P.TIMESTAMP.match("02:43") is None


def test_inline_headline_between_paragraphs_is_a_related_link() -> None:
    link = "Mayor faces fresh questions over budget for new bus depot"
    assert reasons(link) == {link: "related_link"}


def test_short_subheading_between_paragraphs_is_kept() -> None:
    assert reasons("What happens next") == {}


def test_repeated_line_is_a_duplicate() -> None:
    cleaned = clean(doc(f"{PARA_1}\n{PARA_2}\n{PARA_2}\n{PARA_3}"))
    assert [r.reason for r in cleaned.removed] == ["duplicate_line"]


def test_learned_boilerplate_matches_after_folding() -> None:
    learned = frozenset({"Thanks for reading the  TOWN crier!"})
    assert reasons("thanks for reading the town crier", learned_boilerplate=learned) == {
        "thanks for reading the town crier": "learned"
    }


def test_a_row_of_menu_entries_is_not_the_headline() -> None:
    text = (
        "Log in | Create account\n\nNews • Sport • Weather\n\n"
        "Schools to get new science labs\n\n"
        f"{PARA_1}\n\n{PARA_2}"
    )
    for options in (CleanOptions(classify_lines=False), CleanOptions()):
        assert clean(doc(text), options).hints.title == "Schools to get new science labs"
    # A headline with a section written before a bar is still a headline.
    text = f"Analysis | Why the council changed its mind on the budget\n\n{PARA_1}\n\n{PARA_2}"
    assert clean(doc(text), CleanOptions(classify_lines=False)).hints.title.startswith("Analysis")


def test_header_title_section_masthead_deck_and_byline() -> None:
    text = (
        "The Riverside Herald\n\nEducation\n\nSchools to get new science labs\n\n"
        "Ministry says every secondary school will be refitted by 2028\n\n"
        "- ANNA DE SOUZA, MARK LEE [anna.desouza@riversideherald.example]\n\n"
        f"{PARA_1}\n\n{PARA_2}"
    )
    cleaned = clean(doc(text))
    assert cleaned.hints.title == "Schools to get new science labs"
    assert str(cleaned.hints.standfirst).startswith("Ministry says")
    assert cleaned.hints.masthead == "The Riverside Herald"
    assert cleaned.hints.section == "Education"
    assert cleaned.hints.byline_authors == ["Anna De Souza", "Mark Lee"]


@pytest.mark.parametrize(
    "line",
    [
        "Posted by Jo Roe on March 3, 2025, 6:21 AM EST",
        "Senior Editor, Riverside Herald Mar 3, 2025 3:30 am PST",
        "On 3/13/25 at 4:00 PM EST",
        "• 4 min read",
    ],
)
def test_a_time_line_under_the_headline_is_not_the_deck(line: str) -> None:
    text = f"Schools to get new science labs\n\n{line}\n\n{PARA_1}\n\n{PARA_2}\n\n{PARA_3}"
    for options in (CleanOptions(classify_lines=False), CleanOptions()):
        cleaned = clean(doc(text), options)
        assert cleaned.hints.title == "Schools to get new science labs"
        assert cleaned.hints.standfirst is None, (line, options.classify_lines)
        assert line not in cleaned.lines, (line, options.classify_lines)


def test_a_deck_that_names_a_date_is_still_the_deck() -> None:
    deck = "Ministry says on March 3 every secondary school in the region will be refitted"
    text = f"Schools to get new science labs\n\n{deck}\n\nBy Jane Roe\n\n{PARA_1}\n\n{PARA_2}"
    assert clean(doc(text), CleanOptions(classify_lines=False)).hints.standfirst == deck


@pytest.mark.parametrize(
    ("byline", "authors", "day"),
    [
        ("By Jo Roe - 12/22/23 11:35 AM ET", ["Jo Roe"], None),
        ("By Jo Roe and Al Bee on March 3, 2024", ["Jo Roe", "Al Bee"], date(2024, 3, 3)),
        ("By Jo Roe | Updated Dec. 3, 2024, 10:20 a.m.", ["Jo Roe"], date(2024, 12, 3)),
        ("Jo Roe • 12/11/23 jo.roe@riversideherald.example", ["Jo Roe"], None),
        ("Posted on 8 August 2024 by Elena Marsh", ["Elena Marsh"], date(2024, 8, 8)),
        # Inline parts a scraper joined without a space.
        ("By Jo HallidayPublished: Mar 3, 2024 10:55 AM EST", ["Jo Halliday"], date(2024, 3, 3)),
        ("ByOrla Fenwick", ["Orla Fenwick"], None),
        ("By Dai Rhoscombe Mar. 3, 2024 11:00 pm EST", ["Dai Rhoscombe"], date(2024, 3, 3)),
        ("By Jo Roe Dec 23, 2023 12:00 PMTags", ["Jo Roe"], None),  # date then a menu word: no date
        ("By Dan McGregor and Jo DeArdo", ["Dan McGregor", "Jo DeArdo"], None),
        ("By Dana WhitcombeCity Columnist", ["Dana Whitcombe"], None),  # a beat and a title
        # Parts set apart by a middle dot or a bullet.
        (
            "By Jo Roe · Riverside Herald · Posted: Mar 3, 2024 8:25 AM",
            ["Jo Roe"],
            date(2024, 3, 3),
        ),
        ("By Jo Roe • Al Bee", ["Jo Roe", "Al Bee"], None),
        ("Posted by Jo Roe on March 3, 2024", ["Jo Roe"], None),
    ],
)
def test_a_dated_byline_gives_its_names_and_its_date(
    byline: str, authors: list[str], day: date | None
) -> None:
    text = f"Schools to get new science labs\n\n{byline}\n\n{PARA_1}\n\n{PARA_2}"
    document = doc(text)
    cleaned = clean(document)
    assert cleaned.hints.byline_authors == authors
    assert byline not in cleaned.lines
    article = normalise(document, cleaned)
    assert article.authors == authors
    if day is not None:
        assert article.published_at is not None and article.published_at.date() == day


def test_a_menu_word_is_not_the_masthead() -> None:
    text = (
        "Home\n\nNews\n\nSport\n\nThe Riverside Herald\n\nSchools to get new science labs\n\n"
        f"{PARA_1}\n\n{PARA_2}"
    )
    cleaned = clean(doc(text))
    assert cleaned.hints.masthead == "The Riverside Herald"
    assert clean(doc(f"Reuters\n\nSchools to get new science labs\n\n{PARA_1}")).hints.masthead == (
        "Reuters"
    )


def test_options_are_frozen_with_defaults() -> None:
    options = CleanOptions()
    assert options.learned_boilerplate == frozenset() and options.max_html_depth == 400
    with pytest.raises(dataclasses.FrozenInstanceError):
        options.max_html_depth = 3  # type: ignore[misc]


@pytest.mark.parametrize("text", ["", "   \n\n  ", "Advertisement\nShare\nMust read"])
def test_nothing_left_is_a_reject(text: str) -> None:
    with pytest.raises(RejectError) as error:
        clean(doc(text))
    assert error.value.stage == "clean"
    assert error.value.reason in {"no_article_text", "only_boilerplate"}
    assert "test://doc" in str(error.value)


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("PUBLISHED: 10:48, Tue, Nov 19, 2025 | UPDATED: 11:05, Tue, Nov 19, 2025", "dateline"),
        ("Updated 11:21 pm CST, Tuesday, November 19, 2025", "dateline"),
        ("https://www.example.com/news/another-story", "related_link"),
        (
            "There's plenty more where that came from. Sign up for The Daily Tally today to get "
            "the free newsletter delivered to your inbox.",
            "promo",
        ),
        (
            "Support our newsroom by contributing as little as $2 to keep our journalism free.",
            "promo",
        ),
        (
            "All products featured here are independently selected by our editors. When you buy "
            "something through our links, we may earn an affiliate commission.",
            "disclaimer",
        ),
        (
            "We may earn revenue from the products on this page and take part in affiliate "
            "programs.",
            "disclaimer",
        ),
        (
            "These statements have not been evaluated by the Food and Drug Administration. This "
            "product is not intended to diagnose, treat, cure or prevent any disease.",
            "disclaimer",
        ),
        (
            "The content on this website is provided for general informational purposes only and "
            "does not constitute medical advice.",
            "disclaimer",
        ),
        (
            "By signing up, you agree to our Terms of Use and acknowledge the data practices in "
            "our Privacy Policy.",
            "disclaimer",
        ),
        ("This site is protected by reCAPTCHA and the Google Privacy Policy apply.", "disclaimer"),
        (
            "Dana Whitfield is a senior reporter at the Daily Ledger covering courts and policing.",
            "author_bio",
        ),
        (
            "A previous version of this story misstated the date of the council meeting.",
            "editor_note",
        ),
        (
            "Citation: Rainfall and river levels in the north (2025, June 2) retrieved 3 June",
            "publisher_credit",
        ),
        (
            "Reporting by Ann Lee; additional reporting by Bo Chan in Lisbon; editing by Cy Diaz",
            "publisher_credit",
        ),
        ("Jo Park can be reached at jo.park@ledger.example or on 555-0100.", "email"),
    ],
)
def test_paragraph_sized_furniture(line: str, reason: str) -> None:
    assert reasons(line).get(line) == reason


@pytest.mark.parametrize(
    "line",
    [
        "On May 5 2025 the minister said the talks were over and the strike would go ahead.",
        "She said readers had asked the paper to sign up more local reporters in the north.",
        "The commission will publish its findings on the new bridge in the autumn.",
        # Prose that shares a credit's pieces: an agency's poll, an acronym in brackets.
        "A new AP/NORC poll found that most voters in the county want the levy dropped.",
        "The space agency (NASA) said on Friday that the launch would be delayed a week.",
        "Courtesy of the weather, the final was delayed by two hours and the crowd left early.",
        "The firm said its affiliate in Spain would earn less revenue than forecast this year.",
        # A story about the agencies and terms a legal notice names.
        "The Food and Drug Administration said the new test had not been evaluated in children.",
        "Critics said users who agree to the terms rarely read them before they sign up.",
    ],
)
def test_sentences_that_resemble_furniture_are_kept(line: str) -> None:
    assert reasons(line) == {}


def test_credit_lists_and_subscription_pitches() -> None:
    credits = (
        "Styling: Ted Stafford. Styling assistance: Rae Tubbs. Grooming: Sid Sollod/Wall Group."
    )
    pitch = "Want to save articles for later? Start your Ledger Premium subscription today."
    said = "Officials said: The plan is ready. Critics said: It is not."
    removed = reasons(f"{credits}\n\n{pitch}\n\n{said}")
    assert removed == {credits: "publisher_credit", pitch: "promo"}


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("Ad Feedback", "advert"),
        ("Loading...", "widget_label"),
        ("Related:", "widget_label"),
        ("Comments (12)", "widget_label"),
        ("Tags: Budget, Roads, Council", "widget_label"),
        ("Next article: Bus fares to rise in April", "related_link"),
        ("00:00 / 03:12", "video_duration"),
        ("Image caption, The council chamber during Monday's vote", "photo_caption"),
        ("(END)", "publisher_credit"),
        ("Staff writer Jo Park in Lisbon contributed to this report.", "publisher_credit"),
        ("Reuse this content", "widget_label"),
    ],
)
def test_more_furniture_classes(line: str, reason: str) -> None:
    assert reasons(line).get(line) == reason


def test_subheadings_of_a_structured_article_are_kept() -> None:
    subheads = [
        "When the new timetable starts for commuters",
        "Which stations lose their evening services",
        "Council plans a review of the bus network next year",
    ]
    paras = [PARA_1, PARA_2, PARA_1.replace("Monday", "Tuesday"), PARA_2.replace("levy", "tax")]
    text = "\n\n".join(f"{p}\n\n{s}" for p, s in zip(paras, subheads, strict=False))
    cleaned = clean(doc(f"{text}\n\n{paras[3]}"))
    assert all(s in cleaned.lines for s in subheads)


def test_lists_after_the_last_paragraph_are_kept_in_plain_text() -> None:
    dates = [f"June {d} – Lisbon @ Riverside Arena" for d in range(1, 8)]
    cleaned = clean(doc(f"{PARA_1}\n\n{PARA_2}\n\n" + "\n".join(dates)))
    assert all(d in cleaned.lines for d in dates)


def test_repeated_list_items_are_not_duplicates() -> None:
    items = "Eat every 2-3 hours\nDrink water before bed\nEat every 2-3 hours"
    cleaned = clean(doc(f"{PARA_1}\n\n{items}\n\n{PARA_2}"))
    assert cleaned.lines.count("Eat every 2-3 hours") == 2


def test_title_case_headline_ending_like_a_masthead_is_the_title() -> None:
    cleaned = clean(doc(f"Fed Holds Rates Steady Today\n\n{PARA_1}\n\n{PARA_2}"))
    assert cleaned.hints.title == "Fed Holds Rates Steady Today"
    assert cleaned.hints.masthead is None

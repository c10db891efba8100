"""The learned line classifier on plain text: whole-page dumps lose their furniture, keep the story.

The texts here are written for these tests (a made-up council story and its page chrome).
"""

from __future__ import annotations

import json
import re

import numpy as np
import pytest
from clean_docs import doc

import newsdesk.clean as clean_package
from newsdesk.clean import CleanOptions, clean
from newsdesk.clean import lines as L
from newsdesk.clean.cells import table_blocks
from newsdesk.clean.text import text_page
from newsdesk.normalise import normalise

STORY = [
    "Councillors in Marrowby voted on Tuesday to close the Eastgate car park and turn it into a "
    "covered market, ending a dispute that has divided traders in the town for three years.",
    "The plan, which passed by eleven votes to four, will cost about £2.4 million and should be "
    "finished by the spring of next year, according to the council's own estimates.",
    "Market traders, who have sold fruit and clothes from open stalls on the square since the "
    "1970s, said the roof would keep customers coming through the winter months.",
    "Shop owners on Eastgate Street were less pleased. They said that losing 140 parking "
    "spaces would drive shoppers to the retail park on the bypass instead of the town centre.",
    "“We have been asking for a roof for a decade,” said Tamsin Oduya, who runs a cheese stall "
    "and chairs the traders' association. “This is the first council that listened.”",
    "The council said it would open a temporary car park on the old bus depot site while the "
    "work goes on, and that season tickets would be honoured there at no extra cost.",
    "A public meeting on the design will be held at the library on the first Monday of next "
    "month, and the plans can be seen at the town hall until then.",
]
TITLE = "Marrowby votes to turn Eastgate car park into covered market"
MENU = ["Home", "News", "Sport", "Business", "Opinion", "Weather", "Sign in", "Subscribe"]
TEASERS = [
    "More from the Marrowby Courier",
    "Bypass roadworks to close northbound lane until June",
    "Primary school wins national chess title for second year",
    "Library extends opening hours after petition from parents",
    "Rugby club appoints former captain as head coach",
]
FOOTER = [
    "About us",
    "Contact the newsroom",
    "Privacy policy",
    "Terms and conditions",
    "Cookie settings",
    "© 2024 Marrowby Courier Ltd. All rights reserved.",
]
PRICES = ["FTSE 100", "7,512.3", "-0.77%", "GBP/USD", "1.2641", "+0.12%"]
EMBED = '<a href="https://social.example/hashtag/marrowby">#marrowby</a>'

PAGE = [
    *MENU,
    *PRICES,
    TITLE,
    "By Jo Halloran",
    "12 March 2024",
    *STORY[:4],
    EMBED,
    *STORY[4:],
    *TEASERS,
    *FOOTER,
]
NEW_CLASSES = {"navigation", "footer", "teaser_list", "embed", "price_box", "boilerplate"}


def cleaned_page(lines: list[str], **options: object) -> tuple[list[str], dict[str, str]]:
    """Kept lines and removed line -> reason for a text given line by line."""
    cleaned = clean(doc("\n".join(lines)), CleanOptions(**options))  # type: ignore[arg-type]
    return [line for line in cleaned.lines if line], {r.text: r.reason for r in cleaned.removed}


def test_whole_page_dump_keeps_the_story_and_drops_the_chrome() -> None:
    kept, removed = cleaned_page(PAGE)
    for paragraph in STORY:
        assert paragraph in kept
    for line in [*MENU, *PRICES, *TEASERS, *FOOTER, EMBED]:
        assert line not in kept, line
        assert line in removed, line


def test_the_classifier_does_what_the_rules_alone_do_not() -> None:
    rules_kept, _ = cleaned_page(PAGE, classify_lines=False)
    kept, removed = cleaned_page(PAGE)
    left_by_rules = [line for line in rules_kept if line not in STORY and line != TITLE]
    assert left_by_rules, "the rules alone should leave some chrome (else this test is moot)"
    classes = {removed[line] for line in left_by_rules}
    assert classes <= NEW_CLASSES and classes
    assert set(kept) - {TITLE} <= set(STORY)


def test_every_removed_line_has_a_documented_reason() -> None:
    documented = set(re.findall(r"^- ``([\w:<>]+)``", clean_package.__doc__ or "", re.MULTILINE))
    assert documented >= NEW_CLASSES
    _, removed = cleaned_page(PAGE)
    for line, reason in removed.items():
        assert reason in documented or reason.startswith("html:"), (line, reason)


def test_removed_classes_follow_the_line_shape() -> None:
    _, removed = cleaned_page(PAGE)
    assert removed[EMBED] == "embed"
    assert removed["-0.77%"] == "price_box"
    assert removed["Subscribe"] in {"navigation", "promo", "widget_label"}
    assert {removed[line] for line in TEASERS[1:]} <= {"teaser_list", "related_link", "footer"}


def test_title_and_byline_survive_a_whole_page_dump() -> None:
    document = doc("\n".join(PAGE))
    article = normalise(document, clean(document))
    assert article.title == TITLE
    assert article.authors == ["Jo Halloran"]
    assert article.body.split("\n\n") == STORY


def test_article_text_alone_is_left_as_it_is() -> None:
    kept, removed = cleaned_page([TITLE, *STORY])
    assert kept == [TITLE, *STORY] and not removed


def test_learned_boilerplate_still_applies_with_the_classifier() -> None:
    learned = frozenset({"Read the Courier every morning in your inbox"})
    _, removed = cleaned_page(
        [*STORY[:3], "Read the Courier every morning in your inbox", *STORY[3:]],
        learned_boilerplate=learned,
    )
    assert removed == {"Read the Courier every morning in your inbox": "learned"}


def test_features_cover_the_open_lines_only() -> None:
    page = text_page("\n".join(PAGE))
    feats = L.features(page)
    assert feats.rows == list(page.open())
    assert feats.dense.shape == (len(feats.rows), len(L.feature_names()))
    assert np.isfinite(feats.dense).all()
    assert set(feats.owners.tolist()) <= set(range(len(feats.rows)))
    assert feats.buckets.max() < 1 << L.HASH_BITS


def test_empty_and_tiny_pages() -> None:
    assert L.classify(text_page("")) == {}
    assert set(L.classify(text_page("One line only."))) <= {0}


def test_shipped_model_holds_numbers_not_text() -> None:
    data = json.loads(L.MODEL_PATH.read_text(encoding="utf-8"))
    assert data["feature_version"] == L.FEATURE_VERSION
    assert data["features"] == L.feature_names()
    assert "bench.train_lines" in data["meta"]["command"]
    for layer in ("lines", "context"):
        for key in ("weights", "mean", "scale", "hashed"):
            assert all(isinstance(v, float | int) for v in data[layer][key]), (layer, key)
    assert len(data["lines"]["hashed"]) == 1 << L.HASH_BITS


def test_a_model_of_another_layout_is_refused() -> None:
    data = json.loads(L.MODEL_PATH.read_text(encoding="utf-8"))
    data["features"] = data["features"][:-1]
    with pytest.raises(ValueError, match=r"bench\.train_lines"):
        L.LineModel.from_json(data)


def test_model_round_trips_through_json() -> None:
    model = L.shipped_model()
    again = L.LineModel.from_json(json.loads(json.dumps(model.to_json())))
    page = text_page("\n".join(PAGE))
    assert L.classify(page, again) == L.classify(page, model)


def test_texts_longer_than_the_bound_are_left_to_the_rules(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(L, "MAX_LINES", 10)
    _, removed = cleaned_page(PAGE)
    assert not set(removed.values()) & (NEW_CLASSES - {"embed"})  # "embed" is also a rule
    assert L.classify(text_page("\n".join(PAGE))) == {}


def test_the_body_span_is_the_stretch_whose_scores_sum_highest() -> None:
    c = np.array([-3.0, -3.0, 2.0, 2.0, -1.0, 2.0, 2.0, -3.0, -3.0, -3.0, 1.5, -3.0])
    words = np.full(len(c), 20.0)
    span = L.Span(bias=0.0, floor=-4.0, power=0.5)
    assert L.body_span(c, words, span) == (2, 6)
    keep = L.decide(c, words, span)
    # Inside the span the context pass decides; the lone paragraph after the block goes.
    assert keep.tolist() == [i in {2, 3, 5, 6} for i in range(len(c))]
    assert L.decide(c, words, None).tolist() == (c > 0).tolist()


def test_lines_the_rules_removed_between_two_rows_cost_the_span() -> None:
    # Two sure paragraphs, then two that barely read as body below a block the rules took.
    c = np.array([3.0, 3.0, 0.5, 0.5])
    words = np.full(len(c), 20.0)
    span = L.Span(bias=0.0, floor=-4.0, power=0.5, gap=4.0)
    assert L.body_span(c, words, span) == (0, 3)
    assert L.body_span(c, words, span, np.array([0.0, 0.0, 6.0, 0.0])) == (0, 1)
    # What the rules removed above the span's first row is not inside it.
    assert L.body_span(c, words, span, np.array([9.0, 0.0, 0.0, 0.0])) == (0, 3)
    assert L.body_span(c, words, L.Span(0.0, -4.0, 0.5), np.array([0.0, 0.0, 6.0, 0.0])) == (0, 3)


def test_adverts_and_captions_are_no_gap_in_the_article_and_a_date_counts_twice() -> None:
    lines = [
        STORY[0],
        "Advertisement",
        "Photo: AFP",
        STORY[1],
        "Share this article",
        "Related posts",
        "November 19, 2019 at 5:10 pm",
        STORY[2],
    ]
    page = text_page("\n".join(lines))
    assert [i for i, r in enumerate(page.reasons) if r is None] == [0, 3, 7]
    assert page.reasons[1:3] == ["advert", "photo_caption"]
    assert page.reasons[6] == "dateline"
    feats = L.features(page)
    assert feats.rows == [0, 3, 7]
    # Two labels, and a date line under the article's header: another story's.
    assert L.row_gaps(feats).tolist() == [0, 0, 2 + L.META_GAP_WEIGHT]
    assert L.META_GAP_WEIGHT > 1


def test_a_list_is_decided_by_its_items_mean_score() -> None:
    lines = [
        "The council met on Monday and agreed the plan after a long debate, its leader said.",
        "June 1 – Lisbon @ Riverside Arena",
        "June 2 – Porto @ Harbour Hall",
        "June 3 – Braga @ Old Mill",
        "Tickets go on sale on Friday at the box office and online, the organisers said.",
    ]
    siblings = L.sibling_runs(lines)
    assert siblings.tolist() == [0, 1, 1, 1, 2]
    # The list's last item alone reads as furniture, its siblings as body: one verdict for all.
    c = np.array([3.0, 1.0, 0.6, -0.2, 3.0])
    words = np.full(len(c), 10.0)
    assert L.decide(c, words, None).tolist() == [True, True, True, False, True]
    assert L.decide(c, words, None, siblings).all()
    # A list that reads as furniture on the whole goes whole, its one body-like item too.
    c = np.array([3.0, -2.0, 0.5, -1.5, 3.0])
    assert L.decide(c, words, None, siblings).tolist() == [True, False, False, False, True]
    # Two same-shaped lines are not a list.
    assert L.decide(c[:3], words[:3], None, L.sibling_runs(lines[:3])).tolist() == [
        True,
        False,
        True,
    ]


# A results table as a scraper writes it, one cell per line: a header row, then rows of a
# name and two numbers.
TABLE = [
    "Ward",
    "For",
    "Against",
    *("Eastgate", "4", "1"),
    *("Hollins Cross", "3", "1"),
    *("Old Mill", "2", "2"),
    *("Riverside", "2", "0"),
]


def _tables(lines: list[str]) -> list[int]:
    return table_blocks(lines, [len(line.split()) for line in lines]).tolist()


def test_a_flattened_table_is_told_by_the_period_of_its_cells() -> None:
    lines = [STORY[0], *TABLE, STORY[1]]
    # The header row of short cells is the table's too; the paragraphs around it are not.
    assert _tables(lines) == [-1, *[0] * len(TABLE), -1]
    # Two rows are no table; nor is a numbered list of other stories' headlines (a number,
    # then a long line: no two thirds of short cells), nor a list with no number cell.
    assert set(_tables([STORY[0], *TABLE[:9]])) == {-1}
    numbered = [x for n, teaser in enumerate(TEASERS[1:], 1) for x in (str(n), teaser)]
    assert set(_tables(numbered)) == {-1}
    assert set(_tables(MENU)) == {-1}


def test_a_table_under_a_body_line_is_kept_whole_and_the_span_crosses_it() -> None:
    lines = [STORY[0], *TABLE, STORY[1], *MENU[:3]]
    tables = table_blocks(lines, [len(line.split()) for line in lines])
    c = np.array([3.0, *[-3.0] * len(TABLE), 3.0, -3.0, -3.0, -3.0])
    words = np.array([30.0, *[1.0] * len(TABLE), 30.0, 1.0, 1.0, 1.0])
    span = L.Span(bias=0.0, floor=-4.0, power=0.5)
    keep = L.decide(c, words, span, None, tables)
    assert keep.tolist() == [*[True] * (len(TABLE) + 2), False, False, False]
    # Without the table read as one, its cells go, and the span stops above them.
    assert L.decide(c, words, span).tolist() == [True, *[False] * (len(lines) - 1)]
    # A table under furniture is not the article's.
    c[0] = -3.0
    assert not L.decide(c, words, span, None, tables)[1 : len(TABLE) + 1].any()


def test_a_story_keeps_its_table_in_a_whole_page_dump() -> None:
    page = [
        *PAGE[: PAGE.index(STORY[2])],
        "The votes by ward were:",
        *TABLE,
        *PAGE[PAGE.index(STORY[2]) :],
    ]
    kept, removed = cleaned_page(page)
    for cell in TABLE:
        assert cell in kept
    for paragraph in STORY:
        assert paragraph in kept
    assert {"Privacy policy", "Rugby club appoints former captain as head coach"} <= set(removed)


GIFTS = [
    "1) A tide clock for the kitchen wall",
    "https://shop.example/tide-clock",
    "2) Oilskin gloves, fleece-lined",
    "https://shop.example/gloves",
    "3. A pocket guide to the harbour's birds",
]


def test_a_numbered_list_is_told_by_its_items_in_order() -> None:
    found = L.numbered_lists([STORY[0], *GIFTS, STORY[1]]).tolist()
    assert found == [-1, 0, -1, 0, -1, 0, -1]
    # Two items are no list; nor are items that do not count up from one.
    assert set(L.numbered_lists([STORY[0], *GIFTS[:4]]).tolist()) == {-1}
    assert set(L.numbered_lists(["2) Two", "3) Three", "4) Four"]).tolist()) == {-1}
    # Items too far apart are two lists' worth of nothing; a second list starts again at one.
    far = [GIFTS[0], *STORY * 6, GIFTS[2], GIFTS[4]]
    assert set(L.numbered_lists(far).tolist()) == {-1}
    again = L.numbered_lists([*GIFTS, *GIFTS]).tolist()
    assert again == [0, -1, 0, -1, 0, 1, -1, 1, -1, 1]


def test_a_numbered_list_whose_first_item_is_kept_is_kept_whole() -> None:
    lines = [STORY[0], GIFTS[0], GIFTS[2], GIFTS[4], *MENU[:2]]
    numbered = L.numbered_lists(lines)
    c = np.array([3.0, 0.5, -2.0, -2.0, -3.0, -3.0])
    words = np.array([30.0, 7.0, 4.0, 7.0, 1.0, 1.0])
    span = L.Span(bias=0.0, floor=-4.0, power=0.5)
    assert L.decide(c, words, span).tolist() == [True, True, False, False, False, False]
    keep = L.decide(c, words, span, numbered=numbered)
    assert keep.tolist() == [True, True, True, True, False, False]
    # A list whose first item is not the article's (a "Most read" box) stays out.
    c[1] = -1.0
    assert not L.decide(c, words, span, numbered=numbered)[1:].any()


def test_the_list_a_body_line_introduces_with_a_colon_is_kept() -> None:
    lead_in = "The council listed what the new market will offer traders:"
    items = ["A roof over every stall", "Power points for fridges", "Loading bays on Mill Lane"]
    lines = [STORY[0], lead_in, *items, STORY[1], *MENU[:2]]
    c = np.array([3.0, 1.0, -1.5, -1.5, -1.5, 3.0, -3.0, -3.0])
    words = np.array([len(line.split()) for line in lines], dtype=np.float64)
    colon = np.array([line.endswith(":") for line in lines])
    span = L.Span(bias=0.0, floor=-4.0, power=0.5)
    assert L.decide(c, words, span).tolist() == [
        True,
        True,
        False,
        False,
        False,
        True,
        False,
        False,
    ]
    keep = L.decide(c, words, span, lead_ins=colon)
    assert keep.tolist() == [*[True] * 6, False, False]
    # Not when the lead-in is not kept, nor when a long paragraph stands between it and the
    # next kept line (the list ended; what follows is not its items).
    c[1] = -1.0
    assert not L.decide(c, words, span, lead_ins=colon)[2:5].any()
    c[1], words[3] = 1.0, 45.0
    assert not L.decide(c, words, span, lead_ins=colon)[2:5].any()


def test_a_tables_clock_cells_are_no_video_durations() -> None:
    # Race times in a results table are cells; the same clocks as a list of videos (each a
    # duration, then its title twice) are the player's badges, and go with their titles.
    results = ["Pos.", "Crew", "Time"]
    for n, (crew, time) in enumerate(
        [("Pellow", "21:14"), ("St Ives Blue", "21:39"), ("Newlyn Gold", "22:05")], 1
    ):
        results += [str(n), crew, time]
    kept, removed = cleaned_page([*STORY[:3], "Final standings:", *results, *STORY[3:]])
    assert {"21:14", "21:39", "22:05", "Newlyn Gold"} <= set(kept)
    assert "video_duration" not in removed.values()
    videos: list[str] = []
    for clock, title in [("02:43", "Harbour wall"), ("01:15", "Gig crews"), ("03:02", "Quay")]:
        videos += [clock, f"{title} in pictures", f"{title} in pictures"]
    kept, removed = cleaned_page([*STORY[:3], *videos, *STORY[3:]])
    assert removed["02:43"] == removed["03:02"] == "video_duration"
    assert removed["Gig crews in pictures"] == "video_headline"
    assert "02:43" not in kept


def test_the_floor_sets_what_crossing_a_furniture_block_costs() -> None:
    c = np.array([2.0, 2.0, -6.0, -6.0, 2.0, 2.0])
    words = np.full(len(c), 20.0)
    assert L.body_span(c, words, L.Span(bias=0.0, floor=-1.0, power=1.0)) == (0, 5)
    first, last = L.body_span(c, words, L.Span(bias=0.0, floor=-4.0, power=1.0))
    assert (first, last) in {(0, 1), (4, 5)}


def test_another_storys_paragraphs_after_the_footer_go() -> None:
    other = [
        "Police in the neighbouring village of Hollins Cross are appealing for witnesses after a "
        "tractor was taken from a farmyard overnight and later found abandoned in a ditch.",
        "The farmer, who asked not to be named, said the tractor had been locked in a barn and "
        "that whoever took it must have known where the keys were kept.",
    ]
    # The context pass alone keeps these two (each paragraph props up the other); the body
    # span ends at the teaser list and footer before them.
    kept, removed = cleaned_page([*PAGE, *other])
    for paragraph in other:
        assert paragraph not in kept and paragraph in removed
    for paragraph in STORY:
        assert paragraph in kept


def test_a_model_file_without_a_span_still_loads() -> None:
    data = json.loads(L.MODEL_PATH.read_text(encoding="utf-8"))
    assert data["span"] is None or set(data["span"]) == {"bias", "floor", "power", "gap"}
    # A span written before removed lines cost it loads as one where they cost nothing.
    older = dict(data["span"] or {"bias": 0, "floor": -1, "power": 0.5})
    older.pop("gap", None)
    assert L.Span.from_json(older).gap == 0.0
    data.pop("span", None)
    model = L.LineModel.from_json(data)
    assert model.span is None
    assert L.classify(text_page("\n".join(PAGE)), model)


COMMENTS = [
    # The heading quotes the headline, however long and whatever its punctuation.
    "4 responses to “Marrowby votes to turn Eastgate car park into covered market. What now for "
    "the traders of St. Anne's Row?”",
    "Gwen Pellow says:",
    "12 March 2024 at 6:34 pm",
    "About time too. I have stood in the rain buying apples on that square for twenty years and "
    "my knees would thank the council if they could, though I will miss the parking.",
    "Dai Rhoscombe says:",
    "12 March 2024 at 7:02 pm",
    "The retail park already has free parking and a roof, so I do not see why anyone will drive "
    "into town now that the car park is going. The traders are cheering their own exit.",
    "Tamsin Oduya says:",
    "12 March 2024 at 8:15 pm",
    "We counted the footfall last winter, Dai, and most of our customers walk in from the "
    "estates. A roof brings them back in January. Come and see us at the meeting next month.",
    "Orla Fenwick says:",
    "13 March 2024 at 9:40 am",
    "Will the temporary car park on the depot site be lit at night? It is a long walk back to "
    "the bus station in the dark, and the council has not said anything about lighting yet.",
]


def test_a_comment_section_under_the_story_goes_with_its_class() -> None:
    # A short story and more comment prose than story: the span alone would take the comments.
    page = [*MENU, TITLE, "By Jo Halloran", *STORY[:2], *COMMENTS, *FOOTER]
    kept, removed = cleaned_page(page)
    assert STORY[0] in kept and STORY[1] in kept
    for line in COMMENTS:
        assert line not in kept, line
    comment_texts = [line for line in COMMENTS if len(line.split()) > 12]
    assert {removed[line] for line in comment_texts} == {"comments"}
    assert L.comment_section(page) == page.index(COMMENTS[0])


def test_quotes_and_a_comments_label_alone_are_no_comment_section() -> None:
    # A story that introduces quotes with "said:" has no comment heading above them.
    quotes = [*STORY[:2], "Tamsin Oduya said:", STORY[4], "The council leader said:", STORY[5]]
    assert L.comment_section([*quotes, "Mr Pellow said:", STORY[6]]) is None
    # One comment (a name and a date line) under a heading is not a section yet.
    assert L.comment_section([*STORY[:2], "Comments", *COMMENTS[1:4]]) is None
    # Headers far below the heading do not make it the section's heading.
    far = [*STORY[:2], "2 comments", *STORY, *STORY, *COMMENTS[1:]]
    assert L.comment_section(far) is None
    # "He said:" introduces a quote even under a heading.
    pronouns = ["Comments", "He said:", STORY[0], "She said:", STORY[1], "They said:", STORY[2]]
    assert L.comment_section(pronouns) is None


def test_a_post_the_classifier_missed_is_taken_over_its_comments() -> None:
    # Nothing above the comments reads as body (a short post under a long menu): the lines
    # above are raised together until the post's best paragraph does, and the comments stay
    # out however well they score.
    page = [*MENU, TITLE, STORY[0], "Share this post", *COMMENTS, *FOOTER]
    rows = list(range(len(page)))
    scores = np.full(len(rows), -2.0)
    scores[page.index(STORY[0])] = -0.6
    scores[page.index(TITLE)] = -1.0
    comment_rows = [page.index(line) for line in COMMENTS if len(line.split()) > 12]
    scores[comment_rows] = 3.0
    lifted, start = L.set_comments_apart(scores, rows, page)
    assert start == page.index(COMMENTS[0])
    assert lifted[page.index(STORY[0])] > 0
    assert (lifted[: page.index(STORY[0])] < 0).all()
    assert (lifted[start:] == L.COMMENT_SCORE).all()
    # Only the order above moved: each line above is raised by the same amount.
    shift = lifted[:start] - scores[:start]
    assert np.allclose(shift, shift[0])


def test_with_no_paragraph_above_the_comments_nothing_is_set_apart() -> None:
    # A comment heading matched over the whole article (only menu lines above it) is not a
    # comment section under a story: the scores stand as the classifier gave them.
    page = [*MENU, *COMMENTS, *FOOTER]
    rows = list(range(len(page)))
    scores = np.linspace(-3.0, 2.0, len(rows))
    scores[: len(MENU)] = -1.5
    same, start = L.set_comments_apart(scores, rows, page)
    assert start is None
    assert np.array_equal(same, scores)

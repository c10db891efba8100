"""Near-duplicate signatures: identical, edited and unrelated texts."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newsdesk.dedupe import NUM_PERM, signature, similarities, similarity

STORY = (
    "The city council voted on Tuesday to close the old bus depot on Mill Lane and sell the site "
    "to a housing association, which plans to build two hundred affordable homes by 2028. "
    "Council leader Ines Barros said the depot had cost more to maintain than it earned and that "
    "the buses would move to the new eastern garage next spring. Opposition members said the "
    "sale price had not been published and asked for an independent valuation before contracts "
    "are signed."
)
OTHER = (
    "Heavy rain flooded several roads in the north of the county overnight, and the fire service "
    "rescued two drivers whose cars were caught in rising water near the river crossing at Ashby."
)


def test_identical_texts_are_identical() -> None:
    assert similarity(signature(STORY), signature(STORY)) == 1.0
    assert len(signature(STORY)) == NUM_PERM


def test_lightly_edited_copy_is_near_duplicate() -> None:
    edited = (
        STORY.replace("Tuesday", "Wednesday").replace("two hundred", "250") + " More to follow."
    )
    assert similarity(signature(STORY), signature(edited)) > 0.6


def test_unrelated_texts_are_far_apart() -> None:
    assert similarity(signature(STORY), signature(OTHER)) < 0.1


def test_signature_is_stable_and_case_insensitive() -> None:
    assert signature(STORY) == signature(STORY.upper())


def test_empty_text_matches_nothing() -> None:
    assert similarity(signature(""), signature("")) == 0.0


def test_mismatched_signatures_are_an_error() -> None:
    with pytest.raises(ValueError):
        similarity([1, 2], [1])


# Texts over a few words, so that shingles (5 words) repeat between them; some too short for any.
TEXTS = st.lists(
    st.sampled_from(["the", "mayor", "said", "on", "river", "bridge", "council", "vote"]),
    max_size=40,
).map(" ".join)


@given(st.lists(TEXTS, min_size=1, max_size=6), TEXTS)
def test_similarities_agree_with_similarity_one_by_one(others: list[str], mine: str) -> None:
    ours = signature(mine)
    theirs = [signature(t) for t in others]
    many = similarities(ours, theirs)
    assert list(many) == pytest.approx([similarity(ours, t) for t in theirs])


def test_similarities_of_nothing_is_empty() -> None:
    assert len(similarities(signature(STORY), [])) == 0

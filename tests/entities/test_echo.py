"""Lone name words the model missed, found from full names known elsewhere (pure text)."""

from __future__ import annotations

import re

from newsdesk.entities.echo import Taken, find_echoes
from newsdesk.entities.spans import name_words


def _taken(text: str, surface: str, sentence: str) -> Taken:
    start = text.index(surface)
    return Taken("body", start, start + len(surface), sentence)


def _echoes(body: str, tagged: str, words: set[str]) -> list[str]:
    """Echoes of `words` when the model tagged every occurrence of `tagged`."""
    sentences = [(x.start(), x.end()) for x in re.finditer(r"[^.\n]+\.?", body)]
    taken = []
    for match in re.finditer(re.escape(tagged), body):
        start, end = next((s, e) for s, e in sentences if s <= match.start() < e)
        taken.append(Taken("body", match.start(), match.end(), body[start:end]))
    return [e.surface for e in find_echoes({"body": body}, taken, words)]


def test_name_words_are_the_standalone_words_of_full_names() -> None:
    words = name_words(["Mira Vasko-Lind", "President Oren Tal", "Tal", "J. Ruiz"])
    assert words == {"Mira", "Oren", "Tal", "Ruiz"}  # no hyphenated part, title or initial


def test_a_lone_known_surname_in_a_tagged_sentence_is_an_echo() -> None:
    body = "Envoys met in the capital. Talks between Holm and Tal went on all night"
    [echo] = find_echoes(
        {"body": body},
        [_taken(body, "Holm", "Talks between Holm and Tal went on all night")],
        {"Tal"},
    )
    assert body[echo.start : echo.end] == "Tal" == echo.surface
    assert echo.sentence == "Talks between Holm and Tal went on all night"


def test_possessives_and_lists_are_echoes() -> None:
    body = "Holm praised Tal’s plan. Holm, Tal and others left"
    assert _echoes(body, "Holm", {"Tal"}) == ["Tal", "Tal"]


def test_a_surname_in_a_sentence_with_no_other_mention_is_not_an_echo() -> None:
    # Resolution joins on a sentence partner: a lone word with none could only be guessed.
    assert _echoes("Holm spoke first. The envoy and Tal answered him", "Holm", {"Tal"}) == []
    assert _echoes("Holm spoke first, and the envoy and Tal answered him", "Holm", {"Tal"}) == [
        "Tal"
    ]


def test_words_that_are_also_common_words_stay_out() -> None:
    assert _echoes("Holm met Will in the park. Holm will return", "Holm", {"Will"}) == []
    assert _echoes("Holm met Will in the park", "Holm", {"Will"}) == ["Will"]


def test_a_word_after_a_determiner_is_a_thing() -> None:
    assert _echoes("Holm read the Sun on the train", "Holm", {"Sun"}) == []


def test_part_of_a_longer_name_or_compound_is_not_an_echo() -> None:
    body = "Holm met Dana Tal and the Tal-led group and Tal Foundation staff"
    assert _echoes(body, "Holm", {"Tal"}) == []


def test_the_first_word_of_a_sentence_or_line_is_not_an_echo() -> None:
    body = "Holm arrived. Tal greeted Holm\nTal left with Holm"
    assert _echoes(body, "Holm", {"Tal"}) == []


def test_words_inside_an_existing_mention_are_not_echoed_again() -> None:
    assert _echoes("Holm met Tal yesterday", "Tal", {"Tal"}) == []

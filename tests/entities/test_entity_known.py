"""Cross-article resolution of short names against names already known."""

from __future__ import annotations

from newsdesk.entities import fold_key, resolve_with_known
from newsdesk.records import Mention


def _person(surface: str, name: str | None = None) -> Mention:
    name = name or surface
    return Mention("person", name, fold_key(name), surface, "body", 0, len(surface), surface)


def _org(surface: str) -> Mention:
    key = fold_key(surface, "organisation")
    return Mention("organisation", surface, key, surface, "body", 0, len(surface), surface, surface)


KNOWN = {"choe ryong hae": "Choe Ryong-hae", "zhao leji": "Zhao Leji", "kim jong un": "Kim Jong-un"}


def test_short_name_takes_the_one_known_full_name() -> None:
    [mention] = resolve_with_known([_person("Choe")], KNOWN)
    assert (mention.name, mention.key, mention.surface) == (
        "Choe Ryong-hae",
        "choe ryong hae",
        "Choe",
    )


def test_two_fitting_known_names_leave_it_alone() -> None:
    known = {**KNOWN, "choe son hui": "Choe Son-hui"}
    assert resolve_with_known([_person("Choe")], known)[0].name == "Choe"


def test_no_fitting_known_name_leaves_it_alone() -> None:
    assert resolve_with_known([_person("Blinken")], KNOWN)[0].name == "Blinken"


def test_full_names_and_resolved_short_names_are_untouched() -> None:
    mentions = [_person("Zhao Leji"), _person("Zhao", "Zhao Leji"), _person("Kim Song-nam")]
    assert resolve_with_known(mentions, KNOWN) == mentions


def test_short_name_left_ambiguous_in_the_article_stays() -> None:
    mentions = [_person("Kim Yo-jong"), _person("Kim")]
    assert resolve_with_known(mentions, KNOWN)[1].name == "Kim"


def test_unexpanded_acronym_takes_the_one_known_organisation() -> None:
    known_orgs = {"korea central news agency": "Korean Central News Agency"}
    [mention] = resolve_with_known([_org("KCNA")], KNOWN, known_orgs)
    assert (mention.name, mention.key, mention.acronym) == (
        "Korean Central News Agency",
        "korea central news agency",
        "KCNA",
    )

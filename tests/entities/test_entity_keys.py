"""Folded keys, initials and organisation-name similarity."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newsdesk.entities.keys import fold_key, initials


@pytest.mark.parametrize(
    "variant", ["Kim Jong Un", "Kim Jong-un", "KIM JONG-UN", "Kim Jong-Un", " kim  jong‐un "]
)
def test_romanised_variants_share_a_key(variant: str) -> None:
    assert fold_key(variant) == fold_key("Kim Jong-un") == "kim jong un"


def test_diacritics_width_and_apostrophes_fold() -> None:
    assert fold_key("José Pérez") == fold_key("Jose Perez")
    assert fold_key("Ｘｉ Ｊｉｎｐｉｎｇ") == "xi jinping"
    assert fold_key("Workers’ Party") == fold_key("Workers' Party") == "workers party"


def test_leading_the_and_punctuation_are_dropped() -> None:
    assert fold_key("the Foreign Ministry", "organisation") == "foreign ministry"
    assert fold_key("The Standing Committee.", "organisation") == "standing committee"


def test_a_committee_of_its_parent_is_one_organisation_either_way_round() -> None:
    inverted = fold_key("Standing Committee of the National Assembly", "organisation")
    assert inverted == fold_key("National Assembly Standing Committee", "organisation")
    assert fold_key("Central Committee of the Party", "organisation") == "party central committee"
    # Only committees: other heads in the two orders may be two bodies.
    assert fold_key("Council of Europe", "organisation") != fold_key(
        "European Council", "organisation"
    )


def test_demonyms_fold_in_organisation_keys_only() -> None:
    assert fold_key("Korea Central News Agency", "organisation") == fold_key(
        "Korean Central News Agency", "organisation"
    )
    assert fold_key("Brian Adams") == "brian adams"


def test_initials_skip_function_words() -> None:
    assert initials("Korean Central News Agency") == "KCNA"
    assert initials("Democratic People's Republic of Korea") == "DPRK"
    assert initials("Agence France-Presse") == "AFP"


@given(st.text(max_size=40))
def test_fold_key_is_total_and_stable(text: str) -> None:
    key = fold_key(text)
    assert fold_key(key) == key
    assert key == key.strip()

"""Span trimming and false-positive filtering on hand-built Docs."""

from __future__ import annotations

import pytest
from entity_docs import MakeDoc

from newsdesk.entities.spans import candidates, is_country, is_junk, narrow_person, trim


def _trimmed(text: str, kind: str = "person") -> str | None:
    offsets = trim(text, 0, len(text), kind)  # type: ignore[arg-type]
    return None if offsets is None else text[offsets[0] : offsets[1]]


@pytest.mark.parametrize(
    ("span", "name"),
    [
        ("President Xi Jinping", "Xi Jinping"),
        ("Vice-Premier Liu Guozhong", "Liu Guozhong"),
        ("foreign vice-minister Sun Weidong", "Sun Weidong"),
        ("NPC vice-chairman Li Hongzhong", "Li Hongzhong"),
        ("Culture and Tourism Minister Sun Yeli", "Sun Yeli"),
        ("Mr Rathbun", "Rathbun"),
        ("Dr. Ana Lopes", "Ana Lopes"),
        ("North Korean leader Kim Jong-un", "Kim Jong-un"),
        ("Zhao’s", "Zhao"),
        ("Zhao's", "Zhao"),
        ("Jenkins'", "Jenkins"),
        ("“Kim Jong-un,", "Kim Jong-un"),
        ("Ludwig van Beethoven", "Ludwig van Beethoven"),
        ("John Major", "John Major"),
        ("Martin Luther King Jr.", "Martin Luther King Jr."),
        ("President", None),
    ],
)
def test_person_titles_and_possessives_are_trimmed(span: str, name: str | None) -> None:
    assert _trimmed(span) == name


@pytest.mark.parametrize(
    ("span", "name"),
    [
        ("the Foreign Ministry", "Foreign Ministry"),
        ("state-run Korean Central News Agency", "Korean Central News Agency"),
        ("the Communist Party’s", "Communist Party"),
        ("Workers’ Party of Korea", "Workers’ Party of Korea"),
    ],
)
def test_organisation_spans_are_trimmed(span: str, name: str) -> None:
    assert _trimmed(span, "organisation") == name


@pytest.mark.parametrize(
    ("surface", "kind"),
    [
        ("State", "organisation"),
        ("Chinese", "organisation"),
        ("North Korean", "organisation"),
        ("Diplomacy", "organisation"),
        ("Monday", "person"),
        ("He", "person"),
        ("2024", "organisation"),
        ("the ministry", "organisation"),
        ("Premier", "person"),
        ("Agent 47", "person"),
    ],
)
def test_junk_is_filtered(surface: str, kind: str) -> None:
    assert is_junk(surface, kind)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "surface", ["DPRK", "Democratic People’s Republic of Korea", "Côte d'Ivoire"]
)
def test_a_country_is_a_place(surface: str) -> None:
    assert is_country(surface)
    assert not is_country("Bank of Korea")


def test_candidates_keep_offsets_and_sentence(make_doc: MakeDoc) -> None:
    text = "Talks ended. Vice-Premier Liu Guozhong met President Xi’s envoy in Beijing."
    doc = make_doc(text, [("Vice-Premier Liu Guozhong", "PERSON"), ("President Xi’s", "PERSON")])
    found = candidates(doc, "body")
    assert [c.surface for c in found] == ["Liu Guozhong", "Xi"]
    assert all(text[c.start : c.end] == c.surface for c in found)
    assert found[0].sentence == "Vice-Premier Liu Guozhong met President Xi’s envoy in Beijing."


def test_a_sentence_never_runs_past_its_paragraph(make_doc: MakeDoc) -> None:
    # The hand-built Doc splits only after . ! ? -- like the model, it misses paragraph breaks.
    text = "Officials arrived on Monday\n\nAna Ruiz met Tomas Berg\n\nThe talks ended"
    doc = make_doc(text, [("Ana Ruiz", "PERSON")])
    assert doc[0].sent.text == text  # one sentence over three paragraphs
    [found] = candidates(doc, "body")
    assert found.sentence == "Ana Ruiz met Tomas Berg"


@pytest.mark.parametrize("surface", ["Jordan", "Georgia Ruiz"])
def test_country_names_are_not_junk_for_people(surface: str) -> None:
    assert not is_junk(surface, "person")


def test_organisations_named_after_a_country_are_kept() -> None:
    assert not is_junk("Bank of Korea", "organisation")
    assert not is_junk("Korea Institute for National Unification", "organisation")


def test_other_labels_are_ignored(make_doc: MakeDoc) -> None:
    doc = make_doc("Chinese troops left Seoul.", [("Chinese", "NORP"), ("Seoul", "GPE")])
    assert candidates(doc, "body") == []


@pytest.mark.parametrize(
    ("surface", "kind"),
    [
        ("Communist Party", "organisation"),
        ("Foreign Ministry", "organisation"),
        ("Chinese Foreign Ministry", "organisation"),
        ("State Department", "organisation"),
        ("Supreme Court", "organisation"),
    ],
)
def test_names_made_of_vocabulary_words_are_kept(surface: str, kind: str) -> None:
    assert not is_junk(surface, kind)  # type: ignore[arg-type]


def test_organisation_ending_in_a_head_noun_keeps_lower_case_words() -> None:
    assert _trimmed("Chinese foreign ministry", "organisation") == "Chinese foreign ministry"
    assert _trimmed("Korean Central News Agency said", "organisation") == (
        "Korean Central News Agency"
    )


def test_page_label_after_a_person_is_cut() -> None:
    assert _trimmed("Disney Belle Image") == "Disney Belle"
    assert _trimmed("NASA Administrator Charles Bolden") == "Charles Bolden"


def test_a_named_event_is_not_a_person(make_doc: MakeDoc) -> None:
    text = (
        "The allies held their annual joint exercise, Freedom Shield, in March. Ada Lang watched."
    )
    doc = make_doc(text, [("Freedom Shield", "PERSON"), ("Ada Lang", "PERSON")])
    assert [c.surface for c in candidates(doc, "body")] == ["Ada Lang"]
    doc = make_doc("An operation dubbed Iron Wall began.", [("Iron Wall", "PERSON")])
    assert candidates(doc, "body") == []


@pytest.mark.parametrize(
    ("span", "name"),
    [
        # a scorecard row: the name, then figures
        ("K. Osei 4-43", "K. Osei"),
        ("Marta Lindqvist 442,201", "Marta Lindqvist"),
        # a name run into its full form
        ("Ada Brenner Ada Louisa Brenner", "Ada Brenner"),
        # names that are whole stay whole
        ("Ada Louisa Brenner", "Ada Louisa Brenner"),
        ("Jean-Paul Okafor", "Jean-Paul Okafor"),
        ("Ana Ana", "Ana Ana"),
        # nothing before the figures: no name
        ("4-43", None),
    ],
)
def test_a_person_span_running_on_is_narrowed_to_its_name(span: str, name: str | None) -> None:
    offsets = narrow_person(span, 0, len(span))
    assert (None if offsets is None else span[offsets[0] : offsets[1]]) == name

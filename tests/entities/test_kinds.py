"""The kinds step: grouping, evidence features and the model's fit and file (no spaCy model)."""

from __future__ import annotations

from pathlib import Path

from entity_docs import build_doc

from newsdesk.entities.extract import kind_inputs
from newsdesk.entities.kinds import (
    CLASSES,
    KIND_MODEL_PATH,
    fit,
    group_candidates,
    hashed,
    load_kind_model,
    mention_features,
)
from newsdesk.entities.rules import Rules
from newsdesk.entities.spans import Candidate


def _found(text: str, ents: list[tuple[str, str]] | list[tuple[str, str, int]]) -> list[Candidate]:
    return kind_inputs({"body": build_doc(text, ents)})[0]


def _groups(found: list[Candidate]) -> list[set[str]]:
    numbers = group_candidates(found)
    return sorted(
        ({c.surface for c, g in zip(found, numbers, strict=True) if g == n} for n in set(numbers)),
        key=sorted,
    )


def test_a_surname_joins_its_one_full_name_whatever_the_labels() -> None:
    found = _found(
        "Tomasz Wrobel spoke. Wrobel left. Lucinda Hale stayed.",
        [("Tomasz Wrobel", "ORG"), ("Wrobel", "PERSON", 1), ("Lucinda Hale", "PERSON")],
    )
    assert _groups(found) == [{"Lucinda Hale"}, {"Tomasz Wrobel", "Wrobel"}]


def test_a_surname_of_two_full_names_or_of_an_organisation_stays_alone() -> None:
    found = _found(
        "Kim Jong-un met Kim Yo-jong. Kim spoke at the Andy Warhol Museum. Warhol was there.",
        [
            ("Kim Jong-un", "PERSON"),
            ("Kim Yo-jong", "PERSON"),
            ("Kim", "PERSON", 2),
            ("Andy Warhol Museum", "ORG"),
            ("Warhol", "PERSON", 1),
        ],
    )
    assert {"Kim"} in _groups(found) and {"Warhol"} in _groups(found)


def test_an_acronym_joins_the_one_long_form_with_its_initials() -> None:
    found = _found(
        "The Water Services Regulation Authority ruled. WSRA said so.",
        [("Water Services Regulation Authority", "ORG"), ("WSRA", "PERSON")],
    )
    assert _groups(found) == [{"Water Services Regulation Authority", "WSRA"}]


def test_switching_groups_off_keeps_one_group_per_name() -> None:
    text = "Tomasz Wrobel spoke. Wrobel left."
    found = _found(text, [("Tomasz Wrobel", "ORG"), ("Wrobel", "ORG", 1)])
    assert len(set(group_candidates(found, Rules(groups=False)))) == 2


def test_evidence_around_a_name() -> None:
    text = "Head librarian Tomasz Wrobel said he would stay, the director of Ox Library added."
    found = _found(text, [("Tomasz Wrobel", "ORG"), ("Ox Library", "ORG")])
    person = mention_features(found[0], text, frozenset())
    org = mention_features(found[1], text, frozenset())
    assert {"title_before", "given_first", "pronoun_after=person", "label=ORG"} <= set(person)
    assert "after1=said" in person
    assert "org_last" in org and "given_first" not in org


def test_a_name_the_model_calls_a_place_elsewhere_says_so() -> None:
    text = "Corran Point shipyard. Ferries sail to Corran Point."
    found = _found(text, [("Corran Point", "ORG")])
    features = mention_features(found[0], text, frozenset({"corran point"}))
    assert {"place_name", "place_last"} <= set(features)


def test_fit_learns_evidence_and_the_file_round_trips(tmp_path: Path) -> None:
    person, org = {hashed("title_before"): 1.0}, {hashed("org_last"): 1.0}
    rows, labels = [person, org] * 20, [0, 1] * 20
    model = fit(rows, labels)
    assert model.kind(person) == "person" and model.kind(org) == "organisation"
    assert (fit(rows, labels).weights == model.weights).all()  # deterministic
    path = tmp_path / "kinds.json"
    model.save(path, {"data": "two hand-made features"})
    again = load_kind_model(path)
    assert again.kind(person) == "person" and again.kind(org) == "organisation"


def test_the_shipped_model_loads_and_says_where_it_came_from() -> None:
    model = load_kind_model(KIND_MODEL_PATH)
    assert model.weights.shape[1] == len(CLASSES)
    assert "bench/kinds.py" in KIND_MODEL_PATH.read_text(encoding="utf-8")

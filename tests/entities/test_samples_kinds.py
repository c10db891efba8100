"""The samples' people and organisations, each of its right kind (slow: the real model).

The team wrote samples/, so it knows who and what each name is. The articles go through the
chain `newsdesk inspect` runs (read, clean, normalise, entities). Every person must be found
as a person; an organisation is never a person and, when listed as required, is found as an
organisation; a place is neither. Nothing else may appear as a person or organisation.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from spacy.language import Language

from newsdesk import sources
from newsdesk.clean import clean
from newsdesk.entities import extract
from newsdesk.normalise import normalise
from newsdesk.records import Mention, RawDocument

pytestmark = pytest.mark.slow

SAMPLES = Path(__file__).resolve().parents[2] / "samples"

# Per sample: the people, the organisations it must find, those it may find (the small model
# misses some names altogether, and a publisher's own name may or may not be mentioned), and
# the places it names, which must be neither.
EXPECTED: dict[str, dict[str, set[str]]] = {
    "harbour-gazette-bakery-expansion.txt": {
        "people": {"Claire Hollins", "Samuel Adeyemi"},
        "organisations": {
            "Hollins & Daughter",
            "Regional Growth Bank",
            "Port Alder College",
            "Federation of Independent Bakers",
        },
        "maybe": {"Harbour Gazette"},
        "places": {"Port Alder", "Lowbridge", "Farrow", "St Ives Quay", "Marsh Road"},
    },
    "harbour-gazette-ferry-subsidy.txt": {
        "people": {"Daniel Whitcombe", "Aoife Brennan", "Gareth Lloyd"},
        "organisations": {"Ministry of Transport", "Bluewater Marine", "Kestrel Island Council"},
        "maybe": {"Harbour Gazette", "The Harbour Gazette"},
        "places": {"Kestrel Island", "Port Alder", "Corran Point"},
    },
    "metro-daily-library-reopening.html": {
        "people": {"Lucinda Hale", "Tomasz Wrobel"},
        "organisations": {"National Heritage Fund", "Friends of Carden Street Library"},
        "maybe": {"Metro Daily", "Carden Street Central Library"},
        "places": {"Carden Street"},
    },
    "northern-courier-water-merger.txt": {
        "people": {"Helen Marsh", "Robert Achterberg", "Nadia Farouk"},
        "organisations": {
            "Dunmore Utilities",
            "Water Services Regulation Authority",
            "Water Watch",
        },
        "maybe": {"Fellside Water", "Fellside", "Dunmore", "Northern Courier"},
        "places": {"Carrow", "Fell Valley"},
    },
    "valley-post-school-meals.html": {
        "people": {"Samuel Okoro"},
        "organisations": {"Valley Teachers' Association", "Hillcrest Primary School"},
        "maybe": {"Valley Post", "The Valley Post"},
        "places": {"Eastern Valley"},
    },
}


def _inspected(nlp: Language) -> dict[str, list[Mention]]:
    """Every sample's mentions, through read, clean, normalise and entities."""
    found: dict[str, list[Mention]] = {}
    for path in sources.discover([SAMPLES]):
        for item in sources.read(path):
            assert isinstance(item, RawDocument), item
            article = normalise(item, clean(item))
            found[path.name] = extract(nlp, [article])[0]
    return found


@pytest.fixture(scope="module")
def mentions(nlp: Language) -> dict[str, list[Mention]]:
    return _inspected(nlp)


def test_every_sample_is_listed(mentions: dict[str, list[Mention]]) -> None:
    assert set(mentions) == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_people_are_the_samples_people(mentions: dict[str, list[Mention]], name: str) -> None:
    people = {m.name for m in mentions[name] if m.kind == "person"}
    assert people == EXPECTED[name]["people"]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_organisations_are_the_samples_organisations(
    mentions: dict[str, list[Mention]], name: str
) -> None:
    orgs = {m.name for m in mentions[name] if m.kind == "organisation"}
    expected = EXPECTED[name]
    assert expected["organisations"] <= orgs
    assert orgs <= expected["organisations"] | expected["maybe"]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_places_are_neither(mentions: dict[str, list[Mention]], name: str) -> None:
    names = {m.name for m in mentions[name]} | {m.surface for m in mentions[name]}
    assert not names & EXPECTED[name]["places"]


def test_one_person_one_row(mentions: dict[str, list[Mention]]) -> None:
    library = mentions["metro-daily-library-reopening.html"]
    assert {(m.kind, m.key) for m in library if "Wrobel" in m.surface} == {
        ("person", "tomasz wrobel")
    }
    assert {m.surface for m in library if m.name == "Tomasz Wrobel"} == {"Tomasz Wrobel", "Wrobel"}

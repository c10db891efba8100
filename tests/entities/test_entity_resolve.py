"""Within-article resolution: short names, acronyms, variants and display names."""

from __future__ import annotations

from entity_docs import LABEL_MODEL, MakeDoc, build_doc
from hypothesis import given, settings
from hypothesis import strategies as st
from spacy.tokens import Span
from spacy.util import filter_spans

from newsdesk.entities import mentions_from_docs
from newsdesk.records import Mention


def _names(mentions: list[Mention]) -> list[tuple[str, str]]:
    return [(m.surface, m.name) for m in mentions]


def test_short_name_takes_most_recent_full_name_before_it(make_doc: MakeDoc) -> None:
    text = (
        "Kim Song-nam greeted the guests. Kim said the talks went well. "
        "Later Kim Jong-un arrived. Kim spoke for an hour."
    )
    doc = make_doc(
        text,
        [
            ("Kim Song-nam", "PERSON"),
            ("Kim", "PERSON", 1),
            ("Kim Jong-un", "PERSON"),
            ("Kim", "PERSON", 3),
        ],
    )
    assert _names(mentions_from_docs({"body": doc})) == [
        ("Kim Song-nam", "Kim Song-nam"),
        ("Kim", "Kim Song-nam"),
        ("Kim Jong-un", "Kim Jong-un"),
        ("Kim", "Kim Jong-un"),
    ]


def test_short_name_before_any_full_name_takes_the_first_after() -> None:
    title = build_doc("Zhao lands in Pyongyang", [("Zhao", "PERSON")])
    body = build_doc(
        "Zhao Leji, the visitor, was met by Ri Il.", [("Zhao Leji", "PERSON"), ("Ri Il", "PERSON")]
    )
    mentions = mentions_from_docs({"title": title, "body": body})
    assert [(m.field, m.surface, m.name, m.key) for m in mentions] == [
        ("title", "Zhao", "Zhao Leji", "zhao leji"),
        ("body", "Zhao Leji", "Zhao Leji", "zhao leji"),
        ("body", "Ri Il", "Ri Il", "ri il"),
    ]


def test_short_name_without_full_name_stays_itself(make_doc: MakeDoc) -> None:
    doc = make_doc(
        "Zhao Leji met Choe in the capital.", [("Zhao Leji", "PERSON"), ("Choe", "PERSON")]
    )
    mentions = mentions_from_docs({"body": doc}, kind_model=LABEL_MODEL)
    assert _names(mentions)[1] == ("Choe", "Choe")


def test_short_name_is_left_alone_when_ambiguous(make_doc: MakeDoc) -> None:
    text = "Kim Jong-un hosted Kim Yo-jong at dinner. Kim said little."
    doc = make_doc(
        text, [("Kim Jong-un", "PERSON"), ("Kim Yo-jong", "PERSON"), ("Kim", "PERSON", 2)]
    )
    mention = mentions_from_docs({"body": doc})[2]
    assert (mention.name, mention.key) == ("Kim", "kim")


def test_partial_name_and_headline_case_share_the_full_entity(make_doc: MakeDoc) -> None:
    text = "KIM JONG-UN SPEAKS. Kim Jong Un spoke. Kim Jong said more."
    doc = make_doc(
        text, [("KIM JONG-UN", "PERSON"), ("Kim Jong Un", "PERSON"), ("Kim Jong", "PERSON", 1)]
    )
    mentions = mentions_from_docs({"body": doc})
    assert {m.name for m in mentions} == {"Kim Jong Un"}
    assert {m.key for m in mentions} == {"kim jong un"}


def test_parenthesised_acronym_defines_the_long_form(make_doc: MakeDoc) -> None:
    text = "The state-held Korean Central News Agency (KCNA) said so. KCNA added more."
    doc = make_doc(
        text,
        [("Korean Central News Agency", "ORG"), ("KCNA", "ORG"), ("KCNA", "ORG", 1)],
    )
    mentions = mentions_from_docs({"body": doc})
    assert {(m.name, m.acronym) for m in mentions} == {("Korean Central News Agency", "KCNA")}
    assert [m.surface for m in mentions] == ["Korean Central News Agency", "KCNA", "KCNA"]


def test_acronym_matches_initials_of_a_variant_long_form(make_doc: MakeDoc) -> None:
    text = (
        "The Korea Central News Agency reported it. "
        "KCNA said the Korean Central News Agency was right."
    )
    doc = make_doc(
        text,
        [
            ("Korea Central News Agency", "ORG"),
            ("KCNA", "ORG"),
            ("Korean Central News Agency", "ORG"),
        ],
    )
    mentions = mentions_from_docs({"body": doc})
    assert len({m.key for m in mentions}) == 1
    assert {m.name for m in mentions} == {"Korean Central News Agency"}
    assert {m.acronym for m in mentions} == {"KCNA"}


def test_unknown_acronym_stays_itself(make_doc: MakeDoc) -> None:
    doc = make_doc("The WFP sent food.", [("WFP", "ORG")])
    mention = mentions_from_docs({"body": doc})[0]
    assert (mention.name, mention.key, mention.acronym) == ("WFP", "wfp", "WFP")


def test_kind_follows_the_article(make_doc: MakeDoc) -> None:
    text = "Wang Huning spoke. Wang then left. The NPC met; National People's Congress rules apply."
    doc = make_doc(
        text,
        [
            ("Wang Huning", "PERSON"),
            ("Wang", "ORG", 1),
            ("NPC", "PERSON"),
            ("National People's Congress", "ORG"),
        ],
    )
    mentions = mentions_from_docs({"body": doc})
    assert [(m.kind, m.name) for m in mentions] == [
        ("person", "Wang Huning"),
        ("person", "Wang Huning"),
        ("organisation", "National People's Congress"),
        ("organisation", "National People's Congress"),
    ]


_WORDS = st.sampled_from(
    [
        "Kim",
        "Jong-un",
        "Zhao’s",
        "President",
        "the",
        "Ministry",
        "of",
        "KCNA",
        "(",
        ")",
        "’s",
        "Mr.",
        "“",
        "”",
        ",",
        ".",
        "2024",
        "é",
        "Ré",
        "-",
        "'",
        "State",
        "van",
        "\n",
    ]
)


@settings(max_examples=150, deadline=None)
@given(st.lists(_WORDS, min_size=1, max_size=30), st.data())
def test_offsets_always_point_at_the_surface(words: list[str], data: st.DataObject) -> None:
    text = " ".join(words)
    doc = build_doc(text, [])
    spans = []
    for _ in range(data.draw(st.integers(0, 5))):
        start = data.draw(st.integers(0, len(doc) - 1))
        end = data.draw(st.integers(start + 1, len(doc)))
        spans.append(doc[start:end])
    labels = st.sampled_from(["PERSON", "ORG"])
    doc.ents = [Span(doc, s.start, s.end, label=data.draw(labels)) for s in filter_spans(spans)]
    for mention in mentions_from_docs({"body": doc}):
        assert text[mention.start : mention.end] == mention.surface
        assert mention.surface == mention.surface.strip() and mention.surface
        assert mention.key


def test_more_frequent_full_name_wins_a_shared_sentence(make_doc: MakeDoc) -> None:
    text = "Andy Warhol painted. Andy Warhol filmed. Andy Warhol liked the Warhol Polaroid. Warhol won."
    ents = [("Andy Warhol", "PERSON", i) for i in range(3)] + [
        ("Warhol Polaroid", "PERSON"),
        ("Warhol", "PERSON", 4),
    ]
    mention = mentions_from_docs({"body": make_doc(text, ents)}, kind_model=LABEL_MODEL)[-1]
    assert (mention.surface, mention.name) == ("Warhol", "Andy Warhol")


def test_same_name_takes_its_majority_kind(make_doc: MakeDoc) -> None:
    text = "Dean Kamen spoke. Dean Kamen smiled. Dean Kamen left."
    ents = [("Dean Kamen", "PERSON", 0), ("Dean Kamen", "ORG", 1), ("Dean Kamen", "PERSON", 2)]
    mentions = mentions_from_docs({"body": make_doc(text, ents)})
    assert {m.kind for m in mentions} == {"person"}


def test_unresolved_capitalised_common_noun_is_dropped(make_doc: MakeDoc) -> None:
    text = "Water was scarce. The water ran out, said John Key. Key left."
    mentions = mentions_from_docs(
        {
            "body": make_doc(
                text, [("Water", "PERSON"), ("John Key", "PERSON"), ("Key", "PERSON", 1)]
            )
        }
    )
    assert [(m.surface, m.name) for m in mentions] == [
        ("John Key", "John Key"),
        ("Key", "John Key"),
    ]


def test_role_nouns_are_cut_from_organisations(make_doc: MakeDoc) -> None:
    doc = make_doc(
        "A State Department spokesperson said no.", [("State Department spokesperson", "ORG")]
    )
    assert [m.surface for m in mentions_from_docs({"body": doc})] == ["State Department"]


def test_untagged_lone_name_words_are_found_and_resolved(make_doc: MakeDoc) -> None:
    text = "Mark Rathbun spoke. Later Rathbun left the Rathbun Foundation, and rathbun is a word."
    mentions = mentions_from_docs({"body": make_doc(text, [("Mark Rathbun", "PERSON")])})
    assert [(m.surface, m.name, m.start) for m in mentions] == [
        ("Mark Rathbun", "Mark Rathbun", 0),
        ("Rathbun", "Mark Rathbun", text.index("Rathbun left")),
    ]


def test_surname_joins_the_full_name_whatever_kind_the_model_gave_either(
    make_doc: MakeDoc,
) -> None:
    text = (
        "Head librarian Tomasz Wrobel said the library would open late. "
        "Later Wrobel said evening events had drawn students."
    )
    ents = [("Tomasz Wrobel", "ORG"), ("Wrobel", "PERSON", 1)]
    mentions = mentions_from_docs({"body": make_doc(text, ents)})
    assert [(m.kind, m.surface, m.name) for m in mentions] == [
        ("person", "Tomasz Wrobel", "Tomasz Wrobel"),
        ("person", "Wrobel", "Tomasz Wrobel"),
    ]


def test_a_short_name_and_its_full_name_share_one_kind(make_doc: MakeDoc) -> None:
    text = "The Warhol Polaroid show. Polaroid made film. Polaroid sold cameras."
    ents = [("Warhol Polaroid", "PERSON"), ("Polaroid", "ORG", 1), ("Polaroid", "ORG", 2)]
    mentions = mentions_from_docs({"body": make_doc(text, ents)})
    assert len({m.kind for m in mentions}) <= 1


def test_a_handle_is_neither_and_does_not_sway_a_person(make_doc: MakeDoc) -> None:
    text = 'US President Barack Obama tweeted using his @POTUS account: "Thank you."'
    ents = [("US", "GPE"), ("Barack Obama", "PERSON"), ("@POTUS", "ORG")]
    mentions = mentions_from_docs({"body": make_doc(text, ents)})
    assert [(m.kind, m.name) for m in mentions] == [("person", "Barack Obama")]


def test_an_acronym_joins_the_long_form_it_abbreviates(make_doc: MakeDoc) -> None:
    text = "The Water Services Regulation Authority ruled. Later WSRA said more."
    ents = [("Water Services Regulation Authority", "ORG"), ("WSRA", "PERSON")]
    mentions = mentions_from_docs({"body": make_doc(text, ents)})
    assert {(m.kind, m.name) for m in mentions} == {
        ("organisation", "Water Services Regulation Authority")
    }


def test_capitalised_common_phrase_is_no_person(make_doc: MakeDoc) -> None:
    text = "Space Shuttle flew. The space shuttle landed."
    assert mentions_from_docs({"body": make_doc(text, [("Space Shuttle", "PERSON")])}) == []


def test_echo_after_a_determiner_is_a_thing(make_doc: MakeDoc) -> None:
    text = "Andy Warhol painted. He loved the Warhol look."
    mentions = mentions_from_docs({"body": make_doc(text, [("Andy Warhol", "PERSON")])})
    assert [m.surface for m in mentions] == ["Andy Warhol"]

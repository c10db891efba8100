"""The real model: loading checks, the ruler, and extraction end to end (slow)."""

from __future__ import annotations

from pathlib import Path

import pytest
from entity_docs import MODEL_NAME
from spacy.language import Language

from newsdesk.entities import EntityOptions, extract, load_model
from newsdesk.entities.model import PATTERNS_DIR, read_patterns
from newsdesk.errors import ConfigError
from newsdesk.records import Article


def _article(body: str, title: str | None = None, standfirst: str | None = None) -> Article:
    return Article("test://hand-written", title, standfirst, [], None, None, body)


def test_missing_model_package_names_the_pip_package() -> None:
    with pytest.raises(ConfigError, match="pip install no-such-model-xyz"):
        load_model("no_such_model_xyz", "1.0.0")


@pytest.mark.slow
def test_wrong_version_says_what_is_installed_and_what_to_set() -> None:
    with pytest.raises(ConfigError, match=r"NEWSDESK_SPACY_MODEL_VERSION=3\.8\.0"):
        load_model(MODEL_NAME, "9.9.9")


@pytest.mark.slow
def test_pipeline_has_the_ruler_before_ner_and_no_unused_components(nlp: Language) -> None:
    names = nlp.pipe_names
    assert names.index("newsdesk_ruler") < names.index("ner")
    assert {"lemmatizer", "parser", "tagger"}.isdisjoint(names) and "senter" in names


@pytest.mark.slow
def test_ruler_patterns_find_organisations(nlp: Language) -> None:
    doc = nlp(
        "Officials from the Ministry of Foreign Affairs and the Supreme People’s Assembly met."
    )
    labels = {ent.text: ent.label_ for ent in doc.ents}
    assert labels.get("Ministry of Foreign Affairs") == "ORG"
    assert labels.get("Supreme People’s Assembly") == "ORG"


@pytest.mark.slow
def test_extract_resolves_within_each_article(nlp: Language) -> None:
    articles = [
        _article(
            "Visiting premier Ana Lopes met President Mark Ellison on Tuesday. "
            "Lopes said the talks, reported by the Korean Central News Agency (KCNA), were warm. "
            "KCNA said Ellison agreed.",
            title="Lopes visits",
        ),
        _article("Nothing to see here."),
        _article(""),
    ]
    result = extract(nlp, articles, EntityOptions(batch_size=2))
    assert len(result) == 3 and result[1] == [] and result[2] == []
    names = {(m.surface, m.name) for m in result[0]}
    assert ("Lopes", "Ana Lopes") in names
    assert ("Ellison", "Mark Ellison") in names
    assert ("KCNA", "Korean Central News Agency") in names
    for mention in result[0]:
        assert articles[0].field_text(mention.field)[mention.start : mention.end] == mention.surface


@pytest.mark.slow
def test_long_form_carries_the_acronym_the_ruler_knows(nlp: Language) -> None:
    [mentions] = extract(nlp, [_article("The Korean Central News Agency said nothing more.")])
    assert [(m.name, m.acronym) for m in mentions] == [("Korean Central News Agency", "KCNA")]


@pytest.mark.slow
def test_two_processes_give_the_same_mentions(nlp: Language) -> None:
    articles = [
        _article(f"Mark Ellison met Ana Lopes. Lopes left, Ellison stayed ({i}).") for i in range(4)
    ]
    one = extract(nlp, articles, EntityOptions(batch_size=2, processes=1))
    two = extract(nlp, articles, EntityOptions(batch_size=2, processes=2))
    assert one == two and all(len(ms) == 4 for ms in one)


def test_broken_patterns_file_is_a_config_error(tmp_path: Path) -> None:
    (tmp_path / "mine.jsonl").write_text('{"label": "ORG", "pattern": "Acme"}\n{oops\n')
    with pytest.raises(ConfigError, match=r"mine\.jsonl"):
        read_patterns(tmp_path.glob("*.jsonl"))


def test_shipped_patterns_load_and_are_organisations() -> None:
    patterns = read_patterns(PATTERNS_DIR.glob("*.jsonl"))
    assert patterns and {p["label"] for p in patterns} == {"ORG"}

"""The named rules of the entities stage, each on by default; the bench turns one off at a time.

Production code passes `RULES` (all on); `bench/entities.py --ablation` measures what each buys
by running the stage with one rule off and everything else on. A rule is a plain boolean the
steps read once per article, so the switch costs nothing on the production path.
"""

from __future__ import annotations

from dataclasses import dataclass, fields


@dataclass(frozen=True)
class Rules:
    """Which rules run (the ruler's patterns are switched by loading the model without them)."""

    trim: bool = True  # titles, roles, articles, possessives trimmed off spans
    junk: bool = True  # lower-case text, digits or too many words in a person dropped
    # (with kinds off, also roles alone, page labels, dates, pronouns, nationalities: with the
    # kinds step on, dropping those words by list lowered 8 of the 9 dev figures)
    countries: bool = True  # a country is a place, never an organisation (words/countries.txt)
    # The next changes nothing on the dev sets and keeps a seed's exercise out of people:
    events: bool = True  # "the exercise, Freedom Shield": an event's name is no person
    common_phrases: bool = True  # "Space Shuttle": every word also lower case in the article
    echoes: bool = True  # untagged lone words of a full name found again
    kinds: bool = True  # kinds from evidence per name group (kinds.py); off: labels and votes
    groups: bool = True  # kinds: a short name and an acronym share their full name's group
    labels: bool = True  # kinds: the model's label is evidence
    titles: bool = True  # kinds: titles and person nouns before, roles after
    context: bool = True  # kinds: the words on either side ("said", "in", "the")
    pronouns: bool = True  # kinds: "he"/"she" or "it" after the name in its sentence
    given_names: bool = True  # kinds: a given name first (words/given_names.txt)
    designators: bool = True  # kinds: organisation words ("Ltd", "Council"), connectors
    places: bool = True  # kinds: countries, nationalities, names the model calls places here
    shape: bool = True  # kinds: capitals, digits, initials, hyphens, inner capitals
    suffixes: bool = True  # kinds: the last word's last letters
    short_names: bool = True  # a short person name takes its full name
    acronyms: bool = True  # acronyms joined to their long form (defined, initials, ruler)
    common_nouns: bool = True  # an unresolved one-word name the article writes in lower case

    @classmethod
    def names(cls) -> list[str]:
        """The rule names, in declaration order."""
        return [f.name for f in fields(cls)]


RULES = Rules()

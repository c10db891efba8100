"""Entities stage: people and organisations mentioned in articles, resolved within each one.

    nlp = load_model(settings.spacy_model, settings.spacy_model_version)  # once per process
    mentions = extract(nlp, articles, EntityOptions(batch_size=64, processes=1))

Steps for one article (title, standfirst, body, in that reading order):
1. spaCy NER with an EntityRuler before it (patterns/*.jsonl: agencies, ministries, parties,
   parliaments and committees; add a .jsonl file there to extend it). PERSON and ORG spans are
   candidates, and so are FAC, PRODUCT, WORK_OF_ART, EVENT and LAW spans (the small model
   calls a museum a facility, a newspaper a work of art); places and nationalities are not.
2. Spans trimmed, never the text: titles and roles before a person ("Vice-Premier"), articles
   and lower-case words before an organisation, possessives and punctuation after; junk
   dropped (roles alone, page labels, dates, pronouns, nationalities, lower-case text, a
   "person" of more than four name words). Word lists live in words/*.txt.
3. Kinds from evidence (kinds.py): candidates grouped (one folded name; a short name into the
   one full name holding its words, whatever kind the model gave either; an acronym into the
   one long form it abbreviates), and each group is a person, an organisation or neither by
   the evidence of all its mentions (titles and roles, pronouns and verbs, given names,
   organisation designators, places, shape), weighed by a model fitted on the dev sets
   (kinds.json, rebuilt by bench/kinds.py). Handles ("@POTUS") are neither.
4. Untagged lone words of a person's full name found again ("Rathbun" the model missed).
5. A short person name takes the most recent full name containing it before it, else the
   first after it; a tie between full names in one sentence leaves it as written.
6. Acronyms: defined in parentheses, matching a long form's initials, or known to the ruler.
   Organisation variants ("Korea"/"Korean Central News Agency") merge on key or initials.
7. Keys: `fold_key` (NFKC, casefold, no diacritics, hyphens = spaces, no "the");
   display names: the longest mixed-case variant.
Every rule can be switched off (rules.Rules) for bench/entities.py's ablation.
Across articles (after each run, in SQL, `newsdesk.learn.resolve_short_names`): a short name
an article never expands, or a lone name word the model missed (`echo.find_echoes`), takes the
one full name other articles of the same story give it.
"""

from newsdesk.entities.extract import EntityOptions, check_length, extract, mentions_from_docs
from newsdesk.entities.keys import fold_key
from newsdesk.entities.model import load_model

__all__ = [
    "EntityOptions",
    "check_length",
    "extract",
    "fold_key",
    "load_model",
    "mentions_from_docs",
]

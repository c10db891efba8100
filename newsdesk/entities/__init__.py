"""Entities stage: people and organisations mentioned in articles, resolved within each one.

    nlp = load_model(settings.spacy_model, settings.spacy_model_version)  # once per process
    mentions = extract(nlp, articles, EntityOptions(batch_size=64, processes=1))

Steps for one article (title, standfirst, body, in that reading order):
1. spaCy NER (PERSON, ORG) with an EntityRuler before it (patterns/*.jsonl: agencies,
   ministries, parties, parliaments and committees; add a .jsonl file there to extend it).
2. Spans trimmed, never the text: titles and roles before a person ("Vice-Premier"), articles
   and lower-case words before an organisation, possessives and punctuation after; junk
   dropped (roles alone, page labels, dates, pronouns, nationalities, lower-case text).
   Word lists live in words/*.txt.
3. Untagged lone words of a person's full name found again ("Rathbun" the model missed).
4. Kinds reconciled within the article ("Wang" tagged ORG after "Wang Huning" is a person).
5. A short person name takes the most recent full name containing it before it, else the
   first after it; a tie between full names in one sentence leaves it as written.
6. Acronyms: defined in parentheses, matching a long form's initials, or known to the ruler.
   Organisation variants ("Korea"/"Korean Central News Agency") merge on key or initials.
7. Keys: `fold_key` (NFKC, casefold, no diacritics, hyphens = spaces, no "the");
   display names: the longest mixed-case variant.
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

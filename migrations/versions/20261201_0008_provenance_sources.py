"""The view article_provenance's `source` lists 'learned_furniture' and says what
'after-headline' is.

Why: a published date from the date standing alone under the headline now beats markup when
it falls on another day, and a publisher can come from the furniture an article's cleaning
removed (`newsdesk.learn`: lines removed from enough of one publisher's pages; when one
publisher owns all of the article's, with the name's learned domains as 'furniture-domain'
candidates). An analyst filtering on `source` should find them listed.
Only a comment changes.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Kept here rather than imported, so this migration stays what it was when applied.
BEFORE = (
    "The rule the value came from: 'json-ld:<key>', 'meta:<name>', 'title-tag', "
    "'h1', 'time-tag', 'date-element', 'after-headline', 'headline-line', 'deck-line', "
    "'byline-line', 'byline-element', 'masthead', 'email-domain', 'dateline', "
    "'late-dateline', 'url', 'record:<key>', 'registry' (the shipped or the user's registry "
    "of names by domain), 'learned' (publisher_names)."
)
AFTER = (
    "The rule the value came from: 'json-ld:<key>', 'meta:<name>', 'title-tag', "
    "'h1', 'time-tag', 'date-element', 'after-headline' (a date standing alone under the "
    "headline), 'headline-line', 'deck-line', 'byline-line', 'byline-element', 'masthead', "
    "'email-domain', 'dateline', 'late-dateline', 'url', 'record:<key>', 'registry' (the "
    "shipped or the user's registry of names by domain), 'learned' (publisher_names), "
    "'learned_furniture' (the one publisher whose pages' furniture, lines their cleaning "
    "removes, every such line removed from the article belongs to; its learned domains are in "
    "lost as 'furniture-domain')."
)


def _quote(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def upgrade() -> None:
    op.execute(f"COMMENT ON COLUMN article_provenance.source IS {_quote(AFTER)}")


def downgrade() -> None:
    op.execute(f"COMMENT ON COLUMN article_provenance.source IS {_quote(BEFORE)}")

"""newsdesk: scraped news in, clean Postgres tables of articles, people and organisations out."""

# Raised whenever cleaning, metadata or entity rules change what is stored, so that
# `newsdesk reprocess --outdated-only` rebuilds the rows older rules wrote. 0.2.0: page-local
# publication dates, entities the model missed found across articles, countries dropped as
# organisations, sentences cut at paragraphs.
PIPELINE_VERSION = "0.2.0"

"""newsdesk: scraped news in, clean Postgres tables of articles, people and organisations out."""

# Raised whenever cleaning, metadata or entity rules change what is stored, so that
# `newsdesk reprocess --outdated-only` rebuilds the rows older rules wrote. 0.2.0: page-local
# publication dates, entities the model missed found across articles, countries dropped as
# organisations, sentences cut at paragraphs. 0.3.0: learned boilerplate counted on what
# articles keep without it (`article_lines`, which older rows lack: reprocess fills them), the
# near-duplicate signature taken before learned lines are removed. 0.4.0: each metadata
# value's provenance (`articles.provenance`), `modified_at` kept apart from `published_at`.
# 0.4.1: a date standing alone under the headline beats markup on another day.
PIPELINE_VERSION = "0.4.1"

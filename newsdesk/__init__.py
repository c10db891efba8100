"""newsdesk: scraped news in, clean Postgres tables of articles, people and organisations out."""

PIPELINE_VERSION = "0.1.0"

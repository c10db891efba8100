"""Prefect flows and thin task wrappers around the stages in `newsdesk`."""

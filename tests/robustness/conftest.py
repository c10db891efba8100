"""Fixtures for the robustness tests (the shared ones live in tests/conftest.py)."""

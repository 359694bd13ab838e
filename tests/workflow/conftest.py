"""Fixtures of the end-to-end tests: one quick build shared by the session, and a browser."""

from helpers.browser import browser  # noqa: F401  (fixture)
from helpers.build import built_report  # noqa: F401  (fixture)

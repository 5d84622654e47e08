"""Errors the store raises for requests it refuses, so callers can tell bad input from failures.

The CLI and the actions turn a `StoreError` into a message for the person who asked; any other
exception is a fault of the system and is logged as such.
"""

from __future__ import annotations


class StoreError(Exception):
    """A request the data layer refuses because of what was asked, not because something broke."""


class InvalidInput(StoreError, ValueError):
    """A value is malformed or inconsistent (naive datetime, unknown kind, end before start …)."""


class NotFound(StoreError, LookupError):
    """The row the request names does not exist."""


class TicketStateError(InvalidInput):
    """A status change the ticket lifecycle does not allow (e.g. reopening a finished ticket)."""

"""Errors a user can act on: the CLI prints them as one line, without a traceback."""


class DuankaError(Exception):
    """A failure with a message that says what to do about it."""

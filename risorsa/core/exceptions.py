"""Typed failures of the domain, each carrying a message for the user (Italian first)."""


class DomainError(Exception):
    """A rule of the domain refused the operation; `message` is shown to the user."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class PermissionDenied(DomainError):
    """The user's organization or role may not do this."""

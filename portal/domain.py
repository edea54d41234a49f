"""Errors that service functions raise when a domain rule says no; views turn them into a 422 with the message."""


class DomainError(ValueError):
    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field

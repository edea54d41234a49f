"""Errors that service functions raise when a domain rule says no; views turn them into a 422 with the message."""


class DomainError(ValueError):
    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class FormErrors(DomainError):
    """Several fields refused at once: {field: message}, so a form shows every error in one answer."""

    def __init__(self, errors: dict[str, str], message: str = "Data belum benar: periksa isian yang ditandai."):
        super().__init__(message)
        self.errors = errors

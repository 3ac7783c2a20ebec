"""Errors as data: one exception type that services raise, rendered the same way
by the API (``{"code", "message", "fields"}``) and by the pages (a message on the
field)."""

from __future__ import annotations

from enum import StrEnum


class ErrorCode(StrEnum):
    INVALID = "invalid"
    NOT_FOUND = "not_found"
    PERMISSION_DENIED = "permission_denied"
    NOT_AUTHENTICATED = "not_authenticated"
    CONFLICT = "conflict"
    INVALID_USCC = "invalid_uscc"
    INVALID_ID_NUMBER = "invalid_id_number"
    INVALID_PHONE = "invalid_phone"
    UNKNOWN_REGION = "unknown_region"
    DUPLICATE = "duplicate"


class ApplicationError(Exception):
    """A business rule said no. ``fields`` maps a field name to its Chinese message."""

    status = 400

    def __init__(
        self,
        message: str,
        *,
        code: str = ErrorCode.INVALID,
        fields: dict[str, str] | None = None,
        status: int | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = str(code)
        self.fields = fields or {}
        if status is not None:
            self.status = status

    def as_dict(self) -> dict[str, object]:
        return {"code": self.code, "message": self.message, "fields": self.fields}


class AccessDenied(ApplicationError):
    """The user's role or region does not reach the record."""

    status = 403

    def __init__(self, message: str = "您无权访问该记录：它不在您的管辖范围内。") -> None:
        super().__init__(message, code=ErrorCode.PERMISSION_DENIED)


class NotFound(ApplicationError):
    status = 404

    def __init__(self, message: str = "未找到该记录。") -> None:
        super().__init__(message, code=ErrorCode.NOT_FOUND)


def field_error(field: str, message: str, code: str = ErrorCode.INVALID) -> ApplicationError:
    """A refusal that names the form field to fix, with the message shown on it."""
    return ApplicationError(message, code=code, fields={field: message})

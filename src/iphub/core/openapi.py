"""The API's OpenAPI document lists every error an operation can answer.

Errors leave the API in one shape, ``{code, message, fields}`` (``iphub.api``'s
exception handlers, the rate limiter, the two-factor and password-age
middleware), whichever part of the stack refuses the request. Which statuses
that can be does not depend on the operation's business: any request may be
malformed (400), unauthenticated (401), refused (403: role, region, read-only
token, password expired, two-factor step missing), about something absent or
out of the caller's region (404), invalid (422), too frequent (429), or fail
(500); a write may also conflict with the record's state (409). So the document
names them once here for every operation, all with the one schema ``ApiError``,
and the suite's schemathesis run fails on any status an operation does not list
(``core/tests/test_api_fuzz.py``).
"""

from __future__ import annotations

from typing import Any

from ninja import NinjaAPI

ERROR_SCHEMA_NAME = "ApiError"
ERROR_SCHEMA: dict[str, Any] = {
    "title": ERROR_SCHEMA_NAME,
    "type": "object",
    "description": "所有错误的统一格式。 / The one shape of every error.",
    "properties": {
        "code": {"type": "string", "description": "机器可读的错误码，如 invalid、not_found"},
        "message": {"type": "string", "description": "中文说明，告诉调用方如何更正"},
        "fields": {
            "type": "object",
            "additionalProperties": {"type": "string"},
            "description": "字段名 → 该字段的中文错误提示；与字段无关时为空对象",
        },
    },
    "required": ["code", "message", "fields"],
}

ERRORS: dict[int, str] = {
    400: "请求格式错误 / Malformed request",
    401: "未登录或令牌无效 / Not authenticated",
    403: "无权操作（角色、地区、只读令牌、密码过期或未完成双因素认证） / Forbidden",
    404: "记录不存在或不在您的管辖范围内 / Not found",
    422: "提交的数据有误，见 fields / Invalid data",
    429: "请求过于频繁，见 Retry-After / Too many requests",
    500: "服务器内部错误 / Internal error",
}
WRITE_ERRORS: dict[int, str] = {
    409: "与记录当前状态冲突（如重复提交、状态已变） / Conflict with the record's state",
}
WRITE_METHODS = frozenset({"post", "put", "patch", "delete"})


def document_errors(schema: dict[str, Any]) -> dict[str, Any]:
    """Add the error responses (and the ``ApiError`` schema) to every operation of
    ``schema``, leaving any response an operation declares itself as it is."""
    components = schema.setdefault("components", {})
    components.setdefault("schemas", {})[ERROR_SCHEMA_NAME] = ERROR_SCHEMA
    ref = {"$ref": f"#/components/schemas/{ERROR_SCHEMA_NAME}"}
    for item in schema.get("paths", {}).values():
        for method, operation in item.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            errors = ERRORS | (WRITE_ERRORS if method in WRITE_METHODS else {})
            responses = operation["responses"]
            for status, description in errors.items():
                if status in responses or str(status) in responses:
                    continue
                responses[status] = {
                    "description": description,
                    "content": {"application/json": {"schema": ref}},
                }
    return schema


class IphubAPI(NinjaAPI):
    """django-ninja's API whose OpenAPI document lists the error responses."""

    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        return document_errors(super().get_openapi_schema(*args, **kwargs))

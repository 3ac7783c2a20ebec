"""Password policy of MLPS 2.0 level 3: upper, lower, digit and symbol."""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError


class ComplexityValidator:
    """Require at least one upper-case letter, lower-case letter, digit and symbol."""

    RULES = (
        (r"[A-Z]", "大写字母"),
        (r"[a-z]", "小写字母"),
        (r"\d", "数字"),
        (r"[^A-Za-z0-9]", "符号"),
    )

    def validate(self, password: str, user: Any = None) -> None:
        missing = [label for pattern, label in self.RULES if not re.search(pattern, password)]
        if missing:
            raise ValidationError(
                "密码须同时包含大写字母、小写字母、数字和符号，当前缺少："
                + "、".join(missing)
                + "。",
                code="password_too_simple",
            )

    def get_help_text(self) -> str:
        return "密码至少 8 位，须同时包含大写字母、小写字母、数字和符号。"

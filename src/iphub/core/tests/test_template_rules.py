"""Templates hold no rules: no role, region or state comparison in any ``{% if %}``.

Who may do what is decided by ``core.permissions`` and each app's
``workflow.py``; views pass the permitted actions or flags (``actions``,
``can_edit``, ``case_open`` …) and the template only shows them. A template that
compares ``user.role``, a ``region_id``/region code, ``is_superuser`` or a
``status``/``state`` with a string literal fails this test, naming file and line.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2]

_TAG = re.compile(r"\{%-?\s*(?:if|elif)\s+(.*?)\s*-?%\}", re.S)
# A role, a region key or the superuser flag, as a variable or an attribute
# (``get_role_display`` is a label, not a comparison, and is not matched).
_WHO = re.compile(
    r"(?<![\w])(?:[\w.]*\.)?(role|region_id|region\.code|region\.path|is_superuser)\b"
)
_LITERAL = re.compile(r"""^(['"]).*\1$""")
_STATE = re.compile(r"(?:^|\.)(status|state)$")
_COMPARISON = re.compile(r"\s+(==|!=|not in|in)\s+")


def rule_in(expression: str) -> list[str]:
    """What in one ``{% if %}`` expression is a rule the template should not hold."""
    found = []
    if _WHO.search(expression):
        found.append("role/region")
    if re.search(r"\b42\d{4}\b", expression):
        found.append("region code")
    for part in re.split(r"\s+(?:and|or)\s+", expression):
        operands = _COMPARISON.split(re.sub(r"^not\s+", "", part.strip()))
        if len(operands) != 3:
            continue
        left, _op, right = (o.strip() for o in operands)
        for value, other in ((left, right), (right, left)):
            if _LITERAL.match(other) and _STATE.search(value.split("|")[0]):
                found.append("state literal")
    return found


def template_rules(root: Path = SRC) -> list[str]:
    """Every rule held in a template under ``root``, as ``path:line: what {% if … %}``."""
    out = []
    for path in sorted(root.rglob("templates/**/*.html")):
        text = path.read_text(encoding="utf-8")
        for match in _TAG.finditer(text):
            found = rule_in(match.group(1))
            if found:
                line = text.count("\n", 0, match.start()) + 1
                where = path.relative_to(root)
                out.append(f"{where}:{line}: {', '.join(found)} {{% if {match.group(1)} %}}")
    return out


@pytest.mark.parametrize(
    "expression",
    [
        'user.role == "enforcement"',
        'user.is_authenticated and user.role == "window" or user.is_superuser',
        'user.region_id == "420000"',
        'a.status != "closed" and can_close',
        '"returned" == f.state',
        'case.state|lower == "closed"',
        'event.status in "planned draft"',
    ],
)
def test_a_rule_in_a_template_is_found(expression: str) -> None:
    assert rule_in(expression)


@pytest.mark.parametrize(
    "expression",
    [
        "can_close",
        '"close" in a.steps',
        "k == name",
        'l.mode == "open_licence"',
        "errors.form",
        "user.is_authenticated",
        "v == params.status",
    ],
)
def test_a_flag_or_a_form_value_is_not_a_rule(expression: str) -> None:
    assert rule_in(expression) == []


def test_no_template_compares_roles_regions_or_states() -> None:
    assert template_rules() == []

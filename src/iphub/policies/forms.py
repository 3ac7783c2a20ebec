"""The policy form's fields in and out: the conditions are typed as one input
per rule kind (ticked kinds, a region, ticked tags, minimum numbers)."""

from __future__ import annotations

from typing import Any

from django.http import QueryDict

from iphub.policies.models import Policy

FIELDS = (
    "title", "level", "issuing_body", "document_number", "issued_on", "validity",
    "effective_from", "expires_on", "region", "summary", "full_text", "support_note",
)  # fmt: skip


def conditions_from_post(post: QueryDict) -> list[dict[str, Any]]:
    """The rules the form's condition inputs describe (empty inputs: no rule)."""
    rules: list[dict[str, Any]] = []
    if kinds := post.getlist("cond_org_kind"):
        rules.append({"kind": "org_kind", "values": kinds})
    if region := post.get("cond_region_within", "").strip():
        rules.append({"kind": "region_within", "region": region})
    if tags := post.getlist("cond_tag_any"):
        rules.append({"kind": "tag_any", "values": tags})
    if n := post.get("cond_valid_inventions", "").strip():
        rules.append({"kind": "valid_inventions", "min": n})
    if post.get("cond_pledge_this_year"):
        rules.append({"kind": "pledge_this_year"})
    if h := post.get("cond_training_hours", "").strip():
        rules.append({"kind": "training_hours", "min": h})
    return rules


def data_from_post(post: QueryDict) -> dict[str, Any]:
    """What the service takes, from the form."""
    data: dict[str, Any] = {k: post.get(k, "") for k in FIELDS}
    data["is_support"] = bool(post.get("is_support"))
    data["conditions"] = conditions_from_post(post)
    return data


def values_of(policy: Policy | None, data: dict[str, Any] | None = None) -> dict[str, Any]:
    """The form's values: a posted form's, else the policy's, flattened for inputs."""
    if data is None:
        if policy is None:
            # Every field present: the template passes some as filter arguments,
            # which Django does not forgive when missing.
            return {k: "" for k in FIELDS} | {"validity": "effective", "conditions": {}}
        data = {k: getattr(policy, k) for k in FIELDS if k != "region"}
        data["region"] = policy.region_id
        data["is_support"] = policy.is_support
        data["conditions"] = policy.conditions
    flat: dict[str, Any] = {}
    for rule in data.get("conditions") or []:
        kind = rule.get("kind")
        if kind in ("org_kind", "tag_any"):
            flat[kind] = list(rule.get("values") or [])
        elif kind == "region_within":
            flat[kind] = rule.get("region")
        elif kind in ("valid_inventions", "training_hours"):
            flat[kind] = rule.get("min")
        elif kind == "pledge_this_year":
            flat[kind] = True
    return {**data, "conditions": flat}

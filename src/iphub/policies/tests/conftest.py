"""Fixtures for the policy library: the index of the test's own directory, and a
helper that saves a policy through the service."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from iphub.filings.tests.conftest import patents  # noqa: F401 (a fixture, used by name)
from iphub.policies import services
from iphub.policies.models import Policy


@pytest.fixture(autouse=True)
def own_index(tmp_path: Path, settings: Any) -> Iterator[Path]:
    """Each test gets empty index directories (the policy index sits beside the patents')."""
    settings.SEARCH_INDEX_DIR = tmp_path / "index"
    yield tmp_path


def add_policy(actor: Any, **over: Any) -> Policy:
    data = {
        "title": "湖北省知识产权质押融资入园惠企行动方案",
        "level": "provincial",
        "issuing_body": "湖北省知识产权局",
        "document_number": "鄂知发〔2021〕18号",
        "issued_on": "2021-08-10",
        "region": "420000",
        "summary": "推动知识产权质押融资进园区、惠企业。",
        "full_text": (
            "各市州知识产权局：为扩大知识产权质押融资规模，服务园区中小企业，现制定本方案。"
        ),
    } | over
    return services.policy_create(actor=actor, data=data)

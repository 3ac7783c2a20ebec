"""IPC suggestions on needs (issue 20, item 4): the unchosen ones are stored apart
from the need's own codes, and a match found through them says so."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from iphub.core.models import User
from iphub.patents.models import Patent
from iphub.patents.tests.ipc_fixture import ipc_model  # noqa: F401
from iphub.transfer import services
from iphub.transfer.matching import rank_for_need
from iphub.transfer.tests.conftest import need_data

pytestmark = pytest.mark.usefixtures("ipc_model")


@pytest.fixture(autouse=True)
def indexed(corpus: dict[int, Patent]) -> None:
    from iphub.core.outbox import outbox_drain_all

    outbox_drain_all()


def test_unchosen_suggestions_are_stored_apart_and_marked_in_match_reasons(
    corpus: dict[int, Patent], cast: dict[str, User], settings: Any
) -> None:
    settings.TRANSFER_MATCH_SUGGESTED_IPC = True
    need = services.need_create(actor=cast["enterprise"], data=need_data(ipc_codes=""))
    assert need.ipc_codes == []
    assert need.ipc_suggested[0]["code"] == "H01M" and need.ipc_suggested[0]["title"]
    best = next(c for c in rank_for_need(need) if c.patent.pk == corpus[1].pk)
    assert best.reasons["ipc_suggested"] and best.components["ipc"] > 0
    assert "系统推荐分类" in best.reasons["summary"]


def test_by_default_unchosen_suggestions_are_stored_but_not_matched_on(
    corpus: dict[int, Patent], cast: dict[str, User], client: Client
) -> None:
    need = services.need_create(actor=cast["enterprise"], data=need_data(ipc_codes=""))
    assert need.ipc_codes == [] and need.ipc_suggested[0]["code"] == "H01M"
    best = next(c for c in rank_for_need(need) if c.patent.pk == corpus[1].pk)
    assert not best.reasons["ipc_suggested"] and best.components["ipc"] == 0
    assert "系统推荐分类" not in best.reasons["summary"]
    client.force_login(cast["enterprise"])
    page = client.get(f"/transfer/needs/{need.pk}/").content.decode()
    assert "推荐分类（未选）" in page and "不参与匹配" in page


def test_chosen_codes_are_the_needs_own_and_never_marked_suggested(
    corpus: dict[int, Patent], cast: dict[str, User]
) -> None:
    need = services.need_create(actor=cast["enterprise"], data=need_data(ipc_codes="H01M, B01J"))
    assert need.ipc_codes == ["H01M", "B01J"]
    assert "H01M" not in [s["code"] for s in need.ipc_suggested]
    best = next(c for c in rank_for_need(need) if c.patent.pk == corpus[1].pk)
    assert not best.reasons["ipc_suggested"]
    assert "分类号相近：H01M" in best.reasons["summary"]

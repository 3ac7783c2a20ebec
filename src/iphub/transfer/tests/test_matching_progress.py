"""A need's page while its matching runs: queued, running (with its stage), done
(the matches, no more polling), failed (with the reason) and stalled (when it
last moved); the page polls only while there is something to wait for."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from iphub.core.models import User
from iphub.patents.models import Patent
from iphub.transfer import embeddings, services
from iphub.transfer.models import MatchingStatus, TechnologyNeed
from iphub.transfer.services.matches import listing_matching_run, need_matching_run
from iphub.transfer.tests.conftest import need_data

POLL = 'hx-get="/transfer/needs/{pk}/matching/"'


def _get(client: Any, url: str, **headers: str) -> tuple[int, str, Any]:
    resp = client.get(url, headers=headers)
    return resp.status_code, resp.content.decode(), resp


@pytest.mark.django_db
def test_a_posted_need_says_matching_is_queued_and_polls(
    client: Any, cast: dict[str, User]
) -> None:
    client.force_login(cast["enterprise"])
    resp = client.post("/transfer/needs/new/", need_data())
    assert resp.status_code == 302
    need = TechnologyNeed.objects.get()
    _, page, _ = _get(client, resp["Location"])
    assert 'data-job-state="queued"' in page and "排队中" in page
    assert POLL.format(pk=need.pk) in page
    assert "正在为您匹配专利" in page and "暂无匹配结果" not in page
    status, part, _ = _get(client, f"/transfer/needs/{need.pk}/matching/", HX_Request="true")
    assert status == 200 and POLL.format(pk=need.pk) in part and 'data-polling="true"' in part


@pytest.mark.django_db
def test_a_running_match_shows_its_stage_and_keeps_polling(
    client: Any, cast: dict[str, User]
) -> None:
    need = services.need_create(actor=cast["enterprise"], data=need_data())
    TechnologyNeed.objects.filter(pk=need.pk).update(
        matching_status=MatchingStatus.RUNNING,
        matching_stage="rank",
        matching_progressed_at=timezone.now(),
    )
    client.force_login(cast["enterprise"])
    _, part, resp = _get(client, f"/transfer/needs/{need.pk}/matching/", HX_Request="true")
    assert 'data-job-state="running"' in part and "匹配中" in part
    assert "检索并排序候选专利" in part and "60%" in part
    assert POLL.format(pk=need.pk) in part and "HX-Refresh" not in resp


@pytest.mark.django_db(transaction=True)
def test_when_matching_is_done_the_page_shows_the_matches_and_stops_polling(
    client: Any, cast: dict[str, User], corpus: dict[int, Patent]
) -> None:
    # Tests run tasks inline: the matching is done once the need is committed.
    need = services.need_create(actor=cast["enterprise"], data=need_data())
    need.refresh_from_db()
    assert need.matching_status == MatchingStatus.DONE
    client.force_login(cast["enterprise"])
    _, part, resp = _get(client, f"/transfer/needs/{need.pk}/matching/", HX_Request="true")
    assert 'data-job-state="done"' in part and "hx-get" not in part
    assert resp["HX-Refresh"] == "true"  # the page reloads to show the matches
    _, page, _ = _get(client, f"/transfer/needs/{need.pk}/")
    assert 'data-job-state="done"' in page and POLL.format(pk=need.pk) not in page
    assert corpus[1].title in page and 'data-testid="no-matches"' not in page


@pytest.mark.django_db
def test_a_failed_match_says_why_and_stops_polling(
    client: Any, cast: dict[str, User], monkeypatch: pytest.MonkeyPatch
) -> None:
    need = services.need_create(actor=cast["enterprise"], data=need_data())

    def broken(**_: Any) -> bool:
        raise RuntimeError("语义模型文件损坏")

    monkeypatch.setattr(embeddings, "need_embed", broken)
    assert need_matching_run(need_id=need.pk) == 0
    client.force_login(cast["enterprise"])
    _, page, _ = _get(client, f"/transfer/needs/{need.pk}/")
    assert 'data-job-state="failed"' in page and "匹配失败：语义模型文件损坏" in page
    assert POLL.format(pk=need.pk) not in page
    assert "暂无匹配结果" in page


@pytest.mark.django_db
def test_a_match_that_stopped_moving_says_since_when_and_stops_polling(
    client: Any, cast: dict[str, User]
) -> None:
    need = services.need_create(actor=cast["enterprise"], data=need_data())
    last = timezone.now() - dt.timedelta(minutes=45)
    TechnologyNeed.objects.filter(pk=need.pk).update(
        matching_status=MatchingStatus.RUNNING, matching_stage="embed", matching_progressed_at=last
    )
    client.force_login(cast["enterprise"])
    _, part, _ = _get(client, f"/transfer/needs/{need.pk}/matching/", HX_Request="true")
    assert 'data-job-state="stalled"' in part and "后台任务可能已中断" in part
    assert timezone.localtime(last).strftime("%Y-%m-%d %H:%M") in part
    assert "hx-get" not in part


@pytest.mark.django_db
def test_only_the_needs_owner_and_its_staff_see_its_matching(
    client: Any, cast: dict[str, User], yichang_user: User
) -> None:
    need = services.need_create(actor=cast["enterprise"], data=need_data())
    url = f"/transfer/needs/{need.pk}/matching/"
    client.force_login(cast["wuhan_clerk"])
    assert client.get(url).status_code == 200
    client.force_login(yichang_user)
    assert client.get(url).status_code == 404
    page = client.get(f"/transfer/needs/{need.pk}/").content.decode()
    assert "data-job-state" not in page  # the public page of an open need shows no job


@pytest.mark.django_db
def test_a_new_listing_follows_its_matching_until_done(
    client: Any, patentee: User, corpus: dict[int, Patent]
) -> None:
    listing = services.listing_create(
        actor=patentee, data={"title": "高镍正极包覆专利转让", "mode": "transfer"},
        patent_ids=[corpus[1].pk],
    )  # fmt: skip
    poll = f'hx-get="/transfer/supply/{listing.pk}/matching/"'
    client.force_login(patentee)
    page = client.get(f"/transfer/supply/{listing.pk}/").content.decode()
    assert 'data-job-state="queued"' in page and poll in page
    assert "正在为挂牌专利匹配技术需求" in page
    assert listing_matching_run(listing_id=listing.pk) == 0  # no open need yet
    _, part, resp = _get(client, f"/transfer/supply/{listing.pk}/matching/", HX_Request="true")
    assert 'data-job-state="done"' in part and "hx-get" not in part
    assert resp["HX-Refresh"] == "true"
    page = client.get(f"/transfer/supply/{listing.pk}/").content.decode()
    assert poll not in page and "暂无匹配。" in page


@pytest.mark.django_db
def test_a_failed_or_stalled_match_is_offered_again_to_the_owner(
    client: Any, cast: dict[str, User]
) -> None:
    need = services.need_create(actor=cast["enterprise"], data=need_data())
    client.force_login(cast["enterprise"])
    assert (
        'data-testid="match-again"'
        not in client.get(f"/transfer/needs/{need.pk}/").content.decode()
    )
    TechnologyNeed.objects.filter(pk=need.pk).update(
        matching_status=MatchingStatus.FAILED, matching_message="匹配失败：索引不可用"
    )
    page = client.get(f"/transfer/needs/{need.pk}/").content.decode()
    assert 'data-testid="match-again"' in page
    resp = client.post(f"/transfer/needs/{need.pk}/match/")
    assert resp.status_code == 302
    need.refresh_from_db()
    assert need.matching_status == MatchingStatus.QUEUED and need.matching_message == ""
    page = client.get(f"/transfer/needs/{need.pk}/").content.decode()
    assert 'data-job-state="queued"' in page and 'data-testid="match-again"' not in page

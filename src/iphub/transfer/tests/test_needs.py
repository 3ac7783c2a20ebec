"""Posting, collecting, importing, expiring and renewing technology needs."""

from __future__ import annotations

import datetime as dt
import io
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from iphub.core.errors import AccessDenied, ApplicationError
from iphub.core.models import AuditEntry, Organisation, User
from iphub.transfer import selectors, services
from iphub.transfer.models import NeedSource, NeedStatus, TechnologyNeed
from iphub.transfer.services.need_imports import COLUMNS
from iphub.transfer.tests.conftest import need_data

pytestmark = pytest.mark.django_db


def test_enterprise_posts_a_need_in_its_own_region(cast: dict[str, User]) -> None:
    need = services.need_create(actor=cast["enterprise"], data=need_data())
    assert need.organisation.name == "洪山测试科技有限公司"
    assert need.region_id == "420111"
    assert need.source == NeedSource.SELF and need.status == NeedStatus.OPEN
    assert need.preferred_forms == ["transfer", "ordinary"]
    assert str(need.budget_max) == "2000000.00"
    assert AuditEntry.objects.filter(action="need_create", object_id=str(need.pk)).exists()


@pytest.mark.parametrize(
    ("over", "field", "words"),
    [
        ({"description": ""}, "description", "请填写技术问题描述"),
        ({"budget_min": "300", "budget_max": "100"}, "budget_max", "不能低于预算下限"),
        ({"deadline": "2020-01-01"}, "deadline", "应晚于今天"),
        ({"preferred_forms": ["barter"]}, "preferred_forms", "合作方式“barter”无效"),
        ({"ipc_codes": "ZZ9"}, "ipc_codes", "不是有效的 IPC"),
        ({"contact_phone": "123"}, "contact_phone", "电话号码格式不正确"),
    ],
)
def test_bad_need_names_the_field_and_saves_nothing(
    cast: dict[str, User], over: dict[str, Any], field: str, words: str
) -> None:
    with pytest.raises(ApplicationError) as err:
        services.need_create(actor=cast["enterprise"], data=need_data(**over))
    assert words in err.value.fields[field]
    assert TechnologyNeed.objects.count() == 0


def test_staff_collect_for_an_enterprise_in_their_region_only(
    cast: dict[str, User], orgs: dict[str, Organisation]
) -> None:
    org = orgs["wuhan_hongshan"]
    need = services.need_create(
        actor=cast["wuhan_clerk"], data=need_data(contact_name=""), organisation_id=org.pk
    )
    assert need.source == NeedSource.VISIT
    # The organisation's registered contact stands in when the visit noted none.
    assert need.contact_name == "张三丰"
    with pytest.raises(AccessDenied):
        services.need_create(actor=cast["yichang_clerk"], data=need_data(), organisation_id=org.pk)
    assert TechnologyNeed.objects.count() == 1


def test_public_hall_masks_contact_but_owner_and_staff_see_it(cast: dict[str, User]) -> None:
    need = services.need_create(actor=cast["enterprise"], data=need_data())
    anonymous = type("Anon", (), {"is_authenticated": False})()
    assert selectors.need_contact(anonymous, need) == {"name": "张**", "phone": "138****5678"}
    assert selectors.need_contact(cast["yichang_clerk"], need)["phone"] == "138****5678"
    assert selectors.need_contact(cast["enterprise"], need)["phone"] == "13812345678"
    assert selectors.need_contact(cast["wuhan_clerk"], need)["name"] == "张三丰"


def test_staff_lists_are_region_scoped(cast: dict[str, User]) -> None:
    services.need_create(actor=cast["enterprise"], data=need_data())
    assert selectors.need_list(user=cast["wuhan_clerk"]).count() == 1
    assert selectors.need_list(user=cast["hongshan_clerk"]).count() == 1
    assert selectors.need_list(user=cast["yichang_clerk"]).count() == 0
    assert selectors.need_list(user=cast["supervisor"]).count() == 1


def test_hall_filters_by_words_form_and_ipc(cast: dict[str, User]) -> None:
    services.need_create(actor=cast["enterprise"], data=need_data())
    services.need_create(
        actor=cast["enterprise"],
        data=need_data(
            title="座椅轻量化",
            description="汽车座椅骨架需要减重两成以上的结构设计",
            ipc_codes="B60N",
            preferred_forms=["joint"],
        ),
    )
    assert [n.title for n in selectors.need_hall(q="座椅")] == ["座椅轻量化"]
    assert [n.title for n in selectors.need_hall(form="joint")] == ["座椅轻量化"]
    assert [n.title for n in selectors.need_hall(ipc="h01m")] == ["高镍正极材料高温循环衰减快"]


def test_expiry_sweep_then_renewal(cast: dict[str, User]) -> None:
    need = services.need_create(actor=cast["enterprise"], data=need_data())
    after = need.deadline + dt.timedelta(days=1)
    assert services.needs_expire_due(today=after) == {"expired": 1, "stale": 0}
    need.refresh_from_db()
    assert need.status == NeedStatus.EXPIRED
    assert not selectors.need_hall().exists()
    # Running again changes nothing: the need was claimed once.
    assert services.needs_expire_due(today=after)["expired"] == 0
    with pytest.raises(ApplicationError) as err:
        services.need_update(actor=cast["enterprise"], need_id=need.pk, data={"title": "x"})
    assert "请先续期" in err.value.message
    with pytest.raises(ApplicationError) as err:
        services.need_renew(actor=cast["enterprise"], need_id=need.pk, deadline="2020-01-01")
    assert "deadline" in err.value.fields
    new_deadline = timezone.localdate() + dt.timedelta(days=60)
    services.need_renew(actor=cast["enterprise"], need_id=need.pk, deadline=new_deadline)
    need.refresh_from_db()
    assert need.status == NeedStatus.OPEN and need.deadline == new_deadline
    with pytest.raises(AccessDenied):
        services.need_renew(actor=cast["yichang_clerk"], need_id=need.pk, deadline=new_deadline)


def test_unconfirmed_needs_turn_stale_through_the_command(cast: dict[str, User]) -> None:
    need = services.need_create(actor=cast["enterprise"], data=need_data())
    TechnologyNeed.objects.filter(pk=need.pk).update(
        confirmed_at=timezone.now() - dt.timedelta(days=120)
    )
    out = StringIO()
    call_command("expire_needs", stdout=out)
    assert "标记待确认 1 条" in out.getvalue()
    need.refresh_from_db()
    assert need.status == NeedStatus.STALE
    # Only staff may mark stale by hand, and an enterprise may not close another's need.
    with pytest.raises(ApplicationError):
        services.need_mark_stale(actor=cast["enterprise"], need_id=need.pk)
    services.need_close(actor=cast["enterprise"], need_id=need.pk)
    need.refresh_from_db()
    assert need.status == NeedStatus.CLOSED


def _xlsx(rows: list[list[Any]]) -> io.BytesIO:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(list(COLUMNS))
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    return buf


def _import_rows(orgs: dict[str, Organisation]) -> list[list[Any]]:
    deadline = (dt.date.today() + dt.timedelta(days=30)).isoformat()
    good = need_data()
    uscc = orgs["wuhan_hongshan"].uscc
    return [
        [
            good["title"],
            good["description"],
            "",
            "H01M",
            "1",
            "2",
            "专利转让",
            deadline,
            uscc,
            "李四",
            "13900001111",
        ],
        ["空描述", "", "", "", "", "", "普通许可", deadline, uscc, "李四", "13900001111"],
        [
            "外地企业",
            good["description"],
            "",
            "",
            "",
            "",
            "普通许可",
            deadline,
            orgs["yichang"].uscc,
            "王五",
            "13900002222",
        ],
    ]


def test_import_all_or_nothing_reports_every_bad_row(
    cast: dict[str, User], orgs: dict[str, Organisation]
) -> None:
    report = services.need_import(
        actor=cast["wuhan_clerk"], file=_xlsx(_import_rows(orgs)), mode="all"
    )
    assert report.rejected and report.created == 0
    assert [r["line"] for r in report.bad_rows] == [3, 4]
    assert report.bad_rows[0]["errors"][0]["field"] == "description"
    assert "不在您的管辖范围内" in report.bad_rows[1]["errors"][0]["message"]
    assert TechnologyNeed.objects.count() == 0


def test_import_skip_bad_keeps_the_good_rows(
    cast: dict[str, User], orgs: dict[str, Organisation]
) -> None:
    report = services.need_import(
        actor=cast["wuhan_clerk"], file=_xlsx(_import_rows(orgs)), mode="skip"
    )
    assert report.created == 1 and len(report.bad_rows) == 2
    need = TechnologyNeed.objects.get()
    assert need.source == NeedSource.IMPORT and need.contact_name == "李四"
    with pytest.raises(AccessDenied):
        services.need_import(actor=cast["enterprise"], file=_xlsx([]), mode="skip")


def test_import_template_download(client: Any, cast: dict[str, User]) -> None:
    client.force_login(cast["wuhan_clerk"])
    resp = client.get("/transfer/needs/import/template.xlsx")
    assert resp.status_code == 200
    wb = load_workbook(io.BytesIO(b"".join(resp.streaming_content)), read_only=True)
    header = next(wb.worksheets[0].iter_rows(values_only=True))
    assert header[:2] == ("需求名称", "技术问题描述")

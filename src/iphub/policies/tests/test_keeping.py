"""Staff keep the library of their region (audited); validation refuses bad
input with the field named; every staff list and form is region-scoped: another
region's document answers 404."""

from __future__ import annotations

from typing import Any

import pytest

from iphub.core.errors import AccessDenied, ApplicationError, NotFound
from iphub.core.models import AuditEntry
from iphub.policies import selectors, services
from iphub.policies.tests.conftest import add_policy

pytestmark = pytest.mark.django_db


def test_saves_are_audited_and_bad_input_changes_nothing(cast: dict[str, Any]) -> None:
    p = add_policy(cast["supervisor"])
    assert AuditEntry.objects.filter(action="policies.policy_create", object_id=str(p.pk)).exists()
    with pytest.raises(ApplicationError) as exc:
        add_policy(cast["supervisor"], document_number="鄂知发2022第3号", issued_on="")
    assert set(exc.value.fields) >= {"document_number", "issued_on"}
    with pytest.raises(ApplicationError, match="已在政策库中"):
        add_policy(cast["supervisor"], title="重复文号")
    with pytest.raises(ApplicationError) as exc:
        add_policy(cast["supervisor"], validity="repealed", document_number="")
    assert "expires_on" in exc.value.fields
    with pytest.raises(ApplicationError) as exc:
        add_policy(cast["supervisor"], is_support=True, document_number="")
    assert "conditions" in exc.value.fields
    assert selectors.policy_list().total == 1


def test_who_keeps_what(cast: dict[str, Any]) -> None:
    province = add_policy(cast["supervisor"])
    wuhan = add_policy(cast["wuhan_clerk"], title="武汉措施", document_number="", region="420100")
    with pytest.raises(AccessDenied):
        add_policy(cast["hongshan_clerk"], document_number="")  # a county's staff
    with pytest.raises(AccessDenied):
        add_policy(cast["enterprise"], document_number="")
    with pytest.raises(AccessDenied):
        add_policy(cast["wuhan_clerk"], document_number="", region="420500")
    assert list(selectors.policy_keep_list(user=cast["wuhan_clerk"])) == [wuhan]
    assert set(selectors.policy_keep_list(user=cast["supervisor"])) == {province, wuhan}
    assert list(selectors.policy_keep_list(user=cast["yichang_clerk"])) == []
    for who, pid in (("yichang_clerk", wuhan.pk), ("wuhan_clerk", province.pk)):
        with pytest.raises(NotFound):
            services.policy_update(actor=cast[who], policy_id=pid, data={})


def test_staff_pages_out_of_region_answer_404(cast: dict[str, Any], client: Any) -> None:
    wuhan = add_policy(cast["wuhan_clerk"], title="武汉措施", document_number="", region="420100")
    client.force_login(cast["yichang_clerk"])
    assert client.get(f"/policies/keep/{wuhan.pk}/edit/").status_code == 404
    assert client.post(f"/policies/keep/{wuhan.pk}/edit/", {"title": "x"}).status_code == 404
    assert "武汉措施" not in client.get("/policies/keep/").content.decode()
    client.force_login(cast["wuhan_clerk"])
    assert client.get(f"/policies/keep/{wuhan.pk}/edit/").status_code == 200
    # The public page is public.
    client.logout()
    assert "武汉措施" in client.get(f"/policies/{wuhan.pk}/").content.decode()
    assert client.get("/policies/keep/").status_code == 302


def test_the_form_saves_conditions(cast: dict[str, Any], client: Any) -> None:
    client.force_login(cast["wuhan_clerk"])
    response = client.post(
        "/policies/keep/new/",
        {
            "title": "武汉市贯标奖励",
            "level": "local",
            "issuing_body": "武汉市市场监督管理局",
            "document_number": "武市监规[2024]2号",
            "issued_on": "2024-03-01",
            "validity": "effective",
            "region": "420100",
            "is_support": "1",
            "support_note": "奖励 3 万元",
            "cond_org_kind": ["enterprise"],
            "cond_tag_any": ["high_tech"],
            "cond_valid_inventions": "2",
        },
    )
    assert response.status_code == 302
    p = selectors.policy_list(q="贯标").policies[0]
    assert p.document_number == "武市监规〔2024〕2号"
    assert p.conditions == [
        {"kind": "org_kind", "values": ["enterprise"]},
        {"kind": "tag_any", "values": ["high_tech"]},
        {"kind": "valid_inventions", "min": 2},
    ]
    bad = client.post("/policies/keep/new/", {"title": "", "document_number": "abc"})
    assert bad.status_code == 400 and "文号格式应为" in bad.content.decode()


def test_the_new_form_opens_and_the_trail_reads_in_words(cast: dict[str, Any], client: Any) -> None:
    from iphub.portal.tests.codewords import code_words

    client.force_login(cast["supervisor"])
    assert client.get("/policies/keep/new/").status_code == 200
    add_policy(
        cast["supervisor"],
        document_number="",
        is_support=True,
        conditions=[
            {"kind": "org_kind", "values": ["agency"]},
            {"kind": "training_hours", "min": 4},
        ],
    )
    page = client.get("/audit/").content.decode()
    assert "录入政策文件" in page and "单位类型：服务机构" in page
    assert "本单位人员累计培训学时不少于 4" in page
    assert code_words(page, allow=[u.username for u in cast.values()]) == []

"""The staff page for high-value evidence, and the criteria on the patent page."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from iphub.core.errors import ApplicationError
from iphub.core.models import AuditEntry
from iphub.navigation import services
from iphub.navigation.models import HighValueEvidence
from iphub.patents.models import Patent

pytestmark = pytest.mark.django_db(transaction=True)


def test_pledge_evidence_needs_an_amount(patents: dict[int, int], cast: dict[str, Any]) -> None:
    with pytest.raises(ApplicationError) as exc:
        services.evidence_add(
            actor=cast["wuhan_clerk"],
            patent_id=patents[1],
            criterion="pledge",
            source_note="登记号",
        )
    assert "amount" in exc.value.fields
    for bad in ("-5", "abc", "0"):
        with pytest.raises(ApplicationError) as exc:
            services.evidence_add(
                actor=cast["wuhan_clerk"],
                patent_id=patents[1],
                criterion="pledge",
                source_note="登记号",
                amount=bad,
            )
        assert "amount" in exc.value.fields
    ev = services.evidence_add(
        actor=cast["wuhan_clerk"],
        patent_id=patents[1],
        criterion="pledge",
        source_note="Y2024420000123",
        amount="1,500.5",
    )
    assert ev.amount == Decimal("1500.50")
    # A family needs no amount; one typed by mistake is not kept.
    fam = services.evidence_add(
        actor=cast["wuhan_clerk"],
        patent_id=patents[1],
        criterion="foreign_family",
        source_note="US1B2",
        amount="9",
    )
    assert fam.amount is None


def test_staff_enter_evidence_by_number_and_the_patent_page_shows_it(
    client: Any, patents: dict[int, int], cast: dict[str, Any]
) -> None:
    patent = Patent.objects.get(pk=patents[1])
    detail = f"/patents/{patent.pk}/"
    client.force_login(cast["supervisor"])
    page = client.get(detail).content.decode()
    assert 'data-testid="high-value"' in page and "战略性新兴产业" in page
    assert "有海外同族专利权" not in page and 'data-testid="add-evidence"' in page

    form = client.get(f"/navigation/evidence/?number={patent.application_number}")
    assert patent.application_number in form.content.decode()
    bad = client.post(
        "/navigation/evidence/",
        {"number": "CN999", "criterion": "award", "source_note": "x"},
    )
    assert bad.status_code == 200 and "未找到申请号或公开号为 CN999 的专利" in bad.content.decode()
    # The number as people type it: ZL prefix, no dot.
    typed = "ZL" + patent.application_number.replace(".", "")
    resp = client.post(
        "/navigation/evidence/",
        {"number": typed, "criterion": "pledge", "source_note": "Y2024420000123", "amount": "800"},
    )
    assert resp.status_code == 302
    resp = client.post(
        "/navigation/evidence/",
        {"number": patent.application_number, "criterion": "award", "source_note": "第二十五届"},
    )
    assert resp.status_code == 302
    listing = client.get("/navigation/evidence/").content.decode()
    assert "Y2024420000123" in listing and "800.00" in listing and "第二十五届" in listing

    page = client.get(detail).content.decode()
    assert "实现较高质押融资" in page and "获国家科学技术奖或中国专利奖" in page
    assert "第二十五届" in page  # staff see the evidence behind the criteria

    # Everyone sees which criteria the patent meets, not the staff notes.
    client.logout()
    public = client.get(detail).content.decode()
    assert "获国家科学技术奖或中国专利奖" in public
    assert "第二十五届" not in public and 'data-testid="add-evidence"' not in public

    client.force_login(cast["supervisor"])
    award = HighValueEvidence.objects.get(criterion="award")
    assert client.post(f"/navigation/evidence/{award.pk}/remove/").status_code == 302
    assert "获国家科学技术奖或中国专利奖" not in client.get(detail).content.decode()
    assert AuditEntry.objects.filter(action="navigation.evidence_remove").count() == 1


def test_only_evidence_keepers_open_the_page(
    client: Any, patents: dict[int, int], cast: dict[str, Any]
) -> None:
    ev = services.evidence_add(
        actor=cast["supervisor"], patent_id=patents[1], criterion="award", source_note="x"
    )
    for who in ("enterprise", "wuhan_enforcer"):
        client.force_login(cast[who])
        assert client.get("/navigation/evidence/").status_code == 403
        assert client.post(f"/navigation/evidence/{ev.pk}/remove/").status_code == 403
        assert 'data-testid="evidence-link"' not in client.get("/navigation/").content.decode()
    assert HighValueEvidence.objects.filter(pk=ev.pk).exists()
    client.force_login(cast["wuhan_clerk"])
    assert 'data-testid="evidence-link"' in client.get("/navigation/").content.decode()
    assert client.get("/navigation/evidence/").status_code == 200


def test_utility_models_are_outside_the_indicator(
    client: Any, patents: dict[int, int], cast: dict[str, Any]
) -> None:
    page = client.get(f"/patents/{patents[3]}/").content.decode()
    assert "仅发明专利参与高价值发明专利统计" in page


def test_patent_found_by_any_number_people_type(patents: dict[int, int]) -> None:
    from iphub.navigation.selectors import evidence_patent

    patent = Patent.objects.get(pk=patents[1])
    digits = patent.application_number.replace(".", "")
    for typed in (patent.application_number, f"ZL{digits}", f"CN {digits}"):
        assert evidence_patent(typed) == patent, typed
    Patent.objects.filter(pk=patent.pk).update(
        publication_number="CN113000001", publication_kind="A", grant_number="CN113000001B"
    )
    for typed in ("CN113000001A", "cn113000001", "CN113000001B"):
        assert evidence_patent(typed) == patent, typed
    with pytest.raises(ApplicationError) as exc:
        evidence_patent("CN113000001U")  # a utility-model kind on an invention number
    assert "number" in exc.value.fields

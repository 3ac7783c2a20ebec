"""A small world around 洪山测试科技有限公司 (Wuhan, Hongshan): patents under its
name, under a folded spelling and under a former name not yet tied to it; a
co-applied patent; other firms' patents; and a record of every other kind the
profile counts (trademarks, filings, financing, deals, needs, listings, cases,
assistance). The right answers are counted in the tests from these rows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction
from model_bakery import baker

from iphub.core.models import Organisation, Region, User
from iphub.filings.models import Filing, FilingKind, FilingState, Operation
from iphub.finance.models import FinancingRequest, RequestState
from iphub.navigation.models import IndustryChain
from iphub.patents.importers import PatentIn
from iphub.patents.models import Trademark, TrademarkType
from iphub.patents.names import applicant_key
from iphub.patents.numbers import application_check_char
from iphub.patents.services import patents_upsert
from iphub.protection.models import AssistanceRequest, AssistanceStatus, Case, CaseParty, CaseState
from iphub.transfer.models import Deal, ListingStatus, NeedStatus, SupplyListing, TechnologyNeed

HONGSHAN = "洪山测试科技有限公司"
FOLDED = "洪山测试科技有限责任公司"  # the same key as HONGSHAN
FORMER = "洪山测试技术有限公司"  # a former name: a variant to confirm
JIANGAN = "江岸测试制造有限公司"
YICHANG = "宜昌测试化工有限公司"
CONTACT = "张三丰"
PHONE = "13812345678"

# (type, applicant(s), app year, granted?, legal status, main IPC)
PATENTS: list[tuple[str, list[str], int, bool, str, str]] = [
    ("invention", [HONGSHAN], 2016, True, "有权-审定授权", "H01L31/02"),
    ("invention", [HONGSHAN], 2018, True, "有权-审定授权", "H01L33/00"),
    ("invention", [HONGSHAN], 2019, True, "失效-未缴年费", "H01L21/00"),
    ("invention", [HONGSHAN], 2023, False, "审中-实质审查", "G06F16/00"),
    ("invention", [HONGSHAN], 2024, False, "审中-实质审查", "G06F16/30"),
    ("invention", [HONGSHAN, JIANGAN], 2020, True, "有权-审定授权", "H01L31/10"),
    ("utility", [HONGSHAN], 2017, True, "有权-审定授权", "H01L23/00"),
    ("utility", [HONGSHAN], 2010, True, "有权-审定授权", "B23K26/00"),  # term over
    ("utility", [FOLDED], 2021, True, "有权-审定授权", "H01L31/05"),
    ("design", [HONGSHAN], 2022, True, "有权-审定授权", ""),
    ("invention", [FORMER], 2015, True, "有权-审定授权", "H01L31/04"),
    ("invention", [FORMER], 2016, False, "失效-驳回", "H01L31/06"),
    ("utility", [FORMER], 2019, True, "有权-审定授权", "G06F1/16"),
    ("invention", [JIANGAN], 2019, True, "有权-审定授权", "H01L31/07"),
    ("invention", [JIANGAN], 2020, True, "有权-审定授权", "B60N2/02"),
    ("invention", [YICHANG], 2021, True, "有权-审定授权", "C01B25/00"),
]


def number(year: int, ptype: str, serial: int) -> str:
    digit = {"invention": "1", "utility": "2", "design": "3"}[ptype]
    body = f"{year}{digit}{9_950_000 + serial:07d}"
    return f"{body}.{application_check_char(body)}"


def load_patents() -> list[int]:
    rows = [
        PatentIn(
            application_number=number(year, ptype, i),
            type=ptype,
            title=f"测试专利 {i}（{', '.join(apps)}）",
            abstract="测试数据",
            applicants=apps,
            address="湖北省武汉市洪山区测试路1号",
            ipc=[ipc] if ipc else [],
            app_date=dt.date(year, 3, 1),
            grant_date=dt.date(year + 1, 9, 1) if granted else None,
            legal_status=status,
            source_name="画像测试",
        )
        for i, (ptype, apps, year, granted, status, ipc) in enumerate(PATENTS)
    ]
    with transaction.atomic():
        ids, _c, _u = patents_upsert(rows)
    return ids


@pytest.fixture(autouse=True)
def own_index(tmp_path: Path, settings: Any) -> Iterator[None]:
    settings.SEARCH_INDEX_DIR = tmp_path / "index"
    settings.MEDIA_ROOT = tmp_path / "media"
    yield


@pytest.fixture
def world(orgs: dict[str, Organisation], cast: dict[str, User]) -> dict[str, Any]:
    """The records around 洪山测试科技有限公司 (see the module)."""
    org = orgs["wuhan_hongshan"]
    org.tags = ["zhuanjingtexin", "bqw_1000"]
    org.save(update_fields=["tags"])
    patent_ids = load_patents()
    wuhan = Region.objects.get(code="420100")
    for i, (name, mtype, status) in enumerate(
        [
            (HONGSHAN, TrademarkType.ORDINARY, "注册"),
            (HONGSHAN, TrademarkType.ORDINARY, "已无效"),
            (FORMER, TrademarkType.COLLECTIVE, "注册"),
            (JIANGAN, TrademarkType.ORDINARY, "注册"),
        ]
    ):
        Trademark.objects.create(
            registration_number=f"9{i:07d}",
            name=f"测试商标{i}",
            nice_classes=[9],
            owner=name,
            owner_key=applicant_key(name),
            mark_type=mtype,
            status=status,
        )
    user = cast["enterprise"]

    def filing(kind: str, state: str, op: str, holder: str, other: str, amount: str) -> Filing:
        return baker.make(
            Filing,
            kind=kind,
            state=state,
            operation=op,
            holder_name=holder,
            counterparty_name=other,
            amount=Decimal(amount),
            organisation=org,
            region=wuhan,
            created_by=user,
        )

    reg, est = FilingState.REGISTERED, Operation.ESTABLISH
    filing(FilingKind.PATENT_PLEDGE, reg, est, HONGSHAN, "测试银行", "3000000")
    filing(FilingKind.PATENT_PLEDGE, FilingState.CANCELLED, est, HONGSHAN, "测试银行", "1000000")
    filing(FilingKind.PATENT_PLEDGE, FilingState.SUBMITTED, est, HONGSHAN, "测试银行", "500000")
    filing(FilingKind.PATENT_LICENCE, reg, est, HONGSHAN, JIANGAN, "120000")
    filing(FilingKind.PATENT_LICENCE, reg, est, YICHANG, HONGSHAN, "80000")
    filing(FilingKind.PATENT_TRANSFER, reg, est, FORMER, JIANGAN, "60000")
    filing(FilingKind.PATENT_TRANSFER, FilingState.REFUSED, est, HONGSHAN, YICHANG, "1")
    baker.make(
        FinancingRequest,
        organisation=org,
        region=org.region,
        created_by=user,
        amount=Decimal("5000000"),
        term_months=12,
        state=RequestState.LOANED,
        loan_amount=Decimal("4000000"),
    )
    baker.make(
        FinancingRequest,
        organisation=org,
        region=org.region,
        created_by=user,
        amount=Decimal("2000000"),
        term_months=12,
        state=RequestState.OPEN,
    )
    jiangan, yichang = orgs["wuhan_jiangan"], orgs["yichang"]
    baker.make(
        Deal,
        seller=org,
        buyer=jiangan,
        amount=Decimal("456789"),
        region=wuhan,
        signed_on=dt.date(2025, 3, 1),
    )
    baker.make(
        Deal,
        seller=yichang,
        buyer=org,
        amount=Decimal("98765"),
        region=wuhan,
        signed_on=dt.date(2025, 4, 1),
    )
    baker.make(
        Deal,
        seller=jiangan,
        buyer=yichang,
        amount=Decimal("1"),
        region=wuhan,
        signed_on=dt.date(2025, 5, 1),
    )
    for status in (NeedStatus.OPEN, NeedStatus.OPEN, NeedStatus.CLOSED):
        baker.make(TechnologyNeed, organisation=org, region=org.region, status=status)
    for status in (ListingStatus.ACTIVE, ListingStatus.WITHDRAWN):
        baker.make(SupplyListing, organisation=org, region=org.region, status=status)

    def case(state: str, role: str, title: str, decided: bool = False) -> Case:
        c = baker.make(
            Case,
            state=state,
            region=wuhan,
            title=title,
            decided_on=dt.date(2025, 6, 1) if decided else None,
        )
        CaseParty.objects.create(case=c, role=role, name=HONGSHAN, organisation=org)
        return c

    R = CaseParty.PartyRole
    case(CaseState.FILED, R.RIGHT_HOLDER, "测试案由甲")
    case(CaseState.CLOSED, R.RIGHT_HOLDER, "测试案由乙")
    case(CaseState.CLUE, R.RESPONDENT, "测试案由丙（线索）")
    case(CaseState.DECIDED, R.RESPONDENT, "测试案由丁", decided=True)
    for status in (AssistanceStatus.SUBMITTED, AssistanceStatus.CLOSED):
        baker.make(AssistanceRequest, organisation=org, region=org.region, status=status)
    return {"org": org, "patent_ids": patent_ids}


@pytest.fixture
def chain(db: Any) -> IndustryChain:
    return IndustryChain.objects.create(
        code="test-optics",
        name="测试光电链",
        cluster="光电子信息",
        query="IPC=(H01L31* OR H01L33*) OR TX=(光电)",
    )

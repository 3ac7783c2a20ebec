"""知慧桥 demo for ``make run``: supply, needs, matches, a docking event and deals.

Every record goes through the transfer services, acting as the demo accounts a
person would use, so it is validated, audited and region-scoped:

* two universities list their own real patents (records imported from
  ../shared/data, found by patentee and title): 华中科技大学 in Wuhan,
  三峡大学 in Yichang;
* demo enterprises in Wuhan, Yichang and Xiangyang post technology needs, or
  staff collect them on a visit (大走访); matching runs as it would in the
  background (seed_demo runs tasks inline, so the matches exist on return);
* the province holds a docking event for the needs' chains: the best pairs are
  invited, the parties register, the outcomes are recorded, and two deals (a
  transfer and a licence) are registered by the Yichang window.

Records are marked 演示 in their titles. Each step looks for its record first
(by organisation and title, event title, seller/buyer/kind), so a second run
creates nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from iphub.core.models import Organisation, User
from iphub.patents.models import PartyRole, Patent
from iphub.transfer.models import (
    Deal,
    DealKind,
    DockingEvent,
    EventPair,
    EventRegistration,
    Match,
    PairOutcome,
    SupplyListing,
    TechnologyNeed,
)
from iphub.transfer.services import deals, events, listings, needs

MARK = "（演示）"


@dataclass(frozen=True)
class DemoListing:
    account: str
    title: str
    mode: str
    licence_forms: list[str]
    asking_price: str
    patents: list[str]  # exact titles of the holder's real patents
    description: str


@dataclass(frozen=True)
class DemoNeed:
    account: str  # the poster: the enterprise itself, or staff collecting on a visit
    organisation: str
    title: str
    description: str
    industry_chain: str
    preferred_forms: list[str]
    budget_max: str
    ipc_codes: list[str] = field(default_factory=list)


HUST = "华中科技大学"
CTGU = "三峡大学"

LISTINGS = [
    DemoListing(
        "university_user",
        "有机半导体薄膜与低膨胀复合材料专利许可",
        "licence",
        ["ordinary", "exclusive"],
        "300000",
        [
            "一种有机半导体薄膜的制备方法及其应用",
            "一种可调热膨胀系数的聚苯硫醚基复合材料及其制备方法",
        ],
        "适用于柔性光电器件、光模块封装材料。可提供技术指导。",
    ),
    DemoListing(
        "university_user",
        "曲面磨抛机器人执行器专利转让",
        "transfer",
        [],
        "800000",
        ["一种曲面移动吸附加工机器人的磨抛执行器及其工作方法"],
        "面向大型曲面构件（叶片、船体）的移动吸附式磨抛，已完成样机验证。",
    ),
    DemoListing(
        "university_user",
        "芳香族化合物硝化工艺专利许可",
        "licence",
        ["ordinary"],
        "200000",
        ["一种芳香族化合物的硝化方法"],
        "精细化工硝化反应工艺，提高选择性与本质安全水平。",
    ),
    DemoListing(
        "university_user",
        "集成式液压驱动模块专利许可",
        "licence",
        ["sole", "ordinary"],
        "250000",
        ["一种集成式液压驱动模块及液压足式机器人"],
        "紧凑型液压驱动单元，可用于工程机械与汽车执行机构。",
    ),
    DemoListing(
        "ctgu_user",
        "救援机器人与恶劣天气目标检测专利许可",
        "licence",
        ["ordinary"],
        "150000",
        ["一种地震救援机器人及救援方法", "一种基于动态编码的一阶段恶劣天气果实检测方法"],
        "三峡大学智能装备与视觉检测成果，欢迎宜昌本地企业洽谈。",
    ),
]

NEEDS = [
    DemoNeed(
        "enterprise_user",
        "武汉光谷演示光电科技有限公司",
        "柔性光电器件用有机半导体薄膜制备工艺",
        "我司开发柔性光电探测器，需要大面积、均匀的有机半导体薄膜制备方法，"
        "提高薄膜结晶质量和器件稳定性，希望获得专利许可并得到技术指导。",
        "光通信与激光",
        ["ordinary", "exclusive"],
        "500000",
    ),
    DemoNeed(
        "wuhan_clerk",
        "武汉江岸演示新能源有限公司",
        "储能电池热管理与电池材料改性技术",
        "企业生产储能电池包，需要改善电池循环寿命和热管理，"
        "寻找电池正极材料改性、电池热失控预警方面的专利技术。",
        "动力电池与储能",
        ["ordinary", "joint"],
        "1000000",
    ),
    DemoNeed(
        "yichang_enterprise",
        "宜昌演示磷化工股份有限公司",
        "精细化工硝化反应工艺安全与收率提升",
        "我司拟建芳香族化合物硝化装置，需要提高硝化反应选择性和收率、"
        "降低反应热失控风险的硝化方法专利，接受普通许可。",
        "节能环保",
        ["ordinary"],
        "400000",
        ["C07C"],
    ),
    DemoNeed(
        "yichang_clerk",
        "宜昌西陵演示智能装备有限公司",
        "大型曲面构件自动磨抛机器人",
        "企业为船舶和风电叶片提供打磨服务，人工磨抛效率低、粉尘大，"
        "需要可在曲面上移动吸附的机器人磨抛执行器，希望受让专利。",
        "智能制造装备与工业机器人",
        ["transfer", "exclusive"],
        "1000000",
    ),
    DemoNeed(
        "province_supervisor",
        "襄阳演示汽车零部件有限公司",
        "汽车执行机构的集成化液压驱动单元",
        "企业生产汽车底盘零部件，需要体积小、集成度高的液压驱动模块设计，"
        "用于转向与制动执行机构，寻求专利许可或合作开发。",
        "智能制造装备与工业机器人",
        ["sole", "ordinary", "joint"],
        "600000",
    ),
]

EVENT_TITLE = "湖北省高校专利成果与企业技术需求对接会" + MARK
EVENT_CHAIN = "智能制造装备与工业机器人"
EVENT_IPC = ["C07C"]  # the chemistry need takes part too (its IPC field)
EVENT_HOST = "province_supervisor"
DEAL_CLERK = "yichang_clerk"  # both buyers are in Yichang: the deals count there
REGISTRANTS = ["university_user", "ctgu_user", "yichang_enterprise"]
EVENT_PAIRS = 6  # the strongest pairs are invited; a room holds a few, not twenty


def _user(username: str) -> User:
    return User.objects.select_related("organisation", "region").get(username=username)


def _patent(holder: str, title: str) -> Patent | None:
    """The real record of ``holder`` with this exact title (None if not imported)."""
    return (
        Patent.objects.filter(title=title, parties__role=PartyRole.APPLICANT, parties__name=holder)
        .order_by("pk")
        .first()
    )


def _listings() -> tuple[int, list[str]]:
    made, missing = 0, []
    for spec in LISTINGS:
        user = _user(spec.account)
        title = spec.title + MARK
        if SupplyListing.objects.filter(organisation=user.organisation, title=title).exists():
            continue
        assert user.organisation is not None
        found = [_patent(user.organisation.name, t) for t in spec.patents]
        ids = [p.pk for p in found if p is not None]
        if not ids:
            missing.append(title)
            continue
        listings.listing_create(
            actor=user,
            data={
                "title": title,
                "description": spec.description,
                "mode": spec.mode,
                "licence_forms": spec.licence_forms,
                "asking_price": spec.asking_price,
            },
            patent_ids=ids,
        )
        made += 1
    return made, missing


def _needs() -> int:
    made = 0
    deadline = timezone.localdate() + dt.timedelta(days=120)
    for spec in NEEDS:
        org = Organisation.objects.get(name=spec.organisation)
        title = spec.title + MARK
        if TechnologyNeed.objects.filter(organisation=org, title=title).exists():
            continue
        user = _user(spec.account)
        data: dict[str, Any] = {
            "title": title,
            "description": spec.description,
            "industry_chain": spec.industry_chain,
            "ipc_codes": spec.ipc_codes,
            "preferred_forms": spec.preferred_forms,
            "budget_max": spec.budget_max,
            "deadline": deadline.isoformat(),
        }
        if user.organisation_id == org.pk:
            needs.need_create(actor=user, data=data)
        else:  # collected on a visit by staff of the enterprise's region
            needs.need_create(actor=user, data=data, organisation_id=org.pk)
        made += 1
    return made


def _match(need_title: str, patent_title: str) -> Match | None:
    return (
        Match.objects.filter(need__title=need_title + MARK, patent__title=patent_title)
        .select_related("need__organisation", "patent")
        .first()
    )


def _event() -> tuple[DockingEvent, bool]:
    event = DockingEvent.objects.filter(title=EVENT_TITLE).first()
    if event is not None:
        return event, False
    host = _user(EVENT_HOST)
    event = events.event_create(
        actor=host,
        data={
            "title": EVENT_TITLE,
            "industry_chain": EVENT_CHAIN,
            "ipc_prefixes": EVENT_IPC,
            "date": (timezone.localdate() - dt.timedelta(days=7)).isoformat(),
            "venue": "宜昌市三峡国际会展中心",
            "region": "420000",
        },
    )
    events.event_invite_best(actor=host, event_id=event.pk, limit=EVENT_PAIRS)
    return event, True


def _deal(event: DockingEvent, kind: str, need_title: str, patent_title: str, amount: str) -> bool:
    """Register a concluded deal for a matched pair, once; returns whether it was new."""
    m = _match(need_title, patent_title)
    if m is None:
        return False
    seller = Organisation.objects.get(name=HUST)
    buyer = m.need.organisation
    if Deal.objects.filter(seller=seller, buyer=buyer, kind=kind).exists():
        return False
    pair = EventPair.objects.filter(event=event, match=m).first()
    clerk = _user(DEAL_CLERK)
    if pair is not None and pair.outcome != PairOutcome.SIGNED:
        events.event_pair_outcome(
            actor=_user(EVENT_HOST), pair_id=pair.pk, outcome=PairOutcome.SIGNED, note="现场签约"
        )
    signed = event.date
    deals.deal_record(
        actor=clerk,
        data={
            "kind": kind,
            "amount": amount,
            "signed_on": signed.isoformat(),
            "term_end": (
                None if kind == DealKind.TRANSFER else signed.replace(year=signed.year + 5)
            ),
        },
        seller_id=seller.pk,
        buyer_id=buyer.pk,
        patent_ids=[m.patent_id],
        match_id=m.pk,
        event_id=event.pk if pair is not None else None,
    )
    return True


def _docking() -> list[str]:
    event, created = _event()
    lines = [f"新建对接活动：{event.title}"] if created else []
    for username in REGISTRANTS:
        user = _user(username)
        if not EventRegistration.objects.filter(
            event=event, organisation=user.organisation
        ).exists():
            events.event_register(actor=user, event_id=event.pk, attendees=2)
    made = sum(
        [
            _deal(
                event,
                DealKind.TRANSFER,
                "大型曲面构件自动磨抛机器人",
                "一种曲面移动吸附加工机器人的磨抛执行器及其工作方法",
                "750000",
            ),
            _deal(
                event,
                DealKind.ORDINARY,
                "精细化工硝化反应工艺安全与收率提升",
                "一种芳香族化合物的硝化方法",
                "180000",
            ),
        ]
    )
    # The other invited pairs: one reached an intent, the rest did not sign on the day.
    host = _user(EVENT_HOST)
    waiting = event.pairs.filter(
        outcome__in=(PairOutcome.INVITED, PairOutcome.REGISTERED)
    ).order_by("-match__score", "pk")
    for i, pair in enumerate(waiting):
        outcome, note = (
            (PairOutcome.INTENT, "双方约定一个月内再次洽谈")
            if i == 0
            else (PairOutcome.NO_DEAL, "技术成熟度与企业需求尚有差距")
        )
        events.event_pair_outcome(actor=host, pair_id=pair.pk, outcome=outcome, note=note)
    if made:
        lines.append(f"新登记成交 {made} 笔（转让、许可各一）")
    lines.append(
        f"对接活动：邀请配对 {event.pairs.count()} 对，报名单位 {event.registrations.count()} 家"
    )
    return lines


def demo_load() -> list[str]:
    """Create the 知慧桥 demo once; returns what was created and what the halls now hold."""
    made_listings, missing = _listings()
    made_needs = _needs()
    lines = []
    if made_listings or made_needs:
        lines.append(f"新建专利供给 {made_listings} 条、技术需求 {made_needs} 条（已完成匹配）")
    lines += [f"未找到挂牌专利，跳过：{t}" for t in missing]
    lines += _docking()
    lines.append(
        f"需求 {TechnologyNeed.objects.count()} 条，供给 {SupplyListing.objects.count()} 条，"
        f"匹配 {Match.objects.count()} 项，成交 {Deal.objects.count()} 笔"
    )
    return lines

"""Demo records of 专利找企业, 技术经理人 and 揭榜挂帅, made through the services
after the 知慧桥 demo (listings, needs, matches) so no page opens empty:
华中科技大学's listings pushed to the firms that could use them, one firm's
answer; the agency user registered as a broker with an assigned match and its
contact log; a call with two proposals (one scored, one declined) and an
awarded call that became a deal. Idempotent: each part is skipped when its
record exists."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from iphub.brokerage import services
from iphub.brokerage.models import Assignment, Broker, Call, Proposal, Push, PushRun, RunStatus
from iphub.core.models import User
from iphub.patents.models import PartyRole, Patent
from iphub.transfer.models import Match, SupplyListing

MARK = "（演示）"
CRITERIA = "技术先进性 40\n实施可行性 30\n团队与基础 20\n报价 10"


def _user(username: str) -> User | None:
    return User.objects.select_related("organisation", "region").filter(username=username).first()


def _pushes() -> list[str]:
    uni, firm = _user("university_user"), _user("enterprise_user")
    if uni is None or uni.organisation is None:
        return []
    services.profiles_rebuild()
    made = 0
    active = SupplyListing.objects.filter(organisation=uni.organisation, status="active")
    for listing in active.order_by("pk"):
        if PushRun.objects.filter(listing=listing).exists():
            continue
        run = services.push_run_request(actor=uni, listing_id=listing.pk, per_patent=5)
        # seed_demo runs tasks inline; a queue that did not, still gets the run done here.
        if PushRun.objects.filter(pk=run.pk, status=RunStatus.QUEUED).exists():
            services.push_run_execute(run_id=run.pk)
        made += 1
    lines = [f"专利推送：{made} 条挂牌已排序并推送"] if made else []
    if firm is not None and firm.organisation_id is not None:
        pending = Push.objects.filter(organisation_id=firm.organisation_id, answer="").order_by(
            "-score"
        )
        answered = Push.objects.filter(organisation_id=firm.organisation_id).exclude(answer="")
        first = pending.first()
        if first is not None and not answered.exists():
            services.push_open(actor=firm, push_id=first.pk)
            services.push_answer(
                actor=firm,
                push_id=first.pk,
                answer="interested",
                need_id=first.need_id,
                problem="希望引入该专利技术用于本公司产品的工艺改进，请与我们联系洽谈许可条件。",
                note="演示：我司对该专利有意向。",
            )
            lines.append(f"{firm.organisation.name}答复了一件推送的专利（有意向）")  # type: ignore[union-attr]
    return lines


def _brokers() -> list[str]:
    clerk, agent = _user("wuhan_clerk"), _user("agency_user")
    if clerk is None or agent is None or agent.organisation is None:
        return []
    lines = []
    broker = Broker.objects.filter(user=agent).first()
    if broker is None:
        broker = services.broker_register(
            actor=clerk,
            username=agent.username,
            data={
                "name": "刘洋" + MARK,
                "certificate_number": "HBJSJL-2026-0001",
                "certifying_body": "湖北省技术转移与成果转化中心（演示）",
                "valid_until": (timezone.localdate() + dt.timedelta(days=700)).isoformat(),
                "ipc_sections": ["B", "H"],
                "industries": "光电子信息、新能源与智能网联汽车",
            },
        )
        lines.append(f"登记技术经理人：{broker.name}")
    if not Assignment.objects.filter(broker=broker).exists():
        matches = Match.objects.filter(need__region__path__startswith="420000/420100").order_by(
            "-score"
        )[:2]
        today = timezone.localdate()
        for i, m in enumerate(matches):
            a = services.assignment_set(actor=clerk, broker_id=broker.pk, match_id=m.pk)
            services.contact_log_add(
                actor=agent,
                assignment_id=a.pk,
                data={
                    "date": (today - dt.timedelta(days=3 - i)).isoformat(),
                    "party": m.need.organisation.name,
                    "channel": "phone",
                    "outcome": "contacted",
                    "note": "电话了解需求细节，约定走访。",
                },
            )
            if i == 0:
                services.contact_log_add(
                    actor=agent,
                    assignment_id=a.pk,
                    data={
                        "date": today.isoformat(),
                        "party": m.patent.applicants[0] if m.patent.applicants else "专利权人",
                        "channel": "meeting",
                        "outcome": "negotiating",
                        "note": "双方见面，就许可费和技术指导进入洽谈。",
                    },
                )
        lines.append(f"技术经理人指派 {len(matches)} 项匹配，含联络记录")
    return lines


def _own_patent(user: User) -> Patent | None:
    assert user.organisation is not None
    return (
        Patent.objects.filter(
            parties__role=PartyRole.APPLICANT, parties__name=user.organisation.name
        )
        .exclude(application_number="")
        .order_by("pk")
        .first()
    )


def _calls() -> list[str]:
    caller, hust, ctgu = _user("enterprise_user"), _user("university_user"), _user("ctgu_user")
    if caller is None or hust is None or ctgu is None:
        return []
    lines = []
    deadline = (timezone.localdate() + dt.timedelta(days=45)).isoformat()
    title = "柔性光电探测器薄膜均匀性攻关" + MARK
    if not Call.objects.filter(title=title).exists():
        call = services.call_create(
            actor=caller,
            publish=True,
            data={
                "title": title,
                "description": "面向柔性光电探测器量产，征集大面积有机半导体薄膜均匀制备方案，"
                "要求半年内完成中试验证，成果以专利许可或转让方式实施。",
                "budget": "1500000",
                "deadline": deadline,
                "criteria": CRITERIA,
            },
        )
        offered = []
        for user, text in (
            (
                hust,
                "以溶液剪切涂布结合溶剂退火制备大面积有机半导体薄膜，已有小试样品，六个月完成中试。",
            ),
            (ctgu, "以视觉检测在线监控薄膜厚度与缺陷，闭环调整涂布参数，提高良率。"),
        ):
            patent = _own_patent(user)
            if patent is None:
                continue
            offered.append(
                services.proposal_submit(
                    actor=user,
                    call_id=call.pk,
                    data={"text": text, "amount": "1200000", "patents": patent.application_number},
                )
            )
        if offered:
            services.proposal_score(
                actor=caller,
                proposal_id=offered[0].pk,
                scores={"技术先进性": 88, "实施可行性": 80, "团队与基础": 90, "报价": 70},
            )
        if len(offered) > 1:
            services.proposal_decline(
                actor=caller,
                proposal_id=offered[1].pk,
                reason="方案侧重检测，未解决薄膜制备本身的均匀性问题。",
            )
        lines.append(f"揭榜挂帅榜单：{call.title}（{len(offered)} 份方案）")
    awarded = "光模块封装低膨胀材料" + MARK
    if not Call.objects.filter(title=awarded).exists():
        call = services.call_create(
            actor=caller,
            publish=True,
            data={
                "title": awarded,
                "description": "征集热膨胀系数可调的封装复合材料技术，用于光模块外壳。",
                "budget": "600000",
                "deadline": deadline,
                "criteria": "技术先进性 60\n报价 40",
            },
        )
        patent = _own_patent(hust)
        if patent is not None:
            p = services.proposal_submit(
                actor=hust,
                call_id=call.pk,
                data={
                    "text": "以聚苯硫醚基复合材料调控热膨胀系数，已有中试数据，可整体转让。",
                    "amount": "500000",
                    "patents": patent.application_number,
                },
            )
            services.proposal_award(
                actor=caller,
                proposal_id=p.pk,
                deal={
                    "kind": "ordinary",
                    "amount": "500000",
                    "signed_on": timezone.localdate().isoformat(),
                    "term_end": (timezone.localdate() + dt.timedelta(days=1095)).isoformat(),
                },
            )
            lines.append(f"榜单“{call.title}”已揭榜并登记成交")
    return lines


def demo_load() -> list[str]:
    """Create the brokerage demo once; returns what was created."""
    lines = _pushes() + _brokers() + _calls()
    lines.append(
        f"推送 {Push.objects.count()} 次，技术经理人 {Broker.objects.count()} 名，"
        f"榜单 {Call.objects.count()} 个，方案 {Proposal.objects.count()} 份"
    )
    return lines

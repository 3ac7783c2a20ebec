"""Overseas dispute response demo for ``make run``: an expert pool with declared
conflicts, watches with subscribed exporters and the warnings they raised, and
dispute cases with guidance notices and experts.

Experts, foreign companies and cases are invented for the demo and say so
(names end in 演示 or (Demo)). The warnings are real runs of the watches: the
demo imports a few records of the watched (demo) competitor through the patents
and trademark importers after the watches exist, then runs them.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from iphub.core.errors import ApplicationError
from iphub.core.exports import SafeCsvWriter
from iphub.core.models import Organisation, User
from iphub.overseas import services
from iphub.overseas.models import DisputeCase, Expert, Watch
from iphub.patents.numbers import application_check_char
from iphub.patents.services import import_file
from iphub.patents.services.trademarks import trademarks_import

COMPETITOR = "Northwind Photonics Inc. (Demo)"

# (name, affiliation, field, countries, languages, declared conflicts)
EXPERTS = [
    (
        "陈律师（演示）",
        "湖北演示律师事务所",
        "美国 337 调查与专利诉讼",
        ["US"],
        ["en"],
        [COMPETITOR],
    ),
    (
        "李博士（演示）",
        "武汉演示大学知识产权学院",
        "欧洲专利与标准必要专利",
        ["EP", "DE", "FR"],
        ["en", "de"],
        [],
    ),
    (
        "王代理人（演示）",
        "湖北演示专利代理事务所",
        "海外商标注册与抢注应对",
        ["VN", "TH", "ID", "MY"],
        ["en", "vi"],
        ["武汉江岸演示新能源有限公司"],
    ),
    (
        "赵顾问（演示）",
        "演示跨境电商合规中心",
        "电商平台投诉与展会纠纷",
        ["US", "DE", "JP"],
        ["en", "ja"],
        [],
    ),
    ("周教授（演示）", "武汉演示政法大学", "日韩专利与技术秘密", ["JP", "KR"], ["ja", "ko"], []),
]

CASES = [
    (
        "武汉光谷演示光电科技有限公司",
        "US",
        "s337",
        COMPETITOR,
        "对方向美国国际贸易委员会申请 337 调查，指控本企业出口的光模块侵犯其两项美国专利。（演示）",
        True,
    ),
    (
        "武汉江岸演示新能源有限公司",
        "VN",
        "squatting",
        "Saigon Battery Trading Co. (Demo)",
        "本企业商标在越南被经销商抢先注册，当地海关扣留了一批储能电池。（演示）",
        False,
    ),
    (
        "宜昌演示磷化工股份有限公司",
        "DE",
        "exhibition",
        "Rhein Chemie Handel GmbH (Demo)",
        "在德国展会上收到临时禁令，对方主张展品侵犯其欧洲专利。（演示）",
        True,
    ),
]


def _experts() -> dict[str, Expert]:
    actor = User.objects.get(username="province_enforcer")
    out = {}
    for name, affiliation, field, countries, languages, conflicts in EXPERTS:
        expert = Expert.objects.filter(name=name).first() or services.expert_create(
            actor=actor,
            data={"name": name, "affiliation": affiliation, "field": field},
            countries=countries,
            languages=languages,
            conflicts=conflicts,
        )
        out[name] = expert
    return out


def _watch_records() -> int:
    """New records of the watched competitor (a priority from the US), imported
    through the importers as any data would be; how many warnings they raised."""
    with tempfile.TemporaryDirectory() as tmp:
        tm = Path(tmp) / "overseas-demo-marks.csv"
        with open(tm, "w", newline="", encoding="utf-8") as fh:
            w = SafeCsvWriter(fh)
            w.writerow(["注册号", "商标名称", "国际分类", "注册人", "商标类型", "商标状态"])
            w.writerow(["99000301", "NORTHWIND", "9", COMPETITOR, "普通商标", "申请中（演示数据）"])
        trademarks_import(actor=None, path=tm, mode="all")
        pt = Path(tmp) / "overseas-demo-patents.csv"
        with open(pt, "w", newline="", encoding="utf-8") as fh:
            w = SafeCsvWriter(fh)
            w.writerow(["申请号", "名称", "摘要", "申请人", "申请日", "优先权", "申请人地址"])
            for serial, title in (
                (9900001, "一种硅基光调制器及其制备方法"),
                (9900002, "一种高速光模块的散热结构"),
            ):
                body = f"20251{serial:07d}"
                w.writerow(
                    [
                        f"{body}.{application_check_char(body)}",
                        title,
                        "（演示数据）一种用于数据中心的光通信器件。",
                        COMPETITOR,
                        "2025-03-01",
                        "US63/512,345 2024-03-04",
                        "美国加利福尼亚州圣何塞市（演示）",
                    ]
                )
        import_file(actor=None, path=pt)
    return services.watches_run()


def _watches() -> list[str]:
    if Watch.objects.exists():
        return []
    actor = User.objects.get(username="province_enforcer")
    competitor = services.watch_create(
        actor=actor,
        data={
            "kind": "competitor",
            "competitor": COMPETITOR,
            "note": "光模块领域的海外竞争对手（演示）",
        },
    )
    country = services.watch_create(
        actor=actor, data={"kind": "country", "country": "US", "note": "对美出口企业关注"}
    )
    exporter = User.objects.get(username="enterprise_user")
    for w in (competitor, country):
        services.watch_subscribe(actor=exporter, watch_id=w.pk)
    raised = _watch_records()
    return [f"新建海外风险监测 2 项（企业已订阅），新记录入库后发出预警 {raised} 条"]


def _cases(experts: dict[str, Expert]) -> list[str]:
    if DisputeCase.objects.exists():
        return []
    staff = {
        "420100": User.objects.get(username="wuhan_enforcer"),
        "420500": User.objects.get(username="province_enforcer"),
    }
    made = 0
    for org_name, country, kind, opposing, summary, accept in CASES:
        org = Organisation.objects.select_related("region").get(name=org_name)
        opener = User.objects.filter(organisation=org, role="enterprise").first()
        actor = staff["420100"] if org.region.path.startswith("420000/420100") else staff["420500"]
        case = services.case_open(
            actor=opener or actor,
            data={
                "organisation": org.pk,
                "country": country,
                "kind": kind,
                "opposing_party": opposing,
                "summary": summary,
            },
        )
        made += 1
        if not accept:
            continue
        services.case_step(actor=actor, case_id=case.pk, step="accept")
        services.case_guidance_add(
            actor=actor,
            case_id=case.pk,
            data={
                "title": "应诉准备与证据保全指导（演示）",
                "body": "一、在期限内委托当地律师应诉；二、整理研发记录与销售数据，做好证据保全；"
                "三、评估对方专利的有效性与规避设计方案；四、保持与省保护中心的沟通。",
            },
        )
        # The experts who work in the country; one with a declared conflict is refused.
        for expert in experts.values():
            if country not in expert.countries:
                continue
            try:
                services.case_expert_assign(actor=actor, case_id=case.pk, expert_id=expert.pk)
            except ApplicationError:
                continue
    return [f"新建海外纠纷案件 {made} 件（含指导意见和指派专家）"]


def demo_load() -> list[str]:
    """Load the overseas demo once; returns what was created."""
    experts = _experts()
    lines = [f"海外维权专家库：{len(experts)} 名专家（演示）"] if experts else []
    return lines + _watches() + _cases(experts)

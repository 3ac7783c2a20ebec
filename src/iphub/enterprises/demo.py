"""Enterprises demo for ``make run``: the demo enterprise's profile full.

武汉光谷演示光电科技有限公司 (the ``enterprise_user`` account) gets a portfolio of
demo patents over a dozen years (inventions, utility models, designs; in force,
pending and lapsed; most in the optical-communication chain's IPC), trademarks,
patents under a former name whose variant the enterprise proposes and the Wuhan
clerk confirms (through the services, so both steps are in the audit log), and
patents under a branch spelling whose proposal waits in the clerks' queue. Three
demo optics firms of Wuhan are registered with a few patents each, so that the
comparison with the chain's and the city's enterprises has peers. Every record
says 演示; serials 994xxxx lie far beyond those the office has issued.
Idempotent: a second run creates nothing.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

from django.db import transaction

from iphub.core import services as core_services
from iphub.core.demo import demo_uscc
from iphub.core.exports import SafeCsvWriter
from iphub.core.models import Organisation, User
from iphub.enterprises import services
from iphub.enterprises.models import ApplicantNameVariant
from iphub.patents.importers import PatentIn
from iphub.patents.models import Patent, Trademark
from iphub.patents.names import applicant_key
from iphub.patents.numbers import application_check_char
from iphub.patents.services import patents_upsert
from iphub.patents.services.trademarks import trademarks_import

ENTERPRISE = "武汉光谷演示光电科技有限公司"
FORMER = "武汉光谷演示光电技术有限公司"
BRANCH = "光谷演示光电（武汉）有限公司"
SOURCE = "演示数据（非真实专利）"
ADDRESS = "湖北省武汉市东湖新技术开发区演示路8号"
TYPE_DIGIT = {"invention": "1", "utility": "2", "design": "3"}
# (type, year, granted, status, main IPC, title)
PORTFOLIO = [
    ("invention", 2013, True, "失效-期限届满", "H04B10/25", "一种光纤通信的色散补偿方法"),
    ("invention", 2014, True, "有权-审定授权", "G02B6/12", "一种平面光波导分路器"),
    ("invention", 2015, True, "失效-未缴年费", "H01S3/067", "一种掺铒光纤放大器的增益控制方法"),
    ("invention", 2016, True, "有权-审定授权", "H04B10/50", "一种相干光模块的发射装置"),
    ("invention", 2017, True, "有权-审定授权", "H01S5/022", "一种半导体激光芯片的封装结构"),
    ("invention", 2018, True, "有权-审定授权", "G02B6/42", "一种光收发模块的耦合结构"),
    ("invention", 2019, True, "有权-审定授权", "H04B10/07", "一种光纤链路的故障监测方法"),
    ("invention", 2020, True, "有权-审定授权", "G02B6/293", "一种波分复用器的温度补偿结构"),
    ("invention", 2021, True, "有权-审定授权", "H01S3/094", "一种光纤激光器的泵浦合束方法"),
    ("invention", 2022, False, "审中-实质审查", "H04B10/61", "一种硅光调制器的偏置控制方法"),
    ("invention", 2023, False, "审中-实质审查", "G06N3/04", "一种光网络告警的智能分析方法"),
    ("invention", 2024, False, "审中-实质审查", "H04B10/80", "一种数据中心光互连的调度方法"),
    ("invention", 2021, False, "失效-驳回", "H04B10/40", "一种光模块的散热方法"),
    ("utility", 2016, True, "失效-未缴年费", "G02B6/38", "一种光纤快速连接器"),
    ("utility", 2018, True, "有权-审定授权", "G02B6/44", "一种室外光缆接头盒"),
    ("utility", 2019, True, "有权-审定授权", "H01S3/04", "一种激光器的水冷散热装置"),
    ("utility", 2020, True, "有权-审定授权", "B23K26/70", "一种激光切割头的防护镜座"),
    ("utility", 2022, True, "有权-审定授权", "G02B6/36", "一种光纤端面检测夹具"),
    ("utility", 2023, True, "有权-审定授权", "H04B10/25", "一种光模块测试底座"),
    ("design", 2021, True, "有权-审定授权", "", "光模块外壳"),
    ("design", 2023, True, "有权-审定授权", "", "激光测距仪"),
]
FORMER_PATENTS = [
    ("invention", 2011, True, "失效-未缴年费", "H04B10/08", "一种光纤传感信号的解调方法"),
    ("invention", 2012, True, "有权-审定授权", "G02B6/02", "一种保偏光纤的制备方法"),
    ("utility", 2012, True, "失效-期限届满", "G02B6/38", "一种光纤活动连接器"),
    ("invention", 2013, True, "有权-审定授权", "H01S3/10", "一种调Q光纤激光器"),
]
BRANCH_PATENTS = [
    ("utility", 2020, True, "有权-审定授权", "G02B6/42", "一种光器件的封装夹具"),
    ("utility", 2021, True, "有权-审定授权", "H01S5/024", "一种激光芯片的热沉"),
]
# Optics firms of Wuhan (the profile's peers): name, district, serial, patents.
PEERS = [
    ("武汉东湖演示激光有限公司", "420111", ("H01S3/067", "B23K26/38", "H01S5/02"), 4),
    ("武汉演示光纤传感有限公司", "420106", ("G02B6/02", "H04B10/07"), 6),
    ("武汉演示光模块科技有限公司", "420115", ("H04B10/40", "G02B6/42", "G06F1/20"), 9),
]
TRADEMARKS = [
    ("99400001", "光谷演示", "9", ENTERPRISE, "普通商标", "注册", "2016-03-01", "2017-05-14"),
    (
        "99400002",
        "GUANGGU DEMO",
        "9;42",
        ENTERPRISE,
        "普通商标",
        "注册",
        "2018-06-01",
        "2019-08-21",
    ),
    ("99400003", "谷光演示", "38", ENTERPRISE, "普通商标", "初审公告", "2024-11-01", ""),
    ("99400004", "光谷演示光电", "9", FORMER, "普通商标", "注册", "2012-02-01", "2013-04-07"),
]


def _number(ptype: str, year: int, serial: int) -> str:
    body = f"{year}{TYPE_DIGIT[ptype]}{serial:07d}"
    return f"{body}.{application_check_char(body)}"


def _rows(
    applicant: str, items: list[tuple[str, int, bool, str, str, str]], serial: int
) -> list[PatentIn]:
    return [
        PatentIn(
            application_number=_number(ptype, year, serial + i),
            type=ptype,
            title=f"{title}（画像演示）",
            abstract=f"{title}。（演示数据，非真实专利）",
            applicants=[applicant],
            inventors=["张伟", "李明"] if i % 2 else ["王芳"],
            address=ADDRESS,
            ipc=[ipc] if ipc else [],
            app_date=dt.date(year, 1 + i % 12, 10),
            grant_date=dt.date(year + (2 if ptype == "invention" else 1), 6, 20)
            if granted
            else None,
            legal_status=status,
            source_name=SOURCE,
        )
        for i, (ptype, year, granted, status, ipc, title) in enumerate(items)
    ]


def _load_patents(rows: list[PatentIn]) -> int:
    have = set(
        Patent.objects.filter(
            application_number__in=[r.application_number for r in rows]
        ).values_list("application_number", flat=True)
    )
    missing = [r for r in rows if r.application_number not in have]
    if missing:
        with transaction.atomic():
            patents_upsert(missing)
    return len(missing)


def _peer_rows() -> list[PatentIn]:
    rows: list[PatentIn] = []
    for k, (name, _region, codes, n) in enumerate(PEERS):
        items = [
            (
                "invention" if i % 3 else "utility",
                2016 + i % 9,
                i % 4 != 3,
                "有权-审定授权" if i % 4 != 3 else "审中-实质审查",
                codes[i % len(codes)],
                f"{name[2:6]}光电器件技术 {i + 1}",
            )
            for i in range(n)
        ]
        rows += _rows(name, items, 9_942_000 + 100 * k)
    return rows


def _trademarks() -> int:
    if Trademark.objects.filter(registration_number__in=[t[0] for t in TRADEMARKS]).count() == len(
        TRADEMARKS
    ):
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "trademarks.csv"
        with path.open("w", encoding="utf-8", newline="") as f:
            w = SafeCsvWriter(f)
            w.writerow(
                [
                    "注册号",
                    "商标名称",
                    "国际分类",
                    "注册人",
                    "商标类型",
                    "商标状态",
                    "申请日期",
                    "注册日期",
                ]
            )
            w.writerows(TRADEMARKS)
        return trademarks_import(actor=None, path=path).ok


def demo_load() -> list[str]:
    """Fill the demo enterprise's profile (see the module); returns what was created."""
    org = Organisation.objects.filter(name=ENTERPRISE).first()
    if org is None:
        return ["演示企业不存在，跳过画像演示"]
    for i, (name, region, _codes, _n) in enumerate(PEERS):
        if not Organisation.objects.filter(name=name).exists():
            core_services.organisation_create(
                actor=None,
                data={
                    "name": name,
                    "uscc": demo_uscc(region, 7800 + i),
                    "kind": "enterprise",
                    "region": region,
                    "tags": ["high_tech"],
                },
            )
    created = _load_patents(
        _rows(ENTERPRISE, PORTFOLIO, 9_940_001)
        + _rows(FORMER, FORMER_PATENTS, 9_941_001)
        + _rows(BRANCH, BRANCH_PATENTS, 9_941_501)
        + _peer_rows()
    )
    marks = _trademarks()
    user = User.objects.get(username="enterprise_user")
    clerk = User.objects.get(username="hongshan_clerk")
    lines = [f"画像演示专利新增 {created} 件、商标 {marks} 件，同链同市演示企业 {len(PEERS)} 家"]
    if not ApplicantNameVariant.objects.filter(
        organisation=org, key=applicant_key(FORMER)
    ).exists():
        v = services.variant_propose(
            actor=user, organisation=org, name=FORMER, note="本公司 2014 年前的名称（演示）"
        )
        services.variant_decide(actor=clerk, variant_id=v.pk, step="confirm")
        lines.append(f"名称归并：{FORMER} 已确认计入 {ENTERPRISE}")
    if not ApplicantNameVariant.objects.filter(
        organisation=org, key=applicant_key(BRANCH)
    ).exists():
        services.variant_propose(
            actor=user, organisation=org, name=BRANCH, note="本公司分支机构的申请（演示，待确认）"
        )
        lines.append(f"名称归并：{BRANCH} 待洪山区窗口确认")
    return lines

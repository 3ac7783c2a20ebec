"""Demo filings for ``make run``: pledge, licence and product filings of the demo
enterprises of Wuhan (a Hongshan district company) and Yichang, in every state
of the workflow, some due today and some overdue on the time-limit board.

Everything goes through the services a user's clicks go through, by the demo
account whose step it is: the enterprise files (on its own patents, which are
created first as patent records whose patentee is the enterprise), the city
window accepts, returns, approves or refuses. Steps in the past are taken with
the services' ``now``, so deadlines, lateness and the months the finance and
on-time figures fall in follow from the workflow itself. Each scenario is keyed
by the idempotency key of its first filing; a second run skips it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from iphub.core.calendar import LOCAL_TZ, add_working_days, is_working_day
from iphub.core.models import Organisation, Region, User
from iphub.filings import services
from iphub.filings.models import Filing, FilingState
from iphub.patents.importers import PatentIn
from iphub.patents.models import Patent
from iphub.patents.numbers import application_check_char
from iphub.patents.services import patents_upsert

# The smallest files the content check accepts (the filings tests use the same).
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
PLEDGEE = "演示银行武汉分行"
SOURCE = "演示数据（非真实专利）"


@dataclass(frozen=True)
class City:
    """One city's cast: the enterprise that files, the window that decides."""

    code: str
    enterprise: str  # username
    clerk: str  # username
    serial: int  # first serial of the demo application numbers
    titles: tuple[tuple[str, str, str], ...]  # (title, IPC, abstract)


WUHAN = City(
    "420100",
    "enterprise_user",
    "wuhan_clerk",
    9970001,
    (
        (
            "一种硅基光电探测器及其制备方法",
            "H01L31/0232",
            "在绝缘体上硅衬底外延锗吸收层，采用倏逝波耦合结构，暗电流低于十纳安，带宽达五十吉赫兹。",
        ),
        (
            "一种高功率半导体激光器的散热封装结构",
            "H01S5/024",
            "芯片倒装焊接于金刚石热沉，热沉下设微通道水冷板，连续输出百瓦时结温升高不超过二十度。",
        ),
        (
            "一种光纤光栅温度传感装置",
            "G01K11/32",
            "布拉格光栅封装在不锈钢毛细管中，以解调仪读取中心波长漂移，适用于变压器绕组测温。",
        ),
        (
            "一种基于微环谐振器的可调谐光滤波器",
            "G02B6/293",
            "氮化硅微环上方沉积微加热器，通过热光效应调节谐振波长，调谐范围覆盖整个C波段。",
        ),
        (
            "一种激光雷达点云去噪方法",
            "G01S7/48",
            "按体素划分三维点云，结合回波强度与邻域密度剔除雨雾造成的离群点，保留车道边缘细节。",
        ),
        (
            "一种用于光通信的低损耗波导耦合器",
            "G02B6/30",
            "倒锥形模斑转换结构把单模光纤的模场压缩到亚微米波导，端面耦合损耗小于一分贝。",
        ),
        (
            "一种紫外发光二极管芯片外延结构",
            "H01L33/06",
            "铝镓氮多量子阱之间插入组分渐变的电子阻挡层，提高空穴注入效率，二百八十纳米波段光功率提升。",
        ),
        (
            "一种红外热成像镜头的无热化设计方法",
            "G02B13/14",
            "选用硫系玻璃与锗两种材料匹配光焦度和热差系数，零下四十度至八十度范围内无需调焦。",
        ),
        (
            "一种光模块的自动耦合对准装置",
            "G02B6/42",
            "六轴位移台在监测光功率反馈下作螺旋搜索，找到峰值后点胶固化，单件对准时间缩短至一分钟。",
        ),
        (
            "一种激光焊接熔池视觉监测系统",
            "B23K26/03",
            "同轴高速相机拍摄熔池图像，卷积网络识别匙孔塌陷与飞溅，实时调整激光功率。",
        ),
        (
            "一种钙钛矿光伏组件的封装方法",
            "H01L31/048",
            "以原子层沉积氧化铝作阻水层，再以丁基胶边缘密封，湿热老化一千小时后效率保持九成以上。",
        ),
        (
            "一种显示面板激光剥离设备",
            "B23K26/36",
            "准分子激光线光斑扫描玻璃背面，使聚酰亚胺柔性基底与载板分离，配有真空吸附平台。",
        ),
    ),
)
YICHANG = City(
    "420500",
    "yichang_enterprise",
    "yichang_clerk",
    9980001,
    (
        (
            "一种湿法磷酸净化除杂工艺",
            "C01B25/234",
            "粗磷酸经硫化脱砷、溶剂萃取与反萃后浓缩，得到食品级磷酸，萃余酸返回肥料生产。",
        ),
        (
            "一种磷石膏制备建筑石膏粉的方法",
            "C04B11/26",
            "磷石膏水洗去除可溶磷氟后在一百六十度回转窑中煅烧，产品强度满足国家建筑石膏标准。",
        ),
        (
            "一种电池级磷酸铁的制备方法",
            "C01B25/45",
            "硫酸亚铁与磷酸二氢铵在双氧水氧化下共沉淀，控制酸度得到低硫二水磷酸铁前驱体。",
        ),
        (
            "一种草甘膦母液资源化处理装置",
            "C02F9/00",
            "母液经高温焚烧将有机磷转化为磷酸盐，余热锅炉产蒸汽，尾气碱洗后达标排放。",
        ),
        (
            "一种黄磷尾气回收利用系统",
            "C01B25/027",
            "电炉尾气经水洗、变温吸附脱除磷硫杂质，一氧化碳提纯后作为甲酸钠合成原料。",
        ),
        (
            "一种六氟磷酸锂连续结晶装置",
            "C01D15/00",
            "氟化氢溶液在多级串联冷却结晶釜中逐级降温，晶浆经离心与氮气干燥得到高纯晶体。",
        ),
        (
            "一种磷矿浮选捕收剂及其应用",
            "B03D1/01",
            "以改性脂肪酸与烷基磺酸盐复配，常温下选择性捕收胶磷矿，精矿五氧化二磷品位提高。",
        ),
        (
            "一种饲料级磷酸氢钙的生产方法",
            "C01B25/32",
            "脱氟磷酸与石灰乳在两段中和槽中反应，控制终点酸度，滤饼经闪蒸干燥得到饲料级产品。",
        ),
        (
            "一种磷酸铵镁缓释肥的造粒方法",
            "C05B7/00",
            "鸟粪石晶体与腐植酸在转鼓中团聚造粒，颗粒包膜后氮磷养分释放期延长至九十天。",
        ),
        (
            "一种磷化工废水除氟装置",
            "C02F1/58",
            "两级钙盐沉淀后经活性氧化铝吸附柱深度除氟，出水氟化物浓度低于每升十毫克。",
        ),
    ),
)


def _pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(f"{name}（演示）.pdf", PDF, content_type="application/pdf")


def _png(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(f"{name}（演示）.png", PNG, content_type="image/png")


def _pledge_docs() -> dict[str, list[Any]]:
    return {
        "application_form": [_pdf("专利权质押登记申请表")],
        "pledge_contract": [_pdf("专利权质押合同")],
        "identity_proof": [_png("营业执照")],
    }


def _licence_docs() -> dict[str, list[Any]]:
    return {
        "application_form": [_pdf("专利实施许可合同备案申请表")],
        "licence_contract": [_pdf("专利实施许可合同")],
        "identity_proof": [_png("许可双方营业执照")],
    }


def _product_docs() -> dict[str, list[Any]]:
    return {"product_info": [_pdf("专利产品信息表")], "product_photos": [_png("产品照片")]}


# ------------------------------------------------------------------ time


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=LOCAL_TZ)


def _working_days_before(day: dt.date, n: int) -> dt.date:
    """The ``n``-th working day before ``day``."""
    while n:
        day -= dt.timedelta(days=1)
        if is_working_day(day):
            n -= 1
    return day


def _months_before(day: dt.date, n: int, *, on: int = 10) -> dt.date:
    """A working day near the ``on``-th of the month ``n`` months before ``day``."""
    month = day.month - 1 - n
    first = dt.date(day.year + month // 12, month % 12 + 1, on)
    return add_working_days(first, 0)


# ------------------------------------------------------------------ patents


def _app_no(year: int, serial: int) -> str:
    body = f"{year}1{serial:07d}"
    return f"{body}.{application_check_char(body)}"


def demo_patents(city: City, org: Organisation) -> list[str]:
    """The enterprise's own granted inventions (the patentee of record is the
    enterprise), created once; returns their application numbers.

    The serials (997xxxx, 998xxxx) lie far beyond those the office has issued,
    so no imported record is touched; a number already on record is left as it is.
    """
    address = _address(org)
    rows, numbers = [], []
    for i, (title, ipc, abstract) in enumerate(city.titles):
        year = 2019 + i % 4
        number = _app_no(year, city.serial + i)
        numbers.append(number)
        rows.append(
            PatentIn(
                application_number=number,
                type="invention",
                title=f"{title}（演示）",
                abstract=f"本发明公开了{title[2:]}：{abstract}（演示数据）",
                applicants=[org.name],
                inventors=["张明", "李华"] if i % 2 else ["王芳"],
                address=address,
                ipc=[ipc],
                app_date=dt.date(year, 3 + i % 8, 12),
                grant_date=dt.date(year + 2, 5 + i % 6, 20),
                legal_status="有效",
                source_name=SOURCE,
            )
        )
    existing = set(
        Patent.objects.filter(application_number__in=numbers).values_list(
            "application_number", flat=True
        )
    )
    missing = [r for r in rows if r.application_number not in existing]
    if missing:
        patents_upsert(missing)
    return numbers


def _address(org: Organisation) -> str:
    """A street address in the organisation's district, as the register records one."""
    codes = org.region.path.split("/")
    names = dict(Region.objects.filter(code__in=codes).values_list("code", "name"))
    return "".join(names.get(c, "") for c in codes) + "演示路8号"


# ------------------------------------------------------------------ scenarios


@dataclass
class Cast:
    city: City
    enterprise: User
    clerk: User
    numbers: list[str]
    today: dt.date
    created: int = 0

    def key(self, name: str) -> str:
        return f"demo-{self.city.code}-{name}"


def _pledge(
    cast: Cast, name: str, n: int, at: dt.datetime, *, submit: bool = True, **over: Any
) -> Filing:
    start = at.astimezone(LOCAL_TZ).date()
    data = {
        "application_number": cast.numbers[n],
        "pledgee": PLEDGEE,
        "debt_amount": "3000000.00",
        "debt_start": start.isoformat(),
        "debt_end": start.replace(year=start.year + 2).isoformat(),
        "debt_type": "流动资金贷款",
        "guarantee_scope": "主债权及利息、违约金、实现质权的费用",
    } | over
    return services.pledge_submit(
        actor=cast.enterprise,
        data=data,
        documents=_pledge_docs(),
        idempotency_key=cast.key(name),
        submit=submit,
        now=at,
    )


def _licence(cast: Cast, name: str, n: int, at: dt.datetime, licensee: str, fee: str) -> Filing:
    day = at.astimezone(LOCAL_TZ).date()
    effective = day - dt.timedelta(days=20)
    return services.licence_submit(
        actor=cast.enterprise,
        data={
            "application_number": cast.numbers[n],
            "licensee": licensee,
            "licence_type": "ordinary",
            "fee": fee,
            "licence_start": effective.isoformat(),
            "licence_end": effective.replace(year=effective.year + 3).isoformat(),
            "contract_effective": effective.isoformat(),
        },
        documents=_licence_docs(),
        idempotency_key=cast.key(name),
        now=at,
    )


def _product(cast: Cast, name: str, n: int, at: dt.datetime, product: str) -> Filing:
    return services.product_submit(
        actor=cast.enterprise,
        data={
            "application_number": cast.numbers[n],
            "product_name": product,
            "product_model": "YS-2026",
            "relation": "patentee",
            "annual_output": "12000000",
        },
        documents=_product_docs(),
        idempotency_key=cast.key(name),
        now=at,
    )


def _decide(cast: Cast, filing: Filing, accept: dt.datetime, approve: dt.datetime) -> Filing:
    services.filing_accept(actor=cast.clerk, filing_id=filing.pk, now=accept)
    return services.filing_approve(actor=cast.clerk, filing_id=filing.pk, now=approve)


def _registered_pledge(
    cast: Cast, name: str, n: int, months: int, amount: str, *, late: bool = False
) -> Filing:
    """A pledge filed ``months`` ago and registered; ``late``: approved two working
    days after its one-day limit, so the on-time rate is not a flat 100 %."""
    day = _months_before(cast.today, months)
    filing = _pledge(cast, name, n, _at(day, 9, 30), debt_amount=amount)
    decided = add_working_days(day, 3 if late else 1)
    return _decide(cast, filing, _at(day, 14), _at(decided, 10))


def _due_today(filing: Filing, now: dt.datetime) -> None:
    """Keep ``filing`` on the board's 今日到期 list.

    Filed the working day before, its one-day limit ends at today's close of
    office; but the demo may be loaded on a weekend, a holiday or after hours,
    when under the working-day calendar nothing can fall due later today. What a
    clerk meets on a working morning is then shown by moving this one filing's
    due time (only that column) to the end of today.
    """
    filing.refresh_from_db(fields=["due_at"])
    today = now.astimezone(LOCAL_TZ).date()
    due = filing.due_at
    if due is not None and due > now and due.astimezone(LOCAL_TZ).date() == today:
        return
    end = dt.datetime.combine(today, dt.time(23, 59, 59), tzinfo=LOCAL_TZ)
    Filing.objects.filter(pk=filing.pk).update(due_at=end)


Scenario = Callable[[Cast, dt.datetime], None]


def _scenarios(cast: Cast, now: dt.datetime) -> list[tuple[str, Scenario]]:
    """(key of the first filing, what to do) for one city, every state covered."""
    today = cast.today
    prev = _working_days_before(today, 1)
    city = cast.city.code

    def registered(c: Cast, _: dt.datetime) -> None:
        _registered_pledge(c, "pledge-registered", 0, 4, "5000000.00")

    def recent(c: Cast, _: dt.datetime) -> None:
        # Registered in the last days, so the current month's figures are not empty.
        day = _working_days_before(today, 2)
        filing = _pledge(c, "pledge-recent", 8, _at(day, 9), debt_amount="3500000.00")
        _decide(c, filing, _at(day, 11), _at(prev, 10))

    def changed(c: Cast, _: dt.datetime) -> None:
        # Registered three months ago, its amount raised last month: the original
        # becomes 已变更 and the change is the registration in force.
        old = _registered_pledge(c, "pledge-changed", 1, 3, "2000000.00")
        day = _months_before(today, 1, on=6)
        change = services.pledge_change_submit(
            actor=c.enterprise,
            data={
                "registration_number": old.registration_number,
                "debt_amount": "2600000.00",
                "reason": "追加贷款额度（演示）",
            },
            documents={
                "application_form": [_pdf("专利权质押登记变更申请表")],
                "change_agreement": [_pdf("变更协议")],
            },
            idempotency_key=c.key("pledge-change"),
            now=_at(day, 9),
        )
        _decide(c, change, _at(day, 11), _at(add_working_days(day, 1), 9, 30))

    def cancelled(c: Cast, _: dt.datetime) -> None:
        # Registered (approved late) two months ago, repaid and released since.
        old = _registered_pledge(c, "pledge-cancelled", 2, 2, "1500000.00", late=True)
        day = _working_days_before(today, 8)
        cancel = services.pledge_cancel_submit(
            actor=c.enterprise,
            data={"registration_number": old.registration_number, "reason": "贷款已结清（演示）"},
            documents={
                "application_form": [_pdf("专利权质押登记注销申请表")],
                "release_proof": [_pdf("贷款结清证明")],
            },
            idempotency_key=c.key("pledge-cancel"),
            now=_at(day, 10),
        )
        _decide(c, cancel, _at(day, 15), _at(add_working_days(day, 1), 10))

    def overdue(c: Cast, _: dt.datetime) -> None:
        _pledge(
            c, "pledge-overdue", 3, _at(_working_days_before(today, 4), 10), debt_amount="800000.00"
        )

    def due_today(c: Cast, at: dt.datetime) -> None:
        _due_today(_pledge(c, "pledge-due-today", 4, _at(prev, 10), debt_amount="1200000.00"), at)

    def accepted(c: Cast, at: dt.datetime) -> None:
        f = _pledge(c, "pledge-accepted", 5, _at(prev, 9), debt_amount="4000000.00")
        services.filing_accept(actor=c.clerk, filing_id=f.pk, now=_at(prev, 14))
        _due_today(f, at)

    def returned(c: Cast, _: dt.datetime) -> None:
        day = _working_days_before(today, 3)
        f = _pledge(c, "pledge-returned", 6, _at(day, 10), debt_amount="900000.00")
        services.filing_return(
            actor=c.clerk,
            filing_id=f.pk,
            reasons="质押合同未加盖质权人公章，请上传盖章后的合同扫描件（演示）。",
            now=_at(day, 16),
        )

    def refused(c: Cast, _: dt.datetime) -> None:
        day = _months_before(today, 1, on=15)
        f = _pledge(c, "pledge-refused", 7, _at(day, 10), debt_amount="700000.00")
        services.filing_accept(actor=c.clerk, filing_id=f.pk, now=_at(day, 14))
        services.filing_refuse(
            actor=c.clerk,
            filing_id=f.pk,
            ground="contract_incomplete",
            note="质押合同未约定质押担保范围（演示）。",
            now=_at(add_working_days(day, 1), 10),
        )

    def withdrawn(c: Cast, _: dt.datetime) -> None:
        day = _working_days_before(today, 5)
        f = _pledge(c, "pledge-withdrawn", 7, _at(day, 10), debt_amount="600000.00")
        services.filing_withdraw(actor=c.enterprise, filing_id=f.pk, now=_at(day, 11))

    def draft(c: Cast, _: dt.datetime) -> None:
        _pledge(c, "pledge-draft", 7, _at(prev, 16), submit=False, debt_amount="500000.00")

    def licence_registered(c: Cast, _: dt.datetime) -> None:
        day = _months_before(today, 2, on=18)
        f = _licence(
            c, "licence-registered", 3, _at(day, 10), "武汉江岸演示新能源有限公司", "300000"
        )
        _decide(c, f, _at(day, 15), _at(add_working_days(day, 2), 10))

    def licence_submitted(c: Cast, _: dt.datetime) -> None:
        _licence(c, "licence-submitted", 5, _at(prev, 11), "襄阳演示汽车零部件有限公司", "150000")

    def product_submitted(c: Cast, _: dt.datetime) -> None:
        # Province-level item: it waits at the provincial window.
        _product(c, "product-submitted", 0, _at(prev, 15), "演示产品（专利标识）")

    every: list[tuple[str, Scenario]] = [
        ("pledge-registered", registered),
        ("pledge-recent", recent),
        ("pledge-changed", changed),
        ("pledge-cancelled", cancelled),
        ("pledge-overdue", overdue),
        ("pledge-due-today", due_today),
        ("pledge-accepted", accepted),
        ("pledge-returned", returned),
        ("licence-registered", licence_registered),
        ("licence-submitted", licence_submitted),
        ("product-submitted", product_submitted),
    ]
    if city == WUHAN.code:
        every += [
            ("pledge-refused", refused),
            ("pledge-withdrawn", withdrawn),
            ("pledge-draft", draft),
        ]
    return every


def _load_city(city: City, now: dt.datetime) -> Cast:
    enterprise = User.objects.select_related("organisation__region").get(username=city.enterprise)
    clerk = User.objects.get(username=city.clerk)
    assert enterprise.organisation is not None
    with transaction.atomic():
        numbers = demo_patents(city, enterprise.organisation)
    cast = Cast(city, enterprise, clerk, numbers, now.astimezone(LOCAL_TZ).date())
    for name, scenario in _scenarios(cast, now):
        if Filing.objects.filter(created_by=enterprise, idempotency_key=cast.key(name)).exists():
            continue
        with transaction.atomic():
            scenario(cast, now)
        cast.created += 1
    return cast


def demo_load(*, now: dt.datetime | None = None) -> list[str]:
    """Create the demo filings of Wuhan and Yichang (each scenario once); summary lines."""
    now = now or timezone.now()
    lines = []
    for city in (WUHAN, YICHANG):
        cast = _load_city(city, now)
        mine = Filing.objects.filter(
            created_by=cast.enterprise, idempotency_key__startswith="demo-"
        )
        registered = mine.filter(state=FilingState.REGISTERED).count()
        region = cast.clerk.region.name if cast.clerk.region else city.code
        lines.append(
            f"一网通办（{region}）：新建演示场景 {cast.created} 个；"
            f"演示办件共 {mine.count()} 件，已登记/备案 {registered} 件"
        )
    return lines

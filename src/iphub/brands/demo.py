"""Brands demo for ``make run``: trademarks (the platform's demo has none
otherwise), Hubei's geographical indications with their authorised users, one
pending application to use a GI's mark, and cultivation lists.

The GI names, products and areas are real Hubei GIs (潜江龙虾, 恩施玉露, 蕲艾,
秭归脐橙, 蔡甸莲藕, 武当道茶); every number, date, association record and user
enterprise here is invented for the demo and says so (numbers begin with 演示 or
99, statuses read 演示数据, enterprises carry 演示 in their names). Everything is
created through the services, once.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

from iphub.brands import services
from iphub.brands.models import (
    AuthorisedUse,
    CultivationList,
    Indication,
    UseApplication,
)
from iphub.core import services as core_services
from iphub.core.demo import demo_uscc
from iphub.core.exports import SafeCsvWriter
from iphub.core.models import Organisation, User
from iphub.patents.models import Trademark
from iphub.patents.services.trademarks import trademarks_import

DEMO_STATUS = "注册（演示数据）"
# (number, name, classes, owner, type, reg date, owner's address)
MARKS = [
    (
        "99000101",
        "潜江龙虾",
        "31;29",
        "潜江市小龙虾产业协会",
        "地理标志证明商标",
        "2016-01-14",
        "湖北省潜江市园林街道",
    ),
    (
        "99000102",
        "秭归脐橙",
        "31",
        "秭归县脐橙协会",
        "地理标志证明商标",
        "2009-11-21",
        "湖北省宜昌市秭归县茅坪镇",
    ),
    (
        "99000103",
        "武当道茶",
        "30",
        "十堰市茶叶协会",
        "地理标志证明商标",
        "2015-09-07",
        "湖北省十堰市茅箭区",
    ),
    (
        "99000104",
        "蕲艾",
        "5;3",
        "蕲春县蕲艾协会",
        "地理标志证明商标",
        "2011-04-07",
        "湖北省黄冈市蕲春县漕河镇",
    ),
    (
        "99000105",
        "恩施玉露",
        "30",
        "恩施市茶叶协会",
        "地理标志证明商标",
        "2013-08-01",
        "湖北省恩施土家族苗族自治州恩施市",
    ),
    (
        "99000106",
        "蔡甸莲藕",
        "31",
        "武汉市蔡甸区莲藕协会",
        "集体商标",
        "2012-05-14",
        "湖北省武汉市蔡甸区",
    ),
    (
        "99000201",
        "光谷演示",
        "9;42",
        "武汉光谷演示光电科技有限公司",
        "普通商标",
        "2019-05-07",
        "湖北省武汉市洪山区光谷大道1号",
    ),
    (
        "99000202",
        "光谷演示芯",
        "9",
        "武汉光谷演示光电科技有限公司",
        "普通商标",
        "2021-03-18",
        "湖北省武汉市洪山区光谷大道1号",
    ),
    (
        "99000203",
        "江岸演示",
        "9;12",
        "武汉江岸演示新能源有限公司",
        "普通商标",
        "2020-08-08",
        "湖北省武汉市江岸区解放大道1号",
    ),
    (
        "99000204",
        "宜昌演示",
        "1",
        "宜昌演示磷化工股份有限公司",
        "普通商标",
        "2015-06-30",
        "湖北省宜昌市西陵区",
    ),
    (
        "99000205",
        "西陵演示智造",
        "7;9",
        "宜昌西陵演示智能装备有限公司",
        "普通商标",
        "2022-02-22",
        "湖北省宜昌市西陵区",
    ),
    (
        "99000206",
        "襄阳演示",
        "12",
        "襄阳演示汽车零部件有限公司",
        "普通商标",
        "2018-10-10",
        "湖北省襄阳市襄城区",
    ),
    (
        "99000207",
        "潜江演示虾",
        "29;31;43",
        "潜江演示虾业有限公司",
        "普通商标",
        "2019-04-04",
        "湖北省潜江市熊口镇",
    ),
    (
        "99000208",
        "屈乡演示橙",
        "31;32",
        "秭归演示脐橙专业合作社",
        "普通商标",
        "2020-11-11",
        "湖北省宜昌市秭归县郭家坝镇",
    ),
    (
        "99000209",
        "恩施演示硒茶",
        "30",
        "恩施演示茶业有限公司",
        "普通商标",
        "2017-07-07",
        "湖北省恩施土家族苗族自治州恩施市芭蕉侗族乡",
    ),
    (
        "99000210",
        "蕲春演示艾",
        "5;3;44",
        "蕲春演示艾草制品有限公司",
        "普通商标",
        "2021-09-09",
        "湖北省黄冈市蕲春县蕲州镇",
    ),
]

# Enterprises of the GIs' areas (demo entities; codes pass the GB 32100 check).
ORGS = [
    ("潜江演示虾业有限公司", "429005", 8101),
    ("潜江演示龙虾养殖专业合作社", "429005", 8102),
    ("恩施演示茶业有限公司", "422801", 8103),
    ("蕲春演示艾草制品有限公司", "421126", 8104),
    ("蔡甸演示莲藕种植专业合作社", "420114", 8105),
    ("秭归演示果业有限公司", "420527", 8106),
    ("丹江口演示茶叶有限公司", "420381", 8107),
    ("潜江演示水产加工有限公司", "429005", 8108),
]

RULES = (
    "一、使用范围：产地限于保护地域内，产品须符合相应地方标准。\n"
    "二、使用程序：使用单位向管理地区提出申请，经审核核准后在核准期限内使用专用标志。\n"
    "三、监督管理：使用单位不得转让、许可他人使用专用标志；期满未续期的不得继续使用。\n"
    "（本规则为演示文本。）"
)

# (keeper username, data, areas, trademark number or "", publish)
ENTRIES: list[tuple[str, dict[str, str], list[str], str, bool]] = [
    (
        "province_supervisor",
        {
            "name": "潜江龙虾",
            "kind": "gi_mark",
            "product": "小龙虾（克氏原螯虾）",
            "holder": "潜江市小龙虾产业协会",
            "region": "429005",
            "approval_number": "演示-GI-0001",
            "approval_date": "2016-01-14",
            "area_note": "潜江市现辖行政区域。",
        },
        ["429005"],
        "99000101",
        True,
    ),
    (
        "province_supervisor",
        {
            "name": "恩施玉露",
            "kind": "gi_product",
            "product": "蒸青绿茶",
            "holder": "恩施市茶叶协会",
            "region": "422800",
            "approval_number": "演示-GI-0002",
            "approval_date": "2007-03-20",
            "area_note": "恩施市现辖行政区域内的产茶乡镇。",
        },
        ["422801"],
        "",
        True,
    ),
    (
        "province_supervisor",
        {
            "name": "蕲艾",
            "kind": "gi_product",
            "product": "艾叶及艾制品",
            "holder": "蕲春县蕲艾协会",
            "region": "421100",
            "approval_number": "演示-GI-0003",
            "approval_date": "2010-12-30",
            "area_note": "蕲春县现辖行政区域。",
        },
        ["421126"],
        "",
        True,
    ),
    (
        "yichang_clerk",
        {
            "name": "秭归脐橙",
            "kind": "gi_mark",
            "product": "脐橙",
            "holder": "秭归县脐橙协会",
            "region": "420500",
            "approval_number": "演示-GI-0004",
            "approval_date": "2009-11-21",
            "area_note": "秭归县长江沿岸海拔 600 米以下的柑橘产区。",
        },
        ["420527"],
        "99000102",
        True,
    ),
    (
        "wuhan_clerk",
        {
            "name": "蔡甸莲藕",
            "kind": "gi_product",
            "product": "莲藕",
            "holder": "武汉市蔡甸区莲藕协会",
            "region": "420100",
            "approval_number": "演示-GI-0005",
            "approval_date": "2012-05-14",
            "area_note": "蔡甸区现辖行政区域内的湖泊湿地。",
        },
        ["420114"],
        "",
        True,
    ),
    (
        "province_supervisor",
        {
            "name": "武当道茶",
            "kind": "gi_mark",
            "product": "绿茶",
            "holder": "十堰市茶叶协会",
            "region": "420300",
            "approval_number": "演示-GI-0006",
            "approval_date": "2015-09-07",
            "area_note": "丹江口市等武当山周边产茶区。",
        },
        ["420381"],
        "99000103",
        True,
    ),
    (
        "wuhan_clerk",
        {
            "name": "蔡甸演示藜蒿",
            "kind": "collective",
            "product": "藜蒿",
            "holder": "武汉市蔡甸区蔬菜协会（演示）",
            "region": "420100",
            "approval_number": "演示-CM-0001",
            "approval_date": "2023-04-01",
            "area_note": "演示草稿：尚未公布。",
        },
        ["420114"],
        "",
        False,
    ),
]

# (entry name, organisation, days from today to start, days to end)
USES = [
    ("潜江龙虾", "潜江演示虾业有限公司", -400, 700),
    ("潜江龙虾", "潜江演示龙虾养殖专业合作社", -100, 1000),
    ("恩施玉露", "恩施演示茶业有限公司", -200, 900),
    ("蕲艾", "蕲春演示艾草制品有限公司", -300, 400),
    ("秭归脐橙", "秭归演示果业有限公司", -150, 600),
    ("蔡甸莲藕", "蔡甸演示莲藕种植专业合作社", -30, 1065),
    ("武当道茶", "丹江口演示茶叶有限公司", -500, 200),
]


def _marks_load() -> list[str]:
    if Trademark.objects.filter(registration_number=MARKS[0][0]).exists():
        return []
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "demo-trademarks.csv"
        with open(path, "w", newline="", encoding="utf-8") as fh:
            w = SafeCsvWriter(fh)
            w.writerow(
                [
                    "注册号",
                    "商标名称",
                    "国际分类",
                    "注册人",
                    "商标类型",
                    "商标状态",
                    "注册日期",
                    "注册人地址",
                ]
            )
            for number, name, classes, owner, kind, date, address in MARKS:
                w.writerow([number, name, classes, owner, kind, DEMO_STATUS, date, address])
        report = trademarks_import(actor=None, path=path, mode="all")
    return [f"导入演示商标 {report.ok} 件（注册号 99 开头，状态注明演示数据）"]


def _orgs_load() -> dict[str, Organisation]:
    out = {}
    for name, region, serial in ORGS:
        org = Organisation.objects.filter(name=name).first()
        if org is None:
            org = core_services.organisation_create(
                actor=None,
                data={
                    "name": name,
                    "uscc": demo_uscc(region, serial),
                    "kind": "enterprise",
                    "region": region,
                },
            )
        out[name] = org
    return out


def _period(start: int, end: int) -> dict[str, str]:
    today = services.today()
    return {
        "valid_from": (today + dt.timedelta(days=start)).isoformat(),
        "valid_until": (today + dt.timedelta(days=end)).isoformat(),
    }


def _entries_load(orgs: dict[str, Organisation]) -> list[str]:
    made = 0
    entries: dict[str, Indication] = {}
    for keeper, data, areas, mark, publish in ENTRIES:
        entry = Indication.objects.filter(approval_number=data["approval_number"]).first()
        if entry is None:
            actor = User.objects.get(username=keeper)
            entry = services.indication_create(
                actor=actor, data={**data, "rules": RULES, "trademark_number": mark}, areas=areas
            )
            if publish:
                entry = services.indication_step(
                    actor=actor, indication_id=entry.pk, step="publish"
                )
            made += 1
        entries[entry.name] = entry
    granted = 0
    for name, org_name, start, end in USES:
        entry = entries[name]
        if AuthorisedUse.objects.filter(indication=entry, organisation=orgs[org_name]).exists():
            continue
        keeper = next(k for k, d, *_ in ENTRIES if d["name"] == name)
        services.authorised_use_grant(
            actor=User.objects.get(username=keeper),
            indication_id=entry.pk,
            data={"organisation": orgs[org_name].pk, **_period(start, end)},
        )
        granted += 1
    lines = (
        [f"新建地理标志等登记 {made} 件，登记专用标志使用单位 {granted} 家"]
        if made or granted
        else []
    )
    # One authorisation ended early, so the keepers' history shows it.
    qianjiang = entries["潜江龙虾"]
    misuser = orgs["潜江演示水产加工有限公司"]
    if not AuthorisedUse.objects.filter(indication=qianjiang, organisation=misuser).exists():
        actor = User.objects.get(username="province_supervisor")
        use = services.authorised_use_grant(
            actor=actor,
            indication_id=qianjiang.pk,
            data={"organisation": misuser.pk, **_period(-200, 500)},
        )
        services.authorised_use_revoke(
            actor=actor, use_id=use.pk, reason="演示：产品未达到使用管理规则的要求，提前终止。"
        )
    lines += _application_load(entries["秭归脐橙"])
    return lines


def _application_load(entry: Indication) -> list[str]:
    applicant = User.objects.filter(username="zigui_enterprise").first()
    if applicant is None or UseApplication.objects.filter(indication=entry).exists():
        return []
    services.use_application_submit(
        actor=applicant,
        indication_id=entry.pk,
        data={
            "products": "脐橙（鲜果）",
            "production_site": "秭归县郭家坝镇演示果园",
            **_period(0, 730),
        },
    )
    return ["新建专用标志使用申请 1 件（秭归演示脐橙专业合作社，待宜昌市审核）"]


CULTIVATION: list[tuple[str, dict[str, str], list[tuple[str, str, str]]]] = [
    (
        "province_supervisor",
        {
            "year": "2025",
            "title": "湖北省知名品牌培育名单（演示）",
            "region": "420000",
            "criteria": "一、在湖北省注册、持有有效注册商标满三年；\n"
            "二、近三年无知识产权侵权、失信记录；\n三、品牌产品市场占有率居本行业省内前列；\n"
            "四、建立商标管理制度并有专人负责。",
        },
        [
            ("武汉光谷演示光电科技有限公司", "光谷演示", "99000201"),
            ("宜昌演示磷化工股份有限公司", "宜昌演示", "99000204"),
            ("襄阳演示汽车零部件有限公司", "襄阳演示", "99000206"),
        ],
    ),
    (
        "wuhan_clerk",
        {
            "year": "2025",
            "title": "武汉市商标品牌培育名单（演示）",
            "region": "420100",
            "criteria": "武汉市辖区企业；拥有核心注册商标；近两年研发投入持续增长。",
        },
        [
            ("武汉光谷演示光电科技有限公司", "光谷演示芯", "99000202"),
            ("武汉江岸演示新能源有限公司", "江岸演示", "99000203"),
        ],
    ),
]


def _cultivation_load() -> list[str]:
    made = 0
    for keeper, data, members in CULTIVATION:
        if CultivationList.objects.filter(title=data["title"]).exists():
            continue
        actor = User.objects.get(username=keeper)
        clist = services.cultivation_list_create(actor=actor, data=data)
        for org_name, brand, mark in members:
            org = Organisation.objects.get(name=org_name)
            services.cultivation_member_add(
                actor=actor,
                list_id=clist.pk,
                data={"organisation": org.pk, "brand": brand, "trademark_number": mark},
            )
        made += 1
    return [f"新建知名品牌培育名单 {made} 份"] if made else []


def demo_load() -> list[str]:
    """Load the brands demo once; returns what was created."""
    lines = _marks_load()
    orgs = _orgs_load()
    lines += _entries_load(orgs)
    lines += _cultivation_load()
    return lines

"""Policy library demo for ``make run``: real policy titles (laws, regulations,
national and provincial policies, the 2022 plan itself and local measures) with
short texts written for the demo and document numbers that are invented where
not known for sure; every record is marked ``is_demo`` and its page says so.
Three are subsidy or reward policies with conditions, so that the Wuhan demo
enterprise and the demo agency see what they appear to qualify for."""

from __future__ import annotations

from typing import Any

from iphub.core.models import User
from iphub.policies import services
from iphub.policies.models import Policy


def _p(title: str, level: str, body: str, number: str, issued: str, region: str,
       summary: str, **extra: Any) -> dict[str, Any]:  # fmt: skip
    text = (
        f"{title}\n\n（演示全文）{summary}\n"
        "第一条 为加强知识产权创造、运用、保护、管理和服务，优化营商环境，制定本文件。\n"
        "第二条 本文件所称知识产权包括专利、商标、地理标志、集成电路布图设计等。\n"
        "第三条 各级知识产权管理部门应当依托公共服务平台，推进知识产权业务一网通办。"
    )
    return {
        "title": title,
        "level": level,
        "issuing_body": body,
        "document_number": number,
        "issued_on": issued,
        "effective_from": extra.pop("effective_from", issued),
        "region": region,
        "summary": summary,
        "full_text": text,
    } | extra


POLICIES: list[dict[str, Any]] = [
    _p(
        "中华人民共和国专利法",
        "law",
        "全国人民代表大会常务委员会",
        "中华人民共和国主席令第五十五号",
        "2020-10-17",
        "420000",
        "第四次修正：加大侵权赔偿力度，新增专利开放许可制度。",
        effective_from="2021-06-01",
    ),
    _p(
        "中华人民共和国专利法（2008年修正）",
        "law",
        "全国人民代表大会常务委员会",
        "中华人民共和国主席令第八号",
        "2008-12-27",
        "420000",
        "第三次修正文本，已由 2020 年修正文本取代。",
        effective_from="2009-10-01",
        validity="amended",
        expires_on="2021-06-01",
    ),
    _p(
        "中华人民共和国商标法",
        "law",
        "全国人民代表大会常务委员会",
        "中华人民共和国主席令第二十九号",
        "2019-04-23",
        "420000",
        "第四次修正：规制不以使用为目的的恶意商标注册申请。",
        effective_from="2019-11-01",
    ),
    _p(
        "中华人民共和国专利法实施细则",
        "regulation",
        "国务院",
        "国务院令第769号",
        "2023-12-11",
        "420000",
        "配套专利法第四次修正，细化开放许可、期限补偿等规定。",
        effective_from="2024-01-20",
    ),
    _p(
        "专利权质押登记办法",
        "regulation",
        "国家知识产权局",
        "国家知识产权局公告第461号",
        "2021-11-15",
        "420000",
        "规定专利权质押登记的申请、审查、变更和注销。",
    ),
    _p(
        "知识产权强国建设纲要（2021—2035年）",
        "national",
        "中共中央 国务院",
        "中发〔2021〕38号",
        "2021-09-22",
        "420000",
        "到 2035 年基本建成中国特色、世界水平的知识产权强国。",
    ),
    _p(
        "“十四五”国家知识产权保护和运用规划",
        "national",
        "国务院",
        "国发〔2021〕20号",
        "2021-10-09",
        "420000",
        "明确“十四五”时期知识产权保护和运用的主要目标与重点任务。",
    ),
    _p(
        "全省知识产权系统贯彻落实《持续深化一流营商环境建设若干措施》实施方案",
        "provincial",
        "湖北省知识产权局",
        "鄂知发〔2022〕3号",
        "2022-01-20",
        "420000",
        "推进知识产权业务一网通办，质押登记一个工作日办结，建设知识产权公共服务网络。",
    ),
    _p(
        "湖北省知识产权质押融资入园惠企行动方案",
        "provincial",
        "湖北省知识产权局",
        "鄂知发〔2021〕18号",
        "2021-08-10",
        "420000",
        "推动质押融资进园区、惠企业，扩大融资规模。",
    ),
    _p(
        "湖北省知识产权公共服务体系建设实施方案",
        "provincial",
        "湖北省知识产权局",
        "鄂知发〔2022〕15号",
        "2022-06-30",
        "420000",
        "建设技术与创新支持中心、高校信息中心和信息公共服务网点。",
    ),
    _p(
        "武汉市知识产权资助和奖励办法",
        "local",
        "武汉市市场监督管理局",
        "武市监规〔2022〕4号",
        "2022-05-18",
        "420100",
        "对发明专利授权、质押融资、贯标等给予资助和奖励。",
        is_support=True,
        support_note="发明专利质押融资贴息，最高 50 万元（演示）",
        conditions=[
            {"kind": "org_kind", "values": ["enterprise"]},
            {"kind": "region_within", "region": "420100"},
            {"kind": "pledge_this_year"},
        ],
    ),
    _p(
        "湖北省专精特新企业高价值专利培育奖励措施",
        "provincial",
        "湖北省知识产权局",
        "鄂知发〔2023〕7号",
        "2023-03-15",
        "420000",
        "支持专精特新和高新技术企业培育高价值发明专利。",
        is_support=True,
        support_note="每家奖励 20 万元（演示）",
        conditions=[
            {"kind": "org_kind", "values": ["enterprise"]},
            {"kind": "tag_any", "values": ["zhuanjingtexin", "high_tech"]},
            {"kind": "valid_inventions", "min": 5},
        ],
    ),
    _p(
        "湖北省知识产权服务机构能力提升奖励办法",
        "provincial",
        "湖北省知识产权局",
        "鄂知发〔2023〕11号",
        "2023-06-01",
        "420000",
        "对参加业务培训、服务能力提升的知识产权服务机构给予奖励。",
        is_support=True,
        support_note="每家奖励 5 万元（演示）",
        conditions=[
            {"kind": "org_kind", "values": ["agency"]},
            {"kind": "training_hours", "min": 4},
        ],
    ),
]


def demo_load() -> list[str]:
    """Create the demo library once (through the service: audited and indexed)."""
    actor = User.objects.get(username="province_supervisor")
    made = 0
    for spec in POLICIES:
        if Policy.objects.filter(title=spec["title"]).exists():
            continue
        data = dict(spec)
        data["is_support"] = bool(data.get("is_support"))
        services.policy_create(actor=actor, data=data, is_demo=True)
        made += 1
    return [f"政策库：新建 {made} 件，共 {Policy.objects.count()} 件（演示数据，文号为演示用）"]

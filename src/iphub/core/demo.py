"""Demo data for ``make run``: regions, organisations and one user per role.

The organisations are demo entities (their names say 演示, or for the two
universities that list real patents, their address does) with codes that pass
the GB 32100 check; they are not real enterprises. Real patent records come
from ../shared/data through the patents importer. Every step is idempotent, so
running ``make run`` twice creates nothing twice.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from iphub.core import services
from iphub.core.models import Organisation, Role, User
from iphub.core.validators import uscc_check_char

DEMO_PASSWORD = "Iphub@2026"


def demo_uscc(region_code: str, serial: int) -> str:
    """A code that passes the GB 32100 check, registered by the market regulator (91)."""
    body = f"91{region_code}{serial:09d}"[:17]
    return body + uscc_check_char(body)


# (name, kind, region, tags, contact name, phone)
DEMO_ORGANISATIONS = [
    (
        "武汉光谷演示光电科技有限公司",
        "enterprise",
        "420111",
        ["zhuanjingtexin", "high_tech"],
        "张伟",
        "13871234567",
    ),
    (
        "武汉江岸演示新能源有限公司",
        "enterprise",
        "420102",
        ["high_tech", "bqw_1000"],
        "李娜",
        "13912345678",
    ),
    ("武汉演示大学技术转移中心", "university", "420106", [], "王强", "02787654321"),
    ("湖北演示专利代理事务所", "agency", "420103", [], "刘洋", "13687654321"),
    ("演示银行武汉分行", "bank", "420102", [], "陈静", "13512345678"),
    (
        "宜昌演示磷化工股份有限公司",
        "enterprise",
        "420500",
        ["listing_reserve", "bqw_100"],
        "杨帆",
        "13307171234",
    ),
    (
        "宜昌西陵演示智能装备有限公司",
        "enterprise",
        "420502",
        ["zhuanjingtexin"],
        "赵敏",
        "13797654321",
    ),
    ("襄阳演示汽车零部件有限公司", "enterprise", "420600", ["high_tech"], "周杰", "13972345678"),
    ("十堰演示商用车研究院", "institute", "420300", [], "吴磊", "15927123456"),
    # Universities named as the patentees of real records in ../shared/data: a
    # listing may offer only its holder's own patents, so the demo accounts that
    # list real patents act for organisations of the patentee's exact name. They
    # are marked as demo accounts in their address, and carry no contact data.
    ("华中科技大学", "university", "420111", [], "", ""),
    ("三峡大学", "university", "420502", [], "", ""),
    # A grower in the protected area of 秭归脐橙 (brands demo: applies to use the GI's mark).
    ("秭归演示脐橙专业合作社", "enterprise", "420527", [], "向明", "13907171234"),
]

DEMO_ADDRESS = "演示账号：按公开专利数据中的专利权人名称建立，并非该单位的官方账号"


@dataclass(frozen=True)
class DemoAccount:
    """One demo account; ``try_this`` and ``path`` say what to try first after signing in."""

    username: str
    role: str
    region: str | None
    organisation: str | None
    note: str
    try_this: str = ""
    path: str = "/"


DEMO_ACCOUNTS = [
    DemoAccount(
        "province_supervisor",
        Role.SUPERVISOR,
        "420000",
        None,
        "省局督导（全省）",
        "看各市督导考核得分与月报报送情况",
        "/supervision/",
    ),
    DemoAccount(
        "wuhan_supervisor",
        Role.SUPERVISOR,
        "420100",
        None,
        "武汉市督导人员",
        "填报本市月度工作报告",
        "/supervision/reports/",
    ),
    DemoAccount(
        "yichang_supervisor",
        Role.SUPERVISOR,
        "420500",
        None,
        "宜昌市督导人员",
        "查看被退回的月报并修改后重新报送",
        "/supervision/reports/",
    ),
    DemoAccount(
        "wuhan_clerk",
        Role.WINDOW,
        "420100",
        None,
        "武汉市窗口人员",
        "审核待办的质押、许可备案（有今日到期和已超期的）",
        "/filings/queue/",
    ),
    DemoAccount(
        "hongshan_clerk",
        Role.WINDOW,
        "420111",
        None,
        "武汉市洪山区窗口人员",
        "办理本区的备案申请",
        "/filings/queue/",
    ),
    DemoAccount(
        "yichang_clerk",
        Role.WINDOW,
        "420500",
        None,
        "宜昌市窗口人员",
        "查看本市技术需求与匹配的专利",
        "/transfer/",
    ),
    DemoAccount(
        "wuhan_enforcer",
        Role.ENFORCEMENT,
        "420100",
        None,
        "武汉市执法人员",
        "处理“蓝天”行动筛出的本市可疑申请",
        "/protection/screening/",
    ),
    DemoAccount(
        "province_enforcer",
        Role.ENFORCEMENT,
        "420000",
        None,
        "省局执法人员（全省）",
        "查看全省维权案件与援助请求",
        "/protection/cases/",
    ),
    DemoAccount(
        "province_auditor",
        Role.AUDITOR,
        "420000",
        None,
        "省级审计管理员",
        "查看操作日志：谁在何时改了什么",
        "/audit/",
    ),
    DemoAccount(
        "system_admin",
        Role.SYSADMIN,
        "420000",
        None,
        "系统管理员（三员之一）",
        "在系统管理中维护用户、行政区划和组织机构（审计日志不对其开放）；"
        "定时任务的上次与下次运行、后台任务进程见 /system/background/",
        "/admin/",
    ),
    DemoAccount(
        "security_admin",
        Role.SECADMIN,
        "420000",
        None,
        "安全管理员（三员之一）",
        "锁定或解锁账号、重置双因素认证、撤销令牌，查看密码策略",
        "/security/",
    ),
    DemoAccount(
        "enterprise_user",
        Role.ENTERPRISE,
        None,
        "武汉光谷演示光电科技有限公司",
        "企业用户（武汉）",
        "查看本企业的技术需求及匹配到的专利",
        "/transfer/needs/mine/",
    ),
    DemoAccount(
        "yichang_enterprise",
        Role.ENTERPRISE,
        None,
        "宜昌演示磷化工股份有限公司",
        "企业用户（宜昌）",
        "发布一条技术需求：填好名称和描述后点“根据名称和描述推荐分类号”，勾选推荐的分类号，"
        "发布后看系统匹配的专利及匹配理由",
        "/transfer/needs/new/",
    ),
    DemoAccount(
        "university_user",
        Role.ENTERPRISE,
        None,
        "华中科技大学",
        "高校用户（武汉，演示）",
        "查看本校挂牌的专利及意向企业",
        "/transfer/supply/",
    ),
    DemoAccount(
        "ctgu_user",
        Role.ENTERPRISE,
        None,
        "三峡大学",
        "高校用户（宜昌，演示）",
        "看本校挂牌专利匹配到的宜昌企业需求",
        "/transfer/inbox/",
    ),
    DemoAccount(
        "bank_user",
        Role.ENTERPRISE,
        None,
        "演示银行武汉分行",
        "银行用户（质权人）",
        "答复企业的融资需求（有一笔待本行答复）",
        "/finance/requests/",
    ),
    DemoAccount(
        "agency_user",
        Role.AGENCY,
        None,
        "湖北演示专利代理事务所",
        "服务机构用户",
        "代企业办理专利质押登记",
        "/filings/",
    ),
    DemoAccount(
        "zigui_enterprise",
        Role.ENTERPRISE,
        None,
        "秭归演示脐橙专业合作社",
        "企业用户（秭归，演示）",
        "看本社使用“秭归脐橙”地理标志专用标志的申请（待宜昌市审核）",
        "/brands/applications/",
    ),
    DemoAccount(
        "hust_outlet",
        Role.ENTERPRISE,
        None,
        "华中科技大学",
        "高校信息服务中心服务人员（武汉，演示）",
        "受理并答复企业提交的检索、导航、分析评议服务工单（有一件待受理）",
        "/network/tickets/",
    ),
    DemoAccount(
        "ctgu_outlet",
        Role.ENTERPRISE,
        None,
        "三峡大学",
        "高校信息服务中心服务人员（宜昌，演示）",
        "查看本中心服务工单的按时办结率与满意度",
        "/network/stats/",
    ),
]


@transaction.atomic
def demo_load() -> list[str]:
    """Load regions, demo organisations and accounts; returns what was created."""
    services.regions_load()
    orgs = users = 0
    for i, (name, kind, region, tags, contact, phone) in enumerate(DEMO_ORGANISATIONS, 1):
        if Organisation.objects.filter(name=name).exists():
            continue
        services.organisation_create(
            actor=None,
            data={
                "name": name,
                "uscc": demo_uscc(region, 7000 + i),
                "kind": kind,
                "region": region,
                "tags": tags,
                "contact_name": contact,
                "contact_phone": phone,
                "address": DEMO_ADDRESS if "演示" not in name else "",
            },
        )
        orgs += 1
    for acc in DEMO_ACCOUNTS:
        if User.objects.filter(username=acc.username).exists():
            continue
        org = Organisation.objects.get(name=acc.organisation) if acc.organisation else None
        services.user_create(
            actor=None,
            username=acc.username,
            password=DEMO_PASSWORD,
            role=acc.role,
            region_code=acc.region,
            organisation=org,
            display_name=acc.note,
        )
        users += 1
    lines = [f"新建演示单位 {orgs} 个、账号 {users} 个（共 {len(DEMO_ACCOUNTS)} 个演示账号）"]
    return lines + demo_two_factor_load()


# Two-factor login for the demo's administrators and province staff: every such demo
# account gets an authenticator with this one published key, so that a new user
# can add it to any TOTP app (or run `manage.py demo_otp`) and sign in. A demo key
# is public by design; real accounts enrol their own key on first login.
DEMO_TOTP_KEY = b"iphub-demo-2fa-key!!".hex()


def demo_totp_secret() -> str:
    """The demo key as an authenticator app takes it (base32)."""
    import base64

    return base64.b32encode(bytes.fromhex(DEMO_TOTP_KEY)).decode()


def demo_two_factor_load() -> list[str]:
    """Give each demo account that signs in with two factors the demo authenticator."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from iphub.core.permissions import requires_two_factor

    names = []
    for acc in DEMO_ACCOUNTS:
        user = User.objects.select_related("region").filter(username=acc.username).first()
        if user is None or not requires_two_factor(user):
            continue
        names.append(acc.username)
        if not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
            TOTPDevice.objects.create(
                user=user, name="演示验证器", key=DEMO_TOTP_KEY, confirmed=True
            )
    return [
        f"需双因素认证的演示账号（{'、'.join(names)}）：密码之后输入验证码。"
        f"在验证器应用中手动添加密钥 {demo_totp_secret()}（基于时间，6 位，30 秒），"
        "或运行 python manage.py demo_otp 查看当前验证码。"
    ]

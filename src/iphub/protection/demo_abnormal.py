"""Abnormal applications planted for the demo's 蓝天 run, by Hubei demo applicants.

Hardly any imported real record has a Hubei applicant, so a run over them alone
leaves the cities with nothing to review. These records show the patterns the
screening looks for, filed by demo organisations (named 演示, registered through
the core services) with addresses in the cities whose enforcers should see them:

- 洪山区: one company files edited copies of one text (numbers and a few words
  changed): a near-duplicate group in the district;
- 江夏区 and 襄阳樊城区: one invention split into several applications filed on
  one day: split-filing groups in each district;
- 武汉市: one agency files a month's batch of templated utility models for
  companies in six districts, far above its usual one a month: a bulk-filing
  group and a template near-duplicate group at city level;
- 宜昌猇亭区: a chemical company files copies of one process with changed figures;
- 宜昌夷陵区: a farm-machinery company that files one application a month files
  ten templated ones in one month: a bulk-filing and a near-duplicate group.

The records are created with ``patents_upsert`` (as an import would), keyed by
application number in the serial range 996xxxx, which lies far beyond the serials
the office has issued and apart from the filings demo's 997xxxx/998xxxx, so no
imported record is touched. A number already on record is left as it is.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from iphub.core.demo import demo_uscc
from iphub.core.models import Organisation, Region
from iphub.core.services import organisation_create
from iphub.patents.importers import PatentIn
from iphub.patents.models import Patent
from iphub.patents.numbers import application_check_char
from iphub.patents.services import patents_upsert

SERIAL = 9960001
SOURCE = "演示数据（非真实专利，“蓝天”筛查示例）"
AGENCY = "武汉捷达演示专利代理有限公司"


@dataclass(frozen=True)
class Applicant:
    name: str
    region: str  # district code: where the register puts the applicant
    street: str


HONGSHAN = Applicant("武汉洪山演示新材料科技有限公司", "420111", "关山演示路18号")
JIANGXIA = Applicant("武汉江夏演示环保设备有限公司", "420115", "藏龙岛演示园6号")
XIAOTING = Applicant("宜昌猇亭演示精细化工有限公司", "420505", "猇亭演示化工园2号")
FANCHENG = Applicant("襄阳樊城演示电机有限公司", "420606", "演示工业路9号")
YILING = Applicant("宜昌夷陵演示农机有限公司", "420506", "演示柑橘产业园5号")
# The agency's clients, one per Wuhan district.
CLIENTS = (
    Applicant("武汉汉阳演示智控科技有限公司", "420105", "演示大道21号"),
    Applicant("武汉硚口演示电器有限公司", "420104", "演示路35号"),
    Applicant("武汉青山演示物联科技有限公司", "420107", "演示街7号"),
    Applicant("武汉东西湖演示农业科技有限公司", "420112", "演示农场路3号"),
    Applicant("武汉黄陂演示家居用品有限公司", "420116", "演示工业园12号"),
    Applicant("武汉江汉演示电子有限公司", "420103", "演示路56号"),
)
APPLICANTS = (HONGSHAN, JIANGXIA, XIAOTING, FANCHENG, *CLIENTS, YILING)


@dataclass(frozen=True)
class Filing:
    applicant: Applicant
    title: str
    abstract: str
    claims: str
    ipc: str
    app_date: dt.date
    utility: bool = False
    agency: str = ""


# ---------------------------------------------------------------- 洪山区: copies

_FILM = (
    "本发明公开了一种{title}，包括以下步骤：将氧化石墨烯{put}去离子水中，{sonic}{t1}分钟得到浓度为"
    "{c}毫克每毫升的分散液；将分散液{coat}在聚酰亚胺基底上，于{T1}摄氏度{dry}后剥离得到氧化石墨烯膜；"
    "将该膜在氩气保护下以每分钟{r}摄氏度升温至{T2}摄氏度石墨化处理{h}小时，再经{p}兆帕辊压得到导热膜。"
    "所得导热膜面内热导率达到{k}瓦每米开尔文，适用于{use}散热。"
)
_FILM_CLAIMS = (
    "1.一种{title}，其特征在于，包括：配制氧化石墨烯分散液；{coat}成膜并{dry}剥离；高温石墨化；辊压。"
    "2.根据权利要求1所述的方法，其特征在于，所述分散液浓度为{c}毫克每毫升。"
    "3.根据权利要求1所述的方法，其特征在于，所述石墨化温度为{T2}摄氏度，保温{h}小时。"
)
_FILM_VARIANTS = (
    dict(title="石墨烯导热膜的制备方法", put="分散于", sonic="超声处理", t1="30", c="8",
         coat="刮涂", T1="60", dry="烘干", r="5", T2="2800", h="2", p="20", k="1500",
         use="手机和笔记本电脑", date="2026-03-09"),
    dict(title="高导热石墨烯膜的制作工艺", put="分散在", sonic="超声处理", t1="40", c="10",
         coat="刮涂", T1="65", dry="烘干", r="5", T2="2850", h="2", p="25", k="1600",
         use="手机和笔记本电脑", date="2026-03-27"),
    dict(title="石墨烯散热膜的生产方法", put="分散于", sonic="超声分散", t1="30", c="12",
         coat="涂布", T1="60", dry="干燥", r="4", T2="2800", h="3", p="20", k="1550",
         use="智能手机和平板电脑", date="2026-04-16"),
    dict(title="柔性石墨烯导热膜的制备方法", put="分散于", sonic="超声处理", t1="35", c="8",
         coat="刮涂", T1="70", dry="烘干", r="6", T2="2900", h="2", p="30", k="1650",
         use="手机和笔记本电脑", date="2026-05-08"),
    dict(title="石墨烯导热薄膜的制备方法", put="分散在", sonic="超声处理", t1="30", c="9",
         coat="刮涂", T1="60", dry="干燥", r="5", T2="2750", h="2", p="20", k="1450",
         use="手机和笔记本电脑", date="2026-06-02"),
)  # fmt: skip


def _copies() -> list[Filing]:
    return [
        Filing(
            HONGSHAN,
            f"一种{v['title']}（演示）",
            _FILM.format(**v),
            _FILM_CLAIMS.format(**v),
            "C01B32/194",
            dt.date.fromisoformat(v["date"]),
        )
        for v in _FILM_VARIANTS
    ]


# ---------------------------------------------------------- 宜昌猇亭区: copies

_HYPO = (
    "本发明公开了一种{title}，以黄磷、{base}和水为原料，在{T}摄氏度、搅拌转速每分钟{rpm}转的条件下"
    "反应{h}小时，反应尾气经{wash}后回收磷化氢；反应液经压滤除去亚磷酸钙渣，滤液通入二氧化碳除钙，"
    "再经蒸发浓缩至密度{d}克每立方厘米、冷却结晶、离心分离和{dryer}干燥，得到{grade}次磷酸钠，"
    "产品纯度不低于{pur}。"
)
_HYPO_CLAIMS = (
    "1.一种{title}，其特征在于：黄磷与{base}在{T}摄氏度反应{h}小时，压滤、除钙、浓缩结晶得到次磷酸钠。"
    "2.根据权利要求1所述的方法，其特征在于，所述浓缩终点密度为{d}克每立方厘米。"
)
_HYPO_VARIANTS = (
    dict(title="次磷酸钠的制备方法", base="氢氧化钙和氢氧化钠", T="90", rpm="120", h="3",
         wash="次氯酸钠溶液洗涤", d="1.45", dryer="气流", grade="工业级", pur="百分之九十九",
         date="2026-04-07"),
    dict(title="次磷酸钠的生产工艺", base="氢氧化钙和氢氧化钠", T="95", rpm="150", h="3",
         wash="次氯酸钠溶液洗涤", d="1.48", dryer="气流", grade="工业级", pur="百分之九十九",
         date="2026-05-12"),
    dict(title="高纯次磷酸钠的制备方法", base="石灰乳和液碱", T="90", rpm="120", h="4",
         wash="次氯酸钠溶液洗涤", d="1.45", dryer="真空", grade="电子级", pur="百分之九十九点五",
         date="2026-06-16"),
    dict(title="次磷酸钠的合成方法", base="氢氧化钙和氢氧化钠", T="85", rpm="100", h="3",
         wash="碱液洗涤", d="1.46", dryer="气流", grade="工业级", pur="百分之九十九",
         date="2026-07-21"),
)  # fmt: skip


def _xiaoting() -> list[Filing]:
    return [
        Filing(
            XIAOTING,
            f"一种{v['title']}（演示）",
            _HYPO.format(**v),
            _HYPO_CLAIMS.format(**v),
            "C01B25/165",
            dt.date.fromisoformat(v["date"]),
        )
        for v in _HYPO_VARIANTS
    ]


# ------------------------------------------------ one invention, split in parts


def _split(
    applicant: Applicant,
    system: str,
    common: str,
    parts: tuple[tuple[str, str, str], ...],
    ipc: str,
    day: dt.date,
) -> list[Filing]:
    """One system described once, filed as one application per component: each
    shares the system's description and claims its own component."""
    return [
        Filing(
            applicant,
            f"一种{system}的{part}（演示）",
            f"本发明公开了一种{system}的{part}。{common}{feature}{detail}",
            f"1.一种{system}的{part}，其特征在于，{feature}2.根据权利要求1所述的{part}，"
            f"其特征在于，{detail}",
            ipc,
            day,
        )
        for part, feature, detail in parts
    ]


def _jiangxia() -> list[Filing]:
    return _split(
        JIANGXIA,
        "餐厨垃圾处理系统",
        "所述系统包括进料斗、破碎机、固液分离机、油水分离器和发酵罐，进料斗下方连接破碎机，"
        "破碎机出料口连接固液分离机，分离出的液相进入油水分离器，固相进入发酵罐制成有机肥。",
        (
            ("分拣进料装置",
             "所述进料斗内设有磁选辊和人工分拣平台，用于去除金属和塑料杂物，磁选辊转速可调。",
             "所述分拣平台两侧设有负压吸风罩，将轻质塑料薄膜吸入收集袋，减轻人工劳动强度。"),
            ("破碎装置",
             "所述破碎机采用双轴剪切刀组，刀片交错排列，刀轴转速为每分钟二十至四十转。",
             "刀组下方设有孔径十毫米的筛板，未通过筛板的大块物料由反转螺旋送回刀组再次剪切。"),
            ("油水分离装置",
             "所述油水分离器设有加热夹套和斜板组件，油脂在六十度下上浮并由刮油机收集。",
             "分离器出水口设有液位计和电动阀，底部沉渣由排渣泵定时抽出，避免斜板堵塞。"),
            ("好氧发酵装置",
             "所述发酵罐内设螺带搅拌器和曝气管，罐体外壁设保温层，发酵周期为七天。",
             "罐顶排气经生物滤池除臭，罐内温度探头联动曝气风机，使物料在五十五度以上保持三天。"),
        ),
        "B09B3/00",
        dt.date(2026, 6, 18),
    )  # fmt: skip


def _fancheng() -> list[Filing]:
    return _split(
        FANCHENG,
        "新能源汽车驱动电机",
        "所述电机包括机壳、定子、转子、旋转变压器和前后端盖，定子过盈压装于机壳内，转子通过轴承支承于"
        "前后端盖，旋转变压器安装在后端盖上检测转子位置，控制器据此输出三相电流驱动车辆。",
        (
            ("定子冷却结构",
             "所述机壳内壁设螺旋油道，冷却油经定子端部喷淋孔喷向绕组端部，再由回油口流回油泵。",
             "所述喷淋孔沿圆周均布十二个，孔径一点五毫米，绕组端部温升比水冷结构降低十五度。"),
            ("转子结构",
             "所述转子铁芯采用双层V形磁钢槽，永磁体分段斜极排布，以降低齿槽转矩和噪声。",
             "每段永磁体之间错开二点五度机械角，铁芯两端以无磁不锈钢挡板压紧，防止磁钢轴向窜动。"),
            ("旋转变压器安装结构",
             "所述旋转变压器定子由弹性压板固定，压板设腰形孔便于零位调整后锁紧。",
             "旋变转子以锥面配合套装在转轴尾端，并以防松螺母轴向锁止，拆装后无需重新标定零位。"),
            ("端盖密封结构",
             "所述端盖与机壳之间设氟橡胶密封圈和迷宫式挡油环，防护等级达到六级防尘七级防水。",
             "端盖上另设带透气膜的呼吸阀，平衡电机内外气压，防止温度变化时吸入水汽。"),
        ),
        "H02K5/20",
        dt.date(2026, 8, 26),
    )  # fmt: skip


# ------------------------------------------------- 武汉市: one agency's batch

_DEVICE = (
    "本实用新型公开了一种基于物联网的智能{x}装置，包括壳体、设置在壳体内的主控板、与主控板电连接的"
    "{s}传感器、无线通信模块和电源模块，壳体顶部设有太阳能板，主控板根据{s}传感器采集的数据控制{a}"
    "动作，并通过无线通信模块将数据上传至云平台，用户可通过手机应用程序远程查看和控制。"
    "本实用新型结构简单，成本低，使用方便。"
)
_DEVICE_CLAIMS = (
    "1.一种基于物联网的智能{x}装置，其特征在于：包括壳体、主控板、{s}传感器、无线通信模块和电源模块，"
    "所述主控板分别与所述{s}传感器、无线通信模块和电源模块电连接。"
    "2.根据权利要求1所述的智能{x}装置，其特征在于：所述壳体顶部设有太阳能板。"
    "3.根据权利要求1所述的智能{x}装置，其特征在于：所述无线通信模块为窄带物联网模块。"
)
# (device, sensor, actuator, IPC)
_DEVICES = (
    ("花盆浇灌", "土壤湿度", "水泵", "A01G27/00"),
    ("鱼缸换水", "水质", "换水泵", "A01K63/04"),
    ("窗帘", "光照", "电机", "A47H5/02"),
    ("垃圾桶", "满溢", "压缩机构", "B65F1/14"),
    ("晾衣架", "雨滴", "电机", "D06F57/12"),
    ("路灯", "光照", "灯具", "F21S9/03"),
    ("鸡舍通风", "氨气", "风机", "A01K31/20"),
    ("药箱", "温湿度", "提醒灯", "A61J7/04"),
    ("门锁", "指纹", "锁舌", "E05B47/00"),
    ("温室遮阳", "光照", "遮阳帘电机", "A01G9/22"),
    ("水表", "流量", "阀门", "G01F15/06"),
    ("宠物喂食", "重量", "出粮电机", "A01K5/02"),
)
# The agency's ordinary work before and after the batch: one application a month.
_USUAL = (
    (
        "一种汽车座椅加热垫",
        "加热垫由碳纤维发热线与阻燃无纺布复合而成，温控器使表面温度不超过四十五度。",
        "B60N2/56",
    ),
    (
        "一种折叠式电动自行车车架",
        "车架中部设快拆铰链和锁止销，折叠后长度缩短一半，便于放入汽车后备箱。",
        "B62K15/00",
    ),
    (
        "一种茶叶杀青机的滚筒结构",
        "滚筒内壁焊有螺旋导叶，滚筒外以燃气红外辐射加热，鲜叶受热均匀不焦边。",
        "A23F3/06",
    ),
    (
        "一种中药饮片切片机",
        "往复式切刀由曲柄滑块机构驱动，送料辊间隙可调，切片厚度误差小于零点一毫米。",
        "B26D1/08",
    ),
    (
        "一种建筑外墙保温板锚固件",
        "尼龙胀管内穿镀锌钢钉，圆盘上设断热帽，减少锚固点处的热桥损失。",
        "E04F13/08",
    ),
    (
        "一种冷链运输箱温度记录仪",
        "记录仪每五分钟存储一次箱内温度，超限时蜂鸣报警，开箱后可蓝牙导出曲线。",
        "G01K1/02",
    ),
    (
        "一种光伏板清洗机器人",
        "机器人沿光伏阵列边框行走，滚刷与无水除尘风刀配合，夜间自动完成清扫。",
        "H02S40/10",
    ),
    (
        "一种实验室试管振荡器",
        "偏心轮带动托盘作圆周振荡，托盘上设弹性夹持孔，可同时振荡二十四支试管。",
        "B01F31/22",
    ),
)
_USUAL_MONTHS = (
    dt.date(2025, 10, 14),
    dt.date(2025, 11, 11),
    dt.date(2025, 12, 9),
    dt.date(2026, 1, 13),
    dt.date(2026, 2, 10),
    dt.date(2026, 3, 10),
    dt.date(2026, 5, 12),
    dt.date(2026, 6, 9),
)


def _agency() -> list[Filing]:
    batch = [
        Filing(
            CLIENTS[i % len(CLIENTS)],
            f"一种基于物联网的智能{x}装置（演示）",
            _DEVICE.format(x=x, s=s, a=a),
            _DEVICE_CLAIMS.format(x=x, s=s),
            ipc,
            dt.date(2026, 4, 1 + 2 * i),
            utility=True,
            agency=AGENCY,
        )
        for i, (x, s, a, ipc) in enumerate(_DEVICES)
    ]
    usual = [
        Filing(
            CLIENTS[i % len(CLIENTS)],
            f"{title}（演示）",
            f"本实用新型公开了{title}。{text}",
            f"1.{title}，其特征在于：{text}",
            ipc,
            day,
            utility=True,
            agency=AGENCY,
        )
        for i, ((title, text, ipc), day) in enumerate(zip(_USUAL, _USUAL_MONTHS, strict=True))
    ]
    return usual + batch


# -------------------------------------------- 宜昌夷陵区: one company's burst

_CITRUS = (
    "本实用新型公开了一种柑橘{x}装置，包括机架、{part}、电机和控制箱，机架底部设有万向轮，{part}由"
    "电机通过皮带驱动，控制箱内设有调速器，可根据柑橘大小调节{part}转速。本实用新型结构简单，"
    "操作方便，提高了柑橘{x}效率。"
)
_CITRUS_CLAIMS = (
    "1.一种柑橘{x}装置，其特征在于：包括机架、{part}、电机和控制箱，所述{part}由所述电机通过皮带驱动。"
    "2.根据权利要求1所述的柑橘{x}装置，其特征在于：所述机架底部设有万向轮。"
)
_CITRUS_PARTS = (
    ("清洗", "毛刷辊", "A23N12/02"),
    ("打蜡", "打蜡刷", "A23B7/16"),
    ("烘干", "热风机", "F26B17/04"),
    ("分级", "分级辊", "B07B13/07"),
    ("去皮", "去皮刀", "A23N7/02"),
    ("榨汁", "榨汁螺杆", "A23N1/02"),
    ("采摘", "采摘爪", "A01D46/24"),
    ("修剪", "剪刀头", "A01G3/04"),
    ("施肥", "排肥器", "A01C15/00"),
    ("喷药", "喷头", "A01M7/00"),
)
_YILING_USUAL = (
    (
        "一种柑橘园单轨运输车",
        "运输车沿山地柑橘园架设的单轨爬行，齿轮齿条驱动，坡度四十五度仍可载重两百公斤。",
        "B61B13/04",
        dt.date(2026, 6, 15),
    ),
    (
        "一种果园开沟施肥一体机",
        "刀盘开沟的同时由螺旋排肥器将有机肥送入沟底，随后覆土轮回填，一次完成三道工序。",
        "A01C5/06",
        dt.date(2026, 7, 13),
    ),
    (
        "一种柑橘冷库的加湿装置",
        "超声波雾化器按库内湿度探头读数启停，保持相对湿度九成左右，减少柑橘失水皱皮。",
        "F25D17/04",
        dt.date(2026, 8, 10),
    ),
)


def _yiling() -> list[Filing]:
    usual = [
        Filing(YILING, f"{title}（演示）", f"本实用新型公开了{title}。{text}",
               f"1.{title}，其特征在于：{text}", ipc, day, utility=True)
        for title, text, ipc, day in _YILING_USUAL
    ]  # fmt: skip
    burst = [
        Filing(
            YILING,
            f"一种柑橘{x}装置（演示）",
            _CITRUS.format(x=x, part=part),
            _CITRUS_CLAIMS.format(x=x, part=part),
            ipc,
            dt.date(2026, 9, 1 + 3 * i),
            utility=True,
        )
        for i, (x, part, ipc) in enumerate(_CITRUS_PARTS)
    ]
    return usual + burst


# The order fixes each record's serial: append, never reorder.
def planted_filings() -> list[Filing]:
    """Every planted application, in serial order."""
    return _copies() + _xiaoting() + _jiangxia() + _fancheng() + _agency() + _yiling()


def _number(filing: Filing, serial: int) -> str:
    body = f"{filing.app_date.year}{2 if filing.utility else 1}{serial:07d}"
    return f"{body}.{application_check_char(body)}"


def _address(applicant: Applicant, names: dict[str, str]) -> str:
    code = applicant.region
    city, province = f"{code[:4]}00", "420000"
    return names[province] + names[city] + names[code] + applicant.street


def _organisations() -> int:
    """Register the planted applicants and the agency as demo organisations (once)."""
    made = 0
    cast = [(a.name, "enterprise", a.region) for a in APPLICANTS]
    cast.append((AGENCY, "agency", "420106"))
    for i, (name, kind, region) in enumerate(cast, 1):
        if Organisation.objects.filter(name=name).exists():
            continue
        organisation_create(
            actor=None,
            data={
                "name": name,
                "uscc": demo_uscc(region, 7600 + i),
                "kind": kind,
                "region": region,
                "tags": [],
            },
        )
        made += 1
    return made


def planted_numbers() -> dict[str, str]:
    """Application number → applicant name of every planted record."""
    return {_number(f, SERIAL + i): f.applicant.name for i, f in enumerate(planted_filings())}


def plant() -> tuple[int, list[int]]:
    """Register the applicants and create the planted records that are missing.

    Returns (organisations made, ids of the records made). Call inside a transaction.
    """
    orgs = _organisations()
    filings = planted_filings()
    numbers = [_number(f, SERIAL + i) for i, f in enumerate(filings)]
    existing = set(
        Patent.objects.filter(application_number__in=numbers).values_list(
            "application_number", flat=True
        )
    )
    names = dict(Region.objects.filter(code__startswith="42").values_list("code", "name"))
    rows = [
        PatentIn(
            application_number=number,
            type="utility" if f.utility else "invention",
            title=f.title,
            abstract=f.abstract,
            claims=f.claims,
            first_claim=f.claims.split("2.")[0],
            applicants=[f.applicant.name],
            inventors=["陈刚", "刘芳"] if i % 2 else ["王磊"],
            address=_address(f.applicant, names),
            ipc=[f.ipc],
            app_date=f.app_date,
            legal_status="审中-实质审查" if not f.utility else "审中",
            agency=f.agency,
            agent="赵某某（演示）" if f.agency else "",
            source_name=SOURCE,
        )
        for i, (f, number) in enumerate(zip(filings, numbers, strict=True))
        if number not in existing
    ]
    if not rows:
        return orgs, []
    ids, _created, _updated = patents_upsert(rows)
    return orgs, ids


def numbers_of(applicant: Applicant) -> list[str]:
    """The application numbers of ``applicant``'s planted records, in filing order."""
    return [n for n, name in planted_numbers().items() if name == applicant.name]

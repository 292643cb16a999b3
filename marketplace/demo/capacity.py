"""The demo cluster's sites, machines, idle calendars and leasable equipment."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from capacity.models import (
    CalendarException,
    Equipment,
    EquipmentAvailability,
    Factory,
    InstalmentPlan,
    Machine,
    Material,
    WeeklyWindow,
)
from marketplace.extensions import db

METALS = ["al6061", "al7075", "steel1045", "ss304", "ss316", "brass_c360"]
SHEET = ["steel_q235", "ss304", "al6061"]
# process -> (hourly rate range in CNY, envelope mm, best tolerance mm, setup minutes, materials)
PROFILES = {
    "cnc_mill_3ax": ((80, 150), (850, 500, 500), 0.01, 45, METALS + ["pom", "abs", "pc"]),
    "cnc_mill_5ax": ((250, 450), (650, 650, 450), 0.005, 90, METALS + ["ti6al4v", "pom"]),
    "cnc_turn": ((60, 120), (400, 400, 600), 0.01, 40, METALS + ["pom"]),
    "wire_edm": ((60, 120), (600, 400, 300), 0.003, 60, ["steel1045", "ss304", "ti6al4v", "al7075"]),
    "laser_cut": ((150, 300), (3000, 1500, 20), 0.1, 15, SHEET + ["ss316"]),
    "press_brake": ((80, 150), (3100, 1000, 400), 0.2, 20, SHEET),
    "sheet_punch": ((100, 180), (2500, 1250, 6), 0.1, 20, SHEET),
    "welding": ((60, 110), (2000, 1500, 1500), 0.5, 30, SHEET + ["steel1045", "ss316"]),
    "injection_mold": ((100, 300), (600, 600, 400), 0.05, 120, ["abs", "pc", "pp", "pom"]),
    "fdm_print": ((15, 40), (300, 300, 300), 0.2, 10, ["pla", "abs"]),
    "sls_print": ((150, 300), (340, 340, 600), 0.1, 30, ["pa12"]),
    "anodise": ((100, 160), (2000, 800, 800), 0.01, 30, ["al6061", "al7075"]),
    "powder_coat": ((80, 140), (2500, 1200, 1500), 0.05, 30, SHEET + ["steel1045"]),
    "heat_treat": ((70, 120), (900, 600, 600), 0.05, 60, ["steel1045", "ss304", "al7075", "ti6al4v"]),
    "assembly": ((40, 70), (1500, 1000, 1000), 0.1, 15, METALS + ["abs", "pc", "pp", "pom", "pa12", "pla"]),
    "cmm_inspect": ((150, 260), (1200, 1000, 800), 0.002, 20, METALS + ["abs", "pc", "pom", "ti6al4v"]),
}
TRADE_PROCESSES = {
    "精密五金": ["cnc_mill_3ax", "cnc_mill_3ax", "cnc_turn", "cnc_mill_5ax", "cmm_inspect"],
    "数控机械": ["cnc_mill_3ax", "cnc_mill_3ax", "cnc_turn", "cnc_turn", "wire_edm"],
    "模具": ["cnc_mill_5ax", "cnc_mill_3ax", "wire_edm", "wire_edm", "injection_mold"],
    "精密模具": ["cnc_mill_5ax", "cnc_mill_5ax", "wire_edm", "cmm_inspect", "injection_mold"],
    "钣金": ["laser_cut", "press_brake", "press_brake", "welding", "powder_coat"],
    "钣金结构": ["laser_cut", "press_brake", "welding", "welding", "sheet_punch"],
    "精密钣金": ["laser_cut", "laser_cut", "press_brake", "sheet_punch", "welding"],
    "精密机械": ["cnc_mill_3ax", "cnc_mill_5ax", "cnc_turn", "heat_treat", "cmm_inspect"],
    "塑胶制品": ["injection_mold", "injection_mold", "injection_mold", "assembly", "cnc_mill_3ax"],
    "注塑": ["injection_mold", "injection_mold", "injection_mold", "assembly"],
    "五金塑胶": ["injection_mold", "cnc_mill_3ax", "cnc_turn", "assembly"],
    "五金制品": ["cnc_turn", "cnc_turn", "cnc_mill_3ax", "sheet_punch", "welding"],
    "机电": ["assembly", "assembly", "cnc_mill_3ax", "welding"],
    "表面处理": ["anodise", "anodise", "powder_coat", "powder_coat"],
    "喷涂": ["powder_coat", "powder_coat", "anodise"],
    "铝制品": ["cnc_mill_3ax", "anodise", "laser_cut", "press_brake"],
    "热处理": ["heat_treat", "heat_treat", "heat_treat", "cmm_inspect"],
    "激光科技": ["laser_cut", "laser_cut", "laser_cut", "press_brake", "welding"],
    "精工": ["cnc_mill_3ax", "cnc_mill_5ax", "wire_edm", "cmm_inspect"],
    "精密零件": ["cnc_turn", "cnc_turn", "cnc_mill_3ax", "cmm_inspect", "heat_treat"],
    "电子科技": ["assembly", "assembly", "fdm_print", "cmm_inspect"],
    "智能装备": ["assembly", "cnc_mill_3ax", "welding", "laser_cut", "cmm_inspect"],
    "3D打印科技": ["fdm_print", "fdm_print", "sls_print", "sls_print", "sls_print"],
    "精密加工": ["cnc_mill_5ax", "cnc_mill_3ax", "cnc_mill_3ax", "cnc_turn", "cmm_inspect"],
    "检测技术": ["cmm_inspect", "cmm_inspect", "cmm_inspect"],
    "焊接技术": ["welding", "welding", "welding", "laser_cut"],
    "五金电子": ["cnc_mill_3ax", "sheet_punch", "assembly", "assembly"],
    "机械": ["cnc_mill_3ax", "cnc_turn", "welding", "heat_treat"],
    "精密轴承": ["cnc_turn", "cnc_turn", "heat_treat", "cmm_inspect"],
    "五金弹簧": ["cnc_turn", "heat_treat", "sheet_punch"],
    "装配技术": ["assembly", "assembly", "assembly", "cmm_inspect"],
    "线切割": ["wire_edm", "wire_edm", "wire_edm", "cnc_mill_3ax"],
}
MODELS = {
    "cnc_mill_3ax": ["Haas VF-2", "Brother S700X2", "DMG MORI CMX 600V", "沈阳机床 VMC850", "海天精工 VMC1100"],
    "cnc_mill_5ax": ["DMG MORI DMU 50", "Hermle C 32", "科德 KMC600", "北京精雕 JDGR400"],
    "cnc_turn": ["Mazak QT-200", "沈阳机床 i5T3", "大连机床 CKA6150", "Tsugami B0326"],
    "wire_edm": ["Sodick AL400G", "三光 DK7740", "Fanuc α-C400iC"],
    "laser_cut": ["大族 G3015 6kW", "奔腾 3015 12kW", "Trumpf TruLaser 3030"],
    "press_brake": ["亚威 PBH-110/3100", "Amada HG-1303", "通快 TruBend 5130"],
    "sheet_punch": ["Amada EMK-3610", "亚威 HPQ-30"],
    "welding": ["松下 YD-350 MIG", "米勒 TIG 工位", "发那科焊接机器人"],
    "injection_mold": ["海天 MA1600", "海天 MA2500", "伊之密 UN160A5", "力劲 PT-260"],
    "fdm_print": ["拓竹 X1E 打印农场", "创想三维 K1 Max 打印农场"],
    "sls_print": ["华曙 HT403P", "EOS P 396"],
    "anodise": ["阳极氧化线 A", "阳极氧化线 B"],
    "powder_coat": ["静电粉末喷涂线", "自动喷涂线"],
    "heat_treat": ["真空淬火炉", "网带式回火炉", "井式渗碳炉"],
    "assembly": ["装配线", "洁净装配台"],
    "cmm_inspect": ["海克斯康 Global S", "蔡司 CONTURA", "思瑞 Croma"],
}
# Weekly idle patterns offered to the platform, in local time: (weekdays, start, end)
PATTERNS = [
    [((0, 1, 2, 3, 4), "20:00", "06:00")],  # night shifts idle
    [((5,), "08:00", "24:00"), ((6,), "00:00", "20:00")],  # weekends
    [((0, 1, 2, 3, 4), "13:00", "17:30"), ((5,), "08:00", "18:00")],  # afternoons and Saturdays
    [((0, 1, 2, 3, 4, 5, 6), "08:00", "20:00")],  # an under-used machine, every day
    [((0, 2, 4), "18:00", "23:00"), ((5, 6), "08:00", "18:00")],
]
TOWN_BOX = (22.785, 22.850, 113.785, 113.840)  # Chang'an town: lat_min, lat_max, lon_min, lon_max (inland part)
ROADS = [
    "长安中路",
    "长青路",
    "锦厦路",
    "沙头南区路",
    "乌沙步步高大道",
    "上沙新安路",
    "霄边大道",
    "涌头工业区路",
    "新民路",
    "厦岗复兴路",
    "宵边第三工业区",
    "横江厦工业路",
]


def _minutes(hhmm: str) -> int:
    h, m = hhmm.split(":")
    return int(h) * 60 + int(m)


def _site(context, firm, index: int, suffix: str) -> Factory:
    rng = context.rng
    lat = round(rng.uniform(TOWN_BOX[0], TOWN_BOX[1]), 5)
    lon = round(rng.uniform(TOWN_BOX[2], TOWN_BOX[3]), 5)
    address = f"东莞市长安镇{rng.choice(ROADS)}{rng.randint(1, 388)}号"
    certifications = sorted(
        rng.sample(["ISO9001", "IATF16949", "ISO14001", "ISO45001", "ISO13485"], rng.choice([1, 1, 2, 3]))
    )
    if "ISO9001" not in certifications and rng.random() < 0.8:
        certifications.insert(0, "ISO9001")
    name = f"{firm.name.removeprefix('东莞市').removesuffix('有限公司')}{suffix}"
    site = db.session.scalar(select(Factory).where(Factory.firm_id == firm.id, Factory.name == name))
    if site is None:
        site = Factory(
            firm=firm,
            cluster_id=firm.cluster_id,
            name=name,
            address=address,
            latitude=lat,
            longitude=lon,
            certifications=certifications,
            contact_name=firm.contact_name,
            contact_phone=firm.phone,
        )
        db.session.add(site)
    return site


def _machine(context, site: Factory, process: str, n: int, materials: dict[str, Material], monday: date) -> None:
    rng = context.rng
    (low, high), envelope, tolerance, setup, material_codes = PROFILES[process]
    model = rng.choice(MODELS[process])
    units = rng.choice([1, 1, 1, 2, 2, 3]) if process not in ("anodise", "powder_coat") else 1
    scale = rng.choice([0.8, 1.0, 1.0, 1.25])
    pattern = rng.choice(PATTERNS)
    rate = rng.randint(low, high) * 100
    speed = rng.choice([0.85, 0.9, 1.0, 1.0, 1.1, 1.2])
    chosen = sorted(set(rng.sample(material_codes, max(1, min(len(material_codes), rng.randint(3, 8))))))
    blackout_day = rng.randint(0, 13)
    name = f"{model} #{n}"
    machine = Machine(
        factory=site,
        name=name,
        process_code=process,
        units=units,
        envelope_x_mm=envelope[0] * scale,
        envelope_y_mm=envelope[1] * scale,
        envelope_z_mm=envelope[2] * scale if process not in ("laser_cut", "sheet_punch") else envelope[2],
        best_tolerance_mm=tolerance,
        hourly_rate_fen=rate,
        setup_minutes=setup,
        speed_factor=speed,
        materials=[materials[c] for c in chosen],
    )
    db.session.add(machine)
    for days, start, end in pattern:
        for day in days:
            db.session.add(
                WeeklyWindow(machine=machine, weekday=day, start_minute=_minutes(start), end_minute=_minutes(end))
            )
    tz = ZoneInfo("Asia/Shanghai")
    maintenance = datetime.combine(monday + timedelta(days=blackout_day), time(20, 0), tzinfo=tz)
    db.session.add(
        CalendarException(
            machine=machine,
            kind="blackout",
            starts_at=maintenance,
            ends_at=maintenance + timedelta(hours=4),
            note="计划保养 planned maintenance",
        )
    )
    if n % 3 == 0:
        extra = datetime.combine(monday + timedelta(days=rng.randint(7, 20)), time(8, 0), tzinfo=tz)
        db.session.add(
            CalendarException(
                machine=machine,
                kind="open",
                starts_at=extra,
                ends_at=extra + timedelta(hours=10),
                note="订单空档 order gap",
            )
        )


def seed_factories(context) -> None:
    context.sites = db.session.scalars(
        select(Factory).where(Factory.cluster_id == context.cluster.id).order_by(Factory.id)
    ).all()
    if context.sites:
        return  # seeded by an earlier run
    materials = {m.code: m for m in db.session.scalars(select(Material))}
    monday = context.today - timedelta(days=context.today.weekday())
    for i, firm in enumerate(context.factory_firms):
        trade = next(t for t in sorted(TRADE_PROCESSES, key=len, reverse=True) if firm.name.find(t) >= 0)
        two_sites = i % 3 == 0
        sites = [_site(context, firm, i, "一厂" if two_sites else "工厂")]
        if two_sites:
            sites.append(_site(context, firm, i, "二厂"))
        db.session.flush()
        context.sites.extend(sites)
        for site_number, site in enumerate(sites):
            for n, process in enumerate(TRADE_PROCESSES[trade], start=1 + 10 * site_number):
                _machine(context, site, process, n, materials, monday)


EQUIPMENT = [
    ("五轴加工中心 DMG MORI DMU 50", "cnc_mill_5ax", 1800, 50000, 5),
    ("五轴加工中心 Hermle C 32", "cnc_mill_5ax", 2200, 80000, 7),
    ("立式加工中心 Haas VF-2", "cnc_mill_3ax", 650, 20000, 3),
    ("立式加工中心 海天精工 VMC1100", "cnc_mill_3ax", 700, 20000, 3),
    ("数控车床 Mazak QT-200", "cnc_turn", 550, 15000, 3),
    ("光纤激光切割机 大族 G3015 6kW", "laser_cut", 1500, 50000, 5),
    ("光纤激光切割机 奔腾 12kW", "laser_cut", 2400, 80000, 7),
    ("数控折弯机 亚威 PBH-110", "press_brake", 600, 20000, 3),
    ("工业级SLS打印机 华曙 HT403P", "sls_print", 2000, 60000, 7),
    ("工业级SLS打印机 EOS P 396", "sls_print", 2600, 90000, 7),
    ("FDM打印农场 拓竹 X1E ×10", "fdm_print", 500, 10000, 1),
    ("三坐标测量机 海克斯康 Global S", "cmm_inspect", 1200, 40000, 2),
    ("三坐标测量机 蔡司 CONTURA", "cmm_inspect", 1500, 50000, 2),
    ("注塑机 海天 MA1600", "injection_mold", 900, 30000, 7),
    ("注塑机 伊之密 UN160A5", "injection_mold", 950, 30000, 7),
    ("慢走丝 Sodick AL400G", "wire_edm", 800, 30000, 5),
    ("真空淬火炉", "heat_treat", 1100, 40000, 7),
    ("焊接机器人工作站 发那科", "welding", 900, 30000, 5),
    ("自动粉末喷涂线", "powder_coat", 1600, 60000, 14),
    ("数控转塔冲床 Amada EMK-3610", "sheet_punch", 1300, 50000, 5),
    ("协作机器人装配工位", "assembly", 400, 10000, 3),
    ("阳极氧化小线", "anodise", 1400, 50000, 14),
    ("车铣复合 Mazak Integrex", "cnc_turn", 1600, 60000, 5),
    ("高速精雕机 北京精雕", "cnc_mill_5ax", 1300, 40000, 5),
]


def seed_equipment(context) -> None:
    if db.session.scalar(select(Equipment.id).where(Equipment.cluster_id == context.cluster.id).limit(1)):
        return  # seeded by an earlier run
    rng = context.rng
    for i, (name, process, daily_yuan, deposit_yuan, min_days) in enumerate(EQUIPMENT):
        owner = context.lessor_firms[i % len(context.lessor_firms)]
        (_, envelope, tolerance, _, _) = PROFILES[process]
        own_sites = [s for s in context.sites if s.firm_id == owner.id]
        site = own_sites[0] if own_sites else None
        item = Equipment(
            owner=owner,
            cluster_id=owner.cluster_id,
            name=name,
            process_code=process,
            description=f"可整机租赁，含操作培训。Leased with operator training. ({process})",
            site=site,
            delivered_to_lessee=site is None or rng.random() < 0.4,
            envelope_x_mm=envelope[0],
            envelope_y_mm=envelope[1],
            envelope_z_mm=envelope[2],
            best_tolerance_mm=tolerance,
            daily_rate_fen=daily_yuan * 100,
            deposit_fen=deposit_yuan * 100,
            min_days=min_days,
        )
        db.session.add(item)
        for months, rate_bp in ((3, 0), (6, 450), (12, 650))[: rng.randint(1, 3)]:
            db.session.add(InstalmentPlan(equipment=item, months=months, annual_rate_bp=rate_bp))
        start = context.today + timedelta(days=rng.randint(0, 10))
        db.session.add(
            EquipmentAvailability(
                equipment=item, start_date=start, end_date=start + timedelta(days=rng.randint(60, 180))
            )
        )

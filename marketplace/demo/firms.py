"""The demo cluster's operator, factories, equipment lessors and SME buyers, each with an owner user."""

from __future__ import annotations

from sqlalchemy import select

from marketplace.accounts.models import Cluster, Firm, User
from marketplace.extensions import db

CLUSTER = dict(
    slug="changan-dongguan",
    name="东莞长安镇五金模具产业集群 Chang'an Hardware & Mould Cluster",
    region="广东省东莞市长安镇 Chang'an, Dongguan, Guangdong",
    timezone="Asia/Shanghai",
    center_lat=22.8160,
    center_lon=113.8060,
)

OPERATOR = "长安镇智能制造公共服务中心"

# Factory firms: (short name, speciality) -> "东莞市<short><speciality>有限公司"
FACTORY_NAMES = [
    ("锦辉", "精密五金"),
    ("宏达", "数控机械"),
    ("众鑫", "模具"),
    ("利昌", "钣金"),
    ("华阳", "精密机械"),
    ("新力", "塑胶制品"),
    ("盛大", "五金制品"),
    ("鸿图", "精密模具"),
    ("永信", "机电"),
    ("佳美", "表面处理"),
    ("俊豪", "五金塑胶"),
    ("乐达", "精工"),
    ("金源", "热处理"),
    ("天益", "激光科技"),
    ("伟业", "钣金结构"),
    ("东成", "精密零件"),
    ("广达", "电子科技"),
    ("志高", "智能装备"),
    ("腾飞", "3D打印科技"),
    ("铭创", "精密加工"),
    ("立信", "检测技术"),
    ("安泰", "焊接技术"),
    ("正和", "五金电子"),
    ("新宝", "注塑"),
    ("德信", "机械"),
    ("泰丰", "铝制品"),
    ("恒通", "精密轴承"),
    ("嘉荣", "五金弹簧"),
    ("万和", "装配技术"),
    ("旭日", "精密钣金"),
    ("联兴", "喷涂"),
    ("骏业", "线切割"),
]

LESSORS = ["长安装备租赁", "粤科设备融资租赁", "共享机床租赁", "湾区智造设备租赁", "莞邑设备服务"]

BUYERS = [
    "小米生态链",
    "欧科智能家居",
    "深蓝无人机",
    "极客电子",
    "美家厨具",
    "恒动健身器材",
    "云帆户外用品",
    "点石机器人",
    "光速电动工具",
    "鲸鱼智能锁",
    "晨曦照明",
    "安途汽配",
    "众创医疗器械",
    "优联通讯",
    "海鸥钟表配件",
    "青禾家居",
    "星驰电动车",
    "和风空气净化",
    "蓝海水泵",
    "精诚仪表",
    "易达物流设备",
    "万象玩具",
    "闪电充电科技",
    "聚能储能",
    "远航船舶配件",
    "绿源新能源",
    "启明教育装备",
    "方圆包装机械",
    "天梭自动化",
    "博雅音响",
    "锐视安防",
    "极光美容仪器",
    "新禾农机配件",
    "佳音耳机",
    "云端服务器机箱",
    "金刚门业",
    "立方体家具",
    "宏图印刷设备",
    "恒温冷链",
    "飞鱼运动器材",
    "乐活宠物用品",
    "智行助行器",
]


def _email(prefix: str, n: int) -> str:
    return f"{prefix}{n:02d}@demo.smp.cn"


def _user(context, firm: Firm, email: str, name: str, role_label: str) -> None:
    if db.session.scalar(select(User.id).where(User.email == email)) is None:
        db.session.add(User(firm=firm, email=email, name=name, role="owner", password_hash=context.password_hash))
    context.logins.append((role_label, email, firm.name))


def _firm(context, name: str, **kinds) -> Firm:
    firm = db.session.scalar(select(Firm).where(Firm.cluster_id == context.cluster.id, Firm.name == name))
    if firm is None:
        firm = Firm(cluster=context.cluster, name=name, **kinds)
        db.session.add(firm)
        context.created = True
    return firm


def seed_cluster(context) -> None:
    cluster = db.session.scalar(select(Cluster).where(Cluster.slug == CLUSTER["slug"]))
    if cluster is None:
        cluster = Cluster(**CLUSTER)
        db.session.add(cluster)
    context.cluster = cluster


def seed_firms(context) -> None:
    rng = context.rng
    operator = _firm(
        context,
        OPERATOR,
        is_operator=True,
        contact_name="陈主任",
        phone="0769-85530000",
        address="东莞市长安镇长安中路 1 号",
    )
    _user(context, operator, "operator@demo.smp.cn", "陈主任 (Operator)", "operator")
    context.factory_firms = []
    for i, (short, trade) in enumerate(FACTORY_NAMES, start=1):
        firm = _firm(
            context,
            f"东莞市{short}{trade}有限公司",
            is_factory=True,
            is_lessor=i % 8 == 0,
            is_buyer=i % 5 == 0,
            contact_name=f"{rng.choice('王李张刘陈杨黄赵周吴')}经理",
            phone=f"0769-8{rng.randint(1000000, 9999999)}",
        )
        context.factory_firms.append(firm)
        _user(context, firm, _email("factory", i), f"{short} (Factory)", "factory")
    context.lessor_firms = [f for f in context.factory_firms if f.is_lessor]
    for i, name in enumerate(LESSORS, start=1):
        firm = _firm(
            context,
            f"东莞市{name}有限公司",
            is_lessor=True,
            contact_name="租赁部",
            phone=f"0769-8{rng.randint(1000000, 9999999)}",
        )
        context.lessor_firms.append(firm)
        _user(context, firm, _email("lessor", i), f"{name} (Lessor)", "lessor")
    context.buyer_firms = []
    for i, name in enumerate(BUYERS, start=1):
        firm = _firm(
            context,
            f"{name}有限公司",
            is_buyer=True,
            contact_name="采购部",
            phone=f"138{rng.randint(10000000, 99999999)}",
        )
        context.buyer_firms.append(firm)
        _user(context, firm, _email("buyer", i), f"{name} (Buyer)", "buyer")

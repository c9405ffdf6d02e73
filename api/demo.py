"""Demo data: a municipal congress about the size of Fuzhou's (≈500 deputies). Same seed, same data."""
import random

from api.auth.models import User, UserStation
from api.auth.passwords import hash_password
from api.common.pii import blind_index
from api.deputies.models import Deputy, DeputyExpertise, DeputyGroupMember, DeputyStation
from api.extensions import db
from api.org.models import Congress, Delegation, DeputyGroup, HandlingUnit, Station

DISTRICTS = [
    "鼓楼区", "台江区", "仓山区", "晋安区", "马尾区", "长乐区",
    "福清市", "闽侯县", "连江县", "罗源县", "闽清县", "永泰县",
]
FIELDS = ["法律", "经济", "教育", "医疗卫生", "农业农村", "生态环境", "城乡建设", "科技", "文化旅游", "社会保障"]
SECTORS = ["工人", "农民", "专业技术人员", "企业负责人", "党政干部", "解放军", "社会组织", "教育工作者"]
STREETS = ["东街", "南街", "温泉", "鼓东", "洪山", "上渡", "王庄", "象园", "宁化", "城门"]
UNITS = [
    "市发展和改革委员会", "市教育局", "市科学技术局", "市工业和信息化局", "市公安局", "市民政局", "市司法局",
    "市财政局", "市人力资源和社会保障局", "市自然资源和规划局", "市生态环境局", "市住房和城乡建设局",
    "市城市管理委员会", "市交通运输局", "市农业农村局", "市水利局", "市商务局", "市文化和旅游局",
    "市卫生健康委员会", "市退役军人事务局", "市应急管理局", "市审计局", "市市场监督管理局", "市体育局",
    "市统计局", "市医疗保障局", "市林业局", "市信访局", "市数据管理局", "市地铁建设指挥部",
]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余于杜叶程魏苏吕丁任卢"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰建国志红海燕晓东振宇文斌春梅佳怡子涵思远"
DEMO_PASSWORD = "Deputyhub-demo-2026"  # noqa: S105 - printed by seed-demo, demo data only


def seed_demo_data(seed=2026, if_empty=False):
    if if_empty and Deputy.select().exists():
        return ["demo data already present; nothing changed"]
    rng = random.Random(seed)
    with db.atomic():
        Congress.create(name="福州市人民代表大会常务委员会", level="municipal", current_term=17)
        delegations = [Delegation.create(name=f"{d}代表团", kind="代表团") for d in DISTRICTS]
        area_groups = [DeputyGroup.create(name=f"{d}第{n}代表小组", basis="area") for d in DISTRICTS for n in (1, 2)]
        field_groups = [DeputyGroup.create(name=f"{f}专业代表小组", basis="field") for f in FIELDS[:6]]
        stations = [
            Station.create(
                name=f"{DISTRICTS[i % len(DISTRICTS)]}{STREETS[i % len(STREETS)]}街道代表联络站",
                kind="代表联络站" if i % 5 else "代表之家",
                district=DISTRICTS[i % len(DISTRICTS)],
                address=f"{DISTRICTS[i % len(DISTRICTS)]}{STREETS[i % len(STREETS)]}路{10 + i}号",
            )
            for i in range(20)
        ]
        units = [HandlingUnit.create(name=name, category="市直部门") for name in UNITS]
        deputies = _seed_deputies(rng, delegations, area_groups, field_groups, stations)
        accounts = _seed_accounts(stations, units, deputies)
    return [
        f"congress: 1, delegations: {len(delegations)}, groups: {len(area_groups) + len(field_groups)}",
        f"deputies: {len(deputies)}, stations: {len(stations)}, handling units: {len(units)}",
        f"accounts (password {DEMO_PASSWORD}): " + ", ".join(accounts),
    ]


def _seed_deputies(rng, delegations, area_groups, field_groups, stations):
    deputies = []
    for n in range(1, 501):
        district_index = rng.randrange(len(delegations))
        phone = f"139{rng.randrange(10**8):08d}"
        deputy = Deputy.create(
            code=f"FZ17-{n:04d}",
            name=rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2)))),
            gender=rng.choice(("男", "女")),
            delegation=delegations[district_index],
            term=17,
            status="在任" if rng.random() > 0.02 else "终止",
            sector=rng.choice(SECTORS),
            grassroots=rng.random() < 0.35,
            employer=f"{DISTRICTS[district_index]}{rng.choice(STREETS)}社区",
            phone=phone,
            phone_hash=blind_index(phone),
        )
        DeputyGroupMember.create(deputy=deputy, group=area_groups[district_index * 2 + rng.randrange(2)])
        expertise = rng.sample(FIELDS, rng.choice((1, 1, 2)))
        for field in expertise:
            DeputyExpertise.create(deputy=deputy, field=field)
            if field in FIELDS[:6] and rng.random() < 0.3:
                DeputyGroupMember.create(deputy=deputy, group=field_groups[FIELDS.index(field)])
        for station in rng.sample(stations, rng.choice((1, 1, 2))):
            DeputyStation.create(deputy=deputy, station=station)
        deputies.append(deputy)
    return deputies


def _seed_accounts(stations, units, deputies):
    password_hash = hash_password(DEMO_PASSWORD)
    specs = [("admin", "admin", "系统管理员", {}), ("staff", "staff", "代表工委工作人员", {})]
    specs += [(f"station{i + 1}", "station_staff", f"{stations[i].name}工作人员", {}) for i in range(2)]
    specs += [(f"unit{i + 1}", "unit_user", f"{units[i].name}承办人", {"unit": units[i]}) for i in range(3)]
    names = []
    for index, (username, role, display_name, extra) in enumerate(specs):
        user = User.create(
            username=username, role=role, display_name=display_name, password_hash=password_hash, **extra
        )
        if role == "station_staff":
            UserStation.create(user=user, station=stations[index - 2])
        names.append(username)
    return names

"""Demo data: a municipal congress about the size of Fuzhou's (≈500 deputies), plus the provincial and national
deputies elected in the city, some of them also municipal deputies (one person, two seats). Same seed, same data."""
import datetime as dt
import random

from api.auth.models import User, UserStation
from api.auth.passwords import hash_password
from api.common.pii import blind_index
from api.common.timezone import local_today
from api.deputies.models import Deputy, DeputyExpertise, DeputyGroupMember, DeputyStation
from api.extensions import db
from api.feedback import demo as feedback_demo
from api.org.models import Congress, Delegation, DeputyGroup, HandlingUnit, Station
from api.stations.models import StationReception, StationReceptionDeputy, StationTheme

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
# Each district's centre (GCJ-02, as WeChat maps use), where its stations are placed within about 2 km.
DISTRICT_CENTRES = {
    "鼓楼区": (26.0823, 119.2960), "台江区": (26.0530, 119.3140), "仓山区": (26.0380, 119.2830),
    "晋安区": (26.0820, 119.3280), "马尾区": (25.9890, 119.4560), "长乐区": (25.9630, 119.5230),
    "福清市": (25.7210, 119.3840), "闽侯县": (26.1500, 119.1320), "连江县": (26.1970, 119.5390),
    "罗源县": (26.4900, 119.5520), "闽清县": (26.2210, 118.8630), "永泰县": (25.8660, 118.9320),
}
# Sectors that have a 行业联络站 of their own in Fuzhou-like cities.
TRADES = ["软件园", "物流园", "律师行业", "医疗卫生系统"]
OPENING_HOURS = [
    "周一至周五 8:30-12:00，14:30-17:30",
    "周一至周五 9:00-17:00",
    "每周三、周五 9:00-11:30；每月15日全天",
    "周二至周六 9:00-12:00，15:00-18:00",
]
THEMES = [
    ("老旧小区改造", "加装电梯、管网改造、停车难，欢迎居民反映意见。"),
    ("垃圾分类", "分类投放点设置与清运时间，请提出建议。"),
    ("一老一小", "社区养老、托育服务和学位问题。"),
    ("营商环境", "企业办事难点、政策兑现情况。"),
    ("食品安全", "校园周边、农贸市场食品安全。"),
    ("交通出行", "公交线路、地铁接驳和学校周边交通。"),
]
RECEPTION_SLOTS = [(dt.time(9, 0), dt.time(11, 30)), (dt.time(14, 30), dt.time(17, 0))]
DEMO_PASSWORD = "Deputyhub-demo-2026"  # noqa: S105 - printed by seed-demo, demo data only


def seed_demo_data(seed=2026, if_empty=False):
    if if_empty and Deputy.select().exists():
        return ["demo data already present; nothing changed"]
    rng = random.Random(seed)
    with db.atomic():
        own = Congress.create(
            name="福州市人民代表大会常务委员会", level="municipal", current_term=17, is_own=True, region="福州市"
        )
        delegations = [Delegation.create(name=f"{d}代表团", kind="代表团") for d in DISTRICTS]
        area_groups = [DeputyGroup.create(name=f"{d}第{n}代表小组", basis="area") for d in DISTRICTS for n in (1, 2)]
        field_groups = [DeputyGroup.create(name=f"{f}专业代表小组", basis="field") for f in FIELDS[:6]]
        stations = _seed_stations(random.Random(seed + 2))
        units = [HandlingUnit.create(name=name, category="市直部门") for name in UNITS]
        deputies = _seed_deputies(rng, own, delegations, area_groups, field_groups, stations)
        # Its own generator: the municipal roster stays what it was for a seed before higher levels were added.
        higher = _seed_higher_levels(random.Random(seed + 1), deputies, stations)
        accounts = _seed_accounts(stations, units, deputies)
        receptions = _seed_calendars(random.Random(seed + 3), stations)
        cases = feedback_demo.seed_cases(random.Random(seed + 2), stations, units)
    two_seats = sum(1 for seat in higher if seat.phone in {d.phone for d in deputies})
    return [
        f"congresses: 3, delegations: {len(delegations) + 2}, groups: {len(area_groups) + len(field_groups)}",
        f"deputies: {len(deputies)} municipal, {len(higher)} provincial and national ({two_seats} also municipal), "
        f"stations: {len(stations)} ({receptions} receptions scheduled), handling units: {len(units)}",
        f"feedback cases: {cases} (stations of station1 and station2)",
        f"accounts (password {DEMO_PASSWORD}): " + ", ".join(accounts),
    ]


def _seed_deputies(rng, congress, delegations, area_groups, field_groups, stations):
    deputies = []
    for n in range(1, 501):
        district_index = rng.randrange(len(delegations))
        phone = f"139{rng.randrange(10**8):08d}"
        deputy = Deputy.create(
            code=f"FZ17-{n:04d}",
            congress=congress,
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


PROVINCIAL_SEATS = 40  # Fuzhou elects about this many deputies to the Fujian provincial congress
NATIONAL_SEATS = 8
TWO_SEATS = 3  # of the provincial deputies, how many are also municipal deputies


def _seed_higher_levels(rng, municipal, stations):
    """The provincial and national deputies elected in the city; they too serve at the city's stations."""
    province = Congress.create(
        name="福建省人民代表大会常务委员会", level="provincial", current_term=14, region="福建省"
    )
    nation = Congress.create(name="全国人民代表大会常务委员会", level="national", current_term=14, region="全国")
    to_province = Delegation.create(name="福州市（选举省人大代表）", kind="选举单位")
    to_nation = Delegation.create(name="福建代表团（全国人大）", kind="代表团")
    serving = [d for d in municipal if d.status == "在任"]
    also_municipal = rng.sample(serving, TWO_SEATS)
    seats = []
    specs = [(province, to_province, "FJ14", n) for n in range(1, PROVINCIAL_SEATS + 1)]
    specs += [(nation, to_nation, "QG14", n) for n in range(1, NATIONAL_SEATS + 1)]
    for index, (congress, delegation, prefix, n) in enumerate(specs):
        person = also_municipal[index] if index < TWO_SEATS else None
        phone = person.phone if person else f"138{rng.randrange(10**8):08d}"
        seat = Deputy.create(
            code=f"{prefix}-{n:04d}",
            congress=congress,
            name=person.name if person else rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(2)),
            gender=person.gender if person else rng.choice(("男", "女")),
            delegation=delegation,
            term=congress.current_term,
            sector=rng.choice(SECTORS),
            grassroots=rng.random() < 0.3,
            employer=person.employer if person else f"{rng.choice(DISTRICTS)}{rng.choice(STREETS)}社区",
            phone=phone,
            phone_hash=blind_index(phone),
        )
        DeputyStation.create(deputy=seat, station=rng.choice(stations))
        seats.append(seat)
    return seats


def _station_kind(i):
    """Mostly 代表联络站, with every other kind represented (the directory's filters need them all)."""
    if i % 5 == 0:
        return "代表之家"
    if i % 5 == 3:
        return "联系群众活动室"
    return "行业联络站" if i in (4, 14, 19) else "代表联络站"


def _seed_stations(rng):
    stations = []
    for i in range(20):
        district, street, kind = DISTRICTS[i % len(DISTRICTS)], STREETS[i % len(STREETS)], _station_kind(i)
        name = {
            "代表之家": f"{district}{street}人大代表之家",
            "联系群众活动室": f"{district}{street}社区代表联系群众活动室",
            "行业联络站": f"{district}{TRADES[i % len(TRADES)]}人大代表联络站",
        }.get(kind, f"{district}{street}街道人大代表联络站")
        latitude, longitude = DISTRICT_CENTRES[district]
        stations.append(
            Station.create(
                name=name,
                kind=kind,
                district=district,
                address=f"福州市{district}{street}路{10 + i}号",
                description=f"{name}，组织进站代表定期接待群众、听取意见建议。",
                latitude=round(latitude + rng.uniform(-0.018, 0.018), 6),
                longitude=round(longitude + rng.uniform(-0.018, 0.018), 6),
                opening_hours=rng.choice(OPENING_HOURS),
                phone=f"0591-8{rng.randrange(10**7):07d}",
            )
        )
    return stations


def _seed_calendars(rng, stations):
    """This month's and next month's themes, and a reception a week per station (last week's one is the record)."""
    today = local_today()
    months = [today.replace(day=1), (today.replace(day=1) + dt.timedelta(days=32)).replace(day=1)]
    StationTheme.insert_many(
        [
            {"station": station.id, "month": month.strftime("%Y-%m"), "title": title, "description": description}
            for station in stations
            for month, (title, description) in zip(months, rng.sample(THEMES, 2), strict=True)
        ]
    ).execute()
    monday = today - dt.timedelta(days=today.weekday())
    busy, count = set(), 0
    for index, station in enumerate(stations):
        serving = [
            deputy_id
            for (deputy_id,) in DeputyStation.select(DeputyStation.deputy)
            .join(Deputy)
            .where((DeputyStation.station == station.id) & (Deputy.status == "在任"))
            .order_by(Deputy.id)
            .tuples()
        ]
        for week in range(-1, 4):
            day = monday + dt.timedelta(days=7 * week + index % 5)
            starts_at, ends_at = RECEPTION_SLOTS[(index + week) % 2]
            # A deputy serving at two stations is never put in two places at once.
            free = [d for d in serving if (d, day, starts_at) not in busy]
            if not free:
                continue
            chosen = rng.sample(free, min(len(free), rng.choice((1, 2, 2, 3))))
            busy.update((d, day, starts_at) for d in chosen)
            reception = StationReception.create(
                station=station.id, day=day, starts_at=starts_at, ends_at=ends_at, topic=THEMES[rng.randrange(6)][0]
            )
            StationReceptionDeputy.insert_many([{"reception": reception.id, "deputy": d} for d in chosen]).execute()
            count += 1
    return count


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

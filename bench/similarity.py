"""Similar-case lookup against 100,000 indexed complaints (api.common.similarity), p95 target 100 ms.

    .venv/bin/python bench/similarity.py [--documents 100000] [--lookups 300]
                                         [--database-url postgresql://… --redis-url redis://…]

(--database-url: an empty PostgreSQL database; it is migrated and filled. Default: embedded SQLite.)

1. Builds the corpus: synthetic but realistic constituent complaints (a place of a few hundred
   communities, roads, parks and schools; one of 30 kinds of matter, each in several wordings; an
   opening and a closing phrase), indexed with `index_many`, 5,000 at a time (set-based inserts).
   A scratch `bench_case` table gives each document a station and a status, as the feedback inbox would.
2. Times `index()` of one new case (what a submission costs), then three lookups of fresh
   complaints (half are new wordings of matters already indexed):
   - the lookup as the inbox makes it: `similar(kind, text, limit=5, exclude=[...])`;
   - the same restricted to the open cases of one station, `among=` a query on `bench_case`;
   - the baseline: the same lookup with `exact=True`, reading every posting of every term (the plain
     inverted-index cosine, no prefilter), and how often the two agree on the top 5.
Exit status 1 if the lookup's p95 misses 100 ms.
"""
from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

TARGET_P95_MS = 100.0
KIND = "bench.feedback"
CHUNK = 5000
STATIONS = 20

PLACE_HEADS = ["金山", "温泉", "鼓楼", "台江", "仓山", "晋安", "马尾", "长乐", "五四", "东街", "西湖", "南湖", "北峰",
               "江滨", "屏山", "乌山", "于山", "洪山", "湖前", "福新", "上渡", "城门", "盖山", "新店", "宦溪", "琅岐",
               "亭江", "浦下", "华林", "树兜", "铜盘", "杨桥", "白马", "茶亭", "达明", "六一", "象园", "王庄", "岳峰",
               "鼓山", "东浦", "凤坂", "斗门", "秀峰", "金鸡", "桂湖", "三叉街", "螺洲", "建新", "闽江"]
COMMUNITIES = ["花园", "小区", "新村", "家园", "公寓", "苑", "雅居", "嘉园", "名城", "佳园"]
ROADS = ["路", "大道", "街", "北路", "南路", "支路"]
FACILITIES = ["公园", "小学", "中学", "幼儿园", "菜市场", "医院", "地铁站", "公交站", "广场", "体育馆"]

# {place}: where; each matter in several wordings, as different people would put it.
MATTERS = [
    [
        "{place}附近路面坑坑洼洼，下雨积水很深，电动车经过容易摔倒。",
        "{place}那段马路破损严重，到处是坑，雨后积水骑车危险。",
        "{place}路面塌陷坑洼好几个月没人修。",
    ],
    [
        "{place}旁边工地夜里十一点以后还在施工，打桩声音太吵睡不着。",
        "{place}附近工地夜间违规施工，凌晨机器轰鸣影响休息。",
        "{place}隔壁建筑工地深夜施工噪音扰民。",
    ],
    [
        "{place}每天晚上广场舞音响开得特别大，一直跳到十点多。",
        "{place}跳广场舞的音乐声太吵，音箱音量很大。",
        "{place}广场舞噪音扰民，晚上九点以后还在放很响的音乐。",
    ],
    [
        "{place}的孩子今年上小学，对口学校说学位已满，要被调剂到很远的学校。",
        "{place}划片学校学位不够，很多孩子被分流到几公里外。",
        "{place}适龄儿童入学难，对口学校招不下。",
    ],
    [
        "{place}今年供暖以后家里温度只有十五度，暖气片一直不热。",
        "{place}暖气不热，室温很低，老人孩子都冻感冒了。",
        "{place}供暖温度不达标，暖气温温的屋里要穿棉袄。",
    ],
    [
        "{place}最近一周经常停水，没有任何通知。",
        "{place}频繁停水，自来水公司也不提前公告。",
        "{place}这几天反复停水，水管爆了到现在还没修好。",
    ],
    [
        "{place}到火车站没有直达公交，要转两趟车。",
        "希望开通{place}到火车站的公交线路，现在单程一个半小时。",
        "建议新增{place}至火车站的公交专线。",
    ],
    [
        "{place}的电梯经常坏，上个月有人被困过两次。",
        "{place}电梯三天两头故障，物业不重视。",
        "{place}电梯老化频繁停运，老人上下楼很困难。",
    ],
    [
        "{place}物业费年年涨，但是垃圾没人及时清理，楼道又脏又臭。",
        "{place}物业服务差，垃圾堆在楼下好几天不清运。",
        "{place}物业不作为，垃圾清运不及时，卫生很差。",
    ],
    [
        "{place}门口乱停车严重，救护车经常被堵住。",
        "{place}大门口车辆乱停乱放，急救车通行受阻。",
        "{place}附近违章停车太多，出入口都堵死了。",
    ],
    [
        "{place}那一段路灯坏了一个多月，晚上黑漆漆的。",
        "{place}的路灯不亮，夜里散步的人多存在安全隐患。",
        "{place}附近路灯长期不亮。",
    ],
    [
        "{place}附近流浪狗很多，已经有小孩被咬伤。",
        "{place}一带流浪犬越来越多，经常追咬路人。",
        "{place}流浪狗成群结队，晚上不敢出门。",
    ],
    [
        "{place}老年人很多，希望开办老年食堂。",
        "建议在{place}设立长者食堂，让独居老人吃上热饭。",
        "{place}独居老人做饭不方便，能不能办老年助餐点。",
    ],
    [
        "{place}楼下烧烤店油烟直接排到居民楼，窗户都不敢开。",
        "{place}底商烧烤店没有安装油烟净化器，油烟往楼上飘。",
        "{place}烧烤店油烟扰民，晚上烟味很重。",
    ],
    [
        "{place}的马路被小商贩占了，早上摆摊卖菜车辆过不去。",
        "{place}占道经营很严重，路边摆满了菜摊。",
        "{place}一带流动摊贩占道经营影响通行。",
    ],
    [
        "{place}是八十年代的老房子，楼顶漏水外墙脱落。",
        "{place}房屋老化严重，屋顶一下雨就漏，墙皮往下掉。",
        "希望把{place}列入老旧小区改造计划。",
    ],
    [
        "每次下大雨{place}就积水，车子熄火被困。",
        "{place}一下暴雨就被淹，排水不畅。",
        "{place}排水设施老化，雨天积水严重。",
    ],
    [
        "{place}旁边的大榕树被砍了，说是要修停车场。",
        "{place}边上的老榕树被砍伐，建议保护城市绿化。",
        "{place}砍树修停车场，居民很心疼。",
    ],
    [
        "{place}有住户在楼顶私自搭建违章建筑。",
        "{place}顶楼住户违规加盖房子，物业不管。",
        "{place}违建存在安全隐患，希望城管拆除。",
    ],
    [
        "{place}公交车班次太少，早高峰要等半小时以上。",
        "{place}公交发车间隔太长，上班高峰期等不到车。",
        "{place}公交早高峰运力不足。",
    ],
    [
        "{place}人行道地砖松动翘起，下雨踩上去溅一身泥水。",
        "{place}人行道砖块松了，一踩就冒水。",
        "{place}人行道砖头翘起来，有人绊倒。",
    ],
    [
        "{place}的酒吧凌晨还在放音乐，客人喧哗。",
        "{place}那间酒吧深夜音乐声很大，影响楼上住户睡觉。",
        "{place}酒吧噪音扰民，多次报警无果。",
    ],
    [
        "{place}没有公办幼儿园，私立幼儿园收费太高。",
        "{place}一所公办幼儿园都没有，孩子上幼儿园太贵。",
        "建议在{place}配建公办幼儿园。",
    ],
    [
        "{place}共享单车堆积，堵住了人行道。",
        "{place}门口共享单车乱停乱放，行人走不过去。",
        "{place}共享单车占道严重。",
    ],
    [
        "{place}公共厕所太少，如厕不方便。",
        "{place}附近找不到公厕。",
        "建议在{place}增建公共厕所。",
    ],
    [
        "{place}充电桩太少，电动汽车充电太难。",
        "{place}没有充电桩，新能源车充电要跑很远。",
        "建议在{place}增加充电桩。",
    ],
    [
        "{place}楼上装修每天早上七点就开始电钻，周末也不停。",
        "{place}装修噪音太早，影响休息。",
        "{place}装修施工不遵守作息时间。",
    ],
    [
        "{place}公交站台没有遮雨棚，下雨天等车全身淋湿。",
        "{place}公交站没有候车亭。",
        "建议给{place}公交站加装雨棚。",
    ],
    [
        "{place}下水道堵塞，污水漫到路面，臭气熏天。",
        "{place}化粪池满溢，污水横流。",
        "{place}排污管道破裂，气味很大。",
    ],
    [
        "{place}的学校门口上下学时段交通拥堵。",
        "{place}学校门口接送孩子的车堵成一团。",
        "建议{place}学校门口设置护学岗。",
    ],
]
OPENINGS = ["", "", "反映一个问题：", "您好，", "我是附近居民，", "投诉：", "我们这里", "代表您好，"]
CLOSINGS = ["", "", "希望尽快处理。", "请有关部门解决。", "谢谢！", "已经反映多次了。", "希望相关部门重视。", "盼复。"]


def places(rng):
    found = [f"{head}{kind}" for head in PLACE_HEADS for kind in COMMUNITIES]
    found += [f"{head}{kind}" for head in PLACE_HEADS for kind in ROADS]
    found += [f"{head}{kind}" for head in PLACE_HEADS for kind in FACILITIES]
    rng.shuffle(found)
    return found


def complaint(rng, place, matter, wording=None):
    wordings = MATTERS[matter]
    text = wordings[rng.randrange(len(wordings)) if wording is None else wording].format(place=place)
    detail = rng.choice(
        ["", "", f"{rng.randint(2, 30)}号楼", f"已经{rng.randint(2, 11)}个月了，", "老人孩子出行不便，"]
    )
    return f"{rng.choice(OPENINGS)}{text}{detail}{rng.choice(CLOSINGS)}"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=100_000)
    parser.add_argument("--lookups", type=int, default=300)
    parser.add_argument("--database-url", default="", help="PostgreSQL (with --redis-url); default: embedded SQLite")
    parser.add_argument("--redis-url", default="")
    args = parser.parse_args(argv)

    from bench.serving import deputyhub_instance

    with deputyhub_instance(args.database_url, args.redis_url) as env:
        os.environ.update(env, LOG_LEVEL="WARNING")
        os.chdir(REPO)
        return run(args.documents, args.lookups)


def run(documents, lookups):
    from api import create_app
    from api.extensions import db

    app = create_app()
    rng = random.Random(20261130)
    pool = places(rng)
    with app.app_context(), db.connection_context():
        database = "PostgreSQL" if "Postgres" in type(db.obj).__name__ else "SQLite"
        matters, matter_of = build(rng, pool, documents)
        writes = time_index(rng, pool, documents)
        queries = [query_text(rng, pool, matters) for _ in range(lookups)]
        warm([text for text, _ in queries[:20]])
        rows, quality = measure(queries, documents, matter_of)
    print(f"\n{database}, {documents:,} documents, {lookups} lookups of fresh complaints, limit 5")
    print_table([("index() one new case", *writes, "")] + rows)
    print(f"{quality['lookups']} lookups were new wordings of a matter already indexed; of their top 5 "
          f"(out of at most the matter's documents), duplicates: {quality['lookup']:.0%} with similar(), "
          f"{quality['exact']:.0%} exact; the first found a duplicate in {quality['lookup_1']:.0%} / "
          f"{quality['exact_1']:.0%}")
    lookup_p95 = rows[0][2]
    if lookup_p95 >= TARGET_P95_MS:
        print(f"FAILED: lookup p95 {lookup_p95:.1f} ms >= {TARGET_P95_MS:g} ms")
        return 1
    return 0


def build(rng, pool, documents):
    """`documents` complaints; every matter (place, kind) is written about 1-4 times in different words."""
    from api.common import similarity
    from api.extensions import db

    BenchCase = bench_case_model()
    db.create_tables([BenchCase])
    station_of = {place: 1 + n % STATIONS for n, place in enumerate(pool)}
    started = time.perf_counter()
    matters, items, cases, matter_of = [], [], [], {}
    key = 0
    while key < documents:
        place, matter = rng.choice(pool), rng.randrange(len(MATTERS))
        matters.append((place, matter))
        for _ in range(min(rng.choice([1, 1, 2, 3, 4]), documents - key)):
            key += 1
            matter_of[key] = (place, matter)
            items.append((key, complaint(rng, place, matter)))
            # Stations by place, so that one station's open cases are its neighbourhood's.
            cases.append((key, station_of[place], "open" if rng.random() < 0.8 else "closed"))
        if len(items) >= CHUNK or key >= documents:
            similarity.index_many(KIND, items)
            with db.atomic():
                for start in range(0, len(cases), 1000):
                    fields = [BenchCase.id, BenchCase.station_id, BenchCase.status]
                    BenchCase.insert_many(cases[start:start + 1000], fields=fields).execute()
            items, cases = [], []
            print(f"\rindexed {key:,} documents in {time.perf_counter() - started:.0f} s", end="", flush=True)
    if is_postgres():
        db.execute_sql("VACUUM ANALYZE similarity_posting")
        db.execute_sql("VACUUM ANALYZE similarity_document")
        db.execute_sql("VACUUM ANALYZE bench_case")
    else:
        db.execute_sql("ANALYZE")
    postings = db.execute_sql("SELECT COUNT(*) FROM similarity_posting").fetchone()[0]
    print(f"\rindexed {documents:,} documents ({postings:,} postings, {postings / documents:.1f} a document) "
          f"in {time.perf_counter() - started:.1f} s", flush=True)
    return matters, matter_of


def is_postgres():
    from api.common.db import is_postgres as check

    return check()


def time_index(rng, pool, documents, count=200):
    """index() of one new case at a time, each in its own transaction, as a submission would."""
    from api.common import similarity

    times = []
    for n in range(count):
        text = complaint(rng, rng.choice(pool), rng.randrange(len(MATTERS)))
        started = time.perf_counter()
        similarity.index(KIND, documents + 1 + n, text)
        times.append((time.perf_counter() - started) * 1000)
    return percentiles(times)


def query_text(rng, pool, matters):
    """Half: another wording of a matter already indexed (a duplicate arriving); half: any matter.

    Returns (text, the matter if it is a known duplicate, else None).
    """
    if rng.random() < 0.5:
        place, matter = rng.choice(matters)
        return complaint(rng, place, matter), (place, matter)
    return complaint(rng, rng.choice(pool), rng.randrange(len(MATTERS))), None


def warm(queries):
    from api.common import similarity

    similarity.similar(KIND, "预热")  # loads the segmenter
    for text in queries:
        similarity.similar(KIND, text)


def measure(queries, documents, matter_of):
    from api.common import similarity

    BenchCase = bench_case_model()
    sizes = {}
    for matter in matter_of.values():
        sizes[matter] = sizes.get(matter, 0) + 1
    timed = {"lookup": [], "among": [], "exact": []}
    hits = {"lookup": [], "exact": [], "lookup_1": [], "exact_1": []}
    for n, (text, matter) in enumerate(queries):
        station = 1 + n % STATIONS
        own_key = documents + 1000 + n  # the arriving case itself, excluded as the inbox would
        found = clock(timed["lookup"], lambda t=text, k=own_key: similarity.similar(KIND, t, exclude=[k]))
        among = BenchCase.select(BenchCase.id).where((BenchCase.station_id == station) & (BenchCase.status == "open"))
        clock(timed["among"], lambda t=text, k=own_key, a=among: similarity.similar(KIND, t, exclude=[k], among=a))
        exact = clock(timed["exact"], lambda t=text, k=own_key: similarity.similar(KIND, t, exclude=[k], exact=True))
        if matter is not None:
            for name, result in (("lookup", found), ("exact", exact)):
                same = [matter_of.get(key) == matter for key, _ in result]
                hits[name].append(sum(same) / min(5, sizes[matter]))
                hits[f"{name}_1"].append(bool(same and same[0]))
    rows = [
        ("similar(): the inbox's lookup", *percentiles(timed["lookup"]), f"target p95 < {TARGET_P95_MS:g}"),
        ("similar(among=one station's open cases)", *percentiles(timed["among"]), ""),
        ("baseline: exact, every posting of every term", *percentiles(timed["exact"]), ""),
    ]
    quality = {name: sum(values) / max(1, len(values)) for name, values in hits.items()}
    quality["lookups"] = len(hits["lookup"])
    return rows, quality


def bench_case_model():
    from peewee import BigIntegerField, CharField, IntegerField, Model

    from api.extensions import db

    class BenchCase(Model):
        id = BigIntegerField(primary_key=True)
        station_id = IntegerField()
        status = CharField()

        class Meta:
            database = db
            table_name = "bench_case"
            indexes = ((("station_id", "status"), False),)

    return BenchCase


def clock(times, call):
    started = time.perf_counter()
    result = call()
    times.append((time.perf_counter() - started) * 1000)
    return result


def percentiles(times):
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * len(ordered))) - 1)]
    return statistics.median(ordered), p95, ordered[-1]


def print_table(rows):
    header = ("step", "p50 ms", "p95 ms", "max ms", "")
    lines = [header] + [(name, f"{p50:.1f}", f"{p95:.1f}", f"{top:.1f}", note) for name, p50, p95, top, note in rows]
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    for index, line in enumerate(lines):
        print("  ".join(cell.ljust(widths[i]) if i in (0, 4) else cell.rjust(widths[i])
                        for i, cell in enumerate(line)).rstrip())
        if index == 0:
            print("  ".join("-" * w for w in widths))


if __name__ == "__main__":
    sys.exit(main())

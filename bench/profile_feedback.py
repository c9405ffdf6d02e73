"""Where a feedback request's time goes: requests through the app in process, under pyinstrument.

    python bench/profile_feedback.py intake CLIENTS_JSON [--requests 1000]   # needs the WeChat stand-in
    python bench/profile_feedback.py inbox CLIENTS_JSON [--requests 1000]

Run by bench/feedback.py in the bench instance's environment when a target is missed: the same requests
as the load's users (bench/locustfile.py), without gunicorn and sockets, so what is left is the app's own
cost per request (and, for intake, the stand-in's answer to msgSecCheck).
"""
import argparse
import itertools
import json
import random
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

# As bench/locustfile.py sends them (importing it would load locust, which monkey-patches with gevent).
FEEDBACK_CATEGORIES = ("城乡建设", "交通出行", "生态环境", "教育", "医疗卫生", "社会保障", "其他")
FEEDBACK_TEXTS = ("小区门口路灯坏了一个多月，晚上出行很不安全，希望尽快维修。",
                  "公交站台的雨棚漏雨，候车的老人经常被淋湿。")
INBOX_FILTERS = ("", "state=submitted", "state=forwarded&overdue=true", "category=交通出行",
                 "created_from=2026-06-01&created_to=2026-06-30", "state=closed&state=rated&category=教育", "q=路灯")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("what", choices=["intake", "inbox"])
    parser.add_argument("clients")
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--cprofile", action="store_true", help="CPU by function (cProfile) instead")
    args = parser.parse_args(argv)
    from pyinstrument import Profiler

    seeded = json.loads(Path(args.clients).read_text())
    clients = itertools.cycle(seeded["clients"][::-1])  # from the other end than the load: fresh rate windows
    from wsgi import app  # what gunicorn serves

    http, rng = app.test_client(), random.Random(1)

    def one():
        client = next(clients)
        headers = {"Authorization": f"Bearer {client['token']}", "X-Forwarded-For": client["address"]}
        if args.what == "intake":
            body = {"station_id": rng.choice(seeded["station_ids"]), "category": rng.choice(FEEDBACK_CATEGORIES),
                    "content": f"{rng.choice(FEEDBACK_TEXTS)}（第{rng.randint(1, 10**6)}号楼）"}
            response = http.post("/api/v1/feedback/cases", json=body,
                                 headers={**headers, "Idempotency-Key": uuid.uuid4().hex})
        elif rng.random() < 0.75:
            response = http.get(f"/api/v1/feedback/cases?page_size=20&{rng.choice(INBOX_FILTERS)}", headers=headers)
        else:
            response = http.get(f"/api/v1/feedback/cases/counts?{rng.choice(INBOX_FILTERS)}", headers=headers)
        if response.status_code >= 300:
            sys.exit(f"{args.what} answered {response.status_code}: {response.get_data(as_text=True)[:300]}")

    for _ in range(100):  # warm the caches and the connection
        one()
    if args.cprofile:
        import cProfile
        import pstats

        with cProfile.Profile() as cpu:
            for _ in range(args.requests):
                one()
        pstats.Stats(cpu).sort_stats("tottime").print_stats(30)
        return
    profiler = Profiler(interval=0.0005)
    started = time.perf_counter()
    with profiler:
        for _ in range(args.requests):
            one()
    elapsed = time.perf_counter() - started
    print(f"{args.requests} {args.what} requests in {elapsed:.2f} s: {elapsed / args.requests * 1e6:.0f} µs each "
          f"in process")
    print(profiler.output_text(unicode=True, color=False, show_all=False, timeline=False))


if __name__ == "__main__":
    main()

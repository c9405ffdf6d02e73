"""Where a learning request's time goes: the bench's requests through the app in process, under pyinstrument.

    python bench/profile_learning.py LearningCatalogue|LearningHeartbeat CLIENTS_JSON [--requests 2000]

The same requests as the load's user class (every deputy in turn, own address and token), without
gunicorn and sockets: what is left is the app's own cost per request.
"""
import argparse
import itertools
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("subject", choices=["LearningCatalogue", "LearningHeartbeat"])
    parser.add_argument("clients")
    parser.add_argument("--requests", type=int, default=2000)
    args = parser.parse_args(argv)
    from pyinstrument import Profiler

    clients = itertools.cycle(json.loads(Path(args.clients).read_text())["clients"])
    from wsgi import app  # what gunicorn serves

    http = app.test_client()
    paths = itertools.cycle(["/api/v1/materials/library", "/api/v1/materials/library/courses", None])

    def one():
        client = next(clients)
        headers = {"Authorization": f"Bearer {client['token']}", "X-Forwarded-For": client["address"]}
        if args.subject == "LearningHeartbeat":
            response = http.post("/api/v1/materials/heartbeats", headers=headers, json={
                "session": client["session"], "material_id": client["material_id"], "position": "p", "percent": 50})
        else:
            path = next(paths) or f"/api/v1/materials/library/courses/{client['course_ids'][0]}"
            response = http.get(path, headers=headers)
        if response.status_code != 200:
            sys.exit(f"answered {response.status_code}: {response.get_data(as_text=True)[:300]}")

    for _ in range(200):
        one()
    profiler = Profiler(interval=0.0005)
    started = time.perf_counter()
    with profiler:
        for _ in range(args.requests):
            one()
    elapsed = time.perf_counter() - started
    print(f"{args.requests} requests in {elapsed:.2f} s: {elapsed / args.requests * 1e6:.0f} µs each in process")
    print(profiler.output_text(unicode=True, color=False, show_all=False, timeline=False))


if __name__ == "__main__":
    main()

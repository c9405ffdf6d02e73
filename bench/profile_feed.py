"""Where a feed request's time goes: 2,000 feed requests through the app in process, under pyinstrument.

    python bench/profile_feed.py CLIENTS_JSON [--requests 2000]    # in the bench instance's environment

The same requests as the load's Feed user (500 deputies in turn, each with its own address and token),
without gunicorn and sockets: what is left is the app's own cost per request.
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
    parser.add_argument("clients")
    parser.add_argument("--requests", type=int, default=2000)
    args = parser.parse_args(argv)
    from pyinstrument import Profiler

    seeded = json.loads(Path(args.clients).read_text())
    clients = itertools.cycle(seeded["clients"])
    pages = itertools.cycle(range(1, seeded["feed_pages"] + 1))
    from wsgi import app  # what gunicorn serves

    http = app.test_client()

    def one():
        client = next(clients)
        headers = {"Authorization": f"Bearer {client['token']}", "X-Forwarded-For": client["address"]}
        response = http.get(f"/api/v1/notices/feed?page={next(pages)}&page_size={seeded['page_size']}",
                            headers=headers)
        if response.status_code != 200:
            sys.exit(f"feed answered {response.status_code}: {response.get_data(as_text=True)[:300]}")

    for _ in range(200):  # warm the caches, as the load's warm-up does
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

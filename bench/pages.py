"""Opening a paper's page image (api/briefings), cached after the first render: p99 under 50 ms at 32
connections, against the bare-Flask /ping baseline served and loaded the same way in the same run.

    .venv/bin/python bench/pages.py [--quick] [--deputies 100] [--pages 5] [--duration 15]
                                    [--database-url URL --redis-url URL]

1. A fresh production-configured instance (bench/serving.py; embedded SQLite unless --database-url):
   --deputies deputies, a --pages page PDF of dense text, published as a confidential paper to all of them;
   a signed link per deputy and page (what GET /my/papers/<id>/pages hands out).
2. gunicorn (the same command for both subjects) serves the baseline and deputyhub; every link is fetched
   once (the first render: pdfium, the watermark, JPEG; then kept for the link's life).
3. locust, 32 users = 32 keep-alive connections, no waiting: the baseline's /ping, the baseline answering
   with as many bytes as the median image (what shipping the image alone costs), then the links in turn, each
   from its own client address. Every fetch checks the link, the paper's state, window and epoch, reads
   the image, and writes a view-log row: the whole request, as a phone makes it.
Exit status 1 if the p99 misses 50 ms.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

TARGET_P99_MS = 50.0
LINES = ["市人大常委会关于2026年市级预算调整方案的审议意见", "一、预算调整的主要内容和原因",
         "二、常委会组成人员和代表的审议意见", "三、进一步做好预算执行工作的建议"]


def dense_pdf(pages):
    """A PDF of `pages` pages, each 40 lines of text (Helvetica): a realistic render and JPEG size."""
    objects = ["<< /Type /Catalog /Pages 2 0 R >>", None, "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    kids = []
    for n in range(1, pages + 1):
        text = " ".join(f"BT /F1 11 Tf 60 {760 - 17 * i} Td (Section {n}.{i} The budget adjustment plan, its "
                        f"reasons, the opinions of the members and deputies, item {i * 7 + n}.) Tj ET"
                        for i in range(40))
        objects.append(f"<< /Length {len(text)} >>\nstream\n{text}\nendstream")
        objects.append(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents {len(objects)} 0 R "
                       "/Resources << /Font << /F1 3 0 R >> >> >>")
        kids.append(f"{len(objects)} 0 R")
    objects[1] = f"<< /Type /Pages /Kids [{' '.join(kids)}] /Count {pages} >>"
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode()
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += "".join(f"{offset:010d} 00000 n \n" for offset in offsets).encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def seed(path, deputies, pages):
    import io

    from werkzeug.datastructures import FileStorage

    from api import create_app
    from api.auth.models import User
    from api.briefings import pages as page_images
    from api.briefings import services
    from api.common.db import utcnow
    from api.common.identity.principal import Principal
    from api.deputies.models import Deputy
    from api.extensions import db
    from api.files import services as files
    from api.org.models import Delegation
    from bench.seed_feed import client_address

    app = create_app()
    with app.test_request_context(), db.connection_context():
        delegation = Delegation.create(name="第一代表团")
        now = utcnow()
        with db.atomic():
            Deputy.insert_many([{"code": f"PG{n:05d}", "name": f"代表{n}", "gender": "男", "term": 17,
                                 "delegation": delegation.id, "created_at": now, "updated_at": now}
                                for n in range(1, deputies + 1)]).execute()
            users = [User.create(role="deputy", display_name=d.name, deputy=d) for d in Deputy.select()]
        staff = User.create(role="staff", display_name="工作人员", username="bench-staff")
        principal = Principal(user_id=staff.id, role="staff", session_id="bench")
        stored = files.save_upload(FileStorage(io.BytesIO(dense_pdf(pages)), "paper.pdf"), principal)
        paper = services.create_paper({
            "meeting_id": None, "title": "预算调整方案的审议意见", "description": "", "category": "参阅资料",
            "confidentiality": "confidential", "audience": {"meeting_attendees": False, "selectors": {"all": True}},
            "opens_at": None, "closes_at": None, "file_id": stored.id}, principal)
        services.publish_paper(paper, principal)
        links = [page_images.link(paper, n, {"user_id": u.id, "deputy_id": u.deputy_id})
                 for u in users for n in range(1, pages + 1)]
    clients = [{"address": client_address(n)} for n in range(1, deputies + 1)]
    Path(path).write_text(json.dumps({"clients": clients, "page_links": links}))
    return len(links)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--deputies", type=int, default=100)
    parser.add_argument("--pages", type=int, default=5)
    parser.add_argument("--duration", type=float)
    parser.add_argument("--users", type=int, default=32)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--redis-url", default="")
    args = parser.parse_args(argv)
    duration = args.duration or (5.0 if args.quick else 15.0)

    from bench.run import Subject, locust
    from bench.serving import RESULTS, BenchError, Gunicorn, deputyhub_instance

    RESULTS.mkdir(parents=True, exist_ok=True)
    baseline = Subject("baseline: bare Flask /ping", "Ping", app="bench.baseline_app:app")
    same_bytes = Subject("baseline: bare Flask, the image's size from memory", "Bytes", app="bench.baseline_app:app")
    subject = Subject("page image (cached, watermarked, view logged)", "PageImages")
    results = {}
    with deputyhub_instance(args.database_url, args.redis_url) as env, \
            tempfile.NamedTemporaryFile(suffix=".json", dir=RESULTS) as clients:
        seed_env = dict(env, LOG_LEVEL="WARNING")
        count = int(subprocess.run([sys.executable, __file__, "--seed", clients.name, str(args.deputies),
                                    str(args.pages)], cwd=REPO, env=seed_env, check=True, capture_output=True,
                                   text=True).stdout.strip().splitlines()[-1])
        load_env = dict(env, BENCH_CLIENTS=clients.name, BENCH_USERS=str(args.users))
        with Gunicorn(baseline.app, env, "baseline") as base, Gunicorn("wsgi:app", env, "deputyhub") as app:
            started = time.perf_counter()
            first = warm(app.url, json.loads(Path(clients.name).read_text())["page_links"])
            print(f"· first render of {count} page links: {time.perf_counter() - started:.1f} s "
                  f"(p50 {first[0]:.0f} ms, max {first[1]:.0f} ms a page, median image {first[2]:,} bytes)",
                  flush=True)
            load_env["BENCH_BYTES"] = str(first[2])
            for each, server in ((baseline, base), (same_bytes, base), (subject, app)):
                try:
                    locust(each, server, load_env, args.users, 2.0)  # warm-up
                    results[each.name] = locust(each, server, load_env, args.users, duration)
                except BenchError as exc:
                    results[each.name] = {"error": str(exc)}
    print(f"\n{args.users} connections, {duration:g} s each, "
          f"{count} links ({args.deputies} deputies x {args.pages} pages)")
    print(f"{'subject':48} {'req/s':>8} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7}")
    for name, figures in results.items():
        if "error" in figures:
            print(f"{name:48} FAILED: {figures['error'][:300]}")
            continue
        print(f"{name:48} {figures['rps']:8.0f} {figures['p50_ms']:7.0f} {figures['p95_ms']:7.0f} "
              f"{figures['p99_ms']:7.0f}")
    (RESULTS / "pages.json").write_text(json.dumps(results, indent=2))
    figures = results.get(subject.name, {})
    if "p99_ms" not in figures or figures["p99_ms"] >= TARGET_P99_MS:
        print(f"FAILED: page image p99 {figures.get('p99_ms')} ms, target < {TARGET_P99_MS:g} ms")
        return 1
    return 0


def warm(base, links):
    import statistics

    import requests

    times, sizes, session = [], [], requests.Session()
    for n, url in enumerate(links):
        started = time.perf_counter()
        answer = session.get(base + url, headers={"X-Forwarded-For": f"10.9.{n // 256 % 256}.{n % 256}"}, timeout=60)
        if answer.status_code != 200:
            raise SystemExit(f"warming {url}: {answer.status_code} {answer.text[:200]}")
        times.append((time.perf_counter() - started) * 1000)
        sizes.append(len(answer.content))
    return statistics.median(times), max(times), int(statistics.median(sizes))


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "--seed":
        print(seed(sys.argv[2], int(sys.argv[3]), int(sys.argv[4])))
        sys.exit(0)
    sys.exit(main())

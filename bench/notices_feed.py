"""Bench subject "notice feed (warm cache)": a deputy's notice feed served from Redis.

`seed` (a Subject.setup) publishes 30 notices to 500 deputies in the fresh instance and writes one
deputy's access token into the instance folder; `warm_headers` (a Subject.headers) reads the token,
loads the feed once so the cache is warm, checks it, and returns the Authorization header.

    python bench/notices_feed.py --seed    # what `seed` runs inside the instance's environment
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

FEED_PATH = "/api/v1/notices/feed"
TOKEN_FILE = "bench-deputy-token"  # noqa: S105 - a file name, not a secret
NOTICES = 30
DEPUTIES = 500
PAGE_SIZE = 20


def seed(instance):
    """Subject.setup: seed in a child process with the instance's environment."""
    from bench.harness import BenchError

    # A token that outlives several rounds of every subject; its expiry is in the token itself.
    env = dict(instance.env, ACCESS_TOKEN_TTL_SECONDS="86400")  # noqa: S106 - a lifetime, not a secret
    completed = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--seed"],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=600,
    )
    if completed.returncode != 0:
        raise BenchError(f"notice feed seed failed:\n{completed.stdout}{completed.stderr}")


def warm_headers(ctx):
    """Subject.headers: the deputy's token, after one request that fills the cache."""
    from bench.harness import BenchError

    token = Path(ctx.instance.path, TOKEN_FILE).read_text().strip()
    headers = {"Authorization": f"Bearer {token}"}
    for _ in range(2):  # the second answer comes from the cache
        status, body = ctx.request("GET", FEED_PATH, headers=headers)
        if status != 200 or not isinstance(body, list) or len(body) != PAGE_SIZE:
            raise BenchError(f"notice feed not ready: {status} {str(body)[:300]}")
    return headers


def _seed_here():
    from api import create_app
    from api.auth.models import User
    from api.auth.services import start_session
    from api.common.db import utcnow
    from api.deputies.models import Deputy
    from api.extensions import db
    from api.notices import services
    from api.notices.models import Notice
    from api.org.models import Delegation

    app = create_app()
    with app.app_context(), db.connection_context():
        delegations = [Delegation.create(name=f"第{n}代表团") for n in range(1, 13)]
        with db.atomic():
            Deputy.insert_many(
                [
                    {"code": f"FB{n:05d}", "name": f"代表{n}", "gender": "男", "term": 17,
                     "delegation": delegations[n % len(delegations)].id, "grassroots": n % 3 == 0,
                     "created_at": utcnow(), "updated_at": utcnow()}
                    for n in range(1, DEPUTIES + 1)
                ]
            ).execute()
        deputy = Deputy.get(Deputy.code == "FB00001")
        user = User.create(role="deputy", display_name=deputy.name, deputy=deputy)
        staff = User.create(role="staff", display_name="工作人员", username="bench-staff")
        kinds = ["会议通知", "情况通报", "知情知政", "学习通知", "其他"]
        for n in range(NOTICES):
            notice = Notice.create(
                title=f"关于做好第{n + 1}项代表履职工作的通知",
                body="<p>" + "请各位代表按时参加。" * 20 + "</p>",
                kind=kinds[n % len(kinds)],
                pinned=n in (3, 17),
                audience={"all": True},
                created_by=staff.id,
                updated_by=staff.id,
            )
            services.publish(notice, actor=staff)
        token = start_session(user, method="bench")["access_token"]
    Path(app.instance_path, TOKEN_FILE).write_text(token)
    print(f"seeded {NOTICES} notices to {DEPUTIES} deputies")


if __name__ == "__main__":
    if sys.argv[1:] != ["--seed"]:
        sys.exit(__doc__)
    os.chdir(REPO)
    _seed_here()

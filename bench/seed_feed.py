"""Seed the deputy-feed subjects: 500 deputies with their own accounts and tokens, 30 notices published to all.

    python bench/seed_feed.py CLIENTS_JSON     # in the instance's environment (bench/run.py does this)

Writes CLIENTS_JSON for the load generator: each deputy's bearer token and the client address the
reverse proxy reports for it, the notice ids and the number of feed pages.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

DEPUTIES = 500
NOTICES = 30
PAGE_SIZE = 10


def client_address(n):
    """A distinct private address per client, as the proxy would report it."""
    return f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}"


def main(path):
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
        now = utcnow()
        with db.atomic():
            Deputy.insert_many([
                {"code": f"FB{n:05d}", "name": f"代表{n}", "gender": "男", "term": 17,
                 "delegation": delegations[n % len(delegations)].id, "created_at": now, "updated_at": now}
                for n in range(1, DEPUTIES + 1)
            ]).execute()
            users = [User.create(role="deputy", display_name=deputy.name, deputy=deputy)
                     for deputy in Deputy.select().order_by(Deputy.id)]
        staff = User.create(role="staff", display_name="工作人员", username="bench-staff")
        kinds = ["会议通知", "情况通报", "知情知政", "学习通知", "其他"]
        notice_ids = []
        for n in range(NOTICES):
            notice = Notice.create(
                title=f"关于做好第{n + 1}项代表履职工作的通知", body="<p>" + "请各位代表按时参加。" * 20 + "</p>",
                kind=kinds[n % len(kinds)], pinned=n in (3, 17), audience={"all": True},
                created_by=staff.id, updated_by=staff.id,
            )
            services.publish(notice, actor=staff)
            notice_ids.append(notice.id)
        clients = [{"address": client_address(n), "token": start_session(user, method="bench")["access_token"]}
                   for n, user in enumerate(users, start=1)]
    pages = -(-NOTICES // PAGE_SIZE)
    Path(path).write_text(json.dumps({"clients": clients, "notice_ids": notice_ids, "feed_pages": pages,
                                      "page_size": PAGE_SIZE}))
    print(f"seeded {NOTICES} notices to {DEPUTIES} deputies, {DEPUTIES} tokens")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])

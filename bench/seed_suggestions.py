"""Seed the suggestions bench (run in the instance's environment by bench/suggestions.py).

    python bench/seed_suggestions.py OUT_JSON [--suggestions 100000] [--units 300]

Units (each with one unit account and its token), 20 delegations and 2,000 deputies (200 of them with a
signed-in account), one office account; then --suggestions suggestions written from the labelled themes of
tests/suggestions/data/routing.json (each theme's texts set at one of ~1,500 places, so a theme has many
near-duplicates, as real suggestions do), over the last two years: 10 % waiting for review, 10 % with the
units, 80 % answered (A/B/C, a third of them rated), a fifth with a co-unit, B answers with one or two
commitments. Each theme is handled by a few units of its own, so the assignment suggestion has history to
learn from. Every suggestion on record is in the similarity index, as submission puts it there.
OUT_JSON: the load generator's clients (units, office with suggestion ids, deputies with drafts).
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.seed_feed import client_address  # noqa: E402
from bench.similarity import places  # noqa: E402

CHUNK = 2000  # rows per INSERT: about 40,000 parameters, inside PostgreSQL's 65,535
UNITS_PER_THEME = 3
DETAILS = ["", "", "涉及居民上千户，", "群众反映强烈，", "已持续多年，", "多次反映未解决，"]


def themes():
    data = json.loads((REPO / "tests/suggestions/data/routing.json").read_text(encoding="utf-8"))
    found = {}
    for key, category, title, text in data["past"] + data["queries"]:
        found.setdefault(key, {"category": category, "texts": []})["texts"].append((title, text))
    return list(found.values())


def write(rng, place, theme):
    title, text = rng.choice(theme["texts"])
    core = title.removeprefix("关于").removesuffix("的建议")
    problem, _, proposal = text.partition("建议")
    return {
        "title": f"关于{place}{core}的建议"[:100],
        "problem": f"{place}{rng.choice(DETAILS)}{problem}",
        "cause": f"{place}相关设施和管理跟不上，部门之间协调不够，资金投入不足。",
        "proposal": f"建议{proposal}" if proposal else "建议有关部门尽快研究解决。",
        "category": theme["category"],
    }


def seed(path, count, unit_count):
    from api import create_app
    from api.auth.models import User
    from api.common import similarity
    from api.common.db import utcnow
    from api.deputies.models import Deputy
    from api.extensions import db
    from api.org.models import Congress, Delegation, HandlingUnit
    from api.suggestions.models import CATEGORIES, Assignment, Commitment, Suggestion, matter_of
    from api.suggestions.similar import KIND

    rng = random.Random(20261130)
    pool = places(rng)
    topics = themes()
    app = create_app()
    started = time.perf_counter()
    with app.app_context(), db.connection_context():
        if count == 0:  # --clients-only: the suggestions are already there (a re-run on the same database)
            write_clients(path, rng, pool, topics)
            return
        now = utcnow()
        with db.atomic():
            congress = Congress.create(name="福州市人大常委会", level="municipal", current_term=17, is_own=True)
            HandlingUnit.insert_many([{"name": f"承办单位{n}", "category": CATEGORIES[n % len(CATEGORIES)]}
                                      for n in range(1, unit_count + 1)]).execute()
            Delegation.insert_many([{"name": f"第{n}代表团"} for n in range(1, 21)]).execute()
            delegations = [d for (d,) in Delegation.select(Delegation.id).tuples()]
            Deputy.insert_many([{"code": f"B{n:05d}", "name": f"代表{n}", "gender": "男", "term": 17,
                                 "congress": congress.id, "delegation": delegations[n % 20]}
                                for n in range(1, 2001)]).execute()
        units = [u for (u,) in HandlingUnit.select(HandlingUnit.id).order_by(HandlingUnit.id).tuples()]
        deputies = [d for (d,) in Deputy.select(Deputy.id).order_by(Deputy.id).tuples()]
        # A theme's units: a few of its own (the right answers for routing), in turn.
        handlers = [[units[(t * 7 + k * 31) % len(units)] for k in range(UNITS_PER_THEME)] for t in range(len(topics))]
        ids = []
        done = 0
        while done < count:
            rows, plans = [], []
            for n in range(done, min(done + CHUNK, count)):
                t = rng.randrange(len(topics))
                text = write(rng, rng.choice(pool), topics[t])
                bucket = n % 10
                state = "submitted" if bucket == 0 else "assigned" if bucket == 1 else "answered"
                if state == "answered" and n % 3 == 0:
                    state = "rated"
                created = now - dt.timedelta(minutes=n * 10)
                due = (created + dt.timedelta(days=90)).date()
                rating = rng.choice(["满意", "基本满意", "不满意"]) if state == "rated" else None
                rows.append({**text, "deputy": deputies[n % len(deputies)], "term": 17, "state": state,
                             "submitted_at": created, "created_at": created, "updated_at": created,
                             "abstract": text["problem"][:80], "rounds": 0 if state == "submitted" else 1,
                             "assigned_at": None if state == "submitted" else created, "rating": rating,
                             "first_rating": rating, "due_date": None if state == "submitted" else due})
                plans.append((t, state, created, due, n))
            with db.atomic():
                new = [r[0] for r in Suggestion.insert_many(rows).returning(Suggestion.id).tuples()]
                similarity.index_many(KIND, [(key, matter_of(r["title"], r["problem"]))
                                             for key, r in zip(new, rows, strict=True)])
                assignments, promised = [], []
                for key, (t, state, created, due, n) in zip(new, plans, strict=True):
                    if state == "submitted":
                        continue
                    answered = state in ("answered", "rated")
                    lead = handlers[t][n % UNITS_PER_THEME]
                    category = "ABC"[n % 3] if answered else None
                    answered_at = created + dt.timedelta(days=20 + n % 80) if answered else None
                    assignments.append({
                        "suggestion": key, "unit": lead, "role": "lead", "round": 1,
                        "state": "answered" if answered else ("pending" if n % 2 else "handling"),
                        "assigned_at": created, "due_date": due, "answer_category": category,
                        "answer": "已研究办理。" if answered else None, "answered_at": answered_at,
                        "on_time": answered_at.date() <= due if answered else None, "updated_at": created})
                    if n % 5 == 0:
                        co = units[(units.index(lead) + 1) % len(units)]
                        assignments.append({
                            "suggestion": key, "unit": co, "role": "co", "round": 1,
                            "state": "opinion" if answered else "handling", "assigned_at": created, "due_date": due,
                            "opinion": "同意主办单位意见。" if answered else None, "updated_at": created})
                    if category == "B":
                        promised.append((key, lead, created, n))
                returned = Assignment.insert_many(assignments).returning(
                    Assignment.id, Assignment.suggestion, Assignment.role).tuples()
                lead_of = {sid: aid for aid, sid, role in returned if role == "lead"}
                commitments = []
                for key, lead, created, n in promised:
                    for k in range(1 + n % 2):
                        due = (created + dt.timedelta(days=180 + 30 * k)).date()
                        state = ["open", "reported", "verified"][n % 3]
                        commitments.append({
                            "assignment": lead_of[key], "suggestion": key, "unit": lead, "what": f"承诺事项{k + 1}",
                            "due_date": due, "owner": "责任处室", "state": state,
                            "on_time": (n % 4 != 0) if state != "open" else None,
                            "reported_at": created + dt.timedelta(days=150) if state != "open" else None,
                            "created_at": created, "updated_at": created})
                if commitments:
                    Commitment.insert_many(commitments).execute()
            ids.extend(new)
            done += len(rows)
            print(f"\rseeded {done:,} suggestions in {time.perf_counter() - started:.0f} s", end="", flush=True)
        print(flush=True)
        for table in ("suggestion", "suggestion_assignment", "suggestion_commitment", "similarity_posting",
                      "similarity_document"):
            db.execute_sql(f"VACUUM ANALYZE {table}")
        for u in units:
            User.create(role="unit_user", username=f"bench-unit-{u}", display_name=f"承办单位{u}", unit=u)
        for d in deputies[:200]:
            User.create(role="deputy", username=f"bench-deputy-{d}", display_name=f"代表{d}", deputy=d)
        for n in range(1, 21):
            User.create(role="staff", username=f"bench-office-{n}", display_name=f"工作人员{n}")
        write_clients(path, rng, pool, topics)
    print(f"seeded {count:,} suggestions, {unit_count} units, 2,000 deputies in {time.perf_counter() - started:.0f} s")


def write_clients(path, rng, pool, topics):
    """The load generator's clients: every bench account signed in afresh (this instance's keys)."""
    from api.auth.models import User
    from api.auth.services import start_session
    from api.suggestions.models import Suggestion

    def token(user):
        return start_session(user, method="bench")["access_token"]

    def accounts(prefix):
        return list(User.select().where(User.username.startswith(prefix)).order_by(User.id))

    ids = [s for (s,) in Suggestion.select(Suggestion.id).tuples()]
    clients = {
        "units": [{"address": client_address(n), "token": token(u)}
                  for n, u in enumerate(accounts("bench-unit-"), 1)],
        "office": [{"address": client_address(10_000 + n), "token": token(u), "suggestion_ids": rng.sample(ids, 50)}
                   for n, u in enumerate(accounts("bench-office-"), 1)],
        "deputies": [{"address": client_address(20_000 + n), "token": token(u),
                      "drafts": [write(rng, rng.choice(pool), rng.choice(topics)) for _ in range(10)]}
                     for n, u in enumerate(accounts("bench-deputy-"), 1)],
    }
    Path(path).write_text(json.dumps(clients, ensure_ascii=False))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out")
    parser.add_argument("--suggestions", type=int, default=100_000)
    parser.add_argument("--units", type=int, default=300)
    parser.add_argument("--clients-only", action="store_true", help="seeded before: only sign the clients in")
    args = parser.parse_args(argv)
    seed(args.out, 0 if args.clients_only else args.suggestions, args.units)


if __name__ == "__main__":
    main()

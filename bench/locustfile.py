"""Load for `make bench`, run by locust in headless mode: one user is one keep-alive connection.

Every user class sends through the same client (FastHttpUser, no waiting) with the same headers a
reverse proxy adds, so the baseline and the subjects differ only in what the server does. Each
request comes from one of the clients in BENCH_CLIENTS (500 deputies with their own token and
address, written by bench/seed_feed.py), taken in turn.
"""
import itertools
import json
import os
import random
import time
import uuid

import gevent
from locust import FastHttpUser, constant, task

with open(os.environ["BENCH_CLIENTS"]) as _file:
    SEEDED = json.load(_file)
CLIENTS = SEEDED["clients"]
PAGES = SEEDED.get("feed_pages", 1)
PAGE_SIZE = SEEDED.get("page_size", 20)
NOTICE_IDS = SEEDED.get("notice_ids", [])
USERS = int(os.environ.get("BENCH_USERS", "32"))
_users = itertools.count()


class Client(FastHttpUser):
    abstract = True
    wait_time = constant(0)
    send_token = True

    def on_start(self):
        n = next(_users)
        self.random = random.Random(n)
        # Each connection starts at a different deputy, so together they rotate over all of them.
        start = n * len(CLIENTS) // USERS % len(CLIENTS)
        self.clients = itertools.cycle(CLIENTS[start:] + CLIENTS[:start])

    def call(self, path, name=None):
        client = next(self.clients)
        headers = {"X-Forwarded-For": client["address"]}
        if self.send_token and client.get("token"):
            headers["Authorization"] = f"Bearer {client['token']}"
        self.client.get(path, headers=headers, name=name or path)


class Ping(Client):
    """The baseline: the bare Flask app's one endpoint."""

    send_token = False

    @task
    def ping(self):
        self.call("/ping")


class Bytes(Ping):
    """The baseline for a subject that answers with an image: the same number of bytes (BENCH_BYTES) from memory."""

    @task
    def ping(self):
        self.call(f"/bytes/{int(os.environ.get('BENCH_BYTES', '0'))}", name="/bytes/SIZE")


class Healthz(Client):
    send_token = False

    @task
    def healthz(self):
        self.call("/healthz")


class Feed(Client):
    """A deputy paging through their notices."""

    @task
    def feed(self):
        page = self.random.randint(1, PAGES)
        self.call(f"/api/v1/notices/feed?page={page}&page_size={PAGE_SIZE}", name="/api/v1/notices/feed?page=N")


class DeputyMix(Client):
    """What a deputy's mini-program does: the feed, the unread badge, and opening a notice (marks it read)."""

    @task(4)
    def feed(self):
        page = self.random.randint(1, PAGES)
        self.call(f"/api/v1/notices/feed?page={page}&page_size={PAGE_SIZE}", name="/api/v1/notices/feed?page=N")

    @task(3)
    def unread_count(self):
        self.call("/api/v1/notices/feed/unread-count")

    @task(1)
    def detail(self):
        self.call(f"/api/v1/notices/feed/{self.random.choice(NOTICE_IDS)}", name="/api/v1/notices/feed/ID")


# --- constituent feedback (bench/feedback.py): BENCH_CLIENTS holds the phase's clients ---

FEEDBACK_CATEGORIES = ("城乡建设", "交通出行", "生态环境", "教育", "医疗卫生", "社会保障", "其他")
FEEDBACK_TEXTS = (
    "小区门口路灯坏了一个多月，晚上出行很不安全，希望尽快维修。",
    "公交站台的雨棚漏雨，候车的老人经常被淋湿。",
    "菜市场周边占道经营，垃圾堆放没人清理，气味难闻。",
    "夜间施工噪音扰民，影响居民休息，希望限制施工时间。",
)
STATION_IDS = SEEDED.get("station_ids", [])
# BENCH_RATE (requests/s in all): an offered load instead of "as fast as the connections allow", so
# latency is measured at that load (if the server keeps up). Each user waits an exponential time (mean
# USERS/RATE) between its arrivals and starts at a random moment: arrivals spread like independent people's.
# (Fixed pacing started all 32 users together and kept them in step: bursts of 32 requests at once.)
RATE = float(os.environ.get("BENCH_RATE", "0"))


class Paced(Client):
    abstract = True

    def on_start(self):
        super().on_start()
        if RATE:
            gevent.sleep(self.random.uniform(0, USERS / RATE))
            self._started = time.monotonic()

    def wait_time(self):
        """Until this user's next arrival: an exponential gap from the last one, less the time its answer
        took (so a slow answer does not lower the offered rate, as long as the server keeps up)."""
        if not RATE:
            return 0
        now = time.monotonic()
        started = getattr(self, "_started", now)
        self._started = max(now, started + self.random.expovariate(RATE / USERS))
        return self._started - now


class FeedbackIntake(Paced):
    """A constituent submitting a case from the mini-program (with an Idempotency-Key, as it retries)."""

    def on_start(self):
        super().on_start()
        # In turn, not at random: 320/s over 200 stations is 96 a minute each, under the 120 limit per station.
        start = self.random.randrange(len(STATION_IDS))
        self.stations = itertools.cycle(STATION_IDS[start:] + STATION_IDS[:start])

    @task
    def submit(self):
        client = next(self.clients)
        body = {
            "station_id": next(self.stations),
            "category": self.random.choice(FEEDBACK_CATEGORIES),
            "content": f"{self.random.choice(FEEDBACK_TEXTS)}（第{self.random.randint(1, 10**6)}号楼）",
        }
        headers = {"X-Forwarded-For": client["address"], "Authorization": f"Bearer {client['token']}",
                   "Idempotency-Key": uuid.uuid4().hex}  # unique across runs: a repeated key is a replay
        self.client.post("/api/v1/feedback/cases", json=body, headers=headers, name="/api/v1/feedback/cases POST")


INBOX_FILTERS = (
    "",
    "state=submitted",
    "state=forwarded&overdue=true",
    "category=交通出行",
    "created_from=2026-06-01&created_to=2026-06-30",
    "state=closed&state=rated&category=教育",
    "q=路灯",
)


class FeedbackInbox(Paced):
    """Station staff working their inbox: a filtered first page (3) and the per-state counts (1)."""

    @task(3)
    def page(self):
        query = self.random.choice(INBOX_FILTERS)
        self.call(f"/api/v1/feedback/cases?page_size=20&{query}", name="/api/v1/feedback/cases?filters")

    @task(1)
    def counts(self):
        query = self.random.choice(INBOX_FILTERS)
        self.call(f"/api/v1/feedback/cases/counts?{query}", name="/api/v1/feedback/cases/counts?filters")


class FeedbackSimilar(Paced):
    """Station staff opening a case and asking for its likely duplicates among the station's open cases."""

    @task
    def similar(self):
        client = next(self.clients)
        headers = {"X-Forwarded-For": client["address"], "Authorization": f"Bearer {client['token']}"}
        case_id = self.random.choice(client["case_ids"])
        self.client.get(f"/api/v1/feedback/cases/{case_id}/similar", headers=headers,
                        name="/api/v1/feedback/cases/ID/similar")


# --- deputy suggestions (bench/suggestions.py): BENCH_CLIENTS holds {"clients": [...]} of the phase ---


class SuggestionUnitDesk(Paced):
    """A unit's desk: its queue's first page (3), the queue counts (1), its own figures (1) and its place in
    the ranking (1)."""

    @task(3)
    def queue(self):
        self.call("/api/v1/suggestions/assignments?page_size=20", name="/api/v1/suggestions/assignments")

    @task(1)
    def counts(self):
        self.call("/api/v1/suggestions/assignments/counts")

    @task(1)
    def figures(self):
        self.call("/api/v1/suggestions/stats/units")

    @task(1)
    def ranking(self):
        self.call("/api/v1/suggestions/stats/ranking")


class SuggestionOfficeStats(Paced):
    """The office's statistics: per unit (2), the ranking (1), per delegation (1), per deputy's first page of
    figures (the whole list) (1)."""

    @task(2)
    def units(self):
        self.call("/api/v1/suggestions/stats/units")

    @task(1)
    def ranking(self):
        self.call("/api/v1/suggestions/stats/ranking")

    @task(1)
    def delegations(self):
        self.call("/api/v1/suggestions/stats/delegations")


class SuggestionRouting(Paced):
    """Staff opening a suggestion's suggested units (1), and deputies running the self-check with its
    duplicate search on a draft (1). BENCH_CLIENTS holds office clients (with suggestion ids) and deputies
    (with drafts), told apart by what they carry."""

    def on_start(self):
        super().on_start()
        self.office = itertools.cycle([c for c in CLIENTS if "suggestion_ids" in c])
        self.deputies = itertools.cycle([c for c in CLIENTS if "drafts" in c])

    @task(1)
    def units(self):
        client = next(self.office)
        headers = {"X-Forwarded-For": client["address"], "Authorization": f"Bearer {client['token']}"}
        sid = self.random.choice(client["suggestion_ids"])
        self.client.get(f"/api/v1/suggestions/{sid}/unit-suggestions", headers=headers,
                        name="/api/v1/suggestions/ID/unit-suggestions")

    @task(1)
    def self_check(self):
        client = next(self.deputies)
        headers = {"X-Forwarded-For": client["address"], "Authorization": f"Bearer {client['token']}"}
        draft = self.random.choice(client["drafts"])
        body = {key: draft[key] for key in ("title", "problem", "cause", "proposal")}
        self.client.post("/api/v1/suggestions/self-check", json=body, headers=headers,
                         name="/api/v1/suggestions/self-check POST")


# --- briefing page images (bench/pages.py): BENCH_CLIENTS holds the signed page links ---

PAGE_LINKS = SEEDED.get("page_links", [])


class PageImages(Client):
    """A deputy paging through a paper: each signed page-image link in turn, images cached after the first render."""

    send_token = False  # the link is the credential, as an <image> tag sends it

    def on_start(self):
        super().on_start()
        start = self.random.randrange(len(PAGE_LINKS)) if PAGE_LINKS else 0
        self.links = itertools.cycle(PAGE_LINKS[start:] + PAGE_LINKS[:start])

    @task
    def page(self):
        self.call(next(self.links), name="/api/v1/briefings/pages/TOKEN")
# --- learning (bench/learning.py): BENCH_CLIENTS holds deputies with a course and an open study session ---


class LearningCatalogue(Client):
    """A deputy browsing: the library's first page, a category, the course list and a course page."""

    @task(3)
    def library(self):
        self.call("/api/v1/materials/library", name="/api/v1/materials/library")

    @task(2)
    def category(self):
        self.call("/api/v1/materials/library?category=%E6%B3%95%E5%BE%8B%E6%B3%95%E8%A7%84",
                  name="/api/v1/materials/library?category=C")

    @task(2)
    def courses(self):
        self.call("/api/v1/materials/library/courses")

    @task(3)
    def course(self):
        client = next(self.clients)
        self.client.get(f"/api/v1/materials/library/courses/{self.random.choice(client['course_ids'])}",
                        headers={"X-Forwarded-For": client["address"], "Authorization": f"Bearer {client['token']}"},
                        name="/api/v1/materials/library/courses/ID")


class LearningHeartbeat(Client):
    """Deputies studying: each heartbeat names the deputy's open session and material."""

    @task
    def beat(self):
        client = next(self.clients)
        self.client.post(
            "/api/v1/materials/heartbeats",
            json={"session": client["session"], "material_id": client["material_id"], "position": "p", "percent": 50},
            headers={"X-Forwarded-For": client["address"], "Authorization": f"Bearer {client['token']}"},
            name="/api/v1/materials/heartbeats",
        )

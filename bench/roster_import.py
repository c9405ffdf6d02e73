"""Deputy roster import: a 5,000-row .xlsx through the real endpoint on a fresh SQLite database.

    .venv/bin/python bench/roster_import.py [--rows 5000] [--bad 50]

Steps, each timed: a bare openpyxl read of the file (the floor: no import can be faster than reading
it), the clean import (all created), the same file again (all unchanged), a file with about one row in
ten changed (updated), a file with bad rows (422: every bad row reported, nothing changed), then the
export and the import of that export (all unchanged: masked phones mean "keep the one on record").
Exit status 1 if any step does not give the expected result.
"""
from __future__ import annotations

import argparse
import io
import os
import random
import secrets
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from openpyxl import Workbook, load_workbook  # noqa: E402

HEADERS = ["代表编号", "姓名", "性别", "代表团", "届次", "状态", "界别/行业", "基层代表", "工作单位", "职务", "手机号",
           "代表小组", "联络站", "专业领域"]
DISTRICTS = ["鼓楼区", "台江区", "仓山区", "晋安区", "马尾区", "长乐区",
             "福清市", "闽侯县", "连江县", "罗源县", "闽清县", "永泰县"]
FIELDS = ["法律", "经济", "教育", "医疗卫生", "农业农村", "生态环境", "城乡建设", "科技", "文化旅游", "社会保障"]
SECTORS = ["工人", "农民", "专业技术人员", "企业负责人", "党政干部", "教育工作者"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余于杜叶程魏苏吕丁任卢"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰建国志红海燕晓东振宇文斌春梅佳怡子涵思远"
STATIONS = [f"{d}第{n}代表联络站" for d in DISTRICTS for n in (1, 2)]
GROUPS = [f"{d}第{n}代表小组" for d in DISTRICTS for n in (1, 2)]


def roster_rows(count, seed=2026):
    rng = random.Random(seed)
    rows = []
    for n in range(1, count + 1):
        district = rng.randrange(len(DISTRICTS))
        rows.append([
            f"BJ-{n:05d}",
            rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2)))),
            rng.choice(("男", "女")),
            f"{DISTRICTS[district]}代表团",
            17,
            "在任" if rng.random() > 0.02 else "终止",
            rng.choice(SECTORS),
            "是" if rng.random() < 0.35 else "否",
            f"{DISTRICTS[district]}{rng.choice('东南西北')}街道社区",
            rng.choice(("", "主任", "书记", "经理")),
            f"13{n % 7 + 3}{n:08d}",
            GROUPS[district * 2 + rng.randrange(2)],
            "、".join(rng.sample(STATIONS[district * 2:district * 2 + 2], rng.choice((1, 1, 2)))),
            "、".join(rng.sample(FIELDS, rng.choice((1, 2)))),
        ])
    return rows


def with_changes(rows, every=10):
    changed = [list(row) for row in rows]
    for row in changed[::every]:
        row[9] = "副主任"
    return changed


def with_bad_rows(rows, bad, seed=7):
    """`bad` rows spoiled in five different ways; returns (rows, spoiled line numbers)."""
    rng = random.Random(seed)
    spoiled = [list(row) for row in rows]
    picks = sorted(rng.sample(range(1, len(rows)), bad))
    for i, index in enumerate(picks):
        row = spoiled[index]
        kind = i % 5
        if kind == 0:
            row[10] = "1234"
        elif kind == 1:
            row[2] = "未知"
        elif kind == 2:
            row[12] = "不存在的联络站"
        elif kind == 3:
            row[0] = spoiled[0][0]  # duplicate of the first row's code
        else:
            row[1] = ""
    return spoiled, {index + 2 for index in picks}


def xlsx_bytes(rows):
    book = Workbook(write_only=True)
    sheet = book.create_sheet("代表名册")
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def bare_read(data):
    book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    count = sum(1 for _ in book.worksheets[0].iter_rows(values_only=True))
    book.close()
    return count


def make_app(instance):
    from api import create_app

    app = create_app("testing", instance_path=instance, RATELIMIT_ENABLED=False)
    with app.app_context():
        from api.common.migrate import upgrade
        from api.extensions import db
        from api.org.models import Congress, Station

        db.connect(reuse_if_open=True)
        upgrade()
        Congress.create(name="福州市人民代表大会常务委员会", level="municipal", current_term=17, is_own=True)
        Station.insert_many([{"name": name} for name in STATIONS]).execute()
        db.close()
    return app


def staff_token(app):
    from api.auth.services import create_password_user, start_session
    from api.extensions import db

    with app.app_context():
        db.connect(reuse_if_open=True)
        password = secrets.token_urlsafe(16)
        user = create_password_user(username="bench-staff", display_name="压测员", role="staff", password=password)
        token = start_session(user, method="bench")["access_token"]
        db.close()
    return token


def snapshot(app):
    from api.deputies.models import Deputy
    from api.extensions import db

    with app.app_context():
        db.connect(reuse_if_open=True)
        columns = (Deputy.code, Deputy.title, Deputy.phone_hash, Deputy.updated_at)
        rows = list(Deputy.select(*columns).order_by(Deputy.code).tuples())
        db.close()
    return rows


def timed(func):
    started = time.perf_counter()
    value = func()
    return time.perf_counter() - started, value


def run_steps(instance, options, rows, clean, changed, spoiled, spoiled_lines):
    app = make_app(instance)
    headers = {"Authorization": f"Bearer {staff_token(app)}"}
    client = app.test_client()

    def upload(data, query="?create_missing=true"):
        return client.post(
            f"/api/v1/deputies/import{query}",
            data={"file": (io.BytesIO(data), "代表名册.xlsx")},
            content_type="multipart/form-data",
            headers=headers,
        )

    results, failures = [], []

    def step(name, func, check):
        seconds, response = timed(func)
        ok, summary = check(response)
        results.append((name, seconds, summary, ok))
        if not ok:
            failures.append(name)

    bare_read(clean)  # warm-up: the first read also pays for openpyxl's lazy set-up
    step("openpyxl read only (baseline)", lambda: bare_read(clean),
         lambda n: (n == options.rows + 1, f"{n - 1} rows"))
    step("clean import", lambda: upload(clean), expect(200, created=options.rows))
    step("same file again", lambda: upload(clean), expect(200, unchanged=options.rows))
    before_changes = snapshot(app)
    step("one row in ten changed", lambda: upload(changed), expect(200, updated=len(rows[::10])))
    after_changes = snapshot(app)
    if before_changes == after_changes:
        failures.append("changes were not written")
    step(f"{options.bad} bad rows", lambda: upload(spoiled), expect_rejected(spoiled_lines))
    if snapshot(app) != after_changes:
        failures.append("a rejected import changed the database")
        results.append(("rejected import left the data alone", 0.0, "NO", False))
    exported = {}

    def export():
        response = client.get("/api/v1/deputies/export", headers=headers)
        exported["data"] = response.data
        return response

    step("export (masked)", export, lambda r: (r.status_code == 200, f"HTTP {r.status_code}, {len(r.data)} bytes"))
    step("import of that export", lambda: upload(exported["data"], ""), expect(200, unchanged=options.rows))
    return results, failures


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--bad", type=int, default=50)
    options = parser.parse_args(argv)

    rows = roster_rows(options.rows)
    clean = xlsx_bytes(rows)
    changed = xlsx_bytes(with_changes(rows))
    spoiled_rows, spoiled_lines = with_bad_rows(rows, options.bad)
    spoiled = xlsx_bytes(spoiled_rows)

    with tempfile.TemporaryDirectory(prefix="deputyhub-bench-") as instance:
        try:
            results, failures = run_steps(instance, options, rows, clean, changed, spoiled, spoiled_lines)
        finally:
            # The embedded Redis outlives this process unless told to stop, and its folder is about to go.
            from api.common.redis import stop_embedded_redis

            stop_embedded_redis(os.path.join(instance, "redis"))

    baseline = results[0][1]
    print(f"\nroster import, {options.rows} rows, SQLite, through POST /api/v1/deputies/import")
    print(f"{'step':<32}{'seconds':>9}{'× read':>9}  result")
    for name, seconds, summary, ok in results:
        print(f"{name:<32}{seconds:>9.2f}{seconds / baseline:>9.1f}  {summary}{'' if ok else '  ← FAILED'}")
    if failures:
        print("FAILED: " + ", ".join(failures))
        return 1
    return 0


def expect(status, **counts):
    def check(response):
        body = response.get_json()
        if response.status_code != status:
            return False, f"HTTP {response.status_code}: {body.get('message')}"
        ok = all(body.get(key) == value for key, value in counts.items())
        return ok, f"created {body['created']}, updated {body['updated']}, unchanged {body['unchanged']}"

    return check


def expect_rejected(lines):
    def check(response):
        body = response.get_json()
        reported = {row["line"] for row in (body.get("errors") or {}).get("rows", [])}
        ok = response.status_code == 422 and reported == lines
        return ok, f"HTTP {response.status_code}, {len(reported)} of {len(lines)} bad rows reported"

    return check


if __name__ == "__main__":
    sys.exit(main())

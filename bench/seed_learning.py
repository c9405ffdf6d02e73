"""Seed the learning bench: deputies in 12 delegations with their own tokens, a library aimed at different
audiences (everyone, one delegation, several), and courses over it.

    python bench/seed_learning.py CLIENTS_JSON [--deputies 1000]   # in the instance's environment

Writes CLIENTS_JSON for the load generator: each deputy's token, address, and the course and material
they can open (bench/learning.py adds each one's study session after opening it).
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.seed_feed import client_address  # noqa: E402

DELEGATIONS = 12
MATERIALS_FOR_ALL = 20
MATERIALS_PER_DELEGATION = 3
CATEGORIES = ("政治理论", "法律法规", "履职知识", "专题", "其他")


def main(path, count):
    from api import create_app
    from api.auth.models import User
    from api.auth.services import start_session
    from api.common.db import utcnow
    from api.deputies.models import Deputy
    from api.extensions import db
    from api.materials import services
    from api.materials.models import Course, Lesson, Material
    from api.org.models import Delegation

    app = create_app()
    with app.app_context(), db.connection_context():
        delegations = [Delegation.create(name=f"学习代表团{n}") for n in range(1, DELEGATIONS + 1)]
        now = utcnow()
        with db.atomic():
            Deputy.insert_many([
                {"code": f"LB{n:05d}", "name": f"代表{n}", "gender": "女", "term": 17,
                 "delegation": delegations[n % DELEGATIONS].id, "created_at": now, "updated_at": now}
                for n in range(1, count + 1)
            ]).execute()
            users = [User.create(role="deputy", display_name=d.name, deputy=d)
                     for d in Deputy.select().order_by(Deputy.id)]
        staff = User.create(role="staff", display_name="工作人员", username="bench-learning-staff")
        audiences = [{"all": True}] * MATERIALS_FOR_ALL + [
            {"delegation_ids": [d.id]} for d in delegations for _ in range(MATERIALS_PER_DELEGATION)
        ]
        materials = []
        body = "<p>" + "宪法是国家的根本法，具有最高的法律效力。" * 40 + "</p>"
        for n, audience in enumerate(audiences, start=1):
            material = Material.create(
                title=f"学习资料第{n}篇", kind="article", category=CATEGORIES[n % len(CATEGORIES)], tags=["学习"],
                summary="代表履职学习资料", body=body, estimated_minutes=10, audience=audience, pinned=n <= 2,
                created_by=staff.id,
            )
            services.publish_material(material, staff)
            materials.append(material)
        courses = []
        for n, audience in enumerate([{"all": True}, {"all": True}] + [
            {"delegation_ids": [d.id for d in delegations[k::4]]} for k in range(4)
        ], start=1):
            course = Course.create(title=f"履职学习课程{n}", category="履职知识", syllabus="一、总论\n二、分论",
                                   audience=audience, required=n <= 2, due_date=now.date(), created_by=staff.id)
            Lesson.insert_many([
                {"course": course.id, "position": p, "title": f"第{p}课", "material": materials[(n * 3 + p) % 20].id,
                 "estimated_minutes": 10}
                for p in range(1, 6)
            ]).execute()
            services.publish_course(course, staff)
            courses.append(course)
        all_courses = [c.id for c in courses[:2]]
        clients = [
            {"address": client_address(n), "token": start_session(user, method="bench")["access_token"],
             "course_ids": all_courses, "material_id": materials[n % MATERIALS_FOR_ALL].id}
            for n, user in enumerate(users, start=1)
        ]
    Path(path).write_text(json.dumps({"clients": clients}))
    print(f"seeded {len(materials)} materials and {len(courses)} courses for {count} deputies, {count} tokens")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("clients")
    parser.add_argument("--deputies", type=int, default=1000)
    arguments = parser.parse_args()
    main(arguments.clients, arguments.deputies)

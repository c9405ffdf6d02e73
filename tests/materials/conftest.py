"""Helpers for learning tests: staff and deputy clients, materials and courses built through the API."""
import pytest

from tests import factories
from tests.support import create_and_publish

URL = "/api/v1/materials"


@pytest.fixture
def staff(login_as):
    return login_as("staff")


@pytest.fixture
def as_deputy(login_as):
    """as_deputy(deputy) → a client signed in as that deputy."""
    clients = {}

    def client(deputy):
        if deputy.id not in clients:  # one account per deputy
            clients[deputy.id] = login_as("deputy", deputy=deputy)
        return clients[deputy.id]

    return client


def article(**fields):
    return {"title": "宪法学习要点", "kind": "article", "category": "法律法规", "body": "<p>正文</p>",
            "estimated_minutes": 1, "audience": {"all": True}, **fields}


@pytest.fixture
def create_material(staff):
    def create(publish=True, **fields):
        return create_and_publish(staff, f"{URL}/items", article(**fields), publish)

    return create


@pytest.fixture
def create_course(staff, create_material):
    """create_course(lessons=2, **fields) → a published course over freshly published materials."""

    def create(lessons=2, publish=True, **fields):
        materials = [create_material(title=f"第{i}课资料") for i in range(1, lessons + 1)]
        body = {"title": "新任代表履职学习", "category": "履职知识", "audience": {"all": True},
                "lessons": [{"title": f"第{i}课", "material_id": m["id"]} for i, m in enumerate(materials, 1)],
                **fields}
        return create_and_publish(staff, f"{URL}/courses", body, publish)

    return create


def deputies(count, **fields):
    return [factories.deputy(**fields) for _ in range(count)]

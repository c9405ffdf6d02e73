"""Studying: heartbeats and their credit bounds, resuming across devices, completion and its events."""
import pytest

from api.common.events import PerformanceEvent
from api.extensions import redis_store
from tests.materials.conftest import URL, deputies
from tests.support import assert_error_shape


@pytest.fixture
def reader(as_deputy):
    (someone,) = deputies(1)
    return someone, as_deputy(someone)


def rewind(deputy_id, seconds):
    """As if the last credited beat was `seconds` earlier: tests do not sleep."""
    key = f"learn:open:{deputy_id}"
    redis_store.hset(key, "last", int(redis_store.hget(key, "last")) - seconds * 1000)


def beat(client, session, material_id, **fields):
    return client.post(f"{URL}/heartbeats", json={"session": session, "material_id": material_id, **fields})


def test_a_heartbeat_credits_the_time_since_the_last_one(reader, create_material):
    deputy, client = reader
    material = create_material()
    session = client.post(f"{URL}/library/{material['id']}/open").get_json()["session"]
    rewind(deputy.id, 30)
    assert beat(client, session, material["id"], position="p3", percent=40).get_json() == {"credited": 30}
    state = client.get(f"{URL}/library/{material['id']}").get_json()["progress"]
    assert (state["credited_seconds"], state["position"], state["percent"]) == (30, "p3", 40)


def test_no_credit_for_an_impossible_rate(reader, create_material):
    deputy, client = reader
    material = create_material()
    session = client.post(f"{URL}/library/{material['id']}/open").get_json()["session"]
    rewind(deputy.id, 3)  # sooner than LEARNING_HEARTBEAT_MIN_SECONDS
    assert beat(client, session, material["id"]).get_json() == {"credited": 0}
    assert beat(client, session, material["id"]).get_json() == {"credited": 0}
    rewind(deputy.id, 10)  # the clock did not move for the refused beats: 3 + 10 seconds since the last credit
    assert beat(client, session, material["id"]).get_json() == {"credited": 13}


def test_a_long_gap_earns_at_most_the_maximum(reader, create_material, app):
    deputy, client = reader
    material = create_material()
    session = client.post(f"{URL}/library/{material['id']}/open").get_json()["session"]
    rewind(deputy.id, 8 * 3600)
    assert beat(client, session, material["id"]).get_json() == {"credited": app.config["LEARNING_HEARTBEAT_MAX_CREDIT"]}


def test_no_credit_for_parallel_sessions(reader, create_material):
    deputy, client = reader
    first, second = create_material(), create_material(title="另一份")
    phone = client.post(f"{URL}/library/{first['id']}/open").get_json()["session"]
    laptop = client.post(f"{URL}/library/{second['id']}/open").get_json()["session"]
    rewind(deputy.id, 30)
    assert_error_shape(beat(client, phone, first["id"]), 409)  # replaced by the later session
    assert beat(client, laptop, second["id"]).get_json() == {"credited": 30}


def test_no_credit_for_content_that_is_not_open(reader, create_material):
    deputy, client = reader
    opened, other = create_material(), create_material(title="另一份")
    assert_error_shape(beat(client, "nothing-open", opened["id"]), 409)
    session = client.post(f"{URL}/library/{opened['id']}/open").get_json()["session"]
    rewind(deputy.id, 30)
    assert_error_shape(beat(client, session, other["id"]), 409)
    assert client.get(f"{URL}/library/{other['id']}").get_json()["progress"]["credited_seconds"] == 0


def test_resuming_on_another_device(reader, create_material, app):
    deputy, client = reader
    material = create_material()
    session = client.post(f"{URL}/library/{material['id']}/open").get_json()["session"]
    rewind(deputy.id, 20)
    beat(client, session, material["id"], position="page-7", percent=35)
    # Another device: a new sign-in of the same account (same user, new session).
    from api.auth.services import start_session
    from tests.support import ApiClient

    tokens = start_session(client.user, method="test")
    other = ApiClient(app.test_client(), token=tokens["access_token"], user=client.user)
    resumed = other.post(f"{URL}/library/{material['id']}/open").get_json()
    assert (resumed["position"], resumed["percent"], resumed["credited_seconds"]) == ("page-7", 35, 20)
    assert resumed["session"] != session


def test_completion_needs_enough_credited_time(reader, create_material, app):
    deputy, client = reader
    material = create_material(estimated_minutes=2)  # needs 0.6 × 120 s = 72 s
    session = client.post(f"{URL}/library/{material['id']}/open").get_json()["session"]
    rewind(deputy.id, 60)
    beat(client, session, material["id"])
    body = assert_error_shape(client.post(f"{URL}/library/{material['id']}/complete"), 422)
    assert body["errors"]["required_seconds"] == [72]
    rewind(deputy.id, 15)
    beat(client, session, material["id"])
    done = client.post(f"{URL}/library/{material['id']}/complete")
    assert done.status_code == 200, done.get_json()
    (event,) = PerformanceEvent.select().where(PerformanceEvent.deputy_id == deputy.id)
    assert (event.kind, event.object_type, event.object_id) == ("learning.complete", "material", material["id"])
    assert event.payload["title"] == material["title"]
    # Completing again keeps the one event.
    assert client.post(f"{URL}/library/{material['id']}/complete").status_code == 200
    assert PerformanceEvent.select().count() == 1


def test_completion_share_is_configurable(reader, create_material, app):
    app.config["LEARNING_COMPLETION_SHARE"] = 0.0
    _, client = reader
    material = create_material()
    assert client.post(f"{URL}/library/{material['id']}/complete").status_code == 200


def study(client, deputy, material_id, seconds=60):
    session = client.post(f"{URL}/library/{material_id}/open").get_json()["session"]
    rewind(deputy.id, seconds)
    assert beat(client, session, material_id).status_code == 200
    response = client.post(f"{URL}/library/{material_id}/complete")
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_finishing_every_lesson_completes_the_course(reader, create_course):
    deputy, client = reader
    course = create_course(lessons=2)
    first, second = (lesson["material_id"] for lesson in course["lessons"])
    assert study(client, deputy, first)["courses_completed"] == []
    mine = client.get(f"{URL}/my/courses").get_json()
    assert (mine[0]["lessons_done"], mine[0]["completed_at"]) == (1, None)
    assert study(client, deputy, second)["courses_completed"] == [course["id"]]
    kinds = {(e.object_type, e.object_id) for e in PerformanceEvent.select()}
    assert ("course", course["id"]) in kinds and len(kinds) == 3
    assert client.get(f"{URL}/my/courses").get_json()[0]["completed_at"]


def test_heartbeats_are_counted(reader, create_material):
    deputy, client = reader
    material = create_material()
    session = client.post(f"{URL}/library/{material['id']}/open").get_json()["session"]
    for _ in range(5):
        assert beat(client, session, material["id"]).status_code == 200
    from api.materials.heartbeats import flush_pending
    from api.materials.models import Progress

    assert Progress.get(Progress.deputy == deputy.id).heartbeats == 0  # buffered in Redis so far
    assert flush_pending() == 1  # the minute's job
    assert Progress.get(Progress.deputy == deputy.id).heartbeats == 5
    assert flush_pending() == 0


def test_buffered_beats_survive_a_failed_database_write(reader, create_material, monkeypatch):
    from api.materials import heartbeats
    from api.materials.models import Progress

    deputy, client = reader
    material = create_material()
    session = client.post(f"{URL}/library/{material['id']}/open").get_json()["session"]
    rewind(deputy.id, 30)
    beat(client, session, material["id"], position="p9", percent=60)
    beat(client, session, material["id"], position="p10", percent=20)  # the latest place, the best share

    def refuse(*args, **kwargs):
        raise RuntimeError("database away")

    with monkeypatch.context() as patched:
        patched.setattr(Progress, "update", refuse)
        with pytest.raises(RuntimeError):
            heartbeats.flush_pending()
    assert heartbeats.flush_pending() == 1
    row = Progress.get(Progress.deputy == deputy.id)
    assert (row.heartbeats, row.credited_seconds, row.position, row.percent) == (2, 30, "p10", 60)

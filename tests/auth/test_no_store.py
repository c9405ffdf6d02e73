"""Issue 8, item 22: responses carrying credentials or unmasked personal data say `Cache-Control: no-store`."""
import threading

import pytest

from api.auth.passwords import hashing_slot
from tests import factories
from tests.auth.helpers import wechat_login
from tests.support import TEST_PASSWORD, assert_error_shape, make_user


def no_store(response):
    return "no-store" in response.headers.get("Cache-Control", "")


def test_sign_in_and_refresh_answers_are_not_stored(client):
    user = make_user("staff")
    signed_in = client.post("/api/v1/auth/login", json={"username": user.username, "password": TEST_PASSWORD})
    assert signed_in.status_code == 200 and no_store(signed_in)
    refreshed = client.post("/api/v1/auth/refresh", json={"refresh_token": signed_in.get_json()["refresh_token"]})
    assert refreshed.status_code == 200 and no_store(refreshed)


def test_wechat_sign_in_is_not_stored(client, standin):
    response, _ = wechat_login(client, standin)
    assert response.status_code == 200 and no_store(response)


def test_the_contact_read_and_the_unmasked_export_are_not_stored(login_as):
    deputy = factories.deputy(phone="13912345678")
    staff = login_as("staff")
    contact = staff.get(f"/api/v1/deputies/{deputy.id}/contact")
    assert contact.status_code == 200 and no_store(contact)
    export = staff.get("/api/v1/deputies/export?unmasked=true")
    assert export.status_code == 200 and no_store(export)


def test_ordinary_reads_stay_cacheable_by_the_client(login_as):
    staff = login_as("staff")
    assert not no_store(staff.get("/api/v1/org/stations"))


# Memory: argon2 holds ARGON2_MEMORY_KIB per hash, so hashing is bounded per process.


def test_hash_cost_comes_from_the_settings(app):
    from api.auth.passwords import hash_password, needs_rehash

    app.config.update(ARGON2_TIME_COST=1, ARGON2_MEMORY_KIB=8192, ARGON2_PARALLELISM=1)
    stored = hash_password("a-password-of-some-length")
    assert "m=8192,t=1,p=1" in stored and not needs_rehash(stored)
    app.config.update(ARGON2_MEMORY_KIB=16384)
    assert needs_rehash(stored)


@pytest.mark.parametrize("concurrency", [1, 2])
def test_sign_ins_beyond_the_hashing_slots_wait_then_get_503(app, client, concurrency):
    app.config.update(PASSWORD_HASH_CONCURRENCY=concurrency, PASSWORD_HASH_WAIT_SECONDS=0.2)
    user = make_user("staff")
    held, release = threading.Barrier(concurrency + 1), threading.Event()

    def hold():
        with app.app_context(), hashing_slot():
            held.wait()
            release.wait(10)

    holders = [threading.Thread(target=hold) for _ in range(concurrency)]
    for thread in holders:
        thread.start()
    held.wait()
    try:
        busy = client.post("/api/v1/auth/login", json={"username": user.username, "password": TEST_PASSWORD})
        assert_error_shape(busy, 503)
        assert busy.headers["Retry-After"]
    finally:
        release.set()
        for thread in holders:
            thread.join()
    again = client.post("/api/v1/auth/login", json={"username": user.username, "password": TEST_PASSWORD})
    assert again.status_code == 200

"""Tiny factories and an HTTP client that carries a bearer token."""
import itertools

from api.auth.models import User, UserStation
from api.auth.passwords import hash_password

_counter = itertools.count(1)
TEST_PASSWORD = "correct-horse-battery"
_hash_cache = {}


class ApiClient:
    def __init__(self, flask_client, token=None, user=None, tokens=None):
        self.flask_client = flask_client
        self.token = token
        self.user = user
        self.tokens = tokens

    def _headers(self, headers):
        merged = dict(headers or {})
        if self.token:
            merged.setdefault("Authorization", f"Bearer {self.token}")
        return merged

    def open(self, method, url, headers=None, **kwargs):
        return self.flask_client.open(url, method=method, headers=self._headers(headers), **kwargs)

    def get(self, url, **kwargs):
        return self.open("GET", url, **kwargs)

    def post(self, url, **kwargs):
        return self.open("POST", url, **kwargs)

    def put(self, url, **kwargs):
        return self.open("PUT", url, **kwargs)

    def patch(self, url, **kwargs):
        return self.open("PATCH", url, **kwargs)

    def delete(self, url, **kwargs):
        return self.open("DELETE", url, **kwargs)


def make_user(role, stations=(), password=TEST_PASSWORD, **attributes):
    n = next(_counter)
    attributes.setdefault("username", f"{role}{n}")
    attributes.setdefault("display_name", f"测试{role}{n}")
    if password and password not in _hash_cache:
        _hash_cache[password] = hash_password(password)  # argon2 is slow on purpose; hash once per run
    user = User.create(role=role, password_hash=_hash_cache.get(password), **attributes)
    for station in stations:
        UserStation.create(user=user, station=station)
    return user


def truncate_all(db):
    from api.common.migrate import all_models

    tables = ", ".join(f'"{model._meta.table_name}"' for model in all_models())
    db.execute_sql(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")


def create_and_publish(client, collection_url, body, publish=True):
    """POST `body` to a collection (201), then, if asked, POST to the new item's /publish (200): its JSON."""
    response = client.post(collection_url, json=body)
    assert response.status_code == 201, response.get_json()
    created = response.get_json()
    if publish:
        response = client.post(f"{collection_url}/{created['id']}/publish")
        assert response.status_code == 200, response.get_json()
        created = response.get_json()
    return created


def assert_error_shape(response, status):
    assert response.status_code == status, response.get_data(as_text=True)
    body = response.get_json()
    assert body["code"] == status
    assert isinstance(body["status"], str)
    assert isinstance(body["message"], str) and any("\u4e00" <= ch <= "\u9fff" for ch in body["message"])
    assert "Traceback" not in response.get_data(as_text=True)
    return body


def assert_permitted(response, role, allowed, success):
    """One cell of a permission matrix: nobody → 401, an allowed role → `success`, anyone else → 403."""
    if role == "anonymous":
        assert_error_shape(response, 401)
    elif role in allowed:
        assert response.status_code == success, response.get_data(as_text=True)
    else:
        assert_error_shape(response, 403)

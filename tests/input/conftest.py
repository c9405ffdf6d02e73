import pytest

from tests.notices.conftest import as_deputy, create_notice, publish_notice, staff  # noqa: F401 - shared fixtures


@pytest.fixture
def admin(login_as):
    return login_as("admin")

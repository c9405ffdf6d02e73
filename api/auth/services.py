"""Account creation and sign-in flows."""
from api.auth.models import User
from api.auth.passwords import hash_password


def create_password_user(username, display_name, role, password, unit=None):
    return User.create(
        username=username, display_name=display_name, role=role, password_hash=hash_password(password), unit=unit
    )

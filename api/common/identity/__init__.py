"""Identity primitives every domain may import: who is asking, their access tokens, and revocation.

They import no domain. The auth domain builds sign-in, accounts and refresh tokens on top of them.
"""
from api.common.identity import models  # noqa: F401 - registers the revocation tables for migrations and tests

"""The principal: who a verified access token says is asking, and in which scope."""
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Principal:
    user_id: int
    role: str
    session_id: str
    deputy_id: int | None = None
    unit_id: int | None = None
    station_ids: tuple = field(default_factory=tuple)
    # Every deputy seat the account holds (one per congress); `deputy_id` is the primary one among them.
    deputy_ids: tuple = field(default_factory=tuple)

    @classmethod
    def from_claims(cls, claims):
        """From claims that `tokens.decode_access_token` has already checked field by field."""
        scope = claims["scope"]
        return cls(
            user_id=int(claims["sub"]),
            role=claims["role"],
            session_id=claims["sid"],
            deputy_id=scope.get("deputy_id"),
            unit_id=scope.get("unit_id"),
            station_ids=tuple(scope.get("station_ids") or ()),
            deputy_ids=tuple(scope.get("deputy_ids") or ((scope["deputy_id"],) if scope.get("deputy_id") else ())),
        )

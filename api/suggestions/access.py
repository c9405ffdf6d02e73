"""Who sees which suggestions: the object scope behind the permission table's `suggestions:*` rows.

- the office (admin, staff): every suggestion;
- a deputy: the suggestions they lead, and those they were invited to co-sign;
- a handling unit: the suggestions assigned to it (in any round, unless the assignment was withdrawn),
  and of those only its own assignments and, when it leads, its co-units' opinions; never another
  unit's suggestion;
- everyone signed in: published answers, through the public search only.

Anything outside the caller's scope is 404, as if it did not exist.
"""
from api.common.errors import Forbidden, NotFound
from api.common.permissions import DEPUTY, OFFICE, UNIT_USER
from api.suggestions.models import A_WITHDRAWN, CO, Assignment, Commitment, Cosigner, Suggestion


def _deputies(principal):
    return list(principal.deputy_ids) or [0]


def unit_assignments(principal):
    return Assignment.select(Assignment.suggestion).where(
        Assignment.unit == (principal.unit_id or 0), Assignment.state != A_WITHDRAWN
    )


def scope_condition(principal):
    role = principal.role
    if role in OFFICE:
        return Suggestion.id > 0
    if role == DEPUTY:
        invited = Cosigner.select(Cosigner.suggestion).where(Cosigner.deputy.in_(_deputies(principal)))
        return Suggestion.deputy.in_(_deputies(principal)) | Suggestion.id.in_(invited)
    if role == UNIT_USER:
        return Suggestion.id.in_(unit_assignments(principal))
    return Suggestion.id < 0


def assignment_condition(principal):
    role = principal.role
    if role in OFFICE:
        return Assignment.id > 0
    if role == UNIT_USER:
        return (Assignment.unit == (principal.unit_id or 0)) & (Assignment.state != A_WITHDRAWN)
    if role == DEPUTY:
        return Assignment.suggestion.in_(Suggestion.select(Suggestion.id).where(
            Suggestion.deputy.in_(_deputies(principal))))
    return Assignment.id < 0


def commitment_condition(principal):
    """The ledger: the office all, a unit its own, a deputy those of the suggestions they lead."""
    role = principal.role
    if role in OFFICE:
        return Commitment.id > 0
    if role == UNIT_USER:
        return Commitment.unit == (principal.unit_id or 0)
    if role == DEPUTY:
        return Commitment.suggestion.in_(Suggestion.select(Suggestion.id).where(
            Suggestion.deputy.in_(_deputies(principal))))
    return Commitment.id < 0


def visible(suggestion_id, principal):
    found = Suggestion.select().where(Suggestion.id == suggestion_id, scope_condition(principal)).first()
    if found is None:
        raise NotFound("建议不存在。")
    return found


def owned(suggestion_id, principal):
    """A suggestion the caller leads (drafting, rating, consent)."""
    found = visible(suggestion_id, principal)
    if not leads(found, principal):
        raise Forbidden("只有领衔代表可以这样做。")
    return found


def leads(suggestion, principal):
    return principal.role == DEPUTY and suggestion.deputy_id in principal.deputy_ids


def visible_assignment(assignment_id, principal):
    found = Assignment.select().where(Assignment.id == assignment_id, assignment_condition(principal)).first()
    if found is None:
        raise NotFound("交办件不存在。")
    return found


def own_assignment(assignment_id, principal):
    """An assignment of the caller's own unit (the unit's moves)."""
    found = visible_assignment(assignment_id, principal)
    if principal.role != UNIT_USER or found.unit_id != principal.unit_id:
        raise Forbidden("只有承办单位可以办理该交办件。")
    return found


def sees_assignment(assignment, principal, lead_unit_ids=()):
    """Within a visible suggestion: a unit sees its own part, and a lead unit its co-units' opinions."""
    if principal.role != UNIT_USER:
        return True
    if assignment.unit_id == principal.unit_id:
        return True
    return assignment.role == CO and principal.unit_id in lead_unit_ids


def visible_commitment(commitment_id, principal):
    found = Commitment.select().where(Commitment.id == commitment_id, commitment_condition(principal)).first()
    if found is None:
        raise NotFound("承诺事项不存在。")
    return found

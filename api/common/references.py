"""Delete guards across domains: "may this row go, or does another domain still point at it?"

A domain whose rows reference another domain's model (a deputy's delegation, an account's
station) registers, for that model, a checker that returns a Chinese reason while a row still
references it. The owner of the model asks `reason_in_use` before deleting, without importing the
domains that depend on it (they import it: asking them directly would be a cycle).

Checkers are registered when the referencing domain's models module is imported; the app factory
imports every domain listed in `api.modules`, so every guard is in place before any request.
"""
from collections import defaultdict

_checkers = defaultdict(list)


def guards_deletion_of(model):
    """Decorator: register `checker(obj) -> reason or None` for deleting rows of `model`."""

    def register(checker):
        if checker not in _checkers[model]:
            _checkers[model].append(checker)
        return checker

    return register


def reason_in_use(obj):
    """The first reason (Chinese) a registered domain gives why `obj` cannot be deleted, or None."""
    for checker in _checkers[type(obj)]:
        reason = checker(obj)
        if reason:
            return reason
    return None


def guards_of(model):
    """The registered checkers for deleting rows of `model`, in the order they are asked."""
    return tuple(_checkers[model])

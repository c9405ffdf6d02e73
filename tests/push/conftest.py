"""Push fixtures: the WeChat stand-in over real HTTP, deputies with bound accounts, the real queue."""
import datetime as dt
import itertools

from api.auth.models import User
from api.common.queue import run_pending
from api.extensions import huey
from api.push.models import SubscriptionCredit
from tests import factories

_openids = itertools.count(1)


def bound_deputy(credits=1, long_term=False, template="notice", openid=None):
    """A deputy whose WeChat account is bound, with `credits` one-time sends of `template` (None: no row)."""
    deputy = factories.deputy()
    user = User.create(
        role="deputy", display_name=deputy.name, deputy=deputy, openid=openid or f"o-push-{next(_openids)}"
    )
    if credits is not None:
        SubscriptionCredit.create(user=user, template=template, remaining=credits, long_term=long_term)
    deputy.user = user
    return deputy


def credits_left(deputy, template="notice"):
    credit = SubscriptionCredit.get_or_none(
        SubscriptionCredit.user == deputy.user, SubscriptionCredit.template == template
    )
    return None if credit is None else (credit.remaining, credit.long_term)


def drain(rounds=10):
    """Run queued jobs, then their retries as if the backoff had passed, until nothing is left.

    Returns how many retries were scheduled on the way.
    """
    retried = 0
    for _ in range(rounds):
        run_pending(huey)
        due = huey.read_schedule(dt.datetime.now(dt.timezone.utc).replace(tzinfo=None) + dt.timedelta(days=1))
        if not due:
            return retried
        retried += len(due)
        for task in due:
            task.eta = None  # the backoff has "passed": run it now
            huey.enqueue(task)
    raise AssertionError("jobs still retrying after many rounds")


def scheduled_retries():
    return huey.scheduled_count()

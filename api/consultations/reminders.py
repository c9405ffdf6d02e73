"""One reminder before the deadline to the deputies in the audience who have not commented.

`CONSULTATION_REMINDER_HOURS` before `closes_at` (0: never). The periodic job claims each consultation
with a conditional UPDATE of `reminder_sent_at`, so overlapping runs remind once; the push deliveries
are unique per (consultation, deputy, "remind-<deadline>") as well. A deputy who wrote, or co-signed,
any opinion (withdrawn ones aside) is not reminded. A deadline moved by staff earns one reminder of its own.
"""
import datetime as dt

from flask import current_app

from api.common.db import utcnow
from api.common.timezone import LOCAL_TZ
from api.consultations import audience
from api.consultations.models import PUBLISHED, WITHDRAWN, Consultation, Opinion, OpinionSigner
from api.consultations.services import SOURCE_TYPE
from api.deputies.models import Deputy
from api.extensions import db
from api.push import services as push


def silent_deputies(consultation):
    """SELECT of the audience's deputy ids who gave no opinion yet."""
    authors = Opinion.select(Opinion.deputy).where(Opinion.consultation == consultation.id,
                                                   Opinion.state != WITHDRAWN)
    signers = (OpinionSigner.select(OpinionSigner.deputy).join(Opinion)
               .where(Opinion.consultation == consultation.id, Opinion.state != WITHDRAWN))
    return Deputy.select(Deputy.id).where(audience.condition(consultation), Deputy.id.not_in(authors),
                                          Deputy.id.not_in(signers))


def remind_due(now=None):
    """Send the reminder of every consultation whose reminder time has come; returns how many were queued."""
    hours = current_app.config["CONSULTATION_REMINDER_HOURS"]
    if not hours:
        return 0
    now = now or utcnow()
    horizon = now + dt.timedelta(hours=hours)
    due = list(Consultation.select().where(
        Consultation.state == PUBLISHED, Consultation.reminder_sent_at.is_null(),
        Consultation.closes_at > now, Consultation.closes_at <= horizon,
    ))
    queued, jobs = 0, []
    for consultation in due:
        with db.atomic():
            claimed = (Consultation.update(reminder_sent_at=now)
                       .where(Consultation.id == consultation.id, Consultation.reminder_sent_at.is_null())
                       .execute())
            if not claimed:
                continue  # another run took it
            deadline = consultation.closes_at.astimezone(LOCAL_TZ).strftime("%Y-%m-%d %H:%M")
            result = push.queue_deliveries(
                SOURCE_TYPE, consultation.id, silent_deputies(consultation),
                {
                    "template": "reminder",
                    "page": f"pages/consultation/detail?id={consultation.id}",
                    "data": {"thing1": "征求意见即将截止", "thing2": consultation.title, "time3": deadline},
                },
                dedupe_scope=f"{push.PURPOSE_REMINDER}-{int(consultation.closes_at.timestamp())}",
            )
        queued += result["queued"]
        jobs += result["jobs"]
    push.dispatch_recorded(jobs)
    return queued

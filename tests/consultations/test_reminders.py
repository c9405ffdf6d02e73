"""One reminder before the deadline to the audience's deputies who have not commented; the deadline job."""
import datetime as dt

from api.common.db import utcnow
from api.consultations import reminders, services
from api.consultations.models import Consultation
from api.push.models import Delivery
from tests import factories
from tests.consultations.conftest import URL, window


def reminded(consultation_id):
    return {d.deputy_id for d in Delivery.select().where(Delivery.source_type == "consultation",
                                                          Delivery.source_id == consultation_id,
                                                          Delivery.scope.startswith("remind"))}


def test_one_reminder_to_those_who_have_not_commented(app, as_deputy, publish_draft):
    app.config["CONSULTATION_REMINDER_HOURS"] = 24
    group = factories.group()
    talker, cosigner, silent, withdrew = (factories.deputy(groups=[group]) for _ in range(4))
    clients = {d.id: as_deputy(d) for d in (talker, cosigner, withdrew)}
    draft = publish_draft(**window(hours=30))
    joint = clients[talker.id].post(f"{URL}/feed/{draft['id']}/opinions",
                                    json={"content": "联名意见", "group_id": group.id}).get_json()
    clients[cosigner.id].post(f"{URL}/opinions/{joint['id']}/sign")
    gone = clients[withdrew.id].post(f"{URL}/feed/{draft['id']}/opinions", json={"content": "撤回的意见"}).get_json()
    clients[withdrew.id].post(f"{URL}/mine/{gone['id']}/withdraw")
    assert reminders.remind_due() == 0  # 30 hours left: not yet
    later = utcnow() + dt.timedelta(hours=7)
    assert reminders.remind_due(now=later) == 2
    assert reminded(draft["id"]) == {silent.id, withdrew.id}
    assert reminders.remind_due(now=later) == 0  # once, however often the job runs
    assert reminders.remind_due(now=later + dt.timedelta(hours=1)) == 0
    assert Consultation.get_by_id(draft["id"]).reminder_sent_at is not None


def test_no_reminder_when_turned_off_or_after_the_deadline(app, publish_draft):
    factories.deputy()
    draft = publish_draft(**window(hours=2))
    app.config["CONSULTATION_REMINDER_HOURS"] = 0
    assert reminders.remind_due() == 0
    app.config["CONSULTATION_REMINDER_HOURS"] = 48
    assert reminders.remind_due(now=utcnow() + dt.timedelta(hours=3)) == 0
    assert reminded(draft["id"]) == set()


def test_a_new_deadline_earns_a_new_reminder(app, staff, publish_draft):
    app.config["CONSULTATION_REMINDER_HOURS"] = 48
    factories.deputy()
    draft = publish_draft(**window(hours=10))
    assert reminders.remind_due() == 1
    staff.patch(f"{URL}/{draft['id']}", json={"closes_at": window(hours=20)["closes_at"]})
    assert Consultation.get_by_id(draft["id"]).reminder_sent_at is None
    assert reminders.remind_due() == 1
    assert reminders.remind_due() == 0


def test_the_deadline_job_closes_once(staff, publish_draft):
    factories.deputy()
    draft = publish_draft(**window(hours=1))
    assert services.close_due() == 0
    assert services.close_due(now=utcnow() + dt.timedelta(hours=2)) == 1
    assert services.close_due(now=utcnow() + dt.timedelta(hours=2)) == 0
    assert staff.get(f"{URL}/{draft['id']}").get_json()["state"] == "closed"

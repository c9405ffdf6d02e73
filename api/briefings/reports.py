"""The read report of a paper (who has opened it, who has not), reminders to the unread, the Excel
export, and the view log (every page image served: who, when, which page)."""
import datetime as dt
import itertools

from peewee import Case, fn

from api.briefings.models import Paper, PaperRecipient, PaperView
from api.briefings.services import SOURCE_TYPE, push_message
from api.briefings.workflow import PAPER_FLOW
from api.common import spreadsheets
from api.common.audit import record
from api.common.db import utcnow
from api.common.errors import Conflict, TooSoon
from api.common.timezone import local
from api.deputies.models import Deputy
from api.extensions import db
from api.org.models import Delegation
from api.push import services as push

REMIND_INTERVAL = dt.timedelta(hours=1)


def stats(paper):
    PAPER_FLOW.require(paper, "report")
    total, opened, current = (
        PaperRecipient.select(
            fn.COUNT(PaperRecipient.id), fn.COUNT(PaperRecipient.opened_at),
            fn.SUM(Case(None, [(PaperRecipient.read_version == paper.version, 1)], 0)),
        ).where(PaperRecipient.paper == paper.id).tuples().get()
    )
    views = PaperView.select().where(PaperView.paper == paper.id).count()
    return {"recipients": total, "opened": opened, "unopened": total - opened, "read_current": current or 0,
            "views": views, "reminder_count": paper.reminder_count, "last_reminded_at": paper.last_reminded_at}


def readers(paper, args):
    PAPER_FLOW.require(paper, "report")
    query = (
        PaperRecipient.select(
            Deputy.id.alias("deputy_id"), Deputy.code, Deputy.name, Delegation.name.alias("delegation"),
            PaperRecipient.opened_at, PaperRecipient.read_version,
        )
        .join(Deputy, on=(Deputy.id == PaperRecipient.deputy))
        .join(Delegation, on=(Delegation.id == Deputy.delegation))
        .where(PaperRecipient.paper == paper.id)
        .order_by(Deputy.delegation, Deputy.code)
    )
    if args.get("status") == "opened":
        query = query.where(PaperRecipient.opened_at.is_null(False))
    elif args.get("status") == "unopened":
        query = query.where(PaperRecipient.opened_at.is_null())
    if args.get("q"):
        query = query.where(Deputy.name.contains(args["q"]) | Deputy.code.contains(args["q"]))
    return query.dicts()


def views(paper, args):
    query = PaperView.select().where(PaperView.paper == paper.id).order_by(PaperView.viewed_at.desc(),
                                                                          PaperView.id.desc())
    if args.get("q"):
        query = query.where(PaperView.viewer_name.contains(args["q"]))
    return query


def remind_unread(paper):
    """Push to the recipients who have not opened it; at most once an hour; says who cannot be reached."""
    PAPER_FLOW.require(paper, "remind")
    now = utcnow()
    if paper.last_reminded_at and paper.last_reminded_at > now - REMIND_INTERVAL:
        _too_soon(paper.last_reminded_at, now)
    unread = PaperRecipient.select(PaperRecipient.deputy).where(
        (PaperRecipient.paper == paper.id) & PaperRecipient.opened_at.is_null())
    message = push_message(paper, reminder=True)
    reach = push.reach(unread, message["template"])
    if not reach["recipients"]:
        raise Conflict("所有代表均已阅读，无需提醒。")
    if not reach["will_send"]:
        return {"reminder": None, "queued": 0, **reach,
                "message": f"{reach['recipients']} 位未读代表都收不到提醒（未订阅或未绑定微信），本次不发送。"}
    number = paper.reminder_count + 1
    with db.atomic():
        claimed = (Paper.update(reminder_count=number, last_reminded_at=now)
                   .where((Paper.id == paper.id) & (Paper.reminder_count == paper.reminder_count)).execute())
        if not claimed:
            _too_soon(now, now)
        queued = push.queue_deliveries(source_type=SOURCE_TYPE, source_id=paper.id, recipients_query=unread,
                                       message=message, dedupe_scope=f"{push.PURPOSE_REMINDER}-{number}")
        record("paper.remind", "paper", paper.id, detail={"reminder": number, "queued": queued["queued"]})
    push.dispatch_recorded(queued["jobs"])
    text = f"将向 {reach['will_send']} 位未读代表发送提醒。"
    if reach["no_consent"] or reach["unbound"]:
        text += f"另有 {reach['no_consent']} 位未订阅提醒消息、{reach['unbound']} 位未绑定微信，收不到本次提醒。"
    return {"reminder": number, "queued": queued["queued"], **reach, "message": text}


def _too_soon(last, now):
    wait = max(1, int((last + REMIND_INTERVAL - now).total_seconds()))
    raise TooSoon(f"每小时最多提醒一次，请 {(wait + 59) // 60} 分钟后再试。", retry_after=wait)


def _local(value):
    return local(value).strftime("%Y-%m-%d %H:%M") if value else ""


def export(paper):
    """Who has opened the paper, and who has not, as an xlsx workbook (every cell made safe)."""
    figures = stats(paper)
    summary = [["标题", paper.title], ["类别", paper.category], ["当前版本", paper.version],
               ["应阅人数", figures["recipients"]], ["已阅", figures["opened"]], ["未阅", figures["unopened"]]]
    header = ["代表编号", "姓名", "代表团", "是否已阅", "首次打开时间", "已阅版本"]
    rows = ([r["code"], r["name"], r["delegation"], "已阅" if r["opened_at"] else "未阅", _local(r["opened_at"]),
             r["read_version"] or ""] for r in readers(paper, {}).iterator())
    out = spreadsheets.write_xlsx([("汇总", summary), ("阅读情况", itertools.chain([header], rows))])
    record("paper.export", "paper", paper.id, detail={"recipients": figures["recipients"]})
    return out

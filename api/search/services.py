"""The one search endpoint's glue: query-string filters to the shared index's arguments."""
import datetime as dt

from api.common import search
from api.common.errors import Invalid
from api.common.timezone import LOCAL_TZ


def _day_start(day):
    return dt.datetime.combine(day, dt.time(), tzinfo=LOCAL_TZ)


def run(principal, args):
    known = search.kind_labels()
    unknown = [kind for kind in args["kind"] if kind not in known]
    if unknown:
        raise Invalid("检索类别不存在。", errors={"kind": [f"可选：{', '.join(known)}"]})
    result = search.search(
        principal,
        args["q"],
        kinds=args["kind"] or None,
        parent=f"meeting:{args['meeting_id']}" if args.get("meeting_id") else None,
        date_from=_day_start(args["date_from"]) if args.get("date_from") else None,
        date_to=_day_start(args["date_to"] + dt.timedelta(days=1)) if args.get("date_to") else None,
        page=args["page"],
        page_size=args["page_size"],
    )
    return dict(result, page=args["page"], page_size=args["page_size"])

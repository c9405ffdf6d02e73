"""Console lists: filters read by the API's query schemas, SQL paging, and a results fragment for htmx."""
import datetime as dt
import math
from dataclasses import dataclass
from urllib.parse import urlencode

from flask import render_template, request

from api.common.timezone import local_day_start
from api.console.forms import load

PAGE_SIZE = 20


DATE_FIELDS = ("from", "to")  # a console's date inputs; the API schemas take `since`/`until` instants


def filters(schema, dates=False):
    """The query string's filled-in filters, loaded (and validated, 422) by the API's own query schema.

    With `dates`, the date inputs `from` and `to` (Beijing dates, both inclusive) become the schema's
    `since` and `until` (UTC instants: the start of `from`, the end of `to`).
    """
    given = {key: value.strip() for key, value in request.args.items() if key != "page" and value.strip()}
    if dates:
        for key, name, shift in (("from", "since", 0), ("to", "until", 1)):
            if key in given:
                given[name] = _day_start(given.pop(key), shift)
    return load(schema, given)


def _day_start(text, shift):
    """The instant a Beijing day begins (`shift` days later), as ISO 8601; text that is no date is passed on
    unchanged for the schema to refuse."""
    try:
        day = dt.date.fromisoformat(text) + dt.timedelta(days=shift)
    except (ValueError, OverflowError):
        return text
    return local_day_start(day).isoformat()


@dataclass
class Page:
    items: list
    number: int
    size: int
    total: int

    @property
    def pages(self):
        return max(1, math.ceil(self.total / self.size))

    def url(self, number):
        """This list at another page, keeping the filters."""
        args = {key: value for key, value in request.args.items() if key != "page" and value}
        return f"{request.path}?{urlencode({**args, 'page': number})}"


def page_number():
    """The page asked for in the query string; the first for anything that is not a page number."""
    number = request.args.get("page", "1")
    return int(number) if number.isdigit() and 0 < int(number) < 100000 else 1


def paged(query, size=PAGE_SIZE):
    """One page of `query` (a peewee query, or a wrapper with paginate/order_by like the API pages), in SQL."""
    number = page_number()
    total = query.order_by().count()
    return Page(list(query.paginate(number, size)), number, size, total)


def page_or_results(template, results, **context):
    """The whole page, or for an htmx request (a filter change, another page) only the results fragment."""
    return render_template(results if request.headers.get("HX-Request") else template, **context)

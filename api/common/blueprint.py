"""The project's Blueprint: SQL pagination for peewee queries and documented error responses."""
import copy

import flask_smorest
from flask_smorest import Page
from marshmallow import Schema
from webargs.flaskparser import FlaskParser

from api.common import access
from api.common.errors import MESSAGES, ErrorSchema


class PeeweePage(Page):
    """Pages a peewee query in SQL (LIMIT/OFFSET plus one COUNT), never by slicing rows in Python."""

    @property
    def items(self):
        return list(self.collection.paginate(self.page_params.page, self.page_params.page_size))

    @property
    def item_count(self):
        return self.collection.order_by().count()


class QueryCachingParser(FlaskParser):
    """Parses each query string once per schema.

    Phones ask for the same few pages (`?page=1&page_size=20`) over and over, and parsing is a pure
    function of the query string, so the result is remembered (bounded) and handed out as a copy.
    Bodies and failed parses are never cached.
    """

    CACHE_SIZE = 4096

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._parsed = {}

    def parse(self, argmap, req=None, *, location=None, validate=None, **kwargs):
        cacheable = (location or self.location) == "query" and validate is None and _is_schema(argmap)
        if not cacheable:
            return super().parse(argmap, req, location=location, validate=validate, **kwargs)
        key = (id(argmap), (req or self.get_default_request()).query_string)
        if key not in self._parsed:
            parsed = super().parse(argmap, req, location=location, **kwargs)
            if len(self._parsed) >= self.CACHE_SIZE:
                self._parsed.clear()
            self._parsed[key] = parsed
        return copy.deepcopy(self._parsed[key])  # deep: a view may mutate a list default


def _is_schema(argmap):
    return isinstance(argmap, Schema) or (isinstance(argmap, type) and issubclass(argmap, Schema))


class Blueprint(flask_smorest.Blueprint):
    DEFAULT_PAGINATION_PARAMETERS = {"page": 1, "page_size": 20, "max_page_size": 100}
    ARGUMENTS_PARSER = QueryCachingParser()
    PAGINATION_ARGUMENTS_PARSER = QueryCachingParser()

    def arguments(self, schema, *args, **kwargs):
        """As flask-smorest's, with a schema class made into one instance here, at decoration: given a class,
        webargs makes a new instance (copying every declared field) for every request."""
        return super().arguments(schema() if isinstance(schema, type) else schema, *args, **kwargs)

    def paginate_query(self, **kwargs):
        return self.paginate(PeeweePage, **kwargs)

    def errors(self, *codes):
        """Document the error responses an endpoint can give, all in the one error shape."""

        def decorate(func):
            for code in codes:
                func = self.alt_response(
                    code, schema=ErrorSchema, description=MESSAGES.get(code, str(code))
                )(func)
            return func

        return decorate

    def requires(self, permission):
        """Sign-in plus the permission table, checked before the body is parsed; documents 401/403."""

        def decorate(func):
            func = self.errors(401, 403)(access.requires(permission)(func))
            return self.doc(security=[{"bearerAuth": []}])(func)

        return decorate

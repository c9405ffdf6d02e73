"""The project's Blueprint: SQL pagination for peewee queries and documented error responses."""
import flask_smorest
from flask_smorest import Page

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


class Blueprint(flask_smorest.Blueprint):
    DEFAULT_PAGINATION_PARAMETERS = {"page": 1, "page_size": 20, "max_page_size": 100}

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

"""The suggestions blueprint, shared by the two resource modules (suggestions; units, ledger and figures)."""
from api.common.access import current_principal
from api.common.blueprint import Blueprint

blp = Blueprint("suggestions", __name__, url_prefix="/api/v1/suggestions",
                description="代表建议：撰写自检、附议、审查交办、承办答复、评价、督办与承诺台账、统计")
PAGINATION_HEADER = {"X-Pagination": "PAGINATION"}


def me():
    return current_principal()

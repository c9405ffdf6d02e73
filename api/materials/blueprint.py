"""The one blueprint of /api/v1/materials; its views live in resources.py, study_views.py, class_views.py."""
from api.common.blueprint import Blueprint

blp = Blueprint("materials", __name__, url_prefix="/api/v1/materials", description="学习资料、课程与专题学习班")

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PAGINATION_HEADER = {"X-Pagination": "PAGINATION"}

"""Production entry point: `gunicorn wsgi:app`; also `flask --app wsgi <command>`."""
from api import create_app
from api.cli import register

app = create_app()
register(app)

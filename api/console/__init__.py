"""The staff console (/console): server-rendered Jinja pages with htmx, over the same services as the API.

Each screen is a module listed in SCREENS; importing it registers its pages on the console blueprint and
its entry in the navigation. Views call the domains' services with the principal of the console's cookie
session, so the one permission table and the same object scopes govern both front doors.
"""
import importlib

from api.console import errors, session
from api.console.blueprint import bp

SCREENS = [
    "auth",
    "home",
    "roster",
    "org",
    "accounts",
    "wechat_binding",
    "push",
    "calendar",
    "feedback",
    "feedback_stats",
    "stations",
    "audit",
    "notices",
    "notice_followup",
    "suggestions",
    "suggestion_units",
    "activities",
    "records",
    "learning",
    "training",
    "consultations",
    "consultation_opinions",
    "briefings",
]


# The blueprint is set up once, at import; any number of apps (tests build several) register it.
for _screen in SCREENS:
    importlib.import_module(f"api.console.{_screen}")
session.init_blueprint(bp)
errors.init_blueprint(bp)


def init_app(app):
    app.register_blueprint(bp)

"""The dashboard: the open work of whoever is signed in."""
from flask import render_template
from flask.views import MethodView

from api.audit import services as audit
from api.common.access import current_principal
from api.common.permissions import allowed
from api.console.blueprint import page
from api.console.session import requires
from api.feedback import services as feedback
from api.notices import services as notices
from api.push import services as push

IMPORT_ACTIONS = ("deputies.import", "calendar.import")


@page("/", "home", nav="工作台", permission="auth:self", order=0)
class Dashboard(MethodView):
    @requires("auth:self")
    def get(self):
        """工作台：待回执的通知、推送失败、最近的导入、待办的群众意见"""
        principal = current_principal()
        role = principal.role
        unit = allowed(role, "feedback:unit")
        return render_template(
            "console/home.html",
            cases=feedback.open_counts(principal) if allowed(role, "feedback:read") and not unit else None,
            queue=feedback.unit_queue_counts(principal) if unit else None,
            awaiting=list(notices.awaiting_replies()) if allowed(role, "notices:manage") else None,
            failures=list(push.recent_failures()) if allowed(role, "push:read_deliveries") else None,
            imports=audit.recent(IMPORT_ACTIONS) if allowed(role, "deputies:import") else None,
        )

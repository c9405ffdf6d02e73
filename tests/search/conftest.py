"""The briefing fixtures (staff, deputies, meetings, papers), for searching what they publish."""
from tests.briefings.conftest import as_deputy, meeting, paper, staff, upload  # noqa: F401

"""The dashboard shows each role the open work it may act on."""
import pytest

from tests import factories


@pytest.mark.parametrize(
    ("role", "sections"),
    [
        ("admin", {"awaiting-replies", "failing-deliveries", "recent-imports"}),
        ("staff", {"awaiting-replies", "failing-deliveries", "recent-imports"}),
        ("station_staff", set()),
        ("unit_user", set()),
    ],
)
def test_each_role_sees_only_the_sections_it_may_act_on(console_as, role, sections):
    html = console_as(role).get("/console/").get_data(as_text=True)
    shown = {name for name in ("awaiting-replies", "failing-deliveries", "recent-imports") if name in html}
    assert shown == sections


def test_a_notice_waiting_for_replies_is_listed_with_how_many_have_not_replied(console_as, publish_notice):
    factories.deputy(), factories.deputy()
    slip = {"options": [{"label": "参加"}, {"label": "请假", "requires_reason": True}],
            "deadline": "2099-01-01T00:00:00Z"}
    publish_notice(title="关于列席常委会会议的通知", reply_slip=slip)
    publish_notice(title="无需回执的情况通报")
    html = console_as("staff").get("/console/").get_data(as_text=True)
    section = html.split('data-testid="awaiting-replies"')[1].split("</section>")[0]
    assert "关于列席常委会会议的通知" in section and "无需回执的情况通报" not in section
    assert '<td class="num">2</td>' in section


def test_the_menu_lists_only_what_the_role_may_open(console_as):
    html = console_as("unit_user").get("/console/").get_data(as_text=True)
    assert "工作台" in html

"""A station's reception calendar (接待日) and monthly themes in the console: who may keep them, adding and
editing receptions with the service's validation shown beside the fields, cancelling, and themes."""
import datetime as dt

import pytest

from api.common.audit import AuditEntry
from api.common.timezone import local_today
from api.stations.models import StationReception, StationTheme
from api.stations.services import month_of
from tests import factories

STATIONS = "/console/stations"


@pytest.fixture
def station(db):
    return factories.station(name="东街代表联络站")


@pytest.fixture
def deputies(station):
    return [factories.deputy(name="王代表", stations=[station]), factories.deputy(name="李代表", stations=[station])]


@pytest.fixture
def keeper(console_as, station):
    return console_as("station_staff", stations=[station])


def day(days_ahead=7):
    return (local_today() + dt.timedelta(days=days_ahead)).isoformat()


def reception_form(deputies, **overrides):
    return {"day": day(), "starts_at": "09:00", "ends_at": "11:30", "topic": "听取群众意见",
            "deputy_ids": [str(deputies[0].id)], **overrides}


@pytest.mark.parametrize(("role", "listed", "status"), [
    ("admin", True, 200), ("staff", True, 200), ("station_staff", True, 200), ("unit_user", False, 403),
])
def test_the_schedule_is_in_the_menu_of_who_keeps_it(console_as, station, role, listed, status):
    client = console_as(role, stations=[station]) if role == "station_staff" else console_as(role)
    assert (f'href="{STATIONS}"' in client.get("/console/").get_data(as_text=True)) is listed
    assert client.get(STATIONS).status_code == status
    assert client.get(f"{STATIONS}/{station.id}").status_code == status


def test_station_staff_list_and_open_only_their_own_station(console_as, station, deputies):
    other = factories.station(name="南街代表联络站")
    client = console_as("station_staff", stations=[station])
    html = client.get(STATIONS).get_data(as_text=True)
    assert "东街代表联络站" in html and "南街代表联络站" not in html
    assert client.get(f"{STATIONS}/{other.id}").status_code == 403
    assert client.post(f"{STATIONS}/{other.id}/receptions", data=reception_form(deputies), htmx=True).status_code == 403
    assert client.post(f"{STATIONS}/{other.id}/themes", data={"month": month_of(local_today()), "title": "x"},
                       htmx=True).status_code == 403
    assert not StationReception.select().exists() and not StationTheme.select().exists()


def test_adding_a_reception(keeper, station, deputies):
    page = keeper.get(f"{STATIONS}/{station.id}").get_data(as_text=True)
    assert "王代表" in page and 'data-testid="reception-form"' in page
    response = keeper.post(f"{STATIONS}/{station.id}/receptions", data=reception_form(deputies), htmx=True)
    assert response.status_code == 204
    html = keeper.get(response.headers["HX-Redirect"]).get_data(as_text=True)
    assert html.count('data-testid="reception-row"') == 1 and "09:00–11:30" in html and "听取群众意见" in html
    assert AuditEntry.get(AuditEntry.action == "stations.reception.create").actor_id == keeper.user.id


def test_a_bad_reception_comes_back_with_each_fields_message(keeper, station, deputies):
    stranger = factories.deputy(name="外站代表")
    url = f"{STATIONS}/{station.id}/receptions"
    response = keeper.post(url, data=reception_form(deputies, ends_at="", day="", deputy_ids=[]), htmx=True)
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "<html" not in html
    for field in ("day", "ends_at", "deputy_ids"):
        assert f'data-testid="error-{field}"' in html, field
    assert 'value="听取群众意见"' in html  # what was typed is kept
    early = keeper.post(url, data=reception_form(deputies, starts_at="06:00"), htmx=True)
    assert early.status_code == 422 and 'data-testid="error-starts_at"' in early.get_data(as_text=True)
    past = keeper.post(f"{STATIONS}/{station.id}/receptions", data=reception_form(deputies, day=day(-3)), htmx=True)
    assert past.status_code == 422 and 'data-testid="error-day"' in past.get_data(as_text=True)
    foreign = keeper.post(f"{STATIONS}/{station.id}/receptions",
                          data=reception_form(deputies, deputy_ids=[str(stranger.id)]), htmx=True)
    assert foreign.status_code == 422 and "不在本站履职" in foreign.get_data(as_text=True)
    assert not StationReception.select().exists()


def test_a_deputy_booked_twice_at_once_is_a_conflict_shown_on_the_field(keeper, station, deputies):
    url = f"{STATIONS}/{station.id}/receptions"
    assert keeper.post(url, data=reception_form(deputies), htmx=True).status_code == 204
    clash = keeper.post(url, data=reception_form(deputies, starts_at="10:00", ends_at="12:00"), htmx=True)
    assert clash.status_code == 409 and 'data-testid="error-deputy_ids"' in clash.get_data(as_text=True)


def test_editing_a_reception(keeper, station, deputies):
    keeper.post(f"{STATIONS}/{station.id}/receptions", data=reception_form(deputies), htmx=True)
    reception = StationReception.get()
    url = f"{STATIONS}/{station.id}/receptions/{reception.id}"
    form = keeper.get(url).get_data(as_text=True)
    assert 'value="09:00"' in form and f'value="{deputies[0].id}" checked' in form
    changed = reception_form(deputies, starts_at="14:00", ends_at="16:00", deputy_ids=[str(d.id) for d in deputies])
    assert keeper.post(url, data=changed, htmx=True).status_code == 204
    reception = StationReception.get_by_id(reception.id)
    assert reception.starts_at.strftime("%H:%M") == "14:00"
    assert "王代表、李代表" in keeper.get(f"{STATIONS}/{station.id}").get_data(as_text=True)
    bad = keeper.post(url, data=reception_form(deputies, ends_at="13:00", starts_at="14:00"), htmx=True)
    assert bad.status_code == 422 and 'data-testid="error-ends_at"' in bad.get_data(as_text=True)


def test_cancelling_a_reception(keeper, station, deputies):
    keeper.post(f"{STATIONS}/{station.id}/receptions", data=reception_form(deputies), htmx=True)
    reception = StationReception.get()
    response = keeper.post(f"{STATIONS}/{station.id}/receptions/{reception.id}/cancel", htmx=True)
    assert response.status_code == 204 and not StationReception.select().exists()
    assert keeper.post(f"{STATIONS}/{station.id}/receptions/{reception.id}/cancel", htmx=True).status_code == 404


def test_setting_replacing_and_deleting_a_theme(keeper, station):
    month = month_of(local_today())
    url = f"{STATIONS}/{station.id}/themes"
    assert keeper.post(url, data={"month": month, "title": "垃圾分类", "description": ""}, htmx=True).status_code == 204
    assert keeper.post(url, data={"month": month, "title": "老旧小区改造"}, htmx=True).status_code == 204
    html = keeper.get(f"{STATIONS}/{station.id}").get_data(as_text=True)
    assert html.count('data-testid="theme-row"') == 1 and "老旧小区改造" in html
    assert keeper.post(f"{url}/{month}/delete", htmx=True).status_code == 204
    assert not StationTheme.select().exists()
    assert keeper.post(f"{url}/{month}/delete", htmx=True).status_code == 404


@pytest.mark.parametrize(("month", "title", "field"), [
    ("", "主题", "month"), ("2000-01", "主题", "month"), ("this", "", "title"),
])
def test_a_bad_theme_comes_back_with_the_fields_message(keeper, station, month, title, field):
    form = {"month": month_of(local_today()) if month == "this" else month, "title": title}
    response = keeper.post(f"{STATIONS}/{station.id}/themes", data=form, htmx=True)
    assert response.status_code == 422 and f'data-testid="error-{field}"' in response.get_data(as_text=True)
    assert not StationTheme.select().exists()

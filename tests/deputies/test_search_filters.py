"""Roster search by name or code (q) and by exact code, as the console's search box uses them."""
from tests import factories


def names(response):
    assert response.status_code == 200, response.get_data(as_text=True)
    return sorted(d["name"] for d in response.get_json())


def test_q_matches_a_part_of_the_name_or_the_code(login_as, db):
    factories.deputy(code="FZ17-0101", name="陈明")
    factories.deputy(code="FZ17-0202", name="林芳")
    factories.deputy(code="XM-0101", name="王五")
    staff = login_as("staff")
    assert names(staff.get("/api/v1/deputies?q=0101")) == ["王五", "陈明"]
    assert names(staff.get("/api/v1/deputies?q=林")) == ["林芳"]
    assert names(staff.get("/api/v1/deputies?code=FZ17-0101")) == ["陈明"]
    assert names(staff.get("/api/v1/deputies?code=FZ17")) == []


def test_q_keeps_the_station_scope(login_as, db):
    station, other = factories.station(), factories.station()
    factories.deputy(code="S-1", name="本站", stations=[station])
    factories.deputy(code="S-2", name="外站", stations=[other])
    assert names(login_as("station_staff", stations=[station]).get("/api/v1/deputies?q=S-")) == ["本站"]

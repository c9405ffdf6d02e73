"""述职: the .docx draft is assembled from the record (opened here and checked), edited, held, rated."""
import io

import docx

from api.records.document import paragraphs_and_cells
from tests import factories
from tests.records.conftest import URL, at, put_event, this_year
from tests.support import assert_error_shape

YEAR = this_year() - 1


def figures_of(document_bytes):
    """{label: count} from the figures table of a generated 述职."""
    table = docx.Document(io.BytesIO(document_bytes)).tables[0]
    return {row.cells[0].text: int(row.cells[1].text) for row in table.rows[1:]}


def fill_record(deputy):
    put_event(deputy, "activity.attend", 1, at(YEAR, 3), title="乡村振兴专题调研")
    put_event(deputy, "activity.attend", 2, at(YEAR, 9), title="食品安全集中视察")
    put_event(deputy, "meeting.attend", 3, at(YEAR, 5), title="常委会第十次会议")
    put_event(deputy, "suggestion.submit", 4, at(YEAR, 4), title="关于加强养老服务的建议",
              answer="已列入明年计划", rating="满意")
    put_event(deputy, "suggestion.submit", 5, at(YEAR, 6), title="关于完善公交线路的建议")
    put_event(deputy, "meeting.attend", 6, at(YEAR - 1, 5), title="上一年的会议")


def test_the_draft_carries_the_records_figures_highlights_and_suggestions(me, deputy):
    fill_record(deputy)
    created = me.post(f"{URL}/me/report-backs", json={"year": YEAR})
    assert created.status_code == 201, created.get_json()
    report = created.get_json()
    response = me.get(f"{URL}/me/report-backs/{report['id']}/document")
    assert response.status_code == 200 and response.mimetype.endswith("wordprocessingml.document")
    record = me.get(f"{URL}/me", query_string={"year": YEAR}).get_json()["figures"]
    assert figures_of(response.data) == {row["label"]: row["count"] for row in record["kinds"]}
    assert figures_of(response.data) == {"参加代表活动": 2, "提出建议": 2, "出席会议": 1}
    text = "\n".join(paragraphs_and_cells(response.data))
    assert f"{deputy.name}代表{YEAR}年度履职情况报告" in text
    assert f"共有履职记录 {record['total']} 项" in text and record["total"] == 5
    assert "乡村振兴专题调研" in text and "食品安全集中视察" in text and "上一年的会议" not in text
    assert "《关于加强养老服务的建议》　答复：已列入明年计划　评价：满意" in text
    assert "《关于完善公交线路的建议》" in text


def test_the_deputy_edits_before_use_and_staff_get_the_edit(me, deputy, office):
    report = me.post(f"{URL}/me/report-backs", json={"year": YEAR}).get_json()
    edited = docx.Document()
    edited.add_paragraph("本人修改后的述职报告。")
    buffer = io.BytesIO()
    edited.save(buffer)
    uploaded = me.put(f"{URL}/me/report-backs/{report['id']}/document",
                      data={"file": (io.BytesIO(buffer.getvalue()), "述职.docx")})
    assert uploaded.status_code == 200, uploaded.get_json()
    assert uploaded.get_json()["is_edited"] is True
    staff_copy = office.get(f"{URL}/report-backs/{report['id']}/document")
    assert "本人修改后的述职报告。" in paragraphs_and_cells(staff_copy.data)
    junk = me.put(f"{URL}/me/report-backs/{report['id']}/document",
                  data={"file": (io.BytesIO(b"PK\x03\x04x"), "a.docx")})
    assert_error_shape(junk, 422)
    assert_error_shape(office.get(f"{URL}/report-backs/999999/document"), 404)


def test_a_deputy_reaches_only_their_own_report_back(me, login_as):
    report = me.post(f"{URL}/me/report-backs", json={"year": YEAR}).get_json()
    stranger = login_as("deputy", deputy=factories.deputy())
    assert_error_shape(stranger.get(f"{URL}/me/report-backs/{report['id']}/document"), 404)
    assert_error_shape(stranger.get(f"{URL}/me/report-backs/{report['id']}"), 404)
    assert stranger.get(f"{URL}/me/report-backs").get_json() == []


def test_staff_replace_the_template(me, deputy, office):
    put_event(deputy, "meeting.attend", 1, at(YEAR, 5))
    template = docx.Document()
    template.add_paragraph("{{ deputy_name }}：{{ year }}年履职{{ total }}项")
    buffer = io.BytesIO()
    template.save(buffer)
    replaced = office.put(f"{URL}/template", data={"file": (io.BytesIO(buffer.getvalue()), "模板.docx")})
    assert replaced.status_code == 204, replaced.get_json()
    report = office.post(f"{URL}/report-backs", json={"deputy_id": deputy.id, "year": YEAR}).get_json()
    text = paragraphs_and_cells(me.get(f"{URL}/me/report-backs/{report['id']}/document").data)
    assert text == [f"{deputy.name}：{YEAR}年履职1项"]
    broken = docx.Document()
    broken.add_paragraph("{{ deputy_name ")
    buffer = io.BytesIO()
    broken.save(buffer)
    assert_error_shape(office.put(f"{URL}/template", data={"file": (io.BytesIO(buffer.getvalue()), "坏.docx")}), 422)
    assert office.delete(f"{URL}/template").status_code == 204
    assert office.get(f"{URL}/template").status_code == 200


def test_constituents_rate_a_held_report_back_and_staff_see_the_ratings(me, deputy, office, login_as):
    station = factories.station()
    report = me.post(f"{URL}/me/report-backs", json={"year": YEAR}).get_json()
    constituent = login_as("constituent", username=None, password=None, openid="o_rb_1")
    # Not rateable while a draft.
    assert_error_shape(constituent.put(f"{URL}/report-backs/{report['id']}/ratings", json={"rating": "满意"}), 409)
    held = office.post(f"{URL}/report-backs/{report['id']}/held",
                       json={"station_id": station.id, "held_on": f"{this_year()}-01-02"})
    assert held.status_code == 200 and held.get_json()["state"] == "held"
    listed = constituent.get(f"{URL}/stations/{station.id}/report-backs").get_json()
    assert [r["id"] for r in listed] == [report["id"]]
    assert constituent.put(f"{URL}/report-backs/{report['id']}/ratings", json={"rating": "不满意"}).status_code == 200
    again = constituent.put(f"{URL}/report-backs/{report['id']}/ratings",
                            json={"rating": "满意", "comment": "讲得实在"})
    assert again.status_code == 200
    other = login_as("constituent", username=None, password=None, openid="o_rb_2")
    other.put(f"{URL}/report-backs/{report['id']}/ratings", json={"rating": "基本满意"})
    assert_error_shape(other.put(f"{URL}/report-backs/{report['id']}/ratings", json={"rating": "很好"}), 422)
    ratings = office.get(f"{URL}/report-backs/{report['id']}/ratings").get_json()
    assert ratings["count"] == 2
    assert ratings["tally"] == [{"rating": "满意", "count": 1}, {"rating": "基本满意", "count": 1},
                                {"rating": "不满意", "count": 0}]
    assert "讲得实在" in [r["comment"] for r in ratings["ratings"]]
    # Held: the draft is no longer regenerated or edited.
    assert_error_shape(me.post(f"{URL}/me/report-backs", json={"year": YEAR}), 409)
    assert_error_shape(me.get(f"{URL}/report-backs/{report['id']}/ratings"), 403)

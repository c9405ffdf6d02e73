"""征求意见 console: import with a structure preview fixed before publishing, per-article opinions, outcome
marking, merging, publishing the outcomes, and the exports."""
import datetime as dt
import io

import docx
import openpyxl
import pytest

from api.common.timezone import LOCAL_TZ
from api.consultations import services
from api.consultations.models import Consultation, Opinion
from tests import factories
from tests.consultations.conftest import LAW, URL, article, past_deadline

BASE = "/console/consultations"


def local(hours):
    return (dt.datetime.now(LOCAL_TZ) + dt.timedelta(hours=hours)).strftime("%Y-%m-%dT%H:%M")


@pytest.fixture
def office(console_as):
    return console_as("staff")


def import_draft(office, **fields):
    form = {"title": "福州市城市绿化条例（草案）", "kind": "法规草案", "text": LAW, "explanation": "起草说明",
            "opens_at": local(-1), "closes_at": local(72), "all": "on", **fields}
    return office.post(f"{BASE}/new", data=form)


def test_import_preview_fix_and_publish(office):
    factories.deputy()
    response = import_draft(office)
    assert response.status_code == 303
    page = office.get(response.headers["Location"]).get_data(as_text=True)
    assert 'data-testid="structure"' in page and "第三条" in page and "已导入" in page
    consultation = Consultation.get()
    units = services.units_of(consultation)
    form = {"preamble": "福州市城市绿化条例（草案）"}
    for n, unit in enumerate(units):
        form.update({f"unit-{n}-kind": unit.kind, f"unit-{n}-number": str(unit.number), f"unit-{n}-label": unit.label,
                     f"unit-{n}-heading": unit.heading, f"unit-{n}-paragraphs": "\n".join(unit.paragraphs)})
    form["unit-1-paragraphs"] = "为了绿化，制定本条例。"
    form[f"unit-{len(units) - 1}-drop"] = "on"  # the last article removed
    saved = office.post(f"{BASE}/{consultation.id}/structure", data=form)
    assert saved.status_code == 302
    units = services.units_of(consultation)
    assert units[1].paragraphs == ["为了绿化，制定本条例。"] and units[-1].label == "第三章"
    page = office.get(f"{BASE}/{consultation.id}").get_data(as_text=True)
    assert "为了绿化，制定本条例。" in page
    assert office.post(f"{BASE}/{consultation.id}/publish", htmx=True).status_code == 204
    assert Consultation.get_by_id(consultation.id).state == "published"
    assert 'data-testid="structure-form"' not in office.get(f"{BASE}/{consultation.id}").get_data(as_text=True)


def docx_bytes(*paragraphs):
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_a_docx_import_with_its_explanation_file_and_numbering_warnings(office):
    form = {"title": "某条例", "kind": "法规草案", "opens_at": local(-1), "closes_at": local(72), "all": "on",
            "file": (io.BytesIO(docx_bytes("第一条　甲。", "第三条　丙。")), "draft.docx"),
            "explanation_file": (io.BytesIO(docx_bytes("关于草案的说明。")), "起草说明.docx")}
    response = office.post(f"{BASE}/new", data=form, content_type="multipart/form-data")
    assert response.status_code == 303
    page = office.get(response.headers["Location"]).get_data(as_text=True)
    assert 'data-testid="warnings"' in page and "编号不连续" in page
    assert 'data-testid="explanation-file"' in page and "起草说明.docx" in page


def test_bad_import_is_shown_on_the_form(office):
    response = import_draft(office, text="没有编号", title="")
    assert response.status_code == 422
    assert 'data-testid="form-errors"' in response.get_data(as_text=True)


@pytest.fixture
def studied(staff, as_deputy, publish_draft):
    people = [factories.deputy(), factories.deputy()]
    draft = publish_draft()
    third = article(draft, 3)
    for person in people:
        as_deputy(person).post(f"{URL}/feed/{draft['id']}/opinions",
                               json={"unit_id": third["id"], "content": "建议明确主管部门职责分工和考核办法。"})
    past_deadline(draft["id"])
    services.close_due()
    return {"draft": draft, "third": third, "people": people}


def test_opinions_per_article_marking_merging_and_outcomes(office, studied):
    draft_id = studied["draft"]["id"]
    page = office.get(f"{BASE}/{draft_id}").get_data(as_text=True)
    assert 'data-testid="count-第三条">2<' in page
    listing = office.get(f"{BASE}/{draft_id}/opinions?unit={studied['third']['id']}").get_data(as_text=True)
    assert listing.count('data-testid="opinion"') == 2 and studied["people"][0].name in listing
    assert 'data-testid="merge-form"' in listing  # near-identical: merging offered
    first, second = Opinion.select().order_by(Opinion.id)
    merged = office.post(f"{BASE}/opinions/{second.id}/merge", data={"into": str(first.id)}, htmx=True)
    assert merged.status_code == 204
    marked = office.post(f"{BASE}/opinions/{first.id}/outcome", data={"outcome": "partly", "reason": "部分吸收。"},
                         htmx=True)
    assert marked.status_code == 204
    assert Opinion.get_by_id(first.id).state == "partly" and Opinion.get_by_id(second.id).state == "merged"
    no_reason = office.post(f"{BASE}/opinions/{first.id}/outcome", data={"outcome": "adopted", "reason": ""})
    assert no_reason.status_code == 422
    assert office.post(f"{BASE}/{draft_id}/publish-outcomes", htmx=True).status_code == 204
    assert Consultation.get_by_id(draft_id).state == "concluded"


def test_exports_from_the_console(office, studied):
    draft_id = studied["draft"]["id"]
    sheet = openpyxl.load_workbook(io.BytesIO(office.get(f"{BASE}/{draft_id}/export.xlsx").data)).active
    assert sheet.max_row == 3 and sheet.cell(2, 2).value == "第三条"
    report = docx.Document(io.BytesIO(office.get(f"{BASE}/{draft_id}/report.docx").data))
    assert "第三条" in [p.text for p in report.paragraphs]


def test_deputies_and_units_do_not_see_the_screen(console_as):
    for role in ("station_staff", "unit_user"):
        assert console_as(role).get(BASE).status_code == 403


def test_editing_a_draft_then_extending_the_deadline_once_published(office):
    factories.deputy()
    import_draft(office)
    consultation = Consultation.get()
    edit = f"{BASE}/{consultation.id}/edit"
    form = office.get(edit).get_data(as_text=True)
    assert 'value="福州市城市绿化条例（草案）"' in form and 'data-testid="kind"' in form
    changed = {"title": "福州市城市绿化条例（草案修改稿）", "kind": "法规草案", "explanation": "新的起草说明",
               "opens_at": local(-2), "closes_at": local(48)}
    assert office.post(edit, data=changed).status_code == 303
    saved = Consultation.get_by_id(consultation.id)
    assert (saved.title, saved.explanation) == ("福州市城市绿化条例（草案修改稿）", "新的起草说明")

    refused = office.post(edit, data={**changed, "closes_at": local(-3)})  # before the start
    assert refused.status_code == 422 and "截止时间须晚于开始时间" in refused.get_data(as_text=True)

    office.post(f"{BASE}/{consultation.id}/publish", htmx=True)
    form = office.get(edit).get_data(as_text=True)
    assert "只能修改标题" in form and 'data-testid="kind"' not in form and 'name="opens_at"' not in form
    later = dt.datetime.now(LOCAL_TZ).replace(second=0, microsecond=0) + dt.timedelta(days=10)
    extended = {"title": saved.title, "explanation": saved.explanation, "closes_at": later.strftime("%Y-%m-%dT%H:%M")}
    response = office.post(edit, data=extended)
    assert response.status_code == 303
    assert "已保存修改" in office.get(response.headers["Location"]).get_data(as_text=True)
    assert Consultation.get_by_id(consultation.id).closes_at == later.astimezone(dt.timezone.utc)

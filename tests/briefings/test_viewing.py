"""View-only papers: no download anywhere, watermarked page images, links that expire and die, the view log."""
import io

import pytest
from PIL import Image, ImageChops

from api.briefings import pages
from api.briefings.models import PaperView
from tests import factories
from tests.briefings.conftest import URL


def links_of(client, paper_id):
    response = client.get(f"{URL}/my/papers/{paper_id}/pages")
    assert response.status_code == 200, response.get_json()
    return [p["url"] for p in response.get_json()["pages"]]


@pytest.mark.parametrize("level", ["confidential", "internal"])
def test_view_only_papers_never_yield_a_download(level, paper, staff, as_deputy):
    reader = factories.deputy()
    doc = paper(audience={"selectors": {"deputy_ids": [reader.id]}}, category="参阅资料", confidentiality=level)
    client = as_deputy(reader)
    assert client.get(f"{URL}/my/papers/{doc['id']}/download").status_code == 403
    file_id = staff.get(f"{URL}/papers/{doc['id']}").get_json()
    stored = factories_file_of(doc["id"])
    # The uploader (staff) cannot get a link through the files service either, nor use one issued before.
    assert staff.get(f"/api/v1/files/{stored.id}").status_code == 403
    from api.files.services import _serializer

    early = _serializer().dumps({"f": stored.id})
    assert staff.get(f"/api/v1/files/download/{early}").status_code == 403
    for response in (client.get(f"{URL}/my/papers/{doc['id']}"), staff.get(f"{URL}/papers/{doc['id']}"), file_id):
        body = response if isinstance(response, dict) else response.get_json()
        assert "url" not in body and "download" not in str(body)


def factories_file_of(paper_id):
    from api.briefings.models import Paper

    return Paper.get_by_id(paper_id).file


def test_open_papers_may_be_downloaded(paper, as_deputy):
    reader = factories.deputy()
    doc = paper(audience={"selectors": {"deputy_ids": [reader.id]}}, category="参阅资料", confidentiality="open")
    response = as_deputy(reader).get(f"{URL}/my/papers/{doc['id']}/download")
    assert response.status_code == 200
    assert as_deputy(reader).get(response.get_json()["url"]).status_code == 200


def test_the_page_image_carries_the_viewers_watermark(paper, as_deputy, app):
    first = factories.deputy(name="张三", phone="13812345678")
    second = factories.deputy(name="李四", phone="13900001111")
    doc = paper(audience={"selectors": {"deputy_ids": [first.id, second.id]}}, category="参阅资料")
    images = []
    for reader in (first, second):
        response = as_deputy(reader).get(links_of(as_deputy(reader), doc["id"])[0])
        assert response.status_code == 200 and response.mimetype == "image/png"
        assert response.headers["Cache-Control"] == "private, no-store"
        images.append(Image.open(io.BytesIO(response.data)).convert("RGB"))
    from api.briefings.models import Paper

    clean = Image.open(io.BytesIO(pages.clean_render(Paper.get_by_id(doc["id"]).file, 1))).convert("RGB")
    assert images[0].size == clean.size == (app.config["PAPER_PAGE_WIDTH"], clean.size[1])
    # Drawn into the pixels, and different for each viewer.
    assert _changed_share(images[0], clean) > 0.02
    assert _changed_share(images[0], images[1]) > 0.005


def _changed_share(a, b):
    histogram = ImageChops.difference(a, b).convert("L").histogram()
    return sum(histogram[25:]) / (a.size[0] * a.size[1])


def test_watermark_text_names_the_viewer_with_a_masked_phone(paper, as_deputy):
    reader = factories.deputy(name="王五", phone="13712345678")
    doc = paper(audience={"selectors": {"deputy_ids": [reader.id]}}, category="参阅资料")
    url = links_of(as_deputy(reader), doc["id"])[0]
    claims, issued = pages.resolve(url.rsplit("/", 1)[1])
    from api.briefings.reading import _viewer_identity

    name, phone = _viewer_identity(claims)
    text = pages.watermark_text(name, phone, issued)
    assert text.startswith("王五  137****5678  20")


def test_links_expire(paper, as_deputy, app):
    reader = factories.deputy()
    doc = paper(audience={"selectors": {"deputy_ids": [reader.id]}}, category="参阅资料")
    url = links_of(as_deputy(reader), doc["id"])[0]
    app.config["PAPER_LINK_TTL_SECONDS"] = -1
    assert as_deputy(reader).get(url).status_code == 410


def test_a_tampered_link_is_not_found(paper, as_deputy):
    reader = factories.deputy()
    doc = paper(audience={"selectors": {"deputy_ids": [reader.id]}}, category="参阅资料")
    url = links_of(as_deputy(reader), doc["id"])[0]
    assert as_deputy(reader).get(url[:-3] + "abc").status_code == 404


def test_every_view_is_logged_and_reported(paper, as_deputy, staff):
    reader = factories.deputy(name="赵六")
    doc = paper(audience={"selectors": {"deputy_ids": [reader.id]}}, category="参阅资料", pages=3)
    client = as_deputy(reader)
    urls = links_of(client, doc["id"])
    for url in (urls[0], urls[2], urls[0]):
        assert client.get(url).status_code == 200
    log = staff.get(f"{URL}/papers/{doc['id']}/views").get_json()
    assert sorted(row["page"] for row in log) == [1, 1, 3]
    assert {row["viewer_name"] for row in log} == {"赵六"} and {row["deputy_id"] for row in log} == {reader.id}
    assert [row.cached for row in PaperView.select().order_by(PaperView.id)] == [False, False, True]


def test_read_report_reminder_and_export(paper, as_deputy, staff, standin):
    readers = [factories.deputy() for _ in range(3)]
    doc = paper(audience={"selectors": {"deputy_ids": [d.id for d in readers]}}, category="参阅资料")
    as_deputy(readers[0]).get(f"{URL}/my/papers/{doc['id']}")
    stats = staff.get(f"{URL}/papers/{doc['id']}/stats").get_json()
    assert (stats["recipients"], stats["opened"], stats["unopened"]) == (3, 1, 2)
    unopened = staff.get(f"{URL}/papers/{doc['id']}/readers?status=unopened").get_json()
    assert {r["deputy_id"] for r in unopened} == {readers[1].id, readers[2].id}
    reminded = staff.post(f"{URL}/papers/{doc['id']}/remind")
    assert reminded.status_code == 200 and reminded.get_json()["recipients"] == 2
    exported = staff.get(f"{URL}/papers/{doc['id']}/export")
    assert exported.status_code == 200 and exported.data[:2] == b"PK"
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(exported.data))["阅读情况"]
    states = sorted(row[3] for row in sheet.iter_rows(min_row=2, values_only=True))
    assert states == ["已阅", "未阅", "未阅"]


def test_staff_preview_is_watermarked_with_their_name(paper, staff):
    doc = paper(audience={"selectors": {"all": True}}, category="参阅资料", publish=False)
    factories.deputy()
    response = staff.get(f"{URL}/papers/{doc['id']}/pages")
    assert response.status_code == 200
    assert staff.get(response.get_json()["pages"][0]["url"]).status_code == 200
    assert PaperView.get().user_id == staff.user.id

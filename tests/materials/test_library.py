"""The library: editing, publishing, audience rules through the cache, unpublishing while reading."""
import pytest

from tests import factories
from tests.materials.conftest import URL, article, deputies
from tests.support import assert_error_shape


def test_staff_create_edit_and_publish_an_article(staff, create_material):
    deputies(1)
    material = create_material(publish=False, body="<p>要点</p><script>alert(1)</script>")
    assert material["state"] == "draft" and "<script>" not in material["body"]
    response = staff.patch(f"{URL}/items/{material['id']}", json={"title": "新标题", "tags": ["宪法"]})
    assert response.status_code == 200 and response.get_json()["tags"] == ["宪法"]
    assert staff.post(f"{URL}/items/{material['id']}/publish").get_json()["state"] == "published"
    listed = staff.get(f"{URL}/items", query_string={"state": "published"}).get_json()
    assert [m["id"] for m in listed] == [material["id"]]


@pytest.mark.parametrize("body, field", [
    (article(kind="link", body=""), "url"),
    (article(kind="document", body=""), "file_id"),
    (article(kind="article", body=""), "body"),
    (article(category="不存在"), "category"),
    (article(audience={}), "audience"),
])
def test_content_must_fit_its_kind(staff, body, field):
    body = assert_error_shape(staff.post(f"{URL}/items", json=body), 422)
    assert field in (body.get("errors") or {}), body


def test_a_document_comes_from_the_file_service(staff):
    upload = staff.post("/api/v1/files", data={"file": (__import__("io").BytesIO(b"%PDF-1.4 test"), "a.pdf")},
                        content_type="multipart/form-data")
    assert upload.status_code == 201, upload.get_json()
    response = staff.post(f"{URL}/items", json=article(kind="document", body="", file_id=upload.get_json()["id"]))
    assert response.status_code == 201, response.get_json()


def test_the_audience_decides_who_sees_what(staff, create_material, as_deputy):
    mine, other = factories.delegation(), factories.delegation()
    insider, outsider = factories.deputy(delegation=mine), factories.deputy(delegation=other)
    everyone = create_material(title="全体可见")
    targeted = create_material(title="仅本团", audience={"delegation_ids": [mine.id]})
    seen_in = [m["id"] for m in as_deputy(insider).get(f"{URL}/library").get_json()["items"]]
    seen_out = [m["id"] for m in as_deputy(outsider).get(f"{URL}/library").get_json()["items"]]
    assert set(seen_in) == {everyone["id"], targeted["id"]}
    assert seen_out == [everyone["id"]]  # served warm from the cache for the insider, never to the outsider
    assert as_deputy(outsider).get(f"{URL}/library").get_json()["items"] == [
        m for m in as_deputy(outsider).get(f"{URL}/library").get_json()["items"] if m["id"] == everyone["id"]
    ]
    assert_error_shape(as_deputy(outsider).get(f"{URL}/library/{targeted['id']}"), 404)
    assert as_deputy(insider).get(f"{URL}/library/{targeted['id']}").status_code == 200


def test_drafts_never_reach_deputies(create_material, as_deputy):
    (someone,) = deputies(1)
    draft = create_material(publish=False)
    client = as_deputy(someone)
    assert client.get(f"{URL}/library").get_json()["items"] == []
    assert_error_shape(client.get(f"{URL}/library/{draft['id']}"), 404)


def test_unpublishing_while_a_deputy_is_reading(staff, create_material, as_deputy):
    (reader,) = deputies(1)
    client = as_deputy(reader)
    material = create_material()
    assert client.get(f"{URL}/library").get_json()["total"] == 1  # cached now
    opened = client.post(f"{URL}/library/{material['id']}/open").get_json()
    assert staff.post(f"{URL}/items/{material['id']}/unpublish").status_code == 200
    assert client.get(f"{URL}/library").get_json()["items"] == []  # the cache does not serve it any more
    assert_error_shape(client.get(f"{URL}/library/{material['id']}"), 410)
    beat = client.post(f"{URL}/heartbeats", json={"session": opened["session"], "material_id": material["id"]})
    assert_error_shape(beat, 410)
    assert_error_shape(client.post(f"{URL}/library/{material['id']}/complete"), 410)
    # Republished, it is back for the same reader.
    assert staff.post(f"{URL}/items/{material['id']}/publish").status_code == 200
    assert client.get(f"{URL}/library").get_json()["total"] == 1


def test_a_published_audience_is_fixed(staff, create_material):
    deputies(1)
    material = create_material()
    response = staff.patch(f"{URL}/items/{material['id']}", json={"audience": {"deputy_ids": [1]}})
    assert_error_shape(response, 409)


def test_catalogue_filters_by_category_and_tag(create_material, as_deputy):
    (someone,) = deputies(1)
    create_material(title="宪法", category="法律法规", tags=["宪法"])
    create_material(title="理论", category="政治理论")
    client = as_deputy(someone)
    page = client.get(f"{URL}/library", query_string={"category": "政治理论"}).get_json()
    assert [m["title"] for m in page["items"]] == ["理论"] and page["categories"] == {"法律法规": 1, "政治理论": 1}
    assert [m["title"] for m in client.get(f"{URL}/library", query_string={"tag": "宪法"}).get_json()["items"]] == [
        "宪法"
    ]


def test_a_deputy_who_moves_delegation_loses_content_after_the_cache_lifetime_or_a_change(
    staff, create_material, as_deputy
):
    mine = factories.delegation()
    moving = factories.deputy(delegation=mine)
    targeted = create_material(audience={"delegation_ids": [mine.id]})
    client = as_deputy(moving)
    assert client.get(f"{URL}/library").get_json()["total"] == 1
    moving.delegation = factories.delegation()
    moving.save()
    create_material(title="另一份")  # any publish moves the generation
    assert [m["id"] for m in client.get(f"{URL}/library").get_json()["items"]] != [targeted["id"]]
    assert targeted["id"] not in [m["id"] for m in client.get(f"{URL}/library").get_json()["items"]]

"""Learning materials in the one search: found by exactly those the library shows them to, and kept in step."""
from tests import factories
from tests.materials.conftest import URL

SEARCH = "/api/v1/search"


def found(client, q, **params):
    response = client.get(SEARCH, query_string={"q": q, **params})
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    return [item["key"] for item in body["items"] if item["kind"] == "material"], body


def test_a_material_is_found_only_by_its_audience_and_the_office(staff, create_material, as_deputy):
    mine, other = factories.delegation(), factories.delegation()
    insider, outsider = factories.deputy(delegation=mine), factories.deputy(delegation=other)
    targeted = create_material(title="代表建议撰写要点", body="<p>建议要写清问题、原因和对策。</p>",
                               audience={"delegation_ids": [mine.id]})
    create_material(title="草稿里的代表建议", publish=False)

    keys, body = found(as_deputy(insider), "代表建议")
    assert keys == [targeted["id"]]
    assert body["items"][0]["title_html"] == "<em>代表建议</em>撰写要点"
    keys, body = found(as_deputy(outsider), "代表建议")
    assert keys == [] and body["total"] == 0  # nothing through results, counts or facets
    assert all(facet["count"] == 0 for facet in body["facets"] if facet["kind"] == "material")
    assert found(staff, "代表建议", kind="material")[0] == [targeted["id"]]


def test_the_index_follows_edits_and_unpublishing(staff, create_material, as_deputy):
    reader = factories.deputy()
    material = create_material(title="预算审查入门")
    client = as_deputy(reader)
    assert found(client, "预算审查")[0] == [material["id"]]

    assert staff.patch(f"{URL}/items/{material['id']}", json={"body": "<p>国有资产管理情况报告</p>"}).status_code == 200
    assert found(client, "国有资产")[0] == [material["id"]]

    assert staff.post(f"{URL}/items/{material['id']}/unpublish").status_code == 200
    assert found(client, "预算审查")[0] == []
    assert found(staff, "预算审查")[0] == []
    assert staff.post(f"{URL}/items/{material['id']}/publish").status_code == 200
    assert found(client, "预算审查")[0] == [material["id"]]

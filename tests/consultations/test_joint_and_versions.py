"""Joint opinions of a deputy group signed by the members who join; later versions and their diff."""
import re

from api.common.events import PerformanceEvent
from api.consultations.numbering import to_chinese
from tests import factories
from tests.consultations.conftest import LAW, URL, article, past_deadline
from tests.support import assert_error_shape


def test_a_joint_opinion_signed_by_the_members_who_join(staff, as_deputy, publish_draft):
    group = factories.group()
    author, joiner, idle = (factories.deputy(groups=[group]) for _ in range(3))
    outsider = factories.deputy()
    clients = {deputy.id: as_deputy(deputy) for deputy in (author, joiner, idle, outsider)}
    as_deputy = lambda deputy: clients[deputy.id]  # noqa: E731  (one sign-in per deputy)
    draft = publish_draft()
    first = article(draft, 1)
    body = {"unit_id": first["id"], "content": "小组建议：增加立法目的中的生态优先表述。", "group_id": group.id}
    joint = as_deputy(author).post(f"{URL}/feed/{draft['id']}/opinions", json=body).get_json()
    assert joint["group_name"] == group.name and [s["deputy_id"] for s in joint["signers"]] == [author.id]
    # Members see it to join; an outsider neither sees nor joins it.
    offered = as_deputy(joiner).get(f"{URL}/feed/{draft['id']}").get_json()["joint"]
    assert [o["id"] for o in offered] == [joint["id"]]
    signed = as_deputy(joiner).post(f"{URL}/opinions/{joint['id']}/sign")
    assert signed.status_code == 200 and signed.get_json()["mine"] is False
    assert as_deputy(joiner).post(f"{URL}/opinions/{joint['id']}/sign").status_code == 200  # twice: once
    assert_error_shape(as_deputy(outsider).post(f"{URL}/opinions/{joint['id']}/sign"), 404)
    assert as_deputy(idle).get(f"{URL}/mine").get_json() == []
    listed = staff.get(f"{URL}/{draft['id']}/opinions").get_json()[0]
    assert [s["deputy_id"] for s in listed["signers"]] == [author.id, joiner.id]
    events = PerformanceEvent.select().where(PerformanceEvent.object_id == joint["id"])
    assert {e.deputy_id for e in events} == {author.id, joiner.id}
    # Joining closes with the deadline.
    past_deadline(draft["id"])
    assert_error_shape(as_deputy(idle).post(f"{URL}/opinions/{joint['id']}/sign"), 409)


def test_only_a_member_speaks_for_a_group(as_deputy, publish_draft):
    group = factories.group()
    stranger = factories.deputy()
    draft = publish_draft()
    refused = as_deputy(stranger).post(f"{URL}/feed/{draft['id']}/opinions",
                                       json={"content": "以小组名义", "group_id": group.id})
    assert "group_id" in assert_error_shape(refused, 422)["errors"]


def renumbered_law():
    """Version 2: a new article after 第一条, 第二条 changed, every later article renumbered, 第六条 removed."""
    first = "第一条　为了促进城市绿化事业的发展，改善生态环境，根据有关法律、法规，结合本市实际，制定本条例。"
    text = LAW.replace(first, first + "\n第一条　市民享有在良好绿化环境中生活的权利，有保护绿化的义务。")
    text = text.replace("本条例适用于本市城市规划区内的", "本条例适用于本市行政区域内的")
    text = text.replace("第六条　城市绿化工程的设计，应当委托具有相应资质的设计单位承担。\n", "")
    counter = iter(range(1, 100))
    return re.sub(r"^第[一二三四五六七八九十]+条", lambda m: f"第{to_chinese(next(counter))}条", text, flags=re.M)


def test_a_new_version_with_its_diff_article_by_article(staff, as_deputy, publish_draft):
    me = as_deputy(factories.deputy())
    draft = publish_draft()
    made = staff.post(f"{URL}/{draft['id']}/versions", json={"text": renumbered_law(), "note": "根据初审意见修改"})
    assert made.status_code == 201, made.get_json()
    assert made.get_json()["version"] == 2
    versions = staff.get(f"{URL}/{draft['id']}/versions").get_json()
    assert [(v["number"], v["articles"]) for v in versions] == [(2, 7), (1, 7)]
    diff = me.get(f"{URL}/feed/{draft['id']}/diff?from=1&to=2").get_json()
    changes = [(c["change"], c["old_label"], c["new_label"]) for c in diff["changes"]]
    assert changes == [
        ("unchanged", "第一条", "第一条"),
        ("added", None, "第二条"),
        ("changed", "第二条", "第三条"),
        ("renumbered", "第三条", "第四条"),
        ("renumbered", "第四条", "第五条"),
        ("renumbered", "第五条", "第六条"),
        ("unchanged", "第七条", "第七条"),
        ("removed", "第六条", None),
    ]
    changed = diff["changes"][2]
    assert changed["renumbered"] is True
    assert {"op": "delete", "text": "城市规划区内"} in changed["segments"]
    assert {"op": "insert", "text": "行政区域内"} in changed["segments"]
    assert diff["summary"] == {"added": 1, "removed": 1, "changed": 1, "renumbered": 3, "unchanged": 2}
    # Deputies now read and comment on version 2; an article of version 1 is no target any more.
    current = me.get(f"{URL}/feed/{draft['id']}").get_json()
    assert current["version"] == 2 and current["versions"] == [1, 2]
    old_first = article(draft, 1)
    assert_error_shape(me.post(f"{URL}/feed/{draft['id']}/opinions", json={"unit_id": old_first["id"],
                                                                        "content": "旧版本"}), 422)
    assert_error_shape(me.get(f"{URL}/feed/{draft['id']}/diff?from=1&to=9"), 404)


def test_a_new_version_only_while_open(staff, create_draft):
    draft = create_draft()
    assert_error_shape(staff.post(f"{URL}/{draft['id']}/versions", json={"text": LAW}), 409)
    assert_error_shape(staff.post(f"{URL}/{draft['id']}/versions", json={"text": LAW, "structure": {"units": []}}),
                       422)

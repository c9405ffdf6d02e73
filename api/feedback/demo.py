"""A few demo cases at the first two stations (the `station1`/`station2` accounts), in every stage."""
import datetime as dt

from api.common.db import utcnow
from api.feedback import similar
from api.feedback.intake import ALPHABET, CODE_LENGTH
from api.feedback.models import FINISHED, FeedbackCase, today
from api.feedback.workflow import CASE_FLOW

# (station index, state, category, content, unit index or None, due in days or None, extra fields)
CASES = [
    (0, "submitted", "城乡建设", "小区门口路灯坏了一个多月，晚上出行很不安全，希望尽快修复。", None, None, {}),
    (0, "submitted", "城乡建设", "小区门口的路灯一直不亮，老人晚上散步容易摔倒。", None, None,
     {"name": "陈秀英", "phone": "13800000001"}),
    (0, "accepted", "交通出行", "公交站台的雨棚漏雨，候车时衣服全湿了。", None, None, {}),
    (0, "forwarded", "生态环境", "河道边有餐馆直排污水，夏天气味很大。", 0, 8, {}),
    (0, "forwarded", "市场监管", "菜市场电子秤缺斤短两，多次反映没有结果。", 1, -3, {}),
    (0, "answered", "教育", "学校门口早高峰拥堵，希望增加交通协管。", 2, 5,
     {"answer": "已协调交警在早高峰安排两名协管员。"}),
    (0, "closed", "社会保障", "希望社区增设老年助餐点。", 0, None,
     {"reply": "街道已在社区服务中心开设助餐点，每日11:00–13:00供餐。"}),
    (1, "rated", "城乡建设", "楼道堆放杂物，存在消防隐患。", 0, None,
     {"reply": "社区已组织清理，并张贴告示。", "rating": "满意"}),
    (1, "submitted", "医疗卫生", "社区卫生服务站周末不开门，看病不方便。", None, None, {}),
]


def seed_cases(rng, stations, units):
    day = today()
    for station_index, state, category, content, unit_index, due_in, extra in CASES:
        fields = dict(extra)
        if fields.get("name"):
            fields.update(consent_version="2026-11", consent_text="演示数据：同意联络站和承办单位就本事项联系本人。")
        if unit_index is not None:
            fields.update(unit=units[unit_index], forwarded_at=utcnow())
        if due_in is not None:
            fields["due_date"] = day + dt.timedelta(days=due_in)
        case = FeedbackCase.create(
            tracking_code="".join(rng.choice(ALPHABET) for _ in range(CODE_LENGTH)),
            station=stations[station_index], category=category, content=content, state=state, **fields,
        )
        CASE_FLOW.start(case, reason="演示数据")
        if state not in FINISHED:
            similar.index_case(case)  # the two 路灯 cases suggest each other in the console
    return len(CASES)

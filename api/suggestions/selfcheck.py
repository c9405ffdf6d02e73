"""自检自测: the rules a draft is checked against before it is submitted, each shown with its reason.

Every rule returns one result: `rule` (its key), `label` (what it checks), `passed`, `reason` (why it
failed, or what it found), `blocking` (a failed blocking rule stops the submission; a failed warning
must be acknowledged) and, for near-duplicates, the suggestions found with their answers.
"""
import re

from api.suggestions import similar

TITLE_MIN = 8
TITLE_MAX = 60
SECTION_MIN = 20  # characters of substance in each of 问题 / 原因 / 建议
# Titles that name no matter: "关于若干问题的建议" could head any suggestion.
VAGUE_TITLE = re.compile(
    r"^(关于)?(若干|一些|有关|几点|几个|相关|多个|部分)?(问题|事项|情况|工作)?的?(几点)?(建议|意见|思考|想法)$")
VAGUE_WORDS = ("若干问题", "一些问题", "有关问题", "几点建议", "相关问题", "几点意见", "一些建议", "有关事项")
FILLER = re.compile(r"[\s\W_]+")
# Signs that the text is the writer's own matter or one private case (those belong in constituent feedback).
PERSONAL_MARKERS = (
    "我家", "我的", "本人", "我父亲", "我母亲", "我爸", "我妈", "我儿子", "我女儿", "我丈夫", "我妻子", "我老婆",
    "我老公",
    "我单位", "我公司", "我被", "给我", "赔偿我", "欠我", "我要求", "我本人", "我亲戚",
)
PRIVATE_CASE = re.compile(r"(拖欠|克扣).{0,6}(我|其).{0,4}(工资|工钱)|(要求|请求).{0,6}(赔偿|补偿|退还).{0,4}(我|本人)")
PERSONAL_THRESHOLD = 3  # markers in the text before it reads as a personal grievance


def _substance(text):
    return len(FILLER.sub("", text or ""))


def check_title(draft):
    title = (draft.get("title") or "").strip()
    reason = None
    if _substance(title) < TITLE_MIN:
        reason = f"标题过短，请写明具体事项和地点或对象（至少 {TITLE_MIN} 个字）。"
    elif len(title) > TITLE_MAX:
        reason = f"标题过长，请控制在 {TITLE_MAX} 字以内。"
    elif VAGUE_TITLE.match(title) or any(word in title for word in VAGUE_WORDS):
        reason = "标题过于笼统，请写明具体事项，例如「关于增设某某路口红绿灯的建议」。"
    return {"rule": "title", "label": "标题具体", "passed": reason is None, "blocking": True,
            "reason": reason or "标题写明了具体事项。"}


SECTIONS = (("problem", "问题"), ("cause", "原因"), ("proposal", "建议"))


def check_sections(draft):
    missing = [label for key, label in SECTIONS if _substance(draft.get(key)) < SECTION_MIN]
    texts = [FILLER.sub("", draft.get(key) or "") for key, _ in SECTIONS]
    repeated = len(set(texts)) < len(texts) and not missing
    if missing:
        reason = f"「{'、'.join(missing)}」部分缺少或过于简单（每部分至少 {SECTION_MIN} 字的实际内容）。"
    elif repeated:
        reason = "问题、原因、建议三部分内容重复，请分别写明。"
    else:
        reason = None
    return {"rule": "sections", "label": "问题、原因、建议三部分齐全且充实", "passed": reason is None,
            "blocking": True, "reason": reason or "三部分齐全。"}


def check_personal(draft):
    text = " ".join(draft.get(key) or "" for key in ("title", "problem", "cause", "proposal"))
    markers = sum(text.count(marker) for marker in PERSONAL_MARKERS)
    private = PRIVATE_CASE.search(text) is not None
    failed = private or markers >= PERSONAL_THRESHOLD
    reason = ("内容像是个人诉求或单一个案（如本人或家人的纠纷、赔偿、欠薪），此类问题请通过群众意见渠道反映，"
              "代表建议应针对带有普遍性的问题。") if failed else "内容针对普遍性问题。"
    return {"rule": "personal", "label": "不是个人诉求或单一个案", "passed": not failed, "blocking": False,
            "reason": reason}


def check_duplicates(draft, term, exclude=None):
    found = similar.duplicates(draft, term, exclude=exclude)
    if found:
        reason = f"本届已有 {len(found)} 件内容相近的建议，请先查看其答复，避免重复提出，或在建议中说明新的情况。"
    else:
        reason = "本届未发现内容相近的建议。"
    return {"rule": "duplicates", "label": "本届无相近建议", "passed": not found, "blocking": False,
            "reason": reason, "similar": found}


def run(draft, term, exclude=None):
    """Every rule's result, in the order they are shown, and whether the draft may be submitted."""
    results = [check_title(draft), check_sections(draft), check_personal(draft),
               check_duplicates(draft, term, exclude)]
    return {
        "rules": results,
        "can_submit": all(r["passed"] for r in results if r["blocking"]),
        "warnings": [r["rule"] for r in results if not r["passed"] and not r["blocking"]],
    }

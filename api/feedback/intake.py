"""Taking in a constituent's case: limits, idempotency, screening, tracking code, one transaction.

A constituent is never asked to register: the mini-program's silent `wx.login` gives them a WeChat
identity (role constituent), which is all intake needs; name and phone stay optional.
"""
import secrets

from flask import current_app

from api.auth.models import User
from api.common import idempotency
from api.common.db import utcnow
from api.common.errors import Invalid, TooSoon
from api.common.http import client_address
from api.common.ratelimit import hit_all
from api.extensions import db
from api.feedback import screening
from api.feedback.models import CATEGORIES, SCREEN_PENDING, STATE_LABELS, CasePhoto, FeedbackCase
from api.feedback.schemas import CONTENT_MAX, MAX_PHOTOS
from api.feedback.tasks import index_new_case, screen_case
from api.feedback.workflow import CASE_FLOW
from api.files.models import StoredFile
from api.jobs import services as jobs
from api.org.models import Station

# No 0/O, 1/I: read aloud or copied from a screen, a code must not be mistaken. 32 symbols, 10 of them:
# 50 random bits from `secrets`, so guessing one among a million cases takes ~10^9 tries.
ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
CODE_LENGTH = 10
HOUR, MINUTE = 3600, 60


def new_tracking_code():
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(raw):
    """What a person types: any case, with spaces or dashes; None if it cannot be a code."""
    code = "".join(ch for ch in raw.upper() if ch not in " -")
    if len(code) != CODE_LENGTH or any(ch not in ALPHABET for ch in code):
        return None
    return code


def consent():
    config = current_app.config
    return {"version": config["FEEDBACK_CONSENT_VERSION"], "text": config["FEEDBACK_CONSENT_TEXT"]}


def intake_info():
    return {"categories": list(CATEGORIES), "consent": consent(), "max_photos": MAX_PHOTOS, "content_max": CONTENT_MAX}


def limit(name, limit_, window):
    if not current_app.config["RATELIMIT_ENABLED"] or not limit_:
        return
    wait = hit_all([(name, limit_, window)])
    if wait:
        raise TooSoon("提交过于频繁，请稍后再试。", retry_after=wait)


def check_limits(principal, station_id):
    """Per identity and address an hour, per station a minute: counted in that order in one Redis round
    trip; the first one reached answers 429 (and the ones after it are not counted)."""
    config = current_app.config
    if not config["RATELIMIT_ENABLED"]:
        return
    limits = [
        (f"feedback:user:{principal.user_id}", config["FEEDBACK_SUBMIT_PER_USER_HOUR"], HOUR),
        (f"feedback:addr:{client_address()}", config["FEEDBACK_SUBMIT_PER_ADDRESS_HOUR"], HOUR),
        (f"feedback:station:{station_id}", config["FEEDBACK_SUBMIT_PER_STATION_MINUTE"], MINUTE),
    ]
    wait = hit_all([(name, limit_, window) for name, limit_, window in limits if limit_])
    if wait:
        raise TooSoon("提交过于频繁，请稍后再试。", retry_after=wait)


def submit(data, principal, key=None):
    """Create one case and answer its receipt; a retry with the same key answers the first receipt."""
    scope = f"feedback.case:{principal.user_id}"
    print_ = idempotency.fingerprint(data)
    done = idempotency.replay(scope, key, print_)
    if done is not None:
        return done
    check_limits(principal, data["station_id"])
    station_id, openid, word = _station_openid_and_word(data["station_id"], principal, data["content"])
    photos = _own_images(data["photo_ids"], principal)
    personal = _personal_fields(data)
    verdict = screening.screen(data["content"], openid, word=word)
    try:
        with db.atomic():
            case = _create(
                station=station_id, category=data["category"], content=data["content"], submitter=principal.user_id,
                state=verdict.state, screening=verdict.screening, screening_label=verdict.label, **personal,
            )
            if photos:
                CasePhoto.insert_many(
                    [{"case": case.id, "file": file_id, "position": n} for n, file_id in enumerate(photos)]
                ).execute()
            CASE_FLOW.start(case, principal, payload={"screening": verdict.screening})
            queued = _record_jobs(case, verdict)
            answer = receipt(case)
            idempotency.remember(scope, key, print_, answer, entity_id=case.id)
    except idempotency.AlreadyDone as race:
        return race.answer
    for job in queued:
        jobs.dispatch(job)
    return answer


def _record_jobs(case, verdict):
    """Work that need not hold up the answer, recorded in the case's transaction (never lost) and run by
    the worker: indexing for similar-case suggestions (~3 ms of the request before; they appear within
    seconds), and the screening WeChat could not do now."""
    queued = [jobs.record_job(index_new_case, case.id)]
    if verdict.screening == SCREEN_PENDING:
        queued.append(jobs.record_job(screen_case, case.id))
    return queued


def receipt(case):
    return {
        "id": case.id,
        "tracking_code": case.tracking_code,
        "state": case.state,
        "state_label": STATE_LABELS[case.state],
        "message": f"已收到您的反映，查询码 {case.tracking_code}，请妥善保存以便查询办理进度。",
    }


def _create(**fields):
    """Insert the case under a fresh tracking code; a code already taken (one chance in 2^50 per case)
    inserts nothing and another is drawn. ON CONFLICT … RETURNING, not a savepoint around a plain insert:
    one statement on the request's hot path instead of three."""
    now = utcnow()
    fields = {**fields, "created_at": now, "updated_at": now}
    for _ in range(3):
        code = new_tracking_code()
        inserted = list(
            FeedbackCase.insert(tracking_code=code, **fields)
            .on_conflict(conflict_target=[FeedbackCase.tracking_code], action="IGNORE")
            .returning(FeedbackCase.id)
            .tuples()
            .execute()
        )
        if inserted:
            return FeedbackCase(id=inserted[0][0], tracking_code=code, **fields)
    raise RuntimeError("no free tracking code after 3 draws: is new_tracking_code still random?")


def _station_openid_and_word(station_id, principal, content):
    """The station must be active; the submitter's WeChat openid (None without one) is for msgSecCheck; the
    first staff-listed word in the content decides screening first. One query for the three: intake is the
    hot path, and each round trip counts there."""
    openid = User.select(User.openid).where(User.id == principal.user_id)
    word = screening.first_word_in(content)
    row = (Station.select(Station.id, openid.alias("openid"), word.alias("word"))
           .where((Station.id == station_id) & (Station.is_active == True))  # noqa: E712
           .tuples().first())
    if row is None:
        raise Invalid("联络站不存在或已停用。", errors={"station_id": ["联络站不存在或已停用。"]})
    return row


def _own_images(photo_ids, principal):
    """The photos must be images this constituent uploaded and has not attached to another case."""
    ids = list(dict.fromkeys(photo_ids))
    if not ids:
        return []
    usable = {
        file_id
        for (file_id,) in StoredFile.select(StoredFile.id)
        .where(
            StoredFile.id.in_(ids),
            StoredFile.uploaded_by == principal.user_id,
            StoredFile.content_type.startswith("image/"),
            StoredFile.id.not_in(CasePhoto.select(CasePhoto.file)),
        )
        .tuples()
    }
    bad = [file_id for file_id in ids if file_id not in usable]
    if bad:
        raise Invalid("照片须为本人上传且未用于其他事项的图片。", errors={"photo_ids": [f"不可用的文件：{bad}"]})
    return ids


def _personal_fields(data):
    if not (data.get("name") or data.get("phone")):
        return {"name": None, "phone": None, "consent_version": None, "consent_text": None}
    current = consent()
    if data.get("consent_version") != current["version"]:
        raise Invalid(
            "告知书已更新，请阅读新版后再提交。",
            errors={"consent_version": [f"当前版本为 {current['version']}。"]},
        )
    return {
        "name": data.get("name"),
        "phone": data.get("phone"),
        "consent_version": current["version"],
        "consent_text": current["text"],
    }

"""Heartbeat intake: each beat is one Lua call in Redis; the database receives them in batches.

A beat is checked and counted in one script: the open session (`learn:open:{deputy}`: session,
material, time of the last credited beat), the material not unpublished (`learn:off:{material}`), the
credit, and the beat's numbers added to the buffer `learn:buf:{deputy}:{material}` (seconds, beats,
position, best percent), whose key joins the set `learn:dirty`. So a beat costs the request no database
write, which is what lets intake keep up with thousands of deputies studying at once.

The buffer reaches `learning_progress` by `flush_one` (before anything reads a deputy's progress:
opening, reading, completing) and by `flush_pending` (every minute, api/materials/tasks.py). Taking a
buffer reads and deletes it in one script; if the database write then fails the numbers are added back,
so a beat answered 200 is never lost, only counted later. A beat that lands while a buffer is being
taken starts a new buffer and marks it dirty again.
"""
import time

from flask import current_app
from peewee import Case

from api.common.db import utcnow
from api.common.errors import Conflict, Gone
from api.extensions import db, redis_store
from api.materials.models import Progress

DIRTY = "learn:dirty"
OPEN_TTL = 3600  # an open session lapses after an hour without a heartbeat
FLUSH_BATCH = 500
NOT_OPEN = "请先打开该资料再学习。"
ELSEWHERE = "您已在其他设备或页面打开了学习内容，本页面不再计时。"
UNPUBLISHED = "该资料已下架，学习记录已保存。"

# KEYS: open, off, buffer, dirty. ARGV: session, material, now ms, min gap ms, max credit ms, ttl, position,
# percent, dirty member. Returns -1 nothing open or another material, -2 another session, -3 unpublished,
# else the credited whole seconds.
_BEAT = """
local open = redis.call('HMGET', KEYS[1], 'session', 'material', 'last')
if not open[1] then return -1 end
if open[1] ~= ARGV[1] then return -2 end
if open[2] ~= ARGV[2] then return -1 end
if redis.call('EXISTS', KEYS[2]) == 1 then return -3 end
redis.call('EXPIRE', KEYS[1], tonumber(ARGV[6]))
local now = tonumber(ARGV[3])
local gap = now - tonumber(open[3])
local credit = 0
if gap >= tonumber(ARGV[4]) then
  credit = math.floor(math.min(gap, tonumber(ARGV[5])) / 1000)
  redis.call('HSET', KEYS[1], 'last', now)
end
redis.call('HINCRBY', KEYS[3], 'seconds', credit)
redis.call('HINCRBY', KEYS[3], 'beats', 1)
redis.call('HSET', KEYS[3], 'position', ARGV[7])
local best = tonumber(redis.call('HGET', KEYS[3], 'percent') or '-1')
if tonumber(ARGV[8]) > best then redis.call('HSET', KEYS[3], 'percent', ARGV[8]) end
redis.call('SADD', KEYS[4], ARGV[9])
return credit
"""
_TAKE = """
local values = redis.call('HGETALL', KEYS[1])
redis.call('DEL', KEYS[1])
return values
"""
_scripts = {}


def _script(name, source):
    if name not in _scripts:
        _scripts[name] = redis_store.register_script(source)
    return _scripts[name]


def buffer_key(deputy_id, material_id):
    return f"learn:buf:{deputy_id}:{material_id}"


def off_key(material_id):
    return f"learn:off:{material_id}"


def start(deputy_id, material_id, session):
    """The deputy's one open session is now this one (any other stops earning)."""
    key = f"learn:open:{deputy_id}"
    with redis_store.pipeline() as pipe:
        pipe.delete(key)
        pipe.hset(key, mapping={"session": session, "material": material_id, "last": int(time.time() * 1000)})
        pipe.expire(key, OPEN_TTL)
        pipe.execute()


def beat(deputy_id, data):
    """Count one heartbeat; the credited seconds, or Conflict (not open, elsewhere) / Gone (unpublished)."""
    config = current_app.config
    min_gap, max_credit = int(config["LEARNING_HEARTBEAT_MIN_SECONDS"]), int(config["LEARNING_HEARTBEAT_MAX_CREDIT"])
    material_id = data["material_id"]
    credit = int(_script("beat", _BEAT)(
        keys=[f"learn:open:{deputy_id}", off_key(material_id), buffer_key(deputy_id, material_id), DIRTY],
        args=[data["session"], material_id, int(time.time() * 1000), min_gap * 1000, max_credit * 1000, OPEN_TTL,
              data["position"], data["percent"], f"{deputy_id}:{material_id}"],
    ))
    if credit == -2:
        raise Conflict(ELSEWHERE)
    if credit == -3:
        raise Gone(UNPUBLISHED)
    if credit < 0:
        raise Conflict(NOT_OPEN)
    return credit


def mark_unpublished(material_id):
    """Inside the unpublishing transaction: if Redis refuses, the material stays published (no silent credit)."""
    redis_store.set(off_key(material_id), 1)


def mark_published(material_id):
    redis_store.delete(off_key(material_id))


def flush_one(deputy_id, material_id):
    """Write this deputy's buffered beats on one material to the database now."""
    _write([(deputy_id, material_id, _take(deputy_id, material_id))])


def flush_pending(limit=None):
    """Write every buffered beat to the database, FLUSH_BATCH at a time; returns how many buffers."""
    written = 0
    while limit is None or written < limit:
        members = redis_store.spop(DIRTY, FLUSH_BATCH)
        if not members:
            break
        pairs = [tuple(int(part) for part in member.decode().split(":")) for member in members]
        _write([(deputy_id, material_id, _take(deputy_id, material_id)) for deputy_id, material_id in pairs])
        written += len(pairs)
    return written


def _take(deputy_id, material_id):
    flat = _script("take", _TAKE)(keys=[buffer_key(deputy_id, material_id)])
    return {flat[i].decode(): flat[i + 1].decode() for i in range(0, len(flat), 2)}


def _write(taken):
    taken = [(d, m, values) for d, m, values in taken if values]
    if not taken:
        return
    try:
        with db.atomic():
            for deputy_id, material_id, values in taken:
                percent = int(values.get("percent", 0))
                Progress.update(
                    credited_seconds=Progress.credited_seconds + int(values.get("seconds", 0)),
                    heartbeats=Progress.heartbeats + int(values.get("beats", 0)),
                    position=values.get("position", ""),
                    percent=Case(None, [(Progress.percent < percent, percent)], Progress.percent),
                    updated_at=utcnow(),
                ).where((Progress.deputy == deputy_id) & (Progress.material == material_id)).execute()
    except Exception:
        _restore(taken)
        raise


def _restore(taken):
    """The database refused: put the numbers back for the next flush (added to any beats since)."""
    with redis_store.pipeline() as pipe:
        for deputy_id, material_id, values in taken:
            key = buffer_key(deputy_id, material_id)
            pipe.hincrby(key, "seconds", int(values.get("seconds", 0)))
            pipe.hincrby(key, "beats", int(values.get("beats", 0)))
            pipe.hsetnx(key, "position", values.get("position", ""))
            pipe.hsetnx(key, "percent", values.get("percent", 0))
            pipe.sadd(DIRTY, f"{deputy_id}:{material_id}")
        pipe.execute()

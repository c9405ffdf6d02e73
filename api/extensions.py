"""Module-level singletons, wired to an app by `init_app` in the factory."""
from peewee import DatabaseProxy

from api.common.openapi import DeputyhubApi
from api.common.queue import LazyRedisHuey
from api.common.redis import RedisStore

db = DatabaseProxy()
api = DeputyhubApi()
redis_store = RedisStore()
huey = LazyRedisHuey("deputyhub", database=db, results=False)

"""WeChat server APIs for the mini-program backend."""
from flask import current_app

from api.extensions import redis_store
from api.wechat.client import WeChatClient

EXTENSION_KEY = "wechat_client"


def get_client():
    """The app's one WeChatClient (pooled connections), built from config on first use."""
    client = current_app.extensions.get(EXTENSION_KEY)
    if client is None:
        config = current_app.config
        timeout = float(config["WECHAT_TIMEOUT_SECONDS"])
        client = WeChatClient(
            config["WECHAT_APPID"],
            config["WECHAT_SECRET"],
            config["WECHAT_API_BASE"],
            redis_store.client,
            # Connecting should be quick; WeChat itself may take the whole budget to answer.
            timeout=(min(3.0, timeout), timeout),
        )
        # setdefault: two threads racing here end up sharing whichever client landed first.
        client = current_app.extensions.setdefault(EXTENSION_KEY, client)
    return client

"""Chinese wording for marshmallow's built-in validation messages, set once at import.

Clients show `errors` to people; English defaults would leak through every schema otherwise.
"""
from marshmallow import Schema, fields, validate

FIELD_MESSAGES = {
    fields.Field: {
        "required": "此项为必填项。",
        "null": "此项不能为空。",
        "validator_failed": "取值无效。",
    },
    fields.String: {"invalid": "应为字符串。", "invalid_utf8": "不是有效的 UTF-8 文本。"},
    fields.Integer: {"invalid": "应为整数。", "too_large": "数值过大。"},
    fields.Number: {"invalid": "应为数字。", "too_large": "数值过大。"},
    fields.Float: {"special": "不接受 NaN 或无穷大。"},
    fields.Boolean: {"invalid": "应为布尔值。"},
    fields.DateTime: {"invalid": "应为 ISO 8601 日期时间。", "format": "无法格式化日期时间。"},
    fields.AwareDateTime: {"invalid_awareness": "日期时间须带时区。"},
    fields.NaiveDateTime: {"invalid_awareness": "日期时间不应带时区。"},
    fields.Date: {"invalid": "应为日期（YYYY-MM-DD）。", "format": "无法格式化日期。"},
    fields.Email: {"invalid": "不是有效的电子邮箱地址。"},
    fields.URL: {"invalid": "不是有效的网址。"},
    fields.UUID: {"invalid_uuid": "不是有效的 UUID。"},
    fields.List: {"invalid": "应为列表。"},
    fields.Dict: {"invalid": "应为对象。"},
    fields.Nested: {"type": "应为对象。"},
    fields.Enum: {"unknown": "取值须为以下之一：{choices}。"},
}

VALIDATOR_MESSAGES = {
    validate.Length: {
        "message_min": "长度不能少于 {min}。",
        "message_max": "长度不能超过 {max}。",
        "message_all": "长度须在 {min} 到 {max} 之间。",
        "message_equal": "长度须为 {equal}。",
    },
    validate.Range: {
        # Doubled braces: Range fills in {min_op}/{max_op} at construction and {min}/{max} on failure.
        "message_min": "须{min_op} {{min}}。",
        "message_max": "须{max_op} {{max}}。",
        "message_all": "须{min_op} {{min}} 且{max_op} {{max}}。",
        "message_gte": "大于等于",
        "message_gt": "大于",
        "message_lte": "小于等于",
        "message_lt": "小于",
    },
    validate.OneOf: {"default_message": "取值须为以下之一：{choices}。"},
    validate.Regexp: {"default_message": "格式不正确。"},
    validate.Email: {"default_message": "不是有效的电子邮箱地址。"},
    validate.URL: {"default_message": "不是有效的网址。"},
}

SCHEMA_MESSAGES = {"type": "请求体应为 JSON 对象。", "unknown": "不允许的字段。"}


def install():
    for field_class, messages in FIELD_MESSAGES.items():
        merged = dict(field_class.default_error_messages)
        merged.update(messages)
        field_class.default_error_messages = merged
    for validator_class, messages in VALIDATOR_MESSAGES.items():
        for attribute, text in messages.items():
            setattr(validator_class, attribute, text)
    Schema.error_messages = {**Schema.error_messages, **SCHEMA_MESSAGES}


install()

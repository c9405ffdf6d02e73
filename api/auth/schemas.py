from marshmallow import EXCLUDE, ValidationError, fields, validate, validates_schema

from api.auth.passwords import MIN_LENGTH
from api.auth.services import station_ids_of
from api.common.fields import Id, JsonBoolean, Text
from api.common.permissions import ADMIN, ROLE_LABELS, ROLES, STAFF, STATION_STAFF, UNIT_USER
from api.common.schemas import BaseSchema, QuerySchema, UpdateSchema, UTCDateTime

USERNAME = validate.Regexp(r"^[A-Za-z0-9_.-]{3,64}$", error="用户名为 3-64 位字母、数字、下划线、点或短横线。")
NEW_PASSWORD = validate.Length(min=MIN_LENGTH, max=128, error=f"密码长度为 {MIN_LENGTH}-128 位。")


class LoginSchema(BaseSchema):
    username = fields.String(required=True, validate=validate.Length(min=1, max=64))
    password = fields.String(required=True, load_only=True, validate=validate.Length(min=1, max=128))


class TokenPairSchema(BaseSchema):
    access_token = fields.String(dump_only=True, metadata={"description": "访问令牌（Authorization: Bearer）"})
    refresh_token = fields.String(dump_only=True, metadata={"description": "刷新令牌，只能使用一次"})
    token_type = fields.String(dump_only=True)
    expires_in = fields.Integer(dump_only=True, metadata={"description": "访问令牌有效秒数"})
    role = fields.String(dump_only=True)


class RefreshSchema(BaseSchema):
    refresh_token = fields.String(required=True, load_only=True, validate=validate.Length(min=1, max=200))


class WeChatLoginSchema(BaseSchema):
    code = fields.String(
        required=True,
        load_only=True,
        validate=validate.Length(min=1, max=128),
        metadata={"description": "wx.login 的 code"},
    )


class WeChatBindSchema(BaseSchema):
    binding_code = fields.String(
        load_only=True, validate=validate.Length(min=4, max=32), metadata={"description": "工作人员发放的邀请码"}
    )
    phone_code = fields.String(
        load_only=True, validate=validate.Length(min=1, max=128), metadata={"description": "getPhoneNumber 的 code"}
    )

    @validates_schema
    def exactly_one(self, data, **kwargs):
        if ("binding_code" in data) == ("phone_code" in data):
            raise ValidationError("请提供邀请码或手机号授权其中之一。", field_name="binding_code")


class NamedRefSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    name = fields.String(dump_only=True)


class MeSchema(BaseSchema):
    user_id = fields.Integer(dump_only=True)
    role = fields.String(dump_only=True)
    role_label = fields.String(dump_only=True)
    display_name = fields.String(dump_only=True)
    deputy = fields.Nested(NamedRefSchema, dump_only=True, allow_none=True)
    unit = fields.Nested(NamedRefSchema, dump_only=True, allow_none=True)
    stations = fields.List(fields.Nested(NamedRefSchema), dump_only=True)
    station_ids = fields.List(fields.Integer(), dump_only=True)
    wechat_bound = fields.Boolean(dump_only=True)
    permissions = fields.List(fields.String(), dump_only=True, metadata={"description": "可执行的操作"})


class UserSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    username = fields.String(dump_only=True, allow_none=True)
    display_name = fields.String(dump_only=True)
    role = fields.String(dump_only=True)
    role_label = fields.Function(lambda user: ROLE_LABELS.get(user.role), dump_only=True)
    is_active = fields.Boolean(dump_only=True)
    deputy_id = fields.Integer(dump_only=True, allow_none=True)
    unit_id = fields.Integer(dump_only=True, allow_none=True)
    station_ids = fields.Method("stations_of", dump_only=True)
    wechat_bound = fields.Function(lambda user: user.openid is not None, dump_only=True)
    created_at = UTCDateTime(dump_only=True)
    last_login_at = UTCDateTime(dump_only=True, allow_none=True)

    def stations_of(self, user):
        # Lists attach every page's station ids in one query (accounts.UsersWithStations).
        return user.station_ids if hasattr(user, "station_ids") else station_ids_of(user)


class UserCreateSchema(BaseSchema):
    username = fields.String(required=True, validate=USERNAME)
    display_name = fields.String(required=True, validate=validate.Length(min=1, max=50))
    role = fields.String(required=True, validate=validate.OneOf([ADMIN, STAFF, STATION_STAFF, UNIT_USER]))
    password = fields.String(required=True, load_only=True, validate=NEW_PASSWORD)
    unit_id = fields.Integer(allow_none=True, metadata={"description": "承办单位账号必填"})
    station_ids = fields.List(fields.Integer(), metadata={"description": "联络站工作人员账号必填"})


class UserUpdateSchema(UpdateSchema):
    display_name = fields.String(validate=validate.Length(min=1, max=50))
    role = fields.String(validate=validate.OneOf([ADMIN, STAFF, STATION_STAFF, UNIT_USER]))
    is_active = JsonBoolean()
    unit_id = fields.Integer(allow_none=True)
    station_ids = fields.List(fields.Integer())


class PasswordResetSchema(BaseSchema):
    password = fields.String(required=True, load_only=True, validate=NEW_PASSWORD)
    current_password = fields.String(
        load_only=True,
        validate=validate.Length(min=1, max=128),
        metadata={"description": "修改自己的密码时必填：当前密码"},
    )


class UserQuerySchema(QuerySchema):
    class Meta:
        unknown = EXCLUDE

    role = fields.String(validate=validate.OneOf(ROLES))
    is_active = fields.Boolean()
    deputy_id = Id()
    unit_id = Id()
    station_id = Id()
    q = Text(validate=validate.Length(min=1, max=50), metadata={"description": "用户名或姓名包含"})


class BindingCodeCreateSchema(BaseSchema):
    deputy_id = fields.Integer(required=True)
    valid_days = fields.Integer(
        validate=validate.Range(min=1, max=366),
        metadata={"description": "有效天数（默认与上限见配置 BINDING_CODE_VALID_DAYS / BINDING_CODE_MAX_VALID_DAYS）"},
    )


class BindingCodeSchema(BaseSchema):
    code = fields.String(dump_only=True, metadata={"description": "邀请码，只显示这一次"})
    deputy_id = fields.Integer(dump_only=True)
    expires_at = UTCDateTime(dump_only=True)


class AccountBindingCodeCreateSchema(BaseSchema):
    valid_days = fields.Integer(
        validate=validate.Range(min=1, max=366),
        metadata={"description": "有效天数（默认与上限见配置 BINDING_CODE_VALID_DAYS / BINDING_CODE_MAX_VALID_DAYS）"},
    )


class AccountBindingCodeSchema(BaseSchema):
    code = fields.String(dump_only=True, metadata={"description": "绑定码，只显示这一次"})
    user_id = fields.Integer(dump_only=True)
    expires_at = UTCDateTime(dump_only=True)


class AccountBindSchema(BaseSchema):
    binding_code = fields.String(
        required=True,
        load_only=True,
        validate=validate.Length(min=4, max=32),
        metadata={"description": "工作人员账号的微信绑定码"},
    )

"""Sign-in (password and WeChat), sessions, and the accounts the office manages."""
from flask.views import MethodView

from api.auth import accounts, services, wechat
from api.auth.schemas import (
    BindingCodeCreateSchema,
    BindingCodeSchema,
    LoginSchema,
    MeSchema,
    PasswordResetSchema,
    RefreshSchema,
    TokenPairSchema,
    UserCreateSchema,
    UserQuerySchema,
    UserSchema,
    UserUpdateSchema,
    WeChatBindSchema,
    WeChatLoginSchema,
)
from api.common.access import current_principal
from api.common.blueprint import Blueprint

blp = Blueprint("auth", __name__, url_prefix="/api/v1/auth", description="登录、会话与账号管理")


@blp.route("/login")
class PasswordLogin(MethodView):
    @blp.arguments(LoginSchema)
    @blp.response(200, TokenPairSchema)
    @blp.errors(401, 403)
    def post(self, data):
        """用户名密码登录（工作人员、联络站、承办单位）"""
        return services.password_login(data["username"], data["password"])


@blp.route("/wechat/login")
class WeChatLogin(MethodView):
    @blp.arguments(WeChatLoginSchema)
    @blp.response(200, TokenPairSchema)
    @blp.errors(401, 403, 503)
    def post(self, data):
        """小程序微信登录（wx.login 的 code）"""
        return wechat.wechat_login(data["code"])


@blp.route("/wechat/bind")
class WeChatBind(MethodView):
    @blp.requires("auth:bind_wechat")
    @blp.arguments(WeChatBindSchema)
    @blp.response(200, TokenPairSchema)
    @blp.errors(404, 409, 503)
    def post(self, data):
        """代表绑定微信（邀请码或手机号），返回代表身份的新令牌"""
        return wechat.bind_deputy(current_principal(), **data)


@blp.route("/refresh")
class Refresh(MethodView):
    @blp.arguments(RefreshSchema)
    @blp.response(200, TokenPairSchema)
    @blp.errors(401)
    def post(self, data):
        """用刷新令牌换一对新令牌（刷新令牌只能用一次）"""
        return services.refresh(data["refresh_token"])


@blp.route("/logout")
class Logout(MethodView):
    @blp.requires("auth:self")
    @blp.response(204)
    @blp.errors(503)
    def post(self):
        """退出当前登录（立即生效）"""
        services.logout(current_principal())


@blp.route("/logout-all")
class LogoutAll(MethodView):
    @blp.requires("auth:self")
    @blp.response(204)
    @blp.errors(503)
    def post(self):
        """退出全部设备上的登录（立即生效）"""
        services.logout_all(current_principal())


@blp.route("/me")
class Me(MethodView):
    @blp.requires("auth:self")
    @blp.response(200, MeSchema)
    def get(self):
        """当前用户、角色和可执行的操作"""
        return services.describe(current_principal())


@blp.route("/users")
class Users(MethodView):
    @blp.requires("auth:manage_users")
    @blp.arguments(UserQuerySchema, location="query")
    @blp.response(200, UserSchema(many=True))
    @blp.paginate_query()
    def get(self, filters):
        """账号列表"""
        return accounts.list_users(filters)

    @blp.requires("auth:manage_users")
    @blp.arguments(UserCreateSchema)
    @blp.response(201, UserSchema)
    @blp.errors(409)
    def post(self, data):
        """创建账号（联络站工作人员、承办单位；管理员可创建工作人员）"""
        return accounts.create_user(current_principal(), data)


@blp.route("/users/<int:user_id>")
class UserDetail(MethodView):
    @blp.requires("auth:manage_users")
    @blp.response(200, UserSchema)
    @blp.errors(404)
    def get(self, user_id):
        """账号详情"""
        return accounts.get_managed(current_principal(), user_id)

    @blp.requires("auth:manage_users")
    @blp.arguments(UserUpdateSchema)
    @blp.response(200, UserSchema)
    @blp.errors(404, 503)
    def patch(self, data, user_id):
        """修改账号：姓名、角色、范围、停用/启用（角色和范围变更会结束其全部登录）"""
        return accounts.update_user(current_principal(), user_id, data)


@blp.route("/users/<int:user_id>/password")
class UserPassword(MethodView):
    @blp.requires("auth:manage_users")
    @blp.arguments(PasswordResetSchema)
    @blp.response(204)
    @blp.errors(404, 409, 503)
    def post(self, data, user_id):
        """重置密码（同时解除锁定并结束其全部登录）"""
        accounts.reset_password(current_principal(), user_id, data["password"])


@blp.route("/users/<int:user_id>/wechat")
class UserWeChat(MethodView):
    @blp.requires("auth:unbind_wechat")
    @blp.response(204)
    @blp.errors(404, 409, 503)
    def delete(self, user_id):
        """解除代表的微信绑定（结束其全部登录）"""
        accounts.unbind_wechat(current_principal(), user_id)


@blp.route("/binding-codes")
class BindingCodes(MethodView):
    @blp.requires("auth:issue_binding_code")
    @blp.arguments(BindingCodeCreateSchema)
    @blp.response(201, BindingCodeSchema)
    @blp.errors(404, 409)
    def post(self, data):
        """为代表生成微信绑定邀请码（只显示一次；旧码作废）"""
        return wechat.issue_binding_code(data["deputy_id"], data["valid_days"], current_principal())

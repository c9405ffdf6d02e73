"""Sign-in (password and WeChat), sessions, and the accounts the office manages."""
from flask.views import MethodView

from api.auth import accounts, services, wechat, worker_binding
from api.auth.schemas import (
    AccountBindingCodeSchema,
    AccountBindSchema,
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
from api.common.privacy import no_store

blp = Blueprint("auth", __name__, url_prefix="/api/v1/auth", description="登录、会话与账号管理")


@blp.route("/login")
class PasswordLogin(MethodView):
    @no_store
    @blp.arguments(LoginSchema)
    @blp.response(200, TokenPairSchema)
    @blp.errors(401, 403, 429, 503)
    def post(self, data):
        """用户名密码登录（工作人员、联络站、承办单位）"""
        return services.password_login(data["username"], data["password"])


@blp.route("/wechat/login")
class WeChatLogin(MethodView):
    @no_store
    @blp.arguments(WeChatLoginSchema)
    @blp.response(200, TokenPairSchema)
    @blp.errors(401, 403, 503)
    def post(self, data):
        """小程序微信登录（wx.login 的 code）"""
        return wechat.wechat_login(data["code"])


@blp.route("/wechat/bind")
class WeChatBind(MethodView):
    @no_store
    @blp.requires("auth:bind_wechat")
    @blp.arguments(WeChatBindSchema)
    @blp.response(200, TokenPairSchema)
    @blp.errors(404, 409, 422, 429, 503)
    def post(self, data):
        """代表绑定微信（邀请码或手机号），返回代表身份的新令牌"""
        return wechat.bind_deputy(current_principal(), **data)


@blp.route("/wechat/bind-account")
class WeChatBindAccount(MethodView):
    @no_store
    @blp.requires("auth:bind_wechat")
    @blp.arguments(AccountBindSchema)
    @blp.response(200, TokenPairSchema)
    @blp.errors(403, 409, 422, 429, 503)
    def post(self, data):
        """工作人员账号绑定微信以接收提醒（绑定码），返回该账号的新令牌"""
        return worker_binding.bind_account(current_principal(), data["binding_code"])


@blp.route("/me/binding-code")
class MyBindingCode(MethodView):
    @no_store
    @blp.requires("auth:bind_own_wechat")
    @blp.response(201, AccountBindingCodeSchema)
    @blp.errors(409)
    def post(self):
        """为本人账号生成微信绑定码，用于接收提醒（只显示一次；旧码作废；有效期为配置的默认天数）"""
        principal = current_principal()
        return worker_binding.issue_account_code(principal.user_id, None, principal)


@blp.route("/refresh")
class Refresh(MethodView):
    @no_store
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
        """账号列表（只列出本人有权管理的账号）"""
        return accounts.list_users(current_principal(), filters)

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
        """账号详情（只限本人有权管理的账号）"""
        return accounts.get_managed(current_principal(), user_id)

    @blp.requires("auth:manage_users")
    @blp.arguments(UserUpdateSchema)
    @blp.response(200, UserSchema)
    @blp.errors(404, 422, 503)
    def patch(self, data, user_id):
        """修改账号：姓名、角色、范围、停用/启用（角色和范围变更会结束其全部登录）"""
        return accounts.update_user(current_principal(), user_id, data)


@blp.route("/users/<int:user_id>/password")
class UserPassword(MethodView):
    @blp.requires("auth:manage_users")
    @blp.arguments(PasswordResetSchema)
    @blp.response(204)
    @blp.errors(404, 409, 422, 429, 503)
    def post(self, data, user_id):
        """重置他人密码，或凭当前密码修改自己的密码（结束其全部登录）"""
        accounts.reset_password(current_principal(), user_id, data["password"], data.get("current_password"))


@blp.route("/users/<int:user_id>/sessions")
class UserSessions(MethodView):
    @blp.requires("auth:manage_users")
    @blp.response(204)
    @blp.errors(404, 503)
    def delete(self, user_id):
        """结束该账号在全部设备上的登录（立即生效）"""
        accounts.end_user_sessions(current_principal(), user_id)


@blp.route("/users/<int:user_id>/wechat")
class UserWeChat(MethodView):
    @blp.requires("auth:unbind_wechat")
    @blp.response(204)
    @blp.errors(404, 409, 503)
    def delete(self, user_id):
        """解除代表或工作人员账号的微信绑定（结束其全部登录）"""
        accounts.unbind_wechat(current_principal(), user_id)


@blp.route("/users/<int:user_id>/binding-code")
class UserBindingCode(MethodView):
    @no_store
    @blp.requires("auth:issue_binding_code")
    @blp.response(201, AccountBindingCodeSchema)
    @blp.errors(403, 404, 409)
    def post(self, user_id):
        """为工作人员、联络站或承办单位账号生成微信绑定码（只显示一次；旧码作废；有效期为配置的默认天数）"""
        return worker_binding.issue_account_code(user_id, None, current_principal())


@blp.route("/binding-codes")
class BindingCodes(MethodView):
    @blp.requires("auth:issue_binding_code")
    @blp.arguments(BindingCodeCreateSchema)
    @blp.response(201, BindingCodeSchema)
    @blp.errors(404, 409, 422)
    def post(self, data):
        """为代表生成微信绑定邀请码（只显示一次；旧码作废）"""
        return wechat.issue_binding_code(data["deputy_id"], data.get("valid_days"), current_principal())

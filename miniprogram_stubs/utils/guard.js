// Who may open a screen. Deputy-only screens send an unbound WeChat user to the sign-in page to bind
// first; constituent screens sign in silently with wx.login and never ask anyone to register.
const session = require('./session');
const { signIn, ApiError } = require('./request');

/** Any WeChat user: the stored session, or a silent wx.login (an unbound user is a constituent). */
async function requireSignedIn() {
  return session.load() || (await signIn());
}

async function requireDeputy() {
  const current = await requireSignedIn();
  if (current.role === 'deputy') return current;
  wx.reLaunch({ url: '/pages/login/login' });
  throw new ApiError(403, '请先绑定代表身份。');
}

/** Screens that read only public data (the station directory): nobody needs to sign in. */
function publicAccess() {
  return Promise.resolve(null);
}

module.exports = { requireSignedIn, requireDeputy, publicAccess };

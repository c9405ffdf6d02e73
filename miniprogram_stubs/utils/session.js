// The token pair in storage. Only utils/request.js and the sign-in page write it.
const KEY = 'session';
// Refresh this long before the access token runs out, so a slow request does not arrive expired.
const EXPIRY_MARGIN_MS = 60 * 1000;

/**
 * @typedef {{access_token: string, refresh_token: string, role: string, expires_at: number}} Session
 */

/** @returns {Session | null} */
function load() {
  const stored = wx.getStorageSync(KEY);
  return stored && stored.access_token ? stored : null;
}

/**
 * Keep a token pair answered by /auth/login, /auth/wechat/login, /auth/wechat/bind or /auth/refresh.
 * @param {{access_token: string, refresh_token: string, role: string, expires_in: number}} pair
 * @returns {Session}
 */
function save(pair) {
  const session = {
    access_token: pair.access_token,
    refresh_token: pair.refresh_token,
    role: pair.role,
    expires_at: Date.now() + pair.expires_in * 1000,
  };
  wx.setStorageSync(KEY, session);
  return session;
}

function clear() {
  wx.removeStorageSync(KEY);
}

/** @param {Session} session */
function expiring(session) {
  return session.expires_at - EXPIRY_MARGIN_MS <= Date.now();
}

module.exports = { load, save, clear, expiring };

// Thin client for deputyhub: bearer token, one silent refresh on 401, the error shape's Chinese message shown as is.
const app = getApp();

function request(method, path, data) {
  return send(method, path, data, true);
}

function send(method, path, data, mayRefresh) {
  const session = wx.getStorageSync('session') || {};
  return new Promise((resolve, reject) => {
    wx.request({
      url: app.globalData.apiBase + path,
      method,
      data,
      header: session.access_token ? { Authorization: 'Bearer ' + session.access_token } : {},
      success(res) {
        if (res.statusCode === 401 && mayRefresh && session.refresh_token) {
          refresh(session.refresh_token)
            .then(() => send(method, path, data, false).then(resolve, reject))
            .catch(reject);
          return;
        }
        if (res.statusCode >= 400) {
          wx.showToast({ title: (res.data && res.data.message) || '请求失败', icon: 'none' });
          reject(res.data);
          return;
        }
        resolve(res.data);
      },
      fail: reject,
    });
  });
}

function refresh(refreshToken) {
  return new Promise((resolve, reject) => {
    wx.request({
      url: app.globalData.apiBase + '/auth/refresh',
      method: 'POST',
      data: { refresh_token: refreshToken },
      success(res) {
        if (res.statusCode !== 200) {
          wx.removeStorageSync('session');
          reject(res.data);
          return;
        }
        wx.setStorageSync('session', res.data);
        resolve(res.data);
      },
      fail: reject,
    });
  });
}

module.exports = { request };

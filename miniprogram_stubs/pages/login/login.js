// Sign in with WeChat; a deputy binds once with the invitation code from the office or their phone number.
const { request } = require('../../utils/api');

Page({
  data: { bindingCode: '', me: null },

  onLoad() {
    wx.login({
      success: ({ code }) =>
        request('POST', '/auth/wechat/login', { code }).then((session) => {
          wx.setStorageSync('session', session);
          return this.loadMe();
        }),
    });
  },

  loadMe() {
    return request('GET', '/auth/me').then((me) => {
      this.setData({ me });
      if (me.role === 'deputy') wx.redirectTo({ url: '/pages/feed/feed' });
    });
  },

  onCodeInput(e) {
    this.setData({ bindingCode: e.detail.value.trim() });
  },

  bindWithCode() {
    request('POST', '/auth/wechat/bind', { binding_code: this.data.bindingCode }).then(this.bound);
  },

  // <button open-type="getPhoneNumber" bindgetphonenumber="bindWithPhone">
  bindWithPhone(e) {
    if (!e.detail.code) return;
    request('POST', '/auth/wechat/bind', { phone_code: e.detail.code }).then(this.bound);
  },

  bound(session) {
    wx.setStorageSync('session', session);
    wx.redirectTo({ url: '/pages/feed/feed' });
  },
});

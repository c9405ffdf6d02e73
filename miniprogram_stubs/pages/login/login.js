// Sign in with wx.login. A deputy goes straight to the home screen; a WeChat user not yet bound binds
// once, with the code the office issued or with the phone number the roster holds.
const { signIn, post } = require('../../utils/request');
const session = require('../../utils/session');

const HOME = '/pages/home/home';

Component({
  data: {
    status: 'loading', // loading | bind | signedOut | error
    errorMessage: '',
    bindingCode: '',
    busy: false,
    hint: '',
  },
  methods: {
    /** @param {Record<string, string>} [query] */
    onLoad(query) {
      if (query && query.signedOut) {
        this.setData({ status: 'signedOut' });
        return Promise.resolve();
      }
      return this.start();
    },

    async start() {
      this.setData({ status: 'loading' });
      try {
        const current = session.load() || (await signIn());
        if (current.role === 'deputy') {
          wx.switchTab({ url: HOME });
          return;
        }
        this.setData({ status: 'bind' });
      } catch (error) {
        this.setData({ status: 'error', errorMessage: error.message });
      }
    },

    onRetry() {
      session.clear();
      return this.start();
    },

    /** @param {any} e */
    onCodeInput(e) {
      this.setData({ bindingCode: e.detail.value.trim(), hint: '' });
    },

    onBindWithCode() {
      const code = this.data.bindingCode;
      if (code.length < 4) {
        this.setData({ hint: '请输入完整的邀请码。' });
        return Promise.resolve();
      }
      return this.bind({ binding_code: code });
    },

    /** @param {any} e */
    onBindWithPhone(e) {
      if (!e.detail || !e.detail.code) {
        this.setData({ hint: '未获得手机号授权，也可以输入邀请码绑定。' });
        return Promise.resolve();
      }
      return this.bind({ phone_code: e.detail.code });
    },

    /** @param {Record<string, string>} body */
    async bind(body) {
      this.setData({ busy: true, hint: '' });
      try {
        // Not idempotent: a binding code works once, so a lost answer is not sent again.
        const pair = await post('/auth/wechat/bind', body, { idempotent: false, quiet: true });
        session.save(pair);
        wx.showToast({ title: '绑定成功', icon: 'success' });
        wx.switchTab({ url: HOME });
      } catch (error) {
        this.setData({ hint: error.message });
      } finally {
        this.setData({ busy: false });
      }
    },

    onPrivacy() {
      wx.navigateTo({ url: '/pages/privacy/privacy' });
    },
  },
});

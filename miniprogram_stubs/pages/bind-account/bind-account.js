// 绑定工作账号: staff, station staff and unit users receive reminders (答复期限 ...) in WeChat. The console
// gives them a one-time code (text and QR); here the phone, signed in silently, enters or scans it, the
// server moves this WeChat identity onto the worker account, and the person then agrees to the reminders
// (wx.requestSubscribeMessage must follow a tap with no network wait: the templates are fetched beforehand).
const { signIn, get, post, put } = require('../../utils/request');
const session = require('../../utils/session');

const WORKER_ROLES = ['admin', 'staff', 'station_staff', 'unit_user'];
// WeChat shows at most three one-time templates in one dialog.
const PER_DIALOG = 3;

Component({
  data: {
    status: 'loading', // loading | form | bound | deputy | error
    errorMessage: '',
    bindingCode: '',
    busy: false,
    hint: '',
    templates: /** @type {{key: string, template_id: string}[]} */ ([]),
    result: '',
  },
  methods: {
    onLoad() {
      return this.start();
    },

    async start() {
      this.setData({ status: 'loading' });
      try {
        const current = session.load() || (await signIn());
        if (current.role === 'deputy') this.setData({ status: 'deputy' });
        else if (WORKER_ROLES.includes(current.role)) await this.bound();
        else this.setData({ status: 'form' });
      } catch (error) {
        this.setData({ status: 'error', errorMessage: error.message });
      }
    },

    onRetry() {
      return this.start();
    },

    /** @param {any} e */
    onCodeInput(e) {
      this.setData({ bindingCode: e.detail.value.trim(), hint: '' });
    },

    onScan() {
      return new Promise((resolve) => {
        wx.scanCode({
          onlyFromCamera: false,
          success: (/** @type {any} */ answer) => {
            this.setData({ bindingCode: String(answer.result || '').trim(), hint: '' });
            resolve(this.onBind());
          },
          fail: () => resolve(undefined), // the person closed the camera
        });
      });
    },

    async onBind() {
      const code = this.data.bindingCode;
      if (code.length < 4) {
        this.setData({ hint: '请输入完整的绑定码。' });
        return;
      }
      this.setData({ busy: true, hint: '' });
      try {
        // Not idempotent: a binding code works once, so a lost answer is not sent again.
        const pair = await post('/auth/wechat/bind-account', { binding_code: code }, { idempotent: false, quiet: true });
        session.save(pair);
        wx.showToast({ title: '绑定成功', icon: 'success' });
        await this.bound();
      } catch (error) {
        this.setData({ hint: error.message });
      } finally {
        this.setData({ busy: false });
      }
    },

    async bound() {
      const templates = await get('/push/templates', undefined, { quiet: true });
      this.setData({ status: 'bound', templates: templates.items.slice(0, PER_DIALOG) });
    },

    onSubscribe() {
      const templates = this.data.templates;
      this.setData({ busy: true, result: '' });
      return new Promise((resolve) => {
        wx.requestSubscribeMessage({
          tmplIds: templates.map((t) => t.template_id),
          success: (/** @type {any} */ answer) => resolve(this.report(templates, answer)),
          fail: () => {
            this.setData({ busy: false, result: '未能打开订阅窗口，请稍后再试。' });
            resolve(undefined);
          },
        });
      });
    },

    /** @param {{key: string, template_id: string}[]} templates @param {Record<string, string>} answer */
    async report(templates, answer) {
      const accepted = templates.filter((t) => answer[t.template_id] === 'accept').map((t) => t.key);
      const rejected = templates.filter((t) => answer[t.template_id] === 'reject').map((t) => t.key);
      try {
        // Each report adds a credit per accepted template: sending it twice would add two.
        await put('/push/subscriptions', { accepted, rejected, long_term: false }, { idempotent: false, quiet: true });
        this.setData({ result: accepted.length ? `已同意 ${accepted.length} 类提醒。` : '您未同意接收提醒。' });
      } catch (error) {
        this.setData({ result: error.message });
      } finally {
        this.setData({ busy: false });
      }
    },
  },
});

// Subscribe-message consent: the templates the API lists, asked for with wx.requestSubscribeMessage.
// The templates are fetched when the screen opens, because WeChat only shows the consent dialog when it
// is asked for straight from a tap, with no network wait in between.
const singleView = require('../../behaviors/single-view');
const { get, put } = require('../../utils/request');

const LABELS = { notice: '新通知提醒', letter: '函件提醒', reminder: '未读催办提醒' };
// WeChat shows at most three one-time templates in one dialog.
const PER_DIALOG = 3;

/** @param {{key: string}} template @param {any[]} credits */
function rowOf(template, credits) {
  const credit = credits.find((c) => c.template === template.key);
  return {
    key: template.key,
    label: LABELS[template.key] || template.key,
    remaining: credit ? credit.remaining : 0,
  };
}

Component({
  behaviors: [singleView],
  data: {
    templates: /** @type {{key: string, template_id: string}[]} */ ([]),
    rows: /** @type {any[]} */ ([]),
    busy: false,
    result: '',
  },
  methods: {
    onLoad() {
      return this.reload();
    },

    async fetch() {
      const [templates, credits] = await Promise.all([
        get('/push/templates', undefined, { quiet: true }),
        get('/push/subscriptions', undefined, { quiet: true }),
      ]);
      // Both answers are {"items": [...]}.
      this.setData({
        templates: templates.items,
        rows: templates.items.map((/** @type {any} */ t) => rowOf(t, credits.items)),
      });
      return templates.items.length > 0;
    },

    onSubscribe() {
      const templates = this.data.templates.slice(0, PER_DIALOG);
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
        const credits = await put(
          '/push/subscriptions',
          { accepted, rejected, long_term: false },
          { idempotent: false, quiet: true }
        );
        this.setData({
          rows: this.data.templates.map((t) => rowOf(t, credits.items)),
          result: accepted.length ? `已同意 ${accepted.length} 类提醒。` : '您未同意接收提醒。',
        });
      } catch (error) {
        this.setData({ result: error.message });
      } finally {
        this.setData({ busy: false });
      }
    },
  },
});

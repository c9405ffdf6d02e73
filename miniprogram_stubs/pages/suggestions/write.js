// Writing a suggestion: title, 问题 / 原因 / 建议, category, when (大会期间 / 闭会期间), and the deputies
// invited to co-sign (附议, who confirm on their own phones). 自检 runs the office's rules on the draft and
// shows each with its reason, near-duplicates of this term with their answers; a failed rule blocks the
// submission, a warning needs a second tap (仍要提交). The draft is saved (POST, later PATCH) then submitted.
const singleView = require('../../behaviors/single-view');
const { get, post, call } = require('../../utils/request');

const FIELDS = ['title', 'problem', 'cause', 'proposal'];

/** @param {any} rule */
function ruleRow(rule) {
  return {
    rule: rule.rule,
    label: rule.label,
    passed: rule.passed,
    mark: rule.passed ? '✓' : rule.blocking ? '✗' : '!',
    reason: rule.reason,
    similar: (rule.similar || []).map((/** @type {any} */ s) => ({
      id: s.id,
      title: s.title,
      state: s.state_label,
      answers: (s.answers || []).map((/** @type {any} */ a) => `${a.unit}（${a.category}类）：${a.answer}`),
    })),
  };
}

Component({
  behaviors: [singleView],
  data: {
    categories: /** @type {string[]} */ ([]),
    periods: /** @type {any[]} */ ([]),
    title: '',
    problem: '',
    cause: '',
    proposal: '',
    category: '',
    period: 'recess',
    query: '',
    candidates: /** @type {any[]} */ ([]),
    cosigners: /** @type {any[]} */ ([]),
    rules: /** @type {any[]} */ ([]),
    canSubmit: false,
    warnings: /** @type {string[]} */ ([]),
    checked: false,
    draftId: 0,
    busy: false,
    hint: '',
    done: /** @type {any} */ (null),
  },
  methods: {
    onLoad() {
      return this.reload();
    },

    async fetch() {
      if (this.data.categories.length) return true;
      const info = await get('/suggestions/drafting-info', undefined, { quiet: true });
      this.setData({ categories: info.categories, periods: info.periods });
      return true;
    },

    /** @param {any} e */
    onField(e) {
      this.setData({ [e.currentTarget.dataset.field]: e.detail.value, checked: false, hint: '' });
    },

    /** @param {any} e */
    onCategory(e) {
      this.setData({ category: e.currentTarget.dataset.category, hint: '' });
    },

    /** @param {any} e */
    onPeriod(e) {
      this.setData({ period: e.currentTarget.dataset.period });
    },

    /** @param {any} e */
    async onSearch(e) {
      const query = e.detail.value.trim();
      this.setData({ query });
      if (!query) {
        this.setData({ candidates: [] });
        return;
      }
      const found = await get('/suggestions/cosigner-candidates', { q: query }, { quiet: true });
      const chosen = this.data.cosigners.map((c) => c.id);
      this.setData({ candidates: found.filter((/** @type {any} */ d) => !chosen.includes(d.id)) });
    },

    /** @param {any} e */
    onInvite(e) {
      const picked = this.data.candidates.find((c) => c.id === e.currentTarget.dataset.id);
      if (!picked) return;
      this.setData({
        cosigners: this.data.cosigners.concat([picked]),
        candidates: this.data.candidates.filter((c) => c.id !== picked.id),
      });
    },

    /** @param {any} e */
    onUninvite(e) {
      this.setData({ cosigners: this.data.cosigners.filter((c) => c.id !== e.currentTarget.dataset.id) });
    },

    body() {
      /** @type {Record<string, any>} */
      const body = { category: this.data.category, period: this.data.period, cosigner_ids: this.data.cosigners.map((c) => c.id) };
      for (const field of FIELDS) body[field] = /** @type {any} */ (this.data)[field].trim();
      return body;
    },

    async onCheck() {
      const body = this.body();
      const text = { title: body.title, problem: body.problem, cause: body.cause, proposal: body.proposal };
      this.setData({ busy: true, hint: '' });
      try {
        const result = await post('/suggestions/self-check', text, { quiet: true });
        this.setData({ rules: result.rules.map(ruleRow), canSubmit: result.can_submit, warnings: result.warnings, checked: true });
      } catch (error) {
        this.setData({ hint: error.message });
      } finally {
        this.setData({ busy: false });
      }
    },

    /** @param {any} e */
    async onSubmit(e) {
      const confirmed = Boolean(e && e.currentTarget && e.currentTarget.dataset.confirm);
      if (!this.data.category) {
        this.setData({ hint: '请选择类别。' });
        return;
      }
      if (!this.data.checked) await this.onCheck();
      if (!this.data.canSubmit) {
        this.setData({ hint: '自检未通过，请按提示修改。' });
        return;
      }
      if (this.data.warnings.length && !confirmed) {
        this.setData({ hint: '自检有提示，请查看后点「仍要提交」。' });
        return;
      }
      this.setData({ busy: true, hint: '' });
      try {
        // Saved first (created once, then updated): a lost answer never makes a second draft.
        const saved = this.data.draftId
          ? (await call('PATCH', '/suggestions/' + this.data.draftId, { data: this.body(), quiet: true })).data
          : await post('/suggestions', this.body(), { quiet: true });
        this.setData({ draftId: saved.id });
        const sent = await post(`/suggestions/${saved.id}/submit`, { confirm_warnings: confirmed }, { quiet: true });
        this.setData({ done: sent });
        wx.setNavigationBarTitle({ title: '已提交' });
      } catch (error) {
        this.setData({ hint: error.message });
      } finally {
        this.setData({ busy: false });
      }
    },

    onOpen() {
      wx.redirectTo({ url: '/pages/suggestions/detail?id=' + this.data.done.id });
    },
  },
});

// One suggestion: what it says, who co-signs, its progress (every step of its timeline), the units' answers
// and the commitments in them, and what the deputy may do now: rate the answer, confirm a co-signature,
// consent to publishing the answers. Two calls: the suggestion and its timeline.
const singleView = require('../../behaviors/single-view');
const { get, post, put } = require('../../utils/request');
const format = require('../../utils/format');

const RATINGS = ['满意', '基本满意', '不满意'];
const CATEGORY_LABELS = { A: 'A类 已解决或基本解决', B: 'B类 列入计划逐步解决', C: 'C类 暂不能解决' };

/** @param {any} step */
function stepRow(step) {
  return { id: step.id, label: step.to_label, at: format.dateTime(step.at), reason: step.reason || '' };
}

Component({
  behaviors: [singleView],
  data: {
    id: 0,
    item: /** @type {any} */ (null),
    steps: /** @type {any[]} */ ([]),
    answers: /** @type {any[]} */ ([]),
    commitments: /** @type {any[]} */ ([]),
    cosigners: /** @type {any[]} */ ([]),
    canRate: false,
    canCosign: false,
    canConsent: false,
    ratings: RATINGS,
    rating: '',
    comment: '',
    busy: false,
    hint: '',
  },
  methods: {
    /** @param {Record<string, string>} query */
    onLoad(query) {
      this.setData({ id: Number((query || {}).id) || 0 });
      return this.reload();
    },

    async fetch() {
      const path = '/suggestions/' + this.data.id;
      const [item, steps] = await Promise.all([
        get(path, undefined, { quiet: true }),
        get(path + '/timeline', undefined, { quiet: true }),
      ]);
      const actions = item.actions || [];
      this.setData({
        item,
        steps: steps.map(stepRow),
        answers: item.assignments
          .filter((/** @type {any} */ a) => a.answer || a.state !== 'withdrawn')
          .map((/** @type {any} */ a) => ({
            id: a.id,
            unit: `${a.unit.name}（${a.role_label}）`,
            state: a.state_label,
            category: a.answer_category ? CATEGORY_LABELS[a.answer_category] : '',
            answer: a.answer || a.opinion || '',
            due: a.due_date,
          })),
        commitments: item.commitments.map((/** @type {any} */ c) => ({
          id: c.id,
          what: c.what,
          due: c.due_date,
          owner: c.owner,
          state: c.state_label,
        })),
        cosigners: item.cosigners.map((/** @type {any} */ c) => `${c.deputy.name}（${c.state_label}）`),
        canRate: actions.includes('rate'),
        canCosign: actions.includes('cosign'),
        canConsent: actions.includes('consent'),
      });
    },

    /** @param {any} e */
    onRating(e) {
      this.setData({ rating: e.currentTarget.dataset.rating, hint: '' });
    },

    /** @param {any} e */
    onComment(e) {
      this.setData({ comment: e.detail.value });
    },

    async onRate() {
      if (!this.data.rating) {
        this.setData({ hint: '请选择评价。' });
        return;
      }
      await this.act(() =>
        put(`/suggestions/${this.data.id}/rating`, { rating: this.data.rating, comment: this.data.comment.trim() || null }, { quiet: true, idempotent: false })
      );
    },

    /** @param {any} e */
    async onCosign(e) {
      const accept = e.currentTarget.dataset.accept === 'yes';
      await this.act(() => post(`/suggestions/${this.data.id}/cosign`, { accept }, { quiet: true }));
    },

    /** @param {any} e */
    async onConsent(e) {
      const consent = e.currentTarget.dataset.consent === 'yes';
      await this.act(() => put(`/suggestions/${this.data.id}/consent`, { consent }, { quiet: true }));
    },

    /** @param {() => Promise<any>} send */
    async act(send) {
      this.setData({ busy: true, hint: '' });
      try {
        await send();
        await this.fetch();
        wx.showToast({ title: '已提交', icon: 'success' });
      } catch (error) {
        this.setData({ hint: error.message });
      } finally {
        this.setData({ busy: false });
      }
    },
  },
});

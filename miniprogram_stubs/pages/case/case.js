// One of my cases (one call): its steps, the answer, and the rating form while it may be rated; after a
// 不满意, the request to handle it again (once, with a reason).
const singleView = require('../../behaviors/single-view');
const { get, put, post } = require('../../utils/request');
const { requireSignedIn } = require('../../utils/guard');
const format = require('../../utils/format');

Component({
  behaviors: [singleView],
  data: {
    id: 0,
    item: /** @type {any} */ (null),
    submittedText: '',
    busy: false,
  },
  methods: {
    /** @param {Record<string, string>} query */
    onLoad(query) {
      this.setData({ id: Number((query || {}).id) || 0 });
      return this.reload();
    },

    guard() {
      return requireSignedIn();
    },

    async fetch() {
      this.show(await get('/feedback/my-cases/' + this.data.id, undefined, { quiet: true }));
    },

    /** @param {any} item the case as the API answers it (after a read, a rating or a reopen alike) */
    show(item) {
      this.setData({ item, submittedText: format.dateTime(item.submitted_at) });
    },

    /** @param {any} e */
    async onRate(e) {
      await this.send(() => put(`/feedback/my-cases/${this.data.id}/rating`, e.detail, { quiet: true }), '评价已提交');
    },

    /** @param {any} e */
    async onReopen(e) {
      // Not idempotent: a lost answer is not sent again (the second would be refused anyway).
      await this.send(() => post(`/feedback/my-cases/${this.data.id}/reopen`, e.detail, { quiet: true }), '已申请重新办理');
    },

    /** @param {() => Promise<any>} call @param {string} done */
    async send(call, done) {
      this.setData({ busy: true });
      try {
        this.show(await call());
        wx.showToast({ title: done, icon: 'success' });
      } catch (error) {
        wx.showToast({ title: error.message, icon: 'none', duration: 3000 });
      } finally {
        this.setData({ busy: false });
      }
    },

    onCopy() {
      wx.setClipboardData({ data: this.data.item.tracking_code });
    },
  },
});

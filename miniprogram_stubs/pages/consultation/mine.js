// My opinions (on one draft, or on all) and, once the committee publishes them, their outcomes with the
// reason. Until the deadline an opinion can be withdrawn here.
const singleView = require('../../behaviors/single-view');
const { get, post } = require('../../utils/request');
const format = require('../../utils/format');

/** @param {any} opinion */
function row(opinion) {
  const where = opinion.unit_label ? opinion.unit_label + (opinion.paragraph ? `第${opinion.paragraph}款` : '') : '草案整体';
  return Object.assign({}, opinion, { where, atText: format.dateTime(opinion.updated_at) });
}

Component({
  behaviors: [singleView],
  data: { id: 0, items: /** @type {any[]} */ ([]) },
  methods: {
    /** @param {Record<string, string>} query */
    onLoad(query) {
      this.setData({ id: Number(query.id || 0) });
      return this.reload();
    },

    async fetch() {
      const query = this.data.id ? { consultation_id: this.data.id } : undefined;
      const items = await get('/consultations/mine', query, { quiet: true });
      this.setData({ items: items.map(row) });
      return items.length > 0;
    },

    /** @param {any} e */
    async onWithdraw(e) {
      const id = e.currentTarget.dataset.id;
      try {
        await post(`/consultations/mine/${id}/withdraw`);
        wx.showToast({ title: '已撤回', icon: 'success' });
        await this.fetch();
      } catch (error) {
        // The helper has shown the API's message.
      }
    },
  },
});

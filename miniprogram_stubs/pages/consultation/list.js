// Drafts the committee asks me about: those still open first, with the deadline and how many opinions I gave.
const singleView = require('../../behaviors/single-view');
const { get } = require('../../utils/request');
const format = require('../../utils/format');

/** @param {any} item */
function row(item) {
  return Object.assign({}, item, { closesText: format.dateTime(item.closes_at) });
}

Component({
  behaviors: [singleView],
  data: { items: /** @type {any[]} */ ([]) },
  methods: {
    onLoad() {
      return this.reload();
    },

    async fetch() {
      const items = await get('/consultations/feed', undefined, { quiet: true });
      this.setData({ items: items.map(row) });
      return items.length > 0;
    },

    /** @param {any} e */
    onOpen(e) {
      wx.navigateTo({ url: '/pages/consultation/detail?id=' + e.currentTarget.dataset.id });
    },

    onMine() {
      wx.navigateTo({ url: '/pages/consultation/mine' });
    },
  },
});

// My meetings: the published meetings this deputy attends (or is invited to, 列席), newest first.
const singleView = require('../../behaviors/single-view');
const { page } = require('../../utils/request');
const format = require('../../utils/format');

Component({
  behaviors: [singleView],
  data: { meetings: /** @type {any[]} */ ([]) },
  methods: {
    onLoad() {
      return this.reload();
    },

    async fetch() {
      const { items } = await page('/briefings/my/meetings', 1, 50, {});
      this.setData({
        meetings: items.map((m) => Object.assign({}, m, { whenText: format.dateTime(m.starts_at) })),
      });
      return items.length > 0;
    },

    /** @param {any} e */
    onOpen(e) {
      wx.navigateTo({ url: '/pages/briefings/meeting?id=' + e.currentTarget.dataset.id });
    },

    onSearch() {
      wx.navigateTo({ url: '/pages/search/search' });
    },
  },
});

// My activities and invitations (视察、调研、小组活动 ...): newest first, each with my answer and check-in.
const singleView = require('../../behaviors/single-view');
const { get } = require('../../utils/request');
const format = require('../../utils/format');

/** @param {any} item */
function row(item) {
  return {
    id: item.activity.id,
    title: item.activity.title,
    kind: item.activity.kind_label,
    when: format.dateTime(item.activity.starts_at),
    place: item.activity.place,
    answer: item.activity.state === 'cancelled' ? '已取消' : item.state_label,
    checkedIn: Boolean(item.checked_in_at),
  };
}

Component({
  behaviors: [singleView],
  data: { items: /** @type {any[]} */ ([]) },
  methods: {
    onLoad() {
      return this.reload();
    },

    onShow() {
      if (this.data.status === 'ready') return this.reload();
      return Promise.resolve();
    },

    async fetch() {
      const items = await get('/activities/mine', { page_size: 50 }, { quiet: true });
      this.setData({ items: items.map(row) });
      return items.length > 0;
    },

    /** @param {any} e */
    onOpen(e) {
      wx.navigateTo({ url: '/pages/activity/activity?id=' + e.currentTarget.dataset.id });
    },
  },
});

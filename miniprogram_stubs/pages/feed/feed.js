// The deputy's feed: pinned first, unread marked; asks once for subscribe-message consent.
const { request } = require('../../utils/api');

Page({
  data: { items: [], unread: 0, page: 1 },

  onShow() {
    this.load(1);
    request('GET', '/notices/feed/unread-count').then((r) => this.setData({ unread: r.unread }));
  },

  load(page) {
    request('GET', `/notices/feed?page=${page}&page_size=20`).then((items) =>
      this.setData({ items: page === 1 ? items : this.data.items.concat(items), page })
    );
  },

  onReachBottom() {
    this.load(this.data.page + 1);
  },

  askForNotifications() {
    request('GET', '/push/templates').then((templates) => {
      const ids = templates.map((t) => t.template_id);
      wx.requestSubscribeMessage({
        tmplIds: ids,
        success: (result) => {
          const accepted = templates.filter((t) => result[t.template_id] === 'accept').map((t) => t.key);
          const rejected = templates.filter((t) => result[t.template_id] === 'reject').map((t) => t.key);
          request('PUT', '/push/subscriptions', { accepted, rejected, long_term: false });
        },
      });
    });
  },

  open(e) {
    wx.navigateTo({ url: `/pages/notice/detail?id=${e.currentTarget.dataset.id}` });
  },
});

// A list screen: loading, empty and error states, pull-to-refresh and the next page on scroll.
// The page supplies fetchPage(page) -> {items, hasMore}; it may add afterLoad() to derive what it shows.
const { requireDeputy } = require('../utils/guard');

module.exports = Behavior({
  data: {
    items: /** @type {any[]} */ ([]),
    page: 0,
    hasMore: false,
    status: 'loading', // loading | ready | empty | error
    errorMessage: '',
    loadingMore: false,
    moreError: '',
  },
  methods: {
    // Who may open the screen: deputies unless the page says otherwise (utils/guard.js).
    guard() {
      return requireDeputy();
    },

    reload() {
      return this.loadPage(1);
    },

    loadMore() {
      const { hasMore, loadingMore, status, page } = this.data;
      if (!hasMore || loadingMore || status !== 'ready') return Promise.resolve();
      return this.loadPage(page + 1);
    },

    /** @param {number} page */
    async loadPage(page) {
      const self = /** @type {any} */ (this);
      if (page === 1 && !this.data.items.length) this.setData({ status: 'loading' });
      if (page === 1 && self.afterLoad) self.afterLoad();
      if (page > 1) this.setData({ loadingMore: true, moreError: '' });
      try {
        await self.guard();
        const result = await self.fetchPage(page);
        const items = page === 1 ? result.items : this.data.items.concat(result.items);
        this.setData({
          items,
          page,
          hasMore: result.hasMore,
          loadingMore: false,
          status: items.length ? 'ready' : 'empty',
          errorMessage: '',
        });
        if (self.afterLoad) self.afterLoad();
      } catch (error) {
        if (page === 1) this.setData({ status: 'error', errorMessage: error.message, loadingMore: false });
        else this.setData({ loadingMore: false, moreError: error.message });
        if (self.afterLoad) self.afterLoad();
      }
    },

    onPullDownRefresh() {
      return this.reload().then(() => wx.stopPullDownRefresh());
    },

    onReachBottom() {
      return this.loadMore();
    },

    onRetry() {
      return this.reload();
    },
  },
});

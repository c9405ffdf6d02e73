// A screen that shows one thing: loading and error states, pull-to-refresh. The page supplies
// fetch() (which sets its data) and may return false from it to show the empty state.
// Paging on scroll does not apply: these screens hold one record, never a list that grows.
const { requireDeputy } = require('../utils/guard');

module.exports = Behavior({
  data: {
    status: 'loading', // loading | ready | empty | error
    errorMessage: '',
  },
  methods: {
    // Who may open the screen: deputies unless the page says otherwise (utils/guard.js).
    guard() {
      return requireDeputy();
    },

    async reload() {
      const self = /** @type {any} */ (this);
      if (this.data.status !== 'ready') this.setData({ status: 'loading' });
      try {
        await self.guard();
        const found = await self.fetch();
        this.setData({ status: found === false ? 'empty' : 'ready', errorMessage: '' });
      } catch (error) {
        this.setData({ status: 'error', errorMessage: error.message });
      }
    },

    onPullDownRefresh() {
      return this.reload().then(() => wx.stopPullDownRefresh());
    },

    onRetry() {
      return this.reload();
    },
  },
});

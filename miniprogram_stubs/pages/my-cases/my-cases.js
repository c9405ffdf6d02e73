// My cases: what this WeChat identity has sent, newest first, page by page (one call per page). Signing
// in is silent (wx.login); nobody is asked to register.
const pagedList = require('../../behaviors/paged-list');
const { page } = require('../../utils/request');
const { requireSignedIn } = require('../../utils/guard');
const config = require('../../config');

Component({
  behaviors: [pagedList],
  methods: {
    onLoad() {
      return this.reload();
    },

    onShow() {
      // Back from a case that was just rated: its state has moved.
      if (this.data.status === 'ready') return this.reload();
      return Promise.resolve();
    },

    guard() {
      return requireSignedIn();
    },

    /** @param {number} number */
    fetchPage(number) {
      return page('/feedback/my-cases', number, config.pageSize);
    },

    /** @param {any} e */
    onOpen(e) {
      wx.navigateTo({ url: '/pages/case/case?id=' + e.detail.id });
    },

    onTrack() {
      wx.navigateTo({ url: '/pages/track/track' });
    },

    onStations() {
      wx.switchTab({ url: '/pages/stations/stations' });
    },
  },
});

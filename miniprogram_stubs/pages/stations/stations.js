// Stations near me: with the phone's location, the nearest stations (one call, nearest first, with the
// distance); when the person refuses the location, the directory instead, page by page, searchable.
// Public data: nobody signs in to read it.
const pagedList = require('../../behaviors/paged-list');
const { get, page } = require('../../utils/request');
const { publicAccess } = require('../../utils/guard');
const config = require('../../config');

// Close enough to walk or take one bus; farther ones are found in the directory.
const NEAREST_LIMIT = 10;
const NEAREST_RADIUS_M = 30000;

/** @returns {Promise<{latitude: number, longitude: number} | null>} null when refused or unavailable */
function locate() {
  return new Promise((resolve) => {
    wx.getLocation({
      type: 'gcj02', // the coordinates the directory stores
      success: (res) => resolve({ latitude: res.latitude, longitude: res.longitude }),
      fail: () => resolve(null),
    });
  });
}

Component({
  behaviors: [pagedList],
  data: {
    mode: 'nearest', // nearest | directory
    query: '',
    located: false,
  },
  methods: {
    onLoad() {
      return this.reload();
    },

    guard() {
      return publicAccess();
    },

    /** @param {number} number */
    async fetchPage(number) {
      if (this.data.mode === 'nearest' && number === 1) {
        const where = await locate();
        if (where) {
          const items = await get(
            '/stations/nearest',
            { lat: where.latitude, lng: where.longitude, limit: NEAREST_LIMIT, radius: NEAREST_RADIUS_M },
            { anonymous: true, quiet: true }
          );
          this.setData({ located: true });
          if (items.length) return { items, hasMore: false };
        }
        // Refused, or nothing within reach: the directory serves as well.
        this.setData({ mode: 'directory', located: Boolean(where) });
      }
      const { query } = this.data;
      return page('/stations', number, config.pageSize, query ? { q: query } : {}, { anonymous: true });
    },

    /** @param {any} e */
    onQueryInput(e) {
      this.setData({ query: e.detail.value.trim() });
    },

    onSearch() {
      this.setData({ mode: 'directory', items: [], hasMore: false });
      return this.reload();
    },

    onNearest() {
      this.setData({ mode: 'nearest', query: '', items: [], hasMore: false });
      return this.reload();
    },

    /** @param {any} e */
    onOpen(e) {
      wx.navigateTo({ url: '/pages/station/station?id=' + e.detail.id });
    },
  },
});

// Home, for both audiences. Anyone opening the mini-program is signed in silently (wx.login); nobody is
// asked to register. A constituent sees the way to the stations, to submit, to their cases and to track a
// code (no API call beyond the sign-in). A deputy also sees the unread count and the pinned notices (two
// calls: the count and the first feed page, whose pinned notices come first; further pages are fetched
// only while they still hold pinned ones) and their stations' inbox.
const pagedList = require('../../behaviors/paged-list');
const { get, page } = require('../../utils/request');
const { requireSignedIn } = require('../../utils/guard');
const config = require('../../config');

Component({
  behaviors: [pagedList],
  data: {
    unread: /** @type {number | null} */ (null),
    role: '',
  },
  methods: {
    async guard() {
      const current = await requireSignedIn();
      if (current.role !== this.data.role) this.setData({ role: current.role });
      return current;
    },

    onLoad() {
      return this.reload();
    },

    onShow() {
      // Back from a notice or the feed: the unread count has moved.
      if (this.data.status === 'ready' || this.data.status === 'empty') return this.reload();
      return Promise.resolve();
    },

    /** @param {number} number */
    async fetchPage(number) {
      if (this.data.role !== 'deputy') return { items: [], hasMore: false };
      const [result, count] = await Promise.all([
        page('/notices/feed', number, config.pageSize),
        number === 1 ? get('/notices/feed/unread-count', undefined, { quiet: true }) : null,
      ]);
      if (count) this.setData({ unread: count.unread });
      const pinned = result.items.filter((/** @type {any} */ item) => item.pinned);
      // Pinned notices sort first: a page that ends with an unpinned one is the last that can hold any.
      return { items: pinned, hasMore: result.hasMore && pinned.length === result.items.length };
    },

    /** @param {any} e */
    onOpen(e) {
      wx.navigateTo({ url: '/pages/notice/detail?id=' + e.detail.id });
    },

    onAllNotices() {
      wx.switchTab({ url: '/pages/feed/feed' });
    },

    onStations() {
      wx.switchTab({ url: '/pages/stations/stations' });
    },

    onMyCases() {
      wx.navigateTo({ url: '/pages/my-cases/my-cases' });
    },

    onTrack() {
      wx.navigateTo({ url: '/pages/track/track' });
    },

    onMeetings() {
      wx.navigateTo({ url: '/pages/briefings/meetings' });
    },

    onSearch() {
      wx.navigateTo({ url: '/pages/search/search' });
    },

    onLearning() {
      wx.navigateTo({ url: '/pages/learning/library' });
    },

    onInbox() {
      wx.navigateTo({ url: '/pages/inbox/inbox' });
    },

    onSuggestions() {
      wx.navigateTo({ url: '/pages/suggestions/suggestions' });
    },

    onConsultations() {
      wx.navigateTo({ url: '/pages/consultation/list' });
    },

    onBind() {
      wx.navigateTo({ url: '/pages/login/login' });
    },

    onPrivacy() {
      wx.navigateTo({ url: '/pages/privacy/privacy' });
    },
  },
});

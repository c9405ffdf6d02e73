// The notice feed, newest first with pinned ones on top, filtered by kind on the server. The tab is in
// every user's tab bar: a constituent is told that notices go to deputies, not sent to a binding screen.
const pagedList = require('../../behaviors/paged-list');
const { page } = require('../../utils/request');
const { requireSignedIn } = require('../../utils/guard');
const config = require('../../config');

const ALL = '全部';
const KINDS = [ALL, '会议通知', '情况通报', '知情知政', '学习通知', '一人一函', '其他'];

Component({
  behaviors: [pagedList],
  data: {
    kinds: KINDS,
    kind: ALL,
    role: '',
  },
  methods: {
    async guard() {
      const current = await requireSignedIn();
      if (current.role !== this.data.role) this.setData({ role: current.role });
      return current;
    },

    onBind() {
      wx.navigateTo({ url: '/pages/login/login' });
    },

    onLoad() {
      return this.reload();
    },

    onShow() {
      // Coming back from a notice: its read and reply marks have changed.
      if (this.data.status === 'ready') return this.reload();
      return Promise.resolve();
    },

    /** @param {number} number */
    fetchPage(number) {
      if (this.data.role !== 'deputy') return Promise.resolve({ items: [], hasMore: false });
      const { kind } = this.data;
      return page('/notices/feed', number, config.pageSize, kind === ALL ? {} : { kind });
    },

    /** @param {any} e */
    onKind(e) {
      const { kind } = e.currentTarget.dataset;
      if (kind === this.data.kind) return Promise.resolve();
      // Another kind is another list: start from its first page, showing "loading" meanwhile.
      this.setData({ kind, items: [], hasMore: false });
      return this.reload();
    },

    /** @param {any} e */
    onOpen(e) {
      wx.navigateTo({ url: '/pages/notice/detail?id=' + e.detail.id });
    },
  },
});

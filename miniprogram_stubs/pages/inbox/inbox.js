// My stations' inbox, for a deputy: the cases at the stations they serve, overdue first. The tabs are
// the states that hold cases, with their counts, and the overdue ones. Two calls to render (the first
// page and the counts); another tab or the next page is one call. Deputies read and comment; station
// staff decide, so there are no move buttons anywhere here.
const pagedList = require('../../behaviors/paged-list');
const { get, page } = require('../../utils/request');
const config = require('../../config');

const ALL = 'all';
const OVERDUE = 'overdue';

/** @param {string} filter @returns {Record<string, string | boolean>} */
function query(filter) {
  if (filter === ALL) return {};
  if (filter === OVERDUE) return { overdue: true };
  return { state: filter };
}

/** @param {any} counts @param {string} current */
function tabsOf(counts, current) {
  const tabs = [{ key: ALL, label: '全部', count: counts.total }];
  for (const state of counts.states) {
    // Only the states that hold cases: a deputy's inbox is small, and empty tabs are noise.
    if (state.count || state.state === current) tabs.push({ key: state.state, label: state.label, count: state.count });
  }
  tabs.push({ key: OVERDUE, label: '超期', count: counts.overdue });
  return tabs;
}

Component({
  behaviors: [pagedList],
  data: {
    filter: ALL,
    tabs: /** @type {any[]} */ ([]),
  },
  methods: {
    onLoad() {
      return this.reload();
    },

    onShow() {
      // Back from a case: a comment was added or staff moved it meanwhile.
      if (this.data.status === 'ready' || this.data.status === 'empty') return this.reload();
      return Promise.resolve();
    },

    /** @param {number} number */
    async fetchPage(number) {
      const { filter } = this.data;
      const withCounts = number === 1 && (filter === ALL || !this.data.tabs.length);
      const [result, counts] = await Promise.all([
        page('/feedback/cases', number, config.pageSize, query(filter)),
        withCounts ? get('/feedback/cases/counts', undefined, { quiet: true }) : null,
      ]);
      if (counts) this.setData({ tabs: tabsOf(counts, filter) });
      return result;
    },

    /** @param {any} e */
    onFilter(e) {
      const { key } = e.currentTarget.dataset;
      if (key === this.data.filter) return Promise.resolve();
      this.setData({ filter: key, items: [], hasMore: false });
      return this.reload();
    },

    /** @param {any} e */
    onOpen(e) {
      wx.navigateTo({ url: '/pages/inbox/case?id=' + e.detail.id });
    },
  },
});

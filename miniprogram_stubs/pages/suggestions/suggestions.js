// My suggestions (我的建议): those I lead, newest first, each with its state and abstract; and the
// commitments made in their answers (答复承诺台账), open until the office verifies them. Two tabs, one
// call each.
const singleView = require('../../behaviors/single-view');
const { get } = require('../../utils/request');

/** @param {any} s */
function row(s) {
  return { id: s.id, title: s.title, state: s.state_label, abstract: s.abstract || '', due: s.due_date || '' };
}

/** @param {any} c */
function promise(c) {
  return {
    id: c.id,
    suggestionId: c.suggestion.id,
    title: c.suggestion.title,
    what: c.what,
    due: c.due_date,
    owner: c.owner,
    unit: c.unit.name,
    state: c.state_label,
    overdue: c.overdue,
  };
}

Component({
  behaviors: [singleView],
  data: {
    tab: 'mine',
    items: /** @type {any[]} */ ([]),
    ledger: /** @type {any[]} */ ([]),
  },
  methods: {
    onLoad() {
      return this.reload();
    },

    onShow() {
      // Back from writing or rating: states have moved.
      if (this.data.status === 'ready') return this.reload();
      return Promise.resolve();
    },

    async fetch() {
      if (this.data.tab === 'ledger') {
        const found = await get('/suggestions/commitments', { page_size: 50 }, { quiet: true });
        this.setData({ ledger: found.map(promise) });
        return true;
      }
      const found = await get('/suggestions', { mine: true, page_size: 50 }, { quiet: true });
      this.setData({ items: found.map(row) });
      return true;
    },

    /** @param {any} e */
    onTab(e) {
      this.setData({ tab: e.currentTarget.dataset.tab });
      return this.reload();
    },

    /** @param {any} e */
    onOpen(e) {
      wx.navigateTo({ url: '/pages/suggestions/detail?id=' + e.currentTarget.dataset.id });
    },

    onWrite() {
      wx.navigateTo({ url: '/pages/suggestions/write' });
    },
  },
});

// What changed between two versions, article by article: added, removed, changed word by word, renumbered.
const singleView = require('../../behaviors/single-view');
const { get } = require('../../utils/request');

Component({
  behaviors: [singleView],
  data: {
    id: 0,
    from: 1,
    to: 2,
    summary: /** @type {any} */ (null),
    changes: /** @type {any[]} */ ([]),
  },
  methods: {
    /** @param {Record<string, string>} query */
    onLoad(query) {
      this.setData({ id: Number(query.id), from: Number(query.from || 1), to: Number(query.to || 2) });
      return this.reload();
    },

    async fetch() {
      const diff = await get(`/consultations/feed/${this.data.id}/diff`, { from: this.data.from, to: this.data.to }, { quiet: true });
      const changes = diff.changes.filter((/** @type {any} */ c) => c.change !== 'unchanged');
      this.setData({ summary: diff.summary, changes });
      return true;
    },
  },
});

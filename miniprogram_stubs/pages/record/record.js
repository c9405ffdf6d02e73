// My performance record (履职档案): this year's figures by kind, five years at a glance, the latest entries.
const singleView = require('../../behaviors/single-view');
const { get } = require('../../utils/request');
const format = require('../../utils/format');

/** @param {any} event */
function entry(event) {
  return {
    id: event.id,
    when: format.date(event.occurred_at),
    label: event.label,
    title: event.title,
    selfReported: event.self_reported,
  };
}

Component({
  behaviors: [singleView],
  data: { record: /** @type {any} */ (null), recent: /** @type {any[]} */ ([]) },
  methods: {
    onLoad() {
      return this.reload();
    },

    async fetch() {
      const record = await get('/records/me', undefined, { quiet: true });
      this.setData({ record, recent: record.recent.map(entry) });
    },

    onReportBack() {
      wx.navigateTo({ url: '/pages/reportback/reportback' });
    },
  },
});

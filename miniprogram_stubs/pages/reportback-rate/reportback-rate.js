// Constituents at a station rate the deputies' report-back (述职) they attended: one rating each, changeable.
const singleView = require('../../behaviors/single-view');
const { get, put } = require('../../utils/request');
const { requireSignedIn } = require('../../utils/guard');

const RATINGS = ['满意', '基本满意', '不满意'];

Component({
  behaviors: [singleView],
  data: { stationId: 0, reports: /** @type {any[]} */ ([]), ratings: RATINGS, rated: /** @type {Record<string, string>} */ ({}) },
  methods: {
    /** @param {Record<string, string>} query */
    onLoad(query) {
      this.setData({ stationId: Number(query.station) });
      return this.reload();
    },

    guard() {
      return requireSignedIn();
    },

    async fetch() {
      const reports = await get('/records/stations/' + this.data.stationId + '/report-backs', undefined, { quiet: true });
      this.setData({ reports });
      return reports.length > 0;
    },

    /** @param {any} e */
    async onRate(e) {
      const { id, rating } = e.currentTarget.dataset;
      try {
        await put('/records/report-backs/' + id + '/ratings', { rating });
        this.setData({ ['rated.' + id]: rating });
        wx.showToast({ title: '感谢您的评价', icon: 'success' });
      } catch (error) {
        // the helper has shown the API's message
      }
    },
  },
});

// A meeting: when, where, the agenda, and the papers this deputy may read (机密 ones marked, changed ones too).
const singleView = require('../../behaviors/single-view');
const { get } = require('../../utils/request');
const format = require('../../utils/format');

Component({
  behaviors: [singleView],
  data: {
    id: 0,
    meeting: /** @type {any} */ (null),
    agenda: /** @type {string[]} */ ([]),
    whenText: '',
  },
  methods: {
    /** @param {Record<string, string>} query */
    onLoad(query) {
      this.setData({ id: Number(query.id) });
      return this.reload();
    },

    async fetch() {
      const meeting = await get('/briefings/my/meetings/' + this.data.id, undefined, { quiet: true });
      this.setData({
        meeting,
        agenda: (meeting.agenda || '').split('\n').filter((line) => line.trim()),
        whenText: format.dateTime(meeting.starts_at) + ' 至 ' + format.dateTime(meeting.ends_at),
      });
    },

    /** @param {any} e */
    onPaper(e) {
      wx.navigateTo({ url: '/pages/briefings/paper?id=' + e.currentTarget.dataset.id });
    },
  },
});

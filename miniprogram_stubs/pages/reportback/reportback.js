// My 述职 draft: generated from my record for a year, its figures shown here, the .docx opened to edit.
const singleView = require('../../behaviors/single-view');
const { get, post, download } = require('../../utils/request');

Component({
  behaviors: [singleView],
  data: { reports: /** @type {any[]} */ ([]), year: new Date().getFullYear(), busy: false },
  methods: {
    onLoad() {
      return this.reload();
    },

    async fetch() {
      const reports = await get('/records/me/report-backs', { page_size: 20 }, { quiet: true });
      this.setData({ reports });
    },

    async onGenerate() {
      this.setData({ busy: true });
      try {
        await post('/records/me/report-backs', { year: this.data.year });
        wx.showToast({ title: '草稿已生成', icon: 'success' });
        await this.reload();
      } catch (error) {
        // the helper has shown the API's message
      } finally {
        this.setData({ busy: false });
      }
    },

    /** @param {any} e */
    async onOpen(e) {
      try {
        const file = await download('/records/me/report-backs/' + e.currentTarget.dataset.id + '/document');
        await new Promise((resolve, reject) =>
          wx.openDocument({ filePath: file, fileType: 'docx', showMenu: true, success: resolve, fail: reject })
        );
      } catch (error) {
        // the helper has shown why
      }
    },
  },
});

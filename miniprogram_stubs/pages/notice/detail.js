// A notice: opening it marks it read (one call). Attachments open through their short-lived signed
// links; the reply slip is answered and changed here until its deadline.
const singleView = require('../../behaviors/single-view');
const { get, put, origin } = require('../../utils/request');
const format = require('../../utils/format');

const LETTER = '一人一函';

/** @param {any} attachment */
function attachmentRow(attachment) {
  return Object.assign({}, attachment, { sizeText: format.size(attachment.size) });
}

Component({
  behaviors: [singleView],
  data: {
    id: 0,
    notice: /** @type {any} */ (null),
    attachments: /** @type {any[]} */ ([]),
    publishedText: '',
    isLetter: false,
    replying: false,
  },
  methods: {
    /** @param {Record<string, string>} query */
    onLoad(query) {
      this.setData({ id: Number(query.id) });
      return this.reload();
    },

    async fetch() {
      const notice = await get('/notices/feed/' + this.data.id, undefined, { quiet: true });
      this.setData({
        notice,
        attachments: (notice.attachments || []).map(attachmentRow),
        publishedText: format.dateTime(notice.published_at),
        isLetter: notice.kind === LETTER,
      });
      wx.setNavigationBarTitle({ title: notice.kind });
    },

    /** @param {any} e */
    async onReply(e) {
      this.setData({ replying: true });
      try {
        const reply = await put('/notices/feed/' + this.data.id + '/reply', {
          option: e.detail.option,
          reason: e.detail.reason,
        });
        // The answer is the reply alone: keep the notice and put the reply into it.
        this.setData({ 'notice.my_reply': reply });
        wx.showToast({ title: '回执已提交', icon: 'success' });
      } catch (error) {
        // The helper has shown the API's message; the slip keeps what the deputy chose.
      } finally {
        this.setData({ replying: false });
      }
    },

    /** @param {any} e */
    async onAttachment(e) {
      const index = e.currentTarget.dataset.index;
      wx.showLoading({ title: '正在下载' });
      try {
        let path = await this.download(this.data.attachments[index].url);
        if (!path) {
          // The signed link has expired (they live minutes): fetch the notice for fresh links, once.
          await this.fetch();
          path = await this.download(this.data.attachments[index].url);
        }
        if (!path) throw new Error('附件下载失败，请稍后再试。');
        wx.hideLoading();
        await new Promise((resolve, reject) =>
          wx.openDocument({ filePath: path, showMenu: true, success: resolve, fail: reject })
        );
      } catch (error) {
        wx.hideLoading();
        wx.showToast({ title: (error && error.message) || '无法打开该附件。', icon: 'none' });
      }
    },

    /** @param {string} url @returns {Promise<string>} the local file, or '' when the link no longer works */
    download(url) {
      return new Promise((resolve, reject) => {
        wx.downloadFile({
          url: origin + url,
          success: (res) => resolve(res.statusCode === 200 ? res.tempFilePath : ''),
          fail: () => reject(new Error('网络连接不稳定，附件下载失败。')),
        });
      });
    },
  },
});

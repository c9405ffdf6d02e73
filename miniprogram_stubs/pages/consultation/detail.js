// A draft read article by article. Each article has a comment button that opens a box under it, where an
// article of several paragraphs (款) lets the deputy pick one; the draft as a whole can be commented on too.
// My opinions show under the article they are about.
const singleView = require('../../behaviors/single-view');
const { get, post, origin } = require('../../utils/request');
const format = require('../../utils/format');

/** @param {any} unit @param {any[]} mine */
function unitRow(unit, mine) {
  return Object.assign({}, unit, {
    isArticle: unit.kind === 'article',
    mine: mine.filter((opinion) => opinion.unit_id === unit.id),
  });
}

Component({
  behaviors: [singleView],
  data: {
    id: 0,
    draft: /** @type {any} */ (null),
    units: /** @type {any[]} */ ([]),
    whole: /** @type {any[]} */ ([]),
    closesText: '',
    commenting: /** @type {number | null} */ (null), // the unit id being commented on; 0: the whole draft
    paragraph: /** @type {number | null} */ (null), // the 款 of that article (1-based); null: the whole article
    body: '',
    hint: '',
    busy: false,
  },
  methods: {
    /** @param {Record<string, string>} query */
    onLoad(query) {
      this.setData({ id: Number(query.id) });
      return this.reload();
    },

    async fetch() {
      const draft = await get('/consultations/feed/' + this.data.id, undefined, { quiet: true });
      const mine = draft.mine.filter((/** @type {any} */ o) => o.status !== 'withdrawn');
      this.setData({
        draft,
        units: draft.units.map((/** @type {any} */ unit) => unitRow(unit, mine)),
        whole: mine.filter((/** @type {any} */ o) => !o.unit_id),
        closesText: format.dateTime(draft.closes_at),
      });
      wx.setNavigationBarTitle({ title: draft.kind });
    },

    /** @param {any} e */
    onComment(e) {
      this.setData({ commenting: Number(e.currentTarget.dataset.unit), paragraph: null, body: '', hint: '' });
    },

    /** @param {any} e */
    onParagraph(e) {
      this.setData({ paragraph: Number(e.currentTarget.dataset.paragraph) || null });
    },

    /** @param {any} e */
    onBody(e) {
      this.setData({ body: e.detail.value });
    },

    async onSend() {
      const content = this.data.body.trim();
      if (!content) {
        this.setData({ hint: '请填写意见。' });
        return;
      }
      this.setData({ busy: true, hint: '' });
      try {
        const unitId = this.data.commenting || null;
        // Not idempotent: a lost answer is not resent, which would file the opinion twice.
        const paragraph = unitId ? this.data.paragraph : null;
        await post(`/consultations/feed/${this.data.id}/opinions`, { unit_id: unitId, paragraph, content }, { quiet: true });
        this.setData({ commenting: null, paragraph: null, body: '' });
        wx.showToast({ title: '意见已提交', icon: 'success' });
        await this.fetch();
      } catch (error) {
        this.setData({ hint: error.message });
      } finally {
        this.setData({ busy: false });
      }
    },

    // The 起草说明 as a document: its short-lived signed link, fetched again once if it has expired.
    async onExplanationFile() {
      wx.showLoading({ title: '正在下载' });
      try {
        let path = await this.download(this.data.draft.explanation_file.url);
        if (!path) {
          await this.fetch();
          path = await this.download(this.data.draft.explanation_file.url);
        }
        if (!path) throw new Error('文件下载失败，请稍后再试。');
        wx.hideLoading();
        await new Promise((resolve, reject) =>
          wx.openDocument({ filePath: path, showMenu: true, success: resolve, fail: reject })
        );
      } catch (error) {
        wx.hideLoading();
        wx.showToast({ title: (error && error.message) || '无法打开该文件。', icon: 'none' });
      }
    },

    /** @param {string} url @returns {Promise<string>} the local file, or '' when the link no longer works */
    download(url) {
      return new Promise((resolve, reject) => {
        wx.downloadFile({
          url: origin + url,
          success: (res) => resolve(res.statusCode === 200 ? res.tempFilePath : ''),
          fail: () => reject(new Error('网络连接不稳定，文件下载失败。')),
        });
      });
    },

    onMine() {
      wx.navigateTo({ url: '/pages/consultation/mine?id=' + this.data.id });
    },

    onDiff() {
      const versions = this.data.draft.versions;
      const to = versions[versions.length - 1];
      wx.navigateTo({ url: `/pages/consultation/diff?id=${this.data.id}&from=${to - 1}&to=${to}` });
    },
  },
});

// A paper for reading only: its pages are images the server draws this deputy's name, masked phone and the
// time into. Links live minutes and die when staff revoke the paper; an image that fails to load fetches
// fresh links once. No download is offered for internal or confidential papers.
const singleView = require('../../behaviors/single-view');
const { get, origin } = require('../../utils/request');

Component({
  behaviors: [singleView],
  data: {
    id: 0,
    paper: /** @type {any} */ (null),
    pages: /** @type {{page: number, src: string}[]} */ ([]),
    refreshed: false,
  },
  methods: {
    /** @param {Record<string, string>} query */
    onLoad(query) {
      this.setData({ id: Number(query.id) });
      return this.reload();
    },

    async fetch() {
      // Opening marks it read; the links are asked for after, so the two calls stay one each.
      const paper = await get('/briefings/my/papers/' + this.data.id, undefined, { quiet: true });
      this.setData({ paper });
      await this.loadPages();
      wx.setNavigationBarTitle({ title: paper.category });
    },

    async loadPages() {
      const links = await get('/briefings/my/papers/' + this.data.id + '/pages', undefined, { quiet: true });
      this.setData({ pages: links.pages.map((p) => ({ page: p.page, src: origin + p.url })) });
    },

    onImageError() {
      if (this.data.refreshed) return Promise.resolve();
      this.setData({ refreshed: true });
      return this.loadPages().catch(() => this.reload());
    },
  },
});

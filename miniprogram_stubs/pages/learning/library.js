// 学习资料库: what the deputy's audience reaches, by category (the server caches it per audience).
const singleView = require('../../behaviors/single-view');
const { get } = require('../../utils/request');

const ALL = '全部';
const CATEGORIES = [ALL, '政治理论', '法律法规', '履职知识', '专题', '其他'];

Component({
  behaviors: [singleView],
  data: {
    categories: CATEGORIES,
    category: ALL,
    items: /** @type {any[]} */ ([]),
    counts: /** @type {Record<string, number>} */ ({}),
  },
  methods: {
    onLoad() {
      return this.reload();
    },

    async fetch() {
      const { category } = this.data;
      const page = await get('/materials/library', category === ALL ? { page_size: 50 } : { category, page_size: 50 },
        { quiet: true });
      this.setData({ items: page.items, counts: page.categories });
      return page.items.length > 0;
    },

    /** @param {any} e */
    onCategory(e) {
      const { category } = e.currentTarget.dataset;
      if (category === this.data.category) return Promise.resolve();
      this.setData({ category, items: [] });
      return this.reload();
    },

    /** @param {any} e */
    onOpen(e) {
      wx.navigateTo({ url: '/pages/learning/material?id=' + e.currentTarget.dataset.id });
    },

    onMine() {
      wx.navigateTo({ url: '/pages/learning/courses' });
    },
  },
});

// Tracking a case by its code, for someone holding the code on another phone: status, steps and the
// answer only (the API never sends the content, a name or a phone here). One public call.
const { get } = require('../../utils/request');
const format = require('../../utils/format');

Component({
  data: {
    code: '',
    status: 'idle', // idle | loading | ready | error
    errorMessage: '',
    found: /** @type {any} */ (null),
    submittedText: '',
  },
  methods: {
    /** @param {Record<string, string>} query */
    onLoad(query) {
      const code = (query && query.code) || '';
      this.setData({ code });
      return code ? this.onSearch() : Promise.resolve();
    },

    /** @param {any} e */
    onCodeInput(e) {
      this.setData({ code: e.detail.value });
    },

    async onSearch() {
      // What a person types: any case, spaces or dashes; the API normalises the same way.
      const code = this.data.code.toUpperCase().replace(/[\s-]/g, '');
      if (code.length < 10) {
        this.setData({ status: 'error', errorMessage: '请输入 10 位查询码。' });
        return;
      }
      this.setData({ status: 'loading', errorMessage: '' });
      try {
        const found = await get('/feedback/track/' + encodeURIComponent(code), undefined, { anonymous: true, quiet: true });
        this.setData({ found, status: 'ready', submittedText: format.dateTime(found.submitted_at) });
      } catch (error) {
        this.setData({ status: 'error', errorMessage: error.message, found: null });
      }
    },

    onPullDownRefresh() {
      const refresh = this.data.found ? this.onSearch() : Promise.resolve();
      return refresh.then(() => wx.stopPullDownRefresh());
    },
  },
});

// The one search over what this deputy may read: notices, meeting papers, learning materials and the
// published answers to suggestions (read in place: the snippet is the answer).
// Voice input: WeChat's 同声传译 plugin (WechatSI) recognises speech on the phone; the recognised text is
// put in the box and searched like typed text. Hold the button to speak, release to search.
const { get } = require('../../utils/request');
const { requireSignedIn } = require('../../utils/guard');

const KINDS = [
  { kind: '', label: '全部' },
  { kind: 'notice', label: '通知' },
  { kind: 'paper', label: '会议资料' },
  { kind: 'material', label: '学习资料' },
  { kind: 'answer', label: '建议答复' },
];

/** The recogniser, made on first use: the plugin is loaded only when someone speaks. */
let recogniser = null;
function speech() {
  if (!recogniser) recogniser = requirePlugin('WechatSI').getRecordRecognitionManager();
  return recogniser;
}

/** @param {any} item */
function target(item) {
  if (item.kind === 'notice') return '/pages/notice/detail?id=' + item.key;
  if (item.kind === 'paper') return '/pages/briefings/paper?id=' + item.key;
  if (item.kind === 'material') return '/pages/learning/material?id=' + item.key;
  return '';
}

Component({
  data: {
    q: '',
    kind: '',
    kinds: KINDS,
    items: /** @type {any[]} */ ([]),
    facets: /** @type {any[]} */ ([]),
    total: 0,
    searched: false,
    listening: false,
    message: '',
  },
  methods: {
    onLoad() {
      return requireSignedIn().catch(() => null);
    },

    /** @param {any} e */
    onInput(e) {
      this.setData({ q: e.detail.value });
    },

    onConfirm() {
      return this.search();
    },

    /** @param {any} e */
    onKind(e) {
      this.setData({ kind: e.currentTarget.dataset.kind });
      return this.data.q.trim() ? this.search() : Promise.resolve();
    },

    async search() {
      const q = this.data.q.trim();
      if (!q) {
        this.setData({ message: '请输入或说出要查找的内容。' });
        return;
      }
      const params = this.data.kind ? { q, kind: this.data.kind } : { q };
      try {
        const result = await get('/search', params, { quiet: true });
        this.setData({
          items: result.items.map((item) => Object.assign({}, item, { url: target(item) })),
          facets: result.facets,
          total: result.total,
          searched: true,
          message: result.total ? '' : '没有找到相关内容。',
        });
      } catch (error) {
        this.setData({ message: error.message, searched: true, items: [], total: 0 });
      }
    },

    /** @param {any} e */
    onOpen(e) {
      const { url } = e.currentTarget.dataset;
      if (url) wx.navigateTo({ url });
    },

    onVoiceStart() {
      const manager = speech();
      manager.onStop = (res) => {
        this.setData({ listening: false });
        const text = ((res && res.result) || '').replace(/[。，！？、\s]+$/u, '');
        if (!text) {
          this.setData({ message: '没有听清，请再说一遍。' });
          return;
        }
        this.setData({ q: text });
        this.search();
      };
      manager.onError = () => this.setData({ listening: false, message: '语音识别失败，请改用文字输入。' });
      this.setData({ listening: true, message: '' });
      manager.start({ duration: 30000, lang: 'zh_CN' });
    },

    onVoiceEnd() {
      speech().stop();
    },
  },
});

// Feed items as large, tappable cards; the list footer tells whether more is loading or all is shown.
const format = require('../../utils/format');

/** @param {any} item */
function row(item) {
  let replyText = '';
  if (item.my_reply) replyText = '已回执：' + item.my_reply;
  else if (item.reply_required) replyText = '待回执 截止 ' + format.dateTime(item.reply_deadline).slice(5);
  return Object.assign({}, item, { publishedText: format.date(item.published_at), replyText });
}

Component({
  properties: {
    items: { type: Array, value: [] },
    hasMore: { type: Boolean, value: false },
    loadingMore: { type: Boolean, value: false },
    moreError: { type: String, value: '' },
  },
  data: {
    rows: /** @type {any[]} */ ([]),
  },
  observers: {
    items(items) {
      this.setData({ rows: (items || []).map(row) });
    },
  },
  methods: {
    /** @param {any} e */
    onOpen(e) {
      this.triggerEvent('open', { id: e.currentTarget.dataset.id });
    },
    onMore() {
      this.triggerEvent('more');
    },
  },
});

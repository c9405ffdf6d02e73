// Cases as large, tappable cards: state, category, the first words, when; overdue and near-due stand out.
const format = require('../../utils/format');

/** @param {any} item */
function row(item) {
  let dueText = '';
  if (item.overdue) dueText = '已超期 ' + (item.due_date || '');
  else if (item.due_date) dueText = (item.due_mark === 'near' ? '临近期限 ' : '答复期限 ') + item.due_date;
  return Object.assign({}, item, { createdText: format.date(item.created_at), dueText });
}

Component({
  properties: {
    items: { type: Array, value: [] },
    hasMore: { type: Boolean, value: false },
    loadingMore: { type: Boolean, value: false },
    moreError: { type: String, value: '' },
    showStation: { type: Boolean, value: false },
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

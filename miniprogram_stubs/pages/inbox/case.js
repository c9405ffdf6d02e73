// A case in a deputy's inbox: what was reported (name and phone masked by the API), where it stands, the
// answer, and what deputies and staff have said. Two calls: the case and its comments. A deputy comments
// and proposes; they do not decide (代表个人不直接处理问题), so this screen has no move buttons.
const singleView = require('../../behaviors/single-view');
const { get, post, origin } = require('../../utils/request');
const format = require('../../utils/format');

const KINDS = [
  { key: 'comment', label: '意见' },
  { key: 'proposal', label: '建议' },
];
const KIND_LABELS = { comment: '意见', proposal: '建议' };
const ROLE_LABELS = { deputy: '代表', station_staff: '联络站', staff: '工作人员', admin: '工作人员' };

/** @param {any} comment */
function commentRow(comment) {
  return {
    id: comment.id,
    who: `${comment.author_name || '—'}（${ROLE_LABELS[comment.author_role] || comment.author_role}）`,
    kind: KIND_LABELS[comment.kind] || comment.kind,
    body: comment.body,
    at: format.dateTime(comment.created_at),
  };
}

Component({
  behaviors: [singleView],
  data: {
    id: 0,
    item: /** @type {any} */ (null),
    photos: /** @type {any[]} */ ([]),
    comments: /** @type {any[]} */ ([]),
    createdText: '',
    canComment: false,
    kinds: KINDS,
    kind: 'comment',
    body: '',
    busy: false,
    hint: '',
  },
  methods: {
    /** @param {Record<string, string>} query */
    onLoad(query) {
      this.setData({ id: Number((query || {}).id) || 0 });
      return this.reload();
    },

    async fetch() {
      const path = '/feedback/cases/' + this.data.id;
      const [item, comments] = await Promise.all([
        get(path, undefined, { quiet: true }),
        get(path + '/comments', undefined, { quiet: true }),
      ]);
      this.setData({
        item,
        photos: (item.photos || []).map((/** @type {any} */ p) => ({ id: p.id, src: origin + p.url })),
        comments: comments.map(commentRow),
        createdText: format.dateTime(item.created_at),
        canComment: (item.actions || []).includes('comment'),
      });
    },

    /** @param {any} e */
    onKind(e) {
      this.setData({ kind: e.currentTarget.dataset.kind });
    },

    /** @param {any} e */
    onBody(e) {
      this.setData({ body: e.detail.value, hint: '' });
    },

    /** @param {any} e */
    onPreview(e) {
      const urls = this.data.photos.map((p) => p.src);
      wx.previewImage({ urls, current: urls[e.currentTarget.dataset.index] });
    },

    async onComment() {
      const body = this.data.body.trim();
      if (!body) {
        this.setData({ hint: '请填写意见或建议。' });
        return;
      }
      this.setData({ busy: true, hint: '' });
      try {
        // Not idempotent: a lost answer is not resent, which would post the comment twice.
        const comment = await post(`/feedback/cases/${this.data.id}/comments`, { body, kind: this.data.kind }, { quiet: true });
        this.setData({ comments: this.data.comments.concat([commentRow(comment)]), body: '' });
        wx.showToast({ title: '已发表', icon: 'success' });
      } catch (error) {
        this.setData({ hint: error.message });
      } finally {
        this.setData({ busy: false });
      }
    },
  },
});

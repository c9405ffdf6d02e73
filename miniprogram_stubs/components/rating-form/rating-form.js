// Rating an answer: 满意 / 基本满意 / 不满意; with 不满意 the constituent may ask, once and with a reason,
// for the case to be handled again. With only `canReopen` (rated 不满意 earlier) it asks for the reason alone.
const RATINGS = ['满意', '基本满意', '不满意'];

Component({
  properties: {
    canRate: { type: Boolean, value: false },
    canReopen: { type: Boolean, value: false },
    busy: { type: Boolean, value: false },
  },
  data: {
    ratings: RATINGS,
    rating: '',
    comment: '',
    reopen: false,
    reason: '',
    hint: '',
  },
  methods: {
    /** @param {any} e */
    onRating(e) {
      const rating = e.currentTarget.dataset.rating;
      this.setData({ rating, reopen: rating === '不满意' ? this.data.reopen : false, hint: '' });
    },

    /** @param {any} e */
    onComment(e) {
      this.setData({ comment: e.detail.value });
    },

    /** @param {any} e */
    onReopen(e) {
      this.setData({ reopen: e.detail.value.length > 0, hint: '' });
    },

    /** @param {any} e */
    onReason(e) {
      this.setData({ reason: e.detail.value, hint: '' });
    },

    onSubmit() {
      const { rating, comment, reopen, reason } = this.data;
      const reopenOnly = !this.data.canRate;
      if (!reopenOnly && !rating) {
        this.setData({ hint: '请选择满意程度。' });
        return;
      }
      if ((reopen || reopenOnly) && !reason.trim()) {
        this.setData({ hint: '申请重新办理，请写明原因。' });
        return;
      }
      if (reopenOnly) {
        this.triggerEvent('reopen', { reason: reason.trim() });
        return;
      }
      /** @type {Record<string, any>} */
      const detail = { rating, reopen };
      if (comment.trim()) detail.comment = comment.trim();
      if (reopen) detail.reason = reason.trim();
      this.triggerEvent('submit', detail);
    },
  },
});

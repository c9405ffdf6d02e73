// The reply slip (回执): choose an option, give a reason where the option asks for one, before the deadline.
// It only collects the answer; the page sends it and passes the saved reply back in as myReply.
const format = require('../../utils/format');

Component({
  properties: {
    slip: { type: Object, value: { options: [], deadline: '' } },
    myReply: { type: Object, value: null },
    open: { type: Boolean, value: false },
    busy: { type: Boolean, value: false },
  },
  data: {
    selected: '',
    reason: '',
    hint: '',
    needsReason: false,
    deadlineText: '',
  },
  observers: {
    slip(slip) {
      this.setData({ deadlineText: format.dateTime(slip && slip.deadline) });
      this.refreshNeedsReason();
    },
    myReply(reply) {
      if (reply) this.setData({ selected: reply.option, reason: reply.reason || '' });
      this.refreshNeedsReason();
    },
  },
  methods: {
    /** @param {string} [label] */
    optionOf(label) {
      const options = (this.data.slip && this.data.slip.options) || [];
      return options.find((/** @type {any} */ o) => o.label === label);
    },

    refreshNeedsReason() {
      const option = this.optionOf(this.data.selected);
      this.setData({ needsReason: !!(option && option.requires_reason) });
    },

    /** @param {any} e */
    onOption(e) {
      this.setData({ selected: e.detail.value, hint: '' });
      this.refreshNeedsReason();
    },

    /** @param {any} e */
    onReason(e) {
      this.setData({ reason: e.detail.value });
    },

    onSubmit() {
      const option = this.optionOf(this.data.selected);
      if (!option) {
        this.setData({ hint: '请先选择一项。' });
        return;
      }
      const reason = this.data.reason.trim();
      if (option.requires_reason && !reason) {
        this.setData({ hint: `选择「${option.label}」须填写理由。` });
        return;
      }
      this.setData({ hint: '' });
      this.triggerEvent('submit', { option: option.label, reason: option.requires_reason ? reason : null });
    },
  },
});

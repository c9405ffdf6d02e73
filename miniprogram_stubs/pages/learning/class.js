// A training class: its sessions, the invitation reply (attend, or leave with a reason) and the check-in:
// the deputy scans the rotating code on the venue's screen with wx.scanCode.
const singleView = require('../../behaviors/single-view');
const { get, post, put } = require('../../utils/request');
const format = require('../../utils/format');

Component({
  behaviors: [singleView],
  data: {
    id: 0,
    klass: /** @type {any} */ (null),
    sessions: /** @type {any[]} */ ([]),
    reason: '',
    busy: false,
  },
  methods: {
    /** @param {Record<string, string>} query */
    onLoad(query) {
      this.setData({ id: Number(query.id) });
      return this.reload();
    },

    async fetch() {
      this.showClass(await get('/materials/my/classes/' + this.data.id, undefined, { quiet: true }));
    },

    /** @param {any} klass */
    showClass(klass) {
      const attended = new Set(klass.attended_session_ids);
      const sessions = klass.sessions.map((/** @type {any} */ s) => Object.assign({}, s, {
        when: format.dateTime(s.starts_at) + ' — ' + format.dateTime(s.ends_at),
        attended: attended.has(s.id),
      }));
      this.setData({ klass, sessions, reason: klass.reason || '' });
    },

    /** @param {any} e */
    onReason(e) {
      this.setData({ reason: e.detail.value });
    },

    onAttend() {
      return this.reply({ reply: 'attending' });
    },

    onLeave() {
      return this.reply({ reply: 'leave', reason: this.data.reason });
    },

    /** @param {Record<string, string>} body */
    async reply(body) {
      this.setData({ busy: true });
      try {
        this.showClass(await put('/materials/my/classes/' + this.data.id + '/reply', body));
        wx.showToast({ title: '回执已提交', icon: 'success' });
      } catch (error) {
        // The helper has shown the API's message (e.g. a leave request needs a reason).
      } finally {
        this.setData({ busy: false });
      }
    },

    async onScan() {
      /** @type {string} */
      let code;
      try {
        code = await new Promise((resolve, reject) =>
          wx.scanCode({ onlyFromCamera: true, scanType: ['qrCode'], success: (res) => resolve(res.result), fail: reject }));
      } catch (error) {
        return; // the deputy closed the camera
      }
      try {
        await post('/materials/checkin', { code });
        wx.showToast({ title: '签到成功', icon: 'success' });
        await this.fetch();
      } catch (error) {
        // The helper has shown why (expired, not this class, already used): scan the screen again.
      }
    },
  },
});

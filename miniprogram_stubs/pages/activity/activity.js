// One activity: the invitation and my reply slip (参加, or 请假 with a reason), check-in by scanning the
// rotating code on the screen at the venue, and my report (调研报告、视察意见) afterwards.
const singleView = require('../../behaviors/single-view');
const { get, put, post } = require('../../utils/request');
const format = require('../../utils/format');

const REPORT_KINDS = ['调研报告', '视察意见', '活动小结'];

Component({
  behaviors: [singleView],
  data: {
    id: 0,
    item: /** @type {any} */ (null),
    whenText: '',
    checkedInText: '',
    reason: '',
    reportKinds: REPORT_KINDS,
    reportKind: 0,
    reportTitle: '',
    reportBody: '',
    busy: false,
    started: false,
  },
  methods: {
    /** @param {Record<string, string>} query */
    onLoad(query) {
      this.setData({ id: Number(query.id) });
      return this.reload();
    },

    async fetch() {
      const item = await get('/activities/mine/' + this.data.id, undefined, { quiet: true });
      const report = item.my_report;
      this.setData({
        item,
        whenText: format.dateTime(item.activity.starts_at) + ' 至 ' + format.dateTime(item.activity.ends_at),
        checkedInText: item.checked_in_at ? format.dateTime(item.checked_in_at) : '',
        reason: item.leave_reason || '',
        started: new Date(item.activity.starts_at).getTime() <= Date.now(),
        reportKind: report ? Math.max(0, REPORT_KINDS.indexOf(report.kind)) : 0,
        reportTitle: report ? report.title : '',
        reportBody: report ? report.body : '',
      });
    },

    /** @param {any} e */
    onReason(e) {
      this.setData({ reason: e.detail.value });
    },

    onAttend() {
      return this.answer({ option: '参加' });
    },

    onLeave() {
      if (!this.data.reason.trim()) {
        wx.showToast({ title: '请假须填写理由。', icon: 'none' });
        return Promise.resolve();
      }
      return this.answer({ option: '请假', reason: this.data.reason });
    },

    /** @param {{option: string, reason?: string}} body */
    async answer(body) {
      this.setData({ busy: true });
      try {
        const item = await put('/activities/mine/' + this.data.id + '/reply', body);
        this.setData({ item });
        wx.showToast({ title: '回执已提交', icon: 'success' });
      } catch (error) {
        // the helper has shown the API's message
      } finally {
        this.setData({ busy: false });
      }
    },

    async onScan() {
      /** @type {string} */
      let code;
      try {
        code = await new Promise((resolve, reject) =>
          wx.scanCode({ onlyFromCamera: true, scanType: ['qrCode'], success: (res) => resolve(res.result), fail: reject })
        );
      } catch (error) {
        return; // the person closed the scanner
      }
      this.setData({ busy: true });
      try {
        const entry = await post('/activities/checkin', { code });
        this.setData({ 'item.checked_in_at': entry.checked_in_at, checkedInText: format.dateTime(entry.checked_in_at) });
        wx.showToast({ title: '签到成功', icon: 'success' });
      } catch (error) {
        // expired, forged or already used: the API's message is shown
      } finally {
        this.setData({ busy: false });
      }
    },

    /** @param {any} e */
    onReportKind(e) {
      this.setData({ reportKind: Number(e.detail.value) });
    },

    /** @param {any} e */
    onReportTitle(e) {
      this.setData({ reportTitle: e.detail.value });
    },

    /** @param {any} e */
    onReportBody(e) {
      this.setData({ reportBody: e.detail.value });
    },

    async onReport() {
      this.setData({ busy: true });
      try {
        const report = await put('/activities/mine/' + this.data.id + '/report', {
          kind: REPORT_KINDS[this.data.reportKind],
          title: this.data.reportTitle,
          body: this.data.reportBody,
        });
        this.setData({ 'item.my_report': report });
        wx.showToast({ title: '报告已提交', icon: 'success' });
      } catch (error) {
        // the helper has shown the API's message
      } finally {
        this.setData({ busy: false });
      }
    },
  },
});

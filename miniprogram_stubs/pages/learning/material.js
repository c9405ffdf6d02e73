// A material: opening it starts a study session (resuming where the deputy stopped, on any device);
// while the page is open a heartbeat every `heartbeat_seconds` credits the time; completing needs
// enough credited time (the server says how much).
const singleView = require('../../behaviors/single-view');
const { get, post, origin } = require('../../utils/request');

Component({
  behaviors: [singleView],
  data: {
    id: 0,
    material: /** @type {any} */ (null),
    progress: /** @type {any} */ (null),
    session: '',
    position: '',
    percent: 0,
    neededMinutes: 0,
    doneMinutes: 0,
    completing: false,
    stopped: '',
  },
  methods: {
    /** @param {Record<string, string>} query */
    onLoad(query) {
      this.setData({ id: Number(query.id) });
      return this.reload();
    },

    onUnload() {
      this.stopTimer();
    },

    async fetch() {
      const material = await get('/materials/library/' + this.data.id, undefined, { quiet: true });
      const opened = await post('/materials/library/' + this.data.id + '/open', undefined, { quiet: true });
      this.setData({ material, session: opened.session, position: opened.position, percent: opened.percent,
        stopped: '' });
      this.show(opened);
      wx.setNavigationBarTitle({ title: material.kind_label });
      this.startTimer(opened.heartbeat_seconds);
    },

    /** @param {any} progress */
    show(progress) {
      this.setData({
        progress,
        neededMinutes: Math.ceil(progress.required_seconds / 60),
        doneMinutes: Math.floor(progress.credited_seconds / 60),
      });
    },

    /** @param {number} seconds */
    startTimer(seconds) {
      this.stopTimer();
      const self = /** @type {any} */ (this);
      self.timer = setInterval(() => this.beat(), seconds * 1000);
    },

    stopTimer() {
      const self = /** @type {any} */ (this);
      if (self.timer) clearInterval(self.timer);
      self.timer = null;
    },

    /** @param {any} e the reader's place: a page of a document, a second of a video, a scroll share */
    onProgress(e) {
      this.setData({ position: String(e.detail.position), percent: Number(e.detail.percent) || 0 });
    },

    async beat() {
      const { id, session, position, percent, progress } = this.data;
      try {
        const result = await post('/materials/heartbeats', { session, material_id: id, position, percent },
          { quiet: true });
        this.show(Object.assign({}, progress, { credited_seconds: progress.credited_seconds + result.credited }));
      } catch (error) {
        // Opened elsewhere, or unpublished: stop counting here and say why.
        this.stopTimer();
        this.setData({ stopped: error.message });
      }
    },

    async onComplete() {
      this.setData({ completing: true });
      try {
        await this.beat();
        const done = await post('/materials/library/' + this.data.id + '/complete');
        this.setData({ 'progress.completed_at': done.completed_at });
        wx.showToast({ title: done.courses_completed.length ? '课程已完成' : '已完成学习', icon: 'success' });
      } catch (error) {
        // The helper has shown the API's message (not enough time yet).
      } finally {
        this.setData({ completing: false });
      }
    },

    onDocument() {
      const { material } = this.data;
      wx.downloadFile({
        url: origin + material.file_url,
        success: (res) => wx.openDocument({ filePath: res.tempFilePath, showMenu: true }),
      });
    },
  },
});

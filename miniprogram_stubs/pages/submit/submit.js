// Submitting a case at a station: category, content, a few photos, and a name and phone only with the
// consent (its wording and version from intake-info) explicitly ticked; or nothing, staying anonymous.
// Rendering is one public call (intake-info); sign-in happens silently with the first upload or submit.
// Each draft carries one Idempotency-Key, so a submit retried after a lost answer makes one case and
// answers the same tracking code. The receipt shows that code large, with a copy button.
const singleView = require('../../behaviors/single-view');
const { get, post, upload } = require('../../utils/request');
const { publicAccess } = require('../../utils/guard');

const CONTENT_MIN = 5;

function draftKey() {
  const random = () => Math.floor(Math.random() * 0xffffffff).toString(36);
  return `draft-${Date.now().toString(36)}-${random()}${random()}`;
}

Component({
  behaviors: [singleView],
  data: {
    stationId: 0,
    stationName: '',
    info: /** @type {any} */ (null),
    categories: /** @type {string[]} */ ([]),
    category: '',
    content: '',
    photos: /** @type {{id: number, path: string}[]} */ ([]),
    uploading: false,
    name: '',
    phone: '',
    consent: false,
    key: '',
    busy: false,
    hint: '',
    receipt: /** @type {any} */ (null),
    sent: /** @type {Record<string, any> | null} */ (null), // the last body sent under this draft's key
    note: '',
  },
  methods: {
    /** @param {Record<string, string>} query */
    onLoad(query) {
      query = query || {};
      this.setData({
        stationId: Number(query.station_id) || 0,
        stationName: query.name ? decodeURIComponent(query.name) : '',
        key: draftKey(),
      });
      return this.reload();
    },

    guard() {
      return publicAccess();
    },

    async fetch() {
      if (!this.data.stationId) return false; // opened without a station: pick one first
      if (this.data.info) return true; // the receipt or a draft on screen: nothing to fetch again
      const info = await get('/feedback/intake-info', undefined, { anonymous: true, quiet: true });
      this.setData({ info, categories: info.categories });
      return true;
    },

    onPickStation() {
      wx.switchTab({ url: '/pages/stations/stations' });
    },

    /** @param {any} e */
    onCategory(e) {
      this.setData({ category: e.currentTarget.dataset.category, hint: '' });
    },

    /** @param {any} e */
    onContent(e) {
      this.setData({ content: e.detail.value, hint: '' });
    },

    /** @param {any} e */
    onName(e) {
      this.setData({ name: e.detail.value.trim(), hint: '' });
    },

    /** @param {any} e */
    onPhone(e) {
      this.setData({ phone: e.detail.value.trim(), hint: '' });
    },

    /** @param {any} e */
    onConsent(e) {
      const consent = e.detail.value.length > 0;
      // Withdrawn before sending: what was typed under it goes too, so nothing hidden is kept or sent.
      this.setData(consent ? { consent, hint: '' } : { consent, name: '', phone: '', hint: '' });
    },

    async onAddPhoto() {
      const room = this.data.info.max_photos - this.data.photos.length;
      if (room <= 0 || this.data.uploading) return;
      const picked = await new Promise((resolve) =>
        wx.chooseMedia({
          count: room,
          mediaType: ['image'],
          sizeType: ['compressed'], // a few hundred KB instead of several MB on a weak network
          sourceType: ['album', 'camera'],
          success: (res) => resolve(res.tempFiles.map((f) => f.tempFilePath)),
          fail: () => resolve([]),
        })
      );
      if (!picked.length) return;
      this.setData({ uploading: true, hint: '' });
      try {
        for (const path of picked) {
          const stored = await upload(path, { quiet: true });
          this.setData({ photos: this.data.photos.concat([{ id: stored.id, path }]) });
        }
      } catch (error) {
        this.setData({ hint: error.message });
      } finally {
        this.setData({ uploading: false });
      }
    },

    /** @param {any} e */
    onRemovePhoto(e) {
      const index = e.currentTarget.dataset.index;
      this.setData({ photos: this.data.photos.filter((_, n) => n !== index) });
    },

    /** What is wrong with the draft before anything is sent; '' when it can go. */
    problem() {
      const { category, content, name, phone, consent } = this.data;
      if (!category) return '请选择问题类别。';
      if (content.trim().length < CONTENT_MIN) return `请把问题写清楚（至少 ${CONTENT_MIN} 个字）。`;
      if ((name || phone) && !consent) return '留下姓名或电话，须先勾选同意告知书；也可以不留，匿名反映。';
      return '';
    },

    async onSubmit() {
      const problem = this.problem();
      if (problem) {
        this.setData({ hint: problem });
        return;
      }
      if (this.data.busy || this.data.uploading) return;
      const { stationId, category, content, photos, name, phone, consent, info, key } = this.data;
      /** @type {Record<string, any>} */
      const body = { station_id: stationId, category, content: content.trim(), photo_ids: photos.map((p) => p.id) };
      if (consent && (name || phone)) {
        Object.assign(body, { name: name || null, phone: phone || null, consent: true, consent_version: info.consent.version });
      }
      const earlier = this.data.sent;
      this.setData({ busy: true, hint: '', sent: body });
      try {
        let receipt;
        try {
          receipt = await this.send(body, key);
        } catch (error) {
          // The draft was edited after an attempt whose answer was lost, and that attempt had arrived: the
          // key now names another body. The case sent first is the one that exists; fetch its receipt.
          if (!(earlier && error.status === 409 && error.errors && error.errors['Idempotency-Key'])) throw error;
          receipt = await this.send(earlier, key);
          this.setData({ sent: earlier, note: '您修改之前的内容已经送达，修改的部分没有发送；如需补充，请再反映一件。' });
        }
        this.setData({ receipt });
        wx.setNavigationBarTitle({ title: '已提交' });
      } catch (error) {
        this.setData({ hint: error.message });
      } finally {
        this.setData({ busy: false });
      }
    },

    /** The same key on every attempt of this draft: a resend after a lost answer is answered, not repeated. */
    send(body, key) {
      return post('/feedback/cases', body, { header: { 'Idempotency-Key': key }, idempotent: true, quiet: true });
    },

    onCopy() {
      wx.setClipboardData({ data: this.data.receipt.tracking_code });
    },

    onMyCases() {
      wx.redirectTo({ url: '/pages/my-cases/my-cases' });
    },

    onAnother() {
      // A new draft, with a new key: the one just sent is done.
      this.setData({
        receipt: null,
        sent: null,
        note: '',
        category: '',
        content: '',
        photos: [],
        name: '',
        phone: '',
        consent: false,
        key: draftKey(),
      });
      wx.setNavigationBarTitle({ title: '反映问题' });
    },
  },
});

// My profile: who I am signed in as and my record, the phone masked by the API (two calls). A constituent
// has no record to show: their tab leads to their cases, tracking by code, the privacy notice and, for a
// deputy not yet bound, binding (no call).
const singleView = require('../../behaviors/single-view');
const { get, post } = require('../../utils/request');
const { requireSignedIn } = require('../../utils/guard');
const session = require('../../utils/session');

/** @param {{name: string}[] | undefined} refs */
function names(refs) {
  return refs && refs.length ? refs.map((r) => r.name).join('、') : '—';
}

Component({
  behaviors: [singleView],
  data: {
    me: /** @type {any} */ (null),
    deputy: /** @type {any} */ (null),
    stationsText: '',
    groupsText: '',
    role: '',
  },
  methods: {
    onLoad() {
      return this.reload();
    },

    async guard() {
      const current = await requireSignedIn();
      if (current.role !== this.data.role) this.setData({ role: current.role });
      return current;
    },

    async fetch() {
      if (this.data.role !== 'deputy') return true;
      const [me, deputy] = await Promise.all([
        get('/auth/me', undefined, { quiet: true }),
        get('/deputies/me', undefined, { quiet: true }),
      ]);
      this.setData({ me, deputy, stationsText: names(deputy.stations), groupsText: names(deputy.groups) });
    },

    onConsent() {
      wx.navigateTo({ url: '/pages/consent/consent' });
    },

    onPrivacy() {
      wx.navigateTo({ url: '/pages/privacy/privacy' });
    },

    onActivities() {
      wx.navigateTo({ url: '/pages/activities/activities' });
    },

    onRecord() {
      wx.navigateTo({ url: '/pages/record/record' });
    },

    onMyCases() {
      wx.navigateTo({ url: '/pages/my-cases/my-cases' });
    },

    onTrack() {
      wx.navigateTo({ url: '/pages/track/track' });
    },

    onBind() {
      wx.navigateTo({ url: '/pages/login/login' });
    },

    onBindAccount() {
      wx.navigateTo({ url: '/pages/bind-account/bind-account' });
    },

    async onSignOut() {
      try {
        await post('/auth/logout', undefined, { idempotent: false });
      } catch (error) {
        // Signed out on this phone all the same; the server session lapses on its own.
      } finally {
        session.clear();
        wx.reLaunch({ url: '/pages/login/login?signedOut=1' });
      }
    },
  },
});

// A station's page, opened from the station list, from its plain QR code (`?id=`, or WeChat's `q` holding
// the whole link) or from its mini-program code (`scene=id%3D<id>`). One public call: address, hours,
// phone, the deputies who serve there, this month's theme and the next receptions.
const singleView = require('../../behaviors/single-view');
const { get } = require('../../utils/request');
const { publicAccess } = require('../../utils/guard');

const WEEKDAYS = ['日', '一', '二', '三', '四', '五', '六'];

/** @param {string} raw a query value, percent-encoded once more by WeChat for `scene` and `q` */
function decoded(raw) {
  try {
    return decodeURIComponent(raw);
  } catch (error) {
    return raw;
  }
}

/**
 * The station id from however the page was opened; 0 when there is none.
 * @param {Record<string, string>} query
 */
function stationId(query) {
  if (query.id) return Number(query.id) || 0;
  const source = query.scene ? decoded(query.scene) : query.q ? decoded(query.q) : '';
  const match = /(?:^|[?&])id=(\d+)/.exec(source);
  return match ? Number(match[1]) : 0;
}

/** @param {any} reception */
function receptionRow(reception) {
  const day = new Date(reception.day + 'T00:00:00Z');
  return {
    id: reception.id,
    when: `${reception.day.slice(5)}（周${WEEKDAYS[day.getUTCDay()]}）${reception.starts_at}-${reception.ends_at}`,
    topic: reception.topic || '',
    deputies: (reception.deputies || []).map((/** @type {any} */ d) => d.name).join('、'),
  };
}

Component({
  behaviors: [singleView],
  data: {
    id: 0,
    station: /** @type {any} */ (null),
    receptions: /** @type {any[]} */ ([]),
  },
  methods: {
    /** @param {Record<string, string>} query */
    onLoad(query) {
      this.setData({ id: stationId(query || {}) });
      return this.reload();
    },

    guard() {
      return publicAccess();
    },

    async fetch() {
      if (!this.data.id) return false; // a damaged code: say so instead of calling
      const station = await get('/stations/' + this.data.id, undefined, { anonymous: true, quiet: true });
      this.setData({ station, receptions: (station.upcoming_receptions || []).map(receptionRow) });
      wx.setNavigationBarTitle({ title: station.name });
      return true;
    },

    onCall() {
      const { phone } = this.data.station;
      if (phone) wx.makePhoneCall({ phoneNumber: phone.replace(/[^0-9+]/g, '') });
    },

    onRateReportBack() {
      wx.navigateTo({ url: '/pages/reportback-rate/reportback-rate?station=' + this.data.station.id });
    },

    onSubmit() {
      const { id, name } = this.data.station;
      wx.navigateTo({ url: `/pages/submit/submit?station_id=${id}&name=${encodeURIComponent(name)}` });
    },

    onMyCases() {
      wx.navigateTo({ url: '/pages/my-cases/my-cases' });
    },
  },
});

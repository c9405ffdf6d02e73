// A constituent finds a station: near them when they share their location, from the directory when they
// refuse, and on its own page when they scan its code (the plain QR link or the mini-program code).
const { openPage, screenText, within, textsOf, until, eventually, measure, asAccount, http, api } = require('./helpers');

const paths = (calls) => calls.map((c) => `${c.method} ${c.path}`);

let station; // the station of the demo account station1, as the public directory shows it
beforeAll(async () => {
  const staff = await asAccount('station1');
  const id = staff.me.station_ids[0];
  station = JSON.parse((await http.request('GET', `${api}/stations/${id}`)).body.toString('utf8'));
});

describe('stations near me and the station page', () => {
  beforeEach(() => device.reset('journey-station-visitor'));

  test('with the location shared, the nearest stations come first with their distance, in one call', async () => {
    device.location = { latitude: station.latitude, longitude: station.longitude };
    const { result: page, calls } = await measure('附近的联络站', () => openPage('pages/stations/stations'));
    expect(paths(calls)).toEqual([
      `GET /stations/nearest?lat=${station.latitude}&lng=${station.longitude}&limit=10&radius=30000`,
    ]);
    expect(screenText(page)).toContain('离您最近的联络站');
    const first = textsOf(page, '#list', '.item')[0];
    expect(first).toContain(station.name);
    expect(first).toContain('0 米'); // standing at its door
    // Nobody was asked to sign in for public data.
    expect(device.navigations).toEqual([]);

    within(page, '#list', '.item').dispatchEvent('tap');
    await eventually(() => device.navigations.length);
    expect(device.navigations[0]).toEqual({ how: 'navigateTo', url: `/pages/station/station?id=${station.id}` });
  });

  test('with the location refused, the directory is listed instead, page by page, and can be searched', async () => {
    device.location = null;
    const { result: page, calls } = await measure('联络站目录（未授权位置）', () => openPage('pages/stations/stations'));
    expect(paths(calls)).toEqual(['GET /stations?page=1&page_size=10']);
    expect(screenText(page)).toContain('未获得位置授权，下面按目录列出全部联络站。');
    expect(textsOf(page, '#list', '.item')).toHaveLength(10);

    const { calls: more } = await measure('联络站目录（滚动加载下一页）', () => page.instance.onReachBottom());
    expect(paths(more)).toEqual(['GET /stations?page=2&page_size=10']);
    expect(textsOf(page, '#list', '.item')).toHaveLength(20);
    expect(screenText(page)).toContain('没有更多了');

    page.querySelector('.search-input').dispatchEvent('input', { detail: { value: '找不到的站名' } });
    page.querySelector('.search-button').dispatchEvent('tap');
    await until(page, '没有找到「找不到的站名」');
  });

  test('with nothing within reach, the directory is listed and the page says why', async () => {
    device.location = { latitude: 39.9, longitude: 116.4 }; // far from every demo station
    const { calls } = await measure('附近的联络站（附近没有）', async () => {
      const page = await openPage('pages/stations/stations');
      expect(screenText(page)).toContain('附近 30 公里内没有联络站，下面按目录列出全部联络站。');
      expect(textsOf(page, '#list', '.item')).toHaveLength(10);
    });
    expect(paths(calls)).toEqual([
      'GET /stations/nearest?lat=39.9&lng=116.4&limit=10&radius=30000',
      'GET /stations?page=1&page_size=10',
    ]);
  });

  test('scanning the mini-program code opens the station: address, hours, phone, deputies, theme, receptions', async () => {
    const scene = encodeURIComponent(`id=${station.id}`);
    const { result: page, calls } = await measure('联络站页面（扫小程序码）', () =>
      openPage('pages/station/station', { scene })
    );
    expect(paths(calls)).toEqual([`GET /stations/${station.id}`]);
    const text = screenText(page);
    expect(text).toContain(`${station.kind} ${station.name}`);
    expect(text).toContain(`地址 ${station.address}`);
    expect(text).toContain(`开放时间 ${station.opening_hours}`);
    expect(text).toContain(`电话 ${station.phone} 拨打`);
    expect(text).toContain(`本月主题：${station.theme.title}`);
    expect(text).toContain(`进站代表（${station.deputies.length} 位）`);
    expect(text).toContain(station.deputies[0].name);
    if (station.upcoming_receptions.length) {
      const next = station.upcoming_receptions[0];
      expect(text).toContain(`${next.day.slice(5)}（周`);
      expect(text).toContain(`${next.starts_at}-${next.ends_at}`);
    } else {
      expect(text).toContain('近期暂无接待安排。');
    }

    page.querySelector('.phone').dispatchEvent('tap');
    await eventually(() => device.dialled.length);
    expect(device.dialled).toEqual([station.phone.replace(/-/g, '')]);

    page.querySelector('.submit').dispatchEvent('tap');
    await eventually(() => device.navigations.length);
    expect(device.navigations[0].url).toBe(
      `/pages/submit/submit?station_id=${station.id}&name=${encodeURIComponent(station.name)}`
    );
  });

  test('the plain QR link opens the same page, as ?id= or as the whole link in q', async () => {
    const byId = await openPage('pages/station/station', { id: String(station.id) });
    expect(screenText(byId)).toContain(station.name);
    const link = `https://deputyhub.example.cn/mp/pages/station/station?id=${station.id}`;
    const byLink = await openPage('pages/station/station', { q: encodeURIComponent(link) });
    expect(screenText(byLink)).toContain(station.name);
  });

  test('a damaged code says so without calling, and a station that does not exist shows the API message', async () => {
    const start = device.calls.length;
    const damaged = await openPage('pages/station/station', { scene: 'x' });
    expect(screenText(damaged)).toContain('二维码无法识别');
    expect(device.calls.length).toBe(start);
    const missing = await openPage('pages/station/station', { id: '999999' });
    expect(screenText(missing)).toContain('重新加载');
    expect(screenText(missing)).not.toContain('正在加载');
  });
});

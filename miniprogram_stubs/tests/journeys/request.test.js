// The request helper against the real server: refresh before expiry (rotating the refresh token),
// a new wx.login after a 401, the API's message on errors, and no resend of what is not idempotent.
const { openPage, http, api, context } = require('./helpers');

let request;
beforeAll(() => {
  jest.isolateModules(() => {
    request = require('../../utils/request');
  });
});

const pathsSince = (start) => device.calls.slice(start).map((c) => `${c.method} ${c.path}`);

describe('the request helper', () => {
  beforeEach(() => device.reset(context.openids.reader));

  test('an access token about to expire is refreshed first, and the old refresh token is then dead', async () => {
    await request.get('/auth/me');
    const old = wx.getStorageSync('session');
    wx.setStorageSync('session', Object.assign({}, old, { expires_at: Date.now() }));
    const start = device.calls.length;
    const me = await request.get('/auth/me');
    expect(me.role).toBe('deputy');
    expect(pathsSince(start)).toEqual(['POST /auth/refresh', 'GET /auth/me']);
    const renewed = wx.getStorageSync('session');
    expect(renewed.refresh_token).not.toBe(old.refresh_token);

    const reuse = await http.request('POST', api + '/auth/refresh', {
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ refresh_token: old.refresh_token }),
    });
    expect(reuse.status).toBe(401);
  });

  test('after a 401 (signed out on the server) it signs in again with wx.login and carries on', async () => {
    await request.get('/auth/me');
    const { access_token: token } = wx.getStorageSync('session');
    const out = await http.request('POST', api + '/auth/logout', { headers: { authorization: 'Bearer ' + token } });
    expect(out.status).toBe(204);
    const start = device.calls.length;
    const count = await request.get('/notices/feed/unread-count');
    expect(typeof count.unread).toBe('number');
    expect(pathsSince(start)).toEqual([
      'GET /notices/feed/unread-count',
      'POST /auth/wechat/login',
      'GET /notices/feed/unread-count',
    ]);
    expect(device.calls[start].status).toBe(401);
  });

  test("an error shows the API's Chinese message with the field error", async () => {
    const id = context.notices.meeting;
    await expect(request.put(`/notices/feed/${id}/reply`, { option: '不存在的选项' })).rejects.toMatchObject({
      status: 422,
      message: expect.stringContaining('取值须为以下之一：参加、请假。'),
    });
    expect(device.toasts.pop().title).toMatch(/^提交的数据有误。取值须为以下之一：参加、请假。$/);
  });

  test('a dropped connection is retried for a GET but never for a POST', async () => {
    await request.get('/auth/me');
    device.attempts = 0;
    device.dropNext = 1;
    await expect(request.get('/auth/me')).resolves.toMatchObject({ role: 'deputy' });
    expect(device.attempts).toBe(2);

    device.attempts = 0;
    device.dropNext = 1;
    await expect(request.post('/auth/logout', undefined, { idempotent: false })).rejects.toMatchObject({ status: 0 });
    expect(device.attempts).toBe(1);
    expect(device.toasts.pop().title).toBe('网络连接不稳定，请稍后再试。');
    // The POST never reached the server: the session still works.
    await expect(request.get('/auth/me')).resolves.toMatchObject({ role: 'deputy' });
  });

  test('a constituent who opens a deputy screen is sent to bind first', async () => {
    device.reset('journey-unbound-visitor');
    const notice = await openPage('pages/notice/detail', { id: String(context.notices.meeting) });
    expect(device.navigations).toEqual([{ how: 'reLaunch', url: '/pages/login/login' }]);
    expect(notice.instance.data.status).toBe('error');
  });
});

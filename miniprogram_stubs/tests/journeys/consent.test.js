// Subscribe-message consent with the templates the API lists; the profile, masked; the privacy notice.
const { openPage, screenText, until, eventually, measure, context } = require('./helpers');

describe('consent, profile and privacy', () => {
  beforeEach(() => device.reset(context.openids.subscriber));

  test('the deputy agrees to two reminders and the screen shows the credits the API now holds', async () => {
    await openPage('pages/home/home'); // signs in first
    const { result: page, calls } = await measure('消息提醒', () => openPage('pages/consent/consent'));
    expect(calls.map((c) => `${c.method} ${c.path}`).sort()).toEqual(['GET /push/subscriptions', 'GET /push/templates']);
    expect(screenText(page)).toContain('新通知提醒 剩余 0 次 函件提醒 剩余 0 次 未读催办提醒 剩余 0 次');

    let asked = [];
    device.subscribeAnswer = (ids) => {
      asked = ids;
      return { tmpl_notice_demo: 'accept', tmpl_letter_demo: 'accept', tmpl_reminder_demo: 'reject' };
    };
    await measure('消息提醒：同意订阅（操作）', async () => {
      page.querySelector('.primary-button').dispatchEvent('tap');
      await until(page, '已同意 2 类提醒。');
    });
    // The dialog was asked for exactly the templates the API lists.
    expect(asked).toEqual(['tmpl_notice_demo', 'tmpl_letter_demo', 'tmpl_reminder_demo']);
    expect(screenText(page)).toContain('新通知提醒 剩余 1 次 函件提醒 剩余 1 次 未读催办提醒 剩余 0 次');

    // Opened again, the counts come from the server.
    const again = await openPage('pages/consent/consent');
    expect(screenText(again)).toContain('新通知提醒 剩余 1 次 函件提醒 剩余 1 次');
  });

  test('the profile shows the deputy record with the phone masked, in two calls', async () => {
    await openPage('pages/home/home');
    const { result: page, calls } = await measure('我的', () => openPage('pages/profile/profile'));
    expect(calls.map((c) => `${c.method} ${c.path}`).sort()).toEqual(['GET /auth/me', 'GET /deputies/me']);
    const text = screenText(page);
    const deputy = context.deputies.subscriber;
    expect(text).toContain(`${deputy.name} 代表 · ${deputy.code}`);
    expect(text).toMatch(/手机号 1\d\d\*{4}\d{4}/);
    expect(text).not.toMatch(/1\d{10}/);
    expect(text).toContain('微信绑定 已绑定');
  });

  test('the privacy notice states what is collected and why, with no API call', async () => {
    const { result: page, calls } = await measure('隐私说明', () => openPage('pages/privacy/privacy'));
    expect(calls).toEqual([]);
    const text = screenText(page);
    for (const what of ['微信身份标识（openid）', '手机号', '阅读和回执记录', '消息提醒的订阅选择', '不收集通讯录']) {
      expect(text).toContain(what);
    }
    // What a case sent to a station collects, why, who sees it, and for how long.
    for (const what of [
      '向联络站反映问题时 反映的类别和内容',
      '照片（可选） 只用于说明您反映的问题',
      '姓名和联系电话（可选） 只在您勾选同意告知书后才会保存，并与您同意的告知书文本和版本一起记录',
      '代表和其他人只能看到打码后的信息',
      '凭查询码只能看到办理进度和答复，看不到反映内容和个人信息',
      '保存多久 事项办结满保存期限（默认两年）后，姓名和电话被删除',
    ]) {
      expect(text).toContain(what);
    }
  });

  test('signing out ends the session on the server and returns to the sign-in page', async () => {
    const page = await openPage('pages/profile/profile');
    const token = wx.getStorageSync('session').access_token;
    page.querySelector('.signout').dispatchEvent('tap');
    await eventually(() => device.navigations.length);
    expect(device.navigations).toEqual([{ how: 'reLaunch', url: '/pages/login/login?signedOut=1' }]);
    expect(wx.getStorageSync('session')).toBe('');
    const { http, api } = require('./helpers');
    const answer = await http.request('GET', api + '/auth/me', { headers: { authorization: 'Bearer ' + token } });
    expect(answer.status).toBe(401);

    const login = await openPage('pages/login/login', { signedOut: '1' });
    expect(screenText(login)).toContain('您已退出登录。 微信登录');
  });
});

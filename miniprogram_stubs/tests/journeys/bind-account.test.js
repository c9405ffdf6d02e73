// A worker (here a unit user) binds WeChat to receive reminders: the code from the console's API, typed or
// scanned on 我的 → 绑定工作账号, then the subscribe dialog; the server then holds the openid and the credit.
const { openPage, screenText, until, eventually, measure, asAccount, api, http } = require('./helpers');

let serial = 0;

/** A fresh unit-user account the office creates, signed in by password as the console would be. */
async function newWorker() {
  const staff = await asAccount('staff');
  const unit = (await asAccount('unit1')).me.unit;
  serial += 1;
  const username = `bind.${Date.now()}.${serial}`;
  const password = 'Bind-journey-2026';
  const user = await staff.call('POST', '/auth/users', {
    username, display_name: '承办单位联系人', role: 'unit_user', password, unit_id: unit.id,
  });
  const { access_token: token } = await http.json('POST', api + '/auth/login', { username, password });
  /** @param {string} method @param {string} path @param {any} [body] */
  const call = (method, path, body) => http.json(method, api + path, body === undefined ? null : body, token);
  return { user, staff, call };
}

describe('绑定工作账号', () => {
  test('a unit user types the code, binds, agrees to reminders, and the server holds both', async () => {
    device.reset(`journey-bind-account-typed-${Date.now()}`);
    const worker = await newWorker();
    const { code } = await worker.call('POST', '/auth/me/binding-code');

    const profile = await openPage('pages/profile/profile'); // signs in silently as a constituent
    expect(screenText(profile)).toContain('我是工作人员 绑定工作账号 ›');
    profile.querySelector('.bind-account').dispatchEvent('tap');
    await eventually(() => device.navigations.length);
    expect(device.navigations).toEqual([{ how: 'navigateTo', url: '/pages/bind-account/bind-account' }]);

    const { result: page, calls } = await measure('绑定工作账号', () => openPage('pages/bind-account/bind-account'));
    expect(calls).toEqual([]); // the stored constituent session, no call before the code is entered
    expect(screenText(page)).toContain('工作人员绑定微信接收提醒');
    page.querySelector('.code-input').dispatchEvent('input', { detail: { value: ` ${code.toLowerCase()} ` } });
    await measure('绑定工作账号：绑定（操作）', async () => {
      page.querySelector('.bind').dispatchEvent('tap');
      await until(page, '本微信已绑定工作账号');
    });
    expect(wx.getStorageSync('session').role).toBe('unit_user');

    let asked = [];
    device.subscribeAnswer = (ids) => {
      asked = ids;
      return Object.fromEntries(ids.map((id) => [id, id === 'tmpl_reminder_demo' ? 'accept' : 'reject']));
    };
    page.querySelector('.subscribe').dispatchEvent('tap');
    await until(page, '已同意 1 类提醒。');
    expect(asked).toContain('tmpl_reminder_demo');

    // The worker's own (password) session sees the credit; the office sees the binding.
    const credits = (await worker.call('GET', '/push/subscriptions')).items;
    expect(credits.find((c) => c.template === 'reminder').remaining).toBe(1);
    expect((await worker.staff.call('GET', `/auth/users/${worker.user.id}`)).wechat_bound).toBe(true);
  });

  test('a scanned code binds; a wrong or used one is refused on the page', async () => {
    device.reset(`journey-bind-account-scan-${Date.now()}`);
    const worker = await newWorker();
    const { code } = await worker.call('POST', '/auth/me/binding-code');
    const page = await openPage('pages/bind-account/bind-account');
    await until(page, '工作人员绑定微信接收提醒');

    device.scanned = 'ZZZZ-ZZZZ';
    page.querySelector('.scan').dispatchEvent('tap');
    await until(page, '绑定码无效、已使用或已过期');

    device.scanned = code;
    page.querySelector('.scan').dispatchEvent('tap');
    await until(page, '本微信已绑定工作账号');
    expect(wx.getStorageSync('session').role).toBe('unit_user');

    // Another phone with the same code: refused.
    device.reset(`journey-bind-account-second-${Date.now()}`);
    const second = await openPage('pages/bind-account/bind-account');
    await until(second, '工作人员绑定微信接收提醒');
    second.querySelector('.code-input').dispatchEvent('input', { detail: { value: code } });
    second.querySelector('.bind').dispatchEvent('tap');
    await until(second, '已使用或已过期');
  });
});

// Sign-in with wx.login, and binding a WeChat account to a deputy: by the office's code or by phone.
const { openPage, screenText, until, eventually, measure, asStaff, phoneCode, context } = require('./helpers');

describe('sign-in and binding', () => {
  test('a new WeChat user binds with the code the office issued and lands on the home screen', async () => {
    device.reset('journey-new-code');
    const deputy = context.deputies.codeBinding;
    const code = await (await asStaff()).bindingCode(deputy.id);

    const { result: page, calls } = await measure('登录（未绑定的新用户）', () => openPage('pages/login/login'));
    expect(calls.map((c) => `${c.method} ${c.path}`)).toEqual(['POST /auth/wechat/login']);
    expect(screenText(page)).toContain('首次使用，请绑定代表身份');

    page.querySelector('.code-input').dispatchEvent('input', { detail: { value: 'WRONG-CODE' } });
    page.querySelector('.primary-button').dispatchEvent('tap');
    await until(page, '邀请码无效、已使用或已过期');
    expect(device.navigations).toEqual([]);

    page.querySelector('.code-input').dispatchEvent('input', { detail: { value: ` ${code} ` } });
    await measure('绑定（输入邀请码）', async () => {
      page.querySelector('.primary-button').dispatchEvent('tap');
      await eventually(() => device.navigations.length);
    });
    expect(device.navigations).toEqual([{ how: 'switchTab', url: '/pages/home/home' }]);

    // The office sent this deputy nothing yet: the home screen says so instead of showing a blank.
    const home = await openPage('pages/home/home');
    expect(screenText(home)).toContain('未读通知 0 条');
    expect(screenText(home)).toContain('暂无置顶通知');
  });

  test('a new WeChat user binds with the phone number the roster holds', async () => {
    device.reset('journey-new-phone');
    const page = await openPage('pages/login/login');
    expect(screenText(page)).toContain('使用微信绑定的手机号');

    // The person declines WeChat's phone dialog: no code, nothing sent, another way offered.
    page.querySelector('.phone-button').dispatchEvent('getphonenumber', { detail: { errMsg: 'getPhoneNumber:fail user deny' } });
    await until(page, '未获得手机号授权');

    const code = await phoneCode(context.phone);
    page.querySelector('.phone-button').dispatchEvent('getphonenumber', { detail: { code } });
    await eventually(() => device.navigations.length);
    expect(device.navigations).toEqual([{ how: 'switchTab', url: '/pages/home/home' }]);

    const profile = await openPage('pages/profile/profile');
    expect(screenText(profile)).toContain(context.deputies.phoneBinding.name);
  });

  test('a deputy who bound before goes straight to the home screen', async () => {
    device.reset(context.openids.reader);
    const { calls } = await measure('登录（已绑定的代表）', () => openPage('pages/login/login'));
    expect(calls.map((c) => `${c.method} ${c.path}`)).toEqual(['POST /auth/wechat/login']);
    expect(device.navigations).toEqual([{ how: 'switchTab', url: '/pages/home/home' }]);
  });
});

// A constituent, never asked to register, submits a case at a station with a photo and their name and
// phone under the consent, keeps the tracking code, and later (after staff and a unit have handled it
// through the API) reads the answer, rates it 不满意 and asks for it to be handled again. Someone holding
// only the code sees the status and the answer, never the content or who wrote.
const fs = require('fs');
const os = require('os');
const path = require('path');
const { openPage, screenText, within, until, eventually, measure, asAccount, http, api } = require('./helpers');

const OPENID = 'journey-constituent';
const CONTENT = '小区东门的人行道砖松动了一大片，下雨天老人容易滑倒，希望尽快修补。';
const NAME = '林晓梅';
const PHONE = '13912345678';
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64'
);
const paths = (calls) => calls.map((c) => `${c.method} ${c.path}`);
/** The node among `selector` matches whose text is `text` (the simulator has no attribute selectors). */
const byText = (root, selector, text) => root.querySelectorAll(selector).find((n) => n.dom.textContent.trim() === text);

const story = { station: null, staff: null, unit: null, receipt: null, caseId: 0 };

beforeAll(async () => {
  story.staff = await asAccount('station2');
  story.unit = await asAccount('unit1');
  const id = story.staff.me.station_ids[0];
  story.station = JSON.parse((await http.request('GET', `${api}/stations/${id}`)).body.toString('utf8'));
});

function photo() {
  const file = path.join(os.tmpdir(), `journey-photo-${Date.now()}.png`);
  fs.writeFileSync(file, PNG);
  return { path: file, size: PNG.length };
}

describe('a constituent submits, follows and rates a case', () => {
  beforeEach(() => device.reset(OPENID));

  test('the home screen of a new WeChat user offers the constituent pages, signing in silently', async () => {
    const { result: home, calls } = await measure('首页（群众）', () => openPage('pages/home/home'));
    expect(paths(calls)).toEqual(['POST /auth/wechat/login']);
    const text = screenText(home);
    expect(text).toContain('附近的联络站');
    expect(text).toContain('我要反映');
    expect(text).toContain('我反映的事项');
    expect(text).toContain('凭查询码查询');
    expect(text).not.toContain('未读通知');
    expect(text).not.toContain('联络站意见箱');
    expect(device.navigations).toEqual([]); // never sent to a sign-in or binding screen

    // The other tabs, too, speak to a constituent without sending them to bind (and without a call).
    const start = device.calls.length;
    const feed = await openPage('pages/feed/feed');
    expect(screenText(feed)).toContain('通知只发给人大代表');
    const profile = await openPage('pages/profile/profile');
    expect(screenText(profile)).toContain('群众 以微信身份使用，无需注册');
    expect(screenText(profile)).toContain('我反映的事项 查看 ›');
    expect(device.calls.length).toBe(start);
    expect(device.navigations).toEqual([]);
  });

  test('submitting with a photo and consent shows the tracking code; a lost answer resent makes one case', async () => {
    const { id, name } = story.station;
    const query = { station_id: String(id), name: encodeURIComponent(name) };
    const { result: page, calls } = await measure('反映问题', () => openPage('pages/submit/submit', query));
    expect(paths(calls)).toEqual(['GET /feedback/intake-info']);
    const info = JSON.parse((await http.request('GET', `${api}/feedback/intake-info`)).body.toString('utf8'));
    expect(screenText(page)).toContain(`反映到 ${name}`);
    expect(screenText(page)).toContain(info.consent.text);
    expect(screenText(page)).toContain(`我已阅读并同意上述告知（版本 ${info.consent.version}）`);

    // Nothing chosen yet: the page says what is missing and sends nothing.
    const before = device.calls.length;
    page.querySelector('.send').dispatchEvent('tap');
    await until(page, '请选择问题类别。');
    expect(device.calls.length).toBe(before);

    byText(page, '.chip', '城乡建设').dispatchEvent('tap');
    page.querySelector('.content').dispatchEvent('input', { detail: { value: CONTENT } });
    device.photos = [photo()];
    const { calls: uploads } = await measure('反映问题：添加照片（操作）', async () => {
      page.querySelector('.add-photo').dispatchEvent('tap');
      await eventually(() => page.instance.data.photos.length === 1 && !page.instance.data.uploading);
    });
    expect(paths(uploads)).toEqual(['POST /auth/wechat/login', 'POST /files']);
    expect(page.querySelectorAll('.thumb')).toHaveLength(1);

    // Name and phone go only with the consent ticked; withdrawn, what was typed under it is dropped.
    expect(page.querySelector('.name')).toBeUndefined();
    page.querySelector('.consent').dispatchEvent('change', { detail: { value: ['yes'] } });
    await eventually(() => page.querySelector('.name'));
    page.querySelector('.name').dispatchEvent('input', { detail: { value: NAME } });
    page.querySelector('.consent').dispatchEvent('change', { detail: { value: [] } });
    await eventually(() => !page.querySelector('.name'));
    expect(page.instance.data.name).toBe('');
    page.querySelector('.consent').dispatchEvent('change', { detail: { value: ['yes'] } });
    await eventually(() => page.querySelector('.name'));
    page.querySelector('.name').dispatchEvent('input', { detail: { value: NAME } });
    page.querySelector('.phone').dispatchEvent('input', { detail: { value: PHONE } });

    // The first POST reaches the server and its answer is lost: the helper resends it with the same key.
    device.loseAnswerNext = 1;
    const { calls: sent } = await measure('反映问题：提交（操作，应答丢失后重试）', async () => {
      page.querySelector('.send').dispatchEvent('tap');
      await until(page, '已收到您的反映', 10000);
    });
    expect(paths(sent)).toEqual(['POST /feedback/cases', 'POST /feedback/cases']);
    const receipt = page.instance.data.receipt;
    expect(receipt.tracking_code).toMatch(/^[2-9A-HJ-NP-Z]{10}$/);
    expect(within(page, '.code').dom.textContent).toBe(receipt.tracking_code);
    expect(screenText(page)).toContain('当前状态：待受理');
    page.querySelector('.copy').dispatchEvent('tap');
    await eventually(() => device.clipboard);
    expect(device.clipboard).toBe(receipt.tracking_code);

    // One case: the station's inbox holds exactly one with this content, and sending the draft again by
    // hand with the same key answers the same code.
    const mine = await story.staff.call('GET', `/feedback/cases?q=${encodeURIComponent(CONTENT.slice(0, 12))}`);
    expect(mine.map((c) => c.tracking_code)).toEqual([receipt.tracking_code]);
    const token = wx.getStorageSync('session').access_token;
    const again = await http.request('POST', `${api}/feedback/cases`, {
      headers: { 'content-type': 'application/json', authorization: 'Bearer ' + token, 'idempotency-key': page.instance.data.key },
      body: JSON.stringify({
        station_id: id, category: '城乡建设', content: CONTENT, photo_ids: page.instance.data.photos.map((p) => p.id),
        name: NAME, phone: PHONE, consent: true, consent_version: info.consent.version,
      }),
    });
    expect(JSON.parse(again.body.toString('utf8')).tracking_code).toBe(receipt.tracking_code);

    // What staff see: the photo, and the name and phone with the consent version stored beside them.
    const detail = await story.staff.call('GET', `/feedback/cases/${receipt.id}`);
    expect(detail.photos).toHaveLength(1);
    expect(detail.consent_version).toBe(info.consent.version);
    const contact = await story.staff.call('GET', `/feedback/cases/${receipt.id}/contact`);
    expect(contact).toMatchObject({ name: NAME, phone: PHONE, consent_text: info.consent.text });
    Object.assign(story, { receipt, caseId: receipt.id });
  });

  test('a draft edited after its answer was lost twice gets the receipt of what arrived, not a second case', async () => {
    device.reset('journey-constituent-unlucky');
    await openPage('pages/home/home'); // signed in: the lost answers below are the case's own
    const { id, name } = story.station;
    const page = await openPage('pages/submit/submit', { station_id: String(id), name: encodeURIComponent(name) });
    byText(page, '.chip', '交通出行').dispatchEvent('tap');
    const first = '公交站牌上的线路图已经褪色看不清，希望更换。';
    page.querySelector('.content').dispatchEvent('input', { detail: { value: first } });
    device.loseAnswerNext = 2; // the attempt and the helper's one resend both arrive; both answers are lost
    page.querySelector('.send').dispatchEvent('tap');
    await until(page, '网络连接不稳定，请稍后再试。', 10000);

    page.querySelector('.content').dispatchEvent('input', { detail: { value: first + '（站名：东街口）' } });
    page.querySelector('.send').dispatchEvent('tap');
    await until(page, '已收到您的反映');
    expect(screenText(page)).toContain('您修改之前的内容已经送达，修改的部分没有发送');
    const code = page.instance.data.receipt.tracking_code;
    const found = await story.staff.call('GET', `/feedback/cases?q=${encodeURIComponent('线路图已经褪色')}`);
    expect(found.map((c) => c.tracking_code)).toEqual([code]);
    expect(found[0].excerpt).toBe(first);
  });

  test('later: my cases shows the answer; 不满意 with a reason reopens the case, once', async () => {
    expect(story.caseId).toBeTruthy();
    // The office side, through the API: accept, forward to the unit, the unit answers, staff close it.
    const answer = '已安排施工队本周内修补东门人行道，并在雨天前完成。';
    await story.staff.call('POST', `/feedback/cases/${story.caseId}/accept`);
    await story.staff.call('POST', `/feedback/cases/${story.caseId}/forward`, { unit_id: story.unit.me.unit.id });
    await story.unit.call('POST', `/feedback/cases/${story.caseId}/answer`, { answer });
    await story.staff.call('POST', `/feedback/cases/${story.caseId}/close`, {});

    await openPage('pages/home/home'); // the phone opens the mini-program: signed in before the list is measured
    const { result: list, calls } = await measure('我反映的事项', () => openPage('pages/my-cases/my-cases'));
    expect(paths(calls)).toEqual(['GET /feedback/my-cases?page=1&page_size=10']);
    expect(screenText(list)).toContain(`已办结 城乡建设 ${CONTENT}`);
    within(list, '#list', '.item').dispatchEvent('tap');
    await eventually(() => device.navigations.length);
    expect(device.navigations[0].url).toBe(`/pages/case/case?id=${story.caseId}`);

    const { result: page, calls: read } = await measure('事项详情（群众）', () =>
      openPage('pages/case/case', { id: String(story.caseId) })
    );
    expect(paths(read)).toEqual([`GET /feedback/my-cases/${story.caseId}`]);
    let text = screenText(page);
    expect(text).toContain(`查询码 ${story.receipt.tracking_code}`);
    expect(text).toContain(`答复 ${answer}`);
    expect(text).toContain('您对答复满意吗？');
    const steps = screenText(within(page, '#steps'));
    expect(steps).toMatch(/待受理 .* 已受理 .* 已转办 .* 单位已答复 .* 已办结/);

    const form = within(page, '#rating');
    byText(form, '.choice', '不满意').dispatchEvent('tap');
    await eventually(() => form.querySelector('.reopen')); // offered with 不满意 only
    form.querySelector('.reopen').dispatchEvent('change', { detail: { value: ['yes'] } });
    await eventually(() => form.querySelector('.reason'));
    form.querySelector('.submit').dispatchEvent('tap');
    await until(page, '申请重新办理，请写明原因。');
    form.querySelector('.reason').dispatchEvent('input', { detail: { value: '只修了一半，西侧还是松的。' } });
    const { calls: rated } = await measure('评价：不满意并申请重新办理（操作）', async () => {
      form.querySelector('.submit').dispatchEvent('tap');
      await until(page, '我的评价： 不满意');
    });
    expect(paths(rated)).toEqual([`PUT /feedback/my-cases/${story.caseId}/rating`]);
    text = screenText(page);
    expect(text).toMatch(/^已受理 城乡建设/); // reopened: back with the station
    expect(page.querySelector('#rating')).toBeUndefined(); // rated, and reopened its one time
    expect(screenText(within(page, '#steps'))).toMatch(/已评价 .* 已受理 \S+ \S+$/);
    expect(device.toasts).toContainEqual({ title: '评价已提交', icon: 'success' });

    const history = await story.staff.call('GET', `/feedback/cases/${story.caseId}/timeline`);
    expect(history[history.length - 1]).toMatchObject({ to_state: 'accepted', reason: '只修了一半，西侧还是松的。' });
  });

  test('tracking by code, from another phone, shows status and answer but no content or personal data', async () => {
    expect(story.receipt).toBeTruthy();
    device.reset('journey-other-phone');
    const page = await openPage('pages/track/track');
    page.querySelector('.code-input').dispatchEvent('input', { detail: { value: 'ABCDE-23456' } });
    page.querySelector('.primary-button').dispatchEvent('tap');
    await until(page, '查询码不存在，请核对后重试。');

    const typed = story.receipt.tracking_code.toLowerCase().replace(/(.{5})/, '$1 ');
    page.querySelector('.code-input').dispatchEvent('input', { detail: { value: typed } });
    const { calls } = await measure('凭查询码查询（操作）', async () => {
      page.querySelector('.primary-button').dispatchEvent('tap');
      await until(page, '办理进度');
    });
    expect(paths(calls)).toEqual([`GET /feedback/track/${story.receipt.tracking_code}`]);
    const text = screenText(page);
    expect(text).toContain(`已受理 ${story.station.name} · 城乡建设`);
    expect(text).toContain('评价：不满意');
    for (const secret of [CONTENT.slice(0, 8), NAME, PHONE, PHONE.slice(-4)]) expect(text).not.toContain(secret);
    expect(JSON.stringify(page.instance.data.found)).not.toMatch(new RegExp(`${NAME}|${PHONE}|人行道`));
    expect(device.navigations).toEqual([]); // no sign-in for a public read
  });
});

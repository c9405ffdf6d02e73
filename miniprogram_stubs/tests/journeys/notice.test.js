// Opening a notice, its attachment, replying on the slip and changing the reply; a personal letter.
const { openPage, screenText, within, until, eventually, measure, context } = require('./helpers');

function slipText(page) {
  return screenText(within(page, '#slip'));
}

describe('a notice and its reply slip', () => {
  beforeEach(() => device.reset(context.openids.replier));

  test('opening a notice shows it whole, with its attachment, deadline and options, in one call', async () => {
    await openPage('pages/home/home'); // signs in first, so the detail below is measured on its own
    const id = String(context.notices.meeting);
    const { result: page, calls } = await measure('通知详情', () => openPage('pages/notice/detail', { id }));
    expect(calls.map((c) => `${c.method} ${c.path}`)).toEqual([`GET /notices/feed/${id}`]);
    const text = screenText(page);
    expect(text).toContain('置顶 会议通知 关于召开市人大常委会第二十次会议的通知');
    expect(text).toMatch(/发布时间：\d{4}-\d\d-\d\d \d\d:\d\d/);
    expect(text).toContain('附件 agenda.pdf');
    expect(slipText(page)).toMatch(/截止时间：\d{4}-\d\d-\d\d \d\d:\d\d/);
    expect(slipText(page)).toContain('参加');
    expect(slipText(page)).toContain('请假 （须填写理由）');
    expect(slipText(page)).toContain('提交回执');
    // rich-text draws the body natively; the simulator does not, so check what it is handed.
    expect(page.instance.data.notice.body).toContain('请于会前准时报到。');

    // The attachment: its signed link is downloaded and the document opened.
    page.querySelector('.attachment').dispatchEvent('tap');
    await eventually(() => device.opened.length);
    expect(device.opened).toEqual(['%PDF-1.4']);
  });

  test('replying, then changing the reply, keeps the notice on screen', async () => {
    const id = String(context.notices.meeting);
    const page = await openPage('pages/notice/detail', { id });
    const slip = within(page, '#slip');

    // 请假 needs a reason: the slip says so before anything is sent.
    slip.querySelector('.options').dispatchEvent('change', { detail: { value: '请假' } });
    const sent = device.calls.length;
    slip.querySelector('.submit').dispatchEvent('tap');
    await until(page, '选择「请假」须填写理由。');
    expect(device.calls.length).toBe(sent);

    slip.querySelector('.reason').dispatchEvent('input', { detail: { value: '赴外地参加培训' } });
    await measure('提交回执（操作）', async () => {
      slip.querySelector('.submit').dispatchEvent('tap');
      await until(page, '我的回执：请假 （理由：赴外地参加培训）');
    });
    expect(device.toasts).toContainEqual({ title: '回执已提交', icon: 'success' });
    // The PUT answers with the reply alone; the title, body and slip must still be there.
    expect(screenText(page)).toContain('关于召开市人大常委会第二十次会议的通知');
    expect(page.instance.data.notice.body).toContain('请于会前准时报到。');
    expect(slipText(page)).toContain('修改回执');

    slip.querySelector('.options').dispatchEvent('change', { detail: { value: '参加' } });
    slip.querySelector('.submit').dispatchEvent('tap');
    await until(page, /我的回执：参加 参加/);
    expect(screenText(page)).not.toContain('赴外地参加培训');

    // Opened again later, the server's record shows the changed reply.
    const again = await openPage('pages/notice/detail', { id });
    expect(slipText(again)).toContain('我的回执：参加');
    const feed = await openPage('pages/feed/feed');
    expect(screenText(feed)).toContain('已回执：参加');
  });

  test('a personal letter says it is addressed to this deputy alone and carries their own text', async () => {
    const page = await openPage('pages/notice/detail', { id: String(context.notices.letter) });
    expect(screenText(page)).toContain('一人一函 代表建议办理情况告知函');
    expect(screenText(page)).toContain('这是写给您本人的函件');
    expect(page.instance.data.notice.body).toContain(`${context.deputies.replier.name}代表：您提出的2026-103号建议已办结。`);
    expect(page.querySelector('#slip')).toBeUndefined(); // no reply slip asked for
  });

  test('a notice that is not addressed to this deputy shows the API message and a retry', async () => {
    const page = await openPage('pages/notice/detail', { id: '999999' });
    expect(screenText(page)).toContain('请求的资源不存在。 重新加载');
  });
});

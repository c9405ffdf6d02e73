// A deputy's meetings and papers: my meetings, the meeting page, the one search (typed and spoken), and the
// paper viewer whose page images the server watermarks for this deputy. Another meeting's paper never shows.
const http = require('../setup/http');
const { openPage, screenText, until, eventually, measure, asAccount, context } = require('./helpers');

const MINE = '关于2026年市级预算调整方案的审议意见';
const THEIRS = '另一次会议';

describe('meetings, papers and search', () => {
  beforeEach(() => device.reset(context.openids.reader));

  test('my meetings list only the meeting I am invited to, and its page lists its paper', async () => {
    await openPage('pages/home/home');
    const { result: list } = await measure('我的会议', () => openPage('pages/briefings/meetings'));
    expect(screenText(list)).toContain('常委会会议 市人大常委会第二十次会议');
    expect(screenText(list)).not.toContain('第二十一次会议');
    const { result: meeting, calls } = await measure('会议详情', () =>
      openPage('pages/briefings/meeting', { id: String(context.briefings.meeting) })
    );
    expect(calls.map((c) => `${c.method} ${c.path}`)).toEqual([`GET /briefings/my/meetings/${context.briefings.meeting}`]);
    const text = screenText(meeting);
    expect(text).toContain('1. 审议预算调整方案 2. 听取代表建议办理情况报告');
    expect(text).toContain(`机密 ${MINE} 未读`);
  });

  test('a deputy finds the paper by search, by voice too, and opens it watermarked', async () => {
    const page = await openPage('pages/search/search');
    page.querySelector('.query').dispatchEvent('input', { detail: { value: '审议意见' } });
    await measure('搜索', async () => {
      page.querySelector('.go').dispatchEvent('tap');
      await until(page, '共 1 条');
    });
    expect(screenText(page)).not.toContain(THEIRS);
    expect(page.instance.data.items[0].title_html).toContain('<em>审议意见</em>');

    // Voice: hold, speak, release; the recognised text is searched like typed text.
    device.speech = '预算调整方案。';
    await measure('语音搜索', async () => {
      page.querySelector('.voice').dispatchEvent('touchstart');
      page.querySelector('.voice').dispatchEvent('touchend');
      await eventually(() => page.instance.data.q === '预算调整方案' && page.instance.data.total === 1);
      await eventually(() => device.calls.some((c) => c.path.startsWith('/search?q=%E9%A2%84')));
    });
    const found = page.instance.data.items[0];
    expect([found.kind, found.key]).toEqual(['paper', context.briefings.paper]);

    page.querySelector('.result').dispatchEvent('tap');
    await eventually(() => device.navigations.length);
    expect(device.navigations).toEqual([{ how: 'navigateTo', url: `/pages/briefings/paper?id=${found.key}` }]);

    const { result: viewer } = await measure('资料阅读', () => openPage('pages/briefings/paper', { id: String(found.key) }));
    expect(screenText(viewer)).toContain('仅供在线查看，页面带有您的姓名水印');
    expect(screenText(viewer)).toContain('第 2 页 / 共 2 页');
    // The image's address, on this run's server (the page builds it on config.origin, as a phone does).
    const src = viewer.instance.data.pages[0].src.replace(/^https?:\/\/[^/]+/, context.origin);
    const image = await http.request('GET', src);
    expect(image.status).toBe(200);
    expect(image.headers['content-type']).toBe('image/png');

    // The office sees who looked at which page; the image was drawn for this deputy.
    const staff = await asAccount('staff');
    const views = await staff.call('GET', `/briefings/papers/${found.key}/views`);
    expect(views.map((v) => [v.viewer_name, v.page])).toEqual([[context.deputies.reader.name, 1]]);
    const stats = await staff.call('GET', `/briefings/papers/${found.key}/stats`);
    expect(stats.opened).toBe(1);
  });

  test('another meeting’s paper is not found and cannot be opened', async () => {
    const page = await openPage('pages/search/search');
    page.querySelector('.query').dispatchEvent('input', { detail: { value: THEIRS } });
    page.querySelector('.go').dispatchEvent('tap');
    await until(page, '没有找到相关内容。');
    const viewer = await openPage('pages/briefings/paper', { id: String(context.briefings.otherPaper) });
    expect(screenText(viewer)).toContain('请求的资源不存在。');
  });
});

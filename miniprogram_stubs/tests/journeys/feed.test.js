// The home screen and the notice feed of a deputy who has fifteen notices: unread count, pinned
// notices, paging on scroll, the filter by kind, pull-to-refresh.
const { openPage, screenText, within, textsOf, until, eventually, measure, context } = require('./helpers');

describe('home and feed', () => {
  beforeEach(() => device.reset(context.openids.reader));

  test('home shows the unread count and the pinned notice, in two calls', async () => {
    await openPage('pages/login/login'); // signs in, so the home screen is measured on its own
    const { result: home, calls } = await measure('首页', () => openPage('pages/home/home'));
    expect(calls.map((c) => `${c.method} ${c.path}`).sort()).toEqual([
      'GET /notices/feed/unread-count',
      'GET /notices/feed?page=1&page_size=10',
    ]);
    const text = screenText(home);
    expect(text).toContain(`未读通知 ${context.total} 条`);
    expect(text).toContain('置顶 会议通知 未读 关于召开市人大常委会第二十次会议的通知');
    expect(text).toMatch(/待回执 截止 \d\d-\d\d \d\d:\d\d/);
    expect(text).not.toContain('情况通报'); // not pinned: only in the feed

    // Tapping the notice opens it; tapping the count goes to the feed tab.
    within(home, '#list', '.item').dispatchEvent('tap');
    await eventually(() => device.navigations.length > 1);
    expect(device.navigations.pop()).toEqual({ how: 'navigateTo', url: `/pages/notice/detail?id=${context.notices.meeting}` });
    home.querySelector('.unread-card').dispatchEvent('tap');
    await eventually(() => device.navigations.length > 1);
    expect(device.navigations.pop()).toEqual({ how: 'switchTab', url: '/pages/feed/feed' });
  });

  test('the feed pages on scroll, newest first with the pinned notice on top', async () => {
    await openPage('pages/home/home'); // signs in, so the feed below is measured on its own
    const { result: feed, calls } = await measure('通知列表（第一页）', () => openPage('pages/feed/feed'));
    expect(calls.map((c) => `${c.method} ${c.path}`)).toEqual(['GET /notices/feed?page=1&page_size=10']);
    let titles = textsOf(feed, '#list', '.item-title');
    expect(titles).toHaveLength(10);
    expect(titles.slice(0, 3)).toEqual(['关于召开市人大常委会第二十次会议的通知', '代表建议办理情况告知函', '关于全市重点项目进展的情况通报']);
    expect(screenText(feed)).not.toContain('没有更多了');

    await measure('通知列表（滚动加载下一页）', () => feed.instance.onReachBottom());
    titles = textsOf(feed, '#list', '.item-title');
    expect(titles).toHaveLength(context.total);
    expect(titles[titles.length - 1]).toBe('第1期代表学习资料');
    expect(screenText(feed)).toContain('没有更多了');

    // At the end, scrolling further asks for nothing.
    const before = device.calls.length;
    await feed.instance.onReachBottom();
    expect(device.calls.length).toBe(before);
  });

  test('the filter by kind shows only that kind, and says so when there is none', async () => {
    const feed = await openPage('pages/feed/feed');
    const chip = (kind) => feed.querySelectorAll('.kind').find((k) => k.dom.textContent.trim() === kind);

    const titles = () => (feed.instance.data.status === 'ready' ? textsOf(feed, '#list', '.item-title') : []);
    const before = device.calls.length;
    chip('一人一函').dispatchEvent('tap');
    await eventually(() => titles().length === 1);
    expect(titles()).toEqual(['代表建议办理情况告知函']);
    // The server filters: one small request, not every page of the feed.
    expect(device.calls.slice(before).map((c) => decodeURIComponent(c.path))).toEqual([
      '/notices/feed?kind=一人一函&page=1&page_size=10',
    ]);

    chip('学习通知').dispatchEvent('tap');
    // Six of them, spread over both pages of the whole feed: one page of the filtered one.
    await eventually(() => titles().length === 6);
    expect(titles().every((title) => title.includes('代表学习资料'))).toBe(true);

    chip('其他').dispatchEvent('tap');
    await until(feed, '暂无「其他」');

    chip('全部').dispatchEvent('tap');
    await until(feed, '关于全市重点项目进展的情况通报');
  });

  test('pull-to-refresh reloads the first page and keeps the list on screen meanwhile', async () => {
    const feed = await openPage('pages/feed/feed');
    const stopped = jest.spyOn(wx, 'stopPullDownRefresh');
    const before = device.calls.length;
    const refreshing = feed.instance.onPullDownRefresh();
    expect(screenText(feed)).toContain('关于召开市人大常委会第二十次会议的通知');
    await refreshing;
    expect(device.calls.slice(before).map((c) => c.path)).toEqual(['/notices/feed?page=1&page_size=10']);
    expect(stopped).toHaveBeenCalled();
  });
});

// A deputy's inbox: the cases at the stations they serve, overdue first, by state; a case with what was
// reported (personal data masked), where it stands, and the comments, where the deputy adds a proposal.
// Deputies comment and propose; they do not decide, so no screen offers them a move.
const { openPage, screenText, within, textsOf, until, eventually, measure, asAccount, bindDeputy, http, api } = require('./helpers');

const OPENID = 'journey-inbox-deputy';
const paths = (calls) => calls.map((c) => `${c.method} ${c.path}`);
const byText = (root, selector, text) => root.querySelectorAll(selector).find((n) => n.dom.textContent.trim() === text);

const story = { staff: null, deputy: null };

beforeAll(async () => {
  story.staff = await asAccount('station1');
  const id = story.staff.me.station_ids[0];
  const station = JSON.parse((await http.request('GET', `${api}/stations/${id}`)).body.toString('utf8'));
  // A municipal deputy of this station whom no other journey binds (those take the roster's first ones).
  story.deputy = station.deputies.filter((d) => d.level === 'municipal').pop();
  await bindDeputy(story.deputy.id, OPENID);
});

/** What the API says this deputy's inbox holds, to compare the screen with. */
async function apiAs(path) {
  const token = wx.getStorageSync('session').access_token;
  return http.json('GET', api + path, null, token);
}

describe("a deputy's inbox", () => {
  beforeEach(() => device.reset(OPENID));

  test('home leads to the inbox; it shows the tabs with counts and the overdue cases first', async () => {
    const home = await openPage('pages/home/home');
    await until(home, '联络站意见箱');
    home.querySelector('.inbox-entry').dispatchEvent('tap');
    await eventually(() => device.navigations.length);
    expect(device.navigations).toEqual([{ how: 'navigateTo', url: '/pages/inbox/inbox' }]);

    const { result: page, calls } = await measure('联络站意见箱（代表）', () => openPage('pages/inbox/inbox'));
    expect(paths(calls).sort()).toEqual(['GET /feedback/cases/counts', 'GET /feedback/cases?page=1&page_size=10']);
    const counts = await apiAs('/feedback/cases/counts');
    const tabs = textsOf(page, '.tab');
    expect(tabs[0]).toBe(`全部 ${counts.total}`);
    expect(tabs).toContain(`待受理 ${counts.states.find((s) => s.state === 'submitted').count}`);
    expect(tabs[tabs.length - 1]).toBe(`超期 ${counts.overdue}`);
    expect(counts.overdue).toBeGreaterThan(0);
    expect(tabs.join(' ')).not.toContain('待人工审核'); // flagged content waits for staff, unseen by deputies
    const first = screenText(within(page, '#list', '.item'));
    expect(first).toMatch(/^已转办 市场监管 超期 菜市场电子秤缺斤短两/);
    expect(first).toMatch(/已超期 \d{4}-\d\d-\d\d/);

    const { calls: switched } = await measure('联络站意见箱：超期（切换）', async () => {
      byText(page, '.tab', `超期 ${counts.overdue}`).dispatchEvent('tap');
      await eventually(() => page.instance.data.filter === 'overdue' && page.instance.data.status === 'ready');
    });
    expect(paths(switched)).toEqual(['GET /feedback/cases?overdue=true&page=1&page_size=10']);
    const overdue = textsOf(page, '#list', '.item');
    expect(overdue).toHaveLength(counts.overdue);
    overdue.forEach((text) => expect(text).toContain('超期'));
  });

  test('a case: content, masked reporter, where it stands, comments; the deputy proposes, and nothing decides', async () => {
    await openPage('pages/home/home'); // signed in before the case is measured
    const [overdue] = await apiAs('/feedback/cases?overdue=true');
    const { result: page, calls } = await measure('意见详情（代表）', () =>
      openPage('pages/inbox/case', { id: String(overdue.id) })
    );
    expect(paths(calls).sort()).toEqual([`GET /feedback/cases/${overdue.id}`, `GET /feedback/cases/${overdue.id}/comments`]);
    const text = screenText(page);
    expect(text).toContain('已转办 市场监管 超期');
    expect(text).toContain('反映人：匿名');
    expect(text).toContain('菜市场电子秤缺斤短两，多次反映没有结果。');
    expect(text).toContain(`承办单位 ${overdue.unit.name}`);
    expect(text).toContain(`答复期限 ${overdue.due_date}`);
    expect(text).toContain('意见和建议（0） 还没有人发表意见。');
    // The only things to press: the kind of remark and 发表. No accept, forward, close or answer.
    const pressable = page.querySelectorAll('.send').concat(page.querySelectorAll('.kind-choice'));
    expect(pressable.map((n) => n.dom.textContent.trim())).toEqual(['发表', '意见', '建议']);
    expect(page.instance.data.item.actions).toEqual(['comment']);

    page.querySelector('.send').dispatchEvent('tap');
    await until(page, '请填写意见或建议。');
    byText(page, '.kind-choice', '建议').dispatchEvent('tap');
    const proposal = '建议市场监管部门每月公开抽检电子秤的结果。';
    page.querySelector('.body').dispatchEvent('input', { detail: { value: proposal } });
    const { calls: posted } = await measure('意见详情：发表建议（操作）', async () => {
      page.querySelector('.send').dispatchEvent('tap');
      await until(page, '意见和建议（1）');
    });
    expect(paths(posted)).toEqual([`POST /feedback/cases/${overdue.id}/comments`]);
    expect(screenText(page)).toContain(`建议 ${story.deputy.name}（代表）`);
    expect(screenText(page)).toContain(proposal);

    // Station staff read it where they decide.
    const comments = await story.staff.call('GET', `/feedback/cases/${overdue.id}/comments`);
    expect(comments[comments.length - 1]).toMatchObject({ kind: 'proposal', body: proposal, author_role: 'deputy' });
  });

  test("a reporter's name and phone reach the deputy masked", async () => {
    await openPage('pages/home/home');
    const named = (await apiAs('/feedback/cases?q=老人晚上散步'))[0];
    const page = await openPage('pages/inbox/case', { id: String(named.id) });
    const text = screenText(page);
    expect(text).toContain('反映人：陈** 138****0001');
    expect(text).not.toContain('陈秀英');
    expect(text).not.toContain('13800000001');
  });
});

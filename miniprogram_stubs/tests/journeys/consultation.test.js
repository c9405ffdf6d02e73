// A draft law asked of the deputies: the deputy finds it on the home screen, reads it article by article,
// comments on 第三条 with the button under it; after the deadline the committee marks the opinion 部分采纳
// with a reason and publishes the outcomes; the deputy then sees 部分采纳 and the reason. A later version's
// changes are shown article by article.
const { openPage, screenText, within, until, eventually, measure, asAccount, bindDeputy, http, api } = require('./helpers');

const OPENID = 'journey-consultation-deputy';
const REASON = '已在第三条第二款中明确主管部门职责。';
const CONTENT = '建议明确城市绿化主管部门与其他部门的职责分工。';
const LAW = [
  '福州市城市绿化条例（草案）',
  '第一章　总　则',
  '第一条　为了促进城市绿化事业的发展，制定本条例。',
  '第二条　本条例适用于本市城市规划区。',
  '第三条　市、县（市）区人民政府应当将城市绿化纳入国民经济和社会发展规划。',
  '城市绿化主管部门负责本行政区域内的城市绿化管理工作。',
  '第四条　本条例自2027年1月1日起施行。',
].join('\n');
const paths = (calls) => calls.map((c) => `${c.method} ${c.path}`);
const byText = (root, selector, text) => root.querySelectorAll(selector).find((n) => n.dom.textContent.trim() === text);

const story = { staff: null, deputy: null, id: 0 };

function iso(hours) {
  return new Date(Date.now() + hours * 3600 * 1000).toISOString();
}

beforeAll(async () => {
  story.staff = await asAccount('staff');
  // A deputy far down the roster: the other journeys bind the first ones.
  story.deputy = (await story.staff.call('GET', '/deputies?status=%E5%9C%A8%E4%BB%BB&page=30&page_size=1'))[0];
  await bindDeputy(story.deputy.id, OPENID);
  const pdf = Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n');
  const file = await http.upload(api + '/files', 'explanation.pdf', 'application/pdf', pdf, story.staff.token);
  const draft = await story.staff.call('POST', '/consultations', {
    title: '福州市城市绿化条例（草案）', kind: '法规草案', explanation: '为加强城市绿化管理，起草本条例。',
    explanation_file_id: file.id,
    audience: { deputy_ids: [story.deputy.id] }, opens_at: iso(-1), closes_at: iso(72), text: LAW,
  });
  story.id = draft.id;
  await story.staff.call('POST', `/consultations/${story.id}/publish`);
});

describe('a deputy comments on a draft law article by article', () => {
  beforeEach(() => device.reset(OPENID));

  test('home leads to the drafts asked of me; one opens article by article', async () => {
    const home = await openPage('pages/home/home');
    await until(home, '征求意见');
    home.querySelector('.consultation-entry').dispatchEvent('tap');
    await eventually(() => device.navigations.length);
    expect(device.navigations).toEqual([{ how: 'navigateTo', url: '/pages/consultation/list' }]);

    const { result: list, calls } = await measure('征求意见（代表）', () => openPage('pages/consultation/list'));
    expect(paths(calls)).toEqual(['GET /consultations/feed']);
    expect(screenText(list)).toContain('征求意见中 法规草案 福州市城市绿化条例（草案）');
    expect(screenText(list)).toContain('我的意见 0 条');

    const { result: page, calls: opened } = await measure('草案逐条（代表）', () =>
      openPage('pages/consultation/detail', { id: String(story.id) })
    );
    expect(paths(opened)).toEqual([`GET /consultations/feed/${story.id}`]);
    const text = screenText(page);
    expect(text).toContain('起草说明 为加强城市绿化管理，起草本条例。');
    expect(text).toContain('第一章 总 则');
    expect(text).toContain('第三条 市、县（市）区人民政府应当将城市绿化纳入国民经济和社会发展规划。 城市绿化主管部门');
    expect(text).toContain('对第三条提意见');

    // The 起草说明 also comes as a document, opened from its signed link.
    expect(text).toContain('explanation.pdf 打开');
    page.querySelector('.explanation-file').dispatchEvent('tap');
    await eventually(() => device.opened.length);
    expect(device.opened).toEqual(['%PDF-1.4']);
  });

  test('commenting on 第三条, then seeing 部分采纳 with the reason once published', async () => {
    const page = await openPage('pages/consultation/detail', { id: String(story.id) });
    byText(page, '.comment-button', '对第三条提意见').dispatchEvent('tap');
    await until(page, '提交意见');
    // An empty opinion is refused before anything is sent.
    const sent = device.calls.length;
    page.querySelector('.send').dispatchEvent('tap');
    await until(page, '请填写意见。');
    expect(device.calls.length).toBe(sent);
    page.querySelector('.body').dispatchEvent('input', { detail: { value: CONTENT } });
    await measure('提交意见（操作）', async () => {
      page.querySelector('.send').dispatchEvent('tap');
      await until(page, `我的意见：${CONTENT}（待研究）`);
    });
    expect(device.toasts).toContainEqual({ title: '意见已提交', icon: 'success' });

    const waiting = await openPage('pages/consultation/mine', { id: String(story.id) });
    expect(screenText(waiting)).toContain(`福州市城市绿化条例（草案） · 第三条 ${CONTENT} 待研究`);
    expect(screenText(waiting)).toContain('撤回');

    // The committee, after the deadline: close, mark 部分采纳 with a reason, publish the outcomes.
    await story.staff.call('POST', `/consultations/${story.id}/close`);
    const opinions = await story.staff.call('GET', `/consultations/${story.id}/opinions`);
    await story.staff.call('POST', `/consultations/opinions/${opinions[0].id}/outcome`, { outcome: 'partly', reason: REASON });
    const before = await openPage('pages/consultation/mine', { id: String(story.id) });
    expect(screenText(before)).not.toContain('部分采纳'); // not until the committee publishes the outcomes
    expect(screenText(before)).not.toContain('撤回'); // past the deadline
    await story.staff.call('POST', `/consultations/${story.id}/publish-outcomes`);

    const { result: mine, calls } = await measure('我的意见（代表）', () => openPage('pages/consultation/mine'));
    expect(paths(calls)).toEqual(['GET /consultations/mine']);
    expect(screenText(mine)).toContain(`第三条 ${CONTENT} 部分采纳 说明：${REASON}`);
    const detail = await openPage('pages/consultation/detail', { id: String(story.id) });
    expect(screenText(detail)).toContain('研究结果已公布');
    expect(screenText(detail)).not.toContain('对第三条提意见'); // closed: no comment buttons
  });

  test('an article of several paragraphs takes an opinion on one of them (款)', async () => {
    const draft = await story.staff.call('POST', '/consultations', {
      title: '第三个条例（草案）', audience: { deputy_ids: [story.deputy.id] }, opens_at: iso(-1), closes_at: iso(72),
      text: LAW,
    });
    await story.staff.call('POST', `/consultations/${draft.id}/publish`);
    const page = await openPage('pages/consultation/detail', { id: String(draft.id) });
    byText(page, '.comment-button', '对第二条提意见').dispatchEvent('tap');
    await until(page, '提交意见');
    expect(page.querySelector('.paragraph-choice')).toBeFalsy(); // one paragraph: nothing to choose
    byText(page, '.comment-button', '对第三条提意见').dispatchEvent('tap');
    await until(page, '整条 第1款 第2款');
    byText(page, '.chip', '第2款').dispatchEvent('tap');
    await eventually(() => within(page, '.chip.active').dom.textContent === '第2款');
    page.querySelector('.body').dispatchEvent('input', { detail: { value: CONTENT } });
    page.querySelector('.send').dispatchEvent('tap');
    await until(page, `我的意见：（第2款）${CONTENT}（待研究）`);
    const opinions = await story.staff.call('GET', `/consultations/${draft.id}/opinions`);
    expect(opinions.map((o) => [o.unit_label, o.paragraph, o.content])).toEqual([['第三条', 2, CONTENT]]);
  });

  test('a later version shows its changes article by article', async () => {
    const draft = await story.staff.call('POST', '/consultations', {
      title: '第二个条例（草案）', audience: { deputy_ids: [story.deputy.id] }, opens_at: iso(-1), closes_at: iso(72),
      text: LAW,
    });
    await story.staff.call('POST', `/consultations/${draft.id}/publish`);
    const second = LAW.replace('第二条　本条例适用于本市城市规划区。', '第二条　本条例适用于本市行政区域。\n第三条　新增的一条。')
      .replace('第三条　市、县', '第四条　市、县').replace('第四条　本条例自', '第五条　本条例自');
    await story.staff.call('POST', `/consultations/${draft.id}/versions`, { text: second, note: '修改' });
    const page = await openPage('pages/consultation/detail', { id: String(draft.id) });
    page.querySelector('.diff-link').dispatchEvent('tap');
    await eventually(() => device.navigations.length);
    const url = device.navigations[0].url;
    expect(url).toBe(`/pages/consultation/diff?id=${draft.id}&from=1&to=2`);
    const diff = await openPage('pages/consultation/diff', { id: String(draft.id), from: '1', to: '2' });
    const text = screenText(diff);
    expect(text).toContain('新增 1 条，删除 0 条，修改 1 条，条序变动 2 条');
    expect(text).toContain('新增 第三条 新增的一条。');
    expect(text).toContain('条序变动 第三条 → 第四条');
    expect(within(diff, '.del').dom.textContent).toBe('城市规划区');
    expect(within(diff, '.ins').dom.textContent).toBe('行政区域');
  });
});

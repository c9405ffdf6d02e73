// Learning: the library by category, studying a course's lessons to completion with heartbeats, my
// courses, and a training class: the invitation reply and the check-in by scanning the venue's screen.
const simulate = require('miniprogram-simulate');
const { openPage, screenText, within, until, eventually, context, asAccount } = require('./helpers');

const seeded = {};

beforeAll(async () => {
  const staff = await asAccount('staff');
  const deputy = context.deputies.reader;
  const audience = { deputy_ids: [deputy.id] };
  const lesson = async (title, category) => {
    const material = await staff.call('POST', '/materials/items', {
      title, kind: 'article', category, body: `<p>${title}的正文。</p>`, estimated_minutes: 1, audience,
    });
    await staff.call('POST', `/materials/items/${material.id}/publish`);
    return material.id;
  };
  seeded.first = await lesson('宪法学习（小程序）', '法律法规');
  seeded.second = await lesson('代表工作实务（小程序）', '履职知识');
  const due = new Date(Date.now() + 30 * 24 * 3600 * 1000).toISOString().slice(0, 10);
  const course = await staff.call('POST', '/materials/courses', {
    title: '新任代表必修课（小程序）', category: '履职知识', audience, required: true, due_date: due,
    syllabus: '一、宪法\n二、代表工作',
    lessons: [{ title: '宪法', material_id: seeded.first }, { title: '代表工作', material_id: seeded.second }],
  });
  await staff.call('POST', `/materials/courses/${course.id}/publish`);
  seeded.course = course.id;
  const today = new Date().toISOString().slice(0, 10);
  const klass = await staff.call('POST', '/materials/classes', {
    title: '履职能力专题学习班（小程序）', place: '市人大常委会三楼会议室', starts_on: today, ends_on: today,
  });
  const start = new Date(Date.now() - 5 * 60 * 1000);
  const session = await staff.call('POST', `/materials/classes/${klass.id}/sessions`, {
    title: '开班式', starts_at: start.toISOString(), ends_at: new Date(start.getTime() + 2 * 3600 * 1000).toISOString(),
  });
  await staff.call('POST', `/materials/classes/${klass.id}/invitations`, { deputy_ids: [deputy.id] });
  Object.assign(seeded, { klass: klass.id, session: session.id, staff });
});

beforeEach(() => device.reset(context.openids.reader));

/** Open a lesson, let a heartbeat be credited, and complete it from the page. */
async function study(materialId) {
  const page = await openPage('pages/learning/material', { id: String(materialId) });
  await until(page, '完成学习');
  await simulate.sleep(2200); // the server credits a beat after 1 s (set for this run); 1 s completes it
  page.querySelector('.complete').dispatchEvent('tap');
  await until(page, '已完成学习');
  page.instance.onUnload();
  return page;
}

describe('learning', () => {
  test('the one search finds a material and opens it in the viewer', async () => {
    const page = await openPage('pages/search/search');
    page.querySelectorAll('.kind').find((node) => node.dom.textContent === '学习资料').dispatchEvent('tap');
    page.querySelector('.query').dispatchEvent('input', { detail: { value: '代表工作实务' } });
    page.querySelector('.go').dispatchEvent('tap');
    await until(page, '共 1 条');
    const found = page.instance.data.items[0];
    expect([found.kind, found.key]).toEqual(['material', seeded.second]);
    page.querySelector('.result').dispatchEvent('tap');
    await eventually(() => device.navigations.length);
    expect(device.navigations).toEqual([{ how: 'navigateTo', url: `/pages/learning/material?id=${seeded.second}` }]);
  });

  test('the library by category opens a material with its progress', async () => {
    const library = await openPage('pages/learning/library');
    await until(library, '宪法学习（小程序）');
    library.querySelectorAll('.kind').find((node) => node.dom.textContent === '履职知识').dispatchEvent('tap');
    await until(library, '代表工作实务（小程序）');
    expect(screenText(library)).not.toContain('宪法学习（小程序）');

    const page = await openPage('pages/learning/material', { id: String(seeded.first) });
    expect(screenText(page)).toMatch(/已学 0 分钟，需学满 1 分钟/);
    expect(page.instance.data.material.body).toContain('宪法学习（小程序）的正文。');
    // Completing before any time was credited is refused, with the server's message.
    page.querySelector('.complete').dispatchEvent('tap');
    await eventually(() => device.toasts.length);
    expect(device.toasts.map((t) => t.title).join()).toContain('有效学习时长不足');
    page.instance.onUnload();
  });

  test('a course studied lesson by lesson to completion, resumed on my courses', async () => {
    const mine = await openPage('pages/learning/courses');
    await until(mine, '必修 新任代表必修课（小程序）');
    expect(screenText(mine)).toContain('已学 0/2 课');
    const course = await openPage('pages/learning/course', { id: String(seeded.course) });
    expect(screenText(course)).toContain('第1课 宪法 去学习');

    await study(seeded.first);
    await study(seeded.second);
    expect(device.toasts).toContainEqual({ title: '课程已完成', icon: 'success' });

    const after = await openPage('pages/learning/course', { id: String(seeded.course) });
    expect(screenText(after)).toContain('已完成本课程');
    expect(screenText(after)).toContain('第2课 代表工作 已完成');
    const report = await seeded.staff.call('GET', `/materials/courses/${seeded.course}/completion`);
    expect([report.total, report.done]).toEqual([1, 1]);
  });

  test('a class: reply, then check in by scanning the screen; the same code again is refused', async () => {
    const page = await openPage('pages/learning/class', { id: String(seeded.klass) });
    expect(screenText(page)).toContain('回执： 未回复');
    page.querySelector('.leave').dispatchEvent('tap');
    await eventually(() => device.toasts.length);
    expect(device.toasts.map((t) => t.title).join()).toContain('请假须填写理由');
    page.querySelector('.attend').dispatchEvent('tap');
    await until(page, '回执： 参加');

    const { code } = await seeded.staff.call('GET', `/materials/sessions/${seeded.session}/code`);
    device.scanned = code;
    page.querySelector('.scan').dispatchEvent('tap');
    await until(page, '已签到');
    expect(device.toasts).toContainEqual({ title: '签到成功', icon: 'success' });
    const shown = device.toasts.length;
    page.querySelector('.scan').dispatchEvent('tap');
    await eventually(() => device.toasts.length > shown);
    expect(device.toasts.map((t) => t.title).join()).toContain('已使用过');

    const sheet = await seeded.staff.call('GET', `/materials/classes/${seeded.klass}/attendance`);
    const row = sheet.rows.find((r) => r.deputy_id === context.deputies.reader.id);
    expect([row.reply, row.sessions[0].method]).toEqual(['attending', 'qr']);
    expect(within(page, '.reply-label').dom.textContent).toBe('参加');
  });
});

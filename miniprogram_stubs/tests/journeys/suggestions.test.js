// A deputy writes a suggestion with the self-check and a co-signer, and submits it; staff accept and
// assign it, and the unit answers B with a commitment (both through the API); the deputy follows its
// progress, reads the answer and rates it; the commitment, reported met by the unit and verified by
// staff, shows as verified on the deputy's ledger.
const { openPage, screenText, until, eventually, measure, asAccount, bindDeputy } = require('./helpers');

const OPENID = 'journey-suggestion-deputy';
const paths = (calls) => calls.map((c) => `${c.method} ${c.path}`);
const byText = (root, selector, text) => root.querySelectorAll(selector).find((n) => n.dom.textContent.trim() === text);
const PROMISE = '明年六月底前出台老旧小区加装电梯补贴新标准';
const TITLE = '关于加快推进老旧小区加装电梯的建议';

const story = { staff: null, unit: null, deputy: null, cosigner: null, id: 0 };

beforeAll(async () => {
  story.staff = await asAccount('staff');
  story.unit = await asAccount('unit1');
  // Three months ahead reach next year: the office has maintained its calendar.
  await story.staff.call('PUT', `/calendar/years/${new Date().getFullYear() + 1}`, { note: '旅程测试' });
  const deputies = await story.staff.call('GET', '/deputies?page_size=100');
  const own = deputies.filter((d) => d.congress && d.congress.id === deputies[deputies.length - 1].congress.id);
  // Deputies no other journey binds (those take the roster's first ones and the stations' last).
  story.deputy = own[own.length - 3];
  story.cosigner = own[own.length - 4];
  await bindDeputy(story.deputy.id, OPENID);
});

/** @param {any} page @param {string} selector @param {string} value */
function type(page, selector, value) {
  page.querySelector(selector).dispatchEvent('input', { detail: { value } });
}

describe('a deputy suggestion from draft to a verified commitment', () => {
  beforeEach(() => device.reset(OPENID));

  test('home leads to my suggestions; the deputy writes, checks and submits', async () => {
    const home = await openPage('pages/home/home');
    await until(home, '我的建议');
    home.querySelector('.suggestions-entry').dispatchEvent('tap');
    await eventually(() => device.navigations.length);
    expect(device.navigations).toEqual([{ how: 'navigateTo', url: '/pages/suggestions/suggestions' }]);

    const { result: page, calls } = await measure('写建议', () => openPage('pages/suggestions/write'));
    expect(paths(calls)).toEqual(['GET /suggestions/drafting-info']);
    type(page, '.title-input', '建议');
    type(page, '.problem', '电梯难装。');
    byText(page, '.chip', '城乡建设').dispatchEvent('tap');
    page.querySelector('.check').dispatchEvent('tap');
    await until(page, '自检结果');
    expect(screenText(page)).toContain('✗ 标题具体');
    expect(screenText(page)).toContain('「问题、原因、建议」部分缺少或过于简单');
    page.querySelector('.submit').dispatchEvent('tap');
    await until(page, '自检未通过，请按提示修改。');

    type(page, '.title-input', TITLE);
    type(page, '.problem', '我市上世纪九十年代建成的老旧小区普遍没有电梯，六层住宅的老年人上下楼十分困难，不少人常年不下楼。');
    type(page, '.cause', '加装电梯须本单元业主同意，低层住户担心采光和噪音；财政补贴标准偏低，审批涉及多个部门。');
    type(page, '.proposal', '一是简化加装电梯审批流程，推行一窗受理。二是提高财政补贴标准。三是建立低层住户补偿协商机制。');
    type(page, '.search', story.cosigner.name);
    await eventually(() => page.instance.data.candidates.length);
    page.querySelector('.candidate').dispatchEvent('tap');
    await until(page, `${story.cosigner.name}（`);
    page.querySelector('.check').dispatchEvent('tap');
    await until(page, '✓ 标题具体');
    expect(screenText(page)).toContain('✓ 问题、原因、建议三部分齐全且充实');
    expect(screenText(page)).toContain('不是个人诉求或单一个案');
    const { calls: sent } = await measure('写建议：提交（操作）', async () => {
      const confirm = page.querySelector('.confirm');
      (confirm || page.querySelector('.submit')).dispatchEvent('tap');
      await until(page, '建议已提交');
    });
    expect(paths(sent)).toEqual(['POST /suggestions', expect.stringMatching(/^POST \/suggestions\/\d+\/submit$/)]);
    story.id = page.instance.data.done.id;
    expect(screenText(page)).toContain('当前状态：待审查');
    expect(screenText(page)).toContain('摘要：');
  });

  test('staff assign it, the unit answers B with a commitment; the deputy sees the progress and rates', async () => {
    const unitId = story.unit.me.unit.id;
    await story.staff.call('POST', `/suggestions/${story.id}/accept`);
    const assigned = await story.staff.call('POST', `/suggestions/${story.id}/assign`, { mode: 'lead', lead_unit_id: unitId });
    const assignment = assigned.assignments[0].id;
    await story.unit.call('POST', `/suggestions/assignments/${assignment}/acknowledge`);
    await story.unit.call('POST', `/suggestions/assignments/${assignment}/answer`, {
      category: 'B',
      text: '已将加装电梯补贴标准调整列入明年工作计划。',
      commitments: [{ what: PROMISE, due_date: `${new Date().getFullYear() + 1}-06-30`, owner: '城建处王处长' }],
    });

    await openPage('pages/home/home'); // signed in before the page is measured
    const { result: page, calls } = await measure('建议详情（已答复）', () =>
      openPage('pages/suggestions/detail', { id: String(story.id) })
    );
    expect(paths(calls).sort()).toEqual([`GET /suggestions/${story.id}`, `GET /suggestions/${story.id}/timeline`]);
    const text = screenText(page);
    expect(text).toContain(TITLE);
    expect(text).toContain(`附议： ${story.cosigner.name}（待确认）`);
    expect(text).toMatch(/办理进度 草稿 .* 待审查 .* 已立案 .* 办理中 .* 已答复/);
    expect(text).toContain('B类 列入计划逐步解决');
    expect(text).toContain(`待落实 ${PROMISE}`);

    byText(page, '.chip', '基本满意').dispatchEvent('tap');
    page.querySelector('.comment').dispatchEvent('input', { detail: { value: '希望按期落实' } });
    const { calls: rated } = await measure('建议详情：评价（操作）', async () => {
      page.querySelector('.send-rating').dispatchEvent('tap');
      await until(page, '我的评价：基本满意 希望按期落实');
    });
    expect(paths(rated)[0]).toBe(`PUT /suggestions/${story.id}/rating`);
    expect(page.instance.data.canRate).toBe(false);
    expect(screenText(page)).toContain('已评价');
  });

  test('the commitment is reported met and verified; the deputy sees it on the ledger', async () => {
    const [commitment] = await story.unit.call('GET', `/suggestions/commitments?suggestion_id=${story.id}`);
    await story.unit.call('POST', `/suggestions/commitments/${commitment.id}/report`, { evidence: '新标准已印发。' });
    await story.staff.call('POST', `/suggestions/commitments/${commitment.id}/verify`);

    const page = await openPage('pages/suggestions/suggestions');
    await until(page, TITLE);
    expect(screenText(page)).toContain('已评价');
    const { calls } = await measure('我的建议：答复承诺', async () => {
      byText(page, '.tab', '答复承诺').dispatchEvent('tap');
      // Not the page's status: a reload keeps 'ready' while the ledger loads, so wait for the ledger itself.
      await until(page, `已核实办结 ${PROMISE}`);
    });
    expect(paths(calls)).toEqual(['GET /suggestions/commitments?page_size=50']);
    expect(screenText(page)).toContain(`已核实办结 ${PROMISE}`);
  });
});

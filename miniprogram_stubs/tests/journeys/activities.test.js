// A deputy is invited to an activity, answers the reply slip, checks in by scanning the rotating code,
// writes a report, and finds both in their record and in their 述职 draft; constituents rate a held 述职.
const { openPage, screenText, until, eventually, asAccount, bindDeputy, context } = require('./helpers');

const TITLE = '小程序旅程：社区养老服务专题调研';

function tap(page, selector) {
  page.querySelector(selector).dispatchEvent('tap');
}

describe('an activity from invitation to the record and the 述职 draft', () => {
  let staff;
  let deputy;
  let activityId;
  const openid = 'journey-activities';

  beforeAll(async () => {
    staff = await asAccount('staff');
    // A serving deputy no other journey uses (the seed binds the first few).
    deputy = (await staff.call('GET', '/deputies?status=在任&page_size=5&page=4'))[0];
    await bindDeputy(deputy.id, openid);
    const start = new Date(Date.now() + 30 * 60 * 1000); // check-in opens an hour before the start
    const activity = await staff.call('POST', '/activities', {
      kind: 'research', title: TITLE, place: '鼓楼区东街街道', organisers: '社会建设委员会',
      starts_at: start.toISOString(), ends_at: new Date(start.getTime() + 3 * 3600 * 1000).toISOString(),
      audience: { deputy_ids: [deputy.id] },
    });
    await staff.call('POST', `/activities/${activity.id}/publish`);
    activityId = activity.id;
  });

  beforeEach(() => device.reset(openid));

  test('invited, answers, checks in by scanning, reports, and sees it in the record and the 述职 draft', async () => {
    const list = await openPage('pages/activities/activities');
    expect(screenText(list)).toContain(`${TITLE} 专题调研`);
    expect(screenText(list)).toContain('待回复');

    const page = await openPage('pages/activity/activity', { id: String(activityId) });
    expect(screenText(page)).toContain('本活动请假须经工作人员批准。');
    tap(page, '.attend');
    await until(page, '我的回复：参加');

    // The scanner reads what the screen at the venue shows now; the same code again is refused.
    device.scanned = (await staff.call('GET', `/activities/${activityId}/checkin-code`)).code;
    tap(page, '.scan');
    await until(page, /已签到：\d{4}-\d\d-\d\d \d\d:\d\d/);
    expect(device.toasts).toContainEqual({ title: '签到成功', icon: 'success' });

    // Afterwards (here: staff move the start to now), the report.
    await staff.call('PATCH', `/activities/${activityId}`, {
      starts_at: new Date(Date.now() - 60 * 1000).toISOString(),
      ends_at: new Date(Date.now() + 2 * 3600 * 1000).toISOString(),
    });
    const after = await openPage('pages/activity/activity', { id: String(activityId) });
    after.querySelector('.report-title').dispatchEvent('input', { detail: { value: '关于社区养老服务的调研报告' } });
    after.querySelector('.report-body').dispatchEvent('input', {
      detail: { value: '一、现状：日间照料中心覆盖七成社区。二、问题：护理人员不足。三、建议：加大培训补贴。' },
    });
    tap(after, '.submit-report');
    await until(after, '已提交：关于社区养老服务的调研报告');

    const record = await openPage('pages/record/record');
    const text = screenText(record);
    expect(text).toContain('参加代表活动 1');
    expect(text).toContain('提交活动报告 1');
    expect(text).toContain(`参加代表活动：${TITLE}`);
    expect(text).toContain('提交活动报告：关于社区养老服务的调研报告');

    const draft = await openPage('pages/reportback/reportback');
    tap(draft, '.generate');
    await until(draft, /年度述职报告（草稿） 履职记录 \d+ 项/);
    expect(screenText(draft)).toContain('参加代表活动 1');
    tap(draft, '.open');
    await eventually(() => device.opened.length);
    expect(device.opened[0].startsWith('PK')).toBe(true); // a Word document (a zip)
  });

  test('a constituent rates a 述职 held at the station', async () => {
    const year = new Date().getFullYear();
    const reports = await staff.call('GET', `/records/report-backs?deputy_id=${deputy.id}&year=${year}`);
    const report = reports.length ? reports[0] : await staff.call('POST', '/records/report-backs', { deputy_id: deputy.id, year });
    const station = (await staff.call('GET', '/stations?page_size=1'))[0];
    const today = new Date(Date.now() + 8 * 3600 * 1000).toISOString().slice(0, 10);
    await staff.call('POST', `/records/report-backs/${report.id}/held`, { station_id: station.id, held_on: today });

    device.reset('journey-rating-constituent');
    const page = await openPage('pages/reportback-rate/reportback-rate', { station: String(station.id) });
    expect(screenText(page)).toContain(`${deputy.name}代表 ${year} 年度述职`);
    tap(page, '.rate');
    await until(page, '我的评价：满意');
    const ratings = await staff.call('GET', `/records/report-backs/${report.id}/ratings`);
    expect(ratings.count).toBe(1);
    expect(ratings.tally[0]).toEqual({ rating: '满意', count: 1 });
    expect(context.origin).toBeTruthy();
  });
});

// The README's table: for each screen, the API calls it made to render and their bytes on the wire.
// Screens in the order a deputy meets them, then a constituent's and the deputy's inbox; anything not
// listed follows in the order recorded.
const ORDER = [
  '登录（未绑定的新用户）',
  '绑定（输入邀请码）',
  '登录（已绑定的代表）',
  '首页',
  '通知列表（第一页）',
  '通知列表（滚动加载下一页）',
  '通知详情',
  '提交回执（操作）',
  '消息提醒',
  '消息提醒：同意订阅（操作）',
  '我的',
  '隐私说明',
  '首页（群众）',
  '附近的联络站',
  '附近的联络站（附近没有）',
  '联络站目录（未授权位置）',
  '联络站目录（滚动加载下一页）',
  '联络站页面（扫小程序码）',
  '反映问题',
  '反映问题：添加照片（操作）',
  '反映问题：提交（操作，应答丢失后重试）',
  '我反映的事项',
  '事项详情（群众）',
  '评价：不满意并申请重新办理（操作）',
  '凭查询码查询（操作）',
  '联络站意见箱（代表）',
  '联络站意见箱：超期（切换）',
  '意见详情（代表）',
  '意见详情：发表建议（操作）',
];

function rank(screen) {
  const index = ORDER.indexOf(screen);
  return index === -1 ? ORDER.length : index;
}

function table(records) {
  records = records.slice().sort((a, b) => rank(a.screen) - rank(b.screen));
  const rows = [
    '| 页面 screen | API 调用 calls | 请求字节 sent | 响应字节 received | 合计 total |',
    '| --- | --- | ---: | ---: | ---: |',
  ];
  const seen = new Set();
  for (const record of records) {
    if (seen.has(record.screen)) continue;
    seen.add(record.screen);
    const calls = record.calls.map((c) => `${c.method} ${c.path}`).sort().join('<br>') || '（无）';
    const sent = record.calls.reduce((n, c) => n + c.sent, 0);
    const received = record.calls.reduce((n, c) => n + c.received, 0);
    rows.push(`| ${record.screen} | ${calls} | ${sent} | ${received} | ${sent + received} |`);
  }
  return rows.join('\n');
}

module.exports = { table };

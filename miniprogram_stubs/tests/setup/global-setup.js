// Starts a real deputyhub on the embedded defaults (SQLite + embedded Redis) in a temporary instance
// folder, with the WeChat stand-in on its own port, loads the demo data, and publishes the notices the
// journeys read through the API as the demo staff account. Nothing here answers for the API.
const { spawn, execFileSync } = require('child_process');
const fs = require('fs');
const net = require('net');
const os = require('os');
const path = require('path');
const http = require('./http');

const REPO = path.resolve(__dirname, '../../..');
const DEPUTYHUB = process.env.DEPUTYHUB_BIN || path.join(REPO, '.venv/bin/deputyhub');
const STAFF = { username: 'staff', password: 'Deputyhub-demo-2026' };
const STARTUP_SECONDS = 40;

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = /** @type {net.AddressInfo} */ (server.address());
      server.close(() => resolve(port));
    });
  });
}

async function waitFor(url, log) {
  const until = Date.now() + STARTUP_SECONDS * 1000;
  for (;;) {
    try {
      const answer = await http.request('GET', url);
      if (answer.status < 500) return;
    } catch (error) {
      // not listening yet
    }
    if (Date.now() > until) {
      throw new Error(`deputyhub did not come up at ${url}; its log:\n${fs.readFileSync(log, 'utf8').slice(-3000)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

module.exports = async function globalSetup() {
  if (!fs.existsSync(DEPUTYHUB)) {
    throw new Error(`${DEPUTYHUB} is missing: run \`make install\` in the repository first`);
  }
  // Short: the embedded Redis puts its unix socket in here, and socket paths are limited to ~100 bytes.
  const instance = fs.mkdtempSync(path.join(os.tmpdir(), 'dhmp-'));
  const [apiPort, standinPort] = [await freePort(), await freePort()];
  const env = Object.assign({}, process.env, {
    DEPUTYHUB_INSTANCE: instance,
    DEPUTYHUB_ENV: 'development',
    WECHAT_API_BASE: `http://127.0.0.1:${standinPort}`,
    LOG_LEVEL: 'WARNING',
    // The learning journey studies for seconds, not minutes: a beat is credited after 1 s, and a
    // one-minute lesson completes with about 2 s of credited time.
    LEARNING_HEARTBEAT_MIN_SECONDS: '1',
    LEARNING_COMPLETION_SHARE: '0.03',
  });
  // The embedded defaults, whatever the calling shell has; JOURNEYS_DATABASE_URL / JOURNEYS_REDIS_URL
  // run the same journeys on PostgreSQL and a Redis server (the database must be empty).
  delete env.DATABASE_URL;
  delete env.REDIS_URL;
  if (process.env.JOURNEYS_DATABASE_URL) env.DATABASE_URL = process.env.JOURNEYS_DATABASE_URL;
  if (process.env.JOURNEYS_REDIS_URL) env.REDIS_URL = process.env.JOURNEYS_REDIS_URL;
  const origin = `http://127.0.0.1:${apiPort}`;
  const standin = `http://127.0.0.1:${standinPort}`;
  const log = path.join(instance, 'server.log');
  const context = { instance, origin, standin, log };
  fs.writeFileSync(path.join(instance, 'context.json'), JSON.stringify(context));
  process.env.MINI_JOURNEYS = path.join(instance, 'context.json');
  try {
    const quiet = { env, cwd: REPO, stdio: ['ignore', 'ignore', 'pipe'] };
    execFileSync(DEPUTYHUB, ['init'], quiet);
    execFileSync(DEPUTYHUB, ['seed-demo'], quiet);
    const out = fs.openSync(log, 'a');
    // `serve` also starts the stand-in on WECHAT_API_BASE's port; no queue worker: the journeys need none.
    globalThis.__DEPUTYHUB_SERVER__ = spawn(DEPUTYHUB, ['serve', '--port', String(apiPort), '--no-worker'], {
      env,
      cwd: REPO,
      stdio: ['ignore', out, out],
    });
    await waitFor(origin + '/readyz', log);
    await waitFor(standin + '/_standin/stats', log);
    Object.assign(context, await seed(origin, standin));
  } catch (error) {
    // jest skips the teardown when the setup fails: stop what was started here.
    await require('./global-teardown')();
    throw error;
  }
  fs.writeFileSync(path.join(instance, 'context.json'), JSON.stringify(context));
  fs.writeFileSync(path.join(instance, 'wire.jsonl'), '');
};

/** The staff side of the story, through the API: deputies to sign in as, and the notices they receive. */
async function seed(origin, standin) {
  const api = origin + '/api/v1';
  const staff = (await http.json('POST', api + '/auth/login', STAFF)).access_token;
  const serving = await http.json('GET', api + '/deputies?status=在任&page_size=8', null, staff);
  const [a, b, c, d, e] = serving;
  const deputies = { codeBinding: a, phoneBinding: b, reader: c, subscriber: d, replier: e };
  const phone = (await http.json('GET', `${api}/deputies/${b.id}/contact`, null, staff)).phone;

  // Deputies that are bound already: their journeys start from a phone that has signed in before.
  const openids = {};
  for (const key of ['reader', 'subscriber', 'replier']) {
    openids[key] = `journey-${key}`;
    const code = (await http.json('POST', api + '/auth/binding-codes', { deputy_id: deputies[key].id }, staff)).code;
    const loginCode = (await http.json('POST', standin + '/_standin/login_code', { openid: openids[key] })).code;
    const constituent = (await http.json('POST', api + '/auth/wechat/login', { code: loginCode })).access_token;
    await http.json('POST', api + '/auth/wechat/bind', { binding_code: code }, constituent);
  }

  const audience = { deputy_ids: [c.id, d.id, e.id] };
  const deadline = new Date(Date.now() + 7 * 24 * 3600 * 1000).toISOString();
  const pdf = await http.upload(api + '/files', 'agenda.pdf', 'application/pdf', samplePdf(), staff);

  const publish = async (body, merge) => {
    const notice = await http.json('POST', api + '/notices', Object.assign({ audience }, body), staff);
    if (merge) await http.json('PUT', `${api}/notices/${notice.id}/merge-data`, { rows: merge }, staff);
    await http.json('POST', `${api}/notices/${notice.id}/publish`, null, staff);
    return notice.id;
  };
  const notices = {};
  // Older first, so the feed's newest-first order is the reverse of this.
  for (let n = 1; n <= 12; n += 1) {
    await publish({ title: `第${n}期代表学习资料`, kind: n % 2 ? '学习通知' : '知情知政', body: `<p>学习资料第${n}期。</p>` });
  }
  notices.briefing = await publish({ title: '关于全市重点项目进展的情况通报', kind: '情况通报', body: '<p>全市重点项目总体进展顺利。</p>' });
  notices.letter = await publish(
    { title: '代表建议办理情况告知函', kind: '一人一函', body: '<p>{{姓名}}代表：您提出的{{建议编号}}号建议已办结。</p>' },
    [c, d, e].map((deputy, i) => ({ 代表编号: deputy.code, 建议编号: `2026-${101 + i}` }))
  );
  notices.meeting = await publish({
    title: '关于召开市人大常委会第二十次会议的通知',
    kind: '会议通知',
    pinned: true,
    body: '<p>请于会前准时报到。</p>',
    attachment_ids: [pdf.id],
    reply_slip: { deadline },
  });
  const briefings = await seedBriefings(api, staff, { reader: c, other: a });
  return { deputies, phone, openids, notices, briefings, total: 15 };
}

/** A standing-committee meeting the reader is invited to (列席), its confidential paper, and another
 * meeting's paper the reader must never find. */
async function seedBriefings(api, staff, { reader, other }) {
  const hour = 3600 * 1000;
  const meeting = async (title, deputyId) => {
    const created = await http.json('POST', api + '/briefings/meetings', {
      kind: 'standing_committee', title, place: '常委会第一会议室', agenda: '审议预算调整方案\n听取代表建议办理情况报告',
      starts_at: new Date(Date.now() + 48 * hour).toISOString(), ends_at: new Date(Date.now() + 51 * hour).toISOString(),
      audience: { deputy_ids: [deputyId] },
    }, staff);
    await http.json('POST', `${api}/briefings/meetings/${created.id}/publish`, null, staff);
    return created.id;
  };
  const paper = async (meetingId, title) => {
    const file = await http.upload(api + '/files', 'paper.pdf', 'application/pdf', pagesPdf(2), staff);
    const created = await http.json('POST', api + '/briefings/papers', {
      meeting_id: meetingId, title, description: '一府一委两院办理代表建议的情况说明', category: '会议资料',
      confidentiality: 'confidential', audience: { meeting_attendees: true }, file_id: file.id,
    }, staff);
    await http.json('POST', `${api}/briefings/papers/${created.id}/publish`, null, staff);
    return created.id;
  };
  const mine = await meeting('市人大常委会第二十次会议', reader.id);
  const theirs = await meeting('市人大常委会第二十一次会议', other.id);
  return {
    meeting: mine,
    paper: await paper(mine, '关于2026年市级预算调整方案的审议意见'),
    otherPaper: await paper(theirs, '关于预算执行情况的审议意见（另一次会议）'),
  };
}

/** A real PDF of `count` pages of text (the server renders its pages with pdfium). */
function pagesPdf(count) {
  const objects = ['<< /Type /Catalog /Pages 2 0 R >>', '', '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>'];
  const kids = [];
  for (let n = 1; n <= count; n += 1) {
    const stream = `BT /F1 24 Tf 72 700 Td (Budget page ${n}) Tj ET`;
    objects.push(`<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`);
    objects.push(`<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents ${objects.length} 0 R ` +
      '/Resources << /Font << /F1 3 0 R >> >> >>');
    kids.push(`${objects.length} 0 R`);
  }
  objects[1] = `<< /Type /Pages /Kids [${kids.join(' ')}] /Count ${count} >>`;
  let out = '%PDF-1.4\n';
  const offsets = objects.map((body, i) => {
    const at = out.length;
    out += `${i + 1} 0 obj\n${body}\nendobj\n`;
    return at;
  });
  const xref = out.length;
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  out += offsets.map((at) => `${String(at).padStart(10, '0')} 00000 n \n`).join('');
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

function samplePdf() {
  return Buffer.from(
    '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n' +
      '3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n'
  );
}

// Opening pages the way WeChat does (Component() pages, onLoad with the query), reading what the
// screen shows, and recording what each screen cost on the wire.
const fs = require('fs');
const path = require('path');
const simulate = require('miniprogram-simulate');
const http = require('../setup/http');

const ROOT = path.resolve(__dirname, '../..');
const context = global.journeyContext;
const api = context.origin + '/api/v1';

/** @param {string} route e.g. 'pages/home/home' @param {Record<string, string>} [query] */
const loaded = new Map();

async function openPage(route, query = {}) {
  if (!loaded.has(route)) {
    // simulate runs each component's JS with require() and then clears Node's cache, which is not the
    // cache jest uses: a component shared by two pages would run only once and the second page would
    // render it empty. Each page is therefore loaded in a module registry of its own.
    jest.isolateModules(() => loaded.set(route, simulate.load(path.join(ROOT, route), { rootPath: ROOT })));
  }
  const page = simulate.render(loaded.get(route));
  page.attach(document.createElement('parent-wrapper'));
  if (page.instance.onLoad) await page.instance.onLoad(query);
  return page;
}

/** The text on the screen: its text pieces in order, one space between them. */
function screenText(page) {
  const pieces = [];
  const walker = document.createTreeWalker(page.dom, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const text = (node.textContent || '').replace(/\s+/g, ' ').trim();
    if (text) pieces.push(text);
  }
  return pieces.join(' ');
}

/**
 * A node inside custom components: within(page, '#list', '.item') is the first item of the list.
 * @returns {any}
 */
function within(page, ...selectors) {
  return selectors.reduce((node, selector) => node && node.querySelector(selector), page);
}

/** All nodes matching the last selector inside the component the others lead to. @returns {any[]} */
function allWithin(page, ...selectors) {
  const parent = within(page, ...selectors.slice(0, -1));
  return parent ? parent.querySelectorAll(selectors[selectors.length - 1]) : [];
}

/** The text of each node matching the selectors, e.g. textsOf(page, '#list', '.item-title'). */
function textsOf(page, ...selectors) {
  return allWithin(page, ...selectors).map((node) => node.dom.textContent.replace(/\s+/g, ' ').trim());
}

/** Waits until the screen shows `wanted` (a string or a RegExp), or fails saying what it shows. */
async function until(page, wanted, timeoutMs = 8000) {
  const deadline = Date.now() + timeoutMs;
  const matches = () => {
    const text = screenText(page);
    return typeof wanted === 'string' ? text.includes(wanted) : wanted.test(text);
  };
  while (!matches()) {
    if (Date.now() > deadline) throw new Error(`screen never showed ${wanted}; it shows: ${screenText(page)}`);
    await simulate.sleep(20);
  }
}

/** Waits until `check()` is truthy: for what the page does beyond the screen (navigation, files). */
async function eventually(check, timeoutMs = 8000) {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out waiting for ' + check.toString());
    await simulate.sleep(20);
  }
}

/** Runs `render` and files the API calls it made under `screen` for the README table. */
async function measure(screen, render) {
  const start = global.device.calls.length;
  const result = await render();
  const calls = global.device.calls.slice(start);
  fs.appendFileSync(path.join(context.instance, 'wire.jsonl'), JSON.stringify({ screen, calls }) + '\n');
  return { result, calls };
}

/**
 * An office account's access token, signed in once per run and shared by every journey file through the
 * instance folder. Password sign-ins are throttled per account and address, as in production, and every
 * journey signs in from 127.0.0.1: signing in again for each story would trip the limit on a fast machine.
 * @param {string} username
 */
async function officeToken(username) {
  const file = path.join(context.instance, `token-${username}.json`);
  if (fs.existsSync(file)) return JSON.parse(fs.readFileSync(file, 'utf8')).access_token;
  const { access_token: token } = await http.json('POST', api + '/auth/login', {
    username,
    password: 'Deputyhub-demo-2026',
  });
  fs.writeFileSync(file, JSON.stringify({ access_token: token }));
  return token;
}

/** The office side, straight to the API as the demo staff account. */
async function asStaff() {
  const token = await officeToken('staff');
  return {
    bindingCode: async (deputyId) => (await http.json('POST', api + '/auth/binding-codes', { deputy_id: deputyId }, token)).code,
  };
}

/**
 * Any demo account (station1, unit1, ...) straight to the API: `call(method, path, body)` answers the JSON
 * and throws on an error status, for the office side of a journey (moving a case, reading it back).
 * @param {string} username
 */
async function asAccount(username) {
  const token = await officeToken(username);
  /** @param {string} method @param {string} path @param {any} [body] */
  const call = (method, path, body) => http.json(method, api + path, body === undefined ? null : body, token);
  return { token, call, me: await call('GET', '/auth/me') };
}

/** A WeChat user the office binds to `deputyId` now: the journey then starts from a phone that signed in before. */
async function bindDeputy(deputyId, openid) {
  const staff = await asAccount('staff');
  const code = (await staff.call('POST', '/auth/binding-codes', { deputy_id: deputyId })).code;
  const loginCode = (await http.json('POST', context.standin + '/_standin/login_code', { openid })).code;
  const constituent = (await http.json('POST', api + '/auth/wechat/login', { code: loginCode })).access_token;
  await http.json('POST', api + '/auth/wechat/bind', { binding_code: code }, constituent);
}

async function phoneCode(phone) {
  return (await http.json('POST', context.standin + '/_standin/phone_code', { phone })).code;
}

module.exports = {
  openPage,
  screenText,
  within,
  allWithin,
  textsOf,
  until,
  eventually,
  measure,
  asStaff,
  asAccount,
  bindDeputy,
  phoneCode,
  context,
  api,
  http,
};

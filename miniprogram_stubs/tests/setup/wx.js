// The phone under the pages: wx.request, wx.downloadFile and wx.login go over real HTTP to the server
// and WeChat stand-in that global-setup.js started. What the person does (the code a phone gets from
// WeChat, the choice in the subscribe dialog) is played by `device`; the API is never stood in for.
const fs = require('fs');
const os = require('os');
const path = require('path');
const http = require('./http');

const context = JSON.parse(fs.readFileSync(/** @type {string} */ (process.env.MINI_JOURNEYS), 'utf8'));
// config.js points a development build at `make run`; here that origin is the server of this run.
const DEVELOP_ORIGIN = 'http://127.0.0.1:5000';

const device = {
  openid: '',
  /** @type {(tmplIds: string[]) => Record<string, string>} */
  subscribeAnswer: (ids) => Object.fromEntries(ids.map((id) => [id, 'accept'])),
  /** @type {{title: string, icon?: string}[]} */
  toasts: [],
  /** @type {{how: string, url: string}[]} */
  navigations: [],
  /** @type {string[]} */
  opened: [],
  /** @type {{method: string, path: string, status: number, sent: number, received: number}[]} */
  calls: [],
  storage: new Map(),
  // Connections the phone's network drops before they reach the server (a fault, not an answer).
  dropNext: 0,
  // Requests that reach the server, whose answer the network then loses on the way back.
  loseAnswerNext: 0,
  attempts: 0,
  /** @type {{latitude: number, longitude: number} | null} where the phone is; null: the person refuses */
  location: null,
  /** @type {{path: string, size: number}[]} the photos the person picks in WeChat's picker */
  photos: [],
  /** @type {string[]} numbers the phone was asked to dial */
  dialled: [],
  clipboard: '',
  /** what the person says into the 同声传译 plugin's recogniser; '' is silence */
  speech: '',
  /** @type {string | null} what the camera reads in wx.scanCode; null: the person closes the camera */
  scanned: null,
  reset(openid) {
    this.scanned = null;
    this.dropNext = 0;
    this.loseAnswerNext = 0;
    this.location = null;
    this.photos = [];
    this.dialled = [];
    this.clipboard = '';
    this.speech = '';
    this.attempts = 0;
    this.openid = openid;
    this.toasts = [];
    this.navigations = [];
    this.opened = [];
    this.calls = [];
    this.storage.clear();
  },
};

function routed(url) {
  return url.startsWith(DEVELOP_ORIGIN) ? context.origin + url.slice(DEVELOP_ORIGIN.length) : url;
}

function withQuery(url, data) {
  if (!data || typeof data !== 'object') return url;
  const query = Object.entries(data)
    .filter(([, value]) => value !== undefined && value !== null)
    .map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(String(value))}`)
    .join('&');
  return query ? url + (url.includes('?') ? '&' : '?') + query : url;
}

function settle(options, outcome, result) {
  const callback = options[outcome];
  if (callback) callback(result);
  if (options.complete) options.complete(result);
}

/** wx.request as the base library does it: GET data becomes the query, other data a JSON body. */
function request(options) {
  const method = (options.method || 'GET').toUpperCase();
  const isGet = method === 'GET' || method === 'HEAD';
  const url = routed(isGet ? withQuery(options.url, options.data) : options.url);
  const headers = Object.assign({ 'content-type': 'application/json' }, options.header);
  const body = isGet || options.data === undefined ? undefined : JSON.stringify(options.data);
  const target = new URL(url);
  device.attempts += 1;
  if (device.dropNext > 0) {
    device.dropNext -= 1;
    setTimeout(() => settle(options, 'fail', { errMsg: 'request:fail socket closed' }), 0);
    return { abort() {} };
  }
  http
    .request(method, url, { headers, body, timeout: options.timeout })
    .then((answer) => {
      const text = answer.body.toString('utf8');
      let data = text;
      try {
        data = JSON.parse(text);
      } catch (error) {
        // not JSON: handed over as text, like dataType "json" does
      }
      device.calls.push({
        method,
        path: target.pathname.replace(/^\/api\/v1/, '') + target.search,
        status: answer.status,
        sent: answer.sent,
        received: answer.received,
      });
      if (device.loseAnswerNext > 0) {
        device.loseAnswerNext -= 1;
        settle(options, 'fail', { errMsg: 'request:fail timeout' });
        return;
      }
      settle(options, 'success', { data, statusCode: answer.status, header: answer.headers, errMsg: 'request:ok' });
    })
    .catch((error) => settle(options, 'fail', { errMsg: 'request:fail ' + error.message }));
  return { abort() {} };
}

/** wx.uploadFile: the file as multipart/form-data under `name`; the answer's body is handed over as text. */
function uploadFile(options) {
  const url = routed(options.url);
  const boundary = 'wxupload' + Date.now().toString(16);
  const filename = path.basename(options.filePath);
  const body = Buffer.concat([
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="${options.name}"; filename="${filename}"\r\n` +
        'Content-Type: application/octet-stream\r\n\r\n'
    ),
    fs.readFileSync(options.filePath),
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  const headers = Object.assign({}, options.header, { 'content-type': `multipart/form-data; boundary=${boundary}` });
  http
    .request('POST', url, { headers, body, timeout: options.timeout })
    .then((answer) => {
      device.calls.push({
        method: 'POST',
        path: new URL(url).pathname.replace(/^\/api\/v1/, ''),
        status: answer.status,
        sent: answer.sent,
        received: answer.received,
      });
      const data = answer.body.toString('utf8');
      settle(options, 'success', { data, statusCode: answer.status, errMsg: 'uploadFile:ok' });
    })
    .catch((error) => settle(options, 'fail', { errMsg: 'uploadFile:fail ' + error.message }));
  return { abort() {}, onProgressUpdate() {} };
}

/** wx.getLocation: where `device.location` says, or the person's refusal. */
function getLocation(options) {
  const where = device.location;
  setTimeout(() => {
    if (where) settle(options, 'success', Object.assign({ errMsg: 'getLocation:ok', accuracy: 30 }, where));
    else settle(options, 'fail', { errMsg: 'getLocation:fail auth deny' });
  }, 0);
}

/** wx.chooseMedia: the photos in `device.photos`, or the person closing the picker when there are none. */
function chooseMedia(options) {
  const picked = device.photos.slice(0, options.count || 9);
  setTimeout(() => {
    if (!picked.length) {
      settle(options, 'fail', { errMsg: 'chooseMedia:fail cancel' });
      return;
    }
    const tempFiles = picked.map((p) => ({ tempFilePath: p.path, size: p.size, fileType: 'image' }));
    settle(options, 'success', { type: 'image', tempFiles, errMsg: 'chooseMedia:ok' });
  }, 0);
}

function downloadFile(options) {
  http
    .request('GET', routed(options.url), { headers: Object.assign({}, options.header) })
    .then((answer) => {
      const file = path.join(os.tmpdir(), `wxfile-${Date.now()}-${Math.random().toString(16).slice(2)}`);
      fs.writeFileSync(file, answer.body);
      settle(options, 'success', { tempFilePath: file, statusCode: answer.status, errMsg: 'downloadFile:ok' });
    })
    .catch((error) => settle(options, 'fail', { errMsg: 'downloadFile:fail ' + error.message }));
}

/** wx.scanCode: what the camera reads (`device.scanned`), or the person closing the scanner when nothing is set. */
function scanCode(options) {
  setTimeout(() => {
    if (!device.scanned) settle(options, 'fail', { errMsg: 'scanCode:fail cancel' });
    else settle(options, 'success', { result: device.scanned, scanType: 'QR_CODE', errMsg: 'scanCode:ok' });
  }, 0);
}

/** The code WeChat would give this phone's user: issued by the stand-in, which the server asks about it. */
function login(options) {
  http
    .json('POST', context.standin + '/_standin/login_code', { openid: device.openid })
    .then((issued) => settle(options, 'success', { code: issued.code, errMsg: 'login:ok' }))
    .catch((error) => settle(options, 'fail', { errMsg: 'login:fail ' + error.message }));
}

function requestSubscribeMessage(options) {
  const answer = device.subscribeAnswer(options.tmplIds);
  setTimeout(() => settle(options, 'success', Object.assign({ errMsg: 'requestSubscribeMessage:ok' }, answer)), 0);
}

function openDocument(options) {
  device.opened.push(fs.readFileSync(options.filePath).subarray(0, 8).toString('latin1'));
  setTimeout(() => settle(options, 'success', { errMsg: 'openDocument:ok' }), 0);
}

function navigation(how) {
  return (options) => {
    device.navigations.push({ how, url: options.url });
    setTimeout(() => settle(options, 'success', { errMsg: how + ':ok' }), 0);
  };
}

/** The 同声传译 plugin (WechatSI): its recogniser hears `device.speech` and hands it over on stop. */
function recordRecognitionManager() {
  const manager = {
    /** @type {(res: any) => void} */
    onStop: () => {},
    /** @type {(res: any) => void} */
    onError: () => {},
    start: () => {},
    stop: () => setTimeout(() => manager.onStop({ result: device.speech }), 0),
  };
  return manager;
}

global.requirePlugin = (name) => {
  if (name !== 'WechatSI') throw new Error('plugin not declared in app.json: ' + name);
  return { getRecordRecognitionManager: recordRecognitionManager };
};
global.device = device;
global.journeyContext = context;
global.wx = {
  request,
  downloadFile,
  login,
  requestSubscribeMessage,
  openDocument,
  uploadFile,
  getLocation,
  chooseMedia,
  scanCode,
  makePhoneCall: (options) => {
    device.dialled.push(options.phoneNumber);
    setTimeout(() => settle(options, 'success', { errMsg: 'makePhoneCall:ok' }), 0);
  },
  setClipboardData: (options) => {
    device.clipboard = options.data;
    setTimeout(() => settle(options, 'success', { errMsg: 'setClipboardData:ok' }), 0);
  },
  navigateBack: navigation('navigateBack'),
  navigateTo: navigation('navigateTo'),
  redirectTo: navigation('redirectTo'),
  switchTab: navigation('switchTab'),
  reLaunch: navigation('reLaunch'),
  getStorageSync: (key) => (device.storage.has(key) ? JSON.parse(device.storage.get(key)) : ''),
  setStorageSync: (key, value) => device.storage.set(key, JSON.stringify(value)),
  removeStorageSync: (key) => device.storage.delete(key),
  showToast: (options) => device.toasts.push({ title: options.title, icon: options.icon }),
  showLoading: () => {},
  hideLoading: () => {},
  stopPullDownRefresh: () => {},
  setNavigationBarTitle: () => {},
  getAccountInfoSync: () => ({ miniProgram: { appId: 'touristappid', envVersion: 'develop', version: '' } }),
  getDeviceInfo: () => ({ platform: 'android', system: 'Android 10', model: 'journey', brand: 'journey' }),
};

// The one way the mini-program talks to deputyhub.
// - the access token goes on every call; it is refreshed (rotating the single-use refresh token) shortly
//   before it expires, so a weak network does not pay for a failed call first;
// - a 401 means the session itself is gone (signed out elsewhere, unbound, role changed): sign in again
//   with wx.login and send the request once more. The API answers 401 before any view runs, so that
//   resend cannot repeat a write;
// - a lost connection or a 502/503/504 is retried once, and only for idempotent calls: a POST, or a PUT
//   the API does not treat as idempotent (pass `idempotent: false`), may already have happened. A POST
//   carrying an Idempotency-Key (`header`) is safe to resend (pass `idempotent: true`): the API answers
//   the first result again;
// - every error shows the API's Chinese `message` (and the first field error) in a toast, unless the
//   caller shows it on the screen itself (`quiet`), and rejects with an ApiError.
const config = require('../config');
const session = require('./session');

const IDEMPOTENT_METHODS = ['GET', 'HEAD', 'PUT', 'DELETE'];
const TRANSIENT_STATUS = [502, 503, 504];
const RETRY_DELAY_MS = 800;
const TIMEOUT_MS = 15000;
// A photo from an older phone's camera over a weak network takes longer than a JSON call.
const UPLOAD_TIMEOUT_MS = 60000;
const NETWORK_MESSAGE = '网络连接不稳定，请稍后再试。';

class ApiError extends Error {
  /**
   * @param {number} status 0 when the request never got an answer
   * @param {string} message Chinese, shown to the user as is
   * @param {string} [code]
   * @param {Record<string, any>} [errors]
   */
  constructor(status, message, code, errors) {
    super(message);
    this.status = status;
    this.code = code || '';
    this.errors = errors || null;
    this.shown = false; // the toast went up once; an error passed on upward is not shown again
  }
}

/**
 * @typedef {object} CallOptions
 * @property {Record<string, any>} [data] JSON body (or the query for GET)
 * @property {boolean} [anonymous] send no token and never sign in (the sign-in calls themselves)
 * @property {boolean} [idempotent] defaults to true for GET/HEAD/PUT/DELETE
 * @property {boolean} [quiet] do not show the error toast (the page shows it itself)
 * @property {Record<string, string>} [header] more request headers (e.g. Idempotency-Key)
 */

/**
 * @typedef {{data: any, statusCode: number, header: Record<string, string>}} Answer
 */

/** @param {string} method @param {string} path @param {CallOptions} [options] @returns {Promise<Answer>} */
async function call(method, path, options = {}) {
  const idempotent = options.idempotent === undefined ? IDEMPOTENT_METHODS.includes(method) : options.idempotent;
  try {
    let token = options.anonymous ? '' : await accessToken();
    let answer = await sendWithRetry(method, path, options.data, token, idempotent, options.header);
    if (answer.statusCode === 401 && !options.anonymous) {
      token = (await signIn()).access_token;
      answer = await sendWithRetry(method, path, options.data, token, idempotent, options.header);
    }
    if (answer.statusCode >= 400) throw errorFrom(answer);
    return answer;
  } catch (error) {
    throw fail(error, options.quiet);
  }
}

/** @param {string} path @param {Record<string, any>} [query] @param {CallOptions} [options] */
function get(path, query, options) {
  return call('GET', path, Object.assign({}, options, { data: query })).then((answer) => answer.data);
}

/** @param {string} path @param {Record<string, any>} [body] @param {CallOptions} [options] */
function post(path, body, options) {
  return call('POST', path, Object.assign({}, options, { data: body })).then((answer) => answer.data);
}

/** @param {string} path @param {Record<string, any>} [body] @param {CallOptions} [options] */
function put(path, body, options) {
  return call('PUT', path, Object.assign({}, options, { data: body })).then((answer) => answer.data);
}

/**
 * A list page: the items and the X-Pagination header the API sends beside them.
 * @param {string} path
 * @param {number} page
 * @param {number} pageSize
 * @param {Record<string, string | number | boolean>} [filters] more query arguments (e.g. {kind}; one value each)
 * @param {CallOptions} [options] e.g. {anonymous: true} for the public directory
 * @returns {Promise<{items: any[], hasMore: boolean}>}
 */
async function page(path, page, pageSize, filters, options) {
  const data = { ...filters, page, page_size: pageSize };
  const answer = await call('GET', path, Object.assign({ quiet: true }, options, { data }));
  const raw = headerValue(answer.header, 'X-Pagination');
  const pagination = raw ? JSON.parse(raw) : {};
  const items = Array.isArray(answer.data) ? answer.data : [];
  return { items, hasMore: pagination.next_page !== undefined && pagination.next_page !== null };
}

/**
 * A file from the phone (a photo picked with wx.chooseMedia) to POST /files, as multipart with wx.uploadFile.
 * Not retried: each upload stores a new file. A 401 signs in again and sends it once more (the API answers
 * 401 before storing anything).
 * @param {string} filePath the temporary path WeChat handed the page
 * @param {CallOptions} [options]
 * @returns {Promise<any>} the stored file ({id, filename, size, ...})
 */
async function upload(filePath, options = {}) {
  try {
    let answer = await sendFile(filePath, await accessToken());
    if (answer.statusCode === 401) answer = await sendFile(filePath, (await signIn()).access_token);
    if (answer.statusCode >= 400) throw errorFrom(answer);
    return answer.data;
  } catch (error) {
    throw fail(error, options.quiet);
  }
}

/**
 * A file the API serves only to its owner (e.g. my 述职 draft): downloaded with the session's token, then
 * opened with wx.openDocument. A 401 signs in again and downloads once more.
 * @param {string} path e.g. '/records/me/report-backs/3/document'
 * @returns {Promise<string>} the temporary file path
 */
async function download(path) {
  /** @param {string} token @returns {Promise<{tempFilePath: string, statusCode: number}>} */
  const fetchWith = (token) =>
    new Promise((resolve, reject) => {
      wx.downloadFile({
        url: config.apiBase + path,
        header: { Authorization: 'Bearer ' + token },
        timeout: UPLOAD_TIMEOUT_MS,
        success: (res) => resolve(res),
        fail: () => reject(new ApiError(0, NETWORK_MESSAGE)),
      });
    });
  try {
    let answer = await fetchWith(await accessToken());
    if (answer.statusCode === 401) answer = await fetchWith((await signIn()).access_token);
    if (answer.statusCode >= 400) throw new ApiError(answer.statusCode, '文件下载失败，请稍后再试。');
    return answer.tempFilePath;
  } catch (error) {
    throw fail(error, false);
  }
}

/** @param {string} filePath @param {string} token @returns {Promise<Answer>} */
function sendFile(filePath, token) {
  return new Promise((resolve, reject) => {
    wx.uploadFile({
      url: config.apiBase + '/files',
      filePath,
      name: 'file',
      header: { Authorization: 'Bearer ' + token },
      timeout: UPLOAD_TIMEOUT_MS,
      success: (res) => {
        // uploadFile hands the body over as text, whatever its type.
        let data = res.data;
        try {
          data = JSON.parse(res.data);
        } catch (error) {
          // not JSON: a proxy's error page; errorFrom shows the generic message
        }
        resolve({ data, statusCode: res.statusCode, header: {} });
      },
      fail: () => reject(new ApiError(0, '网络连接不稳定，照片上传失败。')),
    });
  });
}

// --- tokens ---

/** @type {Promise<import('./session').Session> | null} */
let pendingSignIn = null;
/** @type {Promise<import('./session').Session> | null} */
let pendingRefresh = null;

async function accessToken() {
  const current = session.load();
  if (!current) return (await signIn()).access_token;
  if (!session.expiring(current)) return current.access_token;
  return (await refresh(current.refresh_token)).access_token;
}

/** Rotate the pair; one refresh at a time, because each refresh token works only once. */
function refresh(refreshToken) {
  if (!pendingRefresh) {
    pendingRefresh = sendWithRetry('POST', '/auth/refresh', { refresh_token: refreshToken }, '', false)
      .then((answer) => (answer.statusCode === 200 ? session.save(answer.data) : signIn()))
      .finally(() => {
        pendingRefresh = null;
      });
  }
  return pendingRefresh;
}

/** Sign in with wx.login; an unbound WeChat user comes back as a constituent and binds on the sign-in page. */
function signIn() {
  if (!pendingSignIn) {
    pendingSignIn = loginCode()
      .then((code) => sendWithRetry('POST', '/auth/wechat/login', { code }, '', false))
      .then((answer) => {
        if (answer.statusCode !== 200) {
          session.clear();
          throw errorFrom(answer);
        }
        return session.save(answer.data);
      })
      .finally(() => {
        pendingSignIn = null;
      });
  }
  return pendingSignIn;
}

/** @returns {Promise<string>} */
function loginCode() {
  if (config.devStandin && wx.getDeviceInfo().platform === 'devtools') return standinCode();
  return new Promise((resolve, reject) => {
    wx.login({
      success: (result) => resolve(result.code),
      fail: () => reject(new ApiError(0, '微信登录失败，请稍后再试。')),
    });
  });
}

/** DevTools only: a code from the local stand-in, for a fixed developer openid. */
function standinCode() {
  return new Promise((resolve, reject) => {
    wx.request({
      url: config.devStandin + '/_standin/login_code',
      method: 'POST',
      data: { openid: 'devtools-openid' },
      success: (res) => resolve(/** @type {any} */ (res.data).code),
      fail: () => reject(new ApiError(0, '本地微信模拟服务未启动（make run）。')),
    });
  });
}

// --- transport ---

/**
 * @param {string} method @param {string} path @param {any} data @param {string} token @param {boolean} idempotent
 * @param {Record<string, string>} [extraHeader]
 * @returns {Promise<Answer>}
 */
async function sendWithRetry(method, path, data, token, idempotent, extraHeader) {
  try {
    const answer = await send(method, path, data, token, extraHeader);
    if (!idempotent || !TRANSIENT_STATUS.includes(answer.statusCode)) return answer;
  } catch (error) {
    if (!idempotent) throw error;
  }
  await new Promise((resolve) => setTimeout(resolve, RETRY_DELAY_MS));
  return send(method, path, data, token, extraHeader);
}

/** @param {Record<string, string>} [extraHeader] @returns {Promise<Answer>} */
function send(method, path, data, token, extraHeader) {
  /** @type {Record<string, string>} */
  const header = Object.assign({ 'content-type': 'application/json' }, extraHeader);
  if (token) header.Authorization = 'Bearer ' + token;
  return new Promise((resolve, reject) => {
    wx.request({
      url: config.apiBase + path,
      method: /** @type {any} */ (method),
      data,
      header,
      timeout: TIMEOUT_MS,
      success: (res) => resolve({ data: res.data, statusCode: res.statusCode, header: res.header || {} }),
      fail: () => reject(new ApiError(0, NETWORK_MESSAGE)),
    });
  });
}

/** @param {Answer} answer */
function errorFrom(answer) {
  const body = answer.data && typeof answer.data === 'object' ? answer.data : {};
  const base = body.message || (answer.statusCode >= 500 ? '服务暂时不可用，请稍后再试。' : '请求失败。');
  const detail = firstFieldError(body.errors);
  const message = detail && !base.includes(detail) ? base + detail : base;
  return new ApiError(answer.statusCode, message, body.code, body.errors);
}

/** @param {any} errors */
function firstFieldError(errors) {
  if (!errors || typeof errors !== 'object') return '';
  for (const key of Object.keys(errors)) {
    const value = errors[key];
    if (Array.isArray(value) && typeof value[0] === 'string') return value[0];
    if (typeof value === 'string') return value;
    const nested = firstFieldError(value);
    if (nested) return nested;
  }
  return '';
}

/** @param {any} error @param {boolean | undefined} quiet */
function fail(error, quiet) {
  const apiError = error instanceof ApiError ? error : new ApiError(0, NETWORK_MESSAGE);
  if (!quiet && !apiError.shown) {
    apiError.shown = true;
    wx.showToast({ title: apiError.message, icon: 'none', duration: 3000 });
  }
  return apiError;
}

/** @param {Record<string, string>} header @param {string} name */
function headerValue(header, name) {
  const wanted = name.toLowerCase();
  const key = Object.keys(header).find((k) => k.toLowerCase() === wanted);
  return key ? header[key] : '';
}

module.exports = { call, get, post, put, page, upload, download, signIn, ApiError, origin: config.origin };

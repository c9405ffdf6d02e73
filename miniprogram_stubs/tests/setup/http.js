// Plain HTTP over Node's http module, one connection per request so the bytes each one puts on the
// wire (request and answer, headers included) can be read off its socket.
const http = require('http');

/**
 * @param {string} method @param {string} url
 * @param {{body?: Buffer | string, headers?: Record<string, string>, timeout?: number}} [options]
 * @returns {Promise<{status: number, headers: Record<string, any>, body: Buffer, sent: number, received: number}>}
 */
function request(method, url, options = {}) {
  return new Promise((resolve, reject) => {
    const headers = Object.assign({}, options.headers);
    if (options.body !== undefined) headers['content-length'] = String(Buffer.byteLength(options.body));
    const req = http.request(url, { method, headers, agent: false, timeout: options.timeout || 20000 });
    let socket = null;
    req.on('socket', (s) => {
      socket = s;
    });
    req.on('timeout', () => req.destroy(new Error(`timeout: ${method} ${url}`)));
    req.on('error', reject);
    req.on('response', (res) => {
      const chunks = [];
      res.on('data', (chunk) => chunks.push(chunk));
      res.on('end', () => {
        const done = () =>
          resolve({
            status: res.statusCode || 0,
            headers: res.headers,
            body: Buffer.concat(chunks),
            sent: socket ? socket.bytesWritten : 0,
            received: socket ? socket.bytesRead : 0,
          });
        // The counters are final once the connection is closed (each request has its own).
        if (!socket || socket.destroyed) done();
        else socket.once('close', done);
      });
    });
    if (options.body !== undefined) req.write(options.body);
    req.end();
  });
}

/** JSON in, JSON out; throws on an error status (for the staff-side seeding, not for the app). */
async function json(method, url, body, token) {
  const headers = { accept: 'application/json' };
  if (body !== null && body !== undefined) headers['content-type'] = 'application/json';
  if (token) headers.authorization = 'Bearer ' + token;
  const answer = await request(method, url, {
    headers,
    body: body === null || body === undefined ? undefined : JSON.stringify(body),
  });
  const text = answer.body.toString('utf8');
  if (answer.status >= 400) throw new Error(`${method} ${url} -> ${answer.status}: ${text}`);
  return text ? JSON.parse(text) : null;
}

async function upload(url, filename, contentType, content, token) {
  const boundary = 'dhmp' + Date.now();
  const body = Buffer.concat([
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\n` +
        `Content-Type: ${contentType}\r\n\r\n`
    ),
    content,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  const answer = await request('POST', url, {
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, authorization: 'Bearer ' + token },
    body,
  });
  if (answer.status >= 400) throw new Error(`upload -> ${answer.status}: ${answer.body}`);
  return JSON.parse(answer.body.toString('utf8'));
}

module.exports = { request, json, upload };

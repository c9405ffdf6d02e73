// Stops the server started by global-setup.js and prints the screen -> calls -> bytes table.
const fs = require('fs');
const path = require('path');
const { table } = require('./wire-table');

module.exports = async function globalTeardown() {
  const server = globalThis.__DEPUTYHUB_SERVER__;
  const contextFile = process.env.MINI_JOURNEYS;
  if (server && server.exitCode === null) {
    const exited = new Promise((resolve) => server.once('exit', resolve));
    // SIGINT, not SIGTERM: `serve` then stops the stand-in and the embedded Redis on its way out.
    server.kill('SIGINT');
    const timer = setTimeout(() => server.exitCode === null && server.kill('SIGKILL'), 10000);
    await exited;
    clearTimeout(timer);
  }
  if (!contextFile) return;
  const instance = path.dirname(contextFile);
  // The embedded Redis is shared by every process of an instance and outlives them by design: stop it.
  await stopEmbeddedRedis(path.join(instance, 'redis', 'redis.pid'));
  const wire = path.join(instance, 'wire.jsonl');
  if (fs.existsSync(wire)) {
    const lines = fs.readFileSync(wire, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
    if (lines.length) {
      const text = table(lines);
      process.stdout.write('\n' + text + '\n');
      if (process.env.WIRE_REPORT) fs.writeFileSync(process.env.WIRE_REPORT, text + '\n');
    }
  }
  if (!process.env.KEEP_INSTANCE) fs.rmSync(instance, { recursive: true, force: true });
};

async function stopEmbeddedRedis(pidFile) {
  if (!fs.existsSync(pidFile)) return;
  const pid = Number(fs.readFileSync(pidFile, 'utf8').trim());
  if (!pid) return;
  try {
    process.kill(pid, 'SIGTERM');
  } catch (error) {
    return; // already gone
  }
  for (let waited = 0; waited < 5000; waited += 100) {
    try {
      process.kill(pid, 0);
    } catch (error) {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  process.kill(pid, 'SIGKILL'); // it refuses SIGTERM when it cannot save; the folder goes next anyway
}

// Display helpers: dates in Beijing time whatever the phone's zone, sizes in plain units.
const BEIJING_OFFSET_MS = 8 * 3600 * 1000;

function pad(n) {
  return n < 10 ? '0' + n : String(n);
}

/** @param {string | null | undefined} iso */
function dateTime(iso) {
  if (!iso) return '';
  const t = new Date(new Date(iso).getTime() + BEIJING_OFFSET_MS);
  return `${t.getUTCFullYear()}-${pad(t.getUTCMonth() + 1)}-${pad(t.getUTCDate())} ${pad(t.getUTCHours())}:${pad(
    t.getUTCMinutes()
  )}`;
}

/** @param {string | null | undefined} iso */
function date(iso) {
  return dateTime(iso).slice(0, 10);
}

/** @param {number} bytes */
function size(bytes) {
  if (bytes < 1024) return bytes + ' B';
  if (bytes < 1024 * 1024) return (bytes / 1024).toFixed(1) + ' KB';
  return (bytes / 1024 / 1024).toFixed(1) + ' MB';
}

module.exports = { dateTime, date, size };

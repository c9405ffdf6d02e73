#!/usr/bin/env bash
# The mini-program's checks (tsc --noEmit with checkJs, ESLint, WXML lint) and its journeys (jest +
# miniprogram-simulate against a live deputyhub started on the embedded defaults).
#
#   miniprogram_stubs/run-tests.sh            CI: npm is required; a missing npm fails the run
#   miniprogram_stubs/run-tests.sh --if-npm   make test: without npm, say so plainly and skip
#
# Needs the repository's .venv (make install): the journeys start its `deputyhub serve`.
set -euo pipefail
cd "$(dirname "$0")"

if ! command -v npm >/dev/null 2>&1 || ! command -v node >/dev/null 2>&1; then
  if [ "${1:-}" = "--if-npm" ]; then
    echo "SKIPPED: mini-program checks and journeys (node/npm not installed; .ci/run runs them)"
    exit 0
  fi
  echo "mini-program: node and npm are required (install Node.js 18+)" >&2
  exit 1
fi

if [ ! -x ../.venv/bin/deputyhub ] && [ -z "${DEPUTYHUB_BIN:-}" ]; then
  echo "mini-program: ../.venv/bin/deputyhub is missing; run \`make install\` first" >&2
  exit 1
fi

# Install exactly what the lock says, when node_modules is missing or older than the lock.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "== mini-program: npm ci =="
  npm ci --no-audit --no-fund --loglevel=error
fi

# The static checks run beside the journeys (whose start-up is mostly the server's): their output follows.
checks_log="$(mktemp)"
results="$(mktemp)"
trap 'rm -f "$results" "$checks_log"' EXIT
(
  set -e
  echo "== mini-program: tsc --noEmit (checkJs, miniprogram-api-typings) =="
  npx --no-install tsc --noEmit -p jsconfig.json
  echo "== mini-program: eslint =="
  npx --no-install eslint .
  echo "== mini-program: wxml lint =="
  node tests/wxml-lint.js
) >"$checks_log" 2>&1 &
checks=$!
echo "== mini-program: journeys against a live server =="
status=0
npx --no-install jest --runInBand --ci --json --outputFile="$results" || status=$?
# One plain closing line, the same shape as pytest's, for whoever reads the end of the log.
node -e 'const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")); console.log(`journeys: ${r.numPassedTests} passed, ${r.numFailedTests} failed`)' "$results" || true
wait "$checks" || { status=$?; echo "mini-program: the static checks failed (below)"; }
cat "$checks_log"
exit "$status"

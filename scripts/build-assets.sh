#!/usr/bin/env bash
# Build the browser bundles into app/static/build/ with esbuild: editor.js (CodeMirror 6 +
# languages), math.js + math.css (KaTeX, its fonts copied into fonts/).
# Installs the exact versions from package-lock.json (npm ci) when node_modules is stale.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v npm >/dev/null; then
  echo "build-assets: npm (Node.js 18+) is needed to build app/static/build/" >&2
  exit 1
fi
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
npm run --silent build

#!/usr/bin/env bash
# Sets up and runs every test: the README's test command, and what .ci/run calls.
set -euo pipefail
cd "$(dirname "$0")/.."
echo "== node $(node --version), npm $(npm --version)"
npm ci --no-audit --no-fund
npm test

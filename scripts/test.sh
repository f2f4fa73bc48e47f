#!/usr/bin/env bash
# Sets up and runs every test: the README's test command, and what .ci/run execs.
# Fresh Debian 12 machine, root, Node 20, npm 11, no internet except the npm registry and Debian apt:
#   1. apt: chromium (the UI tests' browser), libkrb5-dev (code-server's kerberos addon), ripgrep (stands in for
#      the rg binary code-server would download from GitHub), python3-numpy when python3 has no NumPy -- only
#      those missing, after apt-get update; waits (and says so) while another apt/dpkg holds the lock
#      (scripts/apt-install.sh; checked by scripts/check-apt-lock.sh); apt's output goes to .vscode-test/logs/apt.log;
#   2. npm ci;
#   3. code-server 4.100.3 into tools/code-server, or $CS_DIR (skipped when it already works):
#      node scripts/vscode-harness.mjs setup;
#   4. npm test: build, typecheck, lint, unit, extension-host and UI tests (scripts/run-tests.mjs).
# The last line of output is `N passed, N failed` over all stages; the exit code is non-zero on any failure.
set -uo pipefail
cd "$(dirname "$0")/.."
mkdir -p .vscode-test/logs
setup_failed=()
say() { echo "=== setup: $*"; }

node_major=$(node -p 'process.versions.node.split(".")[0]')
say "node $(node --version), npm $(npm --version)"
if [ "$node_major" != 20 ]; then
  # code-server 4.100.3 (VS Code 1.100.3) installs only on Node 20; 4.103+ needs Node 22.
  say "Node 20 is required for the pinned code-server; the VS Code stages will fail"
  setup_failed+=(node-20)
fi

missing=()
for pkg in chromium libkrb5-dev ripgrep; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
# The NumPy code generator's tests run the code they generate with the python3 on PATH; Debian's NumPy will do.
python3 -c 'import numpy' >/dev/null 2>&1 || missing+=(python3-numpy)
if [ ${#missing[@]} -gt 0 ]; then
  say "apt-get install ${missing[*]} (output: .vscode-test/logs/apt.log)"
  # shellcheck source=scripts/apt-install.sh
  . scripts/apt-install.sh
  : >.vscode-test/logs/apt.log
  if ! apt_install .vscode-test/logs/apt.log "${missing[@]}"; then
    tail -20 .vscode-test/logs/apt.log
    setup_failed+=(apt)
  fi
else
  say "apt packages present (chromium libkrb5-dev ripgrep; python3 has NumPy)"
fi

say "npm ci"
if ! npm ci --no-audit --no-fund; then
  echo "npm ci failed: nothing can be built or tested"
  echo "0 passed, $(( ${#setup_failed[@]} + 1 )) failed"
  exit 1
fi

say "code-server"
node scripts/vscode-harness.mjs setup || setup_failed+=(code-server)

GATE_LENS_SETUP_FAILED="${setup_failed[*]}" npm test --silent

#!/usr/bin/env bash
# Scripted check for scripts/test.sh's apt step on a shared machine: while another process holds the dpkg lock,
# apt_install says it waits and then succeeds once the lock is released.
#   default: static check that every apt-get in scripts/apt-install.sh carries DPkg::Lock::Timeout (safe anywhere);
#   --live (root, Debian): holds /var/lib/dpkg/lock-frontend for a few seconds with an fcntl lock, as apt does, and
#   re-installs an already installed package through apt_install (apt-get update needs the Debian mirror).
set -uo pipefail
cd "$(dirname "$0")/.."
fail() { echo "check-apt-lock: FAIL: $*"; exit 1; }

calls=$(grep -o 'apt-get "\${wait\[@\]}"' scripts/apt-install.sh | wc -l)
[ "$calls" -ge 2 ] || fail "apt-get update and install must both pass DPkg::Lock::Timeout (found $calls)"
grep -q 'DPkg::Lock::Timeout=\${APT_LOCK_TIMEOUT}' scripts/apt-install.sh || fail "no DPkg::Lock::Timeout option"
grep -q '^  \. scripts/apt-install.sh' scripts/test.sh || fail "scripts/test.sh does not use scripts/apt-install.sh"
! grep -nE '^[^#]*apt-get (update|install)' scripts/test.sh | grep -v 'say "' || fail "scripts/test.sh calls apt-get directly (without the lock timeout)"
echo "check-apt-lock: static: every apt-get waits for the dpkg lock"

[ "${1:-}" = --live ] || exit 0
[ "$(id -u)" = 0 ] && command -v apt-get >/dev/null || fail "--live needs root and apt-get"
pkg=${CHECK_APT_PACKAGE:-ripgrep}
dpkg -s "$pkg" >/dev/null 2>&1 || fail "--live re-installs an installed package; $pkg is not installed"
hold=4
python3 - "$hold" <<'PY' &
import fcntl, os, sys, time
fd = os.open('/var/lib/dpkg/lock-frontend', os.O_RDWR | os.O_CREAT, 0o640)
fcntl.lockf(fd, fcntl.LOCK_EX)
print('check-apt-lock: holding /var/lib/dpkg/lock-frontend', flush=True)
time.sleep(float(sys.argv[1]))
PY
holder=$!
sleep 1
# shellcheck source=scripts/apt-install.sh
. scripts/apt-install.sh
log=$(mktemp)
start=$(date +%s)
out=$(APT_LOCK_TIMEOUT=120 apt_install "$log" "$pkg"; echo "rc=$?")
end=$(date +%s)
wait "$holder"
echo "$out"
grep -q 'waiting for it' <<<"$out" || fail "apt_install did not say it waits for the lock"
grep -q 'rc=0' <<<"$out" || { tail -20 "$log"; fail "apt_install failed while the lock was held"; }
echo "check-apt-lock: live: waited for the held lock and installed ($((end - start)) s, lock held ${hold} s; apt output in $log)"

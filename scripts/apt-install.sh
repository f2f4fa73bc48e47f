#!/usr/bin/env bash
# apt_install LOG PKG...: apt-get update + install of the given Debian packages, all apt output into LOG.
# Sourced by scripts/test.sh (and run by scripts/check-apt-lock.sh). On a shared machine another apt or dpkg may hold
# the dpkg lock (unattended-upgrades, a second setup): we say so and wait for it instead of failing at once.
APT_LOCK_TIMEOUT=${APT_LOCK_TIMEOUT:-600}
APT_LOCKS=(/var/lib/dpkg/lock-frontend /var/lib/dpkg/lock /var/lib/apt/lists/lock)

# Prints the first lock another process holds (apt and dpkg take fcntl locks, so that is what we probe), or nothing.
held_apt_lock() {
  python3 - "${APT_LOCKS[@]}" <<'PY' 2>/dev/null
import fcntl, os, sys
for path in sys.argv[1:]:
    try:
        fd = os.open(path, os.O_RDWR)
    except OSError:
        continue
    try:
        fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        fcntl.lockf(fd, fcntl.LOCK_UN)
    except OSError:
        print(path)
        break
    finally:
        os.close(fd)
PY
}

apt_install() {
  local log=$1; shift
  local held
  held=$(held_apt_lock)
  if [ -n "$held" ]; then
    echo "=== setup: another apt/dpkg process holds $held; waiting for it (up to ${APT_LOCK_TIMEOUT} s, apt-get -o DPkg::Lock::Timeout=${APT_LOCK_TIMEOUT})"
  fi
  # DPkg::Lock::Timeout makes apt-get wait for the dpkg lock (apt >= 1.9.11; Debian 12 has 2.6) instead of failing.
  local wait=(-o "DPkg::Lock::Timeout=${APT_LOCK_TIMEOUT}")
  { apt-get "${wait[@]}" update -qq && DEBIAN_FRONTEND=noninteractive apt-get "${wait[@]}" install -y -qq "$@"; } >>"$log" 2>&1
}

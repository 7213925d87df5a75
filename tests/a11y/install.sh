#!/usr/bin/env bash
# Install what the accessibility check (tests/test_accessibility.py) needs, quietly and only
# when it is missing: Debian's chromium (plus a font) and the pinned npm packages of this
# folder (axe-core, puppeteer-core; exact versions in package-lock.json).
#
#   bash tests/a11y/install.sh        # idempotent; `make test` calls it
#
# Chromium comes from Debian, never from npm: puppeteer-core downloads no browser.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"

if [ ! -x /usr/bin/chromium ]; then
    if [ "$(id -u)" -ne 0 ]; then
        sudo=sudo
        command -v sudo >/dev/null || { echo "error: /usr/bin/chromium is missing; install it as root: apt-get install chromium fonts-dejavu-core" >&2; exit 2; }
    else
        sudo=
    fi
    echo "a11y: installing chromium from Debian (once)"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
fi

command -v npm >/dev/null || { echo "error: npm is missing; install Node.js 18 or newer (Debian: apt-get install nodejs npm)" >&2; exit 2; }
# Reinstall when node_modules is missing or older than the lock.
if [ ! -d "$here/node_modules" ] || [ "$here/package-lock.json" -nt "$here/node_modules" ]; then
    echo "a11y: npm ci in tests/a11y"
    (cd "$here" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
    touch "$here/node_modules"
fi

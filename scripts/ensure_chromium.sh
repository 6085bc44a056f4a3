#!/usr/bin/env bash
# Make sure Debian's chromium is installed for the browser test of the HTML report.
# As root it installs the package; otherwise it says how (the test then skips with that reason).
set -euo pipefail
[ -x /usr/bin/chromium ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "installing Debian's chromium for the report's browser test"
    apt-get update -qq >/dev/null 2>&1 || true
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
else
    echo "note: /usr/bin/chromium is missing; the browser test will skip (sudo apt-get install chromium)" >&2
fi

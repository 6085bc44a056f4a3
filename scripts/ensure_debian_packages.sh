#!/usr/bin/env bash
# Make sure the Debian packages the tests drive are installed: chromium (the browser tests of the
# report and dashboard, and the PDF report), postgresql (the PostgreSQL event store) and mosquitto (the
# MQTT broker live publishes to), each started on loopback by the tests, and LibreOffice Calc (prints the
# Excel workbook to PDF, as an office would, to check its page setup).
# As root it installs what is missing; otherwise it says how (those tests then skip with that reason).
set -euo pipefail
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
compgen -G "/usr/lib/postgresql/*/bin/pg_ctl" >/dev/null || missing+=(postgresql)
[ -x /usr/sbin/mosquitto ] || missing+=(mosquitto)
[ -x /usr/bin/soffice ] || missing+=(libreoffice-calc-nogui)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "installing Debian's ${missing[*]} for the tests"
    apt-get update -qq >/dev/null 2>&1 || true
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
    echo "note: ${missing[*]} missing; those tests will skip (sudo apt-get install ${missing[*]})" >&2
fi

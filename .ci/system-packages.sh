#!/usr/bin/env bash
# Debian packages the tests need: Chromium for Playwright, WeasyPrint's libraries,
# gettext for translations, poppler for looking at PDFs, redis-server for the fault tests'
# own Redis, PostgreSQL 15's client (pg_dump/pg_restore, as new as the server) for the
# backup test. Installs only what is missing.
set -euo pipefail
packages=(chromium libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0
          libfontconfig1 fonts-dejavu-core gettext poppler-utils redis-server
          postgresql-client-15)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" \
    || missing+=("$package")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
echo "Installing Debian packages: ${missing[*]}"
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -q
$sudo apt-get install -y -q --no-install-recommends "${missing[@]}"

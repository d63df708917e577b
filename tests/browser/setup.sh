#!/usr/bin/env bash
# Installs what tests/browser/map_page_test.py needs on a fresh Debian machine:
#   - Debian's chromium and chromium-driver (/usr/bin/chromium, /usr/bin/chromedriver);
#     seen working: 156.0.8078.79-1~deb12u1 (Debian's security updates move this);
#   - Python selenium, pinned below; it is pointed at /usr/bin/chromedriver, so it
#     downloads no driver or browser of its own.
# Idempotent, and quiet when everything is already there.
set -euo pipefail

SELENIUM_VERSION=4.27.1

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then
  echo "setup.sh: installing chromium and chromium-driver from Debian" >&2
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
fi

if ! python3 -c "import sys, selenium; sys.exit(selenium.__version__ != '$SELENIUM_VERSION')" 2>/dev/null; then
  echo "setup.sh: installing selenium==$SELENIUM_VERSION from PyPI" >&2
  python3 -m pip install --quiet --disable-pip-version-check --root-user-action=ignore \
    "selenium==$SELENIUM_VERSION"
fi

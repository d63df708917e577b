#!/usr/bin/env bash
# Set up (if needed) and run the map page browser test; arguments go to
# map_page_test.py (--url URL, --file PATH; none = self-test on web/sample.geojson).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
"$here/setup.sh"
exec python3 "$here/map_page_test.py" "$@"

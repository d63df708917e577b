#!/usr/bin/env bash
# Set up (if needed) and run the map page browser test; arguments go to
# map_page_test.py (--url URL, --file PATH; none = self-test on web/sample.geojson).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
"$here/setup.sh"
[ $# -gt 0 ] || python3 "$here/multilingual_test.py"  # Arabic and Chinese texts (issue #18)
exec python3 "$here/map_page_test.py" "$@"

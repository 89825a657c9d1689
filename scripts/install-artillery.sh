#!/usr/bin/env bash
# Installs the Artillery CLI into a cache folder, for the tests that run
# `load.engine: "artillery"` end to end. Idempotent: a finished install is
# recognised by its marker file and nothing is done again. Prints the path of
# the `artillery` executable on its last line.
#
#   HOTPATH_ARTILLERY_DIR  where to install
#                          (default: $HOME/.cache/hotpath/artillery-2.0.34)
#
# Why not a devDependency: Artillery with its dependencies is about 590 MB of
# node_modules (its Playwright engine, AWS and Azure SDKs for distributed runs),
# far more than the rest of the project's toolchain together. Users who pick the
# artillery engine install it themselves (`npm install -D artillery` in their
# service's workspace, or globally); Hotpath finds it in the workspace's
# node_modules/.bin or on PATH.
#
# PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1: without it the install fails, because
# Artillery's Playwright engine downloads a browser in its install script.
set -euo pipefail

VERSION=2.0.34
DIR="${HOTPATH_ARTILLERY_DIR:-$HOME/.cache/hotpath/artillery-$VERSION}"
MARKER="$DIR/.hotpath-install-complete"
BIN="$DIR/node_modules/.bin/artillery"

fail() {
  echo "install-artillery: ERROR: $*" >&2
  exit 1
}

if [[ -f "$MARKER" && -x "$BIN" ]]; then
  echo "artillery $VERSION already installed at $DIR" >&2
  echo "$BIN"
  exit 0
fi

command -v npm >/dev/null 2>&1 || fail "npm is not on PATH"
started=$SECONDS
echo "install-artillery: installing artillery $VERSION into $DIR (about 590 MB, a few minutes)" >&2

# A folder without the marker is a half-finished install: start it again.
mkdir -p "$DIR"
rm -rf "$DIR/node_modules" "$DIR/package.json" "$DIR/package-lock.json"
echo '{ "name": "hotpath-artillery-cache", "private": true }' > "$DIR/package.json"

PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 ARTILLERY_DISABLE_TELEMETRY=true \
  npm install --prefix "$DIR" "artillery@$VERSION" --no-audit --no-fund --loglevel=error >&2

[[ -x "$BIN" ]] || fail "$BIN was not created"
reported="$(ARTILLERY_DISABLE_TELEMETRY=true "$BIN" version 2>&1 || true)"
grep -q "$VERSION" <<<"$reported" || fail "$BIN version reports '$reported', expected $VERSION"

printf 'artillery %s\ninstalled %s\n' "$VERSION" "$(date -u +%FT%TZ)" > "$MARKER"
echo "artillery $VERSION installed at $DIR in $((SECONDS - started)) s ($(du -sh "$DIR" | cut -f1))" >&2
echo "$BIN"

#!/usr/bin/env bash
# Installs code-server 4.100.3 (VS Code 1.100 web client + Node extension host)
# from npm, for the integration tests that drive the real extension in a real
# VS Code. Idempotent: a finished install is recognised by its marker file and
# nothing is done again.
#
#   HOTPATH_VSCODE_DIR  where to install
#                       (default: $HOME/.cache/hotpath/code-server-4.100.3)
#
# This script installs no system packages. It needs, on Debian:
#   apt-get install -y chromium libkrb5-dev libxkbfile-dev libsecret-1-dev \
#                      ripgrep python3 make g++
# and Node 20 (code-server 4.100.x runs on Node 20; later releases need 22+).
#
# Why not a plain `npm install code-server`: its native modules need the -dev
# packages above; @vscode/ripgrep's install script downloads ripgrep from
# GitHub (we link Debian's rg instead, which makes that script skip the
# download); node-pty's script calls `npx node-gyp` and would stop at npx's
# prompt without npm_config_yes. So everything is installed with
# --ignore-scripts and rebuilt afterwards, doing by hand what code-server's own
# postinstall.sh would do.
set -euo pipefail

VERSION=4.100.3
DIR="${HOTPATH_VSCODE_DIR:-$HOME/.cache/hotpath/code-server-$VERSION}"
MARKER="$DIR/.hotpath-install-complete"

fail() {
  echo "install-vscode: ERROR: $*" >&2
  exit 1
}
trap 'echo "install-vscode: ERROR: command failed (exit $?) at line $LINENO: $BASH_COMMAND" >&2' ERR

if [[ -f "$MARKER" ]]; then
  echo "code-server $VERSION already installed at $DIR"
  exit 0
fi

node_major="$(node -p 'process.versions.node.split(".")[0]')" || fail "node is not on PATH"
[[ "$node_major" == 20 ]] || fail "code-server $VERSION needs Node 20, found $(node -v)"

missing=()
for tool in rg python3 make g++; do
  command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
for header in krb5.h X11/extensions/XKBfile.h libsecret-1/libsecret/secret.h; do
  [[ -e "/usr/include/$header" ]] || missing+=("/usr/include/$header")
done
if ((${#missing[@]})); then
  fail "missing prerequisites: ${missing[*]} (see the apt-get line at the top of this script)"
fi
RG="$(command -v rg)"

started=$SECONDS
echo "install-vscode: installing code-server $VERSION into $DIR"

# A folder without the marker is a half-finished install: start it again.
mkdir -p "$DIR"
rm -rf "$DIR/node_modules" "$DIR/package.json" "$DIR/package-lock.json"

npm_quiet=(--no-audit --no-fund --loglevel=error)

npm install --prefix "$DIR" "code-server@$VERSION" --ignore-scripts "${npm_quiet[@]}"

CS="$DIR/node_modules/code-server"
VSC="$CS/lib/vscode"
[[ -d "$VSC" ]] || fail "unexpected package layout: $VSC is missing"

(
  cd "$VSC"
  npm install --ignore-scripts --omit=dev "${npm_quiet[@]}"
  # @vscode/ripgrep's postinstall skips its GitHub download when bin/ exists.
  mkdir -p node_modules/@vscode/ripgrep/bin
  ln -sfn "$RG" node_modules/@vscode/ripgrep/bin/rg
  npm_config_yes=true npm rebuild "${npm_quiet[@]}"

  # The links code-server's postinstall.sh makes.
  ln -sfn node_modules node_modules.asar
  ln -sfn code-linux.sh bin/remote-cli/code-server
  ln -sfn browser-linux.sh bin/helpers/browser.sh

  cd extensions
  npm install --ignore-scripts --omit=dev "${npm_quiet[@]}"
)

npm rebuild --prefix "$DIR" argon2 "${npm_quiet[@]}"

BIN="$DIR/node_modules/.bin/code-server"
[[ -x "$BIN" ]] || fail "$BIN was not created"
# code-server writes a default config.yaml on any start: keep it out of $HOME.
scratch="$(mktemp -d)"
reported="$(XDG_CONFIG_HOME="$scratch" XDG_DATA_HOME="$scratch" "$BIN" --version 2>&1)" || {
  rm -rf "$scratch"
  fail "$BIN --version failed: $reported"
}
rm -rf "$scratch"
grep -q "^$VERSION " <<<"$reported" || fail "$BIN reports '$reported', expected $VERSION"

printf 'code-server %s\ninstalled %s\n' "$VERSION" "$(date -u +%FT%TZ)" > "$MARKER"
echo "code-server $VERSION installed at $DIR in $((SECONDS - started)) s"

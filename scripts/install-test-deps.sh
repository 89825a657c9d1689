#!/usr/bin/env bash
# Debian packages the tests need, installed once (idempotent; a second run
# checks with dpkg and does nothing):
#   chromium                                    the UI and report tests' browser
#   libkrb5-dev libxkbfile-dev libsecret-1-dev  headers the test VS Code's native modules build against
#   ripgrep                                     the test VS Code's search (its own download is not reachable)
#   python3 make g++                            native builds (better-sqlite3, code-server)
#   postgresql                                  query capture against a real PostgreSQL server
#   git                                         environment capture (commit of the run)
set -euo pipefail
packages=(chromium libkrb5-dev libxkbfile-dev libsecret-1-dev ripgrep python3 make g++ git postgresql)
missing=()
for p in "${packages[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ]; then
  echo "install-test-deps: missing Debian packages: ${missing[*]}" >&2
  echo "install-test-deps: install them with: sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
echo "install-test-deps: installing Debian packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null

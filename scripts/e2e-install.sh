#!/usr/bin/env bash
# Installs code-server (the VS Code workbench served to a browser) for `npm run test:e2e`, offline:
# see ../shared/notes/vscode-e2e.md. The install lives in a cache folder OUTSIDE the repo, keyed by
# version, so repeated runs skip it. Prints the code-server executable path on the last line.
# Needs (as root, once): apt-get install -y --no-install-recommends build-essential pkg-config python3
#   libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev ripgrep chromium git
set -euo pipefail

VERSION="${CODE_SERVER_VERSION:-4.100.3}"
CACHE="${VSML_E2E_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/vsml-lab-e2e}"
DIR="$CACHE/code-server-$VERSION"
BIN="$DIR/node_modules/.bin/code-server"

if [[ -x "$BIN" && -f "$DIR/.complete" ]]; then
  echo "$BIN"
  exit 0
fi

for tool in rg chromium; do
  command -v "$tool" >/dev/null || { echo "e2e-install: '$tool' is missing; apt-get install ripgrep chromium (see header)" >&2; exit 1; }
done

rm -rf "$DIR"
mkdir -p "$DIR/tmp"
# @vscode/ripgrep's postinstall downloads from GitHub unless its cache folder already holds the
# tarball; Debian's rg is the same 13.0.0, so we put it there under the expected name.
RG_CACHE="$DIR/tmp/vscode-ripgrep-cache-1.15.11"
mkdir -p "$RG_CACHE/rgpkg"
cp "$(command -v rg)" "$RG_CACHE/rgpkg/rg"
tar -C "$RG_CACHE/rgpkg" -czf "$RG_CACHE/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz" rg
rm -rf "$RG_CACHE/rgpkg"

cd "$DIR"
echo '{ "name": "vsml-e2e-code-server", "private": true }' > package.json
# unsafe_perm: code-server's postinstall refuses root without it; yes: node-pty runs `npx node-gyp`.
TMPDIR="$DIR/tmp" npm_config_unsafe_perm=true npm_config_yes=true \
  npm install --no-audit --no-fund --loglevel=error "code-server@$VERSION" >&2
[[ -x "$BIN" ]] || { echo "e2e-install: $BIN missing after npm install" >&2; exit 1; }
touch "$DIR/.complete"
echo "$BIN"

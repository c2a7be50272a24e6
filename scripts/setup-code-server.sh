#!/usr/bin/env bash
# Installs code-server (VS Code for the web) into .vscode-test/code-server for the real-editor
# tests in test/e2e, following shared/notes/real-vscode-e2e.md: ripgrep and chromium come from
# Debian (nothing is downloaded from GitHub), npm installs run with --ignore-scripts and the few
# native modules are rebuilt by name. Idempotent: a marker file makes a second run a no-op.
set -euo pipefail

version=4.100.3
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dest="$root/.vscode-test/code-server"
marker="$dest/.installed-$version"
npmi=(npm install --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error)

# System packages, only when missing.
missing=()
command -v rg >/dev/null || missing+=(ripgrep)
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v openssl >/dev/null || missing+=(openssl) # the test API server's certificates
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo=sudo
  $sudo apt-get update -qq
  $sudo apt-get install -y --no-install-recommends "${missing[@]}"
fi

if [ -f "$marker" ]; then
  echo "code-server $version already installed in ${dest#"$root"/}"
  exit 0
fi

echo "installing code-server $version into ${dest#"$root"/}"
rm -rf "$dest" && mkdir -p "$dest" && cd "$dest"
npm init -y >/dev/null
"${npmi[@]}" "code-server@$version"
cs="$dest/node_modules/code-server"
(cd "$cs" && "${npmi[@]}" && npm_config_yes=true npm rebuild argon2)
cd "$cs/lib/vscode"
"${npmi[@]}"
mkdir -p node_modules/@vscode/ripgrep/bin
cp "$(command -v rg)" node_modules/@vscode/ripgrep/bin/rg
npm_config_yes=true npm rebuild node-pty native-watchdog @parcel/watcher @vscode/spdlog @vscode/deviceid
ln -sfn node_modules node_modules.asar
(cd extensions && "${npmi[@]}")

node "$cs/out/node/entry.js" --version >/dev/null
touch "$marker"
echo "code-server $version installed"

#!/usr/bin/env bash
# Installs what the web UI's browser tests and PDF letters need, from
# Debian's packages, when missing: chromium (driven by chromedp in
# internal/web/ui/browser_test.go), a CJK font that chromium renders with
# (fonts-noto-cjk) and a TrueType CJK font that the PDF letters embed
# (fonts-wqy-zenhei; gopdf reads TrueType outlines only). Safe to run twice.
set -euo pipefail

need=()
if ! command -v chromium >/dev/null 2>&1 && ! command -v chromium-browser >/dev/null 2>&1 \
   && ! command -v google-chrome >/dev/null 2>&1 && [ -z "${BEIAN_CHROME:-}" ]; then
  need+=(chromium)
fi
[ -e /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc ] || need+=(fonts-noto-cjk)
[ -e /usr/share/fonts/truetype/wqy/wqy-zenhei.ttc ] || need+=(fonts-wqy-zenhei)

if [ ${#need[@]} -eq 0 ]; then
  echo "install-browser: chromium and CJK fonts present"
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "install-browser: missing ${need[*]} and no apt-get; browser tests will skip" >&2
  exit 0
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
    echo "install-browser: not root and no sudo; cannot install ${need[*]}" >&2
    exit 0
  fi
fi
echo "install-browser: installing ${need[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
echo "install-browser: done"

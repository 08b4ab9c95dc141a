#!/usr/bin/env bash
# `npm test`'s pretest: the browser tests (apps/web) and the webgpu tests (SwiftShader's Vulkan
# ICD) use Debian's chromium. Installs it as .ci/run does when it is missing and this is a root
# shell with apt-get; otherwise prints the one line the browser tests will fail with.
CHROMIUM="${CHROMIUM_PATH:-/usr/bin/chromium}"
HOW="Chromium not found at $CHROMIUM: install Debian's chromium package (apt-get install chromium libvulkan1) or set CHROMIUM_PATH"
if [ -x "$CHROMIUM" ]; then exit 0; fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "pretest: installing Debian's chromium for the browser tests (apt-get)"
  if (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium libvulkan1 >/dev/null); then exit 0; fi
fi
echo "pretest: $HOW"

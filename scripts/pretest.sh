#!/usr/bin/env bash
# `npm test`'s pretest: the system programs some tests run for real. Debian's chromium (the
# browser tests in apps/web, and SwiftShader's Vulkan ICD for the webgpu tests) and redis-server
# (the queue tests in apps/cli). Installs the missing ones as .ci/run does when this is a root
# shell with apt-get; otherwise prints, per missing program, the one line its tests fail with.
CHROMIUM="${CHROMIUM_PATH:-/usr/bin/chromium}"
missing=()
[ -x "$CHROMIUM" ] || missing+=(chromium libvulkan1)
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "pretest: installing ${missing[*]} for the browser and queue tests (apt-get)"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null) || true
fi
[ -x "$CHROMIUM" ] || echo "pretest: Chromium not found at $CHROMIUM: install Debian's chromium package (apt-get install chromium libvulkan1) or set CHROMIUM_PATH"
command -v redis-server >/dev/null 2>&1 || echo "pretest: redis-server is not installed: the queue tests run a real one. Install it with \`apt-get install redis-server\` (CI's .ci/run does)"
exit 0

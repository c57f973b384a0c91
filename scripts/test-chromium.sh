#!/usr/bin/env bash
# Sourced by test.sh: Debian's Chromium for the console's browser tests (tests/Palisade.Console.Tests), installed
# with apt when missing. Exports PALISADE_CHROMIUM (the browser) and PALISADE_SCREENSHOTS (the run's screenshots,
# beside its .trx files). If Chromium cannot be installed the browser tests fail; they never skip.

chromium_test_setup() {
  local browser="${PALISADE_CHROMIUM:-/usr/bin/chromium}"
  if [ ! -x "$browser" ]; then
    if [ "$(id -u)" -ne 0 ]; then
      echo "test.sh: Chromium is not installed and this user cannot install it (run as root once, or: sudo apt-get install -y chromium)" >&2
    else
      echo "test.sh: installing Chromium from Debian's packages" >&2
      export DEBIAN_FRONTEND=noninteractive
      apt-get update -qq >/dev/null && apt-get install -y -qq chromium >/dev/null || echo "test.sh: installing Chromium failed" >&2
    fi
  fi
  export PALISADE_CHROMIUM="$browser"
  export PALISADE_SCREENSHOTS="${results:-${TMPDIR:-/tmp}}/screenshots"
}

chromium_test_setup

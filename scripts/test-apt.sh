#!/usr/bin/env bash
# Sourced by scripts/test-postgres.sh, test-prosody.sh and test-netns.sh: installs what a test service needs from
# Debian's packages when it is missing. Root only; anyone else is told the command to run, and the run fails.
# test_apt_install "WHAT" PACKAGE... (WHAT names it in the messages)

test_apt_install() {
  local what=$1
  shift
  if [ "$(id -u)" -ne 0 ]; then
    echo "test.sh: $what is not installed and this user cannot install it (run as root once, or: sudo apt-get install -y $*)" >&2
    return 1
  fi
  echo "test.sh: installing $what from Debian's packages" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq "$@" >/dev/null
}

#!/usr/bin/env bash
# Sourced by test.sh: what the NAT end-to-end test (tests/Palisade.Tests/NatTests.cs) needs to build network
# namespaces of its own — iproute2's `ip` and iptables (installed from Debian's packages when missing) — and a check,
# before any test runs, that this machine lets the run create a namespace, a veth pair and a MASQUERADE rule (root or
# CAP_NET_ADMIN). The test creates and removes its namespaces itself. Any failure fails the run: the NAT test never
# skips.

source "$(dirname "${BASH_SOURCE[0]}")/test-apt.sh"

netns_test_install() {
  local missing=()
  command -v ip >/dev/null 2>&1 || missing+=(iproute2)
  command -v iptables >/dev/null 2>&1 || missing+=(iptables)
  if [ "${#missing[@]}" -eq 0 ]; then return 0; fi
  test_apt_install "${missing[*]}" "${missing[@]}" || return 1
  command -v ip >/dev/null 2>&1 && command -v iptables >/dev/null 2>&1
}

netns_test_start() {
  netns_test_install || return 1
  local probe="palisade-probe-$$" ok=1
  if ip netns add "$probe" 2>/dev/null; then
    ip -n "$probe" link add pprobe0 type veth peer name pprobe1 >/dev/null 2>&1 \
      && ip netns exec "$probe" iptables -t nat -A POSTROUTING -o pprobe0 -j MASQUERADE >/dev/null 2>&1 \
      && ok=0
    ip netns del "$probe" >/dev/null 2>&1 || true
  fi
  if [ "$ok" -ne 0 ]; then
    echo "test.sh: cannot create a network namespace with a veth pair and a MASQUERADE rule (the NAT test needs root or CAP_NET_ADMIN)" >&2
    return 1
  fi
  echo "test.sh: network namespaces and $(iptables -V) available for the NAT test" >&2
}

#!/usr/bin/env bash
# Sourced by test.sh: a throwaway prosody (XMPP server, Debian's package, installed when missing) for the XMPP
# connection-request tests (TR-069 Annex K). Its config, data, CA and server certificate (made here with openssl) live
# in a temporary folder; it listens for c2s on a free port of 127.0.0.1, requires TLS, has no s2s and no HTTP, and runs
# as the unprivileged user "prosody" when the run is root. Accounts acs, cpe1…cpe16 and intruder of the domain
# palisade.test share one random password. Exported: PALISADE_TEST_XMPP (127.0.0.1:PORT), PALISADE_TEST_XMPP_DOMAIN,
# PALISADE_TEST_XMPP_CA (the CA's PEM), PALISADE_TEST_XMPP_PASSWORD. prosody_test_stop stops it and removes the folder.
# Any failure fails the run: the XMPP tests never skip.

source "$(dirname "${BASH_SOURCE[0]}")/test-apt.sh"

prosody_test_install() {
  if command -v prosody >/dev/null 2>&1 && command -v prosodyctl >/dev/null 2>&1; then return 0; fi
  test_apt_install prosody prosody openssl || return 1
  # The package starts a system instance; the tests use their own.
  (service prosody stop || systemctl stop prosody) >/dev/null 2>&1 || true
  command -v prosody >/dev/null 2>&1 && command -v prosodyctl >/dev/null 2>&1
}

prosody_test_start() {
  prosody_test_install || return 1
  command -v openssl >/dev/null 2>&1 || { echo "test.sh: openssl is needed to make prosody's test certificate" >&2; return 1; }
  PROSODY_TEST_DIR=$(mktemp -d /tmp/palisade-xmpp.XXXXXX)
  local dir=$PROSODY_TEST_DIR domain=palisade.test
  local as=()
  if [ "$(id -u)" -eq 0 ]; then
    # prosody will not run as root: the instance belongs to the unprivileged user the package created.
    id prosody >/dev/null 2>&1 || useradd --system --no-create-home prosody
    as=(runuser -u prosody --)
  fi
  PROSODY_TEST_AS=("${as[@]}")
  mkdir -p "$dir/data"
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=Palisade test XMPP CA" \
      -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
      -keyout "$dir/ca.key" -out "$dir/ca.crt" >/dev/null 2>&1 || { echo "test.sh: openssl could not make the XMPP test CA" >&2; return 1; }
  openssl req -newkey rsa:2048 -nodes -subj "/CN=$domain" -keyout "$dir/server.key" -out "$dir/server.csr" >/dev/null 2>&1 \
    && printf 'subjectAltName=DNS:%s\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n' "$domain" >"$dir/server.ext" \
    && openssl x509 -req -in "$dir/server.csr" -CA "$dir/ca.crt" -CAkey "$dir/ca.key" -CAcreateserial -days 2 \
         -extfile "$dir/server.ext" -out "$dir/server.crt" >/dev/null 2>&1 \
    || { echo "test.sh: openssl could not make the XMPP server certificate" >&2; return 1; }
  local port attempt password
  password=$(openssl rand -hex 12)
  for attempt in 1 2 3 4 5; do
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()' 2>/dev/null || echo $((20000 + RANDOM % 20000)))
    cat >"$dir/prosody.cfg.lua" <<CFG
pidfile = "$dir/prosody.pid"
data_path = "$dir/data"
plugin_paths = {}
interfaces = { "127.0.0.1" }
c2s_interfaces = { "127.0.0.1" }
c2s_ports = { $port }
c2s_direct_tls_ports = {}
s2s_ports = {}
http_ports = {}
https_ports = {}
c2s_require_encryption = true
allow_unencrypted_plain_auth = false
allow_registration = false
authentication = "internal_hashed"
storage = "internal"
modules_enabled = { "saslauth"; "tls"; "disco"; "ping"; "roster" }
modules_disabled = { "s2s"; "offline" }
log = { { levels = { min = "info" }, to = "file", filename = "$dir/prosody.log" } }
ssl = { certificate = "$dir/server.crt"; key = "$dir/server.key"; }
VirtualHost "$domain"
  ssl = { certificate = "$dir/server.crt"; key = "$dir/server.key"; }
CFG
    [ "$(id -u)" -eq 0 ] && chown -R prosody "$dir"
    local user
    for user in acs intruder $(seq -f 'cpe%g' 1 16); do
      "${as[@]}" prosodyctl --config "$dir/prosody.cfg.lua" register "$user" "$domain" "$password" >>"$dir/register.log" 2>&1 \
        || { cat "$dir/register.log" >&2; return 1; }
    done
    "${as[@]}" prosody --config "$dir/prosody.cfg.lua" -F >"$dir/stdout.log" 2>&1 &
    PROSODY_TEST_PID=$!
    local i
    for i in $(seq 1 100); do
      if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then break; fi
      if ! kill -0 "$PROSODY_TEST_PID" 2>/dev/null; then break; fi
      sleep 0.2
    done
    if kill -0 "$PROSODY_TEST_PID" 2>/dev/null && (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      export PALISADE_TEST_XMPP="127.0.0.1:$port" PALISADE_TEST_XMPP_DOMAIN="$domain" \
             PALISADE_TEST_XMPP_CA="$dir/ca.crt" PALISADE_TEST_XMPP_PASSWORD="$password"
      chmod a+r "$dir/ca.crt"
      echo "test.sh: prosody $(prosodyctl about 2>/dev/null | awk '/^Prosody/ {print $2; exit}') on 127.0.0.1:$port ($dir)" >&2
      return 0
    fi
    kill "$PROSODY_TEST_PID" 2>/dev/null; wait "$PROSODY_TEST_PID" 2>/dev/null
    PROSODY_TEST_PID=
  done
  cat "$dir/stdout.log" "$dir/prosody.log" >&2 2>/dev/null
  echo "test.sh: prosody did not start" >&2
  return 1
}

prosody_test_stop() {
  if [ -n "${PROSODY_TEST_PID:-}" ]; then
    kill "$PROSODY_TEST_PID" 2>/dev/null || true
    wait "$PROSODY_TEST_PID" 2>/dev/null || true
  fi
  if [ -n "${PROSODY_TEST_DIR:-}" ]; then rm -rf "$PROSODY_TEST_DIR"; fi
}

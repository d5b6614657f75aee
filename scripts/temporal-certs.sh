#!/usr/bin/env bash
# Makes the certificates of the deployment's mutual TLS to Temporal (docker-compose.yml): a CA
# of the deployment's own, the Temporal server's certificate (its frontend and its internal
# traffic, named "temporal" as the compose service is), and one client certificate for each
# caller — karso (api, worker, migrate), the Temporal UI and the admin tools. Temporal accepts
# only clients whose certificate this CA signed; nothing else can start, signal or read a
# workflow.
#
#   scripts/temporal-certs.sh [dir]      (default deploy/temporal-tls; an existing CA is kept,
#                                         so re-running renews the leaves under the same CA)
#
# The CA's key is needed only to issue: keep it off the host once issued. Keys are readable by
# the containers' own users (the images run as non-root users of their own); protect the
# folder itself (mode 0700, owned by the deploying user).
set -euo pipefail
command -v openssl >/dev/null || { echo "openssl is needed (apt-get install openssl)" >&2; exit 1; }

DIR=${1:-deploy/temporal-tls}
DAYS=${TEMPORAL_CERT_DAYS:-825}
mkdir -p "$DIR"
chmod 0700 "$DIR"
cd "$DIR"

if [ ! -f ca.key ]; then
  openssl req -x509 -newkey rsa:3072 -nodes -sha256 -days 3650 -subj "/O=Karso PRM/CN=Karso Temporal CA" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -keyout ca.key -out ca.crt 2>/dev/null
  chmod 0600 ca.key
fi

# leaf NAME CN EXTENDED_KEY_USAGE [SUBJECT_ALT_NAMES]
leaf() {
  local name=$1 cn=$2 eku=$3 san=${4:-}
  local ext
  ext=$(mktemp)
  {
    echo "basicConstraints=critical,CA:FALSE"
    echo "keyUsage=critical,digitalSignature,keyEncipherment"
    echo "extendedKeyUsage=$eku"
    [ -n "$san" ] && echo "subjectAltName=$san"
  } >"$ext"
  openssl req -newkey rsa:2048 -nodes -sha256 -subj "/O=Karso PRM/CN=$cn" -keyout "$name.key" -out "$name.csr" 2>/dev/null
  openssl x509 -req -in "$name.csr" -CA ca.crt -CAkey ca.key -CAcreateserial -days "$DAYS" -sha256 \
    -extfile "$ext" -out "$name.crt" 2>/dev/null
  rm -f "$name.csr" "$ext"
  chmod 0644 "$name.key" "$name.crt"
}

# the server presents this to clients and, as a client, to its own services (internode)
leaf temporal temporal serverAuth,clientAuth "DNS:temporal,DNS:localhost,IP:127.0.0.1"
leaf karso karso clientAuth
leaf temporal-ui temporal-ui clientAuth
leaf temporal-admin temporal-admin clientAuth
rm -f ca.srl
echo "certificates in $PWD (CA key: $PWD/ca.key — move it off this host once issued)"

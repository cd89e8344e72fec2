#!/bin/sh
# Regenerates the TEST-ONLY TLS material of the Azure emulator (run from this folder; needs openssl).
# Node cannot mint X.509 certificates, so these were made once and committed. Nothing here is trusted
# anywhere but in the emulator's own tests and playground: the CA key is deleted after signing.
set -eu
days=7300 # 20 years
openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days "$days" -keyout ca.key -out test-ca.pem \
  -subj "/O=ccloud-dr-actions/OU=TEST ONLY - never trust outside tests/CN=ccloud-dr-actions TEST-ONLY emulator CA" \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign"
sign() { # name subject extensions
  openssl req -newkey rsa:2048 -nodes -sha256 -keyout "$1-key.pem" -out "$1.csr" -subj "$2"
  printf '%s\n' "$3" > "$1.ext"
  openssl x509 -req -in "$1.csr" -CA test-ca.pem -CAkey ca.key -CAcreateserial -days "$days" -sha256 -extfile "$1.ext" -out "$1-cert.pem"
  rm -f "$1.csr" "$1.ext"
}
sign server "/O=ccloud-dr-actions/CN=localhost" \
  "basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
subjectAltName=IP:127.0.0.1,IP:::1,DNS:localhost"
# Client certificates for the users of the kubeconfigs the emulated clusters hand out (AKS admin and
# local-account users authenticate with a client certificate signed by the cluster CA).
sign client-admin "/O=system:masters/CN=masterclient" "basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=clientAuth"
sign client-user "/O=system:masters/CN=masterclient" "basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=clientAuth"
rm -f ca.key test-ca.srl

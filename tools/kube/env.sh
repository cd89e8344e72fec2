# Sourced by tools/kube/*.sh: the pinned versions and the Go environment.
# Everything the Go toolchain downloads or compiles stays outside the work tree.
# shellcheck shell=bash

K8S_VERSION="v1.36.3"
ETCD_VERSION="v3.6.16"
KWOK_VERSION="v0.8.0"
# Not built: the Go module proxy answers 403 "This module version is not available" for every
# version of it. npm run test:real asks the proxy again on each run and prints its answer when it
# skips the suites that need the real Reloader (they run with RELOADER_BIN=/path/to/reloader).
RELOADER_MODULE="github.com/stakater/Reloader"
RELOADER_VERSION="v1.4.21"

CACHE_ROOT="${CCLOUD_DR_CACHE:-$HOME/.cache/ccloud-dr-actions}"
KUBE_KEY="k8s-${K8S_VERSION}_etcd-${ETCD_VERSION}_kwok-${KWOK_VERSION}"
KUBE_BIN_DIR="$CACHE_ROOT/kube/$KUBE_KEY/bin"

export GOMODCACHE="$CACHE_ROOT/go/mod"
export GOCACHE="$CACHE_ROOT/go/build"
export GOFLAGS="-mod=mod"
export CGO_ENABLED=0
# Use the Go on this machine; a go.mod asking for a newer one fails loudly instead
# of fetching a toolchain.
export GOTOOLCHAIN="${GOTOOLCHAIN:-local}"
# The wrapper modules live inside this repository; keep a go.work elsewhere out.
export GOWORK=off

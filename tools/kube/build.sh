#!/usr/bin/env bash
# Builds a real local Kubernetes control plane from the Go module proxy, pinned
# and version-stamped, into a cache outside the work tree:
#
#   ${CCLOUD_DR_CACHE:-$HOME/.cache/ccloud-dr-actions}/kube/<key>/bin/
#     etcd kube-apiserver kube-controller-manager kube-scheduler kubectl kwok
#
# One wrapper Go module per upstream (tools/kube/{k8s,etcd,kwok}), so their
# dependency graphs never meet. Go's module and build caches live under the same
# cache root. A run that finds every binary in place exits at once.
#
# Each binary is linked to a temporary name in the bin folder and renamed when
# complete, so an interrupted build never leaves a file that looks done.
#
# Usage: tools/kube/build.sh [--print-bin-dir]
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=env.sh
source "$here/env.sh"

if [[ "${1:-}" == "--print-bin-dir" ]]; then
  echo "$KUBE_BIN_DIR"
  exit 0
fi

K8S_BINARIES=(kube-apiserver kube-controller-manager kube-scheduler kubectl)
ALL_BINARIES=(etcd "${K8S_BINARIES[@]}" kwok)

missing=()
for b in "${ALL_BINARIES[@]}"; do
  [[ -x "$KUBE_BIN_DIR/$b" ]] || missing+=("$b")
done
if [[ ${#missing[@]} -eq 0 ]]; then
  echo "[build] all binaries present in $KUBE_BIN_DIR"
  exit 0
fi

total_start=$(date +%s)
step_start=0
step_begin() {
  step_start=$(date +%s)
  echo "[build] $1 ..."
}
timings=()
step_end() {
  local took=$(($(date +%s) - step_start))
  timings+=("$1=$took")
  echo "[build] $1: $took s"
}

mkdir -p "$KUBE_BIN_DIR"
echo "[build] go $(go env GOVERSION), GOPROXY=$(go env GOPROXY), GOMODCACHE=$GOMODCACHE, GOCACHE=$GOCACHE"
echo "[build] into $KUBE_BIN_DIR (missing: ${missing[*]})"

# 1. Every pinned version must be served by the proxy.
step_begin "check versions"
failed=0
for mv in "k8s.io/kubernetes@$K8S_VERSION" "go.etcd.io/etcd/server/v3@$ETCD_VERSION" "sigs.k8s.io/kwok@$KWOK_VERSION"; do
  if out="$(go list -m "$mv" 2>&1)"; then
    echo "[build]   $mv served"
  else
    echo "[build]   $mv NOT served: $out" >&2
    failed=1
  fi
done
if [[ $failed -ne 0 ]]; then
  echo "[build] a pinned version is not served; pick a served one (go list -m -versions MODULE) and update tools/kube/env.sh" >&2
  exit 1
fi
step_end "check versions"

# 2. Downloads, one wrapper module at a time (go.sum is committed; -mod=mod only
#    lets the build fetch what go.sum already pins).
for mod in k8s etcd kwok; do
  step_begin "download $mod modules"
  (cd "$here/$mod" && go mod download)
  step_end "download $mod modules"
done

# build_one <wrapper module> <binary name> <package> <ldflags>
build_one() {
  local mod="$1" name="$2" pkg="$3" ldflags="$4"
  local out="$KUBE_BIN_DIR/$name"
  if [[ -x "$out" ]]; then
    echo "[build] $name: present"
    return 0
  fi
  local tmp="$KUBE_BIN_DIR/.$name.partial.$$"
  # shellcheck disable=SC2064
  trap "rm -f '$tmp'" EXIT
  step_begin "$name"
  (cd "$here/$mod" && go build -trimpath -ldflags "$ldflags" -o "$tmp" "$pkg")
  mv -f "$tmp" "$out"
  trap - EXIT
  step_end "$name"
}

# 3. Kubernetes: stamped like hack/lib/version.sh does, for both version packages
#    (component-base for the servers, client-go for kubectl's client side).
k8s_minor="${K8S_VERSION#v1.}"
k8s_minor="${k8s_minor%%.*}"
k8s_date="$(sed -n 's/.*"Time":"\([^"]*\)".*/\1/p' "$GOMODCACHE/cache/download/k8s.io/kubernetes/@v/$K8S_VERSION.info")"
k8s_ldflags="-s -w"
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  k8s_ldflags+=" -X $pkg.gitVersion=$K8S_VERSION -X $pkg.gitMajor=1 -X $pkg.gitMinor=$k8s_minor"
  k8s_ldflags+=" -X $pkg.gitTreeState=clean -X $pkg.buildDate=${k8s_date:-1970-01-01T00:00:00Z}"
done
# Sequential builds in one module share every compiled package through GOCACHE:
# the first one pays for most of the tree.
for b in "${K8S_BINARIES[@]}"; do
  build_one k8s "$b" "k8s.io/kubernetes/cmd/$b" "$k8s_ldflags"
done

# 4. etcd: go.etcd.io/etcd/server/v3's root package is the etcd main.
build_one etcd etcd go.etcd.io/etcd/server/v3 \
  "-s -w -X go.etcd.io/etcd/api/v3/version.GitSHA=go-module-proxy"

# 5. kwok.
build_one kwok kwok sigs.k8s.io/kwok/cmd/kwok \
  "-s -w -X sigs.k8s.io/kwok/pkg/consts.Version=${KWOK_VERSION#v} -X sigs.k8s.io/kwok/pkg/consts.KubeVersion=${K8S_VERSION#v}"

total=$(($(date +%s) - total_start))
echo "[build] total: $total s"
# The build's own timing, kept next to bin/ (npm run bench -- real reports it when the binaries are cached).
{
  echo "# tools/kube/build.sh, $(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) cores, built: ${missing[*]}"
  echo "total=$total"
  printf '%s\n' "${timings[@]}"
} >"$KUBE_BIN_DIR/../build-times.txt"
echo "[build] module downloads: $(du -sh "$GOMODCACHE/cache/download" | cut -f1), build cache: $(du -sh "$GOCACHE" | cut -f1)"
ls -l "$KUBE_BIN_DIR"

#!/usr/bin/env bash
# Builds the Kubernetes control plane the e2e tests run on, once, into a cache outside the repo:
#   $GOLT_KUBE_CACHE/k8s/<version>-linux-amd64/{kube-apiserver,kube-controller-manager,kube-scheduler,etcd[,kubectl]}
# which is the layout fabric8's kube-api-test reads (its "binary repo" directory). Prints that directory.
# The tests need no kubectl; --with-kubectl (bin/golt-kube-local) builds it too.
#
# kube-* come from the k8s.io/kubernetes Go module. Its go.mod replaces the k8s.io staging modules with
# ./staging paths that a module download does not contain, so we build from a small wrapper module that
# requires k8s.io/kubernetes and pins each staging module to its published v0.X.Y twin.
# etcd (>= 3.5.11) comes from Debian trixie's etcd-server package, fetched with a private apt
# configuration (apt-get download + dpkg -x; nothing is installed system-wide), unless ETCD_BIN names one.
#
# Usage: e2e/kube/build-control-plane.sh [--with-kubectl] [--print-dir]    (KUBE_VERSION=1.37.2 by default)
set -euo pipefail

KUBE_VERSION="${KUBE_VERSION:-1.37.2}"
CACHE="${GOLT_KUBE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/golt/kube}"
OUT="$CACHE/k8s/${KUBE_VERSION}-linux-amd64"
COMMANDS=(kube-apiserver kube-controller-manager kube-scheduler)
for arg in "$@"; do
  case "$arg" in
    --print-dir) echo "$CACHE"; exit 0 ;;
    --with-kubectl) COMMANDS+=(kubectl) ;;
    *) echo "unknown argument: $arg" >&2; exit 2 ;;
  esac
done

log() { echo "[control-plane] $*" >&2; }
have_all() {
  for b in "${COMMANDS[@]}" etcd; do
    [ -x "$OUT/$b" ] || return 1
  done
}
if have_all; then echo "$OUT"; exit 0; fi
mkdir -p "$OUT"
exec 9>"$CACHE/.build.lock"
flock 9
if have_all; then echo "$OUT"; exit 0; fi

build_kube() {
  command -v go >/dev/null || { log "Go is not installed: install Go, or let kube-api-test download its binaries"; exit 1; }
  local work="$CACHE/src/kubernetes-$KUBE_VERSION"
  mkdir -p "$work"
  local minor="${KUBE_VERSION#*.}"; minor="${minor%%.*}"
  local staging="v0.${KUBE_VERSION#*.}"
  {
    echo "module golt.dev/kube-build"
    echo
    echo "go 1.26.0"
    echo
    echo "require k8s.io/kubernetes v$KUBE_VERSION"
    echo
    local mod
    mod="$(cd "$work" && GOFLAGS=-mod=mod go mod download -json "k8s.io/kubernetes@v$KUBE_VERSION" | sed -n 's/.*"GoMod": "\(.*\)".*/\1/p')"
    grep -E '^\s*k8s\.io/[a-z0-9-]+ => \./staging/' "$mod" | awk -v v="$staging" '{print "replace " $1 " => " $1 " " v}'
  } > "$work/go.mod.new"
  mv "$work/go.mod.new" "$work/go.mod"
  cat > "$work/tools.go" <<'GO'
//go:build tools

package tools

import (
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
	_ "k8s.io/kubernetes/cmd/kube-controller-manager"
	_ "k8s.io/kubernetes/cmd/kube-scheduler"
	_ "k8s.io/kubernetes/cmd/kubectl"
)
GO
  log "resolving k8s.io/kubernetes v$KUBE_VERSION (staging modules at $staging)"
  (cd "$work" && GOFLAGS=-mod=mod go mod tidy -e >/dev/null 2>&1 || true)
  (cd "$work" && GOFLAGS=-mod=mod go mod download)
  local ldflags="-s -w"
  for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    ldflags="$ldflags -X $pkg.gitVersion=v$KUBE_VERSION -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor -X $pkg.gitTreeState=clean -X $pkg.buildDate=1970-01-01T00:00:00Z"
  done
  for cmd in "${COMMANDS[@]}"; do
    [ -x "$OUT/$cmd" ] && continue
    log "building $cmd (a few minutes each on 2 cores)"
    (cd "$work" && CGO_ENABLED=0 GOFLAGS=-mod=mod go build -trimpath -ldflags "$ldflags" -o "$OUT/$cmd.tmp" "k8s.io/kubernetes/cmd/$cmd")
    mv "$OUT/$cmd.tmp" "$OUT/$cmd"
  done
}

fetch_etcd() {
  if [ -n "${ETCD_BIN:-}" ]; then cp "$ETCD_BIN" "$OUT/etcd"; return; fi
  local apt="$CACHE/src/apt-trixie"
  mkdir -p "$apt/lists/partial" "$apt/archives/partial" "$apt/etc/apt.conf.d" "$apt/etc/preferences.d"
  echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian trixie main" > "$apt/etc/sources.list"
  local opts=(-o Dir::Etc="$apt/etc" -o Dir::Etc::sourcelist="$apt/etc/sources.list"
    -o Dir::Etc::sourceparts=- -o Dir::State::Lists="$apt/lists" -o Dir::Cache="$apt/cache"
    -o Debug::NoLocking=1 -o APT::Sandbox::User=root -o Acquire::Languages=none)
  mkdir -p "$apt/cache/archives/partial"
  log "fetching etcd-server from Debian trixie"
  apt-get "${opts[@]}" update -qq
  (cd "$apt/archives" && apt-get "${opts[@]}" download etcd-server >/dev/null)
  rm -rf "$apt/x" && dpkg -x "$apt/archives"/etcd-server_*.deb "$apt/x"
  cp "$apt/x/usr/bin/etcd" "$OUT/etcd"
}

[ -x "$OUT/etcd" ] || fetch_etcd
"$OUT/etcd" --version | head -1 >&2
build_kube
have_all
echo "$OUT"

#!/usr/bin/env bash
# Fetches etcd 3.5 (etcd, etcdctl, etcdutl) from Debian trixie's etcd-server and etcd-client
# packages, for the etcd-compatibility tests, and prints the directory holding the binaries.
#
# The machine's own apt setup (bookworm, which ships etcd 3.4) is neither read nor changed: apt runs
# with a private sources list naming trixie and its own state and cache directories under the cache
# dir, `apt-get download` fetches the two .deb files and `dpkg -x` unpacks them (nothing is
# installed). trixie's etcd binaries are static Go programs and run on bookworm.
#
# Idempotent: once the binaries are in ~/.cache/golt/etcd-3.5/ (GOLT_ETCD_CACHE moves it) it only
# prints their directory. Needs no root; progress goes to stderr, the bin dir alone to stdout.
set -euo pipefail

CACHE=${GOLT_ETCD_CACHE:-$HOME/.cache/golt/etcd-3.5}
ROOTFS=$CACHE/root
BIN=$ROOTFS/usr/bin

have_binaries() {
  [ -x "$BIN/etcd" ] && [ -x "$BIN/etcdctl" ] && [ -x "$BIN/etcdutl" ] \
    && "$BIN/etcd" --version 2>/dev/null | grep -q '^etcd Version: 3\.5\.'
}

if have_binaries; then
  echo "$BIN"
  exit 0
fi

mkdir -p "$CACHE"
exec 9>"$CACHE/.lock"
flock 9
if have_binaries; then   # another run fetched them while this one waited for the lock
  echo "$BIN"
  exit 0
fi

APT=$CACHE/apt
mkdir -p "$APT/etc/sources.list.d" "$APT/etc/preferences.d" "$APT/state/lists/partial" \
  "$APT/cache/archives/partial" "$APT/debs"
: >"$APT/state/status"
KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg
cat >"$APT/etc/sources.list" <<SOURCES
deb [signed-by=$KEYRING] http://deb.debian.org/debian trixie main
deb [signed-by=$KEYRING] http://deb.debian.org/debian trixie-updates main
deb [signed-by=$KEYRING] http://deb.debian.org/debian-security trixie-security main
SOURCES

# Every list, pin and state path apt would otherwise take from /etc/apt or /var/lib/apt points into
# $APT (its configuration snippets in /etc/apt/apt.conf.d are still read: they may hold the
# machine's network settings). As root, apt would hand the download to the _apt user, who cannot
# write into a home directory: download as the caller instead. Only the package lists are fetched
# (no AppStream metadata).
apt_opts=(
  -o "Dir::Etc::SourceList=$APT/etc/sources.list"
  -o "Dir::Etc::SourceParts=$APT/etc/sources.list.d"
  -o "Dir::Etc::Preferences=$APT/etc/preferences"
  -o "Dir::Etc::PreferencesParts=$APT/etc/preferences.d"
  -o "Dir::State=$APT/state"
  -o "Dir::State::status=$APT/state/status"
  -o "Dir::Cache=$APT/cache"
  -o "APT::Sandbox::User=$(id -un)"
  -o "Acquire::Languages=none"
  -o "APT::Architecture=amd64"
  -o "Acquire::IndexTargets::deb::DEP-11::DefaultEnabled=false"
)

echo "fetch-etcd: apt-get update (trixie, private lists in $APT)" >&2
apt-get -q "${apt_opts[@]}" update >&2
echo "fetch-etcd: apt-get download etcd-server etcd-client" >&2
rm -f "$APT/debs"/*.deb
(cd "$APT/debs" && apt-get -q "${apt_opts[@]}" download etcd-server etcd-client >&2)

rm -rf "$ROOTFS.tmp"
mkdir -p "$ROOTFS.tmp"
for deb in "$APT/debs"/*.deb; do
  echo "fetch-etcd: unpacking $(basename "$deb")" >&2
  dpkg -x "$deb" "$ROOTFS.tmp"
done
rm -rf "$ROOTFS"
mv "$ROOTFS.tmp" "$ROOTFS"

if ! have_binaries; then
  echo "fetch-etcd: the packages did not give etcd 3.5's etcd, etcdctl and etcdutl in $BIN:" >&2
  ls -l "$BIN" >&2 || true
  "$BIN/etcd" --version >&2 || true
  exit 1
fi
"$BIN/etcd" --version | sed -n 1p >&2
echo "$BIN"

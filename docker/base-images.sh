#!/usr/bin/env bash
# Makes the two base images the Dockerfile builds on, from Debian's package repository, where no container
# registry is reachable: localhost/epollhub-build-base (JDK 17 + Maven) and localhost/epollhub-runtime-base
# (JRE 17). An image that already exists is kept, so repeated runs cost nothing.
set -euo pipefail

PODMAN=(podman --runtime runc)
SUITE=${SUITE:-bookworm}

# The build stage downloads from Maven Central, so the build base trusts the CAs this machine trusts: some
# networks reach Central only through an inspecting proxy with a CA of its own.
trust_host_cas() {
  local dir=$1
  if [ -f /etc/ssl/certs/java/cacerts ]; then
    install -m 644 /etc/ssl/certs/java/cacerts "$dir/etc/ssl/certs/java/cacerts"
  fi
  if [ -f /etc/ssl/certs/ca-certificates.crt ]; then
    install -m 644 /etc/ssl/certs/ca-certificates.crt "$dir/etc/ssl/certs/ca-certificates.crt"
  fi
}

make_image() {
  local name=$1 packages=$2 customize=${3:-}
  if "${PODMAN[@]}" image exists "$name"; then
    echo "base image $name exists"
    return
  fi
  local dir
  dir=$(mktemp -d /var/tmp/epollhub-rootfs.XXXXXX)
  trap 'rm -rf "$dir"' RETURN
  echo "debootstrap $SUITE with $packages -> $name"
  debootstrap --variant=minbase --include="$packages" "$SUITE" "$dir" >/dev/null
  rm -rf "$dir"/var/cache/apt/archives/*.deb "$dir"/var/lib/apt/lists/*
  if [ -n "$customize" ]; then
    "$customize" "$dir"
  fi
  tar -C "$dir" -c . | "${PODMAN[@]}" import - "$name" >/dev/null
}

make_image localhost/epollhub-runtime-base openjdk-17-jre-headless
make_image localhost/epollhub-build-base openjdk-17-jdk-headless,maven trust_host_cas

#!/usr/bin/env bash
# Makes the local stand-in for node:20-bookworm-slim that the image-build test
# builds on, since no base image can be pulled here: a minimal Debian bookworm
# (debootstrap) plus this machine's Node.js, npm/corepack and CA bundle, with
# a `node` user (uid 1000) like the official image. Cached: the rootfs in
# $SERVEKIT_BASE_ROOTFS and the image in buildah's store are reused.
set -euo pipefail
image="${1:-docker.io/library/node:20-bookworm-slim}"
rootfs="${SERVEKIT_BASE_ROOTFS:-/var/tmp/servekit-base-rootfs}"
mirror="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"

if buildah inspect --type image "$image" >/dev/null 2>&1; then
  echo "base image $image already present"
  exit 0
fi

if [ ! -x "$rootfs/bin/sh" ]; then
  rm -rf "$rootfs.partial"
  debootstrap --variant=minbase bookworm "$rootfs.partial" "$mirror"
  mv "$rootfs.partial" "$rootfs"
fi

node_bin="$(command -v node)"
# npm is a link to …/lib/node_modules/npm/bin/npm-cli.js: three levels up is …/lib/node_modules.
node_modules="$(dirname "$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")")")"
install -D -m 0755 "$node_bin" "$rootfs/usr/local/bin/node"
mkdir -p "$rootfs/usr/local/lib"
rm -rf "$rootfs/usr/local/lib/node_modules"
cp -a "$node_modules" "$rootfs/usr/local/lib/node_modules"
ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$rootfs/usr/local/bin/npm"
ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$rootfs/usr/local/bin/npx"
[ -d "$rootfs/usr/local/lib/node_modules/corepack" ] && ln -sf ../lib/node_modules/corepack/dist/corepack.js "$rootfs/usr/local/bin/corepack"
install -D -m 0644 /etc/ssl/certs/ca-certificates.crt "$rootfs/etc/ssl/certs/ca-certificates.crt"
chroot "$rootfs" /bin/sh -c 'id node >/dev/null 2>&1 || { groupadd -g 1000 node && useradd -u 1000 -g node -m -s /bin/sh node; }'

ctr="$(buildah from scratch)"
trap 'buildah rm "$ctr" >/dev/null 2>&1 || true' EXIT
buildah copy "$ctr" "$rootfs" / >/dev/null
buildah config \
  --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
  --env NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt \
  --cmd node "$ctr"
buildah commit -q "$ctr" "$image" >/dev/null
echo "made base image $image from $rootfs"

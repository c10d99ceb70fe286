#!/usr/bin/env bash
# Makes the local stand-in for node:20-bookworm-slim that the image-build test
# builds on (with --base-image), since no base image can be pulled here: a
# minimal Debian bookworm (debootstrap) plus this machine's Node.js,
# npm/corepack and CA bundle, with a `node` user (uid 1000) like the official
# image. It is tagged localhost/servekit-test-node:20-bookworm, never as the
# public image, so no later build mistakes it for the real one.
#
# Cached between runs: the image, in buildah's store (root:
# /var/lib/containers/storage), removable with
# `buildah rmi localhost/servekit-test-node:20-bookworm`. The rootfs it is made
# from ($SERVEKIT_BASE_ROOTFS, default /var/tmp/servekit-base-rootfs, ~340 MB)
# is deleted once the image holds it. debootstrap's output goes to
# $rootfs.log, and its tail is printed if it fails.
set -euo pipefail
image="${1:-localhost/servekit-test-node:20-bookworm}"
rootfs="${SERVEKIT_BASE_ROOTFS:-/var/tmp/servekit-base-rootfs}"
mirror="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
log="$rootfs.log"
old="docker.io/library/node:20-bookworm-slim"

# Two suites (the yolov5 image test, the outside-project one) may ask at once:
# one makes the image, the other waits for it.
exec 9>"$rootfs.lock"
flock 9

# Earlier versions of this script tagged the stand-in as the public image. Only
# an image this script made (its env and cmd say so) is retagged and untagged.
made_here() {
  buildah inspect --type image --format '{{.OCIv1.Config.Env}} {{.OCIv1.Config.Cmd}}' "$1" 2>/dev/null |
    grep -q 'NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt.*\[node\]'
}
if made_here "$old"; then
  buildah inspect --type image "$image" >/dev/null 2>&1 || buildah tag "$old" "$image"
  buildah rmi "$old" >/dev/null 2>&1 && echo "removed the misleading tag $old (a stand-in this script made)" ||
    echo "could not untag $old (a container still uses it?); remove it later with: buildah rmi $old"
fi

if buildah inspect --type image "$image" >/dev/null 2>&1; then
  echo "base image $image already present"
  exit 0
fi

if [ ! -x "$rootfs/bin/sh" ]; then
  rm -rf "$rootfs.partial"
  echo "debootstrap bookworm into $rootfs (a few minutes; log: $log)"
  if ! debootstrap --variant=minbase bookworm "$rootfs.partial" "$mirror" >"$log" 2>&1; then
    echo "debootstrap failed; the end of $log:" >&2
    tail -n 30 "$log" >&2
    exit 1
  fi
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
rm -rf "$rootfs" "$log"
echo "made base image $image (debootstrap's rootfs removed)"

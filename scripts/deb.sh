#!/usr/bin/env bash
# make deb: builds kechuang_VERSION_amd64.deb with dpkg-deb (deploy/debian):
#   /usr/bin/kechuang                 built with --static-swift-stdlib (no Swift runtime to install)
#   /lib/systemd/system/kechuang.service, kechuang-export.service, kechuang-export.timer
#   /etc/default/kechuang             KECHUANG_SERVE_ARGS, KECHUANG_EXPORT_DIR (a conffile)
#   /usr/share/doc/kechuang/          README.md, protocols/
# Depends: what dpkg-shlibdeps finds the binary needs (run in a scratch directory with a minimal
# debian/control), and adduser (postinst creates the kechuang system user and /var/lib/kechuang).
# The package is written to OUT (default .build-deb/), its path printed last.
set -euo pipefail
swift="${SWIFT:-swift}"
out="${1:-.build-deb}"
scratch=.build-deb
"$swift" build -c release --static-swift-stdlib --scratch-path "$scratch" --product kechuang >&2
binary="$("$swift" build -c release --static-swift-stdlib --scratch-path "$scratch" --show-bin-path)/kechuang"
version=$("$binary" --version | awk '{print $2}')
package="kechuang_${version}_amd64"
root="$(mkdir -p "$scratch/package" && cd "$scratch/package" && pwd)/$package"
rm -rf "$root"
install -d "$root/DEBIAN" "$root/usr/bin" "$root/lib/systemd/system" "$root/etc/default" "$root/usr/share/doc/kechuang"
install -m 0755 "$binary" "$root/usr/bin/kechuang"
strip --strip-unneeded "$root/usr/bin/kechuang"
install -m 0644 deploy/debian/kechuang.service deploy/debian/kechuang-export.service deploy/debian/kechuang-export.timer "$root/lib/systemd/system/"
install -m 0644 deploy/debian/default "$root/etc/default/kechuang"
install -m 0644 README.md "$root/usr/share/doc/kechuang/README.md"
cp -r protocols "$root/usr/share/doc/kechuang/protocols"
chmod -R u=rwX,go=rX "$root/usr/share/doc/kechuang"
install -m 0755 deploy/debian/postinst deploy/debian/prerm deploy/debian/postrm "$root/DEBIAN/"
echo /etc/default/kechuang > "$root/DEBIAN/conffiles"

# Depends, from the libraries the binary links (dpkg-shlibdeps wants a debian/control to read).
shlib=$(mktemp -d)
trap 'rm -rf "$shlib"' EXIT
mkdir -p "$shlib/debian"
printf 'Source: kechuang\n\nPackage: kechuang\nArchitecture: amd64\n' > "$shlib/debian/control"
depends=$(cd "$shlib" && dpkg-shlibdeps -O "$root/usr/bin/kechuang" | sed -n 's/^shlibs:Depends=//p')
[ -n "$depends" ] || { echo "deb: dpkg-shlibdeps found no dependencies" >&2; exit 1; }

size=$(du -sk "$root" | cut -f1)
cat > "$root/DEBIAN/control" <<CONTROL
Package: kechuang
Version: $version
Architecture: amd64
Maintainer: kechuang developers <kechuang@example.org>
Installed-Size: $size
Depends: $depends, adduser
Section: net
Priority: optional
Homepage: https://example.org/kechuang
Description: federated exchange of technology-transfer projects
 A node of the science-and-technology associations' federation: it keeps the
 association's catalog of projects, publishes it as a signed feed, pulls its
 peers' feeds, verifies and merges them, and serves the unified catalog
 (search, matching, roadshows, deals) over HTTP, in a web page and a CLI.
CONTROL
mkdir -p "$out"
dpkg-deb --root-owner-group --build "$root" "$out/$package.deb" >&2
echo "$(cd "$out" && pwd)/$package.deb"

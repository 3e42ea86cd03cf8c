#!/usr/bin/env bash
# The .deb, built from this build tree with CPack, holds what it must and works from its own
# files (CTest: package_deb). Checked, in order:
#  1. `cpack -G DEB` makes it; dpkg-shlibdeps found its dependencies (Qt 6, OpenSSL);
#  2. its file list holds the binary, the dashboard module (a GUI build), the systemd unit,
#     the man page, the environment file example (and the desktop entry and icon when the
#     source tree has them);
#  3. unpacked (dpkg-deb -x), its binary runs and finds its private libraries through its
#     RPATH inside the package, not in the build tree; the module finds them too;
#  4. the man page formats without a warning and lists every flag --help lists;
#  5. the unit as packaged passes `systemd-analyze verify` with no message at all, on a copy
#     whose ExecStart points at the unpacked binary (the one change: verify checks that the
#     binary exists and is executable); it holds --no-gui, Restart=on-failure, DynamicUser,
#     LimitNOFILE for 100k connections and the hardening options;
#  6. dpkg installs it into a scratch root (--root, maintainer scripts chrootless: they do
#     nothing outside a real root), lists it as installed, and removes it again.
# Not checked here (no systemd as PID 1 in CI containers): `systemctl start` on a real
# Debian 12 (docs/operations.md says how to check it by hand).
# usage: check-deb.sh BUILD_DIR SOURCE_DIR GUI(ON|OFF) VERSION
set -euo pipefail
build=$1
source=$2
gui=$3
version=$4
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

# 1
if ! cpack -G DEB -B "$work/out" --config "$build/CPackConfig.cmake" >"$work/cpack.log" 2>&1; then
    cat "$work/cpack.log" >&2
    fail "cpack -G DEB"
fi
deb=$(ls "$work"/out/pairmatch_"$version"_*.deb)
echo "built $(basename "$deb")"
depends=$(dpkg-deb -f "$deb" Depends)
for lib in libqt6core6 libqt6network6 libqt6websockets6 libqt6sql6 libqt6sql6-sqlite libssl3 libc6; do
    [[ "$depends" == *"$lib "* || "$depends" == *"$lib,"* || "$depends" == *"$lib" ]] ||
        fail "Depends lacks $lib (dpkg-shlibdeps, CPACK_DEBIAN_PACKAGE_DEPENDS): $depends"
done
[[ "$depends" != *pairmatch* ]] || fail "Depends names the package's own libraries: $depends"

# 2
dpkg-deb -c "$deb" | awk '{ print $6 }' >"$work/files"
expect=(./usr/bin/pairmatch ./usr/bin/pairmatch-bench ./usr/bin/pairmatch-replay
    ./usr/lib/pairmatch/libpairmatch_server.so.0 ./usr/lib/pairmatch/libpairmatch_shared.so.0
    ./usr/lib/systemd/system/pairmatch.service ./usr/share/man/man1/pairmatch.1.gz
    ./usr/share/doc/pairmatch/examples/pairmatch.env ./usr/share/doc/pairmatch/copyright)
[ "$gui" = ON ] && expect+=(./usr/lib/pairmatch/libpairmatch_dashboard.so)
if [ -f "$source/resources/pairmatch.desktop" ]; then
    expect+=(./usr/share/applications/pairmatch.desktop
        ./usr/share/icons/hicolor/scalable/apps/pairmatch.svg)
fi
for f in "${expect[@]}"; do
    grep -qxF -- "$f" "$work/files" || fail "$f is not in the package: $(cat "$work/files")"
done
echo "file list: ${#expect[@]} expected files present"

# 3
root=$work/root
dpkg-deb -x "$deb" "$root"
out=$(env -u LD_LIBRARY_PATH "$root/usr/bin/pairmatch" --version)
[ "$out" = "pairmatch $version" ] || fail "unpacked pairmatch --version: $out"
for binary in "$root/usr/bin/pairmatch" ${gui/ON/"$root/usr/lib/pairmatch/libpairmatch_dashboard.so"}; do
    [ "$binary" = OFF ] && continue
    resolved=$(env -u LD_LIBRARY_PATH ldd "$binary" | grep libpairmatch_ || true)
    while read -r line; do
        [ -z "$line" ] && continue
        path=$(sed -n 's/.*=> \([^ ]*\) .*/\1/p' <<<"$line")
        [[ -n "$path" && "$(realpath "$path")" == "$root/usr/lib/pairmatch/"* ]] ||
            fail "$(basename "$binary") does not find its library in the package: $line"
    done <<<"$resolved"
    [ -n "$resolved" ] || fail "ldd $binary lists no libpairmatch_"
done
echo "unpacked: runs, libraries found inside the package"

# 4
warnings=$(zcat "$root/usr/share/man/man1/pairmatch.1.gz" | groff -man -Tutf8 -ww -z 2>&1 || true)
[ -z "$warnings" ] || fail "groff warns on pairmatch.1: $warnings"
page=$(zcat "$root/usr/share/man/man1/pairmatch.1.gz" | groff -man -Tascii 2>/dev/null | col -b)
flags=$(env -u LD_LIBRARY_PATH "$root/usr/bin/pairmatch" --help | grep -oE '^ +(-h, )?--[a-z-]+' | sed 's/.*--/--/')
count=0
for flag in $flags; do
    grep -qE -- "^ +(-h, )?$flag( |$)" <<<"$page" || fail "the man page lacks $flag"
    count=$((count + 1))
done
[ "$count" -gt 20 ] || fail "--help listed only $count flags"
echo "man page: formats cleanly, all $count flags of --help"

# 5
unit=$root/usr/lib/systemd/system/pairmatch.service
for line in 'ExecStart=/usr/bin/pairmatch --no-gui' 'Restart=on-failure' 'DynamicUser=yes' \
    'NoNewPrivileges=yes' 'ProtectSystem=strict' 'ProtectHome=yes' 'PrivateTmp=yes' \
    'CapabilityBoundingSet=' 'ExecReload=/bin/kill -HUP $MAINPID' \
    'EnvironmentFile=-/etc/default/pairmatch' 'StateDirectory=pairmatch' \
    'Environment=PAIRMATCH_HISTORY=/var/lib/pairmatch/history.sqlite'; do
    grep -qxF -- "$line" "$unit" || fail "the unit lacks '$line'"
done
nofile=$(sed -n 's/^LimitNOFILE=//p' "$unit")
[ "${nofile:-0}" -ge 100000 ] || fail "LimitNOFILE=$nofile is too low for 100k connections"
mkdir "$work/unit"
sed "s#^ExecStart=/usr/bin/pairmatch #ExecStart=$root/usr/bin/pairmatch #" "$unit" >"$work/unit/pairmatch.service"
[ "$(diff "$unit" "$work/unit/pairmatch.service" | grep -c '^[<>]')" = 2 ] ||
    fail "the copy of the unit differs by more than its ExecStart"
if ! verify=$(systemd-analyze verify --man=no "$work/unit/pairmatch.service" 2>&1); then
    fail "systemd-analyze verify: $verify"
fi
[ -z "$verify" ] || fail "systemd-analyze verify says: $verify"
echo "unit: systemd-analyze verify accepts it, no message"

# 6
dpkgroot=$work/dpkgroot
mkdir -p "$dpkgroot/var/lib/dpkg/info" "$dpkgroot/var/lib/dpkg/updates" "$dpkgroot/var/lib/dpkg/triggers"
touch "$dpkgroot/var/lib/dpkg/status"
dpkg_in_root() {
    dpkg --root="$dpkgroot" --log=/dev/null --force-script-chrootless --force-depends \
        --force-not-root "$@"
}
dpkg_in_root -i "$deb" >"$work/dpkg.log" 2>&1 || { cat "$work/dpkg.log" >&2; fail "dpkg -i"; }
dpkg_in_root -s pairmatch | grep -qx 'Status: install ok installed' || fail "not installed"
[ -x "$dpkgroot/usr/bin/pairmatch" ] || fail "dpkg did not install usr/bin/pairmatch"
dpkg_in_root -r pairmatch >>"$work/dpkg.log" 2>&1 || { cat "$work/dpkg.log" >&2; fail "dpkg -r"; }
[ ! -e "$dpkgroot/usr/bin/pairmatch" ] || fail "dpkg -r left usr/bin/pairmatch"
echo "dpkg: installed into a scratch root and removed"
echo "PASS"

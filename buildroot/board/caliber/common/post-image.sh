#!/bin/bash
# Buildroot post-image: the flashable disk image (firmware-image/build-image) and the signed
# RAUC update bundle of the same root file system (firmware-image/make-bundle).
#   BR2_ROOTFS_POST_SCRIPT_ARGS = the board: x86_64 or rpi4
# Environment: CALIBER_SIGNING_CERT / CALIBER_SIGNING_KEY (production signing key by path;
# default: the development key), CALIBER_VERSION (default: git describe).
set -euo pipefail

binaries_dir=$1
board=$2
src="$BR2_EXTERNAL_CALIBER_PATH/.."
fw="$src/firmware-image"
version=${CALIBER_VERSION:-$(git -C "$src" describe --always --dirty 2>/dev/null || echo dev)}
export PATH="$HOST_DIR/bin:$HOST_DIR/sbin:$PATH"

case "$board" in
x86_64)
	"$fw/build-image" --board x86_64 --rootfs "$binaries_dir/rootfs.squashfs" \
		--efi "$binaries_dir/efi-part/EFI/BOOT/bootx64.efi" --out "$binaries_dir"
	;;
rpi4)
	boot="$binaries_dir/caliber-boot"
	rm -rf "$boot"
	mkdir -p "$boot/overlays"
	cp "$binaries_dir"/rpi-firmware/start4.elf "$binaries_dir"/rpi-firmware/fixup4.dat "$boot/"
	cp -r "$binaries_dir"/rpi-firmware/overlays/. "$boot/overlays/"
	cp "$binaries_dir"/u-boot.bin "$binaries_dir"/*.dtb "$boot/"
	"$fw/build-image" --board rpi4 --rootfs "$binaries_dir/rootfs.squashfs" \
		--boot-dir "$boot" --out "$binaries_dir"
	;;
*)
	echo "post-image.sh: unknown board $board" >&2
	exit 1
	;;
esac

signing=()
if [[ -n ${CALIBER_SIGNING_KEY:-} ]]; then
	signing=(--cert "$CALIBER_SIGNING_CERT" --key "$CALIBER_SIGNING_KEY")
fi
"$fw/make-bundle" --board "$board" --rootfs "$binaries_dir/rootfs.squashfs" --version "$version" \
	--out "$binaries_dir/caliber-$board-$version.raucb" "${signing[@]}"

#!/bin/bash
# Buildroot post-build: Caliber's units, udev rules, defaults and RAUC keyring into the target
# tree, through the same script the Debian image path uses (firmware-image/).
#   BR2_ROOTFS_POST_SCRIPT_ARGS = the board: x86_64 or rpi4
# Environment: CALIBER_RAUC_KEYRING (the CA that signs bundles; default: the development CA
# from firmware-image/make-dev-keys), CALIBER_VERSION (default: git describe).
set -euo pipefail

target_dir=$1
board=$2
src="$BR2_EXTERNAL_CALIBER_PATH/.."
fw="$src/firmware-image"

keyring=${CALIBER_RAUC_KEYRING:-}
if [[ -z $keyring ]]; then
	"$fw/make-dev-keys"
	keyring="$fw/keys/dev/ca.cert.pem"
fi
version=${CALIBER_VERSION:-$(git -C "$src" describe --always --dirty 2>/dev/null || echo dev)}

"$fw/install-caliber-files" --root "$target_dir" --board "$board" --version "$version" \
	--keyring "$keyring"

# GRUB (x86_64) loads /boot/vmlinuz from the slot; Buildroot installs the kernel as bzImage.
if [[ -e $target_dir/boot/bzImage ]]; then
	ln -sf bzImage "$target_dir/boot/vmlinuz"
fi

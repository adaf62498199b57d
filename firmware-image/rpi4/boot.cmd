# Caliber A/B boot on the Raspberry Pi 4 with RAUC's U-Boot boot counting: BOOT_ORDER is the
# slot preference, BOOT_<slot>_LEFT the tries left. `rauc install` resets the new slot's count
# and puts it first; `rauc status mark-good` (caliber-boot-health.service) refills it once
# Caliber answers. A slot whose tries ran out is skipped: the box falls back by itself.

test -n "${BOOT_ORDER}" || setenv BOOT_ORDER "A B"
test -n "${BOOT_A_LEFT}" || setenv BOOT_A_LEFT 3
test -n "${BOOT_B_LEFT}" || setenv BOOT_B_LEFT 3

setenv rootpart
setenv slot
for BOOT_SLOT in "${BOOT_ORDER}"; do
  if test "x${rootpart}" != "x"; then
    # a slot was chosen already
  elif test "x${BOOT_SLOT}" = "xA"; then
    if test ${BOOT_A_LEFT} -gt 0; then
      setexpr BOOT_A_LEFT ${BOOT_A_LEFT} - 1
      setenv rootpart 2
      setenv slot A
    fi
  elif test "x${BOOT_SLOT}" = "xB"; then
    if test ${BOOT_B_LEFT} -gt 0; then
      setexpr BOOT_B_LEFT ${BOOT_B_LEFT} - 1
      setenv rootpart 3
      setenv slot B
    fi
  fi
done

setenv last_resort
if test "x${rootpart}" = "x"; then
  # Every slot used up its tries: boot the preferred one and keep it up for service.
  setenv rootpart 2
  setenv slot A
  setenv last_resort caliber.boot=last-resort
  if test "x${BOOT_ORDER}" = "xB A"; then
    setenv rootpart 3
    setenv slot B
  fi
fi
saveenv

setenv bootargs "console=ttyS0,115200 console=tty1 root=/dev/mmcblk0p${rootpart} rootfstype=squashfs ro rootwait panic=10 ${last_resort} rauc.slot=${slot}"
load mmc 0:${rootpart} ${kernel_addr_r} /boot/Image
booti ${kernel_addr_r} - ${fdt_addr}

################################################################################
#
# caliber
#
################################################################################

# Built from this source tree (the external tree lives in its buildroot/ folder).
CALIBER_VERSION = 0.1.0
CALIBER_SITE = $(BR2_EXTERNAL_CALIBER_PATH)/..
CALIBER_SITE_METHOD = local
CALIBER_LICENSE = Apache-2.0
CALIBER_LICENSE_FILES = Cargo.toml
CALIBER_OVERRIDE_SRCDIR_RSYNC_EXCLUSIONS = \
	--exclude target --exclude buildroot --exclude firmware-image

CALIBER_KIOSK_FEATURES = \
	$(if $(BR2_PACKAGE_CALIBER_KIOSK_GPIO),gpio) \
	$(if $(BR2_PACKAGE_CALIBER_KIOSK_CAMERA),camera) \
	$(if $(BR2_PACKAGE_CALIBER_KIOSK_SPI_PANEL),spi-panel)

CALIBER_CARGO_BUILD_OPTS = \
	-p caliber -p caliber-kiosk --no-default-features \
	--features "$(addprefix caliber-kiosk/,$(strip $(CALIBER_KIOSK_FEATURES)))"

ifeq ($(BR2_PACKAGE_CALIBER_KIOSK_CAMERA),y)
CALIBER_DEPENDENCIES += host-clang
CALIBER_CARGO_ENV = \
	LIBCLANG_PATH=$(HOST_DIR)/lib \
	BINDGEN_EXTRA_CLANG_ARGS="--sysroot=$(STAGING_DIR)"
endif

# A local source is not vendored by the download step: vendor the crates once it is copied.
define CALIBER_VENDOR_CRATES
	cd $(@D) && mkdir -p .cargo && \
		$(PKG_CARGO_ENV) cargo vendor --locked VENDOR > .cargo/config.toml
endef
CALIBER_POST_RSYNC_HOOKS += CALIBER_VENDOR_CRATES

define CALIBER_INSTALL_TARGET_CMDS
	$(INSTALL) -D -m 0755 $(@D)/target/$(RUSTC_TARGET_NAME)/release/caliber \
		$(TARGET_DIR)/usr/bin/caliber
	$(INSTALL) -D -m 0755 $(@D)/target/$(RUSTC_TARGET_NAME)/release/caliber-kiosk \
		$(TARGET_DIR)/usr/bin/caliber-kiosk
endef

$(eval $(cargo-package))

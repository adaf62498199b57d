include $(sort $(wildcard $(BR2_EXTERNAL_CALIBER_PATH)/package/*/*.mk))

# The caliber CLI reaches the running server through its control socket in /run/caliber
# (caliber.service sets the same variable), so `caliber token create`, `caliber user add`, …
# work in a support shell on the box while the server holds the store.
export CALIBER_RUNTIME_DIR=/run/caliber

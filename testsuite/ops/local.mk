# Operations: the bootstrap's footprint, the Prometheus alert rules and the
# Grafana dashboard, the Debian packages, make install, the systemd units
# and the shell completions.  Tests that need root skip (77) without it.
# Paths are relative to testsuite/.

OPS_TESTS = \
	ops/bootstrap-footprint.sh

TESTS += $(OPS_TESTS)
EXTRA_DIST += $(OPS_TESTS)

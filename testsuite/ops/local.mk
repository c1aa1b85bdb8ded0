# Operations: the bootstrap's footprint, the Prometheus alert rules and the
# Grafana dashboard, the Debian packages, make install, the systemd units
# and the shell completions.  Tests that need root skip (77) without it.
# Paths are relative to testsuite/.

check_PROGRAMS += ops/dashboard-check
ops_dashboard_check_SOURCES = ops/dashboard-check.c
ops_dashboard_check_CFLAGS = $(AM_CFLAGS) $(JANSSON_CFLAGS)
ops_dashboard_check_LDADD = $(JANSSON_LIBS)

OPS_TESTS = \
	ops/bootstrap-footprint.sh \
	ops/prometheus-rules.sh \
	ops/grafana-dashboard.sh \
	ops/make-install.sh \
	ops/debian-packages.sh \
	ops/systemd-units.sh \
	ops/bash-completion.sh

TESTS += $(OPS_TESTS)
EXTRA_DIST += $(OPS_TESTS) ops/ops-lib.sh

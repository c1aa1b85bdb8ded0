# libmirror and mirrorstat: Check tests of the library over captured trees
# (fixtures/), golden-output tests of mirrorstat (golden/), the JSON read
# back with jansson, the Prometheus text checked by promtool, bad input,
# the man page against --help, and the exported symbols; mirrorctl's
# command line and its apply --dry-run of mirror.conf over a made tree.
# Paths are relative to testsuite/.

MIRROR_LIB = $(top_builddir)/lib/libmirror.la

check_PROGRAMS += lib/test-libmirror lib/json-check

lib_test_libmirror_SOURCES = lib/test-libmirror.c
lib_test_libmirror_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
lib_test_libmirror_LDADD = $(MIRROR_LIB) $(CHECK_LIBS)

lib_json_check_SOURCES = lib/json-check.c
lib_json_check_CFLAGS = $(AM_CFLAGS) $(JANSSON_CFLAGS)
lib_json_check_LDADD = $(JANSSON_LIBS)

TESTS += \
	lib/test-libmirror \
	lib/libmirror-symbols.sh \
	lib/libmirror-manpages.sh \
	lib/mirrorstat-golden.sh \
	lib/mirrorstat-stat.sh \
	lib/mirrorstat-json.sh \
	lib/mirrorstat-prometheus.sh \
	lib/mirrorstat-errors.sh \
	lib/mirrorstat-watch.sh \
	lib/mirrorstat-realproc.sh \
	lib/mirrorstat-manpage.sh \
	lib/mirrorctl-cli.sh \
	lib/mirrorctl-apply.sh \
	lib/memtype-golden.sh \
	lib/drill-cli.sh \
	lib/drill-hardware.sh \
	lib/output-contracts.sh

EXTRA_DIST += \
	lib/memtype-golden.sh \
	lib/drill-cli.sh \
	lib/drill-hardware.sh \
	lib/common.sh \
	lib/libmirror-symbols.sh \
	lib/libmirror-manpages.sh \
	lib/mirrorstat-golden.sh \
	lib/mirrorstat-stat.sh \
	lib/mirrorstat-json.sh \
	lib/mirrorstat-prometheus.sh \
	lib/mirrorstat-errors.sh \
	lib/mirrorstat-watch.sh \
	lib/mirrorstat-realproc.sh \
	lib/mirrorstat-manpage.sh \
	lib/mirrorctl-cli.sh \
	lib/mirrorctl-apply.sh \
	lib/output-contracts.sh \
	fixtures golden bench/mirrorstat.sh

# mirrorstat -J on the generated 64-node machine against reading the same
# files with cat (make bench).
# bench/readfiles is a second floor: open, read and close with nothing else.
EXTRA_PROGRAMS += bench/readfiles
CLEANFILES += bench/readfiles$(EXEEXT)
bench_readfiles_SOURCES = bench/readfiles.c

BENCH_TARGETS += bench-mirrorstat
.PHONY: bench-mirrorstat
bench-mirrorstat: bench/readfiles$(EXEEXT)
	top_srcdir='$(abs_top_srcdir)' top_builddir='$(abs_top_builddir)' \
		READFILES='$(abs_builddir)/bench/readfiles$(EXEEXT)' \
		$(SHELL) $(srcdir)/bench/mirrorstat.sh

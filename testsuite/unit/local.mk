# Check unit tests of the portable core (kernel-module/core), linked with
# the same libmccore the module's sources build.  Included from
# testsuite/Makefile.am, so paths are relative to testsuite/.

UNIT_CORE_CFLAGS = $(CHECK_CFLAGS) $(MIRROR_CFLAGS) \
	-I$(top_srcdir)/kernel-module/core
UNIT_CORE_LDADD = $(top_builddir)/kernel-module/libmccore.la $(CHECK_LIBS)

UNIT_TESTS = unit/test-range unit/test-energy unit/test-zalloc unit/test-zsel \
	unit/test-zcache \
	unit/test-field unit/test-output unit/test-conf
check_PROGRAMS += $(UNIT_TESTS)
TESTS += $(UNIT_TESTS)

unit_test_range_SOURCES = unit/test-range.c
unit_test_range_CFLAGS = $(UNIT_CORE_CFLAGS)
unit_test_range_LDADD = $(UNIT_CORE_LDADD)

unit_test_energy_SOURCES = unit/test-energy.c
unit_test_energy_CFLAGS = $(UNIT_CORE_CFLAGS)
unit_test_energy_LDADD = $(UNIT_CORE_LDADD)

unit_test_zalloc_SOURCES = unit/test-zalloc.c
unit_test_zalloc_CFLAGS = $(UNIT_CORE_CFLAGS)
unit_test_zalloc_LDADD = $(UNIT_CORE_LDADD)

unit_test_field_SOURCES = unit/test-field.c
unit_test_field_CFLAGS = $(UNIT_CORE_CFLAGS)
unit_test_field_LDADD = $(UNIT_CORE_LDADD)

# The tools' helper library (cli/libcliutil), not the core.
unit_test_output_SOURCES = unit/test-output.c
unit_test_output_CFLAGS = $(CHECK_CFLAGS) $(JANSSON_CFLAGS) $(MIRROR_CFLAGS) \
	-I$(top_srcdir)/cli -I$(top_srcdir)/lib -D_GNU_SOURCE
unit_test_output_LDADD = $(top_builddir)/cli/libcliutil.la $(CHECK_LIBS) \
	$(JANSSON_LIBS)

unit_test_zcache_SOURCES = unit/test-zcache.c
unit_test_zcache_CFLAGS = $(UNIT_CORE_CFLAGS)
unit_test_zcache_LDADD = $(UNIT_CORE_LDADD)

# mirror.conf's parser (cli/conf.c, in libcliutil).
unit_test_conf_SOURCES = unit/test-conf.c
unit_test_conf_CFLAGS = $(CHECK_CFLAGS) $(JANSSON_CFLAGS) $(MIRROR_CFLAGS) \
	-I$(top_srcdir)/cli -I$(top_srcdir)/lib -D_GNU_SOURCE
unit_test_conf_LDADD = $(top_builddir)/cli/libcliutil.la $(CHECK_LIBS) \
	$(JANSSON_LIBS)

unit_test_zsel_SOURCES = unit/test-zsel.c
unit_test_zsel_CFLAGS = $(UNIT_CORE_CFLAGS)
unit_test_zsel_LDADD = $(UNIT_CORE_LDADD)

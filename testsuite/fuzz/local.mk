# libFuzzer targets for the parsers of the portable core (ranges=, e820
# lines, the energy table).  Included from testsuite/Makefile.am, so paths
# are relative to testsuite/.
#
#   make check          runs fuzz/fuzz-smoke.sh: each fuzzer for ~3 s
#                       (skips with 77 when configure found no clang)
#   make fuzz           runs each fuzzer for $(FUZZ_SECONDS) s (default 60),
#                       growing a corpus in fuzz/corpus-run-* beside the seeds
#   make fuzz-clean     removes the fuzzers, grown corpora and crash files
#
# The fuzzers are built by clang directly (not libtool): libFuzzer supplies
# main(), and the sanitizers must cover the core sources themselves.

FUZZ_NAMES = range e820 energy
FUZZ_TARGETS = fuzz/fuzz-range fuzz/fuzz-e820 fuzz/fuzz-energy
FUZZ_CORE_SRC = $(top_srcdir)/kernel-module/core/text.c \
	$(top_srcdir)/kernel-module/core/range.c \
	$(top_srcdir)/kernel-module/core/energy.c
FUZZ_CORE_DEPS = $(FUZZ_CORE_SRC) $(srcdir)/fuzz/fuzz.h \
	$(top_srcdir)/kernel-module/core/compat.h \
	$(top_srcdir)/kernel-module/core/text.h \
	$(top_srcdir)/kernel-module/core/range.h \
	$(top_srcdir)/kernel-module/core/energy.h
# -fno-sanitize-recover: an undefined-behaviour report must stop the run,
# so libFuzzer saves the input instead of scrolling past it.
FUZZ_CFLAGS = -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
	-g -O1 -I$(top_srcdir)/kernel-module/core -I$(srcdir)/fuzz
FUZZ_SECONDS = 60
FUZZ_MAX_LEN = 8192

TESTS += fuzz/fuzz-smoke.sh
EXTRA_DIST += fuzz/fuzz-smoke.sh fuzz/fuzz.h \
	fuzz/fuzz-range.c fuzz/fuzz-e820.c fuzz/fuzz-energy.c \
	fuzz/corpus-range fuzz/corpus-e820 fuzz/corpus-energy
CLEANFILES += $(FUZZ_TARGETS)

.PHONY: fuzz fuzz-clean

if HAVE_CLANG
fuzz/fuzz-range: $(srcdir)/fuzz/fuzz-range.c $(FUZZ_CORE_DEPS)
	$(AM_V_GEN)$(MKDIR_P) fuzz && \
	$(CLANG) $(FUZZ_CFLAGS) -o $@ $(srcdir)/fuzz/fuzz-range.c $(FUZZ_CORE_SRC)

fuzz/fuzz-e820: $(srcdir)/fuzz/fuzz-e820.c $(FUZZ_CORE_DEPS)
	$(AM_V_GEN)$(MKDIR_P) fuzz && \
	$(CLANG) $(FUZZ_CFLAGS) -o $@ $(srcdir)/fuzz/fuzz-e820.c $(FUZZ_CORE_SRC)

fuzz/fuzz-energy: $(srcdir)/fuzz/fuzz-energy.c $(FUZZ_CORE_DEPS)
	$(AM_V_GEN)$(MKDIR_P) fuzz && \
	$(CLANG) $(FUZZ_CFLAGS) -o $@ $(srcdir)/fuzz/fuzz-energy.c $(FUZZ_CORE_SRC)

# The smoke test needs the fuzzers built first.
fuzz/fuzz-smoke.log: $(FUZZ_TARGETS)

fuzz: $(FUZZ_TARGETS)
	@for name in $(FUZZ_NAMES); do \
		$(MKDIR_P) fuzz/corpus-run-$$name || exit 1; \
		echo "fuzz-$$name: $(FUZZ_SECONDS) s"; \
		fuzz/fuzz-$$name -max_total_time=$(FUZZ_SECONDS) \
			-max_len=$(FUZZ_MAX_LEN) -timeout=10 \
			-print_final_stats=1 \
			-artifact_prefix=fuzz/crash-$$name- \
			fuzz/corpus-run-$$name $(srcdir)/fuzz/corpus-$$name \
			|| { echo "fuzz-$$name FAILED: input saved as fuzz/crash-$$name-*" >&2; exit 1; }; \
	done
else
fuzz:
	@echo "make fuzz: configure found no clang (apt-get install clang, then re-run configure)" >&2; \
	exit 1
endif

fuzz-clean:
	-rm -rf fuzz/corpus-run-range fuzz/corpus-run-e820 fuzz/corpus-run-energy
	-rm -f $(FUZZ_TARGETS) fuzz/crash-*

CLEAN_LOCAL_TARGETS += fuzz-clean

# Benchmarks: built and run by `make bench` only, never by make check.
# Included from testsuite/Makefile.am, so paths are relative to testsuite/.
#
#   make bench                          all benchmarks
#   make -C testsuite bench-zalloc BENCH_ZALLOC_FLAGS='-q'
#                                       the zone allocator, smaller zones

EXTRA_PROGRAMS += bench/bench-zalloc
CLEANFILES += bench/bench-zalloc$(EXEEXT)

bench_bench_zalloc_SOURCES = bench/bench-zalloc.c
bench_bench_zalloc_CFLAGS = $(MIRROR_CFLAGS) \
	-I$(top_srcdir)/kernel-module/core
bench_bench_zalloc_LDADD = $(top_builddir)/kernel-module/libmccore.la

BENCH_ZALLOC_FLAGS =
BENCH_TARGETS += bench-zalloc

.PHONY: bench-zalloc
bench-zalloc: bench/bench-zalloc$(EXEEXT)
	./bench/bench-zalloc$(EXEEXT) $(BENCH_ZALLOC_FLAGS)

# Page fill with ones and zeros (mirror.ko's rep stosq) against memset on
# the same buffers: make -C testsuite bench-fill BENCH_FILL_FLAGS='-q'
EXTRA_PROGRAMS += bench/bench-fill
CLEANFILES += bench/bench-fill$(EXEEXT)
bench_bench_fill_SOURCES = bench/bench-fill.c

BENCH_FILL_FLAGS =
BENCH_TARGETS += bench-fill

.PHONY: bench-fill
bench-fill: bench/bench-fill$(EXEEXT)
	./bench/bench-fill$(EXEEXT) $(BENCH_FILL_FLAGS)

# The emulated controller's scrub against a plain memcmp of the same two
# copies, inside the test machine (vm/tests/88-drill-bench.sh):
#   make -C testsuite bench-scrub
BENCH_TARGETS += bench-scrub
.PHONY: bench-scrub
bench-scrub:
	$(VM_RUN) --stream '88*'

# mirror.ko's allocator against the kernel's alloc_pages() + __free_pages()
# (orders 0 and 3, one CPU and all, warm/pair/batch32), and moving a
# process into the zones and back against migrate_pages(2) (also with
# transparent huge pages), and the time from first touch to mirrored,
# inside the test machine (vm/tests/80-bench.sh, vm/tests/76-first-bench.sh):
#   make -C testsuite bench-alloc bench-migrate
BENCH_TARGETS += bench-alloc bench-migrate
.PHONY: bench-alloc bench-migrate
bench-alloc:
	$(VM_RUN) --stream '80*'
bench-migrate:
	$(VM_RUN) --stream '76*'

# What the sweeper costs while a flagged 1 GiB process sits in the zones,
# at three sweep intervals, in the bigger test machine (four 3 GiB nodes,
# vm/tests-big/97-sweep-cost.sh): make -C testsuite bench-sweep
BENCH_TARGETS += bench-sweep
.PHONY: bench-sweep
bench-sweep:
	MIRROR_VM_NODE_MB=3072 $(VM_RUN) --stream \
		--tests-dir $(srcdir)/vm/tests-big '97*'

# The benchmarks BENCH_RUNS times (default 3), one after the other, each
# run's output in bench-runs/runN.log, then a table of the figures the
# speed targets name, one column per run (bench/table.sh):
#   make -C testsuite bench-runs [BENCH_RUNS=3]
EXTRA_DIST += bench/table.sh
CLEAN_LOCAL_TARGETS += clean-bench-runs
.PHONY: bench-runs clean-bench-runs
bench-runs:
	@mkdir -p bench-runs; logs=; \
	for r in $$(seq 1 $${BENCH_RUNS:-3}); do \
		echo "bench-runs: run $$r, output in bench-runs/run$$r.log"; \
		$(MAKE) bench >bench-runs/run$$r.log 2>&1 || \
			echo "bench-runs: run $$r failed (see its log)"; \
		logs="$$logs bench-runs/run$$r.log"; \
	done; \
	$(SHELL) $(srcdir)/bench/table.sh $$logs
clean-bench-runs:
	-rm -rf bench-runs

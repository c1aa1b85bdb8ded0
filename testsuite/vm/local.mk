# The QEMU test machine (testsuite/vm/README.md): vm-check.vmtap boots it
# and runs every script of vm/tests, vm-bigzones.vmtap boots a bigger one
# for the scripts of vm/tests-big; each reports a TAP result per script.

TEST_EXTENSIONS += .vmtap
TESTS += vm/vm-check.vmtap vm/vm-bigzones.vmtap
# vm-run.sh --script's streaming, many runs on busy CPUs (VM_STREAM_RUNS)
TESTS += vm/vm-stream.sh
# Arguments of the other kernels, the debug fragment, the report pattern.
TESTS += vm/kernel-args.sh
VMTAP_LOG_DRIVER = env AM_TAP_AWK='$(AWK)' $(SHELL) \
	$(top_srcdir)/build-aux/tap-driver.sh
VMTAP_LOG_COMPILER = $(SHELL) $(srcdir)/ci-skip-guard.sh $(SHELL)
AM_TESTS_ENVIRONMENT += CC='$(CC)'; export CC;

EXTRA_DIST += \
	vm/README.md \
	vm/lib.sh \
	vm/mkinitramfs.sh \
	vm/vm-check.vmtap \
	vm/vm-bigzones.vmtap \
	vm/vm-config.sh \
	vm/vm-init.sh \
	vm/vm-run.sh \
	vm/vm-stream.sh \
	vm/vm-kernel.sh \
	vm/kernel-args.sh \
	vm/debug-kernel.config \
	vm/debug-kernel-patches/0001-clear-hwpoisoned-pages-poisoned-memmap.patch \
	$(wildcard $(srcdir)/vm/tests/* $(srcdir)/vm/tests-big/* \
		$(srcdir)/vm/tests-pagealloc/* \
		$(srcdir)/vm/helpers/*) \
	$(wildcard $(srcdir)/vm/debug-checks/*)

# Developer entry points, e.g.
#   make -C testsuite vm-test VMTESTS='00* 2*'
#   make -C testsuite vm-script SCRIPT=path/to/demo.sh
#   make -C testsuite vm-shell
VM_RUN = top_builddir='$(abs_top_builddir)' KERNEL_RELEASE='$(KERNEL_RELEASE)' \
	QEMU='$(QEMU)' CC='$(CC)' $(SHELL) $(srcdir)/vm/vm-run.sh

.PHONY: vm-test vm-script vm-shell clean-vm
vm-test:
	$(VM_RUN) --stream $(VMTESTS)
vm-script:
	@test -n "$(SCRIPT)" || { echo "usage: make vm-script SCRIPT=FILE" >&2; exit 1; }
	$(VM_RUN) --script '$(SCRIPT)'
vm-shell:
	$(VM_RUN) --shell

CLEAN_LOCAL_TARGETS += clean-vm
clean-vm:
	-rm -rf vm-build

# The whole suite on the debug kernel (KASAN, lockdep, mm debug checks,
# kmemleak): vm-run.sh --debug-kernel.  vm-kernel.sh builds the kernel once
# into debug-kernel/; make clean keeps it, make distclean removes it (and
# rt-kernel/, the PREEMPT_RT kernel of vm-run.sh --kernel-flavour rt).
# Not part of make check: the kernel build and the slow suite do not fit
# CI's time.  Without VMTESTS a second boot, with debug_pagealloc=on, runs
# the scripts of vm/tests-pagealloc (mirror.ko refuses to claim zones
# there).
#   make check-debug [VMTESTS='2* 5*']
.PHONY: check-debug
check-debug:
	$(VM_RUN) --debug-kernel $(VMTESTS)
	$(if $(VMTESTS),,$(VM_RUN) --debug-kernel --append debug_pagealloc=on \
		--tests-dir $(srcdir)/vm/tests-pagealloc)
	$(if $(VMTESTS),,$(MAKE) $(AM_MAKEFLAGS) check-debug-big)

# The scripts of vm/tests-big (2 GiB zones, the sweeper's cost) on the
# debug kernel, in the bigger machine vm-bigzones.vmtap boots (3 GiB
# nodes; node 0 larger for KASAN's shadow, vm-run.sh).  make check-debug
# runs it last, unless VMTESTS picks scripts of the suite.
#   make -C testsuite check-debug-big
.PHONY: check-debug-big
check-debug-big:
	MIRROR_VM_NODE_MB=3072 $(VM_RUN) --debug-kernel \
		--tests-dir $(srcdir)/vm/tests-big \
		--log '$(abs_top_builddir)/testsuite/vm-build/console-big-debug.log'

# The random-operation stress test (vm/tests/96-stress.sh) alone, for
# MIRROR_STRESS_SECONDS (default 30 minutes; the suite runs it for 240 s);
# MIRROR_STRESS_SEED=N replays a run; DEBUG=1 runs it on the debug kernel
# (vm-run.sh --debug-kernel, time limits x4).
#   make stress [MIRROR_STRESS_SECONDS=600] [MIRROR_STRESS_SEED=N] [DEBUG=1]
.PHONY: stress
stress:
	MIRROR_STRESS_SECONDS=$${MIRROR_STRESS_SECONDS:-1800} \
	$(VM_RUN) --stream $(if $(filter-out 0,$(DEBUG)),--debug-kernel) 96-stress

# The failover soak (vm/tests/86-drill-soak.sh) at goal size: 625 rounds of
# 16 injections through each repair path (the kernel's memory-failure path
# and the channel's scrub), 10,000 errors each, 0 pages may be lost.
#   make soak [MIRROR_SOAK_ROUNDS=N] [DEBUG=1]
.PHONY: soak
soak:
	MIRROR_SOAK_ROUNDS=$${MIRROR_SOAK_ROUNDS:-625} \
	MIRROR_SOAK_TIMEOUT=$${MIRROR_SOAK_TIMEOUT:-7200} \
	$(VM_RUN) --stream $(if $(filter-out 0,$(DEBUG)),--debug-kernel) 86-drill-soak

distclean-local:
	-rm -rf debug-kernel rt-kernel

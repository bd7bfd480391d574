# SPDX-License-Identifier: GPL-2.0
#
# dmaapi: the kernel's DMA API for userspace drivers.
#   make                 module (for the running kernel), library, tools, selftests
#   make KDIR=<tree>     module for another kernel (ARCH=, CROSS_COMPILE= pass through)
#   make ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu- KDIR=<arm64 tree>
#                        everything for a board: module, library, tools, selftests
#   make check           contract, host tests, module builds, the booted-kernel matrix
#   make demo            boot a kernel and move data through QEMU's edu device
#   make bench           tools/dmaapi-bench beside the kernel's own references
#                        (dma_map_benchmark, dma-heap, udmabuf) in a booted
#                        reference kernel, direct and swiotlb=force
#   make install         library, header, .pc, dmaapictl, man pages, the opt-in
#                        udev rule (DESTDIR, PREFIX honoured; UDEVRULESDIR=)
#   make modules_install the module (INSTALL_MOD_PATH honoured)

VERSION := $(shell cat VERSION)
KDIR ?= /lib/modules/$(shell uname -r)/build
PREFIX ?= /usr/local
DESTDIR ?=

# A cross build compiles the userspace with $(CROSS_COMPILE)gcc, without
# libkmod (the host's does not link for the target).  The tree holds one
# toolchain's objects: building for another cleans them first.
ifneq ($(CROSS_COMPILE),)
USER_MAKEFLAGS := CC=$(CROSS_COMPILE)gcc AR=$(CROSS_COMPILE)ar KMOD_LIBS=
endif
USER_TOOLCHAIN := $(or $(CROSS_COMPILE),native)

all: modules lib tools selftests

modules:
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

modules_install:
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules_install

toolchain:
	@if [ "$$(cat .toolchain 2>/dev/null || echo native)" != "$(USER_TOOLCHAIN)" ]; then \
		echo "userspace: switching to the $(USER_TOOLCHAIN) toolchain: cleaning"; \
		$(MAKE) -s -C lib clean && $(MAKE) -s -C tools clean && \
		$(MAKE) -s -C selftests clean; \
	fi
	@echo "$(USER_TOOLCHAIN)" >.toolchain

lib: toolchain
	$(MAKE) -C lib $(USER_MAKEFLAGS)

tools: lib
	$(MAKE) -C tools $(USER_MAKEFLAGS)

selftests: lib
	$(MAKE) -C selftests $(USER_MAKEFLAGS)

check:
	tools/check

demo:
	tools/demo

bench:
	tools/bench

# libdmaapi.pc names PREFIX: regenerate it in case lib/ was built for another.
install: lib tools
	$(MAKE) -C lib -B libdmaapi.pc PREFIX=$(PREFIX)
	$(MAKE) -C lib install PREFIX=$(PREFIX) DESTDIR=$(DESTDIR)
	$(MAKE) -C tools install PREFIX=$(PREFIX) DESTDIR=$(DESTDIR)

clean:
	-$(MAKE) -C $(KDIR) M=$(CURDIR) clean
	$(MAKE) -C lib clean
	$(MAKE) -C tools clean
	$(MAKE) -C selftests clean
	rm -rf out .toolchain

.PHONY: all modules modules_install toolchain lib tools selftests check demo bench install clean

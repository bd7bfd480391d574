# SPDX-License-Identifier: GPL-2.0
#
# dmaapi: the kernel's DMA API for userspace drivers.
#   make                 module (for the running kernel), library, tools, selftests
#   make KDIR=<tree>     module for another kernel (ARCH=, CROSS_COMPILE= pass through)
#   make check           contract, host tests, module builds, the booted-kernel matrix
#   make demo            boot a kernel and move data through QEMU's edu device
#   make install         library, header, .pc, dmaapictl, man pages, the opt-in
#                        udev rule (DESTDIR, PREFIX honoured; UDEVRULESDIR=)
#   make modules_install the module (INSTALL_MOD_PATH honoured)

VERSION := $(shell cat VERSION)
KDIR ?= /lib/modules/$(shell uname -r)/build
PREFIX ?= /usr/local
DESTDIR ?=

all: modules lib tools selftests

modules:
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

modules_install:
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules_install

lib:
	$(MAKE) -C lib

tools: lib
	$(MAKE) -C tools

selftests: lib
	$(MAKE) -C selftests

check:
	tools/check

demo:
	tools/demo

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
	rm -rf out

.PHONY: all modules modules_install lib tools selftests check demo install clean

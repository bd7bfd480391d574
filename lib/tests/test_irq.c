// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Interrupts and registers (lib/irq.c, lib/regions.c) against a fake kernel:
 * test_linux.c's ioctl and mmap wrappers hand the commands from 0xA0 and
 * the region mmap offsets (handle bits 0) to the fakes here.  The fake's
 * irq fd is a real eventfd, so the library's read(), poll() and write()
 * run for real: the test "raises an interrupt" by writing to it.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/dmaapi.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <unistd.h>

#include <dmaapi.h>
#include "test.h"
#include "tracking.h"

int fake_irq_ioctl(int fd, unsigned long req, void *arg);
void fake_linux_begin(void);
void fake_linux_end(void);
void *fake_regs_mmap(size_t len, int prot, int flags, off_t off);

static struct {
	struct dmaapi_irq_set last_set;
	unsigned attaches, detaches, infos;
	int fail_errno;		/* the next IRQ_SET fails with it */
	int irq_fd;		/* the last irq fd handed out */
	off_t mmap_off;
	size_t mmap_len;
	void *mem;
} fi;

int fake_irq_ioctl(int fd, unsigned long req, void *arg)
{
	(void)fd;
	switch (req) {
	case DMAAPI_IOCTL_IRQ_INFO: {
		struct dmaapi_irq_info *i = arg;

		fi.infos++;
		if (i->size != sizeof(*i) || i->flags || i->type >= DMAAPI_IRQ_NR_TYPES)
			return errno = EINVAL, -1;
		i->count = i->type == DMAAPI_IRQ_INTX ? 1 : i->type == DMAAPI_IRQ_MSI ? 2 : 0;
		i->out_flags = i->type == DMAAPI_IRQ_INTX ? DMAAPI_IRQ_AUTOMASKED : 0;
		i->active_type = DMAAPI_IRQ_NONE;
		return 0;
	}
	case DMAAPI_IOCTL_IRQ_SET: {
		struct dmaapi_irq_set *s = arg;

		if (s->size != sizeof(*s))
			return errno = EINVAL, -1;
		fi.last_set = *s;
		if (fi.fail_errno) {
			errno = fi.fail_errno;
			fi.fail_errno = 0;
			return -1;
		}
		if (s->flags & DMAAPI_IRQ_SET_DETACH) {
			fi.detaches++;
			return 0;
		}
		fi.attaches++;
		s->irq_fd = eventfd(0, EFD_CLOEXEC);
		fi.irq_fd = s->irq_fd;
		return s->irq_fd < 0 ? -1 : 0;
	}
	case DMAAPI_IOCTL_REGION_INFO: {
		struct dmaapi_region_info *r = arg;

		if (r->size != sizeof(*r) || r->flags || r->__reserved ||
		    r->index >= DMAAPI_REGION_MAX_INDEX)
			return errno = EINVAL, -1;
		r->count = 6;
		r->mmap_offset = DMAAPI_REGION_MMAP_OFFSET(r->index);
		r->region_flags = r->index == 0 ? DMAAPI_REGION_IO :
				  r->index == 2 ? DMAAPI_REGION_MMAP : 0;
		r->length = r->index == 0 ? 32 : r->index == 2 ? 8192 : 0;
		return 0;
	}
	}
	return errno = ENOTTY, -1;
}

void *fake_regs_mmap(size_t len, int prot, int flags, off_t off)
{
	fi.mmap_off = off;
	fi.mmap_len = len;
	if (!(flags & MAP_SHARED) || prot != (PROT_READ | PROT_WRITE))
		return errno = EBADF, MAP_FAILED;
	if ((uint64_t)off != DMAAPI_REGION_MMAP_OFFSET(2) || len != 8192)
		return errno = ENXIO, MAP_FAILED;
	fi.mem = calloc(1, len);
	return fi.mem;
}

static bool fd_is_open(int fd)
{
	return fd >= 0 && fcntl(fd, F_GETFD) != -1;
}

static void irq_api(void)
{
	struct dmaapi_device *dev = NULL, *custom = NULL;
	struct dmaapi_irq *irq = NULL, *irq2 = NULL;
	struct tracking t;
	unsigned int n = 99;
	uint64_t v, c = 0;
	int efd;

	t_group("interrupts: count, attach, wait, unmask, detach");
	memset(&fi, 0, sizeof(fi));
	CHECK_EQ(dmaapi_device_open("/dev/dmaapi-fake", 0, &dev), 0);
	if (!CHECK(dev))
		return;

	CHECK_EQ(dmaapi_irq_count(dev, DMAAPI_INTR_INTX, &n), 0);
	CHECK_EQ(n, 1);
	CHECK_EQ(dmaapi_irq_count(dev, DMAAPI_INTR_MSI, &n), 0);
	CHECK_EQ(n, 2);
	CHECK_EQ(dmaapi_irq_count(dev, DMAAPI_INTR_MSIX, &n), 0);
	CHECK_EQ(n, 0);
	CHECK_ERR(dmaapi_irq_count(dev, (enum dmaapi_intr_type)4, &n), DMAAPI_ERR_INDEX);
	CHECK_ERR(dmaapi_irq_count(NULL, DMAAPI_INTR_MSI, &n), DMAAPI_ERR_NULL_POINTER);
	CHECK_ERR(dmaapi_irq_count(dev, DMAAPI_INTR_MSI, NULL), DMAAPI_ERR_NULL_POINTER);

	/* a custom backend has no kernel node */
	tracking_init(&t, false);
	CHECK_EQ(dmaapi_device_new(~0ULL, &t.ops, &t, &custom), 0);
	CHECK_ERR(dmaapi_irq_count(custom, DMAAPI_INTR_MSI, &n), DMAAPI_ERR_SYSTEM);
	CHECK_EQ(dmaapi_last_error()->sys_errno, EOPNOTSUPP);
	CHECK_ERR(dmaapi_irq_attach(custom, DMAAPI_INTR_MSI, 0, -1, &irq), DMAAPI_ERR_SYSTEM);
	CHECK(!irq);
	dmaapi_device_close(custom);

	/* out of range: refused before the kernel is asked to attach */
	CHECK_ERR(dmaapi_irq_attach(dev, DMAAPI_INTR_MSI, 2, -1, &irq), DMAAPI_ERR_INDEX);
	CHECK_ERR(dmaapi_irq_attach(dev, DMAAPI_INTR_MSIX, 0, -1, &irq), DMAAPI_ERR_INDEX);
	CHECK_EQ(dmaapi_last_error()->sys_errno, EOPNOTSUPP);
	CHECK_ERR(dmaapi_irq_attach(dev, DMAAPI_INTR_MSI, 0, -1, NULL), DMAAPI_ERR_NULL_POINTER);
	CHECK_EQ(fi.attaches, 0);
	fi.fail_errno = EBUSY;
	CHECK_ERR(dmaapi_irq_attach(dev, DMAAPI_INTR_MSI, 1, -1, &irq), DMAAPI_ERR_SYSTEM);
	CHECK_EQ(dmaapi_last_error()->sys_errno, EBUSY);
	CHECK(!irq);

	CHECK_EQ(dmaapi_irq_attach(dev, DMAAPI_INTR_MSI, 1, 42, &irq), 0);
	if (!CHECK(irq))
		goto out;
	CHECK_EQ(fi.last_set.type, DMAAPI_IRQ_MSI);
	CHECK_EQ(fi.last_set.index, 1);
	CHECK_EQ(fi.last_set.eventfd, 42);
	CHECK_EQ(fi.last_set.flags, 0);
	efd = dmaapi_irq_fd(irq);
	CHECK_EQ(efd, fi.irq_fd);
	CHECK_EQ(dmaapi_irq_fd(NULL), -1);

	/* nothing yet: a zero timeout reports ETIMEDOUT */
	CHECK_ERR(dmaapi_irq_wait(irq, 0, &c), DMAAPI_ERR_SYSTEM);
	CHECK_EQ(dmaapi_last_error()->sys_errno, ETIMEDOUT);
	/* an interrupt: the wait returns what the fd reads */
	v = 3;
	CHECK_EQ(write(efd, &v, sizeof(v)), sizeof(v));
	CHECK_EQ(dmaapi_irq_wait(irq, -1, &c), 0);
	CHECK_EQ(c, 3);
	v = 1;
	CHECK_EQ(write(efd, &v, sizeof(v)), sizeof(v));
	CHECK_EQ(dmaapi_irq_wait(irq, 1000, NULL), 0);
	/* unmask writes 8 bytes to the irq fd */
	CHECK_EQ(dmaapi_irq_unmask(irq), 0);
	CHECK_EQ(dmaapi_irq_wait(irq, 0, &c), 0);
	CHECK_EQ(c, 1);
	CHECK_ERR(dmaapi_irq_wait(NULL, 0, &c), DMAAPI_ERR_NULL_POINTER);
	CHECK_ERR(dmaapi_irq_unmask(NULL), DMAAPI_ERR_NULL_POINTER);

	/* a second vector; detach asks the kernel and closes the fd */
	CHECK_EQ(dmaapi_irq_attach(dev, DMAAPI_INTR_MSI, 0, -1, &irq2), 0);
	CHECK_EQ(fi.last_set.eventfd, -1);
	dmaapi_irq_detach(irq);
	CHECK_EQ(fi.detaches, 1);
	CHECK_EQ(fi.last_set.flags, DMAAPI_IRQ_SET_DETACH);
	CHECK_EQ(fi.last_set.index, 1);
	CHECK(!fd_is_open(efd));
	dmaapi_irq_detach(NULL);
	/* the vector keeps the device: closing it first is fine */
	dmaapi_device_close(dev);
	dev = NULL;
	dmaapi_irq_detach(irq2);
	CHECK_EQ(fi.detaches, 2);
out:
	dmaapi_device_close(dev);
}

static void regs_api(void)
{
	struct dmaapi_device *dev = NULL;
	struct dmaapi_regs_info info;
	volatile void *p = NULL;
	size_t len = 0;

	t_group("registers: info, map, unmap");
	memset(&fi, 0, sizeof(fi));
	CHECK_EQ(dmaapi_device_open("/dev/dmaapi-fake", 0, &dev), 0);
	if (!CHECK(dev))
		return;
	CHECK_EQ(dmaapi_regs_info(dev, 2, &info), 0);
	CHECK_EQ(info.count, 6);
	CHECK_EQ(info.flags, DMAAPI_REGS_MMAP);
	CHECK_EQ(info.length, 8192);
	CHECK_EQ(dmaapi_regs_info(dev, 0, &info), 0);
	CHECK_EQ(info.flags, DMAAPI_REGS_IO);
	CHECK_EQ(dmaapi_regs_info(dev, 9, &info), 0);
	CHECK_EQ(info.length, 0);
	CHECK_ERR(dmaapi_regs_info(dev, DMAAPI_REGION_MAX_INDEX, &info), DMAAPI_ERR_INDEX);
	CHECK_ERR(dmaapi_regs_info(NULL, 0, &info), DMAAPI_ERR_NULL_POINTER);
	CHECK_ERR(dmaapi_regs_info(dev, 0, NULL), DMAAPI_ERR_NULL_POINTER);

	/* only a mappable region is mapped, at its offset and length */
	CHECK_ERR(dmaapi_regs_map(dev, 0, &p, &len), DMAAPI_ERR_INDEX);
	CHECK_ERR(dmaapi_regs_map(dev, 3, &p, &len), DMAAPI_ERR_INDEX);
	CHECK_ERR(dmaapi_regs_map(dev, 2, NULL, &len), DMAAPI_ERR_NULL_POINTER);
	CHECK_EQ(fi.mmap_len, 0);
	CHECK_EQ(dmaapi_regs_map(dev, 2, &p, &len), 0);
	CHECK(p && p == fi.mem);
	CHECK_EQ(len, 8192);
	CHECK_EQ((uint64_t)fi.mmap_off, DMAAPI_REGION_MMAP_OFFSET(2));
	free(fi.mem);	/* the fake's memory; the real munmap would refuse it */
	CHECK_ERR(dmaapi_regs_unmap((void *)1, 4096), DMAAPI_ERR_SYSTEM);
	dmaapi_device_close(dev);
}

void suite_irq(void)
{
	fake_linux_begin();
	irq_api();
	regs_api();
	fake_linux_end();
}

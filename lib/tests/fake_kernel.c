// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The fake kernel behind the Linux backend's tests (test_linux.c,
 * test_dmabuf.c, test_chan.c, test_irq.c, test_syncv.c): the test binary is
 * linked with -Wl,--wrap=ioctl,--wrap=mmap,--wrap=mmap64,--wrap=munmap,
 * --wrap=open,--wrap=open64, so the library's dmaapi ioctls and its mmaps of
 * the device land here while every other call goes to the real one.  The
 * device node is /dev/null; opens of /dev/dmaapi* are recorded and
 * redirected there.
 */
#include "test.h"
#include "fake_kernel.h"

#include <dmaapi.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/dmaapi.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

int __real_ioctl(int fd, unsigned long req, ...);
int __wrap_ioctl(int fd, unsigned long req, ...);
void *__real_mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off);
void *__wrap_mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off);
void *__real_mmap64(void *addr, size_t len, int prot, int flags, int fd, off_t off);
void *__wrap_mmap64(void *addr, size_t len, int prot, int flags, int fd, off_t off);
int __real_munmap(void *addr, size_t len);
int __wrap_munmap(void *addr, size_t len);
int __real_open(const char *path, int flags, ...);
int __wrap_open(const char *path, int flags, ...);
int __real_open64(const char *path, int flags, ...);
int __wrap_open64(const char *path, int flags, ...);


struct fake fk;

void fake_reset(void)
{
	for (unsigned i = 0; i < fk.nbufs; i++)
		free(fk.bufs[i].mem);
	memset(&fk, 0, sizeof(fk));
	fk.active = true;
	fk.fd = -1;
	fk.api_version = DMAAPI_API_VERSION;
	fk.next_dma = 0x10000;
	fk.next_handle = 1;
}

/* test_irq.c: the fake kernel for the commands from 0xA0, and on and off. */
int fake_irq_ioctl(int fd, unsigned long req, void *arg);
void *fake_regs_mmap(size_t len, int prot, int flags, off_t off);
void fake_linux_begin(void);
void fake_linux_end(void);

void fake_linux_begin(void)
{
	fake_reset();
}

void fake_linux_end(void)
{
	fake_reset();
	fk.active = false;
}

unsigned fake_live(void)
{
	unsigned n = 0;

	for (unsigned i = 0; i < fk.nbufs; i++)
		n += !fk.bufs[i].freed + fk.bufs[i].mapped;
	return n;
}

struct fake_buf *fake_new_buf(uint64_t length, bool backing)
{
	struct fake_buf *b = &fk.bufs[fk.nbufs++];

	b->handle = fk.next_handle++;
	b->length = length;
	if (backing)
		b->mem = calloc(1, (length + 4095) & ~4095ULL);
	return b;
}

static int fake_ioctl(int fd, unsigned long req, void *arg)
{
	unsigned idx = CMD_IDX(req);
	int err;

	fk.fd = fd;
	/* interrupts and registers: test_irq.c */
	if (_IOC_TYPE(req) == DMAAPI_TYPE && _IOC_NR(req) >= DMAAPI_CMD_IRQ_INFO)
		return fake_irq_ioctl(fd, req, arg);
	if (idx >= NCMD || _IOC_TYPE(req) != DMAAPI_TYPE)
		return errno = ENOTTY, -1;
	fk.calls[idx]++;
	if (fk.eintr[idx]) {
		fk.eintr[idx]--;
		return errno = EINTR, -1;
	}
	err = fk.fail_errno[idx];
	fk.fail_errno[idx] = 0;

	switch (req) {
	case DMAAPI_IOCTL_GET_INFO: {
		struct dmaapi_info *i = arg;

		if (i->size != sizeof(*i) || i->flags)
			return errno = EINVAL, -1;
		if (err)
			return errno = err, -1;
		i->api_version = fk.api_version;
		i->page_size = 4096;
		i->dma_mask = fk.mask;
		i->device_mask = 0xffffffffffULL;
		i->bus_limit = 0xfffffffffULL;
		i->dev_flags = DMAAPI_DEV_COHERENT | DMAAPI_DEV_PCI;
		i->max_handles = 1024;
		i->max_alloc_size = 4 << 20;
		i->handles = fake_live() + 70;
		i->bytes = 12345;
		return 0;
	}
	case DMAAPI_IOCTL_SET_MASK: {
		struct dmaapi_set_mask *s = arg;

		if (s->size != sizeof(*s) || s->flags)
			return errno = EINVAL, -1;
		if (err)
			return errno = err, -1;
		fk.mask = s->mask;
		return 0;
	}
	case DMAAPI_IOCTL_ALLOC: {
		struct dmaapi_alloc *a = arg;
		struct fake_buf *b;

		fk.last_alloc = *a;
		if (a->size != sizeof(*a) || a->__reserved)
			return errno = EINVAL, -1;
		if (err) {
			if (err == ERANGE || err == EDOM)
				a->dma_addr = fk.fail_dma_addr;
			return errno = err, -1;
		}
		b = fake_new_buf(a->length, true);
		a->handle = b->handle;
		a->dma_addr = fk.next_dma;
		fk.next_dma += 0x10000;
		a->mmap_offset = (uint64_t)b->handle << DMAAPI_MMAP_SHIFT;
		a->out_flags = fk.out_flags;
		return 0;
	}
	case DMAAPI_IOCTL_MAP_USER: {
		struct dmaapi_map_user *m = arg;
		struct fake_buf *b;

		fk.last_map = *m;
		if (m->size != sizeof(*m) || m->__reserved)
			return errno = EINVAL, -1;
		if (err) {
			if (err == ERANGE || err == EDOM)
				m->dma_addr = fk.fail_dma_addr;
			return errno = err, -1;
		}
		b = fake_new_buf(m->length, false);
		m->handle = b->handle;
		m->dma_addr = fk.next_dma + (m->uaddr & 4095);
		fk.next_dma += 0x10000;
		m->out_flags = fk.out_flags;
		return 0;
	}
	case DMAAPI_IOCTL_SYNC: {
		struct dmaapi_sync *s = arg;

		if (fk.nsync < 16)
			fk.syncs[fk.nsync++] = *s;
		if (err)
			return errno = err, -1;
		return 0;
	}
	case DMAAPI_IOCTL_FREE: {
		struct dmaapi_free *f = arg;

		if (fk.nfree < 16)
			fk.frees[fk.nfree++] = f->handle;
		for (unsigned i = 0; i < fk.nbufs; i++) {
			if (fk.bufs[i].handle == f->handle && !fk.bufs[i].freed) {
				fk.bufs[i].freed = true;
				return 0;
			}
		}
		return errno = ENOENT, -1;
	}
	case DMAAPI_IOCTL_EXPORT_DMABUF:
	case DMAAPI_IOCTL_IMPORT_DMABUF:
	case DMAAPI_IOCTL_GET_SEGMENTS:
		return fake_dmabuf_ioctl(req, arg, err);
	}
	return errno = ENOTTY, -1;
}

int __wrap_ioctl(int fd, unsigned long req, ...)
{
	va_list ap;
	void *arg;

	va_start(ap, req);
	arg = va_arg(ap, void *);
	va_end(ap);
	/* the vectored sync: test_syncv.c's fake */
	if (fk.active && req == DMAAPI_IOCTL_SYNCV)
		return fake_syncv_ioctl(fd, req, arg);
	/* the channel commands: test_chan.c's fake */
	if (fk.active && _IOC_TYPE(req) == DMAAPI_TYPE &&
	    _IOC_NR(req) >= DMAAPI_CMD_CHAN_REQUEST &&
	    _IOC_NR(req) < DMAAPI_CMD_IRQ_INFO)
		return fake_chan_ioctl(fd, req, arg);
	if (fk.active && _IOC_TYPE(req) == DMAAPI_TYPE)
		return fake_ioctl(fd, req, arg);
	return __real_ioctl(fd, req, arg);
}

static void *fake_mmap(size_t len, int prot, int flags, off_t off)
{
	if (!((uint64_t)off >> DMAAPI_MMAP_SHIFT))	/* a register region */
		return fake_regs_mmap(len, prot, flags, off);
	fk.mmap_len = len;
	fk.mmap_off = off;
	fk.mmap_flags = flags;
	if (fk.mmap_errno) {
		errno = fk.mmap_errno;
		fk.mmap_errno = 0;
		return MAP_FAILED;
	}
	if (!(flags & MAP_SHARED) || prot != (PROT_READ | PROT_WRITE))
		return errno = EBADF, MAP_FAILED;
	for (unsigned i = 0; i < fk.nbufs; i++) {
		struct fake_buf *b = &fk.bufs[i];

		if (b->mem && (uint64_t)off == (uint64_t)b->handle << DMAAPI_MMAP_SHIFT &&
		    len == ((b->length + 4095) & ~4095ULL) && !b->mapped) {
			b->mapped = true;
			return b->mem;
		}
	}
	return errno = ENXIO, MAP_FAILED;
}

void *__wrap_mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	if (fk.active && fd == fk.fd && fd >= 0)
		return fake_mmap(len, prot, flags, off);
	return __real_mmap(addr, len, prot, flags, fd, off);
}

void *__wrap_mmap64(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	if (fk.active && fd == fk.fd && fd >= 0)
		return fake_mmap(len, prot, flags, off);
	return __real_mmap64(addr, len, prot, flags, fd, off);
}

int __wrap_munmap(void *addr, size_t len)
{
	for (unsigned i = 0; i < fk.nbufs; i++) {
		struct fake_buf *b = &fk.bufs[i];

		if (b->mem == addr && b->mapped) {
			if (len != ((b->length + 4095) & ~4095ULL))
				return errno = EINVAL, -1;
			b->mapped = false;
			fk.munmaps++;
			return 0;
		}
	}
	return __real_munmap(addr, len);
}

/* Opens of /dev/dmaapi* are recorded and given /dev/null. */
static int fake_open(int (*real)(const char *, int, ...), const char *path, int flags,
		     mode_t mode)
{
	if (fk.active && !strncmp(path, "/dev/dmaapi", 11)) {
		snprintf(fk.last_open, sizeof(fk.last_open), "%s", path);
		fk.open_flags = flags;
		return real("/dev/null", flags, mode);
	}
	return real(path, flags, mode);
}

int __wrap_open(const char *path, int flags, ...)
{
	va_list ap;
	mode_t mode;

	va_start(ap, flags);
	mode = (flags & O_CREAT) ? va_arg(ap, mode_t) : 0;
	va_end(ap);
	return fake_open(__real_open, path, flags, mode);
}

int __wrap_open64(const char *path, int flags, ...)
{
	va_list ap;
	mode_t mode;

	va_start(ap, flags);
	mode = (flags & O_CREAT) ? va_arg(ap, mode_t) : 0;
	va_end(ap);
	return fake_open(__real_open64, path, flags, mode);
}


struct dmaapi_device *open_fake(uint64_t mask)
{
	struct dmaapi_device *dev = NULL;

	CHECK_EQ(dmaapi_device_open("/dev/null", mask, &dev), 0);
	return dev;
}

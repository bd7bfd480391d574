// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * dma-buf export and import (since 1.3) against the fake kernel of
 * test_linux.c.  The fake's "dma-bufs" are memfds: the library's mmap of
 * one is real, so what the CPU writes through an import is read back
 * through the memfd, as an exporter's own mapping would see it.
 */
#include "fake_kernel.h"
#include "test.h"
#include "tracking.h"

#include <dmaapi.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/dmaapi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define PG 4096

/* A dma-buf the fake kernel knows: its fd, size and the ranges it maps to. */
struct fake_dmabuf {
	int fd;
	uint64_t length;
	uint32_t nsegs;
	struct dmaapi_segment segs[4];
	uint32_t out_flags;
	uint32_t handle;	/* of the live import, 0 if none */
};

static struct {
	struct fake_dmabuf bufs[4];
	unsigned nbufs;
	struct dmaapi_import_dmabuf last_import;
	struct dmaapi_export_dmabuf last_export;
	unsigned get_segments;
} fd_state;

static void dmabuf_reset(void)
{
	for (unsigned i = 0; i < fd_state.nbufs; i++)
		if (fd_state.bufs[i].fd >= 0)
			close(fd_state.bufs[i].fd);
	memset(&fd_state, 0, sizeof(fd_state));
	fake_reset();
}

static int new_memfd(uint64_t length)
{
	int fd = memfd_create("fake-dmabuf", MFD_CLOEXEC);

	if (fd >= 0 && ftruncate(fd, (off_t)length) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* A dma-buf of @nsegs ranges of equal size from @dma, @stride apart. */
static struct fake_dmabuf *fake_dmabuf(uint64_t length, uint32_t nsegs, uint64_t dma,
				       uint64_t stride)
{
	struct fake_dmabuf *b = &fd_state.bufs[fd_state.nbufs++];

	b->fd = new_memfd(length);
	b->length = length;
	b->nsegs = nsegs;
	for (uint32_t i = 0; i < nsegs; i++)
		b->segs[i] = (struct dmaapi_segment){ dma + i * stride, length / nsegs };
	return b;
}

int fake_dmabuf_ioctl(unsigned long req, void *arg, int err)
{
	switch (req) {
	case DMAAPI_IOCTL_IMPORT_DMABUF: {
		struct dmaapi_import_dmabuf *imp = arg;
		struct fake_dmabuf *b = NULL;

		fd_state.last_import = *imp;
		if (imp->size != sizeof(*imp) || imp->flags || imp->__reserved)
			return errno = EINVAL, -1;
		if (fcntl(imp->fd, F_GETFD) < 0)
			return errno = EBADF, -1;
		for (unsigned i = 0; i < fd_state.nbufs; i++) {
			struct stat a, c;

			/* the same open file, whatever the fd number */
			if (fstat(fd_state.bufs[i].fd, &a) == 0 && fstat(imp->fd, &c) == 0 &&
			    a.st_ino == c.st_ino && a.st_dev == c.st_dev)
				b = &fd_state.bufs[i];
		}
		if (!b)
			return errno = EINVAL, -1;
		if (err) {
			if (err == ERANGE)
				imp->dma_addr = fk.fail_dma_addr;
			return errno = err, -1;
		}
		b->handle = fake_new_buf(b->length, false)->handle;
		imp->handle = b->handle;
		imp->nsegs = b->nsegs;
		imp->length = b->length;
		imp->dma_addr = b->nsegs == 1 ? b->segs[0].dma_addr : 0;
		imp->out_flags = b->out_flags | (b->nsegs != 1 ? DMAAPI_OUT_SEGMENTED : 0);
		return 0;
	}
	case DMAAPI_IOCTL_GET_SEGMENTS: {
		struct dmaapi_get_segments *g = arg;
		struct dmaapi_segment *out = (struct dmaapi_segment *)(uintptr_t)g->segs;

		fd_state.get_segments++;
		if (g->size != sizeof(*g) || g->flags)
			return errno = EINVAL, -1;
		if (err)
			return errno = err, -1;
		for (unsigned i = 0; i < fd_state.nbufs; i++) {
			struct fake_dmabuf *b = &fd_state.bufs[i];

			if (!b->handle || b->handle != g->handle)
				continue;
			for (uint32_t j = 0; j < b->nsegs && j < g->nsegs; j++)
				out[j] = b->segs[j];
			g->nsegs = b->nsegs;
			return 0;
		}
		return errno = ENOENT, -1;
	}
	case DMAAPI_IOCTL_EXPORT_DMABUF: {
		struct dmaapi_export_dmabuf *e = arg;
		int fd;

		fd_state.last_export = *e;
		if (e->size != sizeof(*e) || e->flags)
			return errno = EINVAL, -1;
		if (e->offset % PG || e->length % PG)
			return errno = EINVAL, -1;
		if (err)
			return errno = err, -1;
		for (unsigned i = 0; i < fk.nbufs; i++) {
			struct fake_buf *b = &fk.bufs[i];
			uint64_t limit = (b->length + PG - 1) & ~(uint64_t)(PG - 1);

			if (b->handle != e->handle || b->freed || !b->mem)
				continue;
			if (e->offset >= limit || e->length > limit - e->offset)
				return errno = EOVERFLOW, -1;
			fd = new_memfd(e->length ? e->length : limit - e->offset);
			if (fd < 0)
				return -1;
			e->fd = fd;
			return 0;
		}
		return errno = ENOENT, -1;
	}
	}
	return errno = ENOTTY, -1;
}

static bool fd_is_open(int fd)
{
	return fd >= 0 && fcntl(fd, F_GETFD) != -1;
}

static unsigned syncs_of(uint32_t handle, uint32_t flags)
{
	unsigned n = 0;

	for (unsigned i = 0; i < fk.nsync; i++)
		n += fk.syncs[i].handle == handle && fk.syncs[i].flags == flags;
	return n;
}

/* Import: the container, CPU access through the dma-buf's mmap, one SYNC
 * per prepare_read / confirm_write on the import's handle. */
static void dmabuf_import(void)
{
	uint32_t data[8] = { 1, 2, 3, 4, 5, 6, 7, 8 }, back[8] = { 0 }, word = 0;
	struct dmaapi_dma_segment seg[2];
	struct dmaapi_device *dev;
	struct dmaapi_map *m = NULL;
	struct fake_dmabuf *b;
	const struct dmaapi_region *r;
	dmaapi_addr_t addr = 0;
	size_t n = 0;
	uint32_t h;
	int fd;

	t_group("dma-buf: import as a mapped array");
	dmabuf_reset();
	dev = open_fake(0xffffffff);
	b = fake_dmabuf(3 * PG, 1, 0x200000, 0);
	fd = dup(b->fd);
	errno = EAGAIN;
	CHECK_EQ(dmaapi_map_import_dmabuf(dev, fd, 4, DMAAPI_BIDIRECTIONAL, &m), 0);
	CHECK_EQ(errno, EAGAIN);
	if (!CHECK(m)) {
		dmaapi_device_close(dev);
		return;
	}
	close(fd); /* the mapping does not need it */
	h = b->handle;
	CHECK_EQ(fd_state.last_import.fd, fd);
	CHECK_EQ(fd_state.last_import.direction, DMAAPI_DIR_BIDIRECTIONAL);
	CHECK_EQ(fd_state.get_segments, 1); /* the ranges are checked */
	CHECK_EQ(dmaapi_map_len(m), 3 * PG / 4);
	CHECK_EQ(dmaapi_map_elem_size(m), 4);
	CHECK_EQ(dmaapi_map_bytes_len(m), 3 * PG);
	CHECK_EQ(dmaapi_map_dma_addr(m), 0x200000);
	CHECK_EQ(dmaapi_map_dma_addr_of(m, 2, &addr), 0);
	CHECK_EQ(addr, 0x200008);
	CHECK(dmaapi_map_need_sync(m));
	r = dmaapi_map_region(m);
	CHECK_EQ(r->flags, DMAAPI_REGION_NEED_SYNC | DMAAPI_REGION_MAPPED | DMAAPI_REGION_DMABUF);
	CHECK_EQ(r->cookie, h);

	/* CPU writes land in the dma-buf; one SYNC FOR_DEVICE on the import */
	fk.nsync = 0;
	CHECK_EQ(dmaapi_map_copy_from_slice(m, data, 8), 0);
	CHECK_EQ(fk.nsync, 1);
	CHECK_EQ(syncs_of(h, DMAAPI_SYNC_FOR_DEVICE), 1);
	CHECK_EQ(fk.syncs[0].offset, 0);
	CHECK_EQ(fk.syncs[0].length, 32);
	CHECK_EQ(pread(b->fd, back, sizeof(back), 0), (ssize_t)sizeof(back));
	CHECK(!memcmp(back, data, sizeof(data)));

	/* what "the device" wrote is read after one SYNC FOR_CPU */
	word = 0xdeadbeef;
	CHECK_EQ(pwrite(b->fd, &word, 4, 2 * PG), 4);
	fk.nsync = 0;
	memset(back, 0, sizeof(back));
	CHECK_EQ(dmaapi_map_read_slice(m, 2 * PG / 4, 1, back), 0);
	CHECK_EQ(back[0], 0xdeadbeef);
	CHECK_EQ(syncs_of(h, DMAAPI_SYNC_FOR_CPU), 1);
	CHECK_EQ(fk.syncs[0].offset, 2 * PG);
	CHECK_EQ(fk.syncs[0].length, 4);
	fk.nsync = 0;
	CHECK_EQ(dmaapi_map_to_vec(m, back, 8), 0);
	CHECK(!memcmp(back, data, sizeof(data)));
	CHECK_EQ(dmaapi_map_prepare_read_all(m), 0);
	CHECK_EQ(dmaapi_map_confirm_write_all(m), 0);
	CHECK_EQ(syncs_of(h, DMAAPI_SYNC_FOR_CPU), 2);
	CHECK_EQ(syncs_of(h, DMAAPI_SYNC_FOR_DEVICE), 1);
	CHECK_EQ(fk.syncs[2].length, 3 * PG);
	/* element access does not sync, as for every mapped array */
	fk.nsync = 0;
	word = 7;
	CHECK_EQ(dmaapi_map_set(m, 5, &word), 0);
	CHECK_EQ(dmaapi_map_read(m, 5, &word), 0);
	CHECK_EQ(fk.nsync, 0);

	/* one range */
	memset(seg, 0xee, sizeof(seg));
	CHECK_EQ(dmaapi_map_segments(m, seg, 2, &n), 0);
	CHECK_EQ(n, 1);
	CHECK_EQ(seg[0].dma_addr, 0x200000);
	CHECK_EQ(seg[0].size, 3 * PG);
	CHECK_EQ(seg[1].size, 0xeeeeeeeeeeeeeeeeULL);

	/* free: FREE of the handle (detach), munmap, no sync */
	fk.nsync = 0;
	dmaapi_map_free(m);
	CHECK_EQ(fk.nsync, 0);
	CHECK_EQ(fk.nfree, 1);
	CHECK_EQ(fk.frees[0], h);
	CHECK_EQ(fake_live(), 0);
	dmaapi_device_close(dev);

	/* the directions: the Linux backend's table */
	static const enum dmaapi_direction dirs[] = { DMAAPI_TO_DEVICE, DMAAPI_FROM_DEVICE };
	for (unsigned d = 0; d < 2; d++) {
		dmabuf_reset();
		dev = open_fake(0xffffffff);
		b = fake_dmabuf(PG, 1, 0x300000, 0);
		CHECK_EQ(dmaapi_map_import_dmabuf(dev, b->fd, 1, dirs[d], &m), 0);
		CHECK_EQ(fd_state.last_import.direction, (uint32_t)dirs[d]);
		fk.nsync = 0;
		CHECK_EQ(dmaapi_map_prepare_read_all(m), 0);
		CHECK_EQ(dmaapi_map_confirm_write_all(m), 0);
		CHECK_EQ(fk.nsync, 1);
		CHECK_EQ(fk.syncs[0].flags,
			 dirs[d] == DMAAPI_TO_DEVICE ? DMAAPI_SYNC_FOR_DEVICE : DMAAPI_SYNC_FOR_CPU);
		dmaapi_map_free(m);
		CHECK_EQ(fake_live(), 0);
		dmaapi_device_close(dev);
	}

	/* a bounced import says so */
	dmabuf_reset();
	dev = open_fake(0xffffffff);
	b = fake_dmabuf(PG, 1, 0x300000, 0);
	b->out_flags = DMAAPI_OUT_BOUNCED;
	CHECK_EQ(dmaapi_map_import_dmabuf(dev, b->fd, 1, DMAAPI_FROM_DEVICE, &m), 0);
	CHECK(dmaapi_map_region(m)->flags & DMAAPI_REGION_BOUNCED);
	dmaapi_map_free(m);
	dmaapi_device_close(dev);
}

/* A dma-buf the device sees as several ranges. */
static void dmabuf_segmented(void)
{
	struct dmaapi_dma_segment seg[4];
	struct dmaapi_device *dev;
	struct dmaapi_map *m = NULL;
	struct fake_dmabuf *b;
	dmaapi_addr_t addr = 0x1234;
	size_t n = 0;

	t_group("dma-buf: a segmented import");
	dmabuf_reset();
	dev = open_fake(0xffffffff);
	b = fake_dmabuf(3 * PG, 3, 0x100000, 0x20000);
	CHECK_EQ(dmaapi_map_import_dmabuf(dev, b->fd, 8, DMAAPI_BIDIRECTIONAL, &m), 0);
	if (!CHECK(m)) {
		dmaapi_device_close(dev);
		return;
	}
	CHECK(dmaapi_map_region(m)->flags & DMAAPI_REGION_SEGMENTED);
	CHECK_EQ(dmaapi_map_dma_addr(m), 0);
	CHECK_ERR(dmaapi_map_dma_addr_of(m, 0, &addr), DMAAPI_ERR_SYSTEM);
	CHECK_EQ(dmaapi_last_error()->sys_errno, EOPNOTSUPP);
	CHECK_EQ(addr, 0x1234);

	CHECK_EQ(dmaapi_map_segments(m, NULL, 0, &n), 0);
	CHECK_EQ(n, 3);
	memset(seg, 0xee, sizeof(seg));
	CHECK_EQ(dmaapi_map_segments(m, seg, 2, &n), 0);
	CHECK_EQ(n, 3);
	CHECK_EQ(seg[0].dma_addr, 0x100000);
	CHECK_EQ(seg[1].dma_addr, 0x120000);
	CHECK_EQ(seg[1].size, PG);
	CHECK_EQ(seg[2].size, 0xeeeeeeeeeeeeeeeeULL); /* no room: not written */
	CHECK_EQ(dmaapi_map_segments(m, seg, 4, &n), 0);
	CHECK_EQ(seg[2].dma_addr, 0x140000);
	CHECK_ERR(dmaapi_map_segments(m, NULL, 1, &n), DMAAPI_ERR_NULL_POINTER);
	CHECK_ERR(dmaapi_map_segments(m, seg, 1, NULL), DMAAPI_ERR_NULL_POINTER);
	CHECK_ERR(dmaapi_map_segments(NULL, seg, 1, &n), DMAAPI_ERR_NULL_POINTER);
	fk.fail_errno[CMD_IDX(DMAAPI_IOCTL_GET_SEGMENTS)] = ENODEV;
	CHECK_ERR(dmaapi_map_segments(m, seg, 4, &n), DMAAPI_ERR_SYSTEM);
	CHECK_EQ(dmaapi_last_error()->sys_errno, ENODEV);
	dmaapi_map_free(m);
	CHECK_EQ(fake_live(), 0);
	dmaapi_device_close(dev);
}

/* Every import error, and nothing left behind after any of them. */
static void dmabuf_import_errors(void)
{
	struct dmaapi_constraints c = { .size = sizeof(c) };
	struct dmaapi_device *dev, *custom;
	struct dmaapi_map *m;
	struct tracking t;
	struct fake_dmabuf *b;
	char path[64];
	int ro;

	t_group("dma-buf: import errors");
	dmabuf_reset();
	dev = open_fake(0xffffffff);
	b = fake_dmabuf(2 * PG, 1, 0x400000, 0);
#define IMPORT_FAILS(dev_, fd_, es_, dir_, err_)                                         \
	do {                                                                             \
		m = (void *)1;                                                           \
		CHECK_ERR(dmaapi_map_import_dmabuf((dev_), (fd_), (es_), (dir_), &m), (err_)); \
		CHECK(m == NULL);                                                        \
		CHECK_EQ(fake_live(), 0);                                                \
	} while (0)
	CHECK_ERR(dmaapi_map_import_dmabuf(NULL, b->fd, 1, DMAAPI_TO_DEVICE, &m),
		  DMAAPI_ERR_NULL_POINTER);
	CHECK_ERR(dmaapi_map_import_dmabuf(dev, b->fd, 1, DMAAPI_TO_DEVICE, NULL),
		  DMAAPI_ERR_NULL_POINTER);
	IMPORT_FAILS(dev, b->fd, 0, DMAAPI_TO_DEVICE, DMAAPI_ERR_ZERO_SIZED);
	IMPORT_FAILS(dev, b->fd, 1, (enum dmaapi_direction)3, DMAAPI_ERR_SYSTEM);
	CHECK_EQ(dmaapi_last_error()->sys_errno, EINVAL);
	IMPORT_FAILS(dev, -1, 1, DMAAPI_TO_DEVICE, DMAAPI_ERR_SYSTEM);
	CHECK_EQ(dmaapi_last_error()->sys_errno, EBADF);
	/* the kernel's answers */
	IMPORT_FAILS(dev, 0x7ffffff0, 1, DMAAPI_TO_DEVICE, DMAAPI_ERR_SYSTEM);
	CHECK_EQ(dmaapi_last_error()->sys_errno, EBADF);
	IMPORT_FAILS(dev, dmaapi_device_fd(dev), 1, DMAAPI_TO_DEVICE, DMAAPI_ERR_SYSTEM);
	CHECK_EQ(dmaapi_last_error()->sys_errno, EINVAL); /* not a dma-buf */
	fk.fail_errno[CMD_IDX(DMAAPI_IOCTL_IMPORT_DMABUF)] = ENOTTY;
	IMPORT_FAILS(dev, b->fd, 1, DMAAPI_TO_DEVICE, DMAAPI_ERR_SYSTEM);
	CHECK_EQ(dmaapi_last_error()->sys_errno, ENOTTY);
	fk.fail_errno[CMD_IDX(DMAAPI_IOCTL_IMPORT_DMABUF)] = ENOMEM;
	IMPORT_FAILS(dev, b->fd, 1, DMAAPI_TO_DEVICE, DMAAPI_ERR_NO_MEMORY);
	fk.fail_errno[CMD_IDX(DMAAPI_IOCTL_IMPORT_DMABUF)] = ERANGE;
	fk.fail_dma_addr = 0x123456789ULL;
	IMPORT_FAILS(dev, b->fd, 1, DMAAPI_TO_DEVICE, DMAAPI_ERR_DMA_MASK);
	CHECK_EQ(dmaapi_last_error()->addr, 0x123456789ULL);
	CHECK_EQ(dmaapi_last_error()->mask, 0xffffffff);
	fk.eintr[CMD_IDX(DMAAPI_IOCTL_IMPORT_DMABUF)] = 2; /* retried */
	CHECK_EQ(dmaapi_map_import_dmabuf(dev, b->fd, 1, DMAAPI_TO_DEVICE, &m), 0);
	dmaapi_map_free(m);
	CHECK_EQ(fake_live(), 0);

	/* the size is not a multiple of the element: undone */
	fk.nfree = 0;
	IMPORT_FAILS(dev, b->fd, 3 * PG / 2 + 1, DMAAPI_TO_DEVICE, DMAAPI_ERR_LAYOUT);
	CHECK_EQ(fk.nfree, 1);
	/* GET_SEGMENTS refused: undone */
	fk.fail_errno[CMD_IDX(DMAAPI_IOCTL_GET_SEGMENTS)] = EIO;
	IMPORT_FAILS(dev, b->fd, 1, DMAAPI_TO_DEVICE, DMAAPI_ERR_SYSTEM);
	CHECK_EQ(dmaapi_last_error()->sys_errno, EIO);
	/* the library's own mask check: the last byte is beyond the mask */
	b->segs[0].dma_addr = 0xffffff00;
	IMPORT_FAILS(dev, b->fd, 1, DMAAPI_TO_DEVICE, DMAAPI_ERR_DMA_MASK);
	CHECK_EQ(dmaapi_last_error()->addr, 0xffffff00ULL + 2 * PG - 1);
	b->segs[0].dma_addr = 0x400000;
	/* the constraints apply to every range */
	c.max_segment_size = PG;
	CHECK_EQ(dmaapi_device_set_constraints(dev, &c), 0);
	IMPORT_FAILS(dev, b->fd, 1, DMAAPI_TO_DEVICE, DMAAPI_ERR_SEGMENT);
	CHECK_EQ(dmaapi_last_error()->size, 2 * PG);
	c.max_segment_size = 0;
	c.boundary = PG;
	CHECK_EQ(dmaapi_device_set_constraints(dev, &c), 0);
	IMPORT_FAILS(dev, b->fd, 1, DMAAPI_TO_DEVICE, DMAAPI_ERR_BOUNDARY);
	CHECK_EQ(dmaapi_last_error()->required, PG);
	CHECK_EQ(dmaapi_device_set_constraints(dev, NULL), 0);
	/* the dma-buf's mmap refused (a read-only fd): undone */
	snprintf(path, sizeof(path), "/proc/self/fd/%d", b->fd);
	ro = open(path, O_RDONLY | O_CLOEXEC);
	if (CHECK(ro >= 0)) {
		fk.nfree = 0;
		IMPORT_FAILS(dev, ro, 1, DMAAPI_TO_DEVICE, DMAAPI_ERR_SYSTEM);
		CHECK_EQ(dmaapi_last_error()->sys_errno, EACCES);
		CHECK_EQ(fk.nfree, 1);
		close(ro);
	}
	/* an empty dma-buf */
	b = fake_dmabuf(0, 1, 0x500000, 0);
	IMPORT_FAILS(dev, b->fd, 1, DMAAPI_TO_DEVICE, DMAAPI_ERR_ZERO_SIZED);
	dmaapi_device_close(dev);

	/* a custom backend has no dma-buf */
	tracking_init(&t, false);
	CHECK_EQ(dmaapi_device_new(~0ULL, &t.ops, &t, &custom), 0);
	IMPORT_FAILS(custom, fd_state.bufs[0].fd, 1, DMAAPI_TO_DEVICE, DMAAPI_ERR_SYSTEM);
	CHECK_EQ(dmaapi_last_error()->sys_errno, EOPNOTSUPP);
	dmaapi_device_close(custom);
#undef IMPORT_FAILS
}

static void dmabuf_export(void)
{
	struct dmaapi_device *dev, *custom;
	struct dmaapi_array *a = NULL;
	struct dmaapi_box *bx = NULL;
	struct dmaapi_array *ca = NULL;
	struct tracking t;
	uint32_t h;
	int fd;

	t_group("dma-buf: export arrays and boxes");
	dmabuf_reset();
	dev = open_fake(0xffffffff);
	fk.out_flags = DMAAPI_OUT_NEED_SYNC;
	CHECK_EQ(dmaapi_array_cached_zero_with_align(dev, 4, 2 * PG + 100, 4, DMAAPI_TO_DEVICE,
						     &a), 0);
	if (!CHECK(a)) {
		dmaapi_device_close(dev);
		return;
	}
	h = (uint32_t)dmaapi_array_region(a)->cookie;
	fk.nsync = 0;
	errno = EAGAIN;
	CHECK_EQ(dmaapi_array_export_dmabuf(a, 0, 0, &fd), 0);
	CHECK_EQ(errno, EAGAIN);
	CHECK(fd_is_open(fd));
	CHECK_EQ(fd_state.last_export.handle, h);
	CHECK_EQ(fd_state.last_export.offset, 0);
	CHECK_EQ(fd_state.last_export.length, 0);
	CHECK_EQ(fk.nsync, 0); /* no sync */
	close(fd);
	/* a page-granular sub-range, the last page of the rounded-up memory */
	CHECK_EQ(dmaapi_array_export_dmabuf(a, 8 * PG, PG, &fd), 0);
	CHECK_EQ(fd_state.last_export.offset, 8 * PG);
	CHECK_EQ(fd_state.last_export.length, PG);
	close(fd);

	/* errors, checked before the kernel is asked */
	fk.calls[CMD_IDX(DMAAPI_IOCTL_EXPORT_DMABUF)] = 0;
	fd = 5;
	CHECK_ERR(dmaapi_array_export_dmabuf(a, 100, 0, &fd), DMAAPI_ERR_ALIGN);
	CHECK_EQ(fd, -1);
	CHECK_EQ(dmaapi_last_error()->addr, 100);
	CHECK_EQ(dmaapi_last_error()->required, PG);
	CHECK_ERR(dmaapi_array_export_dmabuf(a, PG, PG + 1, &fd), DMAAPI_ERR_ALIGN);
	CHECK_EQ(dmaapi_last_error()->addr, PG + 1);
	CHECK_ERR(dmaapi_array_export_dmabuf(a, 9 * PG, 0, &fd), DMAAPI_ERR_INDEX);
	CHECK_ERR(dmaapi_array_export_dmabuf(a, 8 * PG, 2 * PG, &fd), DMAAPI_ERR_INDEX);
	CHECK_ERR(dmaapi_array_export_dmabuf(a, PG, (size_t)-PG, &fd), DMAAPI_ERR_INDEX);
	CHECK_ERR(dmaapi_array_export_dmabuf(NULL, 0, 0, &fd), DMAAPI_ERR_NULL_POINTER);
	CHECK_ERR(dmaapi_array_export_dmabuf(a, 0, 0, NULL), DMAAPI_ERR_NULL_POINTER);
	CHECK_EQ(fk.calls[CMD_IDX(DMAAPI_IOCTL_EXPORT_DMABUF)], 0);
	/* the kernel's */
	fk.fail_errno[CMD_IDX(DMAAPI_IOCTL_EXPORT_DMABUF)] = EMFILE;
	fd = 5;
	CHECK_ERR(dmaapi_array_export_dmabuf(a, 0, 0, &fd), DMAAPI_ERR_SYSTEM);
	CHECK_EQ(dmaapi_last_error()->sys_errno, EMFILE);
	CHECK_EQ(fd, -1);
	fk.fail_errno[CMD_IDX(DMAAPI_IOCTL_EXPORT_DMABUF)] = ENOMEM;
	CHECK_ERR(dmaapi_array_export_dmabuf(a, 0, 0, &fd), DMAAPI_ERR_NO_MEMORY);
	fk.eintr[CMD_IDX(DMAAPI_IOCTL_EXPORT_DMABUF)] = 1;
	CHECK_EQ(dmaapi_array_export_dmabuf(a, 0, PG, &fd), 0);
	close(fd);
	dmaapi_array_free(a);

	/* a box: the whole value */
	fk.out_flags = 0;
	CHECK_EQ(dmaapi_box_zero_with_align(dev, 64, 64, DMAAPI_BIDIRECTIONAL, &bx), 0);
	CHECK_EQ(dmaapi_box_export_dmabuf(bx, 0, 0, &fd), 0);
	CHECK_EQ(fd_state.last_export.handle, (uint32_t)dmaapi_box_region(bx)->cookie);
	CHECK(fd_is_open(fd));
	close(fd);
	CHECK_ERR(dmaapi_box_export_dmabuf(bx, 0, 2 * PG, &fd), DMAAPI_ERR_INDEX);
	CHECK_ERR(dmaapi_box_export_dmabuf(NULL, 0, 0, &fd), DMAAPI_ERR_NULL_POINTER);
	dmaapi_box_free(bx);
	CHECK_EQ(fake_live(), 0);
	dmaapi_device_close(dev);

	/* a custom backend has no dma-buf */
	tracking_init(&t, false);
	CHECK_EQ(dmaapi_device_new(~0ULL, &t.ops, &t, &custom), 0);
	CHECK_EQ(dmaapi_array_zero_with_align(custom, 1, PG, 1, DMAAPI_TO_DEVICE, &ca), 0);
	CHECK_ERR(dmaapi_array_export_dmabuf(ca, 0, 0, &fd), DMAAPI_ERR_SYSTEM);
	CHECK_EQ(dmaapi_last_error()->sys_errno, EOPNOTSUPP);
	CHECK_EQ(fd, -1);
	dmaapi_array_free(ca);
	dmaapi_device_close(custom);
}

void suite_dmabuf(void)
{
	dmabuf_import();
	dmabuf_segmented();
	dmabuf_import_errors();
	dmabuf_export();
	dmabuf_reset();
	fk.active = false;
}

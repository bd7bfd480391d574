// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * dma-buf export and import (since 1.3), over the module's
 * DMAAPI_IOCTL_EXPORT_DMABUF, IMPORT_DMABUF and GET_SEGMENTS.
 *
 * An import is a mapped array whose region is
 *   cpu_addr  the dma-buf's own mmap (MAP_SHARED)
 *   dma_addr  the kernel's address of the mapping, 0 when it is SEGMENTED
 *   cookie    the import's handle, so the Linux backend's prepare_read and
 *             confirm_write are DMAAPI_IOCTL_SYNC on it: the kernel does the
 *             exporter's begin/end_cpu_access and this device's DMA syncs
 * and dmaapi_map_free() comes back here (dmaapi__dmabuf_unmap) to munmap it
 * and FREE the handle, which detaches the dma-buf.
 */
#include "internal.h"

#include <errno.h>
#include <linux/dmaapi.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

_Static_assert(sizeof(struct dmaapi_dma_segment) == sizeof(struct dmaapi_segment) &&
		       offsetof(struct dmaapi_dma_segment, dma_addr) ==
			       offsetof(struct dmaapi_segment, dma_addr) &&
		       offsetof(struct dmaapi_dma_segment, size) ==
			       offsetof(struct dmaapi_segment, length),
	       "library segments are the kernel's");

static int xioctl(int fd, unsigned long cmd, void *arg)
{
	int ret;

	do
		ret = ioctl(fd, cmd, arg);
	while (ret == -1 && errno == EINTR);
	return ret;
}

static size_t page_round(const struct dmaapi_device *dev, size_t size)
{
	return (size + dev->page_size - 1) & ~(dev->page_size - 1);
}

static void free_handle(int fd, uint32_t handle)
{
	struct dmaapi_free f = { .size = sizeof(f), .handle = handle };
	int err = errno;

	xioctl(fd, DMAAPI_IOCTL_FREE, &f);
	errno = err;
}

/* ------------------------------------------------------------------------ */
/* Export                                                                    */

static int export_region(const struct dmaapi_device *dev, const struct dmaapi_region *r,
			 size_t offset, size_t length, int *fd_out)
{
	struct dmaapi_export_dmabuf e = { .size = sizeof(e) };
	size_t limit;

	if (dev->fd < 0)
		return dmaapi__fail(DMAAPI_ERR_SYSTEM, EOPNOTSUPP);
	if (offset & (dev->page_size - 1))
		return dmaapi__fail_align(offset, dev->page_size, EINVAL);
	if (length & (dev->page_size - 1))
		return dmaapi__fail_align(length, dev->page_size, EINVAL);
	limit = page_round(dev, r->size);
	if (offset >= limit || length > limit - offset)
		return dmaapi__fail(DMAAPI_ERR_INDEX, EOVERFLOW);

	e.handle = (uint32_t)r->cookie;
	e.offset = offset;
	e.length = length;
	if (xioctl(dev->fd, DMAAPI_IOCTL_EXPORT_DMABUF, &e) < 0)
		return dmaapi__fail_errno(errno);
	*fd_out = e.fd;
	return 0;
}

DMAAPI_EXPORT int dmaapi_array_export_dmabuf(const struct dmaapi_array *a, size_t offset,
					     size_t length, int *fd_out)
{
	if (fd_out)
		*fd_out = -1;
	if (!a || !fd_out)
		return dmaapi__fail(DMAAPI_ERR_NULL_POINTER, 0);
	return export_region(dmaapi__container_device(a), dmaapi_array_region(a), offset,
			     length, fd_out);
}

DMAAPI_EXPORT int dmaapi_box_export_dmabuf(const struct dmaapi_box *b, size_t offset,
					   size_t length, int *fd_out)
{
	if (fd_out)
		*fd_out = -1;
	if (!b || !fd_out)
		return dmaapi__fail(DMAAPI_ERR_NULL_POINTER, 0);
	return export_region(dmaapi__container_device(b), dmaapi_box_region(b), offset,
			     length, fd_out);
}

/* ------------------------------------------------------------------------ */
/* Import                                                                    */

static int get_segments(const struct dmaapi_device *dev, uint32_t handle,
			struct dmaapi_dma_segment *segs, size_t max, size_t *count)
{
	struct dmaapi_get_segments g = {
		.size = sizeof(g),
		.handle = handle,
		.nsegs = max > UINT32_MAX ? UINT32_MAX : (uint32_t)max,
		.segs = (uintptr_t)segs,
	};

	if (xioctl(dev->fd, DMAAPI_IOCTL_GET_SEGMENTS, &g) < 0)
		return dmaapi__fail_errno(errno);
	*count = g.nsegs;
	return 0;
}

/* The checks every mapping gets (region.c), for each range of an import. */
static int check_segment(const struct dmaapi_device *dev, const struct dmaapi_dma_segment *s)
{
	dmaapi_addr_t last;

	if (!s->size)
		return dmaapi__fail(DMAAPI_ERR_SYSTEM, EIO);
	if (s->dma_addr > dev->mask || !dmaapi_addr_checked_add(s->dma_addr, s->size - 1, &last))
		return dmaapi__fail_mask(s->dma_addr, dev->mask, 0);
	if (last > dev->mask)
		return dmaapi__fail_mask(last, dev->mask, 0);
	if (dev->max_segment && s->size > dev->max_segment)
		return dmaapi__fail_segment(s->size, dev->max_segment);
	if (dev->boundary && (s->dma_addr & ~(dev->boundary - 1)) != (last & ~(dev->boundary - 1)))
		return dmaapi__fail_boundary(s->dma_addr, s->size, dev->boundary);
	return 0;
}

static int check_segments(const struct dmaapi_device *dev, uint32_t handle, uint32_t nsegs)
{
	struct dmaapi_dma_segment *segs;
	size_t n = 0;
	int ret;

	if (!nsegs)
		return dmaapi__fail(DMAAPI_ERR_SYSTEM, EIO);
	segs = calloc(nsegs, sizeof(*segs));
	if (!segs)
		return dmaapi__fail(DMAAPI_ERR_NO_MEMORY, ENOMEM);
	ret = get_segments(dev, handle, segs, nsegs, &n);
	if (!ret && n != nsegs)
		ret = dmaapi__fail(DMAAPI_ERR_SYSTEM, EIO); /* the kernel said otherwise */
	for (size_t i = 0; !ret && i < n; i++)
		ret = check_segment(dev, &segs[i]);
	free(segs);
	return ret;
}

DMAAPI_EXPORT int dmaapi_map_import_dmabuf(struct dmaapi_device *dev, int fd, size_t elem_size,
					   enum dmaapi_direction dir, struct dmaapi_map **out)
{
	struct dmaapi_import_dmabuf imp = { .size = sizeof(imp) };
	struct dmaapi_region r = { 0 };
	int saved = errno, ret;
	void *p;

	if (out)
		*out = NULL;
	if (!dev || !out)
		return dmaapi__fail(DMAAPI_ERR_NULL_POINTER, 0);
	if (!elem_size)
		return dmaapi__fail(DMAAPI_ERR_ZERO_SIZED, 0);
	if (!dmaapi__dir_valid(dir))
		return dmaapi__fail(DMAAPI_ERR_SYSTEM, EINVAL);
	if (dev->fd < 0)
		return dmaapi__fail(DMAAPI_ERR_SYSTEM, EOPNOTSUPP);
	if (fd < 0)
		return dmaapi__fail(DMAAPI_ERR_SYSTEM, EBADF);

	imp.fd = fd;
	imp.direction = (uint32_t)dir;
	if (xioctl(dev->fd, DMAAPI_IOCTL_IMPORT_DMABUF, &imp) < 0) {
		if (errno == ERANGE)
			return dmaapi__fail_mask(imp.dma_addr, dev->mask, ERANGE);
		return dmaapi__fail_errno(errno);
	}

	if (!imp.length)
		ret = dmaapi__fail(DMAAPI_ERR_ZERO_SIZED, 0);
	else if (imp.length > PTRDIFF_MAX || imp.length % elem_size)
		ret = dmaapi__fail(DMAAPI_ERR_LAYOUT, 0);
	else
		ret = check_segments(dev, imp.handle, imp.nsegs);
	if (ret < 0)
		goto err_free;

	p = mmap(NULL, page_round(dev, (size_t)imp.length), PROT_READ | PROT_WRITE, MAP_SHARED,
		 fd, 0);
	if (p == MAP_FAILED) {
		ret = dmaapi__fail_errno(errno);
		goto err_free;
	}

	r.cpu_addr = p;
	r.dma_addr = imp.nsegs == 1 ? imp.dma_addr : 0;
	r.size = (size_t)imp.length;
	r.align = 1;
	r.dir = dir;
	r.flags = DMAAPI_REGION_NEED_SYNC | DMAAPI_REGION_MAPPED | DMAAPI_REGION_DMABUF;
	if (imp.nsegs != 1)
		r.flags |= DMAAPI_REGION_SEGMENTED;
	if (imp.out_flags & DMAAPI_OUT_BOUNCED)
		r.flags |= DMAAPI_REGION_BOUNCED;
	r.cookie = imp.handle;
	ret = dmaapi__map_adopt(dev, &r, elem_size, r.size / elem_size, out);
	if (ret < 0) {
		munmap(p, page_round(dev, r.size));
		goto err_free;
	}
	errno = saved;
	return 0;

err_free:
	free_handle(dev->fd, imp.handle);
	errno = saved;
	return ret;
}

/* dmaapi_map_free() of an import: no sync, as for every mapping. */
void dmaapi__dmabuf_unmap(struct dmaapi_device *dev, struct dmaapi_region *r)
{
	int err = errno;

	munmap(r->cpu_addr, page_round(dev, r->size));
	free_handle(dev->fd, (uint32_t)r->cookie);
	errno = err;
}

DMAAPI_EXPORT int dmaapi_map_segments(const struct dmaapi_map *m,
				      struct dmaapi_dma_segment *segs, size_t max,
				      size_t *count)
{
	const struct dmaapi_region *r = dmaapi_map_region(m);
	int saved = errno, ret;

	if (!m || !count || (!segs && max))
		return dmaapi__fail(DMAAPI_ERR_NULL_POINTER, 0);
	if (!(r->flags & DMAAPI_REGION_DMABUF)) {
		if (max)
			segs[0] = (struct dmaapi_dma_segment){ r->dma_addr, r->size };
		*count = 1;
		return 0;
	}
	ret = get_segments(dmaapi__container_device(m), (uint32_t)r->cookie, segs, max, count);
	errno = saved;
	return ret;
}

// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Regions: every allocation and mapping goes through here, so that the
 * library's own mask and alignment checks and the crate's default syncs
 * apply to every backend alike.
 */
#include "internal.h"

#include <errno.h>
#include <string.h>

/* Turn a backend's negative return into this thread's last error. */
static int backend_error(const struct dmaapi_device *dev, const struct dmaapi_region *r,
			 int ret, int err)
{
	int code = -ret;

	switch (code) {
	case DMAAPI_ERR_DMA_MASK:
		return dmaapi__fail_mask(r->dma_addr, dev->mask, err);
	case DMAAPI_ERR_ALIGN:
		return dmaapi__fail_align(r->dma_addr, r->align, err);
	case DMAAPI_ERR_NO_MEMORY:
	case DMAAPI_ERR_LAYOUT:
	case DMAAPI_ERR_NULL_POINTER:
	case DMAAPI_ERR_ZERO_SIZED:
	case DMAAPI_ERR_INDEX:
		return dmaapi__fail(code, err);
	default: /* DMAAPI_ERR_SYSTEM, or a code the backend made up */
		return dmaapi__fail(DMAAPI_ERR_SYSTEM, err ? err : EIO);
	}
}

/* The crate's checks on every DMA address it is handed.  The address
 * reported is the first one beyond the mask: the start, or else the last
 * byte (the start when the end wraps around 64 bits). */
static int check_region(const struct dmaapi_device *dev, const struct dmaapi_region *r)
{
	dmaapi_addr_t last;

	if (r->dma_addr > dev->mask || !dmaapi_addr_checked_add(r->dma_addr, r->size - 1, &last))
		return dmaapi__fail_mask(r->dma_addr, dev->mask, 0);
	if (last > dev->mask)
		return dmaapi__fail_mask(last, dev->mask, 0);
	if (r->dma_addr & (r->align - 1))
		return dmaapi__fail_align(r->dma_addr, r->align, 0);
	/* first and last byte in the same boundary window */
	if (dev->boundary && (r->dma_addr & ~(dev->boundary - 1)) != (last & ~(dev->boundary - 1)))
		return dmaapi__fail_boundary(r->dma_addr, r->size, dev->boundary);
	return 0;
}

/* Before the backend is asked: the size fits one segment. */
static int check_size(const struct dmaapi_device *dev, const struct dmaapi_region *r)
{
	if (dev->max_segment && r->size > dev->max_segment)
		return dmaapi__fail_segment(r->size, dev->max_segment);
	return 0;
}

/* SPEC: allocations are zeroed.  A backend that does not say its memory is
 * zero gets it zeroed here, and where syncs matter the zeros are written
 * back and stale lines dropped, as the crate's DCommon::new_zero does. */
static void zero_region(const struct dmaapi_device *dev, struct dmaapi_region *r)
{
	if (r->flags & DMAAPI_REGION_ZEROED)
		return;
	memset(r->cpu_addr, 0, r->size);
	if (!(r->flags & DMAAPI_REGION_NEED_SYNC))
		return;
	if (dev->ops->flush_invalidate)
		dev->ops->flush_invalidate(dev->ctx, r->cpu_addr, r->size);
	else
		dmaapi__arch_flush_invalidate(r->cpu_addr, r->size);
}

int dmaapi__region_alloc(struct dmaapi_device *dev, struct dmaapi_region *r)
{
	int saved = errno, ret;

	ret = check_size(dev, r);
	if (ret < 0)
		return ret;
	errno = 0;
	ret = dev->ops->alloc_coherent(dev->ctx, dev->mask, r);
	if (ret < 0)
		return backend_error(dev, r, ret, errno);
	errno = saved;
	if (!r->cpu_addr) {
		/* a success without memory: undo it, or it leaks */
		dev->ops->dealloc_coherent(dev->ctx, r);
		errno = saved;
		return dmaapi__fail(DMAAPI_ERR_NO_MEMORY, 0);
	}
	ret = check_region(dev, r);
	if (ret < 0) {
		dev->ops->dealloc_coherent(dev->ctx, r);
		errno = saved;
		return ret;
	}
	zero_region(dev, r);
	errno = saved;
	return 0;
}

void dmaapi__region_dealloc(struct dmaapi_device *dev, struct dmaapi_region *r)
{
	dev->ops->dealloc_coherent(dev->ctx, r);
}

int dmaapi__region_map(struct dmaapi_device *dev, struct dmaapi_region *r)
{
	int saved = errno, ret;

	ret = check_size(dev, r);
	if (ret < 0)
		return ret;
	errno = 0;
	ret = dev->ops->map_single(dev->ctx, dev->mask, r);
	if (ret < 0)
		return backend_error(dev, r, ret, errno);
	ret = check_region(dev, r);
	if (ret < 0)
		dev->ops->unmap_single(dev->ctx, r);
	errno = saved;
	return ret;
}

void dmaapi__region_unmap(struct dmaapi_device *dev, struct dmaapi_region *r)
{
	dev->ops->unmap_single(dev->ctx, r);
}

int dmaapi__prepare_read(const struct dmaapi_device *dev, const struct dmaapi_region *r,
			 size_t offset, size_t size)
{
	const struct dmaapi_ops *ops = dev->ops;

	if (!size || !(r->flags & DMAAPI_REGION_NEED_SYNC))
		return 0;
	if (ops->prepare_read) {
		int saved = errno, ret;

		errno = 0;
		ret = ops->prepare_read(dev->ctx, r, offset, size);
		if (ret < 0)
			return backend_error(dev, r, ret, errno);
		errno = saved;
		return 0;
	}
	/* The crate's default: invalidate what the device may have written. */
	if (r->dir == DMAAPI_TO_DEVICE)
		return 0;
	if (ops->invalidate)
		ops->invalidate(dev->ctx, (char *)r->cpu_addr + offset, size);
	else
		dmaapi__arch_invalidate((char *)r->cpu_addr + offset, size);
	return 0;
}

int dmaapi__confirm_write(const struct dmaapi_device *dev, const struct dmaapi_region *r,
			  size_t offset, size_t size)
{
	const struct dmaapi_ops *ops = dev->ops;

	if (!size || !(r->flags & DMAAPI_REGION_NEED_SYNC))
		return 0;
	if (ops->confirm_write) {
		int saved = errno, ret;

		errno = 0;
		ret = ops->confirm_write(dev->ctx, r, offset, size);
		if (ret < 0)
			return backend_error(dev, r, ret, errno);
		errno = saved;
		return 0;
	}
	/* The crate's default: write back what the CPU wrote. */
	if (r->dir == DMAAPI_FROM_DEVICE)
		return 0;
	if (ops->flush)
		ops->flush(dev->ctx, (char *)r->cpu_addr + offset, size);
	else
		dmaapi__arch_flush((char *)r->cpu_addr + offset, size);
	return 0;
}

// SPDX-License-Identifier: LGPL-2.1-or-later
/* Devices: a backend, its context and a DMA mask. */
#include "internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void dmaapi__device_get(struct dmaapi_device *dev)
{
	__atomic_add_fetch(&dev->refs, 1, __ATOMIC_RELAXED);
}

void dmaapi__device_put(struct dmaapi_device *dev)
{
	if (__atomic_sub_fetch(&dev->refs, 1, __ATOMIC_ACQ_REL))
		return;
	if (dev->fd >= 0)
		close(dev->fd);
	free(dev);
}

DMAAPI_EXPORT int dmaapi_device_new(uint64_t dma_mask, const struct dmaapi_ops *ops, void *ctx,
				    struct dmaapi_device **out)
{
	struct dmaapi_device *dev;
	struct dmaapi_ops copy;
	size_t size;

	if (!out || !ops)
		return dmaapi__fail(DMAAPI_ERR_NULL_POINTER, 0);
	/* The caller's struct may be an older (shorter) or newer (longer)
	 * layout: take what both know, the rest must be zero. */
	size = ops->size ? ops->size : DMAAPI_OPS_SIZE_1_0;
	if (size < DMAAPI_OPS_SIZE_1_0)
		return dmaapi__fail(DMAAPI_ERR_LAYOUT, 0);
	for (size_t i = sizeof(copy); i < size; i++)
		if (((const unsigned char *)ops)[i])
			return dmaapi__fail(DMAAPI_ERR_LAYOUT, 0);
	memset(&copy, 0, sizeof(copy));
	memcpy(&copy, ops, size < sizeof(copy) ? size : sizeof(copy));
	copy.size = sizeof(copy);
	if (!copy.page_size || !copy.map_single || !copy.unmap_single || !copy.alloc_coherent ||
	    !copy.dealloc_coherent)
		return dmaapi__fail(DMAAPI_ERR_NULL_POINTER, 0);

	dev = calloc(1, sizeof(*dev));
	if (!dev)
		return dmaapi__fail(DMAAPI_ERR_NO_MEMORY, ENOMEM);
	dev->own_ops = copy;
	dev->ops = &dev->own_ops;
	dev->ctx = ctx;
	dev->mask = dma_mask;
	dev->page_size = ops->page_size(ctx);
	dev->refs = 1;
	dev->fd = -1;
	*out = dev;
	return 0;
}

DMAAPI_EXPORT void dmaapi_device_close(struct dmaapi_device *dev)
{
	if (dev)
		dmaapi__device_put(dev);
}

DMAAPI_EXPORT size_t dmaapi_device_page_size(const struct dmaapi_device *dev)
{
	return dev ? dev->page_size : 0;
}

DMAAPI_EXPORT uint64_t dmaapi_device_dma_mask(const struct dmaapi_device *dev)
{
	return dev ? dev->mask : 0;
}

DMAAPI_EXPORT int dmaapi_device_fd(const struct dmaapi_device *dev)
{
	return dev ? dev->fd : -1;
}

DMAAPI_EXPORT int dmaapi_device_info(const struct dmaapi_device *dev,
				     struct dmaapi_device_info *info)
{
	if (!dev || !info)
		return dmaapi__fail(DMAAPI_ERR_NULL_POINTER, 0);

	memset(info, 0, sizeof(*info));
	info->page_size = dev->page_size;
	info->dma_mask = dev->mask;
	info->device_mask = dev->mask;
	if (dev->fd >= 0)
		return dmaapi__linux_info(dev, info);
	if (dev->ops->info) {
		int saved = errno, ret;

		errno = 0;
		ret = dev->ops->info(dev->ctx, info);
		if (ret < 0)
			return dmaapi__fail(-ret, errno ? errno : (-ret == DMAAPI_ERR_SYSTEM ? EIO : 0));
		errno = saved;
	}
	return 0;
}

DMAAPI_EXPORT int dmaapi_device_set_constraints(struct dmaapi_device *dev,
						const struct dmaapi_constraints *c)
{
	if (!dev)
		return dmaapi__fail(DMAAPI_ERR_NULL_POINTER, 0);
	if (!c) {
		dev->boundary = 0;
		dev->max_segment = 0;
		return 0;
	}
	if ((c->size && c->size != sizeof(*c)) || (c->boundary & (c->boundary - 1)))
		return dmaapi__fail(DMAAPI_ERR_LAYOUT, 0);
	dev->boundary = c->boundary;
	dev->max_segment = c->max_segment_size;
	return 0;
}

DMAAPI_EXPORT int dmaapi_device_constraints(const struct dmaapi_device *dev,
					    struct dmaapi_constraints *c)
{
	if (!dev || !c)
		return dmaapi__fail(DMAAPI_ERR_NULL_POINTER, 0);
	c->size = sizeof(*c);
	c->boundary = dev->boundary;
	c->max_segment_size = dev->max_segment;
	return 0;
}

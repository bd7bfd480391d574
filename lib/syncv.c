// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Several syncs of one container in one call (since 1.6):
 * dmaapi_array_sync_ranges() and dmaapi_map_sync_ranges() (containers.c)
 * check every range first, then sync them.  On the Linux backend that is
 * one DMAAPI_IOCTL_SYNCV per DMAAPI_SYNCV_MAX ranges that need work (a
 * module without SYNCV, ENOTTY, gets one DMAAPI_IOCTL_SYNC per range); on
 * any other backend one prepare_read or confirm_write callback per range.
 */
#include "internal.h"

#include <errno.h>
#include <linux/dmaapi.h>

/* Does @op of a region of direction @dir do anything? */
static bool range_needed(enum dmaapi_direction dir, unsigned int op)
{
	if (op == DMAAPI_RANGE_PREPARE_READ)
		return dir != DMAAPI_TO_DEVICE;
	return dir != DMAAPI_FROM_DEVICE;
}

/* One range at a time, through the backend's callbacks. */
static int sync_each(const struct dmaapi_device *dev, const struct dmaapi_region *r,
		     size_t elem_size, const struct dmaapi_elem_range *ranges, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		size_t off = ranges[i].first * elem_size, len = ranges[i].count * elem_size;
		int ret;

		if (ranges[i].op == DMAAPI_RANGE_PREPARE_READ)
			ret = dmaapi__prepare_read(dev, r, off, len);
		else
			ret = dmaapi__confirm_write(dev, r, off, len);
		if (ret < 0)
			return ret;
	}
	return 0;
}

/* Batches of at most DMAAPI_SYNCV_MAX kernel ranges, built on the stack. */
#define SYNCV_BATCH 64
_Static_assert(SYNCV_BATCH <= DMAAPI_SYNCV_MAX, "a batch is one SYNCV");

static int sync_kernel(const struct dmaapi_device *dev, const struct dmaapi_region *r,
		       size_t elem_size, const struct dmaapi_elem_range *ranges, size_t n)
{
	struct dmaapi_sync_range kr[SYNCV_BATCH];
	size_t i = 0;

	while (i < n) {
		uint32_t k = 0;
		size_t start = i;
		int ret;

		for (; i < n && k < SYNCV_BATCH; i++) {
			if (!ranges[i].count || !range_needed(r->dir, ranges[i].op))
				continue;
			kr[k++] = (struct dmaapi_sync_range){
				.handle = (uint32_t)r->cookie,
				.flags = ranges[i].op == DMAAPI_RANGE_PREPARE_READ ?
						 DMAAPI_SYNC_FOR_CPU : DMAAPI_SYNC_FOR_DEVICE,
				.offset = ranges[i].first * elem_size,
				.length = ranges[i].count * elem_size,
			};
		}
		if (!k)
			continue;
		ret = dmaapi__linux_syncv(dev, kr, k);
		if (ret == -ENOTTY)	/* a module before SYNCV */
			return sync_each(dev, r, elem_size, ranges + start, n - start);
		if (ret < 0)
			return dmaapi__fail(ret == -ENOMEM ? DMAAPI_ERR_NO_MEMORY : DMAAPI_ERR_SYSTEM,
					    -ret);
	}
	return 0;
}

int dmaapi__sync_ranges(const struct dmaapi_device *dev, const struct dmaapi_region *r,
			size_t elem_size, size_t len, const struct dmaapi_elem_range *ranges,
			size_t n)
{
	if (n && !ranges)
		return dmaapi__fail(DMAAPI_ERR_NULL_POINTER, 0);
	/* all of them before any sync */
	for (size_t i = 0; i < n; i++) {
		const struct dmaapi_elem_range *e = &ranges[i];

		if (e->op != DMAAPI_RANGE_PREPARE_READ && e->op != DMAAPI_RANGE_CONFIRM_WRITE)
			return dmaapi__fail(DMAAPI_ERR_SYSTEM, EINVAL);
		if (e->first > len || e->count > len - e->first)
			return dmaapi__fail(DMAAPI_ERR_INDEX, 0);
	}
	if (!n || !(r->flags & DMAAPI_REGION_NEED_SYNC))
		return 0;
	if (dev->ops == &dmaapi__linux_ops)
		return sync_kernel(dev, r, elem_size, ranges, n);
	return sync_each(dev, r, elem_size, ranges, n);
}

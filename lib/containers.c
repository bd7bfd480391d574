// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The containers of dma-api 0.7: DArray<T> (struct dmaapi_array), DBox<T>
 * (struct dmaapi_box) and SArrayPtr<T> (struct dmaapi_map).  This file: what
 * they share (layout checks, allocation, element and slice copies with
 * their syncs) and the barriers; containers_alloc.c, containers_map.c and
 * containers_sized.c are the public calls.
 */
#include "containers.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------------ */
/* Shared helpers                                                            */

/* Checks of the crate's Layout::from_size_align + ZeroSizedBuffer. */
int dmaapi__check_layout(size_t elem_size, size_t len, size_t align, size_t *size)
{
	if (!elem_size || !len)
		return dmaapi__fail(DMAAPI_ERR_ZERO_SIZED, 0);
	if (!dmaapi__is_pow2(align))
		return dmaapi__fail(DMAAPI_ERR_LAYOUT, 0);
	/* Like Rust's Layout: the size rounded up to align fits in isize. */
	if (__builtin_mul_overflow(elem_size, len, size) ||
	    *size > (size_t)PTRDIFF_MAX - (align - 1))
		return dmaapi__fail(DMAAPI_ERR_LAYOUT, 0);
	return 0;
}

int dmaapi__alloc_container(struct dmaapi_device *dev, size_t elem_size, size_t len,
			    size_t align, enum dmaapi_direction dir, uint32_t flags,
			    struct container **out)
{
	struct container *c;
	size_t size;
	int ret;

	if (!dev || !out)
		return dmaapi__fail(DMAAPI_ERR_NULL_POINTER, 0);
	ret = dmaapi__check_layout(elem_size, len, align, &size);
	if (ret < 0)
		return ret;
	if (!dmaapi__dir_valid(dir) || (flags & ~DMAAPI_MEM_CACHED))
		return dmaapi__fail(DMAAPI_ERR_SYSTEM, EINVAL);

	_Static_assert(sizeof(struct dmaapi_array) == sizeof(struct container) &&
			       sizeof(struct dmaapi_box) == sizeof(struct container),
		       "wrappers are bare containers");
	c = calloc(1, sizeof(struct dmaapi_array));
	if (!c)
		return dmaapi__fail(DMAAPI_ERR_NO_MEMORY, ENOMEM);
	c->dev = dev;
	c->v.elem_size = elem_size;
	c->len = len;
	c->r.size = size;
	c->r.align = align;
	c->r.dir = dir;
	c->r.flags = DMAAPI_REGION_NEED_SYNC;
	if (flags & DMAAPI_MEM_CACHED)
		c->r.flags |= DMAAPI_REGION_CACHED;

	ret = dmaapi__region_alloc(dev, &c->r);
	if (ret < 0) {
		free(c);
		return ret;
	}
	/* element accesses sync: they go through the library */
	publish_view(c, need_sync(c));
	dmaapi__device_get(dev);
	*out = c;
	return 0;
}

void dmaapi__free_alloc(struct container *c)
{
	struct dmaapi_device *dev = c->dev;

	dmaapi__region_dealloc(dev, &c->r);
	free(c);
	dmaapi__device_put(dev);
}

/* Byte range of elements [first, first + count), checked against len. */
int dmaapi__elem_range(const struct container *c, size_t first, size_t count,
		       size_t *offset, size_t *size)
{
	*offset = 0;
	*size = 0;
	if (first > c->len || count > c->len - first)
		return dmaapi__fail(DMAAPI_ERR_INDEX, 0);
	*offset = first * c->v.elem_size;
	*size = count * c->v.elem_size;
	return 0;
}

/*
 * Element @index: prepare_read of its range, then copy out.  Where the
 * region needs no sync (coherent memory), nothing but the checks and the
 * copy: no call into the backend.
 */
int dmaapi__read_synced(const struct container *c, size_t index, void *value_out)
{
	size_t size = c->v.elem_size;
	int ret;

	if (__builtin_expect(!value_out, 0))
		return dmaapi__fail(DMAAPI_ERR_NULL_POINTER, 0);
	if (__builtin_expect(index >= c->len, 0))
		return dmaapi__fail(DMAAPI_ERR_INDEX, 0);
	if (need_sync(c)) {
		ret = dmaapi__prepare_read(c->dev, &c->r, index * size, size);
		if (ret < 0)
			return ret;
	}
	dmaapi__load_elem(value_out, elem_ptr(c, index), size);
	return 0;
}

/* Element @index: copy in, then confirm_write of its range. */
int dmaapi__write_synced(struct container *c, size_t index, const void *value)
{
	size_t size = c->v.elem_size;

	if (__builtin_expect(!value, 0))
		return dmaapi__fail(DMAAPI_ERR_NULL_POINTER, 0);
	if (__builtin_expect(index >= c->len, 0))
		return dmaapi__fail(DMAAPI_ERR_INDEX, 0);
	dmaapi__store_elem(elem_ptr(c, index), value, size);
	if (!need_sync(c))
		return 0;
	return dmaapi__confirm_write(c->dev, &c->r, index * size, size);
}

/* Copy @count elements in at @first, then one confirm_write of their range. */
int dmaapi__write_slice(struct container *c, size_t first, size_t count, const void *src)
{
	size_t offset = 0, size = 0;
	int ret;

	if (!src && count)
		return dmaapi__fail(DMAAPI_ERR_NULL_POINTER, 0);
	ret = dmaapi__elem_range(c, first, count, &offset, &size);
	if (ret < 0 || !count)
		return ret;
	memmove((char *)c->r.cpu_addr + offset, src, size);
	return dmaapi__confirm_write(c->dev, &c->r, offset, size);
}

/* One prepare_read of elements [first, first + count), then copy out. */
int dmaapi__read_slice(const struct container *c, size_t first, size_t count, void *dst)
{
	size_t offset = 0, size = 0;
	int ret;

	if (!dst && count)
		return dmaapi__fail(DMAAPI_ERR_NULL_POINTER, 0);
	ret = dmaapi__elem_range(c, first, count, &offset, &size);
	if (ret < 0 || !count)
		return ret;
	ret = dmaapi__prepare_read(c->dev, &c->r, offset, size);
	if (ret < 0)
		return ret;
	memmove(dst, (const char *)c->r.cpu_addr + offset, size);
	return 0;
}

int dmaapi__dma_addr_of(const struct container *c, size_t index, dmaapi_addr_t *out)
{
	if (!out)
		return dmaapi__fail(DMAAPI_ERR_NULL_POINTER, 0);
	if (index > c->len)
		return dmaapi__fail(DMAAPI_ERR_INDEX, 0);
	if (c->r.flags & DMAAPI_REGION_SEGMENTED) /* no one DMA address: see segments */
		return dmaapi__fail(DMAAPI_ERR_SYSTEM, EOPNOTSUPP);
	*out = c->r.dma_addr + (dmaapi_addr_t)index * c->v.elem_size;
	return 0;
}

int dmaapi__prepare_read_range(const struct container *c, size_t first, size_t count)
{
	size_t offset = 0, size = 0;
	int ret;

	ret = dmaapi__elem_range(c, first, count, &offset, &size);
	if (ret < 0)
		return ret;
	return dmaapi__prepare_read(c->dev, &c->r, offset, size);
}

int dmaapi__confirm_write_range(struct container *c, size_t first, size_t count)
{
	size_t offset = 0, size = 0;
	int ret;

	ret = dmaapi__elem_range(c, first, count, &offset, &size);
	if (ret < 0)
		return ret;
	return dmaapi__confirm_write(c->dev, &c->r, offset, size);
}

/* ------------------------------------------------------------------------ */
/* Barriers: the header's inline ones, as symbols                            */

DMAAPI_EXPORT void dmaapi_wmb(void)
{
	dmaapi__wmb();
}

DMAAPI_EXPORT void dmaapi_rmb(void)
{
	dmaapi__rmb();
}

DMAAPI_EXPORT void dmaapi_mb(void)
{
	dmaapi__mb();
}

DMAAPI_EXPORT void dmaapi_dma_wmb(void)
{
	dmaapi__dma_wmb();
}

DMAAPI_EXPORT void dmaapi_dma_rmb(void)
{
	dmaapi__dma_rmb();
}

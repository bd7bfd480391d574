// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Arrays (DArray<T>) and boxes (DBox<T>): allocated DMA memory.
 */
#include "containers.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------------ */
/* Arrays                                                                    */

DMAAPI_EXPORT int dmaapi_array_zero_with_flags(struct dmaapi_device *dev, size_t elem_size,
					       size_t len, size_t align,
					       enum dmaapi_direction dir, uint32_t flags,
					       struct dmaapi_array **out)
{
	struct container *c;
	int ret;

	if (out)
		*out = NULL;
	ret = dmaapi__alloc_container(dev, elem_size, len, align, dir, flags, out ? &c : NULL);
	if (!ret)
		*out = (struct dmaapi_array *)c;
	return ret;
}

DMAAPI_EXPORT int dmaapi_array_zero_with_align(struct dmaapi_device *dev, size_t elem_size,
					       size_t len, size_t align,
					       enum dmaapi_direction dir,
					       struct dmaapi_array **out)
{
	return dmaapi_array_zero_with_flags(dev, elem_size, len, align, dir, 0, out);
}

DMAAPI_EXPORT int dmaapi_array_cached_zero_with_align(struct dmaapi_device *dev,
						      size_t elem_size, size_t len, size_t align,
						      enum dmaapi_direction dir,
						      struct dmaapi_array **out)
{
	return dmaapi_array_zero_with_flags(dev, elem_size, len, align, dir,
					    DMAAPI_MEM_CACHED, out);
}

DMAAPI_EXPORT int dmaapi_array_read(const struct dmaapi_array *a, size_t index, void *value_out)
{
	NULL_CHECK(a);
	return dmaapi__read_synced(&a->c, index, value_out);
}

DMAAPI_EXPORT int dmaapi_array_set(struct dmaapi_array *a, size_t index, const void *value)
{
	NULL_CHECK(a);
	return dmaapi__write_synced(&a->c, index, value);
}

DMAAPI_EXPORT int dmaapi_array_copy_from_slice(struct dmaapi_array *a, const void *src,
					       size_t count)
{
	NULL_CHECK(a);
	return dmaapi__write_slice(&a->c, 0, count, src);
}

DMAAPI_EXPORT dmaapi_addr_t dmaapi_array_dma_addr(const struct dmaapi_array *a)
{
	return a ? a->c.r.dma_addr : 0;
}

DMAAPI_EXPORT size_t dmaapi_array_len(const struct dmaapi_array *a)
{
	return a ? a->c.len : 0;
}

DMAAPI_EXPORT size_t dmaapi_array_elem_size(const struct dmaapi_array *a)
{
	return a ? a->c.v.elem_size : 0;
}

DMAAPI_EXPORT void *dmaapi_array_as_ptr(const struct dmaapi_array *a)
{
	return a ? a->c.r.cpu_addr : NULL;
}

DMAAPI_EXPORT int dmaapi_array_prepare_read(const struct dmaapi_array *a, size_t first,
					    size_t count)
{
	NULL_CHECK(a);
	return dmaapi__prepare_read_range(&a->c, first, count);
}

DMAAPI_EXPORT int dmaapi_array_confirm_write(struct dmaapi_array *a, size_t first, size_t count)
{
	NULL_CHECK(a);
	return dmaapi__confirm_write_range(&a->c, first, count);
}

DMAAPI_EXPORT const struct dmaapi_region *dmaapi_array_region(const struct dmaapi_array *a)
{
	return a ? &a->c.r : NULL;
}

DMAAPI_EXPORT void dmaapi_array_free(struct dmaapi_array *a)
{
	if (a)
		dmaapi__free_alloc(&a->c);
}

/* ------------------------------------------------------------------------ */
/* Boxes                                                                     */

DMAAPI_EXPORT int dmaapi_box_zero_with_flags(struct dmaapi_device *dev, size_t size,
					     size_t align, enum dmaapi_direction dir,
					     uint32_t flags, struct dmaapi_box **out)
{
	struct container *c;
	int ret;

	if (out)
		*out = NULL;
	ret = dmaapi__alloc_container(dev, size, 1, align, dir, flags, out ? &c : NULL);
	if (!ret)
		*out = (struct dmaapi_box *)c;
	return ret;
}

DMAAPI_EXPORT int dmaapi_box_zero_with_align(struct dmaapi_device *dev, size_t size,
					     size_t align, enum dmaapi_direction dir,
					     struct dmaapi_box **out)
{
	return dmaapi_box_zero_with_flags(dev, size, align, dir, 0, out);
}

DMAAPI_EXPORT int dmaapi_box_cached_zero_with_align(struct dmaapi_device *dev, size_t size,
						    size_t align, enum dmaapi_direction dir,
						    struct dmaapi_box **out)
{
	return dmaapi_box_zero_with_flags(dev, size, align, dir, DMAAPI_MEM_CACHED, out);
}

DMAAPI_EXPORT int dmaapi_box_read(const struct dmaapi_box *b, void *value_out)
{
	NULL_CHECK(b);
	return dmaapi__read_synced(&b->c, 0, value_out);
}

DMAAPI_EXPORT int dmaapi_box_write(struct dmaapi_box *b, const void *value)
{
	NULL_CHECK(b);
	return dmaapi__write_synced(&b->c, 0, value);
}

DMAAPI_EXPORT int dmaapi_box_modify(struct dmaapi_box *b, void (*fn)(void *value, void *arg),
				    void *arg)
{
	int ret;

	NULL_CHECK(b);
	NULL_CHECK(fn);
	ret = dmaapi__prepare_read(b->c.dev, &b->c.r, 0, b->c.r.size);
	if (ret < 0)
		return ret;
	fn(b->c.r.cpu_addr, arg);
	return dmaapi__confirm_write(b->c.dev, &b->c.r, 0, b->c.r.size);
}

DMAAPI_EXPORT dmaapi_addr_t dmaapi_box_dma_addr(const struct dmaapi_box *b)
{
	return b ? b->c.r.dma_addr : 0;
}

DMAAPI_EXPORT size_t dmaapi_box_size(const struct dmaapi_box *b)
{
	return b ? b->c.r.size : 0;
}

DMAAPI_EXPORT void *dmaapi_box_as_ptr(const struct dmaapi_box *b)
{
	return b ? b->c.r.cpu_addr : NULL;
}

DMAAPI_EXPORT int dmaapi_box_prepare_read(const struct dmaapi_box *b)
{
	NULL_CHECK(b);
	return dmaapi__prepare_read(b->c.dev, &b->c.r, 0, b->c.r.size);
}

DMAAPI_EXPORT int dmaapi_box_confirm_write(struct dmaapi_box *b)
{
	NULL_CHECK(b);
	return dmaapi__confirm_write(b->c.dev, &b->c.r, 0, b->c.r.size);
}

DMAAPI_EXPORT const struct dmaapi_region *dmaapi_box_region(const struct dmaapi_box *b)
{
	return b ? &b->c.r : NULL;
}

DMAAPI_EXPORT void dmaapi_box_free(struct dmaapi_box *b)
{
	if (b)
		dmaapi__free_alloc(&b->c);
}

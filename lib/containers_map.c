// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Mapped arrays (SArrayPtr<T>): the caller's memory, mapped for the device.
 */
#include "containers.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------------ */
/* Mapped arrays                                                             */

DMAAPI_EXPORT int dmaapi_map_single_array(struct dmaapi_device *dev, void *buf,
					  size_t elem_size, size_t len, size_t align,
					  enum dmaapi_direction dir, struct dmaapi_map **out)
{
	struct dmaapi_map *m;
	size_t size;
	int ret;

	if (out)
		*out = NULL;
	if (!dev || !out || !buf)
		return dmaapi__fail(DMAAPI_ERR_NULL_POINTER, 0);
	ret = dmaapi__check_layout(elem_size, len, align, &size);
	if (ret < 0)
		return ret;
	if (!dmaapi__dir_valid(dir))
		return dmaapi__fail(DMAAPI_ERR_SYSTEM, EINVAL);
	if ((uintptr_t)buf & (align - 1))
		return dmaapi__fail_align((uintptr_t)buf, align, 0);
	if ((uintptr_t)buf + (size - 1) < (uintptr_t)buf)
		return dmaapi__fail(DMAAPI_ERR_LAYOUT, 0); /* wraps the address space */

	m = calloc(1, sizeof(*m));
	if (!m)
		return dmaapi__fail(DMAAPI_ERR_NO_MEMORY, ENOMEM);
	m->c.dev = dev;
	m->c.v.elem_size = elem_size;
	m->c.len = len;
	m->c.r.cpu_addr = buf;
	m->c.r.size = size;
	m->c.r.align = align;
	m->c.r.dir = dir;
	m->c.r.flags = DMAAPI_REGION_NEED_SYNC | DMAAPI_REGION_MAPPED;

	ret = dmaapi__region_map(dev, &m->c.r);
	if (ret < 0) {
		free(m);
		return ret;
	}
	/* map_read/map_set never sync */
	publish_view(&m->c, false);
	dmaapi__device_get(dev);
	*out = m;
	return 0;
}

DMAAPI_EXPORT int dmaapi_map_read(const struct dmaapi_map *m, size_t index, void *value_out)
{
	NULL_CHECK(m);
	NULL_CHECK(value_out);
	if (index >= m->c.len)
		return dmaapi__fail(DMAAPI_ERR_INDEX, 0);
	dmaapi__load_elem(value_out, elem_ptr(&m->c, index), m->c.v.elem_size);
	return 0;
}

DMAAPI_EXPORT int dmaapi_map_set(struct dmaapi_map *m, size_t index, const void *value)
{
	NULL_CHECK(m);
	NULL_CHECK(value);
	if (index >= m->c.len)
		return dmaapi__fail(DMAAPI_ERR_INDEX, 0);
	dmaapi__store_elem(elem_ptr(&m->c, index), value, m->c.v.elem_size);
	return 0;
}

DMAAPI_EXPORT int dmaapi_map_copy_from_slice(struct dmaapi_map *m, const void *src,
					     size_t count)
{
	NULL_CHECK(m);
	return dmaapi__write_slice(&m->c, 0, count, src);
}

DMAAPI_EXPORT int dmaapi_map_to_vec(const struct dmaapi_map *m, void *dst, size_t count)
{
	NULL_CHECK(m);
	return dmaapi__read_slice(&m->c, 0, count, dst);
}

DMAAPI_EXPORT int dmaapi_map_prepare_read_all(struct dmaapi_map *m)
{
	NULL_CHECK(m);
	return dmaapi__prepare_read(m->c.dev, &m->c.r, 0, m->c.r.size);
}

DMAAPI_EXPORT int dmaapi_map_confirm_write_all(struct dmaapi_map *m)
{
	NULL_CHECK(m);
	return dmaapi__confirm_write(m->c.dev, &m->c.r, 0, m->c.r.size);
}

DMAAPI_EXPORT int dmaapi_map_prepare_read(const struct dmaapi_map *m, size_t first, size_t count)
{
	NULL_CHECK(m);
	return dmaapi__prepare_read_range(&m->c, first, count);
}

DMAAPI_EXPORT int dmaapi_map_confirm_write(struct dmaapi_map *m, size_t first, size_t count)
{
	NULL_CHECK(m);
	return dmaapi__confirm_write_range(&m->c, first, count);
}

DMAAPI_EXPORT dmaapi_addr_t dmaapi_map_dma_addr(const struct dmaapi_map *m)
{
	return m ? m->c.r.dma_addr : 0;
}

DMAAPI_EXPORT size_t dmaapi_map_len(const struct dmaapi_map *m)
{
	return m ? m->c.len : 0;
}

DMAAPI_EXPORT size_t dmaapi_map_elem_size(const struct dmaapi_map *m)
{
	return m ? m->c.v.elem_size : 0;
}

DMAAPI_EXPORT bool dmaapi_map_is_empty(const struct dmaapi_map *m)
{
	return !m || !m->c.len;
}

DMAAPI_EXPORT void *dmaapi_map_as_ptr(const struct dmaapi_map *m)
{
	return m ? m->c.r.cpu_addr : NULL;
}

DMAAPI_EXPORT const struct dmaapi_region *dmaapi_map_region(const struct dmaapi_map *m)
{
	return m ? &m->c.r : NULL;
}

DMAAPI_EXPORT void dmaapi_map_free(struct dmaapi_map *m)
{
	struct dmaapi_device *dev;

	if (!m)
		return;
	dev = m->c.dev;
	if (m->c.r.flags & DMAAPI_REGION_DMABUF)
		dmaapi__dmabuf_unmap(dev, &m->c.r);
	else
		dmaapi__region_unmap(dev, &m->c.r);
	free(m);
	dmaapi__device_put(dev);
}

/* For dmabuf.c (since 1.3): the device of any container, and a mapped
 * array around a region mapped elsewhere (an imported dma-buf). */
struct dmaapi_device *dmaapi__container_device(const void *container)
{
	return ((const struct container *)container)->dev;
}

int dmaapi__map_adopt(struct dmaapi_device *dev, const struct dmaapi_region *r,
		      size_t elem_size, size_t len, struct dmaapi_map **out)
{
	struct dmaapi_map *m = calloc(1, sizeof(*m));

	if (!m)
		return dmaapi__fail(DMAAPI_ERR_NO_MEMORY, ENOMEM);
	m->c.dev = dev;
	m->c.v.elem_size = elem_size;
	m->c.len = len;
	m->c.r = *r;
	publish_view(&m->c, false);
	dmaapi__device_get(dev);
	*out = m;
	return 0;
}

// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Since 1.1: sized access, slices, element addresses, sync queries.
 */
#include "containers.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------------ */
/* Since 1.1: sized access, slices, element addresses, sync queries          */

DMAAPI_EXPORT int dmaapi_array_read_sized(const struct dmaapi_array *a, size_t index,
					  void *value_out, size_t size)
{
	NULL_CHECK(a);
	NULL_CHECK(value_out);
	if (check_size(&a->c, size) < 0)
		return -DMAAPI_ERR_LAYOUT;
	return dmaapi__read_synced(&a->c, index, value_out);
}

DMAAPI_EXPORT int dmaapi_array_set_sized(struct dmaapi_array *a, size_t index,
					 const void *value, size_t size)
{
	NULL_CHECK(a);
	NULL_CHECK(value);
	if (check_size(&a->c, size) < 0)
		return -DMAAPI_ERR_LAYOUT;
	return dmaapi__write_synced(&a->c, index, value);
}

DMAAPI_EXPORT int dmaapi_box_read_sized(const struct dmaapi_box *b, void *value_out,
					size_t size)
{
	NULL_CHECK(b);
	NULL_CHECK(value_out);
	if (check_size(&b->c, size) < 0)
		return -DMAAPI_ERR_LAYOUT;
	return dmaapi__read_synced(&b->c, 0, value_out);
}

DMAAPI_EXPORT int dmaapi_box_write_sized(struct dmaapi_box *b, const void *value, size_t size)
{
	NULL_CHECK(b);
	NULL_CHECK(value);
	if (check_size(&b->c, size) < 0)
		return -DMAAPI_ERR_LAYOUT;
	return dmaapi__write_synced(&b->c, 0, value);
}

DMAAPI_EXPORT int dmaapi_map_read_sized(const struct dmaapi_map *m, size_t index,
					void *value_out, size_t size)
{
	NULL_CHECK(m);
	NULL_CHECK(value_out);
	if (check_size(&m->c, size) < 0)
		return -DMAAPI_ERR_LAYOUT;
	return dmaapi_map_read(m, index, value_out);
}

DMAAPI_EXPORT int dmaapi_map_set_sized(struct dmaapi_map *m, size_t index, const void *value,
				       size_t size)
{
	NULL_CHECK(m);
	NULL_CHECK(value);
	if (check_size(&m->c, size) < 0)
		return -DMAAPI_ERR_LAYOUT;
	return dmaapi_map_set(m, index, value);
}

DMAAPI_EXPORT int dmaapi_array_read_slice(const struct dmaapi_array *a, size_t first,
					  size_t count, void *dst)
{
	NULL_CHECK(a);
	return dmaapi__read_slice(&a->c, first, count, dst);
}

DMAAPI_EXPORT int dmaapi_array_write_slice(struct dmaapi_array *a, size_t first, size_t count,
					   const void *src)
{
	NULL_CHECK(a);
	return dmaapi__write_slice(&a->c, first, count, src);
}

DMAAPI_EXPORT int dmaapi_map_read_slice(const struct dmaapi_map *m, size_t first, size_t count,
					void *dst)
{
	NULL_CHECK(m);
	return dmaapi__read_slice(&m->c, first, count, dst);
}

DMAAPI_EXPORT int dmaapi_map_write_slice(struct dmaapi_map *m, size_t first, size_t count,
					 const void *src)
{
	NULL_CHECK(m);
	return dmaapi__write_slice(&m->c, first, count, src);
}

DMAAPI_EXPORT int dmaapi_array_dma_addr_of(const struct dmaapi_array *a, size_t index,
					   dmaapi_addr_t *out)
{
	NULL_CHECK(a);
	return dmaapi__dma_addr_of(&a->c, index, out);
}

DMAAPI_EXPORT int dmaapi_map_dma_addr_of(const struct dmaapi_map *m, size_t index,
					 dmaapi_addr_t *out)
{
	NULL_CHECK(m);
	return dmaapi__dma_addr_of(&m->c, index, out);
}

DMAAPI_EXPORT bool dmaapi_array_is_empty(const struct dmaapi_array *a)
{
	return !a || !a->c.len;
}

DMAAPI_EXPORT size_t dmaapi_array_bytes_len(const struct dmaapi_array *a)
{
	return a ? a->c.r.size : 0;
}

DMAAPI_EXPORT size_t dmaapi_map_bytes_len(const struct dmaapi_map *m)
{
	return m ? m->c.r.size : 0;
}

DMAAPI_EXPORT int dmaapi_map_prepare_read_bytes(const struct dmaapi_map *m, size_t offset,
						size_t size)
{
	NULL_CHECK(m);
	if (byte_range(&m->c, offset, size) < 0)
		return -DMAAPI_ERR_INDEX;
	return dmaapi__prepare_read(m->c.dev, &m->c.r, offset, size);
}

DMAAPI_EXPORT int dmaapi_map_confirm_write_bytes(struct dmaapi_map *m, size_t offset,
						 size_t size)
{
	NULL_CHECK(m);
	if (byte_range(&m->c, offset, size) < 0)
		return -DMAAPI_ERR_INDEX;
	return dmaapi__confirm_write(m->c.dev, &m->c.r, offset, size);
}

/* Since 1.6: several ranges in one call (syncv.c). */
DMAAPI_EXPORT int dmaapi_array_sync_ranges(struct dmaapi_array *a,
					   const struct dmaapi_elem_range *ranges, size_t n)
{
	NULL_CHECK(a);
	return dmaapi__sync_ranges(a->c.dev, &a->c.r, a->c.v.elem_size, a->c.len, ranges, n);
}

DMAAPI_EXPORT int dmaapi_map_sync_ranges(struct dmaapi_map *m,
					 const struct dmaapi_elem_range *ranges, size_t n)
{
	NULL_CHECK(m);
	return dmaapi__sync_ranges(m->c.dev, &m->c.r, m->c.v.elem_size, m->c.len, ranges, n);
}

DMAAPI_EXPORT bool dmaapi_array_need_sync(const struct dmaapi_array *a)
{
	return a && need_sync(&a->c);
}

DMAAPI_EXPORT bool dmaapi_box_need_sync(const struct dmaapi_box *b)
{
	return b && need_sync(&b->c);
}

DMAAPI_EXPORT bool dmaapi_map_need_sync(const struct dmaapi_map *m)
{
	return m && need_sync(&m->c);
}

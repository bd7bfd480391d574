// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The containers of dma-api 0.7: DArray<T> (struct dmaapi_array), DBox<T>
 * (struct dmaapi_box) and SArrayPtr<T> (struct dmaapi_map).
 */
#include "internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/*
 * What the three containers share: a region of len elements.  The view
 * comes first: the header's inline accessors read it (struct dmaapi_view).
 */
struct container {
	struct dmaapi_view v;
	size_t len;
	struct dmaapi_device *dev;
	struct dmaapi_region r;
};

static inline bool need_sync(const struct container *c)
{
	return c->r.flags & DMAAPI_REGION_NEED_SYNC;
}

/* After the region is allocated or mapped: what the inline accessors need. */
static void publish_view(struct container *c, bool slow)
{
	c->v.cpu_addr = c->r.cpu_addr;
	c->v.fast_len = slow ? 0 : c->len;
}

/* Each public type is a struct container and nothing else, so a pointer
 * to one converts to a pointer to its first member and back (C11 6.7.2.1). */
struct dmaapi_array {
	struct container c;
};

struct dmaapi_box {
	struct container c;
};

struct dmaapi_map {
	struct container c;
};

/* The header's inline accessors read the view at the start of each. */
_Static_assert(offsetof(struct container, v) == 0, "the view comes first");
_Static_assert(offsetof(struct dmaapi_array, c) == 0 && offsetof(struct dmaapi_box, c) == 0 &&
		       offsetof(struct dmaapi_map, c) == 0,
	       "containers start with the view");

/* ------------------------------------------------------------------------ */
/* Shared helpers                                                            */

/* Checks of the crate's Layout::from_size_align + ZeroSizedBuffer. */
static int check_layout(size_t elem_size, size_t len, size_t align, size_t *size)
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

static int alloc_container(struct dmaapi_device *dev, size_t elem_size, size_t len,
			   size_t align, enum dmaapi_direction dir, uint32_t flags,
			   struct container **out)
{
	struct container *c;
	size_t size;
	int ret;

	if (!dev || !out)
		return dmaapi__fail(DMAAPI_ERR_NULL_POINTER, 0);
	ret = check_layout(elem_size, len, align, &size);
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

static void free_alloc(struct container *c)
{
	struct dmaapi_device *dev = c->dev;

	dmaapi__region_dealloc(dev, &c->r);
	free(c);
	dmaapi__device_put(dev);
}

/* Byte range of elements [first, first + count), checked against len. */
static int elem_range(const struct container *c, size_t first, size_t count,
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

static void *elem_ptr(const struct container *c, size_t index)
{
	return (char *)c->r.cpu_addr + index * c->v.elem_size;
}

/*
 * Element @index: prepare_read of its range, then copy out.  Where the
 * region needs no sync (coherent memory), nothing but the checks and the
 * copy: no call into the backend.
 */
static int read_synced(const struct container *c, size_t index, void *value_out)
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
static int write_synced(struct container *c, size_t index, const void *value)
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
static int write_slice(struct container *c, size_t first, size_t count, const void *src)
{
	size_t offset = 0, size = 0;
	int ret;

	if (!src && count)
		return dmaapi__fail(DMAAPI_ERR_NULL_POINTER, 0);
	ret = elem_range(c, first, count, &offset, &size);
	if (ret < 0 || !count)
		return ret;
	memmove((char *)c->r.cpu_addr + offset, src, size);
	return dmaapi__confirm_write(c->dev, &c->r, offset, size);
}

/* One prepare_read of elements [first, first + count), then copy out. */
static int read_slice(const struct container *c, size_t first, size_t count, void *dst)
{
	size_t offset = 0, size = 0;
	int ret;

	if (!dst && count)
		return dmaapi__fail(DMAAPI_ERR_NULL_POINTER, 0);
	ret = elem_range(c, first, count, &offset, &size);
	if (ret < 0 || !count)
		return ret;
	ret = dmaapi__prepare_read(c->dev, &c->r, offset, size);
	if (ret < 0)
		return ret;
	memmove(dst, (const char *)c->r.cpu_addr + offset, size);
	return 0;
}

/* Byte range [offset, offset + size) of the region. */
static int byte_range(const struct container *c, size_t offset, size_t size)
{
	if (offset > c->r.size || size > c->r.size - offset)
		return dmaapi__fail(DMAAPI_ERR_INDEX, 0);
	return 0;
}

static int dma_addr_of(const struct container *c, size_t index, dmaapi_addr_t *out)
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

static int check_size(const struct container *c, size_t size)
{
	return size == c->v.elem_size ? 0 : dmaapi__fail(DMAAPI_ERR_LAYOUT, 0);
}

static int prepare_read_range(const struct container *c, size_t first, size_t count)
{
	size_t offset = 0, size = 0;
	int ret;

	ret = elem_range(c, first, count, &offset, &size);
	if (ret < 0)
		return ret;
	return dmaapi__prepare_read(c->dev, &c->r, offset, size);
}

static int confirm_write_range(struct container *c, size_t first, size_t count)
{
	size_t offset = 0, size = 0;
	int ret;

	ret = elem_range(c, first, count, &offset, &size);
	if (ret < 0)
		return ret;
	return dmaapi__confirm_write(c->dev, &c->r, offset, size);
}

#define NULL_CHECK(p)                                                   \
	do {                                                            \
		if (__builtin_expect(!(p), 0))                          \
			return dmaapi__fail(DMAAPI_ERR_NULL_POINTER, 0); \
	} while (0)

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
	ret = alloc_container(dev, elem_size, len, align, dir, flags, out ? &c : NULL);
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
	return read_synced(&a->c, index, value_out);
}

DMAAPI_EXPORT int dmaapi_array_set(struct dmaapi_array *a, size_t index, const void *value)
{
	NULL_CHECK(a);
	return write_synced(&a->c, index, value);
}

DMAAPI_EXPORT int dmaapi_array_copy_from_slice(struct dmaapi_array *a, const void *src,
					       size_t count)
{
	NULL_CHECK(a);
	return write_slice(&a->c, 0, count, src);
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
	return prepare_read_range(&a->c, first, count);
}

DMAAPI_EXPORT int dmaapi_array_confirm_write(struct dmaapi_array *a, size_t first, size_t count)
{
	NULL_CHECK(a);
	return confirm_write_range(&a->c, first, count);
}

DMAAPI_EXPORT const struct dmaapi_region *dmaapi_array_region(const struct dmaapi_array *a)
{
	return a ? &a->c.r : NULL;
}

DMAAPI_EXPORT void dmaapi_array_free(struct dmaapi_array *a)
{
	if (a)
		free_alloc(&a->c);
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
	ret = alloc_container(dev, size, 1, align, dir, flags, out ? &c : NULL);
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
	return read_synced(&b->c, 0, value_out);
}

DMAAPI_EXPORT int dmaapi_box_write(struct dmaapi_box *b, const void *value)
{
	NULL_CHECK(b);
	return write_synced(&b->c, 0, value);
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
		free_alloc(&b->c);
}

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
	ret = check_layout(elem_size, len, align, &size);
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
	return write_slice(&m->c, 0, count, src);
}

DMAAPI_EXPORT int dmaapi_map_to_vec(const struct dmaapi_map *m, void *dst, size_t count)
{
	NULL_CHECK(m);
	return read_slice(&m->c, 0, count, dst);
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
	return prepare_read_range(&m->c, first, count);
}

DMAAPI_EXPORT int dmaapi_map_confirm_write(struct dmaapi_map *m, size_t first, size_t count)
{
	NULL_CHECK(m);
	return confirm_write_range(&m->c, first, count);
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

/* ------------------------------------------------------------------------ */
/* Since 1.1: sized access, slices, element addresses, sync queries          */

DMAAPI_EXPORT int dmaapi_array_read_sized(const struct dmaapi_array *a, size_t index,
					  void *value_out, size_t size)
{
	NULL_CHECK(a);
	NULL_CHECK(value_out);
	if (check_size(&a->c, size) < 0)
		return -DMAAPI_ERR_LAYOUT;
	return read_synced(&a->c, index, value_out);
}

DMAAPI_EXPORT int dmaapi_array_set_sized(struct dmaapi_array *a, size_t index,
					 const void *value, size_t size)
{
	NULL_CHECK(a);
	NULL_CHECK(value);
	if (check_size(&a->c, size) < 0)
		return -DMAAPI_ERR_LAYOUT;
	return write_synced(&a->c, index, value);
}

DMAAPI_EXPORT int dmaapi_box_read_sized(const struct dmaapi_box *b, void *value_out,
					size_t size)
{
	NULL_CHECK(b);
	NULL_CHECK(value_out);
	if (check_size(&b->c, size) < 0)
		return -DMAAPI_ERR_LAYOUT;
	return read_synced(&b->c, 0, value_out);
}

DMAAPI_EXPORT int dmaapi_box_write_sized(struct dmaapi_box *b, const void *value, size_t size)
{
	NULL_CHECK(b);
	NULL_CHECK(value);
	if (check_size(&b->c, size) < 0)
		return -DMAAPI_ERR_LAYOUT;
	return write_synced(&b->c, 0, value);
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
	return read_slice(&a->c, first, count, dst);
}

DMAAPI_EXPORT int dmaapi_array_write_slice(struct dmaapi_array *a, size_t first, size_t count,
					   const void *src)
{
	NULL_CHECK(a);
	return write_slice(&a->c, first, count, src);
}

DMAAPI_EXPORT int dmaapi_map_read_slice(const struct dmaapi_map *m, size_t first, size_t count,
					void *dst)
{
	NULL_CHECK(m);
	return read_slice(&m->c, first, count, dst);
}

DMAAPI_EXPORT int dmaapi_map_write_slice(struct dmaapi_map *m, size_t first, size_t count,
					 const void *src)
{
	NULL_CHECK(m);
	return write_slice(&m->c, first, count, src);
}

DMAAPI_EXPORT int dmaapi_array_dma_addr_of(const struct dmaapi_array *a, size_t index,
					   dmaapi_addr_t *out)
{
	NULL_CHECK(a);
	return dma_addr_of(&a->c, index, out);
}

DMAAPI_EXPORT int dmaapi_map_dma_addr_of(const struct dmaapi_map *m, size_t index,
					 dmaapi_addr_t *out)
{
	NULL_CHECK(m);
	return dma_addr_of(&m->c, index, out);
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

/* Since 1.8: several ranges in one call (syncv.c). */
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

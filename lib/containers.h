/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What the container sources share (containers.c: the common helpers,
 * containers_alloc.c: arrays and boxes, containers_map.c: mapped arrays,
 * containers_sized.c: the 1.1 sized access, slices and queries).  Internal:
 * nothing here is exported (-fvisibility=hidden), and every name defined
 * in one file and used in another carries the dmaapi__ prefix, since the
 * static library is linked into programs with names of their own.
 */
#ifndef DMAAPI_CONTAINERS_H
#define DMAAPI_CONTAINERS_H

#include "internal.h"

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
static inline void publish_view(struct container *c, bool slow)
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

static inline void *elem_ptr(const struct container *c, size_t index)
{
	return (char *)c->r.cpu_addr + index * c->v.elem_size;
}

/* Byte range [offset, offset + size) of the region. */
static inline int byte_range(const struct container *c, size_t offset, size_t size)
{
	if (offset > c->r.size || size > c->r.size - offset)
		return dmaapi__fail(DMAAPI_ERR_INDEX, 0);
	return 0;
}

static inline int check_size(const struct container *c, size_t size)
{
	return size == c->v.elem_size ? 0 : dmaapi__fail(DMAAPI_ERR_LAYOUT, 0);
}

#define NULL_CHECK(p)                                                   \
	do {                                                            \
		if (__builtin_expect(!(p), 0))                          \
			return dmaapi__fail(DMAAPI_ERR_NULL_POINTER, 0); \
	} while (0)

/* containers.c */
int dmaapi__check_layout(size_t elem_size, size_t len, size_t align, size_t *size);
int dmaapi__alloc_container(struct dmaapi_device *dev, size_t elem_size, size_t len,
			    size_t align, enum dmaapi_direction dir, uint32_t flags,
			    struct container **out);
void dmaapi__free_alloc(struct container *c);
int dmaapi__elem_range(const struct container *c, size_t first, size_t count,
		       size_t *offset, size_t *size);
int dmaapi__read_synced(const struct container *c, size_t index, void *value_out);
int dmaapi__write_synced(struct container *c, size_t index, const void *value);
int dmaapi__write_slice(struct container *c, size_t first, size_t count, const void *src);
int dmaapi__read_slice(const struct container *c, size_t first, size_t count, void *dst);
int dmaapi__dma_addr_of(const struct container *c, size_t index, dmaapi_addr_t *out);
int dmaapi__prepare_read_range(const struct container *c, size_t first, size_t count);
int dmaapi__confirm_write_range(struct container *c, size_t first, size_t count);

#endif /* DMAAPI_CONTAINERS_H */

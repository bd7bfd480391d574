// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Pools of fixed-size DMA buffers (dma-api 0.8's pools): one array
 * allocation cut into slots of round_up(buf_size, align) bytes, handed out
 * and taken back through an index stack, without any backend call.
 */
#include "internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct dmaapi_pool {
	struct dmaapi_array *arr;	/* the one allocation; holds the device reference */
	struct dmaapi_device *dev;	/* for the syncs; alive while arr is */
	const struct dmaapi_region *r;
	size_t buf_size;
	size_t stride;
	size_t count;
	size_t nfree;			/* entries of free_stack in use */
	size_t *free_stack;		/* indices of free slots; top = free_stack[nfree - 1] */
	unsigned char *out;		/* out[i]: slot i is handed out */
};

DMAAPI_EXPORT int dmaapi_pool_new(struct dmaapi_device *dev, size_t buf_size, size_t align,
				  size_t count, enum dmaapi_direction dir, uint32_t flags,
				  struct dmaapi_pool **out)
{
	struct dmaapi_pool *p;
	size_t stride, total;
	int ret;

	if (out)
		*out = NULL;
	if (!dev || !out)
		return dmaapi__fail(DMAAPI_ERR_NULL_POINTER, 0);
	if (!buf_size || !count)
		return dmaapi__fail(DMAAPI_ERR_ZERO_SIZED, 0);
	if (!dmaapi__is_pow2(align))
		return dmaapi__fail(DMAAPI_ERR_LAYOUT, 0);
	if (__builtin_add_overflow(buf_size, align - 1, &stride))
		return dmaapi__fail(DMAAPI_ERR_LAYOUT, 0);
	stride &= ~(align - 1);
	if (__builtin_mul_overflow(stride, count, &total) || total > (size_t)PTRDIFF_MAX)
		return dmaapi__fail(DMAAPI_ERR_LAYOUT, 0);
	if (!dmaapi__dir_valid(dir) || (flags & ~DMAAPI_MEM_CACHED))
		return dmaapi__fail(DMAAPI_ERR_SYSTEM, EINVAL);

	p = calloc(1, sizeof(*p));
	if (!p)
		return dmaapi__fail(DMAAPI_ERR_NO_MEMORY, ENOMEM);
	p->free_stack = calloc(count, sizeof(*p->free_stack));
	p->out = calloc(count, 1);
	if (!p->free_stack || !p->out) {
		ret = dmaapi__fail(DMAAPI_ERR_NO_MEMORY, ENOMEM);
		goto fail;
	}
	/* zeroed, aligned, within the mask: the array checks all three */
	ret = dmaapi_array_zero_with_flags(dev, stride, count, align, dir, flags, &p->arr);
	if (ret < 0)
		goto fail;
	p->dev = dev;
	p->r = dmaapi_array_region(p->arr);
	p->buf_size = buf_size;
	p->stride = stride;
	p->count = count;
	/* slot 0 on top: handed out first */
	for (size_t i = 0; i < count; i++)
		p->free_stack[i] = count - 1 - i;
	p->nfree = count;
	*out = p;
	return 0;
fail:
	free(p->out);
	free(p->free_stack);
	free(p);
	return ret;
}

DMAAPI_EXPORT void dmaapi_pool_free(struct dmaapi_pool *pool)
{
	if (!pool)
		return;
	dmaapi_array_free(pool->arr);
	free(pool->out);
	free(pool->free_stack);
	free(pool);
}

static void fill_buf(const struct dmaapi_pool *p, size_t i, struct dmaapi_pool_buf *b)
{
	b->cpu_addr = (char *)p->r->cpu_addr + i * p->stride;
	b->dma_addr = p->r->dma_addr + (dmaapi_addr_t)i * p->stride;
	b->index = i;
	b->size = p->buf_size;
}

DMAAPI_EXPORT int dmaapi_pool_get(struct dmaapi_pool *pool, struct dmaapi_pool_buf *out)
{
	size_t i;

	if (!pool || !out)
		return dmaapi__fail(DMAAPI_ERR_NULL_POINTER, 0);
	if (!pool->nfree)
		return dmaapi__fail(DMAAPI_ERR_NO_MEMORY, 0);
	i = pool->free_stack[--pool->nfree];
	pool->out[i] = 1;
	fill_buf(pool, i, out);
	return 0;
}

/* @b names a slot of @pool as dmaapi_pool_get() filled it in. */
static int check_buf(const struct dmaapi_pool *p, const struct dmaapi_pool_buf *b)
{
	if (b->index >= p->count ||
	    b->cpu_addr != (void *)((char *)p->r->cpu_addr + b->index * p->stride) ||
	    b->dma_addr != p->r->dma_addr + (dmaapi_addr_t)b->index * p->stride ||
	    b->size != p->buf_size)
		return dmaapi__fail(DMAAPI_ERR_INDEX, 0);
	return 0;
}

DMAAPI_EXPORT int dmaapi_pool_put(struct dmaapi_pool *pool, const struct dmaapi_pool_buf *buf)
{
	if (!pool || !buf)
		return dmaapi__fail(DMAAPI_ERR_NULL_POINTER, 0);
	if (check_buf(pool, buf) < 0)
		return -DMAAPI_ERR_INDEX;
	if (!pool->out[buf->index])
		return dmaapi__fail(DMAAPI_ERR_INDEX, 0); /* a double put */
	pool->out[buf->index] = 0;
	pool->free_stack[pool->nfree++] = buf->index;
	return 0;
}

/* Byte range [offset, offset + len) of a handed-out buffer, as a region offset. */
static int sync_range(const struct dmaapi_pool *p, const struct dmaapi_pool_buf *b,
		      size_t offset, size_t len, size_t *roff)
{
	if (!p || !b)
		return dmaapi__fail(DMAAPI_ERR_NULL_POINTER, 0);
	if (check_buf(p, b) < 0)
		return -DMAAPI_ERR_INDEX;
	if (!p->out[b->index] || offset > p->buf_size || len > p->buf_size - offset)
		return dmaapi__fail(DMAAPI_ERR_INDEX, 0);
	*roff = b->index * p->stride + offset;
	return 0;
}

DMAAPI_EXPORT int dmaapi_pool_confirm_write(struct dmaapi_pool *pool,
					    const struct dmaapi_pool_buf *buf, size_t offset,
					    size_t len)
{
	size_t roff = 0;
	int ret = sync_range(pool, buf, offset, len, &roff);

	if (ret < 0)
		return ret;
	return dmaapi__confirm_write(pool->dev, pool->r, roff, len);
}

DMAAPI_EXPORT int dmaapi_pool_prepare_read(struct dmaapi_pool *pool,
					   const struct dmaapi_pool_buf *buf, size_t offset,
					   size_t len)
{
	size_t roff = 0;
	int ret = sync_range(pool, buf, offset, len, &roff);

	if (ret < 0)
		return ret;
	return dmaapi__prepare_read(pool->dev, pool->r, roff, len);
}

DMAAPI_EXPORT size_t dmaapi_pool_available(const struct dmaapi_pool *pool)
{
	return pool ? pool->nfree : 0;
}

DMAAPI_EXPORT size_t dmaapi_pool_capacity(const struct dmaapi_pool *pool)
{
	return pool ? pool->count : 0;
}

DMAAPI_EXPORT size_t dmaapi_pool_buf_size(const struct dmaapi_pool *pool)
{
	return pool ? pool->buf_size : 0;
}

DMAAPI_EXPORT size_t dmaapi_pool_stride(const struct dmaapi_pool *pool)
{
	return pool ? pool->stride : 0;
}

DMAAPI_EXPORT bool dmaapi_pool_need_sync(const struct dmaapi_pool *pool)
{
	return pool && (pool->r->flags & DMAAPI_REGION_NEED_SYNC);
}

DMAAPI_EXPORT const struct dmaapi_region *dmaapi_pool_region(const struct dmaapi_pool *pool)
{
	return pool ? pool->r : NULL;
}

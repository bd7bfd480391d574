// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Pools (dmaapi_pool_*) on the tracking backend: the layout of every slot,
 * exhaust and refill, rejected puts and parameters, the syncs of the
 * crate's table, and that get/put never reach the backend.  The Linux
 * backend's side (no ioctl in get/put) is in test_linux.c.
 */
#include "test.h"
#include "tracking.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static const enum dmaapi_direction dirs[] = { DMAAPI_BIDIRECTIONAL, DMAAPI_TO_DEVICE,
					      DMAAPI_FROM_DEVICE };

/* Every call the backend has seen so far. */
static unsigned backend_calls(const struct tracking *t)
{
	return t->allocs + t->deallocs + t->maps + t->unmaps + t->info_calls + t->nev;
}

static bool all_zero(const void *p, size_t n)
{
	const unsigned char *c = p;

	for (size_t i = 0; i < n; i++)
		if (c[i])
			return false;
	return true;
}

/* buf_size, align, count: every slot aligned, base + i * stride, no two
 * overlapping, zeroed; exhaust, refill. */
static void pool_layout_one(size_t buf_size, size_t align, size_t count, size_t want_stride)
{
	struct tracking t;
	struct dmaapi_device *dev = NULL;
	struct dmaapi_pool *p = NULL;
	struct dmaapi_pool_buf b[8], extra;
	const struct dmaapi_region *r;
	bool seen[8] = { false };

	tracking_init(&t, false);
	t.dirty_alloc = true; /* the library must zero it */
	CHECK_EQ(dmaapi_device_new(~0ULL, &t.ops, &t, &dev), 0);
	CHECK_EQ(dmaapi_pool_new(dev, buf_size, align, count, DMAAPI_BIDIRECTIONAL, 0, &p), 0);
	if (!CHECK(p))
		goto out;
	CHECK_EQ(t.allocs, 1); /* one allocation for all */
	CHECK_EQ(dmaapi_pool_stride(p), want_stride);
	CHECK_EQ(dmaapi_pool_buf_size(p), buf_size);
	CHECK_EQ(dmaapi_pool_capacity(p), count);
	CHECK_EQ(dmaapi_pool_available(p), count);
	r = dmaapi_pool_region(p);
	CHECK_EQ(r->size, want_stride * count);
	for (size_t i = 0; i < count; i++) {
		CHECK_EQ(dmaapi_pool_get(p, &b[i]), 0);
		CHECK_EQ(b[i].index, i); /* slot 0 first */
		CHECK_EQ(b[i].size, buf_size);
		CHECK_EQ(b[i].dma_addr, r->dma_addr + i * want_stride);
		CHECK_EQ((uintptr_t)b[i].cpu_addr, (uintptr_t)r->cpu_addr + i * want_stride);
		CHECK_EQ(b[i].dma_addr & (align - 1), 0);
		CHECK_EQ((uintptr_t)b[i].cpu_addr & (align - 1), 0);
		CHECK(all_zero(b[i].cpu_addr, buf_size));
		CHECK_EQ(dmaapi_pool_available(p), count - 1 - i);
		/* within the allocation, after the previous one without overlap */
		CHECK((char *)b[i].cpu_addr + buf_size <= (char *)r->cpu_addr + r->size);
		if (i)
			CHECK((char *)b[i - 1].cpu_addr + buf_size <= (char *)b[i].cpu_addr);
		memset(b[i].cpu_addr, 0x40 + (int)i, buf_size); /* valgrind: within the block */
	}
	for (size_t i = 0; i < count; i++)
		CHECK((*(unsigned char *)b[i].cpu_addr) == 0x40 + i); /* no slot overwrote another */
	memset(&extra, 0x5a, sizeof(extra));
	CHECK_ERR(dmaapi_pool_get(p, &extra), DMAAPI_ERR_NO_MEMORY);
	CHECK_EQ(extra.index, 0x5a5a5a5a5a5a5a5aULL & SIZE_MAX); /* untouched */
	/* refill, then every slot comes out once more */
	for (size_t i = 0; i < count; i++)
		CHECK_EQ(dmaapi_pool_put(p, &b[i]), 0);
	CHECK_EQ(dmaapi_pool_available(p), count);
	for (size_t i = 0; i < count; i++) {
		CHECK_EQ(dmaapi_pool_get(p, &b[i]), 0);
		if (CHECK(b[i].index < count)) {
			CHECK(!seen[b[i].index]);
			seen[b[i].index] = true;
		}
	}
	CHECK_ERR(dmaapi_pool_get(p, &extra), DMAAPI_ERR_NO_MEMORY);
	/* LIFO: the slot put back last comes out next */
	CHECK_EQ(dmaapi_pool_put(p, &b[count / 2]), 0);
	CHECK_EQ(dmaapi_pool_get(p, &extra), 0);
	CHECK_EQ(extra.index, b[count / 2].index);
	dmaapi_pool_free(p); /* with every buffer handed out */
	CHECK_EQ(t.deallocs, 1);
out:
	CHECK_EQ(tracking_live(&t), 0);
	dmaapi_device_close(dev);
}

static void pool_layout(void)
{
	t_group("pool: slot layout, exhaust and refill");
	pool_layout_one(24, 64, 5, 64);
	pool_layout_one(64, 64, 4, 64); /* buf_size a multiple of align: no padding */
	pool_layout_one(65, 64, 3, 128);
	pool_layout_one(3, 1, 7, 3);
	pool_layout_one(100, 4096, 2, 4096);
	pool_layout_one(16, 8, 1, 16);
}

static void pool_put_errors(void)
{
	struct tracking t;
	struct dmaapi_device *dev = NULL;
	struct dmaapi_pool *p = NULL, *q = NULL;
	struct dmaapi_pool_buf a, b, c, bad;

	t_group("pool: double and foreign puts rejected");
	tracking_init(&t, false);
	CHECK_EQ(dmaapi_device_new(~0ULL, &t.ops, &t, &dev), 0);
	CHECK_EQ(dmaapi_pool_new(dev, 32, 32, 4, DMAAPI_TO_DEVICE, 0, &p), 0);
	CHECK_EQ(dmaapi_pool_new(dev, 32, 32, 4, DMAAPI_TO_DEVICE, 0, &q), 0);
	CHECK_EQ(dmaapi_pool_get(p, &a), 0);
	CHECK_EQ(dmaapi_pool_get(p, &b), 0);
	CHECK_EQ(dmaapi_pool_get(q, &c), 0);

	CHECK_EQ(dmaapi_pool_put(p, &a), 0);
	CHECK_ERR(dmaapi_pool_put(p, &a), DMAAPI_ERR_INDEX); /* double put */
	CHECK_EQ(dmaapi_pool_available(p), 3);
	/* never handed out: slot 3 as get would describe it */
	bad = b;
	bad.index = 3;
	bad.cpu_addr = (char *)dmaapi_pool_region(p)->cpu_addr + 3 * 32;
	bad.dma_addr = dmaapi_pool_region(p)->dma_addr + 3 * 32;
	CHECK_ERR(dmaapi_pool_put(p, &bad), DMAAPI_ERR_INDEX);
	CHECK_ERR(dmaapi_pool_put(p, &c), DMAAPI_ERR_INDEX);  /* q's buffer */
	CHECK_ERR(dmaapi_pool_put(q, &b), DMAAPI_ERR_INDEX);  /* p's buffer */
	CHECK_EQ(dmaapi_pool_available(q), 3);
	bad = b;
	bad.index = 4; /* out of range */
	CHECK_ERR(dmaapi_pool_put(p, &bad), DMAAPI_ERR_INDEX);
	/* slot 4 as if the pool had one more: index == capacity */
	bad.cpu_addr = (char *)dmaapi_pool_region(p)->cpu_addr + 4 * 32;
	bad.dma_addr = dmaapi_pool_region(p)->dma_addr + 4 * 32;
	CHECK_ERR(dmaapi_pool_put(p, &bad), DMAAPI_ERR_INDEX);
	CHECK_ERR(dmaapi_pool_confirm_write(p, &bad, 0, 1), DMAAPI_ERR_INDEX);
	bad.index = SIZE_MAX;
	CHECK_ERR(dmaapi_pool_put(p, &bad), DMAAPI_ERR_INDEX);
	bad = b;
	bad.cpu_addr = (char *)bad.cpu_addr + 1;
	CHECK_ERR(dmaapi_pool_put(p, &bad), DMAAPI_ERR_INDEX);
	bad = b;
	bad.dma_addr += 32;
	CHECK_ERR(dmaapi_pool_put(p, &bad), DMAAPI_ERR_INDEX);
	bad = b;
	bad.size = 16;
	CHECK_ERR(dmaapi_pool_put(p, &bad), DMAAPI_ERR_INDEX);
	CHECK_EQ(dmaapi_pool_available(p), 3);
	CHECK_ERR(dmaapi_pool_put(NULL, &b), DMAAPI_ERR_NULL_POINTER);
	CHECK_ERR(dmaapi_pool_put(p, NULL), DMAAPI_ERR_NULL_POINTER);
	CHECK_ERR(dmaapi_pool_get(NULL, &a), DMAAPI_ERR_NULL_POINTER);
	CHECK_ERR(dmaapi_pool_get(p, NULL), DMAAPI_ERR_NULL_POINTER);
	CHECK_EQ(dmaapi_pool_put(p, &b), 0);
	CHECK_EQ(dmaapi_pool_available(p), 4);
	CHECK_EQ(dmaapi_pool_put(q, &c), 0);
	/* NULL getters */
	CHECK_EQ(dmaapi_pool_available(NULL), 0);
	CHECK_EQ(dmaapi_pool_capacity(NULL), 0);
	CHECK_EQ(dmaapi_pool_buf_size(NULL), 0);
	CHECK_EQ(dmaapi_pool_stride(NULL), 0);
	CHECK(!dmaapi_pool_need_sync(NULL));
	CHECK(!dmaapi_pool_region(NULL));
	dmaapi_pool_free(NULL);
	dmaapi_pool_free(p);
	dmaapi_pool_free(q);
	CHECK_EQ(tracking_live(&t), 0);
	dmaapi_device_close(dev);
}

static void pool_params(void)
{
	struct tracking t;
	struct dmaapi_device *dev = NULL, *small = NULL;
	struct dmaapi_pool *p = (struct dmaapi_pool *)&t; /* must become NULL */

	t_group("pool: bad parameters rejected with the right codes");
	tracking_init(&t, false);
	CHECK_EQ(dmaapi_device_new(~0ULL, &t.ops, &t, &dev), 0);
	CHECK_ERR(dmaapi_pool_new(dev, 0, 8, 4, DMAAPI_TO_DEVICE, 0, &p), DMAAPI_ERR_ZERO_SIZED);
	CHECK(!p);
	CHECK_ERR(dmaapi_pool_new(dev, 8, 8, 0, DMAAPI_TO_DEVICE, 0, &p), DMAAPI_ERR_ZERO_SIZED);
	CHECK_ERR(dmaapi_pool_new(dev, 8, 0, 4, DMAAPI_TO_DEVICE, 0, &p), DMAAPI_ERR_LAYOUT);
	CHECK_ERR(dmaapi_pool_new(dev, 8, 3, 4, DMAAPI_TO_DEVICE, 0, &p), DMAAPI_ERR_LAYOUT);
	CHECK_ERR(dmaapi_pool_new(dev, 8, 48, 4, DMAAPI_TO_DEVICE, 0, &p), DMAAPI_ERR_LAYOUT);
	/* round_up(buf_size, align) overflows */
	CHECK_ERR(dmaapi_pool_new(dev, SIZE_MAX - 2, 8, 1, DMAAPI_TO_DEVICE, 0, &p),
		  DMAAPI_ERR_LAYOUT);
	/* stride * count overflows, or passes PTRDIFF_MAX */
	CHECK_ERR(dmaapi_pool_new(dev, 64, 64, SIZE_MAX / 32, DMAAPI_TO_DEVICE, 0, &p),
		  DMAAPI_ERR_LAYOUT);
	CHECK_ERR(dmaapi_pool_new(dev, 64, 64, ((size_t)PTRDIFF_MAX / 64) + 1, DMAAPI_TO_DEVICE,
				  0, &p),
		  DMAAPI_ERR_LAYOUT);
	CHECK_ERR(dmaapi_pool_new(dev, 8, 8, 4, (enum dmaapi_direction)3, 0, &p),
		  DMAAPI_ERR_SYSTEM);
	CHECK_EQ(dmaapi_last_error()->sys_errno, EINVAL);
	CHECK_ERR(dmaapi_pool_new(dev, 8, 8, 4, DMAAPI_TO_DEVICE, 1U << 1, &p), DMAAPI_ERR_SYSTEM);
	CHECK_ERR(dmaapi_pool_new(NULL, 8, 8, 4, DMAAPI_TO_DEVICE, 0, &p),
		  DMAAPI_ERR_NULL_POINTER);
	CHECK_ERR(dmaapi_pool_new(dev, 8, 8, 4, DMAAPI_TO_DEVICE, 0, NULL),
		  DMAAPI_ERR_NULL_POINTER);
	CHECK(!p);
	CHECK_EQ(t.allocs, 0); /* all refused before the backend */
	/* the backend fails: its code, nothing leaked */
	t.fail_code = DMAAPI_ERR_NO_MEMORY;
	CHECK_ERR(dmaapi_pool_new(dev, 8, 8, 4, DMAAPI_TO_DEVICE, 0, &p), DMAAPI_ERR_NO_MEMORY);
	t.fail_code = 0;
	CHECK(!p);
	/* the device's mask: the whole allocation is checked */
	CHECK_EQ(dmaapi_device_new(0xfffff, &t.ops, &t, &small), 0);
	t.next_dma = 0xff000;
	CHECK_ERR(dmaapi_pool_new(small, 1024, 64, 8, DMAAPI_TO_DEVICE, 0, &p),
		  DMAAPI_ERR_DMA_MASK);
	CHECK(!p);
	CHECK_EQ(tracking_live(&t), 0);
	t.next_dma = 0x1000;
	CHECK_EQ(dmaapi_pool_new(small, 1024, 64, 8, DMAAPI_TO_DEVICE, 0, &p), 0);
	dmaapi_pool_free(p);
	CHECK_EQ(tracking_live(&t), 0);
	dmaapi_device_close(small);
	dmaapi_device_close(dev);
}

/* SPEC §1's table on one buffer, with the crate's defaults (flush /
 * invalidate logged) and with a backend's own syncs (logged as called). */
static void pool_syncs(void)
{
	t_group("pool: confirm_write / prepare_read follow the sync table");
	for (int custom = 0; custom < 2; custom++) {
		for (unsigned d = 0; d < 3; d++) {
			enum dmaapi_direction dir = dirs[d];
			struct tracking t;
			struct dmaapi_device *dev = NULL;
			struct dmaapi_pool *p = NULL;
			struct dmaapi_pool_buf b0, b1;
			bool flush = dir != DMAAPI_FROM_DEVICE, inval = dir != DMAAPI_TO_DEVICE;

			tracking_init(&t, custom);
			CHECK_EQ(dmaapi_device_new(~0ULL, &t.ops, &t, &dev), 0);
			CHECK_EQ(dmaapi_pool_new(dev, 40, 64, 3, dir, DMAAPI_MEM_CACHED, &p), 0);
			CHECK(dmaapi_pool_need_sync(p));
			CHECK_EQ(t.last_flags & DMAAPI_REGION_CACHED, DMAAPI_REGION_CACHED);
			CHECK_EQ(dmaapi_pool_get(p, &b0), 0);
			CHECK_EQ(dmaapi_pool_get(p, &b1), 0);
			tracking_clear(&t);

			CHECK_EQ(dmaapi_pool_confirm_write(p, &b1, 4, 8), 0);
			if (custom) {
				CHECK_EQ(t.nev, 1);
				CHECK_EQ(t.ev[0].kind, TRACK_CONFIRM_WRITE);
			} else if (flush) {
				CHECK_EQ(t.nev, 1);
				CHECK_EQ(t.ev[0].kind, TRACK_FLUSH);
			} else {
				CHECK_EQ(t.nev, 0);
			}
			if (t.nev) {
				CHECK_EQ(t.ev[0].addr, (uintptr_t)b1.cpu_addr + 4);
				CHECK_EQ(t.ev[0].size, 8);
			}
			tracking_clear(&t);
			CHECK_EQ(dmaapi_pool_prepare_read(p, &b1, 0, 40), 0);
			if (custom) {
				CHECK_EQ(t.nev, 1);
				CHECK_EQ(t.ev[0].kind, TRACK_PREPARE_READ);
			} else if (inval) {
				CHECK_EQ(t.nev, 1);
				CHECK_EQ(t.ev[0].kind, TRACK_INVALIDATE);
			} else {
				CHECK_EQ(t.nev, 0);
			}
			if (t.nev) {
				CHECK_EQ(t.ev[0].addr, (uintptr_t)b1.cpu_addr);
				CHECK_EQ(t.ev[0].size, 40);
			}
			tracking_clear(&t);
			/* empty ranges sync nothing; bad ranges and buffers are refused */
			CHECK_EQ(dmaapi_pool_confirm_write(p, &b0, 40, 0), 0);
			CHECK_EQ(dmaapi_pool_prepare_read(p, &b0, 0, 0), 0);
			CHECK_ERR(dmaapi_pool_confirm_write(p, &b0, 1, 40), DMAAPI_ERR_INDEX);
			CHECK_ERR(dmaapi_pool_prepare_read(p, &b0, 41, 0), DMAAPI_ERR_INDEX);
			CHECK_ERR(dmaapi_pool_prepare_read(p, &b0, 8, SIZE_MAX), DMAAPI_ERR_INDEX);
			CHECK_ERR(dmaapi_pool_confirm_write(NULL, &b0, 0, 1), DMAAPI_ERR_NULL_POINTER);
			CHECK_ERR(dmaapi_pool_prepare_read(p, NULL, 0, 1), DMAAPI_ERR_NULL_POINTER);
			CHECK_EQ(dmaapi_pool_put(p, &b0), 0);
			/* a buffer put back is no longer the caller's to sync */
			CHECK_ERR(dmaapi_pool_confirm_write(p, &b0, 0, 1), DMAAPI_ERR_INDEX);
			CHECK_ERR(dmaapi_pool_prepare_read(p, &b0, 0, 1), DMAAPI_ERR_INDEX);
			CHECK_EQ(t.nev, 0);
			dmaapi_pool_free(p);
			CHECK_EQ(tracking_live(&t), 0);
			dmaapi_device_close(dev);
		}
	}
}

/* A backend whose memory needs no sync is never called by the syncs. */
static void pool_no_sync(void)
{
	t_group("pool: coherent memory, no sync reaches the backend");
	for (unsigned d = 0; d < 3; d++) {
		for (int custom = 0; custom < 2; custom++) {
			struct tracking t;
			struct dmaapi_device *dev = NULL;
			struct dmaapi_pool *p = NULL;
			struct dmaapi_pool_buf b;
			unsigned calls;

			tracking_init(&t, custom);
			t.no_sync = true;
			CHECK_EQ(dmaapi_device_new(~0ULL, &t.ops, &t, &dev), 0);
			CHECK_EQ(dmaapi_pool_new(dev, 16, 16, 2, dirs[d], 0, &p), 0);
			CHECK(!dmaapi_pool_need_sync(p));
			CHECK_EQ(dmaapi_pool_get(p, &b), 0);
			calls = backend_calls(&t);
			CHECK_EQ(dmaapi_pool_confirm_write(p, &b, 0, 16), 0);
			CHECK_EQ(dmaapi_pool_prepare_read(p, &b, 0, 16), 0);
			CHECK_EQ(backend_calls(&t), calls);
			CHECK_EQ(t.nev, 0);
			dmaapi_pool_free(p);
			dmaapi_device_close(dev);
		}
	}
}

/* get/put: no backend call, whatever the memory, even when they fail. */
static void pool_no_backend_calls(void)
{
	struct tracking t;
	struct dmaapi_device *dev = NULL;
	struct dmaapi_pool *p = NULL;
	struct dmaapi_pool_buf b[4], x;
	unsigned calls;

	t_group("pool: get/put make no backend call");
	tracking_init(&t, true);
	CHECK_EQ(dmaapi_device_new(~0ULL, &t.ops, &t, &dev), 0);
	CHECK_EQ(dmaapi_pool_new(dev, 48, 16, 4, DMAAPI_BIDIRECTIONAL, DMAAPI_MEM_CACHED, &p), 0);
	CHECK(dmaapi_pool_need_sync(p));
	calls = backend_calls(&t);
	for (int round = 0; round < 6; round++) { /* < TRACK_MAX_EVENTS if each synced */
		for (int i = 0; i < 4; i++)
			dmaapi_pool_get(p, &b[i]);
		dmaapi_pool_get(p, &x); /* empty */
		for (int i = 3; i >= 0; i--)
			dmaapi_pool_put(p, &b[i]);
		dmaapi_pool_put(p, &b[0]); /* double */
	}
	CHECK_EQ(dmaapi_pool_available(p), 4);
	CHECK_EQ(backend_calls(&t), calls);
	dmaapi_pool_free(p);
	dmaapi_device_close(dev);
}

void suite_pool(void)
{
	pool_layout();
	pool_put_errors();
	pool_params();
	pool_syncs();
	pool_no_sync();
	pool_no_backend_calls();
}

// SPDX-License-Identifier: LGPL-2.1-or-later
#include "tracking.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* The nocache variant's log: lib/arch.c's defaults are reached through
 * -Wl,--wrap=dmaapi__arch_*, logged here, and then really run. */
static struct tracking *arch_log;

static void log_event(struct tracking *t, enum track_kind kind, const void *addr, size_t size,
		      enum dmaapi_direction dir)
{
	if (t->nev >= TRACK_MAX_EVENTS)
		abort();
	t->ev[t->nev++] = (struct track_event){ kind, (uintptr_t)addr, size, dir };
}

static size_t t_page_size(void *ctx)
{
	return ((struct tracking *)ctx)->page_size;
}

static dmaapi_addr_t next_addr(struct tracking *t, size_t size, size_t align)
{
	dmaapi_addr_t a;

	if (t->force_dma)
		return t->forced_dma;
	a = (t->next_dma + align - 1) & ~(dmaapi_addr_t)(align - 1);
	t->next_dma = a + size;
	return a;
}

static int injected_failure(struct tracking *t, struct dmaapi_region *r)
{
	if (!t->fail_code)
		return 0;
	r->dma_addr = t->fail_addr;
	errno = t->fail_errno;
	return -t->fail_code;
}

static int t_alloc(void *ctx, uint64_t dma_mask, struct dmaapi_region *r)
{
	struct tracking *t = ctx;
	size_t align = r->align < sizeof(void *) ? sizeof(void *) : r->align;
	size_t len = (r->size + align - 1) & ~(align - 1);
	int ret;

	(void)dma_mask;
	t->last_flags = r->flags;
	ret = injected_failure(t, r);
	if (ret)
		return ret;
	if (t->sync_clobbers_errno)
		errno = ENOTTY;
	if (t->null_cpu) {
		r->cpu_addr = NULL;
		r->dma_addr = next_addr(t, r->size, r->align);
		t->allocs++;
		return 0;
	}
	r->cpu_addr = aligned_alloc(align, len);
	if (!r->cpu_addr)
		return -DMAAPI_ERR_NO_MEMORY;
	if (t->dirty_alloc) {
		memset(r->cpu_addr, 0xaa, len);
	} else {
		memset(r->cpu_addr, 0, len);
		r->flags |= DMAAPI_REGION_ZEROED;
	}
	r->dma_addr = next_addr(t, r->size, r->align);
	r->cookie = ++t->allocs;
	if (t->no_sync)
		r->flags &= ~DMAAPI_REGION_NEED_SYNC;
	return 0;
}

static void t_dealloc(void *ctx, struct dmaapi_region *r)
{
	struct tracking *t = ctx;

	free(r->cpu_addr);
	t->deallocs++;
}

static int t_map(void *ctx, uint64_t dma_mask, struct dmaapi_region *r)
{
	struct tracking *t = ctx;
	int ret;

	(void)dma_mask;
	t->last_flags = r->flags;
	ret = injected_failure(t, r);
	if (ret)
		return ret;
	if (t->sync_clobbers_errno)
		errno = ENOTTY;
	r->dma_addr = next_addr(t, r->size, r->align);
	r->cookie = ++t->maps;
	if (t->no_sync)
		r->flags &= ~DMAAPI_REGION_NEED_SYNC;
	return 0;
}

static void t_unmap(void *ctx, struct dmaapi_region *r)
{
	(void)r;
	((struct tracking *)ctx)->unmaps++;
}

static void t_flush(void *ctx, void *addr, size_t size)
{
	log_event(ctx, TRACK_FLUSH, addr, size, 0);
}

static void t_invalidate(void *ctx, void *addr, size_t size)
{
	log_event(ctx, TRACK_INVALIDATE, addr, size, 0);
}

static void t_flush_invalidate(void *ctx, void *addr, size_t size)
{
	log_event(ctx, TRACK_FLUSH_INVALIDATE, addr, size, 0);
}

/* Records one prepare_read/confirm_write; fails if the test asked it to. */
static int t_sync(struct tracking *t, enum track_kind kind, const struct dmaapi_region *r, size_t offset,
		  size_t size)
{
	log_event(t, kind, (char *)r->cpu_addr + offset, size, r->dir);
	if (t->sync_clobbers_errno)
		errno = ENOTTY;
	if (t->sync_fail_code) {
		errno = EIO;
		return -t->sync_fail_code;
	}
	return 0;
}

static int t_prepare_read(void *ctx, const struct dmaapi_region *r, size_t offset, size_t size)
{
	return t_sync(ctx, TRACK_PREPARE_READ, r, offset, size);
}

static int t_confirm_write(void *ctx, const struct dmaapi_region *r, size_t offset, size_t size)
{
	return t_sync(ctx, TRACK_CONFIRM_WRITE, r, offset, size);
}

static int t_info(void *ctx, struct dmaapi_device_info *info)
{
	struct tracking *t = ctx;

	t->info_calls++;
	if (t->sync_clobbers_errno)
		errno = ENOTTY;
	info->flags = DMAAPI_INFO_COHERENT;
	info->max_alloc_size = 1 << 20;
	return 0;
}

void tracking_init(struct tracking *t, bool custom_sync)
{
	memset(t, 0, sizeof(*t));
	arch_log = NULL;
	t->ops.size = sizeof(t->ops);
	t->page_size = 4096;
	t->next_dma = 0x100000;
	t->ops.page_size = t_page_size;
	t->ops.map_single = t_map;
	t->ops.unmap_single = t_unmap;
	t->ops.alloc_coherent = t_alloc;
	t->ops.dealloc_coherent = t_dealloc;
	t->ops.flush = t_flush;
	t->ops.invalidate = t_invalidate;
	t->ops.flush_invalidate = t_flush_invalidate;
	t->ops.info = t_info;
	if (custom_sync) {
		t->ops.prepare_read = t_prepare_read;
		t->ops.confirm_write = t_confirm_write;
	}
}

void tracking_init_nocache(struct tracking *t, bool custom_sync)
{
	tracking_init(t, custom_sync);
	t->ops.flush = NULL;
	t->ops.invalidate = NULL;
	t->ops.flush_invalidate = NULL;
	arch_log = t;
}

void __real_dmaapi__arch_flush(void *addr, size_t size);
void __real_dmaapi__arch_invalidate(void *addr, size_t size);
void __real_dmaapi__arch_flush_invalidate(void *addr, size_t size);
void __wrap_dmaapi__arch_flush(void *addr, size_t size);
void __wrap_dmaapi__arch_invalidate(void *addr, size_t size);
void __wrap_dmaapi__arch_flush_invalidate(void *addr, size_t size);

void __wrap_dmaapi__arch_flush(void *addr, size_t size)
{
	if (arch_log)
		log_event(arch_log, TRACK_FLUSH, addr, size, 0);
	__real_dmaapi__arch_flush(addr, size);
}

void __wrap_dmaapi__arch_invalidate(void *addr, size_t size)
{
	if (arch_log)
		log_event(arch_log, TRACK_INVALIDATE, addr, size, 0);
	__real_dmaapi__arch_invalidate(addr, size);
}

void __wrap_dmaapi__arch_flush_invalidate(void *addr, size_t size)
{
	if (arch_log)
		log_event(arch_log, TRACK_FLUSH_INVALIDATE, addr, size, 0);
	__real_dmaapi__arch_flush_invalidate(addr, size);
}

void tracking_clear(struct tracking *t)
{
	t->nev = 0;
}

unsigned tracking_live(const struct tracking *t)
{
	return t->allocs - t->deallocs + t->maps - t->unmaps;
}

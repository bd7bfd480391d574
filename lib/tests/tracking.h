/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A tracking backend for the host tests, like dma-api's TrackingDmaOp:
 * memory from aligned_alloc, DMA addresses the test controls, and a log of
 * every cache operation and sync with its kind, offset and size.
 */
#ifndef DMAAPI_TRACKING_H
#define DMAAPI_TRACKING_H

#include <dmaapi.h>

enum track_kind {
	TRACK_FLUSH = 1,
	TRACK_INVALIDATE,
	TRACK_FLUSH_INVALIDATE,
	TRACK_PREPARE_READ,
	TRACK_CONFIRM_WRITE,
};

struct track_event {
	enum track_kind kind;
	uintptr_t addr;		/* CPU address of the first byte of the range */
	size_t size;
	enum dmaapi_direction dir; /* prepare_read/confirm_write: the region's */
};

#define TRACK_MAX_EVENTS 64

struct tracking {
	struct dmaapi_ops ops;
	size_t page_size;

	/* DMA addresses: next_dma, advanced by each allocation/mapping
	 * (rounded up to its alignment); or forced_dma if force_dma. */
	dmaapi_addr_t next_dma;
	bool force_dma;
	dmaapi_addr_t forced_dma;

	bool no_sync;		/* clear DMAAPI_REGION_NEED_SYNC on every region */
	int fail_code;		/* != 0: alloc/map fail with -fail_code ... */
	int fail_errno;		/* ... leaving errno = fail_errno */
	dmaapi_addr_t fail_addr;	/* ... and dma_addr = fail_addr */
	int sync_fail_code;	/* != 0: prepare_read/confirm_write fail */
	bool dirty_alloc;	/* alloc: memory full of 0xaa, DMAAPI_REGION_ZEROED not set */
	bool null_cpu;		/* alloc: succeed with cpu_addr NULL (a broken backend) */
	bool sync_clobbers_errno; /* alloc, map, syncs, info succeed leaving errno = ENOTTY */

	unsigned allocs, deallocs, maps, unmaps;
	uint32_t last_flags;	/* region flags seen by the last alloc/map */
	unsigned info_calls;

	struct track_event ev[TRACK_MAX_EVENTS];
	unsigned nev;
};

/* custom_sync: provide prepare_read/confirm_write (logged for every call);
 * otherwise the library's defaults run and the log shows flush/invalidate. */
void tracking_init(struct tracking *t, bool custom_sync);
/* The same without flush/invalidate/flush_invalidate ops: the library's
 * arch defaults (lib/arch.c) run instead, and the log shows them (the test
 * binaries wrap dmaapi__arch_*).  Until the next tracking_init*(). */
void tracking_init_nocache(struct tracking *t, bool custom_sync);
void tracking_clear(struct tracking *t);
/* live allocations + mappings */
unsigned tracking_live(const struct tracking *t);

#endif

// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * dmaapi_array_sync_ranges() and dmaapi_map_sync_ranges() (since 1.6): on
 * the Linux backend against the fake kernel's DMAAPI_IOCTL_SYNCV (ranges
 * batched, no-ops left out, a module without SYNCV served by SYNC), on a
 * tracking backend through its callbacks, and the checks that come before
 * any sync.
 */
#include "test.h"
#include "fake_kernel.h"
#include "tracking.h"

#include <dmaapi.h>
#include <errno.h>
#include <linux/dmaapi.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

/* The fake kernel's SYNCV: every call and every range it was given. */
#define FAKE_SYNCV_RANGES 512
static struct {
	unsigned calls;
	int fail_errno;		/* fail the next call with it */
	unsigned nranges;
	struct dmaapi_sync_range ranges[FAKE_SYNCV_RANGES];
	uint32_t counts[16];	/* ranges per call */
} sv;

int fake_syncv_ioctl(int fd, unsigned long req, void *arg)
{
	struct dmaapi_syncv *v = arg;
	const struct dmaapi_sync_range *r = (const void *)(uintptr_t)v->ranges;
	int err = sv.fail_errno;

	(void)fd;
	(void)req;
	sv.fail_errno = 0;
	if (err)
		return errno = err, -1;
	if (v->size != sizeof(*v) || v->flags || !v->count || v->count > DMAAPI_SYNCV_MAX)
		return errno = EINVAL, -1;
	if (sv.calls < 16)
		sv.counts[sv.calls] = v->count;
	sv.calls++;
	for (uint32_t i = 0; i < v->count; i++)
		if (sv.nranges < FAKE_SYNCV_RANGES)
			sv.ranges[sv.nranges++] = r[i];
	v->error_index = v->count;
	return 0;
}

static void sv_reset(void)
{
	memset(&sv, 0, sizeof(sv));
}

static void linux_batches(void)
{
	struct dmaapi_device *dev;
	struct dmaapi_array *a = NULL;
	struct dmaapi_elem_range r[4] = {
		{ 2, 3, DMAAPI_RANGE_PREPARE_READ },
		{ 0, 0, DMAAPI_RANGE_CONFIRM_WRITE },	/* empty: left out */
		{ 7, 1, DMAAPI_RANGE_CONFIRM_WRITE },
		{ 0, 8, DMAAPI_RANGE_PREPARE_READ },
	};
	struct dmaapi_elem_range many[100];

	t_group("syncv: Linux backend, one SYNCV for many ranges");
	fake_reset();
	sv_reset();
	dev = open_fake(0xffffffff);
	fk.out_flags = DMAAPI_OUT_NEED_SYNC;
	CHECK_EQ(dmaapi_array_cached_zero_with_align(dev, 4, 8, 4, DMAAPI_BIDIRECTIONAL, &a), 0);
	CHECK_EQ(dmaapi_array_sync_ranges(a, r, 4), 0);
	CHECK_EQ(sv.calls, 1);
	CHECK_EQ(sv.counts[0], 3);
	CHECK_EQ(fk.nsync, 0);	/* no single SYNC */
	CHECK_EQ(sv.ranges[0].handle, 1);
	CHECK_EQ(sv.ranges[0].flags, DMAAPI_SYNC_FOR_CPU);
	CHECK_EQ(sv.ranges[0].offset, 8);
	CHECK_EQ(sv.ranges[0].length, 12);
	CHECK_EQ(sv.ranges[1].flags, DMAAPI_SYNC_FOR_DEVICE);
	CHECK_EQ(sv.ranges[1].offset, 28);
	CHECK_EQ(sv.ranges[1].length, 4);
	CHECK_EQ(sv.ranges[2].flags, DMAAPI_SYNC_FOR_CPU);
	CHECK_EQ(sv.ranges[2].offset, 0);
	CHECK_EQ(sv.ranges[2].length, 32);

	/* 100 ranges: a batch of 64, then one of 36 */
	sv_reset();
	for (size_t i = 0; i < 100; i++)
		many[i] = (struct dmaapi_elem_range){ i % 8, 1, DMAAPI_RANGE_CONFIRM_WRITE };
	CHECK_EQ(dmaapi_array_sync_ranges(a, many, 100), 0);
	CHECK_EQ(sv.calls, 2);
	CHECK_EQ(sv.counts[0], 64);
	CHECK_EQ(sv.counts[1], 36);
	CHECK_EQ(sv.nranges, 100);
	CHECK_EQ(sv.ranges[99].offset, (99 % 8) * 4);

	/* the kernel refuses: SYSTEM with its errno */
	sv_reset();
	sv.fail_errno = EIO;
	CHECK_ERR(dmaapi_array_sync_ranges(a, r, 4), DMAAPI_ERR_SYSTEM);
	CHECK_EQ(dmaapi_last_error()->sys_errno, EIO);
	sv.fail_errno = ENOMEM;
	CHECK_ERR(dmaapi_array_sync_ranges(a, r, 4), DMAAPI_ERR_NO_MEMORY);

	/* a module without SYNCV: one SYNC per range with work */
	sv_reset();
	fk.nsync = 0;
	sv.fail_errno = ENOTTY;
	CHECK_EQ(dmaapi_array_sync_ranges(a, r, 4), 0);
	CHECK_EQ(sv.calls, 0);
	CHECK_EQ(fk.nsync, 3);
	CHECK_EQ(fk.syncs[0].flags, DMAAPI_SYNC_FOR_CPU);
	CHECK_EQ(fk.syncs[0].offset, 8);
	CHECK_EQ(fk.syncs[0].length, 12);
	CHECK_EQ(fk.syncs[1].flags, DMAAPI_SYNC_FOR_DEVICE);
	CHECK_EQ(fk.syncs[1].offset, 28);
	CHECK_EQ(fk.syncs[2].length, 32);
	dmaapi_array_free(a);

	/* TO_DEVICE: prepare_read is a no-op, so ranges of it only send nothing */
	sv_reset();
	CHECK_EQ(dmaapi_array_cached_zero_with_align(dev, 4, 8, 4, DMAAPI_TO_DEVICE, &a), 0);
	CHECK_EQ(dmaapi_array_sync_ranges(a, r, 1), 0);
	CHECK_EQ(sv.calls, 0);
	CHECK_EQ(dmaapi_array_sync_ranges(a, r, 4), 0);
	CHECK_EQ(sv.calls, 1);
	CHECK_EQ(sv.counts[0], 1);
	CHECK_EQ(sv.ranges[0].flags, DMAAPI_SYNC_FOR_DEVICE);
	dmaapi_array_free(a);

	/* a region without NEED_SYNC: no system call at all */
	sv_reset();
	fk.out_flags = 0;
	CHECK_EQ(dmaapi_array_cached_zero_with_align(dev, 4, 8, 4, DMAAPI_BIDIRECTIONAL, &a), 0);
	CHECK_EQ(dmaapi_array_sync_ranges(a, r, 4), 0);
	CHECK_EQ(sv.calls, 0);
	dmaapi_array_free(a);
	dmaapi_device_close(dev);
	fake_linux_end();
}

static void checks_first(void)
{
	struct dmaapi_device *dev;
	struct dmaapi_array *a = NULL;
	struct dmaapi_elem_range r[3] = {
		{ 0, 2, DMAAPI_RANGE_CONFIRM_WRITE },
		{ 6, 2, DMAAPI_RANGE_CONFIRM_WRITE },
		{ 7, 2, DMAAPI_RANGE_CONFIRM_WRITE },	/* past the end */
	};

	t_group("syncv: every range is checked before any is synced");
	fake_reset();
	sv_reset();
	dev = open_fake(0xffffffff);
	fk.out_flags = DMAAPI_OUT_NEED_SYNC;
	CHECK_EQ(dmaapi_array_cached_zero_with_align(dev, 4, 8, 4, DMAAPI_BIDIRECTIONAL, &a), 0);
	CHECK_ERR(dmaapi_array_sync_ranges(a, r, 3), DMAAPI_ERR_INDEX);
	CHECK_EQ(sv.calls, 0);
	r[2] = (struct dmaapi_elem_range){ 1, SIZE_MAX, DMAAPI_RANGE_CONFIRM_WRITE };
	CHECK_ERR(dmaapi_array_sync_ranges(a, r, 3), DMAAPI_ERR_INDEX);
	r[2] = (struct dmaapi_elem_range){ 9, 0, DMAAPI_RANGE_CONFIRM_WRITE };
	CHECK_ERR(dmaapi_array_sync_ranges(a, r, 3), DMAAPI_ERR_INDEX);
	r[2] = (struct dmaapi_elem_range){ 8, 0, 3 };
	CHECK_ERR(dmaapi_array_sync_ranges(a, r, 3), DMAAPI_ERR_SYSTEM);
	CHECK_EQ(dmaapi_last_error()->sys_errno, EINVAL);
	r[2].op = 0;
	CHECK_ERR(dmaapi_array_sync_ranges(a, r, 3), DMAAPI_ERR_SYSTEM);
	CHECK_EQ(sv.calls, 0);
	CHECK_EQ(fk.nsync, 0);
	CHECK_ERR(dmaapi_array_sync_ranges(a, NULL, 1), DMAAPI_ERR_NULL_POINTER);
	CHECK_ERR(dmaapi_array_sync_ranges(NULL, r, 1), DMAAPI_ERR_NULL_POINTER);
	CHECK_ERR(dmaapi_map_sync_ranges(NULL, r, 1), DMAAPI_ERR_NULL_POINTER);
	CHECK_EQ(dmaapi_array_sync_ranges(a, NULL, 0), 0);
	/* a range ending at the length, and an empty one there, are fine */
	r[2] = (struct dmaapi_elem_range){ 8, 0, DMAAPI_RANGE_CONFIRM_WRITE };
	CHECK_EQ(dmaapi_array_sync_ranges(a, r, 3), 0);
	CHECK_EQ(sv.calls, 1);
	CHECK_EQ(sv.counts[0], 2);
	dmaapi_array_free(a);
	dmaapi_device_close(dev);
	fake_linux_end();
}

static void mapped_array(void)
{
	struct dmaapi_device *dev;
	struct dmaapi_map *m = NULL;
	uint16_t *buf = calloc(64, sizeof(*buf));
	struct dmaapi_elem_range r[2] = {
		{ 4, 4, DMAAPI_RANGE_PREPARE_READ },
		{ 60, 4, DMAAPI_RANGE_CONFIRM_WRITE },
	};

	t_group("syncv: a mapped array on the Linux backend");
	fake_reset();
	sv_reset();
	dev = open_fake(0xffffffff);
	fk.out_flags = DMAAPI_OUT_NEED_SYNC;
	CHECK_EQ(dmaapi_map_single_array(dev, buf, sizeof(*buf), 64, 1, DMAAPI_BIDIRECTIONAL, &m), 0);
	CHECK_EQ(dmaapi_map_sync_ranges(m, r, 2), 0);
	CHECK_EQ(sv.calls, 1);
	CHECK_EQ(sv.ranges[0].offset, 8);
	CHECK_EQ(sv.ranges[0].length, 8);
	CHECK_EQ(sv.ranges[1].offset, 120);
	CHECK_EQ(sv.ranges[1].flags, DMAAPI_SYNC_FOR_DEVICE);
	r[1].count = 5;
	CHECK_ERR(dmaapi_map_sync_ranges(m, r, 2), DMAAPI_ERR_INDEX);
	CHECK_EQ(sv.calls, 1);
	dmaapi_map_free(m);
	dmaapi_device_close(dev);
	fake_linux_end();
	free(buf);
}

static void other_backend(void)
{
	struct tracking t;
	struct dmaapi_device *dev = NULL;
	struct dmaapi_array *a = NULL;
	struct dmaapi_elem_range r[3] = {
		{ 1, 2, DMAAPI_RANGE_CONFIRM_WRITE },
		{ 3, 0, DMAAPI_RANGE_PREPARE_READ },
		{ 5, 3, DMAAPI_RANGE_PREPARE_READ },
	};
	uintptr_t base;

	t_group("syncv: another backend gets one callback per range");
	tracking_init(&t, true);
	CHECK_EQ(dmaapi_device_new(~0ULL, &t.ops, &t, &dev), 0);
	CHECK_EQ(dmaapi_array_zero_with_align(dev, 8, 8, 8, DMAAPI_BIDIRECTIONAL, &a), 0);
	base = (uintptr_t)dmaapi_array_as_ptr(a);
	tracking_clear(&t);
	CHECK_EQ(dmaapi_array_sync_ranges(a, r, 3), 0);
	CHECK_EQ(t.nev, 2);
	CHECK_EQ(t.ev[0].kind, TRACK_CONFIRM_WRITE);
	CHECK_EQ(t.ev[0].addr, base + 8);
	CHECK_EQ(t.ev[0].size, 16);
	CHECK_EQ(t.ev[1].kind, TRACK_PREPARE_READ);
	CHECK_EQ(t.ev[1].addr, base + 40);
	CHECK_EQ(t.ev[1].size, 24);
	/* a failing callback stops there, with its code */
	tracking_clear(&t);
	t.sync_fail_code = DMAAPI_ERR_SYSTEM;
	CHECK_ERR(dmaapi_array_sync_ranges(a, r, 3), DMAAPI_ERR_SYSTEM);
	t.sync_fail_code = 0;
	dmaapi_array_free(a);
	dmaapi_device_close(dev);
	CHECK_EQ(tracking_live(&t), 0);
}

void suite_syncv(void)
{
	linux_batches();
	checks_first();
	mapped_array();
	other_backend();
}

// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The exact sync calls (kind, offset, size) of every container operation in
 * every direction, with the crate's default syncs (the log shows flush and
 * invalidate) and with a backend's own prepare_read/confirm_write (the log
 * shows those, for every direction); and that regions without
 * DMAAPI_REGION_NEED_SYNC never reach the backend.
 */
#include "test.h"
#include "tracking.h"

#include <stdlib.h>
#include <string.h>

struct exp {
	enum track_kind kind;
	size_t offset, size;
};

struct expect {
	struct exp e[8];
	unsigned n;
};

static const enum dmaapi_direction dirs[] = { DMAAPI_BIDIRECTIONAL, DMAAPI_TO_DEVICE,
					      DMAAPI_FROM_DEVICE };
static const char *const dir_names[] = { "BIDIRECTIONAL", "TO_DEVICE", "FROM_DEVICE" };

/* What a prepare_read (read = true) or confirm_write of [off, off + size)
 * must log, SPEC §1's table. */
static void want_sync(struct expect *x, bool custom, enum dmaapi_direction dir, bool read,
		      size_t off, size_t size)
{
	if (custom) {
		x->e[x->n++] = (struct exp){ read ? TRACK_PREPARE_READ : TRACK_CONFIRM_WRITE,
					     off, size };
		return;
	}
	if (read && dir != DMAAPI_TO_DEVICE)
		x->e[x->n++] = (struct exp){ TRACK_INVALIDATE, off, size };
	if (!read && dir != DMAAPI_FROM_DEVICE)
		x->e[x->n++] = (struct exp){ TRACK_FLUSH, off, size };
}

#define CHECK_LOG(t, base, x) check_log((t), (base), (x), __LINE__)

static void check_log(struct tracking *t, const void *base, const struct expect *x, int line)
{
	char what[96];
	unsigned i;

	snprintf(what, sizeof(what), "line %d: %u sync calls logged", line, x->n);
	if (!t_check(t->nev == x->n, __FILE__, __LINE__, what)) {
		printf("#   logged %u:\n", t->nev);
		for (i = 0; i < t->nev; i++)
			printf("#     kind %d off %ld size %zu\n", t->ev[i].kind,
			       (long)(t->ev[i].addr - (uintptr_t)base), t->ev[i].size);
		tracking_clear(t);
		return;
	}
	for (i = 0; i < x->n; i++) {
		CHECK_EQ(t->ev[i].kind, x->e[i].kind);
		CHECK_EQ(t->ev[i].addr - (uintptr_t)base, x->e[i].offset);
		CHECK_EQ(t->ev[i].size, x->e[i].size);
	}
	tracking_clear(t);
}

static struct tracking *modify_t;
static unsigned modify_seen_events;

static void modify_fn(void *value, void *arg)
{
	uint64_t *v = value;

	modify_seen_events = modify_t->nev;
	v[1] += *(uint64_t *)arg;
}

struct triple {
	uint64_t a, b, c;
};

static void sync_suite_one(bool custom, unsigned di)
{
	enum dmaapi_direction dir = dirs[di];
	struct tracking t;
	struct dmaapi_device *dev = NULL;
	struct dmaapi_array *a = NULL;
	struct dmaapi_box *b = NULL;
	struct dmaapi_map *m = NULL;
	struct expect x;
	uint32_t v, src[6] = { 1, 2, 3, 4, 5, 6 }, dst[6];
	uint32_t *buf;
	char name[96];

	snprintf(name, sizeof(name), "sync: %s, %s", dir_names[di],
		 custom ? "backend prepare_read/confirm_write" : "crate defaults");
	t_group(name);
	tracking_init(&t, custom);
	CHECK_EQ(dmaapi_device_new(0xffffffffu, &t.ops, &t, &dev), 0);

	/* ---- array of 8 x uint32_t */
	CHECK_EQ(DMAAPI_ARRAY_ZERO(dev, uint32_t, 8, dir, &a), 0);
	CHECK_EQ(t.nev, 0); /* allocation does not sync */
	CHECK_EQ(t.last_flags, DMAAPI_REGION_NEED_SYNC);
	uint32_t *ap = dmaapi_array_as_ptr(a);

	v = 0xdead;
	CHECK_EQ(dmaapi_array_read(a, 3, &v), 0);
	CHECK_EQ(v, 0); /* zeroed */
	x.n = 0;
	want_sync(&x, custom, dir, true, 12, 4);
	CHECK_LOG(&t, ap, &x);

	v = 0x1234;
	CHECK_EQ(dmaapi_array_set(a, 5, &v), 0);
	CHECK_EQ(ap[5], 0x1234);
	x.n = 0;
	want_sync(&x, custom, dir, false, 20, 4);
	CHECK_LOG(&t, ap, &x);

	CHECK_EQ(dmaapi_array_read(a, 5, &v), 0);
	CHECK_EQ(v, 0x1234);
	x.n = 0;
	want_sync(&x, custom, dir, true, 20, 4);
	CHECK_LOG(&t, ap, &x);

	/* copy_from_slice: ONE confirm_write of the copied range */
	CHECK_EQ(dmaapi_array_copy_from_slice(a, src, 6), 0);
	CHECK(memcmp(ap, src, sizeof(src)) == 0);
	CHECK_EQ(ap[6], 0);
	x.n = 0;
	want_sync(&x, custom, dir, false, 0, 24);
	CHECK_LOG(&t, ap, &x);

	CHECK_EQ(dmaapi_array_copy_from_slice(a, src, 0), 0);
	CHECK_EQ(t.nev, 0);

	/* raw access syncs */
	CHECK_EQ(dmaapi_array_prepare_read(a, 2, 3), 0);
	x.n = 0;
	want_sync(&x, custom, dir, true, 8, 12);
	CHECK_LOG(&t, ap, &x);
	CHECK_EQ(dmaapi_array_confirm_write(a, 7, 1), 0);
	x.n = 0;
	want_sync(&x, custom, dir, false, 28, 4);
	CHECK_LOG(&t, ap, &x);
	CHECK_EQ(dmaapi_array_prepare_read(a, 8, 0), 0);
	CHECK_EQ(dmaapi_array_confirm_write(a, 0, 0), 0);
	CHECK_EQ(t.nev, 0);

	/* failures sync nothing */
	CHECK_ERR(dmaapi_array_read(a, 8, &v), DMAAPI_ERR_INDEX);
	CHECK_ERR(dmaapi_array_set(a, 8, &v), DMAAPI_ERR_INDEX);
	CHECK_ERR(dmaapi_array_copy_from_slice(a, src, 9), DMAAPI_ERR_INDEX);
	CHECK_ERR(dmaapi_array_prepare_read(a, 7, 2), DMAAPI_ERR_INDEX);
	CHECK_ERR(dmaapi_array_confirm_write(a, 9, 0), DMAAPI_ERR_INDEX);
	CHECK_EQ(t.nev, 0);

	dmaapi_array_free(a);
	CHECK_EQ(t.nev, 0); /* free does not sync */
	CHECK_EQ(t.deallocs, 1);

	/* ---- box of 24 bytes */
	CHECK_EQ(DMAAPI_BOX_ZERO(dev, struct triple, dir, &b), 0);
	struct triple tv = { 1, 2, 3 }, tr;
	void *bp = dmaapi_box_as_ptr(b);

	CHECK_EQ(dmaapi_box_size(b), 24);
	CHECK_EQ(dmaapi_box_read(b, &tr), 0);
	CHECK(tr.a == 0 && tr.b == 0 && tr.c == 0);
	x.n = 0;
	want_sync(&x, custom, dir, true, 0, 24);
	CHECK_LOG(&t, bp, &x);

	CHECK_EQ(dmaapi_box_write(b, &tv), 0);
	x.n = 0;
	want_sync(&x, custom, dir, false, 0, 24);
	CHECK_LOG(&t, bp, &x);

	uint64_t add = 40;

	modify_t = &t;
	modify_seen_events = 99;
	CHECK_EQ(dmaapi_box_modify(b, modify_fn, &add), 0);
	x.n = 0;
	want_sync(&x, custom, dir, true, 0, 24);
	CHECK_EQ(modify_seen_events, x.n); /* prepare_read happened before fn */
	want_sync(&x, custom, dir, false, 0, 24);
	CHECK_LOG(&t, bp, &x);
	CHECK_EQ(((struct triple *)bp)->b, 42);

	CHECK_EQ(dmaapi_box_prepare_read(b), 0);
	x.n = 0;
	want_sync(&x, custom, dir, true, 0, 24);
	CHECK_LOG(&t, bp, &x);
	CHECK_EQ(dmaapi_box_confirm_write(b), 0);
	x.n = 0;
	want_sync(&x, custom, dir, false, 0, 24);
	CHECK_LOG(&t, bp, &x);

	dmaapi_box_free(b);
	CHECK_EQ(t.nev, 0);
	CHECK_EQ(t.deallocs, 2);

	/* ---- mapped array: the caller's 6 x uint32_t */
	buf = aligned_alloc(64, 64);
	memset(buf, 0, 64);
	CHECK_EQ(dmaapi_map_single_array(dev, buf, 4, 6, 4, dir, &m), 0);
	CHECK_EQ(t.nev, 0);
	CHECK_EQ(t.last_flags, DMAAPI_REGION_NEED_SYNC | DMAAPI_REGION_MAPPED);
	CHECK(dmaapi_map_as_ptr(m) == buf);
	CHECK_EQ(dmaapi_map_len(m), 6);
	CHECK(!dmaapi_map_is_empty(m));

	v = 77;
	CHECK_EQ(dmaapi_map_set(m, 2, &v), 0);
	CHECK_EQ(buf[2], 77);
	v = 0;
	CHECK_EQ(dmaapi_map_read(m, 2, &v), 0);
	CHECK_EQ(v, 77);
	CHECK_EQ(t.nev, 0); /* read/set never sync */

	CHECK_EQ(dmaapi_map_copy_from_slice(m, src, 4), 0);
	CHECK(memcmp(buf, src, 16) == 0);
	x.n = 0;
	want_sync(&x, custom, dir, false, 0, 16);
	CHECK_LOG(&t, buf, &x);

	buf[4] = 55;
	memset(dst, 0, sizeof(dst));
	CHECK_EQ(dmaapi_map_to_vec(m, dst, 5), 0);
	CHECK(dst[0] == 1 && dst[3] == 4 && dst[4] == 55 && dst[5] == 0);
	x.n = 0;
	want_sync(&x, custom, dir, true, 0, 20);
	CHECK_LOG(&t, buf, &x);

	CHECK_EQ(dmaapi_map_prepare_read_all(m), 0);
	x.n = 0;
	want_sync(&x, custom, dir, true, 0, 24);
	CHECK_LOG(&t, buf, &x);

	CHECK_EQ(dmaapi_map_confirm_write_all(m), 0);
	x.n = 0;
	want_sync(&x, custom, dir, false, 0, 24);
	CHECK_LOG(&t, buf, &x);

	CHECK_EQ(dmaapi_map_prepare_read(m, 1, 2), 0);
	x.n = 0;
	want_sync(&x, custom, dir, true, 4, 8);
	CHECK_LOG(&t, buf, &x);
	CHECK_EQ(dmaapi_map_confirm_write(m, 5, 1), 0);
	x.n = 0;
	want_sync(&x, custom, dir, false, 20, 4);
	CHECK_LOG(&t, buf, &x);

	CHECK_ERR(dmaapi_map_read(m, 6, &v), DMAAPI_ERR_INDEX);
	CHECK_ERR(dmaapi_map_set(m, 6, &v), DMAAPI_ERR_INDEX);
	CHECK_ERR(dmaapi_map_copy_from_slice(m, src, 7), DMAAPI_ERR_INDEX);
	CHECK_ERR(dmaapi_map_to_vec(m, dst, 7), DMAAPI_ERR_INDEX);
	CHECK_ERR(dmaapi_map_prepare_read(m, 6, 1), DMAAPI_ERR_INDEX);
	CHECK_EQ(dmaapi_map_to_vec(m, dst, 0), 0);
	CHECK_EQ(t.nev, 0);

	dmaapi_map_free(m);
	CHECK_EQ(t.nev, 0); /* free unmaps without syncing */
	CHECK_EQ(t.unmaps, 1);
	CHECK_EQ(tracking_live(&t), 0);
	free(buf);

	dmaapi_device_close(dev);
}

static void add_fn(void *value, void *arg)
{
	*(uint64_t *)value += *(uint64_t *)arg;
}

/* No DMAAPI_REGION_NEED_SYNC: nothing reaches the backend, whatever the op. */
static void no_sync_suite(bool custom)
{
	struct tracking t;
	struct dmaapi_device *dev = NULL;
	struct dmaapi_array *a = NULL;
	struct dmaapi_box *b = NULL;
	struct dmaapi_map *m = NULL;
	uint64_t v = 5, src[4] = { 1, 2, 3, 4 }, add = 1;
	uint64_t *buf;

	t_group(custom ? "no sync needed: backend syncs never called"
		       : "no sync needed: default flush/invalidate never called");
	tracking_init(&t, custom);
	t.no_sync = true;
	t.sync_fail_code = DMAAPI_ERR_SYSTEM; /* any call that got through would fail */
	CHECK_EQ(dmaapi_device_new(~0ULL, &t.ops, &t, &dev), 0);

	CHECK_EQ(dmaapi_array_zero_with_align(dev, 8, 4, 8, DMAAPI_BIDIRECTIONAL, &a), 0);
	CHECK_EQ(dmaapi_array_region(a)->flags & DMAAPI_REGION_NEED_SYNC, 0);
	CHECK_EQ(dmaapi_array_set(a, 1, &v), 0);
	CHECK_EQ(dmaapi_array_read(a, 1, &v), 0);
	CHECK_EQ(dmaapi_array_copy_from_slice(a, src, 4), 0);
	CHECK_EQ(dmaapi_array_prepare_read(a, 0, 4), 0);
	CHECK_EQ(dmaapi_array_confirm_write(a, 0, 4), 0);

	CHECK_EQ(dmaapi_box_zero_with_align(dev, 8, 8, DMAAPI_BIDIRECTIONAL, &b), 0);
	CHECK_EQ(dmaapi_box_write(b, &v), 0);
	CHECK_EQ(dmaapi_box_read(b, &v), 0);
	CHECK_EQ(dmaapi_box_modify(b, add_fn, &add), 0);
	CHECK_EQ(*(uint64_t *)dmaapi_box_as_ptr(b), 6);
	CHECK_EQ(dmaapi_box_prepare_read(b), 0);
	CHECK_EQ(dmaapi_box_confirm_write(b), 0);

	buf = calloc(4, 8);
	CHECK_EQ(dmaapi_map_single_array(dev, buf, 8, 4, 8, DMAAPI_BIDIRECTIONAL, &m), 0);
	CHECK_EQ(dmaapi_map_copy_from_slice(m, src, 4), 0);
	CHECK_EQ(dmaapi_map_to_vec(m, src, 4), 0);
	CHECK_EQ(dmaapi_map_prepare_read_all(m), 0);
	CHECK_EQ(dmaapi_map_confirm_write_all(m), 0);

	CHECK_EQ(t.nev, 0);

	dmaapi_map_free(m);
	dmaapi_box_free(b);
	dmaapi_array_free(a);
	free(buf);
	CHECK_EQ(tracking_live(&t), 0);
	dmaapi_device_close(dev);
}

/* A failing backend sync fails the access; read leaves value_out alone. */
static void sync_failure_suite(void)
{
	struct tracking t;
	struct dmaapi_device *dev = NULL;
	struct dmaapi_array *a = NULL;
	uint32_t v = 0xabcd;

	t_group("a failing sync fails the access");
	tracking_init(&t, true);
	CHECK_EQ(dmaapi_device_new(~0ULL, &t.ops, &t, &dev), 0);
	CHECK_EQ(DMAAPI_ARRAY_ZERO(dev, uint32_t, 4, DMAAPI_FROM_DEVICE, &a), 0);
	t.sync_fail_code = DMAAPI_ERR_SYSTEM;
	CHECK_ERR(dmaapi_array_read(a, 0, &v), DMAAPI_ERR_SYSTEM);
	CHECK_EQ(dmaapi_last_error()->sys_errno, 5 /* EIO */);
	CHECK_EQ(v, 0xabcd);
	CHECK_ERR(dmaapi_array_set(a, 0, &v), DMAAPI_ERR_SYSTEM);
	CHECK_EQ(t.nev, 2);
	dmaapi_array_free(a);
	dmaapi_device_close(dev);
}

void suite_sync(void)
{
	unsigned di;

	for (di = 0; di < 3; di++) {
		sync_suite_one(false, di);
		sync_suite_one(true, di);
	}
	no_sync_suite(false);
	no_sync_suite(true);
	sync_failure_suite();
}

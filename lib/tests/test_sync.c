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

/* The backend has no flush/invalidate: the arch defaults run (logged). */
static bool g_nocache;

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
		 custom ? "backend prepare_read/confirm_write"
			: g_nocache ? "crate defaults, arch cache maintenance" : "crate defaults");
	t_group(name);
	if (g_nocache)
		tracking_init_nocache(&t, custom);
	else
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
	uint64_t *ap = dmaapi_array_as_ptr(a), r = 0;

	/* the data really moves, whichever path (inline, or the symbols
	 * with DMAAPI_NO_INLINE and through the parenthesised names) */
	CHECK_EQ(dmaapi_array_set(a, 1, &v), 0);
	CHECK_EQ(ap[1], 5);
	CHECK_EQ(dmaapi_array_read(a, 1, &r), 0);
	CHECK_EQ(r, 5);
	v = 0x1122334455667788ULL;
	CHECK_EQ((dmaapi_array_set)(a, 2, &v), 0);
	CHECK_EQ(ap[2], 0x1122334455667788ULL);
	r = 0;
	CHECK_EQ((dmaapi_array_read)(a, 2, &r), 0);
	CHECK_EQ(r, 0x1122334455667788ULL);
	r = 0;
	CHECK_EQ(DMAAPI_ARRAY_READ(a, 2, &r), 0);
	CHECK_EQ(r, 0x1122334455667788ULL);
	v = 9;
	CHECK_EQ(DMAAPI_ARRAY_SET(a, 3, &v), 0);
	CHECK_EQ(ap[3], 9);
	CHECK_EQ((dmaapi_array_set_sized)(a, 0, &v, 8), 0);
	CHECK_EQ(ap[0], 9);
	r = 0;
	CHECK_EQ((dmaapi_array_read_sized)(a, 3, &r, 8), 0);
	CHECK_EQ(r, 9);
	v = 5;
	CHECK_EQ(dmaapi_array_copy_from_slice(a, src, 4), 0);
	CHECK_EQ(ap[3], 4);
	CHECK_EQ(dmaapi_array_prepare_read(a, 0, 4), 0);
	CHECK_EQ(dmaapi_array_confirm_write(a, 0, 4), 0);

	CHECK_EQ(dmaapi_box_zero_with_align(dev, 8, 8, DMAAPI_BIDIRECTIONAL, &b), 0);
	uint64_t *bp = dmaapi_box_as_ptr(b);

	v = 77;
	CHECK_EQ((dmaapi_box_write)(b, &v), 0);
	CHECK_EQ(*bp, 77);
	r = 0;
	CHECK_EQ((dmaapi_box_read)(b, &r), 0);
	CHECK_EQ(r, 77);
	r = 0;
	CHECK_EQ(DMAAPI_BOX_READ(b, &r), 0);
	CHECK_EQ(r, 77);
	v = 78;
	CHECK_EQ(DMAAPI_BOX_WRITE(b, &v), 0);
	CHECK_EQ(*bp, 78);
	CHECK_EQ((dmaapi_box_write_sized)(b, &v, 8), 0);
	r = 0;
	CHECK_EQ((dmaapi_box_read_sized)(b, &r, 8), 0);
	CHECK_EQ(r, 78);
	v = 5;
	CHECK_EQ(dmaapi_box_write(b, &v), 0);
	CHECK_EQ(*bp, 5);
	r = 0;
	CHECK_EQ(dmaapi_box_read(b, &r), 0);
	CHECK_EQ(r, 5);
	CHECK_EQ(dmaapi_box_modify(b, add_fn, &add), 0);
	CHECK_EQ(*(uint64_t *)dmaapi_box_as_ptr(b), 6);
	CHECK_EQ(dmaapi_box_prepare_read(b), 0);
	CHECK_EQ(dmaapi_box_confirm_write(b), 0);

	buf = calloc(4, 8);
	CHECK_EQ(dmaapi_map_single_array(dev, buf, 8, 4, 8, DMAAPI_BIDIRECTIONAL, &m), 0);
	v = 31;
	CHECK_EQ((dmaapi_map_set)(m, 1, &v), 0);
	CHECK_EQ(buf[1], 31);
	r = 0;
	CHECK_EQ((dmaapi_map_read)(m, 1, &r), 0);
	CHECK_EQ(r, 31);
	CHECK_EQ((dmaapi_map_set_sized)(m, 2, &v, 8), 0);
	CHECK_EQ(buf[2], 31);
	r = 0;
	CHECK_EQ((dmaapi_map_read_sized)(m, 2, &r, 8), 0);
	CHECK_EQ(r, 31);
	CHECK_EQ(dmaapi_map_copy_from_slice(m, src, 4), 0);
	CHECK_EQ(buf[3], 4);
	uint64_t dst[4] = { 0 };

	CHECK_EQ(dmaapi_map_to_vec(m, dst, 4), 0);
	CHECK_EQ(dst[2], 3);
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

/* The accessors of 1.1: the syncs they make and what they copy. */
static void new_api_one(bool custom, unsigned di)
{
	enum dmaapi_direction dir = dirs[di];
	struct tracking t;
	struct dmaapi_device *dev = NULL;
	struct dmaapi_array *a = NULL;
	struct dmaapi_box *b = NULL;
	struct dmaapi_map *m = NULL;
	struct expect x;
	uint32_t v, src[5] = { 11, 12, 13, 14, 15 }, dst[5];
	uint16_t small = 0;
	uint64_t big = 0;
	dmaapi_addr_t da = 0;
	char name[96];

	snprintf(name, sizeof(name), "1.1 accessors: %s, %s", dir_names[di],
		 custom ? "backend syncs" : "crate defaults");
	t_group(name);
	tracking_init(&t, custom);
	CHECK_EQ(dmaapi_device_new(0xffffffffu, &t.ops, &t, &dev), 0);

	CHECK_EQ(DMAAPI_ARRAY_ZERO(dev, uint32_t, 8, dir, &a), 0);
	uint32_t *ap = dmaapi_array_as_ptr(a);

	CHECK(dmaapi_array_need_sync(a));
	CHECK(!dmaapi_array_is_empty(a));
	CHECK_EQ(dmaapi_array_bytes_len(a), 32);

	/* typed access: one element, its sync; a wrong size copies nothing */
	v = 0xabcd0123;
	CHECK_EQ(DMAAPI_ARRAY_SET(a, 6, &v), 0);
	CHECK_EQ(ap[6], 0xabcd0123);
	x.n = 0;
	want_sync(&x, custom, dir, false, 24, 4);
	CHECK_LOG(&t, ap, &x);
	v = 0;
	CHECK_EQ(DMAAPI_ARRAY_READ(a, 6, &v), 0);
	CHECK_EQ(v, 0xabcd0123);
	x.n = 0;
	want_sync(&x, custom, dir, true, 24, 4);
	CHECK_LOG(&t, ap, &x);
	CHECK_ERR(DMAAPI_ARRAY_READ(a, 6, &small), DMAAPI_ERR_LAYOUT);
	CHECK_ERR(DMAAPI_ARRAY_READ(a, 6, &big), DMAAPI_ERR_LAYOUT);
	CHECK_EQ(big, 0);
	CHECK_ERR(DMAAPI_ARRAY_SET(a, 6, &big), DMAAPI_ERR_LAYOUT);
	CHECK_EQ(ap[7], 0);
	CHECK_ERR(DMAAPI_ARRAY_READ(a, 8, &v), DMAAPI_ERR_INDEX);
	CHECK_ERR(DMAAPI_ARRAY_SET(a, 8, &v), DMAAPI_ERR_INDEX);
	CHECK_EQ(t.nev, 0);

	/* slices: one sync for the range */
	CHECK_EQ(dmaapi_array_write_slice(a, 2, 5, src), 0);
	CHECK(memcmp(ap + 2, src, 20) == 0);
	CHECK_EQ(ap[1], 0);
	CHECK_EQ(ap[7], 0);
	x.n = 0;
	want_sync(&x, custom, dir, false, 8, 20);
	CHECK_LOG(&t, ap, &x);
	memset(dst, 0, sizeof(dst));
	CHECK_EQ(dmaapi_array_read_slice(a, 3, 4, dst), 0);
	CHECK(dst[0] == 12 && dst[3] == 15 && dst[4] == 0);
	x.n = 0;
	want_sync(&x, custom, dir, true, 12, 16);
	CHECK_LOG(&t, ap, &x);
	CHECK_EQ(dmaapi_array_read_slice(a, 8, 0, dst), 0);
	CHECK_EQ(dmaapi_array_write_slice(a, 8, 0, NULL), 0);
	CHECK_ERR(dmaapi_array_read_slice(a, 4, 5, dst), DMAAPI_ERR_INDEX);
	CHECK_ERR(dmaapi_array_write_slice(a, 9, 0, src), DMAAPI_ERR_INDEX);
	CHECK_ERR(dmaapi_array_read_slice(a, 0, 1, NULL), DMAAPI_ERR_NULL_POINTER);
	CHECK_ERR(dmaapi_array_write_slice(a, 0, 1, NULL), DMAAPI_ERR_NULL_POINTER);
	CHECK_EQ(t.nev, 0);

	/* element addresses */
	CHECK_EQ(dmaapi_array_dma_addr_of(a, 0, &da), 0);
	CHECK_EQ(da, dmaapi_array_dma_addr(a));
	CHECK_EQ(dmaapi_array_dma_addr_of(a, 5, &da), 0);
	CHECK_EQ(da, dmaapi_array_dma_addr(a) + 20);
	CHECK_EQ(dmaapi_array_dma_addr_of(a, 8, &da), 0);
	CHECK_EQ(da, dmaapi_array_dma_addr(a) + 32);
	da = 1;
	CHECK_ERR(dmaapi_array_dma_addr_of(a, 9, &da), DMAAPI_ERR_INDEX);
	CHECK_EQ(da, 1);
	CHECK_ERR(dmaapi_array_dma_addr_of(a, 0, NULL), DMAAPI_ERR_NULL_POINTER);
	dmaapi_array_free(a);

	/* box */
	CHECK_EQ(DMAAPI_BOX_ZERO(dev, uint64_t, dir, &b), 0);
	uint64_t *bp = dmaapi_box_as_ptr(b);

	CHECK(dmaapi_box_need_sync(b));
	big = 0x0102030405060708ULL;
	CHECK_EQ(DMAAPI_BOX_WRITE(b, &big), 0);
	CHECK_EQ(*bp, 0x0102030405060708ULL);
	x.n = 0;
	want_sync(&x, custom, dir, false, 0, 8);
	CHECK_LOG(&t, bp, &x);
	big = 0;
	CHECK_EQ(DMAAPI_BOX_READ(b, &big), 0);
	CHECK_EQ(big, 0x0102030405060708ULL);
	x.n = 0;
	want_sync(&x, custom, dir, true, 0, 8);
	CHECK_LOG(&t, bp, &x);
	CHECK_ERR(DMAAPI_BOX_READ(b, &v), DMAAPI_ERR_LAYOUT);
	CHECK_ERR(DMAAPI_BOX_WRITE(b, &v), DMAAPI_ERR_LAYOUT);
	CHECK_EQ(*bp, 0x0102030405060708ULL);
	CHECK_EQ(t.nev, 0);
	dmaapi_box_free(b);

	/* mapped array: 6 x uint32_t; typed read/set do not sync, slices do */
	uint32_t *buf = aligned_alloc(64, 64);

	memset(buf, 0, 64);
	CHECK_EQ(dmaapi_map_single_array(dev, buf, 4, 6, 4, dir, &m), 0);
	CHECK(dmaapi_map_need_sync(m));
	CHECK_EQ(dmaapi_map_bytes_len(m), 24);
	v = 99;
	CHECK_EQ(DMAAPI_MAP_SET(m, 5, &v), 0);
	CHECK_EQ(buf[5], 99);
	v = 0;
	CHECK_EQ(DMAAPI_MAP_READ(m, 5, &v), 0);
	CHECK_EQ(v, 99);
	CHECK_ERR(DMAAPI_MAP_READ(m, 5, &big), DMAAPI_ERR_LAYOUT);
	CHECK_ERR(DMAAPI_MAP_SET(m, 0, &small), DMAAPI_ERR_LAYOUT);
	CHECK_ERR(DMAAPI_MAP_READ(m, 6, &v), DMAAPI_ERR_INDEX);
	CHECK_EQ(t.nev, 0);
	CHECK_EQ(dmaapi_map_write_slice(m, 1, 3, src), 0);
	CHECK(buf[1] == 11 && buf[3] == 13 && buf[4] == 0);
	x.n = 0;
	want_sync(&x, custom, dir, false, 4, 12);
	CHECK_LOG(&t, buf, &x);
	memset(dst, 0, sizeof(dst));
	CHECK_EQ(dmaapi_map_read_slice(m, 3, 3, dst), 0);
	CHECK(dst[0] == 13 && dst[1] == 0 && dst[2] == 99);
	x.n = 0;
	want_sync(&x, custom, dir, true, 12, 12);
	CHECK_LOG(&t, buf, &x);
	CHECK_ERR(dmaapi_map_read_slice(m, 3, 4, dst), DMAAPI_ERR_INDEX);
	CHECK_ERR(dmaapi_map_write_slice(m, 7, 0, src), DMAAPI_ERR_INDEX);
	/* byte ranges: a field of an element */
	CHECK_EQ(dmaapi_map_prepare_read_bytes(m, 9, 2), 0);
	x.n = 0;
	want_sync(&x, custom, dir, true, 9, 2);
	CHECK_LOG(&t, buf, &x);
	CHECK_EQ(dmaapi_map_confirm_write_bytes(m, 23, 1), 0);
	x.n = 0;
	want_sync(&x, custom, dir, false, 23, 1);
	CHECK_LOG(&t, buf, &x);
	CHECK_EQ(dmaapi_map_confirm_write_bytes(m, 24, 0), 0);
	CHECK_ERR(dmaapi_map_prepare_read_bytes(m, 23, 2), DMAAPI_ERR_INDEX);
	CHECK_ERR(dmaapi_map_confirm_write_bytes(m, 25, 0), DMAAPI_ERR_INDEX);
	CHECK_ERR(dmaapi_map_prepare_read_bytes(m, SIZE_MAX, 2), DMAAPI_ERR_INDEX);
	CHECK_EQ(t.nev, 0);
	CHECK_EQ(dmaapi_map_dma_addr_of(m, 3, &da), 0);
	CHECK_EQ(da, dmaapi_map_dma_addr(m) + 12);
	CHECK_ERR(dmaapi_map_dma_addr_of(m, 7, &da), DMAAPI_ERR_INDEX);
	dmaapi_map_free(m);
	free(buf);

	/* coherent: no sync needed */
	t.no_sync = true;
	CHECK_EQ(DMAAPI_ARRAY_ZERO(dev, uint32_t, 8, dir, &a), 0);
	CHECK(!dmaapi_array_need_sync(a));
	dmaapi_array_free(a);
	CHECK_EQ(tracking_live(&t), 0);
	dmaapi_device_close(dev);
}

/* The barriers run (inline and as symbols), and the arithmetic of the
 * arch cache maintenance. */
size_t dmaapi__ctr_dcache_line(uint64_t ctr);
size_t dmaapi__dcache_lines(uintptr_t addr, size_t size, size_t line, uintptr_t *first);

static void barriers_and_arch(void)
{
	uintptr_t first = 1;

	t_group("barriers; cache line arithmetic");
	dmaapi_wmb();
	dmaapi_rmb();
	dmaapi_mb();
	dmaapi_dma_wmb();
	dmaapi_dma_rmb();
	(dmaapi_wmb)();
	(dmaapi_rmb)();
	(dmaapi_mb)();
	(dmaapi_dma_wmb)();
	(dmaapi_dma_rmb)();
	CHECK(1); /* they returned */

	CHECK_EQ(dmaapi__ctr_dcache_line(0x8444c004ULL), 64); /* Cortex-A57: DminLine 4 */
	CHECK_EQ(dmaapi__ctr_dcache_line(0x3ULL << 16), 32);
	CHECK_EQ(dmaapi__ctr_dcache_line(0xfULL << 16), 4u << 15);
	CHECK_EQ(dmaapi__dcache_lines(0x1000, 64, 64, &first), 1);
	CHECK_EQ(first, 0x1000);
	CHECK_EQ(dmaapi__dcache_lines(0x1000, 65, 64, &first), 2);
	CHECK_EQ(dmaapi__dcache_lines(0x103f, 1, 64, &first), 1);
	CHECK_EQ(first, 0x1000);
	CHECK_EQ(dmaapi__dcache_lines(0x103f, 2, 64, &first), 2);
	CHECK_EQ(dmaapi__dcache_lines(0x1030, 0x20, 64, &first), 2);
	CHECK_EQ(dmaapi__dcache_lines(0x1000, 4096, 64, &first), 64);
	CHECK_EQ(dmaapi__dcache_lines(0x1001, 4096, 64, &first), 65);
	CHECK_EQ(dmaapi__dcache_lines(0x1001, 0, 64, &first), 0);
}

void suite_sync(void)
{
	unsigned di;

	for (di = 0; di < 3; di++) {
		sync_suite_one(false, di);
		sync_suite_one(true, di);
		new_api_one(false, di);
		new_api_one(true, di);
	}
	/* a backend without flush/invalidate: lib/arch.c does the work */
	g_nocache = true;
	for (di = 0; di < 3; di++)
		sync_suite_one(false, di);
	g_nocache = false;
	barriers_and_arch();
	no_sync_suite(false);
	no_sync_suite(true);
	sync_failure_suite();
}

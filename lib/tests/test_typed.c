// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The typed accessors (DMAAPI_ARRAY_GET/PUT, DMAAPI_BOX_GET/PUT,
 * DMAAPI_MAP_GET/PUT): the data of every element size moves, the errors and
 * syncs are those of the sized calls, a failed access leaves the caller's
 * object alone, and where no sync is needed nothing reaches the backend.
 * Built twice, as every suite: inline, and with DMAAPI_NO_INLINE.
 */
#include "test.h"
#include "tracking.h"

#include <stdlib.h>
#include <string.h>

/* Every element size the inline path knows, with no sync needed. */
static void typed_no_sync(void)
{
	struct tracking t;
	struct dmaapi_device *dev = NULL;
	struct dmaapi_array *a8 = NULL, *a16 = NULL, *a32 = NULL, *a64 = NULL;
	struct dmaapi_box *b = NULL;
	struct dmaapi_map *m = NULL;
	uint8_t v8 = 0;
	uint16_t v16 = 0;
	uint32_t v32 = 0, *buf;
	uint64_t v64 = 0;

	t_group("typed access, no sync needed: every size, nothing reaches the backend");
	tracking_init(&t, true);
	t.no_sync = true;
	t.sync_fail_code = DMAAPI_ERR_SYSTEM; /* any sync that got through would fail */
	CHECK_EQ(dmaapi_device_new(~0ULL, &t.ops, &t, &dev), 0);

	CHECK_EQ(DMAAPI_ARRAY_ZERO(dev, uint8_t, 16, DMAAPI_BIDIRECTIONAL, &a8), 0);
	CHECK_EQ(DMAAPI_ARRAY_ZERO(dev, uint16_t, 16, DMAAPI_BIDIRECTIONAL, &a16), 0);
	CHECK_EQ(DMAAPI_ARRAY_ZERO(dev, uint32_t, 16, DMAAPI_BIDIRECTIONAL, &a32), 0);
	CHECK_EQ(DMAAPI_ARRAY_ZERO(dev, uint64_t, 16, DMAAPI_BIDIRECTIONAL, &a64), 0);
	if (!a8 || !a16 || !a32 || !a64)
		goto out;

	v8 = 0xa5;
	CHECK_EQ(DMAAPI_ARRAY_PUT(a8, 15, &v8), 0);
	CHECK_EQ(((uint8_t *)dmaapi_array_as_ptr(a8))[15], 0xa5);
	v8 = 0;
	CHECK_EQ(DMAAPI_ARRAY_GET(a8, 15, &v8), 0);
	CHECK_EQ(v8, 0xa5);

	v16 = 0xbeef;
	CHECK_EQ(DMAAPI_ARRAY_PUT(a16, 3, &v16), 0);
	CHECK_EQ(((uint16_t *)dmaapi_array_as_ptr(a16))[3], 0xbeef);
	v16 = 0;
	CHECK_EQ(DMAAPI_ARRAY_GET(a16, 3, &v16), 0);
	CHECK_EQ(v16, 0xbeef);

	v32 = 0xdeadbeef;
	CHECK_EQ(DMAAPI_ARRAY_PUT(a32, 0, &v32), 0);
	CHECK_EQ(((uint32_t *)dmaapi_array_as_ptr(a32))[0], 0xdeadbeef);
	CHECK_EQ(((uint32_t *)dmaapi_array_as_ptr(a32))[1], 0);
	v32 = 0;
	CHECK_EQ(DMAAPI_ARRAY_GET(a32, 0, &v32), 0);
	CHECK_EQ(v32, 0xdeadbeef);

	v64 = 0x0123456789abcdefULL;
	CHECK_EQ(DMAAPI_ARRAY_PUT(a64, 7, &v64), 0);
	CHECK_EQ(((uint64_t *)dmaapi_array_as_ptr(a64))[7], 0x0123456789abcdefULL);
	v64 = 0;
	CHECK_EQ(DMAAPI_ARRAY_GET(a64, 7, &v64), 0);
	CHECK_EQ(v64, 0x0123456789abcdefULL);

	/* the errors of the sized calls; the caller's object stays as it was */
	v32 = 7;
	CHECK_ERR(DMAAPI_ARRAY_GET(a32, 16, &v32), DMAAPI_ERR_INDEX);
	CHECK_EQ(v32, 7);
	CHECK_ERR(DMAAPI_ARRAY_PUT(a32, 16, &v32), DMAAPI_ERR_INDEX);
	CHECK_ERR(DMAAPI_ARRAY_PUT(a32, (size_t)-1, &v32), DMAAPI_ERR_INDEX);
	v64 = 9;
	CHECK_ERR(DMAAPI_ARRAY_GET(a32, 1, &v64), DMAAPI_ERR_LAYOUT);
	CHECK_EQ(v64, 9);
	CHECK_ERR(DMAAPI_ARRAY_PUT(a32, 1, &v64), DMAAPI_ERR_LAYOUT);
	CHECK_EQ(((uint32_t *)dmaapi_array_as_ptr(a32))[1], 0);
	CHECK_EQ(((uint32_t *)dmaapi_array_as_ptr(a32))[2], 0);
	CHECK_ERR(DMAAPI_ARRAY_GET(a32, 1, &v16), DMAAPI_ERR_LAYOUT);
	CHECK_ERR(DMAAPI_ARRAY_GET((struct dmaapi_array *)NULL, 0, &v32), DMAAPI_ERR_NULL_POINTER);
	CHECK_ERR(DMAAPI_ARRAY_PUT((struct dmaapi_array *)NULL, 0, &v32), DMAAPI_ERR_NULL_POINTER);
	CHECK_ERR(DMAAPI_ARRAY_GET(a32, 0, (uint32_t *)NULL), DMAAPI_ERR_NULL_POINTER);
	CHECK_ERR(DMAAPI_ARRAY_PUT(a32, 0, (const uint32_t *)NULL), DMAAPI_ERR_NULL_POINTER);

	CHECK_EQ(DMAAPI_BOX_ZERO(dev, uint64_t, DMAAPI_BIDIRECTIONAL, &b), 0);
	if (b) {
		v64 = 0xfeedfacecafef00dULL;
		CHECK_EQ(DMAAPI_BOX_PUT(b, &v64), 0);
		CHECK_EQ(*(uint64_t *)dmaapi_box_as_ptr(b), 0xfeedfacecafef00dULL);
		v64 = 0;
		CHECK_EQ(DMAAPI_BOX_GET(b, &v64), 0);
		CHECK_EQ(v64, 0xfeedfacecafef00dULL);
		v32 = 3;
		CHECK_ERR(DMAAPI_BOX_GET(b, &v32), DMAAPI_ERR_LAYOUT);
		CHECK_EQ(v32, 3);
		CHECK_ERR(DMAAPI_BOX_PUT(b, &v32), DMAAPI_ERR_LAYOUT);
		CHECK_EQ(*(uint64_t *)dmaapi_box_as_ptr(b), 0xfeedfacecafef00dULL);
	}

	buf = calloc(8, sizeof(*buf));
	CHECK(buf != NULL);
	if (buf) {
		CHECK_EQ(dmaapi_map_single_array(dev, buf, 4, 8, 4, DMAAPI_BIDIRECTIONAL, &m), 0);
		v32 = 41;
		CHECK_EQ(DMAAPI_MAP_PUT(m, 5, &v32), 0);
		CHECK_EQ(buf[5], 41);
		buf[6] = 42;
		CHECK_EQ(DMAAPI_MAP_GET(m, 6, &v32), 0);
		CHECK_EQ(v32, 42);
		CHECK_ERR(DMAAPI_MAP_GET(m, 8, &v32), DMAAPI_ERR_INDEX);
		CHECK_ERR(DMAAPI_MAP_PUT(m, 1, &v64), DMAAPI_ERR_LAYOUT);
		CHECK_EQ(buf[1], 0);
		dmaapi_map_free(m);
		free(buf);
	}
	CHECK_EQ(t.nev, 0);
out:
	dmaapi_box_free(b);
	dmaapi_array_free(a8);
	dmaapi_array_free(a16);
	dmaapi_array_free(a32);
	dmaapi_array_free(a64);
	CHECK_EQ(tracking_live(&t), 0);
	dmaapi_device_close(dev);
}

/* Where a sync is needed: the element's sync, through the library. */
static void typed_sync(void)
{
	struct tracking t;
	struct dmaapi_device *dev = NULL;
	struct dmaapi_array *a = NULL;
	struct dmaapi_box *b = NULL;
	uint32_t v = 0, *ap;
	uint64_t w = 0;

	t_group("typed access, sync needed: one sync of the element, failures copy nothing");
	tracking_init(&t, true);
	CHECK_EQ(dmaapi_device_new(~0ULL, &t.ops, &t, &dev), 0);
	CHECK_EQ(DMAAPI_ARRAY_ZERO(dev, uint32_t, 8, DMAAPI_BIDIRECTIONAL, &a), 0);
	CHECK_EQ(DMAAPI_BOX_ZERO(dev, uint64_t, DMAAPI_BIDIRECTIONAL, &b), 0);
	if (!a || !b)
		goto out;
	CHECK(dmaapi_array_need_sync(a));
	ap = dmaapi_array_as_ptr(a);
	tracking_clear(&t);

	v = 0x11223344;
	CHECK_EQ(DMAAPI_ARRAY_PUT(a, 5, &v), 0);
	CHECK_EQ(ap[5], 0x11223344);
	CHECK_EQ(t.nev, 1);
	CHECK_EQ(t.ev[0].kind, TRACK_CONFIRM_WRITE);
	CHECK_EQ(t.ev[0].addr - (uintptr_t)ap, 20);
	CHECK_EQ(t.ev[0].size, 4);
	tracking_clear(&t);

	ap[2] = 0x55667788; /* "the device wrote it" */
	v = 0;
	CHECK_EQ(DMAAPI_ARRAY_GET(a, 2, &v), 0);
	CHECK_EQ(v, 0x55667788);
	CHECK_EQ(t.nev, 1);
	CHECK_EQ(t.ev[0].kind, TRACK_PREPARE_READ);
	CHECK_EQ(t.ev[0].addr - (uintptr_t)ap, 8);
	CHECK_EQ(t.ev[0].size, 4);
	tracking_clear(&t);

	/* a failing sync: its error, and the caller's object untouched */
	t.sync_fail_code = DMAAPI_ERR_SYSTEM;
	v = 99;
	CHECK_ERR(DMAAPI_ARRAY_GET(a, 2, &v), DMAAPI_ERR_SYSTEM);
	CHECK_EQ(v, 99);
	w = 12;
	CHECK_ERR(DMAAPI_BOX_GET(b, &w), DMAAPI_ERR_SYSTEM);
	CHECK_EQ(w, 12);
	t.sync_fail_code = 0;
	tracking_clear(&t);

	w = 0xabcdef;
	CHECK_EQ(DMAAPI_BOX_PUT(b, &w), 0);
	CHECK_EQ(*(uint64_t *)dmaapi_box_as_ptr(b), 0xabcdef);
	CHECK_EQ(t.nev, 1);
	CHECK_EQ(t.ev[0].kind, TRACK_CONFIRM_WRITE);
	tracking_clear(&t);
	w = 0;
	CHECK_EQ(DMAAPI_BOX_GET(b, &w), 0);
	CHECK_EQ(w, 0xabcdef);
	CHECK_EQ(t.nev, 1);
	CHECK_EQ(t.ev[0].kind, TRACK_PREPARE_READ);
	tracking_clear(&t);
out:
	dmaapi_box_free(b);
	dmaapi_array_free(a);
	CHECK_EQ(tracking_live(&t), 0);
	dmaapi_device_close(dev);
}

void suite_typed(void)
{
	typed_no_sync();
	typed_sync();
}

// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Every error path with its details in dmaapi_last_error(), the library's
 * own mask and alignment checks leaking nothing, and the small helpers.
 */
#include "test.h"
#include "tracking.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

static void helpers(void)
{
	dmaapi_addr_t out = 7;

	t_group("helpers: strerror, checked_add, version");
	CHECK(strcmp(dmaapi_strerror(DMAAPI_ERR_DMA_MASK), dmaapi_strerror(-DMAAPI_ERR_DMA_MASK)) == 0);
	CHECK(strcmp(dmaapi_strerror(DMAAPI_ERR_NO_MEMORY), dmaapi_strerror(DMAAPI_ERR_LAYOUT)) != 0);
	for (int c = DMAAPI_ERR_NO_MEMORY; c <= DMAAPI_ERR_BOUNDARY; c++) {
		CHECK(dmaapi_strerror(c) != NULL);
		CHECK(strcmp(dmaapi_strerror(c), dmaapi_strerror(999)) != 0);
		CHECK(dmaapi_strerror(c) == dmaapi_strerror(-c));
	}
	CHECK(strcmp(dmaapi_strerror(999), dmaapi_strerror(-999)) == 0);
	CHECK(strcmp(dmaapi_strerror(999), dmaapi_strerror(DMAAPI_ERR_BOUNDARY + 1)) == 0);
	CHECK(strcmp(dmaapi_strerror(DMAAPI_ERR_SEGMENT), dmaapi_strerror(DMAAPI_ERR_BOUNDARY)) != 0);
	CHECK(dmaapi_strerror(INT_MIN) != NULL);
	CHECK(dmaapi_strerror(INT_MAX) == dmaapi_strerror(999));

	CHECK(dmaapi_addr_checked_add(0x1000, 0x234, &out));
	CHECK_EQ(out, 0x1234);
	CHECK(dmaapi_addr_checked_add(UINT64_MAX - 1, 1, &out));
	CHECK_EQ(out, UINT64_MAX);
	out = 7;
	CHECK(!dmaapi_addr_checked_add(UINT64_MAX, 1, &out));
	CHECK(!dmaapi_addr_checked_add(1ULL << 63, 1ULL << 63, &out));
	CHECK_EQ(out, 7); /* untouched on overflow */
	CHECK(dmaapi_addr_checked_add(5, 6, NULL));

	CHECK(strcmp(dmaapi_version(), EXPECTED_VERSION) == 0);
	CHECK_EQ(DMAAPI_ABI_MAJOR, 1);
	CHECK_EQ(DMAAPI_ABI_MINOR, EXPECTED_ABI_MINOR);
}

/* Every required callback, and the size field of struct dmaapi_ops. */
static void ops_checks(void)
{
	struct tracking t;
	struct dmaapi_device *dev = NULL;
	unsigned char big[sizeof(struct dmaapi_ops) + 16] __attribute__((aligned(16)));
	struct dmaapi_ops ops;
	struct dmaapi_array *a = NULL;

	t_group("device_new: required callbacks, ops size");
	tracking_init(&t, false);
	for (int i = 0; i < 5; i++) {
		ops = t.ops;
		switch (i) {
		case 0: ops.page_size = NULL; break;
		case 1: ops.map_single = NULL; break;
		case 2: ops.unmap_single = NULL; break;
		case 3: ops.alloc_coherent = NULL; break;
		case 4: ops.dealloc_coherent = NULL; break;
		}
		dev = (void *)1;
		CHECK_ERR(dmaapi_device_new(~0ULL, &ops, &t, &dev), DMAAPI_ERR_NULL_POINTER);
	}
	/* 0 = the 1.0 layout, exact size, a newer layout with a zero tail */
	ops = t.ops;
	ops.size = 0;
	CHECK_EQ(dmaapi_device_new(~0ULL, &ops, &t, &dev), 0);
	memset(&ops, 0, sizeof(ops)); /* the library copied the ops */
	CHECK_EQ(dmaapi_array_zero_with_align(dev, 4, 4, 4, DMAAPI_BIDIRECTIONAL, &a), 0);
	CHECK_EQ(dmaapi_array_set(a, 1, &(uint32_t){ 5 }), 0);
	CHECK_EQ(t.nev, 1); /* the copied flush ran */
	dmaapi_array_free(a);
	dmaapi_device_close(dev);
	CHECK_EQ(tracking_live(&t), 0);
	memset(big, 0, sizeof(big));
	memcpy(big, &t.ops, sizeof(t.ops));
	((struct dmaapi_ops *)(void *)big)->size = sizeof(big);
	CHECK_EQ(dmaapi_device_new(~0ULL, (struct dmaapi_ops *)(void *)big, &t, &dev), 0);
	dmaapi_device_close(dev);
	/* a newer callback this library does not know: refused */
	big[sizeof(big) - 1] = 1;
	CHECK_ERR(dmaapi_device_new(~0ULL, (struct dmaapi_ops *)(void *)big, &t, &dev),
		  DMAAPI_ERR_LAYOUT);
	/* shorter than 1.0 */
	ops = t.ops;
	ops.size = DMAAPI_OPS_SIZE_1_0 - 1;
	CHECK_ERR(dmaapi_device_new(~0ULL, &ops, &t, &dev), DMAAPI_ERR_LAYOUT);
	ops.size = DMAAPI_OPS_SIZE_1_0;
	CHECK_EQ(dmaapi_device_new(~0ULL, &ops, &t, &dev), 0);
	dmaapi_device_close(dev);
	CHECK_EQ(DMAAPI_OPS_SIZE_1_0, sizeof(struct dmaapi_ops));
}

static void device_errors(void)
{
	struct tracking t;
	struct dmaapi_ops ops;
	struct dmaapi_device *dev = (void *)1;
	struct dmaapi_device_info info;

	t_group("device_new / device_info errors");
	tracking_init(&t, false);
	CHECK_ERR(dmaapi_device_new(~0ULL, NULL, &t, &dev), DMAAPI_ERR_NULL_POINTER);
	CHECK_ERR(dmaapi_device_new(~0ULL, &t.ops, &t, NULL), DMAAPI_ERR_NULL_POINTER);
	ops = t.ops;
	ops.alloc_coherent = NULL;
	CHECK_ERR(dmaapi_device_new(~0ULL, &ops, &t, &dev), DMAAPI_ERR_NULL_POINTER);
	ops = t.ops;
	ops.unmap_single = NULL;
	CHECK_ERR(dmaapi_device_new(~0ULL, &ops, &t, &dev), DMAAPI_ERR_NULL_POINTER);

	CHECK_EQ(dmaapi_device_new(0xfffffff, &t.ops, &t, &dev), 0);
	CHECK_EQ(dmaapi_device_page_size(dev), 4096);
	CHECK_EQ(dmaapi_device_dma_mask(dev), 0xfffffff);
	CHECK_EQ(dmaapi_device_fd(dev), -1);
	memset(&info, 0xff, sizeof(info));
	CHECK_EQ(dmaapi_device_info(dev, &info), 0);
	CHECK_EQ(t.info_calls, 1);
	CHECK_EQ(info.page_size, 4096);
	CHECK_EQ(info.dma_mask, 0xfffffff);
	CHECK_EQ(info.device_mask, 0xfffffff);
	CHECK_EQ(info.flags, DMAAPI_INFO_COHERENT);
	CHECK_EQ(info.max_alloc_size, 1 << 20);
	CHECK_EQ(info.api_version, 0);
	CHECK_EQ(info.reserved[3], 0);
	CHECK_ERR(dmaapi_device_info(dev, NULL), DMAAPI_ERR_NULL_POINTER);
	CHECK_ERR(dmaapi_device_info(NULL, &info), DMAAPI_ERR_NULL_POINTER);
	dmaapi_device_close(dev);
	dmaapi_device_close(NULL);

	CHECK_EQ(dmaapi_device_page_size(NULL), 0);
	CHECK_EQ(dmaapi_device_dma_mask(NULL), 0);
	CHECK_ERR(dmaapi_device_open(NULL, ~0ULL, NULL), DMAAPI_ERR_NULL_POINTER);
	dev = (void *)1;
	CHECK_ERR(dmaapi_device_open("/nonexistent/dmaapi", ~0ULL, &dev), DMAAPI_ERR_SYSTEM);
	CHECK_EQ(dmaapi_last_error()->sys_errno, ENOENT);
	CHECK(dev == NULL);
	CHECK_ERR(dmaapi_device_open("no-such-device-here", ~0ULL, &dev), DMAAPI_ERR_SYSTEM);
	CHECK_EQ(dmaapi_last_error()->sys_errno, ENOENT);

	/* a backend's successful info keeps the caller's errno */
	tracking_init(&t, false);
	t.sync_clobbers_errno = true;
	CHECK_EQ(dmaapi_device_new(0xfffffff, &t.ops, &t, &dev), 0);
	errno = EAGAIN;
	CHECK_EQ(dmaapi_device_info(dev, &info), 0);
	CHECK_EQ(errno, EAGAIN);
	dmaapi_device_close(dev);
}

static void layout_errors(void)
{
	struct tracking t;
	struct dmaapi_device *dev = NULL;
	struct dmaapi_array *a = (void *)1;
	struct dmaapi_box *b = (void *)1;
	struct dmaapi_map *m = (void *)1;
	uint64_t buf[8] __attribute__((aligned(64)));

	t_group("layout, size and pointer errors");
	tracking_init(&t, true);
	CHECK_EQ(dmaapi_device_new(~0ULL, &t.ops, &t, &dev), 0);

	/* arrays */
	CHECK_ERR(dmaapi_array_zero_with_align(NULL, 4, 4, 4, DMAAPI_TO_DEVICE, &a),
		  DMAAPI_ERR_NULL_POINTER);
	CHECK(a == NULL); /* *out cleared on failure */
	CHECK_ERR(dmaapi_array_zero_with_align(dev, 4, 4, 4, DMAAPI_TO_DEVICE, NULL),
		  DMAAPI_ERR_NULL_POINTER);
	CHECK_ERR(dmaapi_array_zero_with_align(dev, 0, 4, 4, DMAAPI_TO_DEVICE, &a),
		  DMAAPI_ERR_ZERO_SIZED);
	CHECK_ERR(dmaapi_array_zero_with_align(dev, 4, 0, 4, DMAAPI_TO_DEVICE, &a),
		  DMAAPI_ERR_ZERO_SIZED);
	CHECK_ERR(dmaapi_array_zero_with_align(dev, 4, 4, 3, DMAAPI_TO_DEVICE, &a),
		  DMAAPI_ERR_LAYOUT);
	CHECK_ERR(dmaapi_array_zero_with_align(dev, 4, 4, 0, DMAAPI_TO_DEVICE, &a),
		  DMAAPI_ERR_LAYOUT);
	CHECK_ERR(dmaapi_array_zero_with_align(dev, SIZE_MAX / 2 + 1, 2, 4, DMAAPI_TO_DEVICE, &a),
		  DMAAPI_ERR_LAYOUT);
	CHECK_ERR(dmaapi_array_zero_with_align(dev, 1, SIZE_MAX, 1, DMAAPI_TO_DEVICE, &a),
		  DMAAPI_ERR_LAYOUT); /* fits size_t, not isize like Rust's Layout */
	/* Rust's Layout: the size rounded up to the alignment fits isize */
	CHECK_ERR(dmaapi_array_zero_with_align(dev, 1, (size_t)PTRDIFF_MAX - 8 + 2, 8,
					       DMAAPI_TO_DEVICE, &a), DMAAPI_ERR_LAYOUT);
	CHECK_ERR(dmaapi_box_zero_with_align(dev, (size_t)PTRDIFF_MAX - 4096 + 2, 4096,
					     DMAAPI_TO_DEVICE, &b), DMAAPI_ERR_LAYOUT);
	t.fail_code = DMAAPI_ERR_NO_MEMORY; /* the largest valid size reaches the backend */
	CHECK_ERR(dmaapi_array_zero_with_align(dev, 1, (size_t)PTRDIFF_MAX - 8 + 1, 8,
					       DMAAPI_TO_DEVICE, &a), DMAAPI_ERR_NO_MEMORY);
	CHECK_ERR(dmaapi_box_zero_with_align(dev, (size_t)PTRDIFF_MAX, 1, DMAAPI_TO_DEVICE, &b),
		  DMAAPI_ERR_NO_MEMORY);
	t.fail_code = 0;
	CHECK_ERR(dmaapi_array_zero_with_align(dev, 4, 4, 4, (enum dmaapi_direction)3, &a),
		  DMAAPI_ERR_SYSTEM);
	CHECK_EQ(dmaapi_last_error()->sys_errno, EINVAL);
	CHECK_ERR(dmaapi_array_zero_with_flags(dev, 4, 4, 4, DMAAPI_TO_DEVICE, 0x80, &a),
		  DMAAPI_ERR_SYSTEM);
	CHECK_EQ(dmaapi_last_error()->sys_errno, EINVAL);

	/* boxes */
	CHECK_ERR(dmaapi_box_zero_with_align(NULL, 4, 4, DMAAPI_TO_DEVICE, &b),
		  DMAAPI_ERR_NULL_POINTER);
	CHECK(b == NULL);
	CHECK_ERR(dmaapi_box_zero_with_align(dev, 4, 4, DMAAPI_TO_DEVICE, NULL),
		  DMAAPI_ERR_NULL_POINTER);
	CHECK_ERR(dmaapi_box_zero_with_align(dev, 0, 4, DMAAPI_TO_DEVICE, &b),
		  DMAAPI_ERR_ZERO_SIZED);
	CHECK_ERR(dmaapi_box_zero_with_align(dev, 4, 12, DMAAPI_TO_DEVICE, &b), DMAAPI_ERR_LAYOUT);
	CHECK_ERR(dmaapi_box_zero_with_align(dev, SIZE_MAX, 4, DMAAPI_TO_DEVICE, &b),
		  DMAAPI_ERR_LAYOUT);

	/* mapped arrays */
	CHECK_ERR(dmaapi_map_single_array(dev, NULL, 4, 4, 4, DMAAPI_TO_DEVICE, &m),
		  DMAAPI_ERR_NULL_POINTER);
	CHECK(m == NULL);
	CHECK_ERR(dmaapi_map_single_array(NULL, buf, 4, 4, 4, DMAAPI_TO_DEVICE, &m),
		  DMAAPI_ERR_NULL_POINTER);
	CHECK_ERR(dmaapi_map_single_array(dev, buf, 4, 4, 4, DMAAPI_TO_DEVICE, NULL),
		  DMAAPI_ERR_NULL_POINTER);
	CHECK_ERR(dmaapi_map_single_array(dev, buf, 4, 0, 4, DMAAPI_TO_DEVICE, &m),
		  DMAAPI_ERR_ZERO_SIZED);
	CHECK_ERR(dmaapi_map_single_array(dev, buf, 0, 4, 4, DMAAPI_TO_DEVICE, &m),
		  DMAAPI_ERR_ZERO_SIZED);
	CHECK_ERR(dmaapi_map_single_array(dev, buf, 4, 4, 6, DMAAPI_TO_DEVICE, &m),
		  DMAAPI_ERR_LAYOUT);
	CHECK_ERR(dmaapi_map_single_array(dev, buf, SIZE_MAX / 4, 8, 4, DMAAPI_TO_DEVICE, &m),
		  DMAAPI_ERR_LAYOUT);
	CHECK_ERR(dmaapi_map_single_array(dev, (char *)buf + 2, 4, 4, 4, DMAAPI_TO_DEVICE, &m),
		  DMAAPI_ERR_ALIGN);
	CHECK_EQ(dmaapi_last_error()->required, 4);
	CHECK_EQ(dmaapi_last_error()->addr, (uintptr_t)buf + 2);
	CHECK_ERR(dmaapi_map_single_array(dev, (char *)buf + 32, 8, 4, 64, DMAAPI_TO_DEVICE, &m),
		  DMAAPI_ERR_ALIGN);
	CHECK_EQ(dmaapi_last_error()->required, 64);
	CHECK_EQ(dmaapi_last_error()->addr, (uintptr_t)buf + 32);
	CHECK_ERR(dmaapi_map_single_array(dev, buf, 4, 4, 4, (enum dmaapi_direction)7, &m),
		  DMAAPI_ERR_SYSTEM);
	/* a buffer wrapping around the address space */
	CHECK_ERR(dmaapi_map_single_array(dev, (void *)(UINTPTR_MAX - 7), 8, 4, 8,
					  DMAAPI_TO_DEVICE, &m), DMAAPI_ERR_LAYOUT);
	CHECK_ERR(dmaapi_map_single_array(dev, (void *)(UINTPTR_MAX - 15), 1, 17, 1,
					  DMAAPI_TO_DEVICE, &m), DMAAPI_ERR_LAYOUT);

	/* none of that reached the backend */
	CHECK_EQ(t.maps + t.unmaps, 0);
	CHECK_EQ(t.allocs + t.deallocs, 0);

	/* NULL objects and arguments */
	uint32_t v = 0;

	CHECK_ERR(dmaapi_array_read(NULL, 0, &v), DMAAPI_ERR_NULL_POINTER);
	CHECK_ERR(dmaapi_array_set(NULL, 0, &v), DMAAPI_ERR_NULL_POINTER);
	CHECK_ERR(dmaapi_array_copy_from_slice(NULL, &v, 1), DMAAPI_ERR_NULL_POINTER);
	CHECK_ERR(dmaapi_array_prepare_read(NULL, 0, 1), DMAAPI_ERR_NULL_POINTER);
	CHECK_ERR(dmaapi_box_read(NULL, &v), DMAAPI_ERR_NULL_POINTER);
	CHECK_ERR(dmaapi_box_write(NULL, &v), DMAAPI_ERR_NULL_POINTER);
	CHECK_ERR(dmaapi_box_modify(NULL, NULL, NULL), DMAAPI_ERR_NULL_POINTER);
	CHECK_ERR(dmaapi_map_read(NULL, 0, &v), DMAAPI_ERR_NULL_POINTER);
	CHECK_ERR(dmaapi_map_set(NULL, 0, &v), DMAAPI_ERR_NULL_POINTER);
	CHECK_ERR(dmaapi_map_copy_from_slice(NULL, &v, 1), DMAAPI_ERR_NULL_POINTER);
	CHECK_ERR(dmaapi_map_to_vec(NULL, &v, 1), DMAAPI_ERR_NULL_POINTER);
	CHECK_ERR(dmaapi_map_prepare_read_all(NULL), DMAAPI_ERR_NULL_POINTER);
	CHECK_ERR(dmaapi_map_confirm_write_all(NULL), DMAAPI_ERR_NULL_POINTER);
	dmaapi_addr_t da = 7;

	CHECK_ERR(dmaapi_array_read_sized(NULL, 0, &v, 4), DMAAPI_ERR_NULL_POINTER);
	CHECK_ERR(dmaapi_array_set_sized(NULL, 0, &v, 4), DMAAPI_ERR_NULL_POINTER);
	CHECK_ERR(dmaapi_box_read_sized(NULL, &v, 4), DMAAPI_ERR_NULL_POINTER);
	CHECK_ERR(dmaapi_box_write_sized(NULL, &v, 4), DMAAPI_ERR_NULL_POINTER);
	CHECK_ERR(dmaapi_map_read_sized(NULL, 0, &v, 4), DMAAPI_ERR_NULL_POINTER);
	CHECK_ERR(dmaapi_map_set_sized(NULL, 0, &v, 4), DMAAPI_ERR_NULL_POINTER);
	CHECK_ERR(dmaapi_array_read_slice(NULL, 0, 1, &v), DMAAPI_ERR_NULL_POINTER);
	CHECK_ERR(dmaapi_array_write_slice(NULL, 0, 1, &v), DMAAPI_ERR_NULL_POINTER);
	CHECK_ERR(dmaapi_map_read_slice(NULL, 0, 1, &v), DMAAPI_ERR_NULL_POINTER);
	CHECK_ERR(dmaapi_map_write_slice(NULL, 0, 1, &v), DMAAPI_ERR_NULL_POINTER);
	CHECK_ERR(dmaapi_array_dma_addr_of(NULL, 0, &da), DMAAPI_ERR_NULL_POINTER);
	CHECK_ERR(dmaapi_map_dma_addr_of(NULL, 0, &da), DMAAPI_ERR_NULL_POINTER);
	CHECK_EQ(da, 7);
	CHECK_ERR(dmaapi_map_prepare_read_bytes(NULL, 0, 1), DMAAPI_ERR_NULL_POINTER);
	CHECK_ERR(dmaapi_map_confirm_write_bytes(NULL, 0, 1), DMAAPI_ERR_NULL_POINTER);
	CHECK(dmaapi_array_is_empty(NULL));
	CHECK_EQ(dmaapi_array_bytes_len(NULL), 0);
	CHECK_EQ(dmaapi_map_bytes_len(NULL), 0);
	CHECK(!dmaapi_array_need_sync(NULL));
	CHECK(!dmaapi_box_need_sync(NULL));
	CHECK(!dmaapi_map_need_sync(NULL));
	CHECK_EQ(dmaapi_array_len(NULL), 0);
	CHECK_EQ(dmaapi_array_dma_addr(NULL), 0);
	CHECK_EQ(dmaapi_box_dma_addr(NULL), 0);
	CHECK_EQ(dmaapi_map_dma_addr(NULL), 0);
	CHECK_EQ(dmaapi_map_len(NULL), 0);
	CHECK(dmaapi_map_is_empty(NULL));
	CHECK(dmaapi_array_as_ptr(NULL) == NULL);
	dmaapi_array_free(NULL);
	dmaapi_box_free(NULL);
	dmaapi_map_free(NULL);

	CHECK_EQ(dmaapi_array_zero_with_align(dev, 4, 4, 4, DMAAPI_TO_DEVICE, &a), 0);
	CHECK_ERR(dmaapi_array_read(a, 0, NULL), DMAAPI_ERR_NULL_POINTER);
	CHECK_ERR(dmaapi_array_set(a, 0, NULL), DMAAPI_ERR_NULL_POINTER);
	CHECK_ERR(dmaapi_array_copy_from_slice(a, NULL, 1), DMAAPI_ERR_NULL_POINTER);
	CHECK_EQ(t.nev, 0);
	dmaapi_array_free(a);
	CHECK_EQ(dmaapi_box_zero_with_align(dev, 4, 4, DMAAPI_TO_DEVICE, &b), 0);
	CHECK_ERR(dmaapi_box_modify(b, NULL, NULL), DMAAPI_ERR_NULL_POINTER);
	CHECK_ERR(dmaapi_box_read(b, NULL), DMAAPI_ERR_NULL_POINTER);
	CHECK_EQ(t.nev, 0);
	dmaapi_box_free(b);
	CHECK_EQ(tracking_live(&t), 0);
	dmaapi_device_close(dev);
}

/*
 * The library checks what the backend hands out: beyond the mask or
 * misaligned gets freed and reported, nothing leaks.
 */
static void mask_align_checks(void)
{
	struct tracking t;
	struct dmaapi_device *dev = NULL;
	struct dmaapi_array *a = (void *)1;
	struct dmaapi_box *b = (void *)1;
	struct dmaapi_map *m = (void *)1;
	uint64_t buf[512] __attribute__((aligned(64)));
	const uint64_t mask = 0xffffffff; /* 32-bit device */

	t_group("library's own DMA mask and alignment checks");
	tracking_init(&t, false);
	CHECK_EQ(dmaapi_device_new(mask, &t.ops, &t, &dev), 0);

	/* ends exactly at the mask: fine */
	t.force_dma = true;
	t.forced_dma = mask - 4096 + 1;
	CHECK_EQ(dmaapi_array_zero_with_align(dev, 4, 1024, 4096, DMAAPI_TO_DEVICE, &a), 0);
	CHECK_EQ(dmaapi_array_dma_addr(a), mask - 4095);
	dmaapi_array_free(a);

	/* one byte past */
	t.forced_dma = mask - 4096 + 2;
	CHECK_ERR(dmaapi_array_zero_with_align(dev, 4, 1024, 2, DMAAPI_TO_DEVICE, &a),
		  DMAAPI_ERR_DMA_MASK);
	CHECK(a == NULL);
	CHECK_EQ(dmaapi_last_error()->addr, mask + 1); /* the end overflows: its last byte */
	CHECK_EQ(dmaapi_last_error()->mask, mask);
	CHECK_EQ(t.allocs, 2);
	CHECK_EQ(t.deallocs, 2);

	/* far above */
	t.forced_dma = 0x100000000ULL;
	CHECK_ERR(dmaapi_box_zero_with_align(dev, 16, 8, DMAAPI_FROM_DEVICE, &b),
		  DMAAPI_ERR_DMA_MASK);
	CHECK(b == NULL);
	CHECK_EQ(dmaapi_last_error()->addr, 0x100000000ULL);
	CHECK_EQ(dmaapi_last_error()->mask, mask);
	CHECK_EQ(tracking_live(&t), 0);

	/* misaligned DMA address */
	t.forced_dma = 0x10008;
	CHECK_ERR(dmaapi_array_zero_with_align(dev, 8, 8, 64, DMAAPI_BIDIRECTIONAL, &a),
		  DMAAPI_ERR_ALIGN);
	CHECK_EQ(dmaapi_last_error()->addr, 0x10008);
	CHECK_EQ(dmaapi_last_error()->required, 64);
	CHECK_EQ(tracking_live(&t), 0);

	/* mapping: beyond the mask and misaligned, unmapped again */
	t.forced_dma = 0xfffff008; /* 4096 bytes: ends past the mask */
	CHECK_ERR(dmaapi_map_single_array(dev, buf, 8, 512, 8, DMAAPI_TO_DEVICE, &m),
		  DMAAPI_ERR_DMA_MASK);
	CHECK(m == NULL);
	CHECK_EQ(dmaapi_last_error()->addr, 0x100000007ULL); /* the last byte */
	CHECK_EQ(dmaapi_last_error()->mask, mask);
	CHECK_EQ(t.maps, 1);
	CHECK_EQ(t.unmaps, 1);
	t.forced_dma = 0x2004;
	CHECK_ERR(dmaapi_map_single_array(dev, buf, 8, 4, 8, DMAAPI_TO_DEVICE, &m),
		  DMAAPI_ERR_ALIGN);
	CHECK_EQ(dmaapi_last_error()->addr, 0x2004);
	CHECK_EQ(dmaapi_last_error()->required, 8);
	CHECK_EQ(tracking_live(&t), 0);
	CHECK_EQ(t.nev, 0); /* failures sync nothing */
	dmaapi_device_close(dev);

	/* 64-bit mask: the end wraps around */
	tracking_init(&t, false);
	CHECK_EQ(dmaapi_device_new(UINT64_MAX, &t.ops, &t, &dev), 0);
	t.force_dma = true;
	t.forced_dma = UINT64_MAX - 7;
	CHECK_EQ(dmaapi_box_zero_with_align(dev, 8, 8, DMAAPI_TO_DEVICE, &b), 0);
	dmaapi_box_free(b);
	t.forced_dma = UINT64_MAX - 7;
	CHECK_ERR(dmaapi_box_zero_with_align(dev, 16, 8, DMAAPI_TO_DEVICE, &b),
		  DMAAPI_ERR_DMA_MASK);
	CHECK_EQ(dmaapi_last_error()->addr, UINT64_MAX - 7);
	CHECK_EQ(dmaapi_last_error()->mask, UINT64_MAX);
	CHECK_EQ(tracking_live(&t), 0);
	dmaapi_device_close(dev);
}

/* Backend failures reach the caller with their details. */
static void backend_errors(void)
{
	struct tracking t;
	struct dmaapi_device *dev = NULL;
	struct dmaapi_array *a = (void *)1;
	struct dmaapi_map *m = (void *)1;
	uint32_t buf[16];

	t_group("backend errors");
	tracking_init(&t, false);
	CHECK_EQ(dmaapi_device_new(0xffffff, &t.ops, &t, &dev), 0);

	t.fail_code = DMAAPI_ERR_NO_MEMORY;
	t.fail_errno = ENOMEM;
	CHECK_ERR(dmaapi_array_zero_with_align(dev, 4, 4, 4, DMAAPI_TO_DEVICE, &a),
		  DMAAPI_ERR_NO_MEMORY);
	CHECK_EQ(dmaapi_last_error()->sys_errno, ENOMEM);
	CHECK(a == NULL);

	t.fail_code = DMAAPI_ERR_SYSTEM;
	t.fail_errno = EBUSY;
	CHECK_ERR(dmaapi_array_zero_with_align(dev, 4, 4, 4, DMAAPI_TO_DEVICE, &a),
		  DMAAPI_ERR_SYSTEM);
	CHECK_EQ(dmaapi_last_error()->sys_errno, EBUSY);

	t.fail_code = DMAAPI_ERR_SYSTEM;
	t.fail_errno = 0; /* a backend forgetting errno still gives one */
	CHECK_ERR(dmaapi_map_single_array(dev, buf, 4, 16, 4, DMAAPI_TO_DEVICE, &m),
		  DMAAPI_ERR_SYSTEM);
	CHECK_EQ(dmaapi_last_error()->sys_errno, EIO);
	CHECK(m == NULL);

	t.fail_code = DMAAPI_ERR_DMA_MASK;
	t.fail_errno = ERANGE;
	t.fail_addr = 0x7000000;
	CHECK_ERR(dmaapi_map_single_array(dev, buf, 4, 16, 4, DMAAPI_FROM_DEVICE, &m),
		  DMAAPI_ERR_DMA_MASK);
	CHECK_EQ(dmaapi_last_error()->addr, 0x7000000);
	CHECK_EQ(dmaapi_last_error()->mask, 0xffffff);
	CHECK_EQ(dmaapi_last_error()->sys_errno, ERANGE);

	t.fail_code = DMAAPI_ERR_ALIGN;
	t.fail_errno = EDOM;
	t.fail_addr = 0x1002;
	CHECK_ERR(dmaapi_array_zero_with_align(dev, 4, 4, 16, DMAAPI_TO_DEVICE, &a),
		  DMAAPI_ERR_ALIGN);
	CHECK_EQ(dmaapi_last_error()->addr, 0x1002);
	CHECK_EQ(dmaapi_last_error()->required, 16);
	CHECK_EQ(dmaapi_last_error()->sys_errno, EDOM);

	t.fail_code = 1000; /* nonsense code: SYSTEM */
	t.fail_errno = EPERM;
	CHECK_ERR(dmaapi_array_zero_with_align(dev, 4, 4, 4, DMAAPI_TO_DEVICE, &a),
		  DMAAPI_ERR_SYSTEM);
	CHECK_EQ(dmaapi_last_error()->sys_errno, EPERM);

	CHECK_EQ(t.allocs + t.maps, 0);
	CHECK_EQ(t.deallocs + t.unmaps, 0); /* failed calls are not undone */

	/* cached memory: the backend sees the request */
	t.fail_code = 0;
	CHECK_EQ(dmaapi_array_cached_zero_with_align(dev, 4, 4, 4, DMAAPI_FROM_DEVICE, &a), 0);
	CHECK_EQ(t.last_flags, DMAAPI_REGION_NEED_SYNC | DMAAPI_REGION_CACHED);
	CHECK_EQ(dmaapi_array_region(a)->dir, DMAAPI_FROM_DEVICE);
	CHECK_EQ(dmaapi_array_region(a)->size, 16);
	dmaapi_array_free(a);
	struct dmaapi_box *b = NULL;

	CHECK_EQ(DMAAPI_BOX_CACHED_ZERO(dev, uint64_t, DMAAPI_TO_DEVICE, &b), 0);
	CHECK_EQ(t.last_flags, DMAAPI_REGION_NEED_SYNC | DMAAPI_REGION_CACHED);
	CHECK_EQ(dmaapi_box_region(b)->align, _Alignof(uint64_t));
	dmaapi_box_free(b);
	CHECK_EQ(tracking_live(&t), 0);

	/* the device lives until its last container is freed */
	CHECK_EQ(dmaapi_array_zero_with_align(dev, 4, 4, 4, DMAAPI_BIDIRECTIONAL, &a), 0);
	dmaapi_device_close(dev);
	uint32_t v = 9;

	CHECK_EQ(dmaapi_array_set(a, 3, &v), 0);
	v = 0;
	CHECK_EQ(dmaapi_array_read(a, 3, &v), 0);
	CHECK_EQ(v, 9);
	dmaapi_array_free(a); /* frees the device too: valgrind checks */
	CHECK_EQ(tracking_live(&t), 0);
}

/* A backend's memory that is not zero is zeroed and written back; a
 * success with a NULL CPU address is undone. */
static void backend_robustness(void)
{
	struct tracking t;
	struct dmaapi_device *dev = NULL;
	struct dmaapi_array *a = (void *)1;
	struct dmaapi_box *b = NULL;
	uint32_t v = 1;
	int nocache;

	t_group("custom backends: zeroing, NULL CPU address");
	for (nocache = 0; nocache < 2; nocache++) {
		if (nocache)
			tracking_init_nocache(&t, false);
		else
			tracking_init(&t, false);
		t.dirty_alloc = true;
		CHECK_EQ(dmaapi_device_new(~0ULL, &t.ops, &t, &dev), 0);
		CHECK_EQ(dmaapi_array_zero_with_align(dev, 4, 300, 4, DMAAPI_FROM_DEVICE, &a), 0);
		uint32_t *p = dmaapi_array_as_ptr(a);
		unsigned nonzero = 0;

		for (unsigned i = 0; i < 300; i++)
			nonzero += p[i] != 0;
		CHECK_EQ(nonzero, 0);
		/* the zeros are written back once, whatever the direction (the
		 * backend's flush_invalidate, or lib/arch.c's) */
		CHECK_EQ(t.nev, 1);
		CHECK_EQ(t.ev[0].kind, TRACK_FLUSH_INVALIDATE);
		CHECK_EQ(t.ev[0].addr, (uintptr_t)p);
		CHECK_EQ(t.ev[0].size, 1200);
		tracking_clear(&t);
		CHECK_EQ(dmaapi_array_read(a, 299, &v), 0);
		CHECK_EQ(v, 0);
		dmaapi_array_free(a);
		/* coherent (no sync needed): zeroed, nothing to write back */
		t.no_sync = true;
		tracking_clear(&t);
		CHECK_EQ(dmaapi_box_zero_with_align(dev, 64, 8, DMAAPI_TO_DEVICE, &b), 0);
		CHECK_EQ(t.nev, 0);
		CHECK_EQ(((unsigned char *)dmaapi_box_as_ptr(b))[63], 0);
		CHECK_EQ(((unsigned char *)dmaapi_box_as_ptr(b))[0], 0);
		dmaapi_box_free(b);
		t.no_sync = false;

		t.null_cpu = true;
		a = (void *)1;
		errno = EAGAIN;
		CHECK_ERR(dmaapi_array_zero_with_align(dev, 4, 4, 4, DMAAPI_TO_DEVICE, &a),
			  DMAAPI_ERR_NO_MEMORY);
		CHECK(a == NULL);
		CHECK_EQ(t.allocs, t.deallocs); /* undone, not leaked */
		CHECK_EQ(tracking_live(&t), 0);
		t.null_cpu = false;
		dmaapi_device_close(dev);
	}
}

/* dma-api 0.8's constraints: maximum segment size and boundary. */
static void constraints(void)
{
	struct tracking t;
	struct dmaapi_device *dev = NULL;
	struct dmaapi_constraints c, got;
	struct dmaapi_array *a = (void *)1;
	struct dmaapi_map *m = (void *)1;
	uint64_t buf[64] __attribute__((aligned(64)));

	t_group("constraints: max segment size, boundary");
	tracking_init(&t, false);
	CHECK_EQ(dmaapi_device_new(~0ULL, &t.ops, &t, &dev), 0);
	CHECK_EQ(dmaapi_device_constraints(dev, &got), 0);
	CHECK(got.size == sizeof(got) && got.boundary == 0 && got.max_segment_size == 0);
	CHECK_ERR(dmaapi_device_constraints(NULL, &got), DMAAPI_ERR_NULL_POINTER);
	CHECK_ERR(dmaapi_device_constraints(dev, NULL), DMAAPI_ERR_NULL_POINTER);
	c.size = sizeof(c);
	c.boundary = 0x10000;
	c.max_segment_size = 4096;
	CHECK_ERR(dmaapi_device_set_constraints(NULL, &c), DMAAPI_ERR_NULL_POINTER);
	c.boundary = 0x3000;
	CHECK_ERR(dmaapi_device_set_constraints(dev, &c), DMAAPI_ERR_LAYOUT);
	c.boundary = 0x10000;
	c.size = 8;
	CHECK_ERR(dmaapi_device_set_constraints(dev, &c), DMAAPI_ERR_LAYOUT);
	c.size = 0;
	CHECK_EQ(dmaapi_device_set_constraints(dev, &c), 0);
	CHECK_EQ(dmaapi_device_constraints(dev, &got), 0);
	CHECK(got.boundary == 0x10000 && got.max_segment_size == 4096);

	/* the size: checked before the backend is asked */
	CHECK_EQ(dmaapi_array_zero_with_align(dev, 4, 1024, 4, DMAAPI_TO_DEVICE, &a), 0);
	dmaapi_array_free(a);
	CHECK_ERR(dmaapi_array_zero_with_align(dev, 4, 1025, 4, DMAAPI_TO_DEVICE, &a),
		  DMAAPI_ERR_SEGMENT);
	CHECK(a == NULL);
	CHECK_EQ(dmaapi_last_error()->size, 4100);
	CHECK_EQ(dmaapi_last_error()->required, 4096);
	CHECK_EQ(t.allocs, 1);
	CHECK_ERR(dmaapi_map_single_array(dev, buf, 8, 513, 8, DMAAPI_TO_DEVICE, &m),
		  DMAAPI_ERR_SEGMENT);
	CHECK_EQ(t.maps, 0);

	/* the boundary: a range the backend hands out that crosses it is undone */
	t.force_dma = true;
	t.forced_dma = 0xffe0; /* ends at the boundary: fine */
	CHECK_EQ(dmaapi_array_zero_with_align(dev, 8, 4, 8, DMAAPI_TO_DEVICE, &a), 0);
	dmaapi_array_free(a);
	t.forced_dma = 0xfff0;
	CHECK_ERR(dmaapi_array_zero_with_align(dev, 8, 4, 8, DMAAPI_TO_DEVICE, &a),
		  DMAAPI_ERR_BOUNDARY);
	CHECK_EQ(dmaapi_last_error()->addr, 0xfff0);
	CHECK_EQ(dmaapi_last_error()->size, 32);
	CHECK_EQ(dmaapi_last_error()->required, 0x10000);
	CHECK_EQ(tracking_live(&t), 0);
	t.forced_dma = 0x1fff8;
	CHECK_ERR(dmaapi_map_single_array(dev, buf, 8, 2, 8, DMAAPI_FROM_DEVICE, &m),
		  DMAAPI_ERR_BOUNDARY);
	CHECK(m == NULL);
	CHECK_EQ(t.maps, 1);
	CHECK_EQ(tracking_live(&t), 0);
	/* a later error clears size */
	CHECK_ERR(dmaapi_array_read(NULL, 0, NULL), DMAAPI_ERR_NULL_POINTER);
	CHECK_EQ(dmaapi_last_error()->size, 0);

	/* NULL clears them */
	CHECK_EQ(dmaapi_device_set_constraints(dev, NULL), 0);
	CHECK_EQ(dmaapi_map_single_array(dev, buf, 8, 2, 8, DMAAPI_FROM_DEVICE, &m), 0);
	dmaapi_map_free(m);
	t.force_dma = false;
	CHECK_EQ(dmaapi_array_zero_with_align(dev, 4, 1025, 4, DMAAPI_TO_DEVICE, &a), 0);
	dmaapi_array_free(a);
	/* a 4 GiB boundary, as a 32-bit counter engine needs */
	c.boundary = 1ULL << 32;
	c.max_segment_size = 0;
	CHECK_EQ(dmaapi_device_set_constraints(dev, &c), 0);
	t.force_dma = true;
	t.forced_dma = 0xfffff000;
	CHECK_ERR(dmaapi_array_zero_with_align(dev, 8, 1024, 8, DMAAPI_TO_DEVICE, &a),
		  DMAAPI_ERR_BOUNDARY);
	CHECK_EQ(dmaapi_last_error()->required, 1ULL << 32);
	CHECK_EQ(tracking_live(&t), 0);
	dmaapi_device_close(dev);
}

/* A success leaves errno as it was, whatever the backend did to it. */
static void errno_kept(void)
{
	struct tracking t;
	struct dmaapi_device *dev = NULL;
	struct dmaapi_array *a = NULL;
	struct dmaapi_map *m = NULL;
	uint32_t v = 3, buf[4] = { 0 };
	int custom;

	t_group("successful calls keep errno");
	for (custom = 0; custom < 2; custom++) {
		tracking_init(&t, custom);
		t.sync_clobbers_errno = true;
		CHECK_EQ(dmaapi_device_new(~0ULL, &t.ops, &t, &dev), 0);
		errno = EAGAIN;
		CHECK_EQ(dmaapi_array_zero_with_align(dev, 4, 4, 4, DMAAPI_BIDIRECTIONAL, &a), 0);
		CHECK_EQ(errno, EAGAIN);
		CHECK_EQ(dmaapi_array_set(a, 1, &v), 0);
		CHECK_EQ(errno, EAGAIN);
		CHECK_EQ(dmaapi_array_read(a, 1, &v), 0);
		CHECK_EQ(errno, EAGAIN);
		CHECK_EQ(dmaapi_map_single_array(dev, buf, 4, 4, 4, DMAAPI_FROM_DEVICE, &m), 0);
		CHECK_EQ(errno, EAGAIN);
		CHECK_EQ(dmaapi_map_prepare_read_all(m), 0);
		CHECK_EQ(errno, EAGAIN);
		CHECK_EQ(dmaapi_map_confirm_write_all(m), 0);
		CHECK_EQ(errno, EAGAIN);
		dmaapi_map_free(m);
		dmaapi_array_free(a);
		dmaapi_device_close(dev);
	}
	/* dirty memory: zeroed and written back, errno still kept */
	tracking_init(&t, true);
	t.sync_clobbers_errno = true;
	t.dirty_alloc = true;
	CHECK_EQ(dmaapi_device_new(~0ULL, &t.ops, &t, &dev), 0);
	errno = EAGAIN;
	CHECK_EQ(dmaapi_array_zero_with_align(dev, 4, 4, 4, DMAAPI_TO_DEVICE, &a), 0);
	CHECK_EQ(errno, EAGAIN);
	dmaapi_array_free(a);
	dmaapi_device_close(dev);
}

/* Last error is per thread: a success does not clear it. */
static void last_error_sticky(void)
{
	t_group("last error");
	CHECK_ERR(dmaapi_box_read(NULL, NULL), DMAAPI_ERR_NULL_POINTER);
	CHECK(dmaapi_addr_checked_add(1, 1, NULL));
	CHECK_EQ(dmaapi_last_error()->code, DMAAPI_ERR_NULL_POINTER);
	CHECK_EQ(dmaapi_last_error()->sys_errno, 0);
}

void suite_errors(void)
{
	helpers();
	ops_checks();
	device_errors();
	layout_errors();
	mask_align_checks();
	backend_errors();
	backend_robustness();
	errno_kept();
	constraints();
	last_error_sticky();
}

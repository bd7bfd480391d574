// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The Linux backend against the fake kernel of fake_kernel.c: open,
 * GET_INFO, SET_MASK, ALLOC + mmap, MAP_USER, SYNC, FREE and their errors.
 */
#include "test.h"
#include "fake_kernel.h"

#include <dmaapi.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/dmaapi.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#if defined(__x86_64__) || defined(__i386__)
#define RUNS_UNDER_QEMU 0 /* the host */
#else
#define RUNS_UNDER_QEMU 1 /* the cross-built suites of make check */
#endif

static bool fd_open(int fd)
{
	return fd >= 0 && fcntl(fd, F_GETFD) != -1;
}

static void linux_open(void)
{
	struct dmaapi_device *dev = NULL;
	struct dmaapi_device_info info;
	int fd;

	t_group("linux backend: open, GET_INFO, SET_MASK, EINTR");
	fake_reset();
	fk.eintr[CMD_IDX(DMAAPI_IOCTL_GET_INFO)] = 2;
	CHECK_EQ(dmaapi_device_open("/dev/null", 0xfffffff, &dev), 0);
	CHECK_EQ(fk.calls[CMD_IDX(DMAAPI_IOCTL_GET_INFO)], 3); /* retried on EINTR */
	CHECK_EQ(fk.calls[CMD_IDX(DMAAPI_IOCTL_SET_MASK)], 1);
	CHECK_EQ(fk.mask, 0xfffffff);
	CHECK_EQ(dmaapi_device_dma_mask(dev), 0xfffffff);
	CHECK_EQ(dmaapi_device_page_size(dev), 4096);
	fd = dmaapi_device_fd(dev);
	CHECK(fd_open(fd));
	CHECK_EQ(fcntl(fd, F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
	CHECK_EQ(fcntl(fd, F_GETFL) & O_ACCMODE, O_RDWR);

	memset(&info, 0xee, sizeof(info));
	errno = EAGAIN;
	CHECK_EQ(dmaapi_device_info(dev, &info), 0);
	CHECK_EQ(errno, EAGAIN); /* success leaves errno alone */
	CHECK_EQ(info.api_version, DMAAPI_API_VERSION);
	CHECK_EQ(info.flags, DMAAPI_INFO_COHERENT | DMAAPI_INFO_PCI | DMAAPI_INFO_KERNEL);
	CHECK_EQ(info.page_size, 4096);
	CHECK_EQ(info.dma_mask, 0xfffffff);
	CHECK_EQ(info.device_mask, 0xffffffffffULL);
	CHECK_EQ(info.bus_limit, 0xfffffffffULL);
	CHECK_EQ(info.max_alloc_size, 4 << 20);
	CHECK_EQ(info.max_handles, 1024);
	CHECK_EQ(info.handles, 70);
	CHECK_EQ(info.bytes, 12345);
	for (unsigned i = 0; i < 4; i++)
		CHECK_EQ(info.reserved[i], 0);
	fk.fail_errno[CMD_IDX(DMAAPI_IOCTL_GET_INFO)] = ENODEV;
	CHECK_ERR(dmaapi_device_info(dev, &info), DMAAPI_ERR_SYSTEM);
	CHECK_EQ(dmaapi_last_error()->sys_errno, ENODEV);
	fk.fail_errno[CMD_IDX(DMAAPI_IOCTL_GET_INFO)] = ENOMEM;
	CHECK_ERR(dmaapi_device_info(dev, &info), DMAAPI_ERR_NO_MEMORY);
	CHECK_EQ(dmaapi_last_error()->sys_errno, ENOMEM);
	dmaapi_device_close(dev);
	CHECK(!fd_open(fd));

	/* the node names: "" and NULL are /dev/dmaapi, a name is
	 * /dev/dmaapi-<name>, a path is itself */
	static const char *const names[][2] = {
		{ "0000:00:04.0", "/dev/dmaapi-0000:00:04.0" },
		{ "", "/dev/dmaapi" },
		{ "dt-pool", "/dev/dmaapi-dt-pool" },
		{ "/dev/dmaapi-x", "/dev/dmaapi-x" },
	};
	for (unsigned i = 0; i < 5; i++) {
		const char *name = i < 4 ? names[i][0] : NULL;
		const char *want = i < 4 ? names[i][1] : "/dev/dmaapi";

		fake_reset();
		errno = EAGAIN;
		dev = NULL;
		CHECK_EQ(dmaapi_device_open(name, 0xffffffff, &dev), 0);
		CHECK_EQ(errno, EAGAIN);
		CHECK(!strcmp(fk.last_open, want));
		CHECK_EQ(fk.open_flags, O_RDWR | O_CLOEXEC);
		dmaapi_device_close(dev);
	}

	/* a newer module of the same major API version is accepted */
	static const uint32_t compatible[] = { 1, 1u << 16, (1u << 16) | 1, (1u << 16) | 0xffff };
	for (unsigned i = 0; i < 4; i++) {
		fake_reset();
		fk.api_version = compatible[i];
		dev = NULL;
		CHECK_EQ(dmaapi_device_open("/dev/null", 0xffffffff, &dev), 0);
		CHECK(dev != NULL);
		CHECK_EQ(dmaapi_device_info(dev, &info), 0);
		CHECK_EQ(info.api_version, compatible[i]);
		dmaapi_device_close(dev);
	}
	/* another major (or 0) is not */
	static const uint32_t incompatible[] = { 0, 2, 2u << 16, (2u << 16) | 1, 0xffffffffu };
	for (unsigned i = 0; i < 5; i++) {
		fake_reset();
		fk.api_version = incompatible[i];
		dev = (void *)1;
		CHECK_ERR(dmaapi_device_open("/dev/null", ~0ULL, &dev), DMAAPI_ERR_SYSTEM);
		CHECK_EQ(dmaapi_last_error()->sys_errno, EPROTO);
		CHECK(dev == NULL);
		CHECK(!fd_open(fk.fd));
	}

	/* GET_INFO or SET_MASK out of memory: NO_MEMORY */
	fake_reset();
	fk.fail_errno[CMD_IDX(DMAAPI_IOCTL_GET_INFO)] = ENOMEM;
	CHECK_ERR(dmaapi_device_open("/dev/null", ~0ULL, &dev), DMAAPI_ERR_NO_MEMORY);
	CHECK_EQ(dmaapi_last_error()->sys_errno, ENOMEM);
	CHECK(!fd_open(fk.fd));
	fake_reset();
	fk.fail_errno[CMD_IDX(DMAAPI_IOCTL_SET_MASK)] = ENOMEM;
	CHECK_ERR(dmaapi_device_open("/dev/null", ~0ULL, &dev), DMAAPI_ERR_NO_MEMORY);

	/* API version mismatch: EPROTO, fd closed */
	fake_reset();
	fk.api_version = 2;
	dev = (void *)1;
	CHECK_ERR(dmaapi_device_open("/dev/null", ~0ULL, &dev), DMAAPI_ERR_SYSTEM);
	CHECK_EQ(dmaapi_last_error()->sys_errno, EPROTO);
	CHECK(dev == NULL);
	CHECK(!fd_open(fk.fd));
	CHECK_EQ(fk.calls[CMD_IDX(DMAAPI_IOCTL_SET_MASK)], 0);

	/* SET_MASK refused */
	fake_reset();
	fk.fail_errno[CMD_IDX(DMAAPI_IOCTL_SET_MASK)] = EIO;
	CHECK_ERR(dmaapi_device_open("/dev/null", 0xfff, &dev), DMAAPI_ERR_SYSTEM);
	CHECK_EQ(dmaapi_last_error()->sys_errno, EIO);
	CHECK(!fd_open(fk.fd));

	/* not a dmaapi node at all (real ioctl on /dev/null) */
	fk.active = false;
	CHECK_ERR(dmaapi_device_open("/dev/null", ~0ULL, &dev), DMAAPI_ERR_SYSTEM);
	/* qemu-user answers an ioctl it does not know with ENOSYS */
	CHECK(dmaapi_last_error()->sys_errno == ENOTTY || (RUNS_UNDER_QEMU &&
	      dmaapi_last_error()->sys_errno == ENOSYS));
	fake_reset();
}

static void linux_alloc(void)
{
	struct dmaapi_device *dev;
	struct dmaapi_array *a = NULL;
	struct dmaapi_box *b = NULL;
	uint32_t v;

	t_group("linux backend: coherent ALLOC + mmap, no syncs, FREE");
	fake_reset();
	dev = open_fake(0xffffffff);

	CHECK_EQ(dmaapi_array_zero_with_align(dev, 4, 1500, 16, DMAAPI_FROM_DEVICE, &a), 0);
	CHECK_EQ(fk.last_alloc.size, sizeof(struct dmaapi_alloc));
	CHECK_EQ(fk.last_alloc.flags, 0);
	CHECK_EQ(fk.last_alloc.direction, DMAAPI_DIR_FROM_DEVICE);
	CHECK_EQ(fk.last_alloc.length, 6000);
	CHECK_EQ(fk.last_alloc.align, 16);
	CHECK_EQ(fk.mmap_len, 8192);
	CHECK_EQ((uint64_t)fk.mmap_off, 1ULL << DMAAPI_MMAP_SHIFT);
	CHECK_EQ(fk.mmap_flags & MAP_SHARED, MAP_SHARED);
	CHECK_EQ(dmaapi_array_dma_addr(a), 0x10000);
	CHECK(dmaapi_array_as_ptr(a) == fk.bufs[0].mem);
	CHECK_EQ(dmaapi_array_region(a)->flags & DMAAPI_REGION_NEED_SYNC, 0);
	CHECK(dmaapi_array_region(a)->flags & DMAAPI_REGION_ZEROED); /* the kernel zeroes */

	v = 3;
	CHECK_EQ(dmaapi_array_set(a, 1499, &v), 0);
	CHECK_EQ(dmaapi_array_read(a, 1499, &v), 0);
	CHECK_EQ(dmaapi_array_copy_from_slice(a, &v, 1), 0);
	CHECK_EQ(dmaapi_array_prepare_read(a, 0, 1500), 0);
	CHECK_EQ(fk.calls[CMD_IDX(DMAAPI_IOCTL_SYNC)], 0); /* coherent: no syscall */

	CHECK_EQ(DMAAPI_BOX_ZERO(dev, uint64_t, DMAAPI_BIDIRECTIONAL, &b), 0);
	CHECK_EQ(fk.last_alloc.direction, DMAAPI_DIR_BIDIRECTIONAL);
	CHECK_EQ(fk.last_alloc.length, 8);
	CHECK_EQ(fk.mmap_len, 4096);
	CHECK_EQ((uint64_t)fk.mmap_off, 2ULL << DMAAPI_MMAP_SHIFT);
	uint64_t w = 0x55;

	CHECK_EQ(dmaapi_box_write(b, &w), 0);
	CHECK_EQ(dmaapi_box_read(b, &w), 0);
	CHECK_EQ(fk.calls[CMD_IDX(DMAAPI_IOCTL_SYNC)], 0);

	dmaapi_box_free(b);
	CHECK_EQ(fk.nfree, 1);
	CHECK_EQ(fk.frees[0], 2);
	dmaapi_array_free(a);
	CHECK_EQ(fk.nfree, 2);
	CHECK_EQ(fk.frees[1], 1);
	CHECK_EQ(fk.munmaps, 2);
	CHECK_EQ(fake_live(), 0);
	dmaapi_device_close(dev);
}

static void linux_cached(void)
{
	struct dmaapi_device *dev;
	struct dmaapi_array *a = NULL;
	struct dmaapi_box *b = NULL;
	uint32_t v = 1, src[4] = { 1, 2, 3, 4 };

	t_group("linux backend: cached ALLOC, SYNC only where needed");
	fake_reset();
	dev = open_fake(0xffffffff);
	fk.out_flags = DMAAPI_OUT_NEED_SYNC;

	/* FROM_DEVICE: reads sync for CPU, writes sync nothing */
	CHECK_EQ(dmaapi_array_cached_zero_with_align(dev, 4, 8, 4, DMAAPI_FROM_DEVICE, &a), 0);
	CHECK_EQ(fk.last_alloc.flags, DMAAPI_ALLOC_CACHED);
	CHECK(dmaapi_array_region(a)->flags & DMAAPI_REGION_NEED_SYNC);
	CHECK_EQ(dmaapi_array_read(a, 2, &v), 0);
	CHECK_EQ(fk.nsync, 1);
	CHECK_EQ(fk.syncs[0].size, sizeof(struct dmaapi_sync));
	CHECK_EQ(fk.syncs[0].flags, DMAAPI_SYNC_FOR_CPU);
	CHECK_EQ(fk.syncs[0].handle, 1);
	CHECK_EQ(fk.syncs[0].offset, 8);
	CHECK_EQ(fk.syncs[0].length, 4);
	CHECK_EQ(fk.syncs[0].__reserved, 0);
	CHECK_EQ(dmaapi_array_set(a, 2, &v), 0);
	CHECK_EQ(dmaapi_array_copy_from_slice(a, src, 4), 0);
	CHECK_EQ(fk.nsync, 1);
	dmaapi_array_free(a);

	/* TO_DEVICE: writes sync for device, reads nothing */
	fk.nsync = 0;
	CHECK_EQ(dmaapi_array_cached_zero_with_align(dev, 4, 8, 4, DMAAPI_TO_DEVICE, &a), 0);
	CHECK_EQ(dmaapi_array_read(a, 2, &v), 0);
	CHECK_EQ(fk.nsync, 0);
	CHECK_EQ(dmaapi_array_set(a, 7, &v), 0);
	CHECK_EQ(dmaapi_array_copy_from_slice(a, src, 3), 0);
	CHECK_EQ(fk.nsync, 2);
	CHECK_EQ(fk.syncs[0].flags, DMAAPI_SYNC_FOR_DEVICE);
	CHECK_EQ(fk.syncs[0].offset, 28);
	CHECK_EQ(fk.syncs[0].length, 4);
	CHECK_EQ(fk.syncs[1].flags, DMAAPI_SYNC_FOR_DEVICE);
	CHECK_EQ(fk.syncs[1].offset, 0);
	CHECK_EQ(fk.syncs[1].length, 12);

	/* a failing SYNC (device unbound) fails the access */
	fk.fail_errno[CMD_IDX(DMAAPI_IOCTL_SYNC)] = ENODEV;
	CHECK_ERR(dmaapi_array_set(a, 0, &v), DMAAPI_ERR_SYSTEM);
	CHECK_EQ(dmaapi_last_error()->sys_errno, ENODEV);
	fk.fail_errno[CMD_IDX(DMAAPI_IOCTL_SYNC)] = ENOMEM;
	CHECK_ERR(dmaapi_array_set(a, 0, &v), DMAAPI_ERR_NO_MEMORY);
	CHECK_EQ(dmaapi_last_error()->sys_errno, ENOMEM);
	errno = EAGAIN;
	CHECK_EQ(dmaapi_array_set(a, 0, &v), 0); /* a synced success keeps errno */
	CHECK_EQ(errno, EAGAIN);
	dmaapi_array_free(a);

	/* BIDIRECTIONAL box: modify syncs both ways */
	fk.nsync = 0;
	CHECK_EQ(dmaapi_box_cached_zero_with_align(dev, 16, 8, DMAAPI_BIDIRECTIONAL, &b), 0);
	CHECK_EQ(dmaapi_box_confirm_write(b), 0);
	CHECK_EQ(dmaapi_box_prepare_read(b), 0);
	CHECK_EQ(fk.nsync, 2);
	CHECK_EQ(fk.syncs[0].flags, DMAAPI_SYNC_FOR_DEVICE);
	CHECK_EQ(fk.syncs[0].length, 16);
	CHECK_EQ(fk.syncs[1].flags, DMAAPI_SYNC_FOR_CPU);
	CHECK_EQ(fk.syncs[1].handle, fk.syncs[0].handle);
	dmaapi_box_free(b);

	/* cached, but the kernel says no sync is needed: no syscall */
	fk.out_flags = 0;
	fk.nsync = 0;
	unsigned sync_calls = fk.calls[CMD_IDX(DMAAPI_IOCTL_SYNC)];

	CHECK_EQ(sync_calls, 8);
	CHECK_EQ(dmaapi_array_cached_zero_with_align(dev, 4, 8, 4, DMAAPI_BIDIRECTIONAL, &a), 0);
	CHECK_EQ(dmaapi_array_set(a, 1, &v), 0);
	CHECK_EQ(dmaapi_array_read(a, 1, &v), 0);
	CHECK_EQ(fk.nsync, 0);
	CHECK_EQ(fk.calls[CMD_IDX(DMAAPI_IOCTL_SYNC)], sync_calls);
	dmaapi_array_free(a);

	/* the kernel refuses cached memory */
	fk.fail_errno[CMD_IDX(DMAAPI_IOCTL_ALLOC)] = EOPNOTSUPP;
	CHECK_ERR(dmaapi_array_cached_zero_with_align(dev, 4, 8, 4, DMAAPI_TO_DEVICE, &a),
		  DMAAPI_ERR_SYSTEM);
	CHECK_EQ(dmaapi_last_error()->sys_errno, EOPNOTSUPP);
	CHECK_EQ(fake_live(), 0);
	dmaapi_device_close(dev);
}

static void linux_alloc_errors(void)
{
	struct dmaapi_device *dev;
	struct dmaapi_array *a = (void *)1;
	struct dmaapi_box *b = (void *)1;

	t_group("linux backend: ALLOC errors, mmap failure, library checks");
	fake_reset();
	dev = open_fake(0xffffff);

	fk.fail_errno[CMD_IDX(DMAAPI_IOCTL_ALLOC)] = ERANGE;
	fk.fail_dma_addr = 0x12345000;
	CHECK_ERR(dmaapi_array_zero_with_align(dev, 8, 8, 8, DMAAPI_TO_DEVICE, &a),
		  DMAAPI_ERR_DMA_MASK);
	CHECK_EQ(dmaapi_last_error()->addr, 0x12345000);
	CHECK_EQ(dmaapi_last_error()->mask, 0xffffff);
	CHECK_EQ(dmaapi_last_error()->sys_errno, ERANGE);
	CHECK(a == NULL);

	fk.fail_errno[CMD_IDX(DMAAPI_IOCTL_ALLOC)] = EDOM;
	fk.fail_dma_addr = 0x20040;
	CHECK_ERR(dmaapi_box_zero_with_align(dev, 8, 4096, DMAAPI_TO_DEVICE, &b),
		  DMAAPI_ERR_ALIGN);
	CHECK_EQ(dmaapi_last_error()->addr, 0x20040);
	CHECK_EQ(dmaapi_last_error()->required, 4096);
	CHECK_EQ(dmaapi_last_error()->sys_errno, EDOM);

	fk.fail_errno[CMD_IDX(DMAAPI_IOCTL_ALLOC)] = ENOMEM;
	CHECK_ERR(dmaapi_array_zero_with_align(dev, 8, 8, 8, DMAAPI_TO_DEVICE, &a),
		  DMAAPI_ERR_NO_MEMORY);
	CHECK_EQ(dmaapi_last_error()->sys_errno, ENOMEM);

	fk.fail_errno[CMD_IDX(DMAAPI_IOCTL_ALLOC)] = EINVAL;
	CHECK_ERR(dmaapi_array_zero_with_align(dev, 8, 8, 8, DMAAPI_TO_DEVICE, &a),
		  DMAAPI_ERR_SYSTEM);
	CHECK_EQ(dmaapi_last_error()->sys_errno, EINVAL);
	CHECK_EQ(fk.nbufs, 0);

	/* mmap fails after ALLOC: the handle is freed */
	fk.mmap_errno = ENXIO;
	CHECK_ERR(dmaapi_array_zero_with_align(dev, 8, 8, 8, DMAAPI_TO_DEVICE, &a),
		  DMAAPI_ERR_SYSTEM);
	CHECK_EQ(dmaapi_last_error()->sys_errno, ENXIO);
	CHECK_EQ(fk.nfree, 1);
	CHECK_EQ(fk.frees[0], fk.bufs[0].handle);
	CHECK_EQ(fake_live(), 0);
	fk.mmap_errno = ENOMEM;
	CHECK_ERR(dmaapi_array_zero_with_align(dev, 8, 8, 8, DMAAPI_TO_DEVICE, &a),
		  DMAAPI_ERR_NO_MEMORY);
	CHECK_EQ(fake_live(), 0);

	/* the kernel hands out an address beyond the mask or misaligned: the
	 * library's own checks munmap and FREE it */
	fk.next_dma = 0xfff000;
	CHECK_ERR(dmaapi_array_zero_with_align(dev, 8, 1024, 8, DMAAPI_TO_DEVICE, &a),
		  DMAAPI_ERR_DMA_MASK);
	CHECK_EQ(dmaapi_last_error()->addr, 0x1000fff); /* the last byte overflows */
	CHECK_EQ(dmaapi_last_error()->mask, 0xffffff);
	CHECK_EQ(fake_live(), 0);
	fk.next_dma = 0x1010;
	CHECK_ERR(dmaapi_array_zero_with_align(dev, 8, 8, 64, DMAAPI_TO_DEVICE, &a),
		  DMAAPI_ERR_ALIGN);
	CHECK_EQ(dmaapi_last_error()->addr, 0x1010);
	CHECK_EQ(dmaapi_last_error()->required, 64);
	CHECK_EQ(fake_live(), 0);
	CHECK_EQ(fk.munmaps, 2);
	dmaapi_device_close(dev);
}

static void linux_map(void)
{
	struct dmaapi_device *dev;
	struct dmaapi_map *m = (void *)1;
	uint64_t *buf = aligned_alloc(4096, 8192);
	uint64_t src[4] = { 9, 8, 7, 6 }, dst[4];

	t_group("linux backend: MAP_USER, SYNC, FREE without sync");
	fake_reset();
	dev = open_fake(0xffffffff);
	fk.out_flags = DMAAPI_OUT_NEED_SYNC | DMAAPI_OUT_BOUNCED;

	CHECK_EQ(dmaapi_map_single_array(dev, buf + 1, 8, 100, 8, DMAAPI_BIDIRECTIONAL, &m), 0);
	CHECK_EQ(fk.last_map.size, sizeof(struct dmaapi_map_user));
	CHECK_EQ(fk.last_map.flags, 0);
	CHECK_EQ(fk.last_map.uaddr, (uintptr_t)(buf + 1));
	CHECK_EQ(fk.last_map.length, 800);
	CHECK_EQ(fk.last_map.direction, DMAAPI_DIR_BIDIRECTIONAL);
	CHECK_EQ(fk.last_map.align, 8);
	CHECK_EQ(dmaapi_map_dma_addr(m), 0x10008);
	CHECK_EQ(dmaapi_map_region(m)->flags,
		 DMAAPI_REGION_NEED_SYNC | DMAAPI_REGION_MAPPED | DMAAPI_REGION_BOUNCED);

	CHECK_EQ(dmaapi_map_set(m, 3, &src[0]), 0);
	CHECK_EQ(dmaapi_map_read(m, 3, &dst[0]), 0);
	CHECK_EQ(fk.nsync, 0);
	CHECK_EQ(dmaapi_map_copy_from_slice(m, src, 4), 0);
	CHECK_EQ(dmaapi_map_to_vec(m, dst, 2), 0);
	CHECK_EQ(dmaapi_map_prepare_read_all(m), 0);
	CHECK_EQ(dmaapi_map_confirm_write_all(m), 0);
	CHECK_EQ(fk.nsync, 4);
	CHECK_EQ(fk.syncs[0].flags, DMAAPI_SYNC_FOR_DEVICE);
	CHECK_EQ(fk.syncs[0].offset, 0);
	CHECK_EQ(fk.syncs[0].length, 32);
	CHECK_EQ(fk.syncs[1].flags, DMAAPI_SYNC_FOR_CPU);
	CHECK_EQ(fk.syncs[1].length, 16);
	CHECK_EQ(fk.syncs[2].flags, DMAAPI_SYNC_FOR_CPU);
	CHECK_EQ(fk.syncs[2].length, 800);
	CHECK_EQ(fk.syncs[3].flags, DMAAPI_SYNC_FOR_DEVICE);
	CHECK_EQ(fk.syncs[3].length, 800);
	CHECK_EQ(fk.syncs[3].handle, 1);

	dmaapi_map_free(m);
	CHECK_EQ(fk.nsync, 4); /* no sync on free */
	CHECK_EQ(fk.nfree, 1);
	CHECK_EQ(fk.frees[0], 1);

	/* TO_DEVICE mapping: prepare_read needs no syscall */
	fk.nsync = 0;
	CHECK_EQ(dmaapi_map_single_array(dev, buf, 8, 16, 8, DMAAPI_TO_DEVICE, &m), 0);
	CHECK_EQ(dmaapi_map_prepare_read_all(m), 0);
	CHECK_EQ(dmaapi_map_to_vec(m, dst, 4), 0);
	CHECK_EQ(fk.nsync, 0);
	CHECK_EQ(dmaapi_map_confirm_write_all(m), 0);
	CHECK_EQ(fk.nsync, 1);
	dmaapi_map_free(m);

	/* MAP_USER errors */
	fk.fail_errno[CMD_IDX(DMAAPI_IOCTL_MAP_USER)] = ERANGE;
	fk.fail_dma_addr = 0x100000000ULL;
	CHECK_ERR(dmaapi_map_single_array(dev, buf, 8, 16, 8, DMAAPI_TO_DEVICE, &m),
		  DMAAPI_ERR_DMA_MASK);
	CHECK_EQ(dmaapi_last_error()->addr, 0x100000000ULL);
	CHECK_EQ(dmaapi_last_error()->mask, 0xffffffff);
	CHECK(m == NULL);
	fk.fail_errno[CMD_IDX(DMAAPI_IOCTL_MAP_USER)] = EPERM;
	CHECK_ERR(dmaapi_map_single_array(dev, buf, 8, 16, 8, DMAAPI_TO_DEVICE, &m),
		  DMAAPI_ERR_SYSTEM);
	CHECK_EQ(dmaapi_last_error()->sys_errno, EPERM);
	fk.fail_errno[CMD_IDX(DMAAPI_IOCTL_MAP_USER)] = EDOM;
	fk.fail_dma_addr = 0x3;
	CHECK_ERR(dmaapi_map_single_array(dev, buf, 8, 16, 8, DMAAPI_TO_DEVICE, &m),
		  DMAAPI_ERR_ALIGN);
	CHECK_EQ(dmaapi_last_error()->addr, 0x3);
	CHECK_EQ(dmaapi_last_error()->required, 8);
	/* a kernel address past the mask: the library unmaps it */
	fk.next_dma = 0xfffffff8;
	CHECK_ERR(dmaapi_map_single_array(dev, buf, 8, 16, 8, DMAAPI_TO_DEVICE, &m),
		  DMAAPI_ERR_DMA_MASK);
	CHECK_EQ(fake_live(), 0);
	dmaapi_device_close(dev);
	free(buf);
}

unsigned fake_ioctls(void)
{
	unsigned n = 0;

	for (unsigned i = 0; i < NCMD; i++)
		n += fk.calls[i];
	return n;
}

/* Pools: one ALLOC and one mmap, no ioctl in get/put, SYNC per the table. */
static void linux_pool(void)
{
	static const enum dmaapi_direction dirs[] = { DMAAPI_BIDIRECTIONAL, DMAAPI_TO_DEVICE,
						      DMAAPI_FROM_DEVICE };
	struct dmaapi_device *dev;
	struct dmaapi_pool *p = NULL;
	struct dmaapi_pool_buf b[4], x;
	unsigned n;

	t_group("linux backend: pools, no ioctl in get/put");
	for (unsigned d = 0; d < 3; d++) {
		bool flush = dirs[d] != DMAAPI_FROM_DEVICE, inval = dirs[d] != DMAAPI_TO_DEVICE;

		fake_reset();
		dev = open_fake(0xffffffff);
		fk.out_flags = DMAAPI_OUT_NEED_SYNC;
		n = fake_ioctls();
		CHECK_EQ(dmaapi_pool_new(dev, 100, 64, 4, dirs[d], DMAAPI_MEM_CACHED, &p), 0);
		if (!CHECK(p)) {
			dmaapi_device_close(dev);
			continue;
		}
		CHECK_EQ(fake_ioctls(), n + 1);
		CHECK_EQ(fk.calls[CMD_IDX(DMAAPI_IOCTL_ALLOC)], 1);
		CHECK_EQ(fk.last_alloc.flags, DMAAPI_ALLOC_CACHED);
		CHECK_EQ(fk.last_alloc.length, 4 * 128);
		n = fake_ioctls();
		for (int round = 0; round < 10; round++) {
			for (int i = 0; i < 4; i++)
				CHECK_EQ(dmaapi_pool_get(p, &b[i]), 0);
			CHECK_ERR(dmaapi_pool_get(p, &x), DMAAPI_ERR_NO_MEMORY);
			for (int i = 0; i < 4; i++)
				CHECK_EQ(dmaapi_pool_put(p, &b[i]), 0);
			CHECK_ERR(dmaapi_pool_put(p, &b[0]), DMAAPI_ERR_INDEX);
		}
		CHECK_EQ(fake_ioctls(), n); /* no system call */
		CHECK_EQ(fk.munmaps, 0);

		CHECK_EQ(dmaapi_pool_get(p, &b[0]), 0);
		CHECK_EQ(dmaapi_pool_get(p, &b[1]), 0);
		CHECK_EQ(b[1].index, 1);
		fk.nsync = 0;
		CHECK_EQ(dmaapi_pool_confirm_write(p, &b[1], 8, 16), 0);
		CHECK_EQ(fk.nsync, flush ? 1 : 0);
		if (flush) {
			CHECK_EQ(fk.syncs[0].flags, DMAAPI_SYNC_FOR_DEVICE);
			CHECK_EQ(fk.syncs[0].offset, 128 + 8);
			CHECK_EQ(fk.syncs[0].length, 16);
		}
		fk.nsync = 0;
		CHECK_EQ(dmaapi_pool_prepare_read(p, &b[1], 0, 100), 0);
		CHECK_EQ(fk.nsync, inval ? 1 : 0);
		if (inval) {
			CHECK_EQ(fk.syncs[0].flags, DMAAPI_SYNC_FOR_CPU);
			CHECK_EQ(fk.syncs[0].offset, 128);
			CHECK_EQ(fk.syncs[0].length, 100);
		}
		dmaapi_pool_free(p);
		CHECK_EQ(fake_live(), 0);

		/* coherent memory: the syncs make no system call */
		fk.out_flags = 0;
		CHECK_EQ(dmaapi_pool_new(dev, 100, 64, 4, dirs[d], 0, &p), 0);
		CHECK(!dmaapi_pool_need_sync(p));
		CHECK_EQ(dmaapi_pool_get(p, &b[0]), 0);
		n = fake_ioctls();
		CHECK_EQ(dmaapi_pool_confirm_write(p, &b[0], 0, 100), 0);
		CHECK_EQ(dmaapi_pool_prepare_read(p, &b[0], 0, 100), 0);
		CHECK_EQ(dmaapi_pool_put(p, &b[0]), 0);
		CHECK_EQ(fake_ioctls(), n);
		dmaapi_pool_free(p);
		CHECK_EQ(fake_live(), 0);
		dmaapi_device_close(dev);
	}
}

/* For test_chan.c: a device of the fake kernel; the handles it freed. */
struct dmaapi_device *fake_linux_device(void)
{
	fake_reset();
	return open_fake(0xffffffff);
}

unsigned fake_linux_frees(uint32_t handle)
{
	unsigned n = 0;

	for (unsigned i = 0; i < fk.nfree; i++)
		n += fk.frees[i] == handle;
	return n;
}

void suite_linux(void)
{
	linux_open();
	linux_alloc();
	linux_cached();
	linux_alloc_errors();
	linux_map();
	linux_pool();
	fake_reset();
	fk.active = false;
}

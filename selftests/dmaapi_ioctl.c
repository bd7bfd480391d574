// SPDX-License-Identifier: GPL-2.0
/*
 * dmaapi ioctl tests: ALLOC, FREE, SYNC and MAP_USER with every validation
 * error, handles and limits, on the module's default device /dev/dmaapi
 * (struct sizes: dmaapi_abi; mmap: dmaapi_mmap).  No device DMA is involved
 * (see dmaapi_edu for that).
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/dmaapi.h>

#include "dmaapi_fixture.h"

FIXTURE(alloc) {
	int fd;
	struct dmaapi_info info;
};

FIXTURE_VARIANT(alloc) {
	uint32_t flags;
	uint32_t dir;
	uint64_t length;
	uint64_t align;
};

FIXTURE_VARIANT_ADD(alloc, coherent_bidir_1) { 0, DMAAPI_DIR_BIDIRECTIONAL, 1, 0 };
FIXTURE_VARIANT_ADD(alloc, coherent_to_dev_page) { 0, DMAAPI_DIR_TO_DEVICE, 4096, 0 };
FIXTURE_VARIANT_ADD(alloc, coherent_from_dev_odd) { 0, DMAAPI_DIR_FROM_DEVICE, 12345, 64 };
FIXTURE_VARIANT_ADD(alloc, coherent_align_64k) { 0, DMAAPI_DIR_BIDIRECTIONAL, 100, 65536 };
FIXTURE_VARIANT_ADD(alloc, coherent_1m) { 0, DMAAPI_DIR_BIDIRECTIONAL, 1 << 20, 0 };
FIXTURE_VARIANT_ADD(alloc, cached_bidir) { DMAAPI_ALLOC_CACHED, DMAAPI_DIR_BIDIRECTIONAL, 5000, 0 };
FIXTURE_VARIANT_ADD(alloc, cached_to_dev) { DMAAPI_ALLOC_CACHED, DMAAPI_DIR_TO_DEVICE, 4096, 8 };
FIXTURE_VARIANT_ADD(alloc, cached_from_dev) { DMAAPI_ALLOC_CACHED, DMAAPI_DIR_FROM_DEVICE, 3 * 4096 + 1, 0 };
FIXTURE_VARIANT_ADD(alloc, cached_align_32k) { DMAAPI_ALLOC_CACHED, DMAAPI_DIR_BIDIRECTIONAL, 64, 32768 };

FIXTURE_SETUP(alloc)
{
	page_size = sysconf(_SC_PAGESIZE);
	self->fd = open_dev();
	OPEN_OR_SKIP(self->fd, DEV_PATH);
	ASSERT_EQ(0, get_info(self->fd, &self->info));
}

FIXTURE_TEARDOWN(alloc)
{
	if (self->fd >= 0)
		close(self->fd);
}

TEST_F(alloc, zeroed_aligned_mapped_synced)
{
	uint64_t align = variant->align ? variant->align : page_size;
	size_t maplen = (variant->length + page_size - 1) & ~(page_size - 1);
	struct dmaapi_alloc a;
	uint8_t *p;

	ASSERT_EQ(0, do_alloc(self->fd, variant->length, variant->align,
			      variant->flags, variant->dir, &a));
	EXPECT_NE(0, a.handle);
	EXPECT_EQ((uint64_t)a.handle << DMAAPI_MMAP_SHIFT, a.mmap_offset);
	EXPECT_EQ(0, a.dma_addr & (align - 1));
	EXPECT_GE(self->info.dma_mask, a.dma_addr + variant->length - 1);
	EXPECT_FALSE(a.out_flags & DMAAPI_OUT_BOUNCED);
	if (!variant->flags)
		EXPECT_FALSE(a.out_flags & DMAAPI_OUT_NEED_SYNC);
	EXPECT_EQ(0, a.out_flags & ~(DMAAPI_OUT_NEED_SYNC | DMAAPI_OUT_BOUNCED));

	p = mmap(NULL, maplen, PROT_READ | PROT_WRITE, MAP_SHARED, self->fd,
		 a.mmap_offset);
	ASSERT_NE(MAP_FAILED, p);
	ASSERT_EQ(0, do_sync(self->fd, a.handle, DMAAPI_SYNC_FOR_CPU, 0,
			     variant->length));
	for (size_t i = 0; i < maplen; i++)
		ASSERT_EQ(0, p[i]);
	memset(p, 0xa5, variant->length);
	ASSERT_EQ(0, do_sync(self->fd, a.handle, DMAAPI_SYNC_FOR_DEVICE, 0,
			     variant->length));
	ASSERT_EQ(0, do_sync(self->fd, a.handle, DMAAPI_SYNC_FOR_CPU,
			     variant->length - 1, 1));
	EXPECT_EQ(0xa5, p[variant->length - 1]);

	/* a second mapping of the same memory sees the same bytes */
	uint8_t *q = mmap(NULL, maplen, PROT_READ, MAP_SHARED, self->fd,
			  a.mmap_offset);

	ASSERT_NE(MAP_FAILED, q);
	EXPECT_EQ(0, memcmp(p, q, maplen));
	munmap(q, maplen);
	EXPECT_EQ(0, munmap(p, maplen));
	EXPECT_EQ(0, do_free(self->fd, a.handle));
	EXPECT_ERRNO(ENOENT, do_free(self->fd, a.handle));
}

TEST_F(dmaapi, alloc_errors)
{
	struct dmaapi_alloc a;

	EXPECT_ERRNO(EINVAL, do_alloc(self->fd, 0, 0, 0, 0, &a));
	EXPECT_ERRNO(EINVAL, do_alloc(self->fd, 4096, 3, 0, 0, &a));
	EXPECT_ERRNO(EINVAL, do_alloc(self->fd, 4096, 4096 + 1, 0, 0, &a));
	EXPECT_ERRNO(EINVAL, do_alloc(self->fd, 4096, 0, 0, 3, &a));
	EXPECT_ERRNO(EINVAL, do_alloc(self->fd, 4096, 0, 0, UINT32_MAX, &a));
	EXPECT_ERRNO(EOPNOTSUPP, do_alloc(self->fd, 4096, 0, 2, 0, &a));
	EXPECT_ERRNO(EOPNOTSUPP, do_alloc(self->fd, 4096, 0, 1U << 31, 0, &a));
	EXPECT_ERRNO(ENOMEM, do_alloc(self->fd, self->info.max_alloc_size + 1,
				      0, 0, 0, &a));
	EXPECT_ERRNO(ENOMEM, do_alloc(self->fd, UINT64_MAX, 0, 0, 0, &a));
	EXPECT_ERRNO(ENOMEM, do_alloc(self->fd, 4096, 1ULL << 63, 0, 0, &a));

	memset(&a, 0, sizeof(a));
	a.size = sizeof(a);
	a.length = 4096;
	a.__reserved = 1;
	EXPECT_ERRNO(EINVAL, ioctl(self->fd, DMAAPI_IOCTL_ALLOC, &a));

	ASSERT_EQ(0, get_info(self->fd, &self->info));
	EXPECT_EQ(0, self->info.handles);
}

/* Output fields given on input are ignored. */
TEST_F(dmaapi, alloc_ignores_outputs)
{
	struct dmaapi_alloc a;

	memset(&a, 0, sizeof(a));
	a.size = sizeof(a);
	a.length = 10;
	a.handle = 77;
	a.dma_addr = 1;
	a.mmap_offset = 3;
	a.out_flags = 0xff;
	ASSERT_EQ(0, ioctl(self->fd, DMAAPI_IOCTL_ALLOC, &a));
	EXPECT_NE(0, a.handle);
	EXPECT_EQ((uint64_t)a.handle << DMAAPI_MMAP_SHIFT, a.mmap_offset);
	EXPECT_EQ(0, do_free(self->fd, a.handle));
}

TEST_F_TIMEOUT(dmaapi, alloc_largest, 300)
{
	struct dmaapi_alloc a;
	uint64_t len = self->info.max_alloc_size;
	uint8_t *p;

	if (len > 64 << 20)
		len = 64 << 20;
	/*
	 * May fail for want of contiguous memory (no CMA), never with a
	 * warning; the buddy allocator's largest block (4 MiB) must work.
	 */
	if (do_alloc(self->fd, len, 0, 0, 0, &a)) {
		EXPECT_EQ(ENOMEM, errno);
		len = 4 << 20;
		if (len > self->info.max_alloc_size)
			len = self->info.max_alloc_size;
		ASSERT_EQ(0, do_alloc(self->fd, len, 0, 0, 0, &a));
	}
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, self->fd,
		 a.mmap_offset);
	ASSERT_NE(MAP_FAILED, p);
	p[0] = 1;
	p[len - 1] = 2;
	EXPECT_EQ(0, p[len / 2]);
	munmap(p, len);
	EXPECT_EQ(0, do_free(self->fd, a.handle));
}

TEST_F(dmaapi, handles_distinct_nonzero)
{
	uint32_t h[16];

	for (int i = 0; i < 16; i++) {
		struct dmaapi_alloc a;

		ASSERT_EQ(0, do_alloc(self->fd, 1, 0, 0, 0, &a));
		h[i] = a.handle;
		ASSERT_NE(0, h[i]);
		for (int j = 0; j < i; j++)
			ASSERT_NE(h[j], h[i]);
	}
	for (int i = 0; i < 16; i++)
		EXPECT_EQ(0, do_free(self->fd, h[i]));
}

TEST_F_TIMEOUT(dmaapi, max_handles, 300)
{
	uint32_t max = self->info.max_handles;
	uint32_t *h;
	struct dmaapi_alloc a;
	struct dmaapi_map_user m;
	static char buf[64];

	if (max > 1 << 16)
		SKIP(return, "max_handles above 65536");
	h = calloc(max, sizeof(*h));
	ASSERT_NE(NULL, h);
	for (uint32_t i = 0; i < max; i++) {
		ASSERT_EQ(0, do_alloc(self->fd, 1, 0, 0, 0, &a));
		ASSERT_NE(0, a.handle);
		ASSERT_GE(max, a.handle);
		h[i] = a.handle;
	}
	EXPECT_ERRNO(ENOMEM, do_alloc(self->fd, 1, 0, 0, 0, &a));
	EXPECT_ERRNO(ENOMEM, do_map(self->fd, buf, sizeof(buf), 0, 0, &m));
	ASSERT_EQ(0, get_info(self->fd, &self->info));
	EXPECT_EQ(max, self->info.handles);

	/* another file has its own budget */
	int fd2 = open_dev();

	ASSERT_LE(0, fd2);
	ASSERT_EQ(0, do_alloc(fd2, 1, 0, 0, 0, &a));
	close(fd2);

	/* a freed handle can be allocated again */
	ASSERT_EQ(0, do_free(self->fd, h[max / 2]));
	ASSERT_EQ(0, do_alloc(self->fd, 1, 0, 0, 0, &a));
	h[max / 2] = a.handle;
	for (uint32_t i = 0; i < max; i++)
		ASSERT_EQ(0, do_free(self->fd, h[i]));
	free(h);
}

/* FREE */

TEST_F(dmaapi, free_errors)
{
	struct dmaapi_free f = { .size = sizeof(f) };
	struct dmaapi_alloc a;

	EXPECT_ERRNO(ENOENT, do_free(self->fd, 0));
	EXPECT_ERRNO(ENOENT, do_free(self->fd, 1));
	EXPECT_ERRNO(ENOENT, do_free(self->fd, UINT32_MAX));

	ASSERT_EQ(0, do_alloc(self->fd, 1, 0, 0, 0, &a));
	f.handle = a.handle;
	f.flags = 1;
	EXPECT_ERRNO(EOPNOTSUPP, ioctl(self->fd, DMAAPI_IOCTL_FREE, &f));
	f.flags = 0;
	f.__reserved = 1;
	EXPECT_ERRNO(EINVAL, ioctl(self->fd, DMAAPI_IOCTL_FREE, &f));
	f.__reserved = 0;
	/* another file's handle is not ours */
	int fd2 = open_dev();

	ASSERT_LE(0, fd2);
	EXPECT_ERRNO(ENOENT, do_free(fd2, a.handle));
	close(fd2);
	EXPECT_EQ(0, ioctl(self->fd, DMAAPI_IOCTL_FREE, &f));
	EXPECT_ERRNO(ENOENT, ioctl(self->fd, DMAAPI_IOCTL_FREE, &f));
}

/* SYNC */

TEST_F(dmaapi, sync_errors)
{
	struct dmaapi_sync s = { .size = sizeof(s) };
	struct dmaapi_alloc a;
	struct dmaapi_map_user m;
	static char buf[3000];
	uint32_t handles[2];

	ASSERT_EQ(0, do_alloc(self->fd, 1000, 0, DMAAPI_ALLOC_CACHED, 0, &a));
	ASSERT_EQ(0, do_map(self->fd, buf, sizeof(buf), 0, 0, &m));
	handles[0] = a.handle;
	handles[1] = m.handle;

	for (int i = 0; i < 2; i++) {
		uint32_t h = handles[i];
		uint64_t len = i ? sizeof(buf) : 1000;

		EXPECT_ERRNO(EINVAL, do_sync(self->fd, h, 0, 0, 1));
		EXPECT_ERRNO(EINVAL, do_sync(self->fd, h, DMAAPI_SYNC_FOR_CPU |
					     DMAAPI_SYNC_FOR_DEVICE, 0, 1));
		EXPECT_ERRNO(EOPNOTSUPP, do_sync(self->fd, h, 4, 0, 1));
		EXPECT_ERRNO(EOPNOTSUPP, do_sync(self->fd, h,
						 DMAAPI_SYNC_FOR_CPU | 4, 0, 1));
		EXPECT_ERRNO(EINVAL, do_sync(self->fd, h, DMAAPI_SYNC_FOR_CPU, 0, 0));
		EXPECT_ERRNO(EOVERFLOW, do_sync(self->fd, h, DMAAPI_SYNC_FOR_CPU,
						0, len + 1));
		EXPECT_ERRNO(EOVERFLOW, do_sync(self->fd, h, DMAAPI_SYNC_FOR_CPU,
						len, 1));
		EXPECT_ERRNO(EOVERFLOW, do_sync(self->fd, h, DMAAPI_SYNC_FOR_DEVICE,
						1, UINT64_MAX));
		EXPECT_ERRNO(EOVERFLOW, do_sync(self->fd, h, DMAAPI_SYNC_FOR_DEVICE,
						UINT64_MAX, 2));
		EXPECT_EQ(0, do_sync(self->fd, h, DMAAPI_SYNC_FOR_CPU, 0, len));
		EXPECT_EQ(0, do_sync(self->fd, h, DMAAPI_SYNC_FOR_DEVICE, len - 1, 1));
		s.handle = h;
		s.flags = DMAAPI_SYNC_FOR_CPU;
		s.length = 1;
		s.__reserved = 1;
		EXPECT_ERRNO(EINVAL, ioctl(self->fd, DMAAPI_IOCTL_SYNC, &s));
	}
	EXPECT_ERRNO(ENOENT, do_sync(self->fd, 0, DMAAPI_SYNC_FOR_CPU, 0, 1));
	EXPECT_ERRNO(ENOENT, do_sync(self->fd, 9999, DMAAPI_SYNC_FOR_CPU, 0, 1));
	EXPECT_EQ(0, do_free(self->fd, a.handle));
	EXPECT_EQ(0, do_free(self->fd, m.handle));
	EXPECT_ERRNO(ENOENT, do_sync(self->fd, a.handle, DMAAPI_SYNC_FOR_CPU, 0, 1));
}

/* MAP_USER */

FIXTURE(map) {
	int fd;
	struct dmaapi_info info;
};

FIXTURE_VARIANT(map) {
	uint32_t dir;
};

FIXTURE_VARIANT_ADD(map, bidir) { DMAAPI_DIR_BIDIRECTIONAL };
FIXTURE_VARIANT_ADD(map, to_device) { DMAAPI_DIR_TO_DEVICE };
FIXTURE_VARIANT_ADD(map, from_device) { DMAAPI_DIR_FROM_DEVICE };

FIXTURE_SETUP(map)
{
	page_size = sysconf(_SC_PAGESIZE);
	self->fd = open_dev();
	OPEN_OR_SKIP(self->fd, DEV_PATH);
	ASSERT_EQ(0, get_info(self->fd, &self->info));
}

FIXTURE_TEARDOWN(map)
{
	if (self->fd >= 0)
		close(self->fd);
}

static void map_check(struct __test_metadata *_metadata, int fd,
		      const struct dmaapi_info *info, void *buf, size_t len,
		      uint32_t dir, uint64_t align)
{
	struct dmaapi_map_user m;
	struct dmaapi_info after;
	uint8_t *p = buf;

	for (size_t i = 0; i < len; i++)
		p[i] = (uint8_t)(i * 7 + 1);
	ASSERT_EQ(0, do_map(fd, buf, len, dir, align, &m));
	EXPECT_NE(0, m.handle);
	EXPECT_GE(info->dma_mask, m.dma_addr + len - 1);
	if (align)
		EXPECT_EQ(0, m.dma_addr & (align - 1));
	if (m.out_flags & DMAAPI_OUT_BOUNCED)
		EXPECT_TRUE(m.out_flags & DMAAPI_OUT_NEED_SYNC);
	EXPECT_EQ(0, m.out_flags & ~(DMAAPI_OUT_NEED_SYNC | DMAAPI_OUT_BOUNCED));
	ASSERT_EQ(0, get_info(fd, &after));
	EXPECT_EQ(info->handles + 1, after.handles);
	EXPECT_EQ(info->bytes + len, after.bytes);

	/* syncs in both directions leave the CPU's data alone */
	ASSERT_EQ(0, do_sync(fd, m.handle, DMAAPI_SYNC_FOR_DEVICE, 0, len));
	ASSERT_EQ(0, do_sync(fd, m.handle, DMAAPI_SYNC_FOR_CPU, 0, len));
	if (len > 2) {
		ASSERT_EQ(0, do_sync(fd, m.handle, DMAAPI_SYNC_FOR_DEVICE, 1, len - 2));
		ASSERT_EQ(0, do_sync(fd, m.handle, DMAAPI_SYNC_FOR_CPU, 1, len - 2));
	}
	/* the buffer stays usable while mapped */
	if (dir != DMAAPI_DIR_FROM_DEVICE)
		for (size_t i = 0; i < len; i++)
			ASSERT_EQ((uint8_t)(i * 7 + 1), p[i]);
	p[0] ^= 0xff;
	p[len - 1] ^= 0xff;
	ASSERT_EQ(0, do_free(fd, m.handle));
	ASSERT_EQ(0, get_info(fd, &after));
	EXPECT_EQ(info->handles, after.handles);
	EXPECT_EQ(info->bytes, after.bytes);
}

TEST_F(map, stack)
{
	char buf[200] __attribute__((aligned(16)));

	map_check(_metadata, self->fd, &self->info, buf, sizeof(buf),
		  variant->dir, 16);
}

TEST_F(map, heap)
{
	size_t len = 10000;
	char *buf = malloc(len);

	ASSERT_NE(NULL, buf);
	map_check(_metadata, self->fd, &self->info, buf, len, variant->dir, 0);
	free(buf);
}

TEST_F(map, multi_page)
{
	size_t len = 17 * page_size;
	char *buf = mmap(NULL, len, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	ASSERT_NE(MAP_FAILED, buf);
	map_check(_metadata, self->fd, &self->info, buf, len, variant->dir,
		  page_size);
	munmap(buf, len);
}

TEST_F(map, misaligned_across_pages)
{
	size_t len = 3 * page_size;
	char *buf = mmap(NULL, len, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	ASSERT_NE(MAP_FAILED, buf);
	map_check(_metadata, self->fd, &self->info, buf + 3, page_size + 1,
		  variant->dir, 0);
	map_check(_metadata, self->fd, &self->info, buf + page_size - 1, 2,
		  variant->dir, 1);
	map_check(_metadata, self->fd, &self->info, buf + page_size - 1, 1,
		  variant->dir, 0);
	map_check(_metadata, self->fd, &self->info, buf + 64, 2 * page_size,
		  variant->dir, 64);
	munmap(buf, len);
}

/* dmaapi's own mmapped memory is not user memory: it cannot be pinned. */
TEST_F(map, dmaapi_memory_is_not_pinnable)
{
	struct dmaapi_alloc a;
	struct dmaapi_map_user m;
	void *p;

	ASSERT_EQ(0, do_alloc(self->fd, page_size, 0, 0, 0, &a));
	p = mmap(NULL, page_size, PROT_READ | PROT_WRITE, MAP_SHARED, self->fd,
		 a.mmap_offset);
	ASSERT_NE(MAP_FAILED, p);
	EXPECT_ERRNO(EFAULT, do_map(self->fd, p, page_size, variant->dir, 0, &m));
	munmap(p, page_size);
	EXPECT_EQ(0, do_free(self->fd, a.handle));
}

TEST_F(dmaapi, map_errors)
{
	struct dmaapi_map_user m;
	static char buf[8192];
	char *ro, *none;

	EXPECT_ERRNO(EINVAL, do_map(self->fd, buf, 0, 0, 0, &m));
	EXPECT_ERRNO(EINVAL, do_map(self->fd, buf, 10, 3, 0, &m));
	EXPECT_ERRNO(EINVAL, do_map(self->fd, buf, 10, UINT32_MAX, 0, &m));
	EXPECT_ERRNO(EINVAL, do_map(self->fd, buf, 10, 0, 3, &m));
	EXPECT_ERRNO(EINVAL, do_map(self->fd, buf, 10, 0, 24, &m));
	EXPECT_ERRNO(ENOMEM, do_map(self->fd, buf, self->info.max_alloc_size + 1,
				    0, 0, &m));
	EXPECT_ERRNO(EFAULT, do_map(self->fd, NULL, 10, 0, 0, &m));
	EXPECT_ERRNO(EFAULT, do_map(self->fd, (void *)(uintptr_t)-4096, 10, 0, 0, &m));
	EXPECT_ERRNO(EFAULT, do_map(self->fd, (void *)(uintptr_t)-4096, 8192, 0, 0, &m));
	EXPECT_ERRNO(EFAULT, do_map(self->fd, (void *)(1ULL << 62), 10, 0, 0, &m));

	memset(&m, 0, sizeof(m));
	m.size = sizeof(m);
	m.uaddr = (uintptr_t)buf;
	m.length = 10;
	/* bit 0 is DMAAPI_MAP_USER_NOCACHE */
	m.flags = 1U << 1;
	EXPECT_ERRNO(EOPNOTSUPP, ioctl(self->fd, DMAAPI_IOCTL_MAP_USER, &m));
	m.flags = 1U << 31;
	EXPECT_ERRNO(EOPNOTSUPP, ioctl(self->fd, DMAAPI_IOCTL_MAP_USER, &m));
	m.flags = 0;
	m.__reserved = 1;
	EXPECT_ERRNO(EINVAL, ioctl(self->fd, DMAAPI_IOCTL_MAP_USER, &m));

	/* unmapped memory, and a hole in the middle of the range */
	none = mmap(NULL, 3 * page_size, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, none);
	ASSERT_EQ(0, munmap(none + page_size, page_size));
	EXPECT_ERRNO(EFAULT, do_map(self->fd, none + page_size, 10, 0, 0, &m));
	EXPECT_ERRNO(EFAULT, do_map(self->fd, none, 3 * page_size, 0, 0, &m));
	munmap(none, 3 * page_size);

	/* read-only memory maps only toward the device */
	ro = mmap(NULL, page_size, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, ro);
	EXPECT_ERRNO(EFAULT, do_map(self->fd, ro, 10, DMAAPI_DIR_FROM_DEVICE, 0, &m));
	EXPECT_ERRNO(EFAULT, do_map(self->fd, ro, 10, DMAAPI_DIR_BIDIRECTIONAL, 0, &m));
	ASSERT_EQ(0, do_map(self->fd, ro, 10, DMAAPI_DIR_TO_DEVICE, 0, &m));
	EXPECT_EQ(0, do_free(self->fd, m.handle));
	munmap(ro, page_size);

	/* an alignment the buffer does not have: EDOM with the address */
	char *pg = mmap(NULL, 2 * page_size, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	ASSERT_NE(MAP_FAILED, pg);
	/*
	 * The IOMMU and our bounce buffer keep the offset in the page (EDOM);
	 * swiotlb hands out a slot of its own, which is aligned.
	 */
	m.dma_addr = 0;
	if (do_map(self->fd, pg + 8, 64, 0, 64, &m) == 0) {
		EXPECT_EQ(0, m.dma_addr & 63);
		EXPECT_TRUE(m.out_flags & DMAAPI_OUT_BOUNCED);
		EXPECT_EQ(0, do_free(self->fd, m.handle));
	} else {
		EXPECT_EQ(EDOM, errno);
		EXPECT_NE(0, m.dma_addr & 63);
	}
	munmap(pg, 2 * page_size);

	ASSERT_EQ(0, get_info(self->fd, &self->info));
	EXPECT_EQ(0, self->info.handles);
}

/*
 * The same pages mapped twice, toward the device (read-only for it), and a
 * part of each synced: on a non-coherent device (arm64's /dev/dmaapi) the
 * syncs are real, and DMA-API debug reports a partial sync of a range that
 * two direct mappings cover.
 */
TEST_F(dmaapi, map_same_buffer_twice)
{
	static char buf[4096] __attribute__((aligned(4096)));
	struct dmaapi_map_user m1, m2;

	ASSERT_EQ(0, do_map(self->fd, buf, sizeof(buf), DMAAPI_DIR_TO_DEVICE, 0, &m1));
	ASSERT_EQ(0, do_map(self->fd, buf, sizeof(buf), DMAAPI_DIR_TO_DEVICE, 0, &m2));
	EXPECT_NE(m1.handle, m2.handle);
	EXPECT_EQ(0, do_sync(self->fd, m1.handle, DMAAPI_SYNC_FOR_DEVICE, 64, 128));
	EXPECT_EQ(0, do_sync(self->fd, m2.handle, DMAAPI_SYNC_FOR_DEVICE, 64, 128));
	EXPECT_EQ(0, do_free(self->fd, m1.handle));
	EXPECT_EQ(0, do_free(self->fd, m2.handle));
}

/*
 * One buffer mapped many times in every direction: fine for the ABI, and
 * no DMA-API debug report (it WARNs past 7 overlapping device-writable
 * mappings of one cacheline): the kernel bounces the overlapping ones.
 */
TEST_F_TIMEOUT(dmaapi, map_same_buffer_many_times, 120)
{
	static char buf[3 * 4096] __attribute__((aligned(4096)));
	struct dmaapi_map_user m[24];
	int direct = 0;

	for (int i = 0; i < 24; i++) {
		ASSERT_EQ(0, do_map(self->fd, buf + (i % 3) * 64, 4096 + 100,
				    i % 3, 0, &m[i]));
		if (!(m[i].out_flags & DMAAPI_OUT_BOUNCED))
			direct++;
	}
	memset(buf, 0x5a, sizeof(buf));
	for (int i = 0; i < 24; i++) {
		ASSERT_EQ(0, do_sync(self->fd, m[i].handle, DMAAPI_SYNC_FOR_DEVICE, 0, 4096));
		ASSERT_EQ(0, do_sync(self->fd, m[i].handle, DMAAPI_SYNC_FOR_CPU, 0, 4096));
	}
	for (int i = 0; i < 24; i++)
		EXPECT_EQ(0, do_free(self->fd, m[i].handle));
	TH_LOG("%d of 24 mapped without a bounce buffer", direct);
}

/* Pinned pages are charged to RLIMIT_MEMLOCK for a process without CAP_IPC_LOCK. */
TEST_F_TIMEOUT(dmaapi, rlimit_memlock, 120)
{
	pid_t pid;
	int status;

	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		struct rlimit rl = { 8 * page_size, 8 * page_size };
		struct dmaapi_map_user m, m2;
		size_t len = 32 * page_size;
		char *buf = mmap(NULL, len, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (buf == MAP_FAILED)
			_exit(10);
		memset(buf, 1, len);
		if (setrlimit(RLIMIT_MEMLOCK, &rl))
			_exit(11);
		/* drop every capability, CAP_IPC_LOCK included */
		if (setgid(65534) || setuid(65534))
			_exit(12);
		if (!do_map(self->fd, buf, len, 0, 0, &m) || errno != EPERM)
			_exit(13);
		if (do_map(self->fd, buf, 4 * page_size, 0, 0, &m))
			_exit(14);
		/* 4 + 5 pages exceed 8 */
		if (!do_map(self->fd, buf + 4 * page_size, 5 * page_size, 0, 0, &m2) ||
		    errno != EPERM)
			_exit(15);
		/* freeing uncharges */
		if (do_free(self->fd, m.handle))
			_exit(16);
		if (do_map(self->fd, buf + 4 * page_size, 5 * page_size, 0, 0, &m2))
			_exit(17);
		if (do_free(self->fd, m2.handle))
			_exit(18);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
	ASSERT_EQ(0, get_info(self->fd, &self->info));
	EXPECT_EQ(0, self->info.handles);
}

/* Root (CAP_IPC_LOCK) is not limited by RLIMIT_MEMLOCK. */
TEST_F(dmaapi, rlimit_memlock_capable)
{
	struct rlimit old, rl = { 0, 0 };
	struct dmaapi_map_user m;
	static char buf[16 * 4096];

	if (geteuid())
		SKIP(return, "not root");
	ASSERT_EQ(0, getrlimit(RLIMIT_MEMLOCK, &old));
	rl.rlim_max = old.rlim_max;
	ASSERT_EQ(0, setrlimit(RLIMIT_MEMLOCK, &rl));
	EXPECT_EQ(0, do_map(self->fd, buf, sizeof(buf), 0, 0, &m));
	EXPECT_EQ(0, do_free(self->fd, m.handle));
	ASSERT_EQ(0, setrlimit(RLIMIT_MEMLOCK, &old));
}

/* Several threads on one file. */
struct thread_arg {
	int fd;
	int iterations;
	int failures;
};

static void *thread_fn(void *p)
{
	struct thread_arg *arg = p;
	char *buf = malloc(3 * 4096);

	for (int i = 0; i < arg->iterations; i++) {
		struct dmaapi_alloc a;
		struct dmaapi_map_user m;
		uint8_t *q;

		if (do_alloc(arg->fd, 4096 * (1 + i % 3), 0,
			     i & 1 ? DMAAPI_ALLOC_CACHED : 0, i % 3, &a)) {
			arg->failures++;
			continue;
		}
		q = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED,
			 arg->fd, a.mmap_offset);
		if (q == MAP_FAILED || q[0] != 0)
			arg->failures++;
		if (do_map(arg->fd, buf + i % 100, 4096 + i, i % 3, 0, &m))
			arg->failures++;
		else if (do_sync(arg->fd, m.handle, DMAAPI_SYNC_FOR_DEVICE, 0, 4096) ||
			 do_free(arg->fd, m.handle))
			arg->failures++;
		if (do_free(arg->fd, a.handle))
			arg->failures++;
		if (q != MAP_FAILED) {
			q[1] = 1;	/* freed but still mapped */
			munmap(q, 4096);
		}
	}
	free(buf);
	return NULL;
}

TEST_F_TIMEOUT(dmaapi, threads, 600)
{
	pthread_t t[8];
	struct thread_arg arg[8];

	for (int i = 0; i < 8; i++) {
		arg[i] = (struct thread_arg){ .fd = self->fd, .iterations = 200 };
		ASSERT_EQ(0, pthread_create(&t[i], NULL, thread_fn, &arg[i]));
	}
	for (int i = 0; i < 8; i++) {
		ASSERT_EQ(0, pthread_join(t[i], NULL));
		EXPECT_EQ(0, arg[i].failures);
	}
	ASSERT_EQ(0, get_info(self->fd, &self->info));
	EXPECT_EQ(0, self->info.handles);
}

TEST_HARNESS_MAIN

// SPDX-License-Identifier: GPL-2.0
/*
 * libdmaapi's containers on the Linux backend, moving real data through the
 * DMA engine of QEMU's edu device: array, box, cached array, and mapped
 * arrays of heap, stack, multi-page and misaligned buffers, in every
 * direction.  Where the kernel bounces a mapping (swiotlb=force, or dmaapi's
 * own bounce buffer) the tests also show that data is NOT seen without the
 * sync, so a lost sync fails them.
 *
 * Environment: DMAAPI_EDU (the edu device's PCI name, bound to dmaapi; found
 * in sysfs if unset), DMAAPI_EDU_MASK_BITS (what the device reaches: 28 for
 * the stock device), DMAAPI_CELL (contains "swiotlb" under swiotlb=force).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <dmaapi.h>

#include "edu.h"
#include "kselftest_harness.h"

/*
 * The harness gives each test 30 s.  The debug kernels (KASAN, lockdep)
 * under TCG run about 10x slower than the Debian ones, where no test here
 * takes more than a few seconds: 120 s each, more where a test says so.
 */
#undef TEST_TIMEOUT_DEFAULT
#define TEST_TIMEOUT_DEFAULT 120

/* Device buffer offsets: [0, 2048) is the work area, [2048, 4095) scratch. */
#define SCRATCH 2048

static bool cell_forces_bounce(void)
{
	const char *s = getenv("DMAAPI_CELL");

	return s && strstr(s, "swiotlb");
}

static void fill(void *p, size_t n, unsigned int seed)
{
	uint8_t *b = p;

	for (size_t i = 0; i < n; i++)
		b[i] = (uint8_t)(i * 7 + seed * 13 + 1);
}

/* Index of the first byte that differs, or -1. */
static long mismatch(const void *a, const void *b, size_t n)
{
	const uint8_t *x = a, *y = b;

	for (size_t i = 0; i < n; i++)
		if (x[i] != y[i])
			return (long)i;
	return -1;
}

FIXTURE(edu) {
	struct edu edu;
	struct dmaapi_device *dev;
	uint64_t mask;
	/* Coherent FROM_DEVICE array the device's buffer is read back into. */
	struct dmaapi_array *peek;
};

FIXTURE_VARIANT(edu) {
	size_t bytes;
};

FIXTURE_VARIANT_ADD(edu, b64) { .bytes = 64 };
FIXTURE_VARIANT_ADD(edu, b1000) { .bytes = 1000 };
FIXTURE_VARIANT_ADD(edu, b2048) { .bytes = 2048 };

/*
 * Opens the node of the edu device the runner bound (DMAAPI_EDU), or of the
 * first one there is, into @bdf; *@skip says why not where a test cannot run.
 */
static void open_edu(struct __test_metadata *_metadata, char bdf[32],
		     struct dmaapi_device **dev, uint64_t *mask, const char **skip)
{
	const char *env = getenv("DMAAPI_EDU");
	int ret;

	*skip = NULL;
	if (env) {
		snprintf(bdf, 32, "%s", env);
	} else if (edu_find(bdf, 32)) {
		*skip = "no QEMU edu device (1234:11e8) in this machine";
		return;
	}
	*mask = (1ULL << edu_mask_bits()) - 1;
	ret = dmaapi_device_open(bdf, *mask, dev);
	/* the runner bound it: its node must open */
	if (!env && ret == -DMAAPI_ERR_SYSTEM &&
	    (dmaapi_last_error()->sys_errno == ENOENT || dmaapi_last_error()->sys_errno == ENODEV)) {
		*skip = "edu device not bound to dmaapi";
		return;
	}
	ASSERT_EQ(0, ret) TH_LOG("open %s: %s", bdf, dmaapi_strerror(ret));
}

FIXTURE_SETUP(edu)
{
	const char *skip;
	char bdf[32];

	open_edu(_metadata, bdf, &self->dev, &self->mask, &skip);
	if (skip)
		SKIP(return, "%s", skip);
	ASSERT_EQ(0, edu_open(&self->edu, bdf));
	ASSERT_EQ(0, DMAAPI_ARRAY_ZERO(self->dev, uint8_t, EDU_MAX_XFER, DMAAPI_FROM_DEVICE,
				       &self->peek));
}

FIXTURE_TEARDOWN(edu)
{
	dmaapi_array_free(self->peek);
	dmaapi_device_close(self->dev);
	edu_close(&self->edu);
}

/* Copies @n bytes of the device buffer at @off into @out, through DMA. */
static void peek_device(struct __test_metadata *_metadata, FIXTURE_DATA(edu) *self,
			uint32_t off, void *out, size_t n)
{
	uint8_t *o = out;

	ASSERT_EQ(0, edu_dma_to_ram(&self->edu, dmaapi_array_dma_addr(self->peek), off, n));
	for (size_t i = 0; i < n; i++)
		ASSERT_EQ(0, dmaapi_array_read(self->peek, i, &o[i]));
}

/* Puts @n bytes into the device buffer at @off, through DMA. */
static void poke_device(struct __test_metadata *_metadata, FIXTURE_DATA(edu) *self,
			uint32_t off, const void *in, size_t n)
{
	struct dmaapi_array *a;

	ASSERT_EQ(0, DMAAPI_ARRAY_ZERO(self->dev, uint8_t, n, DMAAPI_TO_DEVICE, &a));
	ASSERT_EQ(0, dmaapi_array_copy_from_slice(a, in, n));
	ASSERT_EQ(0, edu_dma_to_dev(&self->edu, dmaapi_array_dma_addr(a), off, n));
	dmaapi_array_free(a);
}

static void check_fits(struct __test_metadata *_metadata, uint64_t mask, dmaapi_addr_t addr,
		       size_t bytes)
{
	ASSERT_NE(0, addr);
	ASSERT_LE(addr + bytes - 1, mask) TH_LOG("DMA address %#llx + %zu beyond mask %#llx",
					       (unsigned long long)addr, bytes,
					       (unsigned long long)mask);
}

/* Array: the CPU sets elements (each set syncs), the device reads them; the
 * device writes another array, the CPU reads it element by element. */
static void array_roundtrip(struct __test_metadata *_metadata, FIXTURE_DATA(edu) *self,
			    size_t bytes, bool cached)
{
	size_t n = bytes / sizeof(uint32_t);
	struct dmaapi_array *src, *dst;
	uint32_t v;
	int ret;

	if (cached) {
		ret = dmaapi_array_cached_zero_with_align(self->dev, sizeof(uint32_t), n, 64,
							  DMAAPI_TO_DEVICE, &src);
		ASSERT_EQ(0, ret) TH_LOG("%s", dmaapi_strerror(ret));
		ASSERT_EQ(0, dmaapi_array_cached_zero_with_align(self->dev, sizeof(uint32_t), n,
								 64, DMAAPI_FROM_DEVICE, &dst));
	} else {
		ASSERT_EQ(0, DMAAPI_ARRAY_ZERO(self->dev, uint32_t, n, DMAAPI_TO_DEVICE, &src));
		ASSERT_EQ(0, DMAAPI_ARRAY_ZERO(self->dev, uint32_t, n, DMAAPI_FROM_DEVICE, &dst));
	}
	check_fits(_metadata, self->mask, dmaapi_array_dma_addr(src), bytes);
	check_fits(_metadata, self->mask, dmaapi_array_dma_addr(dst), bytes);
	ASSERT_EQ(n, dmaapi_array_len(src));

	for (size_t i = 0; i < n; i++) {
		ASSERT_EQ(0, dmaapi_array_read(dst, i, &v));
		ASSERT_EQ(0, v) TH_LOG("allocation not zeroed at %zu", i);
		v = 0xa5000000u + (uint32_t)i * 3;
		ASSERT_EQ(0, dmaapi_array_set(src, i, &v));
	}
	ASSERT_EQ(0, edu_dma_to_dev(&self->edu, dmaapi_array_dma_addr(src), 0, bytes));
	ASSERT_EQ(0, edu_dma_to_ram(&self->edu, dmaapi_array_dma_addr(dst), 0, bytes));
	for (size_t i = 0; i < n; i++) {
		ASSERT_EQ(0, dmaapi_array_read(dst, i, &v));
		ASSERT_EQ(0xa5000000u + (uint32_t)i * 3, v) TH_LOG("element %zu", i);
	}
	dmaapi_array_free(src);
	dmaapi_array_free(dst);
}

TEST_F(edu, array_roundtrip)
{
	array_roundtrip(_metadata, self, variant->bytes, false);
}

TEST_F(edu, cached_array_roundtrip)
{
	array_roundtrip(_metadata, self, variant->bytes, true);
}

struct blob {
	uint64_t v[16];
};

static void bump(void *value, void *arg)
{
	struct blob *b = value;

	for (int i = 0; i < 16; i++)
		b->v[i] += *(uint64_t *)arg;
}

/* Box: write, device copies, read; modify a bidirectional box in place. */
TEST_F(edu, box_roundtrip)
{
	struct dmaapi_box *src, *dst, *bi;
	struct blob in, out;
	uint64_t add = 1000;

	fill(&in, sizeof(in), (unsigned int)variant->bytes);
	ASSERT_EQ(0, DMAAPI_BOX_ZERO(self->dev, struct blob, DMAAPI_TO_DEVICE, &src));
	ASSERT_EQ(0, DMAAPI_BOX_ZERO(self->dev, struct blob, DMAAPI_FROM_DEVICE, &dst));
	ASSERT_EQ(0, DMAAPI_BOX_ZERO(self->dev, struct blob, DMAAPI_BIDIRECTIONAL, &bi));
	check_fits(_metadata, self->mask, dmaapi_box_dma_addr(src), sizeof(in));

	ASSERT_EQ(0, dmaapi_box_write(src, &in));
	ASSERT_EQ(0, edu_dma_to_dev(&self->edu, dmaapi_box_dma_addr(src), 0, sizeof(in)));
	ASSERT_EQ(0, edu_dma_to_ram(&self->edu, dmaapi_box_dma_addr(dst), 0, sizeof(in)));
	ASSERT_EQ(0, dmaapi_box_read(dst, &out));
	ASSERT_EQ(-1, mismatch(&in, &out, sizeof(in)));

	/* The device fills the bidirectional box, the CPU modifies it, the
	 * device reads it back. */
	ASSERT_EQ(0, edu_dma_to_ram(&self->edu, dmaapi_box_dma_addr(bi), 0, sizeof(in)));
	ASSERT_EQ(0, dmaapi_box_modify(bi, bump, &add));
	ASSERT_EQ(0, edu_dma_to_dev(&self->edu, dmaapi_box_dma_addr(bi), SCRATCH, sizeof(in)));
	peek_device(_metadata, self, SCRATCH, &out, sizeof(out));
	for (int i = 0; i < 16; i++)
		ASSERT_EQ(in.v[i] + add, out.v[i]);

	dmaapi_box_free(src);
	dmaapi_box_free(dst);
	dmaapi_box_free(bi);
}

/*
 * Mapped array to the device: the CPU writes the buffer directly, then
 * confirm_write_all; the device must see it.  Chunked to the device's
 * transfer limit, so multi-page buffers work too.
 */
static void map_to_device(struct __test_metadata *_metadata, FIXTURE_DATA(edu) *self,
			  uint8_t *buf, size_t bytes, unsigned int seed, bool use_slice)
{
	uint8_t *want = malloc(bytes), got[EDU_MAX_XFER];
	struct dmaapi_map *m;
	dmaapi_addr_t dma;
	int ret;

	ASSERT_NE(NULL, want);
	fill(want, bytes, seed);
	ret = dmaapi_map_single_array(self->dev, buf, 1, bytes, 1, DMAAPI_TO_DEVICE, &m);
	ASSERT_EQ(0, ret) TH_LOG("map: %s (errno %d)", dmaapi_strerror(ret),
				 dmaapi_last_error()->sys_errno);
	dma = dmaapi_map_dma_addr(m);
	check_fits(_metadata, self->mask, dma, bytes);
	if (use_slice) {
		ASSERT_EQ(0, dmaapi_map_copy_from_slice(m, want, bytes));
	} else {
		memcpy(buf, want, bytes);
		ASSERT_EQ(0, dmaapi_map_confirm_write_all(m));
	}
	for (size_t off = 0; off < bytes; off += EDU_MAX_XFER) {
		size_t n = bytes - off < EDU_MAX_XFER ? bytes - off : EDU_MAX_XFER;

		ASSERT_EQ(0, edu_dma_to_dev(&self->edu, dma + off, 0, n));
		peek_device(_metadata, self, 0, got, n);
		ASSERT_EQ(-1, mismatch(want + off, got, n)) TH_LOG("chunk at %zu", off);
	}
	dmaapi_map_free(m);
	free(want);
}

/* Mapped array from the device: the device writes, prepare_read_all (or
 * to_vec), then the CPU reads the buffer directly. */
static void map_from_device(struct __test_metadata *_metadata, FIXTURE_DATA(edu) *self,
			    uint8_t *buf, size_t bytes, unsigned int seed, bool use_vec)
{
	uint8_t *want = malloc(bytes), *got = malloc(bytes);
	struct dmaapi_map *m;
	dmaapi_addr_t dma;

	ASSERT_NE(NULL, want);
	ASSERT_NE(NULL, got);
	fill(want, bytes, seed);
	memset(buf, 0, bytes);
	ASSERT_EQ(0, dmaapi_map_single_array(self->dev, buf, 1, bytes, 1, DMAAPI_FROM_DEVICE, &m));
	dma = dmaapi_map_dma_addr(m);
	check_fits(_metadata, self->mask, dma, bytes);
	for (size_t off = 0; off < bytes; off += EDU_MAX_XFER) {
		size_t n = bytes - off < EDU_MAX_XFER ? bytes - off : EDU_MAX_XFER;

		poke_device(_metadata, self, 0, want + off, n);
		ASSERT_EQ(0, edu_dma_to_ram(&self->edu, dma + off, 0, n));
	}
	if (use_vec) {
		ASSERT_EQ(0, dmaapi_map_to_vec(m, got, bytes));
		ASSERT_EQ(-1, mismatch(want, got, bytes));
	} else {
		ASSERT_EQ(0, dmaapi_map_prepare_read_all(m));
	}
	ASSERT_EQ(-1, mismatch(want, buf, bytes));
	dmaapi_map_free(m);
	free(want);
	free(got);
}

TEST_F(edu, map_heap)
{
	uint8_t *buf = aligned_alloc(64, variant->bytes);

	ASSERT_NE(NULL, buf);
	map_to_device(_metadata, self, buf, variant->bytes, 1, false);
	map_to_device(_metadata, self, buf, variant->bytes, 2, true);
	map_from_device(_metadata, self, buf, variant->bytes, 3, false);
	map_from_device(_metadata, self, buf, variant->bytes, 4, true);
	free(buf);
}

TEST_F(edu, map_stack_misaligned)
{
	uint8_t stack[EDU_MAX_XFER + 64];
	uint8_t *buf = stack + 3; /* odd address: elem 1, align 1 */

	map_to_device(_metadata, self, buf, variant->bytes, 5, false);
	map_from_device(_metadata, self, buf, variant->bytes, 6, false);
}

/* Four pages plus a bit, starting mid-page: physically scattered. */
TEST_F(edu, map_multipage)
{
	size_t bytes = 4 * 4096 + variant->bytes;
	uint8_t *mem = aligned_alloc(4096, bytes + 4096);

	ASSERT_NE(NULL, mem);
	map_to_device(_metadata, self, mem + 100, bytes, 7, false);
	map_from_device(_metadata, self, mem + 100, bytes, 8, true);
	free(mem);
}

/*
 * Where the kernel bounces, the device reads the bounce buffer: CPU writes
 * after the map are invisible to it until confirm_write, and the device's
 * writes are invisible to the CPU until prepare_read.  Without a bounce (a
 * coherent x86 mapping) both are visible at once.  Either way the result
 * after the sync is right.
 */
TEST_F(edu, map_sync_is_needed_when_bounced)
{
	size_t bytes = variant->bytes, maplen = 3 * 4096 + bytes;
	uint8_t *mem = aligned_alloc(4096, 5 * 4096), old[EDU_MAX_XFER], new[EDU_MAX_XFER];
	uint8_t got[EDU_MAX_XFER], *buf = mem + 100;
	struct dmaapi_map *m;
	bool bounced;

	/* Several pages from mid-page: without an IOMMU they are usually
	 * scattered, so dmaapi bounces them; only the head goes to the device. */
	ASSERT_NE(NULL, mem);
	fill(old, bytes, 9);
	fill(new, bytes, 10);

	/* To the device. */
	memcpy(buf, old, bytes);
	ASSERT_EQ(0, dmaapi_map_single_array(self->dev, buf, 1, maplen, 1, DMAAPI_TO_DEVICE, &m));
	bounced = cell_forces_bounce() || (dmaapi_map_region(m)->flags & DMAAPI_REGION_BOUNCED);
	TH_LOG("%s mapping at %#llx", bounced ? "bounced" : "direct",
	       (unsigned long long)dmaapi_map_dma_addr(m));
	if (bounced)
		ASSERT_TRUE(dmaapi_map_region(m)->flags & DMAAPI_REGION_NEED_SYNC);
	memcpy(buf, new, bytes);
	ASSERT_EQ(0, edu_dma_to_dev(&self->edu, dmaapi_map_dma_addr(m), 0, bytes));
	peek_device(_metadata, self, 0, got, bytes);
	ASSERT_EQ(-1, mismatch(bounced ? old : new, got, bytes))
		TH_LOG("without confirm_write the device must see the %s data",
		       bounced ? "old" : "new");
	ASSERT_EQ(0, dmaapi_map_confirm_write_all(m));
	ASSERT_EQ(0, edu_dma_to_dev(&self->edu, dmaapi_map_dma_addr(m), 0, bytes));
	peek_device(_metadata, self, 0, got, bytes);
	ASSERT_EQ(-1, mismatch(new, got, bytes));
	dmaapi_map_free(m);

	/* From the device. */
	memcpy(buf, old, bytes);
	ASSERT_EQ(0, dmaapi_map_single_array(self->dev, buf, 1, maplen, 1, DMAAPI_FROM_DEVICE, &m));
	poke_device(_metadata, self, 0, new, bytes);
	ASSERT_EQ(0, edu_dma_to_ram(&self->edu, dmaapi_map_dma_addr(m), 0, bytes));
	ASSERT_EQ(-1, mismatch(bounced ? old : new, buf, bytes))
		TH_LOG("without prepare_read the CPU must see the %s data",
		       bounced ? "old" : "new");
	ASSERT_EQ(0, dmaapi_map_prepare_read_all(m));
	ASSERT_EQ(-1, mismatch(new, buf, bytes));
	dmaapi_map_free(m);
	free(mem);
}

/*
 * The mask is honoured: many allocations, each one must be reachable by the
 * device.  The stock edu device silently clamps addresses to 28 bits, so an
 * allocation beyond the mask makes the data land elsewhere and this fails.
 */
TEST_F(edu, mask_honoured)
{
	enum { N = 48 };
	struct dmaapi_array *a[N];
	uint8_t want[64], got[64];

	for (int i = 0; i < N; i++) {
		ASSERT_EQ(0, DMAAPI_ARRAY_ZERO(self->dev, uint8_t, 64 * 1024, DMAAPI_BIDIRECTIONAL,
					       &a[i]));
		check_fits(_metadata, self->mask, dmaapi_array_dma_addr(a[i]), 64 * 1024);
	}
	/* Round-trip through a few of them, at their last bytes. */
	for (int i = 0; i < N; i += N / 4) {
		dmaapi_addr_t end = dmaapi_array_dma_addr(a[i]) + 64 * 1024 - sizeof(want);

		fill(want, sizeof(want), i + variant->bytes);
		poke_device(_metadata, self, 0, want, sizeof(want));
		ASSERT_EQ(0, edu_dma_to_ram(&self->edu, end, 0, sizeof(want)));
		for (size_t j = 0; j < sizeof(got); j++)
			ASSERT_EQ(0, dmaapi_array_read(a[i], 64 * 1024 - sizeof(want) + j, &got[j]));
		ASSERT_EQ(-1, mismatch(want, got, sizeof(want))) TH_LOG("allocation %d", i);
	}
	for (int i = 0; i < N; i++)
		dmaapi_array_free(a[i]);
}

static bool map_bounced(struct dmaapi_device *dev, void *buf, size_t len, struct dmaapi_map **m)
{
	*m = NULL;
	if (dmaapi_map_single_array(dev, buf, 1, len, 1, DMAAPI_BIDIRECTIONAL, m))
		return false;
	return dmaapi_map_region(*m)->flags & DMAAPI_REGION_BOUNCED;
}

/*
 * What two streaming mappings must not share is a physical page, wherever
 * it is mapped in the process.  Through an IOMMU a mapping of scattered
 * pages is mapped directly, as several runs of pages; a second mapping of
 * any one of its pages bounces (the middle one, the last, the first at
 * another virtual address), as does a mapping holding one page twice, while
 * a page of no mapping does not.  Eight pages of a memfd at @buf, page 2 of
 * it again at @buf + 8 pages.  Without an IOMMU scattered pages bounce for
 * that alone: nothing to tell.
 */
TEST(overlapping_pages_bounce)
{
	const size_t pg = 4096, n = 8;	/* page[] below: n - 1 and n */
	struct dmaapi_map *m1, *m2, *other;
	struct dmaapi_device_info info;
	struct dmaapi_device *dev;
	const char *skip;
	uint8_t *buf, *lone;
	uint64_t mask;
	char bdf[32];
	int fd;

	open_edu(_metadata, bdf, &dev, &mask, &skip);
	if (skip)
		SKIP(return, "%s", skip);
	ASSERT_EQ(0, dmaapi_device_info(dev, &info));
	if (!(info.flags & DMAAPI_INFO_IOMMU)) {
		dmaapi_device_close(dev);
		SKIP(return, "no IOMMU: scattered pages bounce anyway");
	}
	fd = memfd_create("overlap", MFD_CLOEXEC);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, ftruncate(fd, n * pg));
	buf = mmap(NULL, (n + 1) * pg, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	ASSERT_NE(MAP_FAILED, buf);
	ASSERT_EQ(buf + n * pg, mmap(buf + n * pg, pg, PROT_READ | PROT_WRITE,
				     MAP_SHARED | MAP_FIXED, fd, 2 * pg));
	/* written back to front: scattered pages */
	for (size_t i = n; i-- > 0;)
		memset(buf + i * pg, (int)i, pg);
	ASSERT_EQ(2, buf[n * pg + 7]) TH_LOG("page 2 is not at the end too");
	lone = mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE,
		    -1, 0);
	ASSERT_NE(MAP_FAILED, lone);

	ASSERT_FALSE(map_bounced(dev, buf, n * pg, &m1)) TH_LOG("eight pages through the IOMMU");
	ASSERT_NE(NULL, m1) TH_LOG("map: %s", strerror(dmaapi_last_error()->sys_errno));
	/* the first, a middle one, the last, and the first at another address */
	for (size_t i = 0; i < 4; i++) {
		static const size_t page[] = { 0, 5, 7, 8 };

		EXPECT_TRUE(map_bounced(dev, buf + page[i] * pg + 64, 128, &m2))
			TH_LOG("page %zu of a direct mapping mapped directly again", page[i]);
		dmaapi_map_free(m2);
	}
	EXPECT_FALSE(map_bounced(dev, lone, pg, &other)) TH_LOG("a page of no mapping bounced");
	dmaapi_map_free(other);
	dmaapi_map_free(m1);

	/* the pages free again map directly, but not a mapping with page 2 twice */
	EXPECT_FALSE(map_bounced(dev, buf + 5 * pg, pg, &m2)) TH_LOG("page 5 stayed busy");
	dmaapi_map_free(m2);
	EXPECT_TRUE(map_bounced(dev, buf + pg, n * pg, &m2)) TH_LOG("page 2 twice, mapped directly");
	dmaapi_map_free(m2);
	EXPECT_FALSE(map_bounced(dev, buf + pg, (n - 1) * pg, &m2)) TH_LOG("pages 1-7 bounced");
	dmaapi_map_free(m2);

	munmap(lone, pg);
	munmap(buf, (n + 1) * pg);
	close(fd);
	dmaapi_device_close(dev);
}

/*
 * A coherent array the device reaches end to end.  Behind an IOMMU the
 * module allocates it physically contiguous when it can (one IOVA range
 * over the linear map) and page by page when it cannot: 8 MiB is past the
 * buddy allocator's largest block, so without CMA it takes the second path,
 * and 256 KiB the first.  The device writes a pattern at the start, across a
 * page boundary in the middle and at the end, the CPU reads it there and
 * nowhere else, then writes another that the device reads back.
 */
static void large_array(struct __test_metadata *_metadata, size_t size, bool need_iommu)
{
	const size_t n = EDU_MAX_XFER;
	const size_t offs[] = { 0, size / 2 - n / 2, size - n };
	uint8_t pat[EDU_MAX_XFER], got[EDU_MAX_XFER];
	struct dmaapi_array *a, *bounce;
	struct dmaapi_device_info info;
	struct dmaapi_device *dev;
	struct edu edu;
	const char *skip;
	uint64_t mask;
	char bdf[32];
	uint8_t v;
	int ret;

	open_edu(_metadata, bdf, &dev, &mask, &skip);
	if (skip)
		SKIP(return, "%s", skip);
	ASSERT_EQ(0, dmaapi_device_info(dev, &info));
	if (need_iommu && !(info.flags & DMAAPI_INFO_IOMMU)) {
		dmaapi_device_close(dev);
		SKIP(return, "no IOMMU: coherent memory this large needs contiguous pages");
	}
	ASSERT_EQ(0, edu_open(&edu, bdf));
	ret = DMAAPI_ARRAY_ZERO(dev, uint8_t, size, DMAAPI_BIDIRECTIONAL, &a);
	ASSERT_EQ(0, ret) TH_LOG("%zu bytes: %s", size, dmaapi_strerror(ret));
	check_fits(_metadata, mask, dmaapi_array_dma_addr(a), size);
	ASSERT_EQ(0, DMAAPI_ARRAY_ZERO(dev, uint8_t, n, DMAAPI_BIDIRECTIONAL, &bounce));

	for (size_t k = 0; k < 3; k++) {
		size_t off = offs[k];

		/* the device's buffer gets a pattern, then writes it at @off */
		fill(pat, n, (unsigned int)k + 1);
		ASSERT_EQ(0, dmaapi_array_copy_from_slice(bounce, pat, n));
		ASSERT_EQ(0, edu_dma_to_dev(&edu, dmaapi_array_dma_addr(bounce), 0, n));
		ASSERT_EQ(0, edu_dma_to_ram(&edu, dmaapi_array_dma_addr(a) + off, 0, n));
		for (size_t i = 0; i < n; i++) {
			ASSERT_EQ(0, dmaapi_array_read(a, off + i, &v));
			ASSERT_EQ(pat[i], v) TH_LOG("%zu bytes, byte %zu", size, off + i);
		}
		if (off) {
			ASSERT_EQ(0, dmaapi_array_read(a, off - 1, &v));
			ASSERT_EQ(0, v) TH_LOG("%zu bytes: byte %zu written", size, off - 1);
		}
		if (off + n < size) {
			ASSERT_EQ(0, dmaapi_array_read(a, off + n, &v));
			ASSERT_EQ(0, v) TH_LOG("%zu bytes: byte %zu written", size, off + n);
		}

		/* the CPU writes another, the device reads it from @off */
		fill(pat, n, (unsigned int)k + 7);
		for (size_t i = 0; i < n; i++)
			ASSERT_EQ(0, dmaapi_array_set(a, off + i, &pat[i]));
		ASSERT_EQ(0, edu_dma_to_dev(&edu, dmaapi_array_dma_addr(a) + off, 0, n));
		ASSERT_EQ(0, edu_dma_to_ram(&edu, dmaapi_array_dma_addr(bounce), 0, n));
		ASSERT_EQ(0, dmaapi_array_read_slice(bounce, 0, n, got));
		ASSERT_EQ(-1, mismatch(pat, got, n)) TH_LOG("%zu bytes at %zu", size, off);
	}
	dmaapi_array_free(bounce);
	dmaapi_array_free(a);
	edu_close(&edu);
	dmaapi_device_close(dev);
}

TEST(large_array_contiguous)
{
	large_array(_metadata, 256 << 10, false);
}

TEST(large_array_paged)
{
	large_array(_metadata, 8 << 20, true);
}

TEST_HARNESS_MAIN

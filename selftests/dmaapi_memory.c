// SPDX-License-Identifier: GPL-2.0
/*
 * dmaapi memory tests on /dev/dmaapi: which memory the device gets.
 *
 *  - SET_MASK validation, and that a file's mask constrains its own
 *    allocations and mappings whatever another file set on the device.  On
 *    a machine with RAM above 4 GiB the 32-bit checks are proven able to
 *    fail: 64-bit-mask allocations of another file must land above 4 GiB
 *    while the 32-bit ones, interleaved with them, stay below.  Without RAM
 *    above 4 GiB every address fits 32 bits and that test skips ("no RAM
 *    above 4 GiB"); the program logs which case it is in.
 *  - Allocations read back as zero even when the memory they get was just
 *    dirtied and freed (meaningful with init_on_alloc=0, logged).
 *  - A TO_DEVICE user mapping pins its pages read-only: it neither dirties
 *    nor write-faults memory the device only reads (review B10), seen in the
 *    page's soft-dirty bit; a FROM_DEVICE mapping, pinned writable, is the
 *    control that shows the bit does see a pin's write fault.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <linux/dmaapi.h>

/* the harness: unused parameters, and setjmp in its test wrapper */
#pragma GCC diagnostic ignored "-Wunused-parameter"
#pragma GCC diagnostic ignored "-Wclobbered"
#include "kselftest_harness.h"

/*
 * The harness gives each test 30 s.  The debug kernels (KASAN, lockdep)
 * under TCG run about 10x slower than the Debian ones, where no test here
 * takes more than a few seconds: 120 s each, more where a test says so.
 */
#undef TEST_TIMEOUT_DEFAULT
#define TEST_TIMEOUT_DEFAULT 120
#include "dmaapi_util.h"

#define FOUR_GIB (1ULL << 32)

/* Bytes of System RAM at or above 4 GiB (/proc/iomem, root), or -1. */
static long long ram_above_4g(void)
{
	unsigned long long start, end;
	long long above = 0;
	char line[256];
	int seen = 0;
	FILE *f = fopen("/proc/iomem", "re");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		/* top-level entries only: no leading space */
		if (line[0] == ' ' || !strstr(line, ": System RAM"))
			continue;
		if (sscanf(line, "%llx-%llx", &start, &end) != 2)
			continue;
		if (end)
			seen = 1;	/* not the zeroed addresses of a non-root reader */
		if (end >= FOUR_GIB)
			above += end + 1 - (start > FOUR_GIB ? start : FOUR_GIB);
	}
	fclose(f);
	return seen ? above : -1;
}

/* Is init_on_alloc off on the kernel command line? (the Debian default is on) */
static int init_on_alloc_off(void)
{
	char cmd[4096] = "";
	FILE *f = fopen("/proc/cmdline", "re");

	if (f) {
		if (!fgets(cmd, sizeof(cmd), f))
			cmd[0] = 0;
		fclose(f);
	}
	return strstr(cmd, "init_on_alloc=0") != NULL;
}

FIXTURE(mem) {
	int fd;
	struct dmaapi_info info;
};

FIXTURE_SETUP(mem)
{
	page_size = sysconf(_SC_PAGESIZE);
	self->fd = open_dev();
	OPEN_OR_SKIP(self->fd, DEV_PATH);
	ASSERT_EQ(0, get_info(self->fd, &self->info));
}

FIXTURE_TEARDOWN(mem)
{
	if (self->fd >= 0)
		close(self->fd);
}

TEST_F(mem, set_mask)
{
	struct dmaapi_set_mask m = { .size = sizeof(m) };
	static const uint64_t bad[] = {
		0, 1, 0x7ff, 0xf0f0, 0x1ffe, 0xfffffffe, 0x8000000000000000ULL,
		0x7fffffff7fffffffULL,
	};
	uint64_t orig = self->info.dma_mask;
	struct dmaapi_alloc a;

	for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		m.mask = bad[i];
		EXPECT_ERRNO(EINVAL, ioctl(self->fd, DMAAPI_IOCTL_SET_MASK, &m));
	}
	/* well formed but below what any platform's memory allows */
	m.mask = 0xfff;
	EXPECT_ERRNO(EIO, ioctl(self->fd, DMAAPI_IOCTL_SET_MASK, &m));
	ASSERT_EQ(0, get_info(self->fd, &self->info));
	EXPECT_EQ(orig, self->info.dma_mask);

	m.mask = 1;
	m.flags = 1;
	EXPECT_ERRNO(EOPNOTSUPP, ioctl(self->fd, DMAAPI_IOCTL_SET_MASK, &m));
	m.flags = 0;

	m.mask = UINT64_MAX;
	ASSERT_EQ(0, ioctl(self->fd, DMAAPI_IOCTL_SET_MASK, &m));
	ASSERT_EQ(0, get_info(self->fd, &self->info));
	EXPECT_EQ(UINT64_MAX, self->info.dma_mask);

	m.mask = 0xffffffffULL;
	ASSERT_EQ(0, ioctl(self->fd, DMAAPI_IOCTL_SET_MASK, &m));
	ASSERT_EQ(0, get_info(self->fd, &self->info));
	EXPECT_EQ(0xffffffffULL, self->info.dma_mask);
	ASSERT_EQ(0, do_alloc(self->fd, 3 * page_size, 0, 0, 0, &a));
	EXPECT_GE(0xffffffffULL, a.dma_addr + a.length - 1);
	EXPECT_EQ(0, do_free(self->fd, a.handle));

	m.mask = orig;
	ASSERT_EQ(0, ioctl(self->fd, DMAAPI_IOCTL_SET_MASK, &m));
}

/* Each file has its own mask, whatever another file set on the device. */
TEST_F(mem, mask_per_file)
{
	struct dmaapi_info info;
	struct dmaapi_alloc a;
	int fd2 = open_dev();

	ASSERT_LE(0, fd2);
	ASSERT_EQ(0, do_set_mask(fd2, UINT64_MAX));
	ASSERT_EQ(0, get_info(self->fd, &info));
	EXPECT_EQ(self->info.dma_mask, info.dma_mask);
	ASSERT_EQ(0, do_alloc(self->fd, page_size, 0, 0, 0, &a));
	EXPECT_GE(self->info.dma_mask, a.dma_addr + page_size - 1);
	EXPECT_EQ(0, do_free(self->fd, a.handle));
	close(fd2);
}

#define ROUNDS 48

/* Allocations of @n rounds on @fd; how many end above 4 GiB. */
static unsigned int alloc_rounds(struct __test_metadata *_metadata, int fd,
				 struct dmaapi_alloc *a, int n)
{
	unsigned int high = 0;

	for (int i = 0; i < n; i++) {
		uint32_t flags = i & 1 ? DMAAPI_ALLOC_CACHED : 0;
		uint64_t len = (1 + i % 4) * 16 * page_size;

		a[i].handle = 0;
		EXPECT_EQ(0, do_alloc(fd, len, 0, flags, 0, &a[i]));
		if (a[i].handle && a[i].dma_addr + len - 1 >= FOUR_GIB)
			high++;
	}
	return high;
}

static void free_rounds(struct __test_metadata *_metadata, int fd,
			struct dmaapi_alloc *a, int n)
{
	for (int i = 0; i < n; i++)
		if (a[i].handle)
			EXPECT_EQ(0, do_free(fd, a[i].handle));
}

/* User mappings of @buf on @fd, 4 pages at a time; how many end above 4 GiB. */
static unsigned int map_rounds(struct __test_metadata *_metadata, int fd,
			       uint8_t *buf, size_t buflen)
{
	unsigned int high = 0;
	struct dmaapi_map_user m;

	for (size_t off = 0; off < buflen; off += 4 * page_size) {
		ASSERT_EQ(0, do_map(fd, buf + off, 4 * page_size,
				    DMAAPI_DIR_BIDIRECTIONAL, 0, &m));
		if (m.dma_addr + 4 * page_size - 1 >= FOUR_GIB)
			high++;
		EXPECT_EQ(0, do_free(fd, m.handle));
	}
	return high;
}

/*
 * One device, one mask (the UAPI's SET_MASK): the narrowest mask of the
 * device's open files, changed only while nothing is allocated or mapped.
 * Needs RAM above 4 GiB to tell, and proves it can: with a 64-bit mask alone
 * some allocation must land above 4 GiB.  Then a 32-bit file joins: from then
 * on every allocation and mapping of either file is below 4 GiB, a wider
 * SET_MASK while anything is live leaves the device alone, and a narrower
 * one fails with EBUSY.
 */
TEST_F_TIMEOUT(mem, mask32_below_4g_while_mask64_above, 300)
{
	long long above = ram_above_4g();
	struct dmaapi_alloc a32[ROUNDS], a64[ROUNDS];
	size_t buflen = 64 * page_size;
	unsigned int high;
	struct dmaapi_info info;
	uint8_t *buf;
	int fd64, fd32;

	ASSERT_LE(0, above) TH_LOG("/proc/iomem has no System RAM addresses (not root?)");
	TH_LOG("RAM above 4 GiB: %lld MiB", above >> 20);
	if (!above)
		SKIP(return, "no RAM above 4 GiB");
	buf = mmap(NULL, buflen, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, buf);
	memset(buf, 0x5a, buflen);

	/* the 64-bit file alone: the device takes its mask */
	close(self->fd);
	self->fd = -1;
	fd64 = open_dev();
	ASSERT_LE(0, fd64);
	ASSERT_EQ(0, do_set_mask(fd64, UINT64_MAX));
	ASSERT_EQ(0, get_info(fd64, &info));
	EXPECT_EQ(UINT64_MAX, info.device_mask);
	high = alloc_rounds(_metadata, fd64, a64, ROUNDS);
	TH_LOG("64-bit mask alone: allocations above 4 GiB %u of %d", high, ROUNDS);
	EXPECT_LT(0, high)
		TH_LOG("no 64-bit-mask allocation landed above 4 GiB: a mask applied wrongly would not show");
	free_rounds(_metadata, fd64, a64, ROUNDS);
	high = map_rounds(_metadata, fd64, buf, buflen);
	TH_LOG("64-bit mask alone: user mappings above 4 GiB %u of %zu", high,
	       buflen / (4 * page_size));

	/* a 32-bit file joins an idle device: both get the narrowest mask */
	fd32 = open_dev();
	ASSERT_LE(0, fd32);
	ASSERT_EQ(0, do_set_mask(fd32, 0xffffffffULL));
	ASSERT_EQ(0, get_info(fd64, &info));
	EXPECT_EQ(0xffffffffULL, info.device_mask);
	EXPECT_EQ(0, alloc_rounds(_metadata, fd32, a32, ROUNDS))
		TH_LOG("a 32-bit-mask allocation above 4 GiB");
	EXPECT_EQ(0, alloc_rounds(_metadata, fd64, a64, ROUNDS))
		TH_LOG("the device did not take the narrowest mask of its files");
	EXPECT_EQ(0, map_rounds(_metadata, fd32, buf, buflen))
		TH_LOG("a 32-bit-mask mapping above 4 GiB");
	EXPECT_EQ(0, map_rounds(_metadata, fd64, buf, buflen))
		TH_LOG("a mapping above the device's mask");

	/* while anything is live the device's mask stays */
	ASSERT_EQ(0, do_set_mask(fd64, UINT64_MAX));
	close(fd32);
	free_rounds(_metadata, fd64, a64, ROUNDS);
	EXPECT_EQ(0, alloc_rounds(_metadata, fd64, a64, ROUNDS / 4))
		TH_LOG("the device's mask changed while allocations were live");
	EXPECT_EQ(-1, do_set_mask(fd64, 0xffffffULL));
	EXPECT_EQ(EBUSY, errno);
	free_rounds(_metadata, fd64, a64, ROUNDS / 4);
	munmap(buf, buflen);
	close(fd64);
}

FIXTURE(zero) {
	int fd;
};

FIXTURE_VARIANT(zero) {
	uint32_t flags;
	uint64_t pages;
};

FIXTURE_VARIANT_ADD(zero, coherent_1) { 0, 1 };
FIXTURE_VARIANT_ADD(zero, coherent_4) { 0, 4 };
FIXTURE_VARIANT_ADD(zero, cached_1) { DMAAPI_ALLOC_CACHED, 1 };
FIXTURE_VARIANT_ADD(zero, cached_4) { DMAAPI_ALLOC_CACHED, 4 };
FIXTURE_VARIANT_ADD(zero, cached_16) { DMAAPI_ALLOC_CACHED, 16 };

FIXTURE_SETUP(zero)
{
	page_size = sysconf(_SC_PAGESIZE);
	self->fd = open_dev();
	OPEN_OR_SKIP(self->fd, DEV_PATH);
}

FIXTURE_TEARDOWN(zero)
{
	if (self->fd >= 0)
		close(self->fd);
}

#define ZERO_BUFS 16

/*
 * Dirty allocations, free them, allocate again: the page allocator hands
 * the same pages back first, so a missing memset shows here unless the
 * kernel zeroes on allocation itself (init_on_alloc=1, logged).
 */
TEST_F_TIMEOUT(zero, zeroed_after_dirty_free, 120)
{
	size_t len = variant->pages * page_size;
	struct dmaapi_alloc a[ZERO_BUFS];
	unsigned int dirty = 0;

	TH_LOG("init_on_alloc=0 on the command line: %s",
	       init_on_alloc_off() ? "yes" : "no (the kernel zeroes too)");
	for (int round = 0; round < 3; round++) {
		for (int i = 0; i < ZERO_BUFS; i++) {
			uint8_t *p;

			ASSERT_EQ(0, do_alloc(self->fd, len, 0, variant->flags,
					      DMAAPI_DIR_BIDIRECTIONAL, &a[i]));
			p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED,
				 self->fd, a[i].mmap_offset);
			ASSERT_NE(MAP_FAILED, p);
			ASSERT_EQ(0, do_sync(self->fd, a[i].handle, DMAAPI_SYNC_FOR_CPU, 0, len));
			for (size_t j = 0; j < len; j++)
				if (p[j]) {
					dirty++;
					TH_LOG("round %d buffer %d: byte %zu is %#x", round, i,
					       j, p[j]);
					break;
				}
			memset(p, 0xa5, len);
			ASSERT_EQ(0, do_sync(self->fd, a[i].handle, DMAAPI_SYNC_FOR_DEVICE, 0, len));
			ASSERT_EQ(0, munmap(p, len));
		}
		for (int i = 0; i < ZERO_BUFS; i++)
			ASSERT_EQ(0, do_free(self->fd, a[i].handle));
	}
	EXPECT_EQ(0, dirty);
}

/* The soft-dirty bit (55) of @p's page table entry, or -1. */
static int soft_dirty(const void *p)
{
	uint64_t ent;
	int fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = pread(fd, &ent, sizeof(ent), (uintptr_t)p / page_size * sizeof(ent));
	close(fd);
	return n == sizeof(ent) ? (int)((ent >> 55) & 1) : -1;
}

/* Write-protect every page of ours and clear its soft-dirty bit. */
static int clear_soft_dirty(void)
{
	int fd = open("/proc/self/clear_refs", O_WRONLY | O_CLOEXEC), ret = 0;

	if (fd < 0)
		return -1;
	if (write(fd, "4", 1) != 1)
		ret = -1;
	close(fd);
	return ret;
}

/* Is the running kernel at least @major.@minor? */
static int kernel_at_least(int major, int minor)
{
	struct utsname u;
	int ma = 0, mi = 0;

	if (uname(&u) || sscanf(u.release, "%d.%d", &ma, &mi) != 2)
		return 0;
	return ma > major || (ma == major && mi >= minor);
}

/* Does a pin of @p for @dir write-fault (soft-dirty) its page?  -1: error. */
static int pin_dirties(struct __test_metadata *_metadata, int fd,
		       volatile uint8_t *p, uint32_t dir)
{
	struct dmaapi_map_user m;
	int sd;

	if (clear_soft_dirty() || soft_dirty((void *)p) != 0)
		return -1;
	if (do_map(fd, (void *)p, page_size, dir, 0, &m)) {
		TH_LOG("MAP_USER: %s", strerror(errno));
		return -1;
	}
	sd = soft_dirty((void *)p);
	do_free(fd, m.handle);
	return sd;
}

TEST(to_device_pins_read_only)
{
	volatile uint8_t *shared, *priv;
	int fd;

	page_size = sysconf(_SC_PAGESIZE);
	shared = mmap(NULL, page_size, PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, shared);
	priv = mmap(NULL, page_size, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, priv);
	shared[0] = 1;
	priv[0] = 1;

	/* the kernel tracks soft-dirty: a write after the clear sets it */
	if (clear_soft_dirty() || soft_dirty((void *)shared) != 0)
		SKIP(return, "no soft-dirty tracking in this kernel");
	shared[0] = 2;
	if (soft_dirty((void *)shared) != 1)
		SKIP(return, "no soft-dirty tracking in this kernel");

	fd = open_dev();
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, do_set_mask(fd, UINT64_MAX));
	/* the control: a writable pin write-faults the page */
	EXPECT_EQ(1, pin_dirties(_metadata, fd, shared, DMAAPI_DIR_FROM_DEVICE));
	EXPECT_EQ(0, pin_dirties(_metadata, fd, shared, DMAAPI_DIR_TO_DEVICE))
		TH_LOG("a TO_DEVICE pin wrote to a shared page");
	/* 6.1 cannot pin a COW page read-only reliably: there it is written */
	if (kernel_at_least(6, 2))
		EXPECT_EQ(0, pin_dirties(_metadata, fd, priv, DMAAPI_DIR_TO_DEVICE))
			TH_LOG("a TO_DEVICE pin wrote to a private page");
	close(fd);
	munmap((void *)shared, page_size);
	munmap((void *)priv, page_size);
}

TEST_HARNESS_MAIN

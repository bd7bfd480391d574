// SPDX-License-Identifier: GPL-2.0
/*
 * The registration cache of DMAAPI_IOCTL_MAP_USER: a range mapped, freed
 * and mapped again by the same process is not pinned again, unless it
 * changed in between.
 *
 * What the cache did is read from the node's sysfs counters ("regcache":
 * hits, misses, invalidations, evictions, entries, pages) and the system's
 * FOLL_PIN count, never from timing; what the device sees is checked with
 * QEMU's edu device, which copies between a mapping and a coherent buffer
 * of ours: a stale pin handed out again shows as the old page's bytes.
 *
 * A kernel without MMU notifiers (CONFIG_MMU_NOTIFIER) has no cache: every
 * test skips, with one reason.
 *
 * Environment: DMAAPI_EDU (the edu device's PCI name, bound to dmaapi; found
 * in sysfs if unset), DMAAPI_EDU_MASK_BITS (28 for the stock device).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/dmaapi.h>

#include "edu.h"
#include "kselftest_harness.h"
#include "dmaapi_util.h"
#include "sys_util.h"

/* The debug kernels (KASAN, lockdep) under TCG are about 10x slower. */
#undef TEST_TIMEOUT_DEFAULT
#define TEST_TIMEOUT_DEFAULT 120

#define LIMIT_PARAM "/sys/module/dmaapi/parameters/regcache_entries"
#define NO_NOTIFIER "kernel without CONFIG_MMU_NOTIFIER: no registration cache"
#define XFER 2048	/* what one edu transfer moves here */

struct rc_stats {
	long long hits, misses, invalidations, evictions, entries, pages;
};

FIXTURE(regcache) {
	char bdf[32];
	char node[64];
	char stats[128];
	char saved_limit[16];
	struct edu edu;
	int fd;
	size_t pg;
	uint32_t coh;		/* coherent allocation, mmapped at peek */
	uint64_t coh_dma;
	uint8_t *peek;
	long long pins;		/* FOLL_PIN pages at setup */
};

/* 0 and the counters, or -1: unreadable or "unsupported" */
static int read_stats(const char *path, struct rc_stats *s)
{
	FILE *f = fopen(path, "re");
	int n;

	if (!f)
		return -1;
	n = fscanf(f, "hits=%lld misses=%lld invalidations=%lld evictions=%lld entries=%lld pages=%lld",
		   &s->hits, &s->misses, &s->invalidations, &s->evictions, &s->entries,
		   &s->pages);
	fclose(f);
	return n == 6 ? 0 : -1;
}

static int set_limit(const char *val)
{
	return write_file(LIMIT_PARAM, val);
}

FIXTURE_SETUP(regcache)
{
	const char *bdf = getenv("DMAAPI_EDU");
	struct dmaapi_alloc a;
	struct rc_stats s;
	char line[128] = "";
	FILE *f;

	self->fd = -1;
	self->pg = (size_t)sysconf(_SC_PAGESIZE);
	page_size = self->pg;
	if (bdf) {
		snprintf(self->bdf, sizeof(self->bdf), "%s", bdf);
	} else if (edu_find(self->bdf, sizeof(self->bdf))) {
		SKIP(return, "no QEMU edu device (1234:11e8) in this machine");
	}
	snprintf(self->node, sizeof(self->node), "/dev/dmaapi-%s", self->bdf);
	snprintf(self->stats, sizeof(self->stats), "/sys/class/misc/dmaapi-%s/regcache",
		 self->bdf);
	self->fd = open(self->node, O_RDWR | O_CLOEXEC);
	if (self->fd < 0 && !bdf && (errno == ENOENT || errno == ENODEV))
		SKIP(return, "edu device not bound to dmaapi");
	ASSERT_LE(0, self->fd) TH_LOG("open %s: %s", self->node, strerror(errno));

	f = fopen(self->stats, "re");
	ASSERT_NE(NULL, f) TH_LOG("%s: %s", self->stats, strerror(errno));
	if (!fgets(line, sizeof(line), f))
		line[0] = 0;
	fclose(f);
	if (!strncmp(line, "unsupported", 11)) {
		close(self->fd);
		self->fd = -1;
		SKIP(return, NO_NOTIFIER);
	}
	ASSERT_EQ(0, read_stats(self->stats, &s)) TH_LOG("%s: \"%s\"", self->stats, line);

	f = fopen(LIMIT_PARAM, "re");
	ASSERT_NE(NULL, f);
	ASSERT_NE(NULL, fgets(self->saved_limit, sizeof(self->saved_limit), f));
	fclose(f);
	ASSERT_EQ(0, set_limit("64"));

	ASSERT_EQ(0, do_set_mask(self->fd, edu_mask()));
	ASSERT_EQ(0, edu_open(&self->edu, self->bdf));
	ASSERT_EQ(0, do_alloc(self->fd, self->pg, 0, 0, DMAAPI_DIR_BIDIRECTIONAL, &a));
	self->coh = a.handle;
	self->coh_dma = a.dma_addr;
	self->peek = mmap(NULL, self->pg, PROT_READ | PROT_WRITE, MAP_SHARED, self->fd,
			  (off_t)a.mmap_offset);
	ASSERT_NE(MAP_FAILED, self->peek);
	self->pins = foll_pins();
	ASSERT_LE(0, self->pins) TH_LOG("nr_foll_pin_* not in /proc/vmstat");
}

FIXTURE_TEARDOWN_PARENT(regcache)
{
	if (self->saved_limit[0])
		write_file(LIMIT_PARAM, self->saved_limit);
	if (self->node[0] && access(self->node, F_OK))
		write_file("/sys/bus/pci/drivers_probe", self->bdf);
}

static int map(int fd, void *p, size_t len, uint32_t dir, uint32_t flags,
	       struct dmaapi_map_user *m)
{
	memset(m, 0, sizeof(*m));
	m->size = sizeof(*m);
	m->flags = flags;
	m->uaddr = (uintptr_t)p;
	m->length = len;
	m->direction = dir;
	return ioctl(fd, DMAAPI_IOCTL_MAP_USER, m);
}

/*
 * Where the first long-term pin of a page migrates it (out of CMA or
 * ZONE_MOVABLE: the ARM kernels have CMA), the new entry's own notifier
 * sees the move and the entry is stale from birth.  Pin and unpin once
 * uncached, so that the pages stay put for the test.
 */
static int settle(int fd, void *p, size_t len)
{
	struct dmaapi_map_user m;
	struct dmaapi_free f = { .size = sizeof(f) };

	if (map(fd, p, len, DMAAPI_DIR_BIDIRECTIONAL, DMAAPI_MAP_USER_NOCACHE, &m))
		return -1;
	f.handle = m.handle;
	return ioctl(fd, DMAAPI_IOCTL_FREE, &f);
}

/* Anonymous pages at a new address, written (no zero page, no COW to
 * break) and settled. */
static uint8_t *new_buf(int fd, size_t len, uint8_t val)
{
	uint8_t *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	memset(p, val, len);
	if (settle(fd, p, len)) {
		munmap(p, len);
		return NULL;
	}
	return p;
}

static bool all(const uint8_t *p, size_t n, uint8_t v)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != v)
			return false;
	return true;
}

/* The device writes @n bytes of @val through mapping @m; the CPU then owns them. */
static void device_writes(struct __test_metadata *_metadata, FIXTURE_DATA(regcache) *self,
			  const struct dmaapi_map_user *m, uint32_t n, uint8_t val)
{
	memset(self->peek, val, n);
	ASSERT_EQ(0, edu_dma_to_dev(&self->edu, self->coh_dma, 0, n));
	ASSERT_EQ(0, edu_dma_to_ram(&self->edu, m->dma_addr, 0, n));
	if (m->out_flags & DMAAPI_OUT_NEED_SYNC)
		ASSERT_EQ(0, do_sync(self->fd, m->handle, DMAAPI_SYNC_FOR_CPU, 0, n));
}

/* Does the device read @n bytes of @val through mapping @m? */
static bool device_reads(struct __test_metadata *_metadata, FIXTURE_DATA(regcache) *self,
			 const struct dmaapi_map_user *m, uint32_t n, uint8_t val)
{
	if (m->out_flags & DMAAPI_OUT_NEED_SYNC)
		EXPECT_EQ(0, do_sync(self->fd, m->handle, DMAAPI_SYNC_FOR_DEVICE, 0, n));
	memset(self->peek, 0, n);
	EXPECT_EQ(0, edu_dma_to_dev(&self->edu, m->dma_addr, 0, n));
	EXPECT_EQ(0, edu_dma_to_ram(&self->edu, self->coh_dma, 0, n));
	if (!all(self->peek, n, val)) {
		TH_LOG("the device read %#x, not %#x", self->peek[0], val);
		return false;
	}
	return true;
}

/* Map and free at once: a range for the cache. */
static void map_free(struct __test_metadata *_metadata, FIXTURE_DATA(regcache) *self, void *p,
		     size_t len, uint32_t dir)
{
	struct dmaapi_map_user m;

	ASSERT_EQ(0, map(self->fd, p, len, dir, 0, &m)) TH_LOG("MAP_USER: %s", strerror(errno));
	ASSERT_EQ(0, do_free(self->fd, m.handle));
}

/* The counters now, asserted readable. */
#define STATS(s) ASSERT_EQ(0, read_stats(self->stats, (s)))

/*
 * Wait up to 10 s for the node's cache to hold @n entries: an entry made
 * stale while idle is unpinned from a work item.
 */
static long long wait_entries(const char *path, long long n)
{
	struct rc_stats s = { .entries = -1 };

	for (int i = 0; i < 200; i++) {
		if (read_stats(path, &s) || s.entries == n)
			break;
		usleep(50000);
	}
	return s.entries;
}

static long long wait_pins(long long n)
{
	long long now = -1;

	for (int i = 0; i < 200; i++) {
		now = foll_pins();
		if (now == n)
			break;
		usleep(50000);
	}
	return now;
}

/* A repeated map takes the cached pins: a hit, no new pin, the data right. */
TEST_F(regcache, repeat_map_hits)
{
	size_t len = 2 * self->pg;
	uint8_t *buf = new_buf(self->fd, len, 1);
	struct dmaapi_map_user m;
	struct rc_stats s0, s;
	long long pins;

	ASSERT_NE(NULL, buf);
	STATS(&s0);
	ASSERT_EQ(0, map(self->fd, buf, len, DMAAPI_DIR_BIDIRECTIONAL, 0, &m));
	STATS(&s);
	EXPECT_EQ(s0.misses + 1, s.misses);
	EXPECT_EQ(s0.hits, s.hits);
	EXPECT_EQ(s0.entries + 1, s.entries);
	EXPECT_EQ(s0.pages + 2, s.pages);
	pins = foll_pins();
	EXPECT_EQ(self->pins + 2, pins);
	device_writes(_metadata, self, &m, XFER, 0xa1);
	EXPECT_TRUE(all(buf, XFER, 0xa1));
	ASSERT_EQ(0, do_free(self->fd, m.handle));
	EXPECT_EQ(pins, foll_pins()) TH_LOG("FREE unpinned: nothing cached");

	for (int round = 0; round < 3; round++) {
		ASSERT_EQ(0, map(self->fd, buf, len, DMAAPI_DIR_BIDIRECTIONAL, 0, &m));
		STATS(&s);
		EXPECT_EQ(s0.hits + 1 + round, s.hits);
		EXPECT_EQ(s0.misses + 1, s.misses);
		EXPECT_EQ(s0.entries + 1, s.entries);
		EXPECT_EQ(pins, foll_pins()) TH_LOG("a hit pinned again");
		device_writes(_metadata, self, &m, XFER, 0xb0 + round);
		EXPECT_TRUE(all(buf, XFER, 0xb0 + round));
		memset(buf, 0x40 + round, len);
		EXPECT_TRUE(device_reads(_metadata, self, &m, XFER, 0x40 + round));
		ASSERT_EQ(0, do_free(self->fd, m.handle));
	}
	munmap(buf, len);
}

/* Another length, offset or direction of the same pages is another range. */
TEST_F(regcache, other_range_misses)
{
	size_t len = 2 * self->pg;
	uint8_t *buf = new_buf(self->fd, len + self->pg, 2);
	struct dmaapi_map_user m;
	struct rc_stats s0, s;
	const struct {
		size_t off, len;
		uint32_t dir;
	} other[] = {
		{ 0, len - 64, DMAAPI_DIR_BIDIRECTIONAL },	/* same pages, shorter */
		{ 64, len - 64, DMAAPI_DIR_BIDIRECTIONAL },	/* same pages, offset */
		{ 0, len, DMAAPI_DIR_TO_DEVICE },
		{ 0, len, DMAAPI_DIR_FROM_DEVICE },
		{ 0, len + self->pg, DMAAPI_DIR_BIDIRECTIONAL },	/* a page more */
	};

	ASSERT_NE(NULL, buf);
	map_free(_metadata, self, buf, len, DMAAPI_DIR_BIDIRECTIONAL);
	STATS(&s0);
	for (size_t i = 0; i < ARRAY_SIZE(other); i++) {
		memset(buf, 0x20 + i, len + self->pg);
		ASSERT_EQ(0, map(self->fd, buf + other[i].off, other[i].len, other[i].dir, 0, &m));
		STATS(&s);
		EXPECT_EQ(s0.hits, s.hits) TH_LOG("case %zu hit", i);
		EXPECT_EQ(s0.misses + 1 + i, s.misses);
		if (other[i].dir == DMAAPI_DIR_TO_DEVICE) {
			EXPECT_TRUE(device_reads(_metadata, self, &m, XFER, 0x20 + i));
		} else {
			device_writes(_metadata, self, &m, XFER, 0x10 + i);
			EXPECT_TRUE(all(buf + other[i].off, XFER, 0x10 + i));
		}
		ASSERT_EQ(0, do_free(self->fd, m.handle));
	}
	/* the first range is still cached */
	ASSERT_EQ(0, map(self->fd, buf, len, DMAAPI_DIR_BIDIRECTIONAL, 0, &m));
	STATS(&s);
	EXPECT_EQ(s0.hits + 1, s.hits);
	EXPECT_EQ(s0.entries + ARRAY_SIZE(other), s.entries);
	ASSERT_EQ(0, do_free(self->fd, m.handle));
	munmap(buf, len + self->pg);
}

/*
 * The core property: munmap and a new page at the same address.  The old
 * page stays pinned by the cache until the notifier drops it; handed out
 * again, the device would read the old bytes.
 */
TEST_F(regcache, new_page_same_address_misses)
{
	size_t len = self->pg;
	uint8_t *buf = new_buf(self->fd, len, 0xaa), *again;
	struct dmaapi_map_user m;
	struct rc_stats s0, s;

	ASSERT_NE(NULL, buf);
	ASSERT_EQ(0, map(self->fd, buf, len, DMAAPI_DIR_TO_DEVICE, 0, &m));
	EXPECT_TRUE(device_reads(_metadata, self, &m, XFER, 0xaa));
	ASSERT_EQ(0, do_free(self->fd, m.handle));
	STATS(&s0);
	ASSERT_EQ(0, munmap(buf, len));
	again = mmap(buf, len, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	ASSERT_EQ(buf, again) TH_LOG("no new page at the old address");
	memset(buf, 0x55, len);
	EXPECT_EQ(s0.entries - 1, wait_entries(self->stats, s0.entries - 1))
		TH_LOG("the unmapped range is still cached");
	EXPECT_EQ(self->pins, wait_pins(self->pins)) TH_LOG("the old page is still pinned");
	ASSERT_EQ(0, settle(self->fd, buf, len));

	ASSERT_EQ(0, map(self->fd, buf, len, DMAAPI_DIR_TO_DEVICE, 0, &m));
	STATS(&s);
	EXPECT_EQ(s0.hits, s.hits) TH_LOG("the old page's pin was handed out");
	EXPECT_EQ(s0.misses + 2, s.misses);	/* settle()'s and this one */
	EXPECT_EQ(s0.invalidations + 1, s.invalidations);
	EXPECT_TRUE(device_reads(_metadata, self, &m, XFER, 0x55));
	ASSERT_EQ(0, do_free(self->fd, m.handle));

	/* and a new mmap over the range with no munmap first */
	STATS(&s0);
	again = mmap(buf, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
		     -1, 0);
	ASSERT_EQ(buf, again);
	memset(buf, 0x66, len);
	/* the new page may be CMA's: a migration would count once more */
	ASSERT_EQ(0, settle(self->fd, buf, len));
	ASSERT_EQ(0, map(self->fd, buf, len, DMAAPI_DIR_TO_DEVICE, 0, &m));
	STATS(&s);
	EXPECT_EQ(s0.hits, s.hits);
	EXPECT_EQ(s0.misses + 2, s.misses);	/* settle()'s and this one */
	EXPECT_EQ(s0.invalidations + 1, s.invalidations)
		TH_LOG("%lld invalidations, not one", s.invalidations - s0.invalidations);
	EXPECT_TRUE(device_reads(_metadata, self, &m, XFER, 0x66));
	ASSERT_EQ(0, do_free(self->fd, m.handle));
	munmap(buf, len);
}

/* MADV_DONTNEED drops the page; the next touch faults in a new one. */
TEST_F(regcache, dontneed_misses)
{
	size_t len = self->pg;
	uint8_t *buf = new_buf(self->fd, len, 0x31);
	struct dmaapi_map_user m;
	struct rc_stats s0, s;
	int ret;

	ASSERT_NE(NULL, buf);
	map_free(_metadata, self, buf, len, DMAAPI_DIR_BIDIRECTIONAL);
	STATS(&s0);
	ret = madvise(buf, len, MADV_DONTNEED);
	if (ret && errno == ENOSYS)
		SKIP(return, "no madvise() in this kernel (CONFIG_ADVISE_SYSCALLS)");
	ASSERT_EQ(0, ret) TH_LOG("MADV_DONTNEED: %s", strerror(errno));
	EXPECT_TRUE(all(buf, len, 0)) TH_LOG("MADV_DONTNEED kept the page");
	memset(buf, 0x32, len);
	ASSERT_EQ(0, settle(self->fd, buf, len));
	ASSERT_EQ(0, map(self->fd, buf, len, DMAAPI_DIR_BIDIRECTIONAL, 0, &m));
	STATS(&s);
	EXPECT_EQ(s0.hits, s.hits);
	EXPECT_EQ(s0.misses + 2, s.misses);	/* settle()'s and this one */
	EXPECT_EQ(s0.invalidations + 1, s.invalidations);
	EXPECT_TRUE(device_reads(_metadata, self, &m, XFER, 0x32));
	device_writes(_metadata, self, &m, XFER, 0x33);
	EXPECT_TRUE(all(buf, XFER, 0x33)) TH_LOG("the device wrote elsewhere");
	ASSERT_EQ(0, do_free(self->fd, m.handle));
	munmap(buf, len);
}

/* mremap moves the pages: the old address is gone, the new one is new. */
TEST_F(regcache, mremap_misses)
{
	size_t len = 2 * self->pg;
	uint8_t *buf = new_buf(self->fd, len, 0x41), *dst, *moved;
	struct dmaapi_map_user m;
	struct rc_stats s0, s;

	ASSERT_NE(NULL, buf);
	dst = mmap(NULL, len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, dst);
	map_free(_metadata, self, buf, len, DMAAPI_DIR_BIDIRECTIONAL);
	STATS(&s0);
	moved = mremap(buf, len, len, MREMAP_MAYMOVE | MREMAP_FIXED, dst);
	ASSERT_EQ(dst, moved);
	EXPECT_EQ(s0.entries - 1, wait_entries(self->stats, s0.entries - 1));
	STATS(&s);
	EXPECT_EQ(s0.invalidations + 1, s.invalidations);
	/* the moved pages at their new address: a new range */
	ASSERT_EQ(0, map(self->fd, moved, len, DMAAPI_DIR_BIDIRECTIONAL, 0, &m));
	STATS(&s);
	EXPECT_EQ(s0.hits, s.hits);
	EXPECT_EQ(s0.misses + 1, s.misses);
	EXPECT_TRUE(device_reads(_metadata, self, &m, XFER, 0x41));
	ASSERT_EQ(0, do_free(self->fd, m.handle));
	/* and a new page at the old address */
	buf = mmap(buf, len, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	ASSERT_NE(MAP_FAILED, buf);
	memset(buf, 0x42, len);
	ASSERT_EQ(0, map(self->fd, buf, len, DMAAPI_DIR_BIDIRECTIONAL, 0, &m));
	STATS(&s);
	EXPECT_EQ(s0.hits, s.hits);
	EXPECT_TRUE(device_reads(_metadata, self, &m, XFER, 0x42));
	ASSERT_EQ(0, do_free(self->fd, m.handle));
	munmap(buf, len);
	munmap(moved, len);
}

/*
 * A forked child sharing the file is another mm: it never takes the
 * parent's pins; the parent's entry survives the fork.
 */
TEST_F(regcache, fork_child_misses)
{
	size_t len = self->pg;
	uint8_t *buf = new_buf(self->fd, len, 0x51);
	struct dmaapi_map_user m;
	struct rc_stats s0, s;
	int status;
	pid_t pid;

	ASSERT_NE(NULL, buf);
	map_free(_metadata, self, buf, len, DMAAPI_DIR_BIDIRECTIONAL);
	STATS(&s0);
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		struct rc_stats c;

		/* the child's copy of the page, written: its own */
		memset(buf, 0x52, len);
		if (map(self->fd, buf, len, DMAAPI_DIR_BIDIRECTIONAL, 0, &m))
			_exit(1);
		if (read_stats(self->stats, &c) || c.hits != s0.hits || c.misses != s0.misses + 1)
			_exit(2);
		if (!device_reads(_metadata, self, &m, XFER, 0x52))
			_exit(3);
		if (do_free(self->fd, m.handle))
			_exit(4);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status)) TH_LOG("child: 1 map, 2 counters, 3 data, 4 free");
	/* the child's entry goes with its mm */
	EXPECT_EQ(s0.entries, wait_entries(self->stats, s0.entries));

	ASSERT_EQ(0, map(self->fd, buf, len, DMAAPI_DIR_BIDIRECTIONAL, 0, &m));
	STATS(&s);
	EXPECT_EQ(s0.hits + 1, s.hits) TH_LOG("the fork invalidated the parent's entry");
	EXPECT_EQ(s0.misses + 1, s.misses);
	EXPECT_TRUE(device_reads(_metadata, self, &m, XFER, 0x51));
	device_writes(_metadata, self, &m, XFER, 0x53);
	EXPECT_TRUE(all(buf, XFER, 0x53));
	ASSERT_EQ(0, do_free(self->fd, m.handle));
	munmap(buf, len);
}

/* DMAAPI_MAP_USER_NOCACHE pins anew and unpins at FREE. */
TEST_F(regcache, nocache_flag)
{
	size_t len = self->pg;
	uint8_t *buf = new_buf(self->fd, len, 0x61);
	struct dmaapi_map_user m;
	struct rc_stats s0, s;

	ASSERT_NE(NULL, buf);
	STATS(&s0);
	for (int i = 0; i < 2; i++) {
		ASSERT_EQ(0, map(self->fd, buf, len, DMAAPI_DIR_BIDIRECTIONAL,
				 DMAAPI_MAP_USER_NOCACHE, &m));
		STATS(&s);
		EXPECT_EQ(s0.hits, s.hits);
		EXPECT_EQ(s0.misses + 1 + i, s.misses);
		EXPECT_EQ(s0.entries, s.entries);
		EXPECT_EQ(self->pins + 1, foll_pins());
		device_writes(_metadata, self, &m, XFER, 0x62 + i);
		EXPECT_TRUE(all(buf, XFER, 0x62 + i));
		ASSERT_EQ(0, do_free(self->fd, m.handle));
		EXPECT_EQ(self->pins, foll_pins()) TH_LOG("a NOCACHE mapping's pin was kept");
	}
	/* nor does it take a cached range's pins */
	map_free(_metadata, self, buf, len, DMAAPI_DIR_BIDIRECTIONAL);
	STATS(&s0);
	ASSERT_EQ(0, map(self->fd, buf, len, DMAAPI_DIR_BIDIRECTIONAL, DMAAPI_MAP_USER_NOCACHE,
			 &m));
	STATS(&s);
	EXPECT_EQ(s0.hits, s.hits);
	EXPECT_EQ(self->pins + 2, foll_pins());
	ASSERT_EQ(0, do_free(self->fd, m.handle));
	munmap(buf, len);
}

/* regcache_entries=0: no cache. */
TEST_F(regcache, limit_zero_disables)
{
	size_t len = self->pg;
	uint8_t *buf = new_buf(self->fd, len, 0x71);
	struct dmaapi_map_user m;
	struct rc_stats s0, s;

	ASSERT_NE(NULL, buf);
	ASSERT_EQ(0, set_limit("0"));
	STATS(&s0);
	for (int i = 0; i < 3; i++) {
		ASSERT_EQ(0, map(self->fd, buf, len, DMAAPI_DIR_BIDIRECTIONAL, 0, &m));
		STATS(&s);
		EXPECT_EQ(s0.hits, s.hits);
		EXPECT_EQ(s0.misses + 1 + i, s.misses);
		EXPECT_EQ(s0.entries, s.entries);
		device_writes(_metadata, self, &m, XFER, 0x72 + i);
		EXPECT_TRUE(all(buf, XFER, 0x72 + i));
		ASSERT_EQ(0, do_free(self->fd, m.handle));
		EXPECT_EQ(self->pins, foll_pins());
	}
	munmap(buf, len);
}

/* At the limit the least recently freed idle range goes. */
TEST_F(regcache, lru_eviction)
{
	size_t len = self->pg;
	uint8_t *buf = new_buf(self->fd, 3 * len, 0x81);
	uint8_t *r[3] = { buf, buf + len, buf + 2 * len };
	struct dmaapi_map_user m;
	struct rc_stats s0, s;

	ASSERT_NE(NULL, buf);
	ASSERT_EQ(0, set_limit("2"));
	STATS(&s0);
	for (int i = 0; i < 3; i++) {
		ASSERT_EQ(0, map(self->fd, r[i], len, DMAAPI_DIR_BIDIRECTIONAL, 0, &m));
		ASSERT_EQ(0, do_free(self->fd, m.handle));
	}
	STATS(&s);
	EXPECT_EQ(s0.misses + 3, s.misses);
	EXPECT_EQ(s0.evictions + 1, s.evictions);
	EXPECT_EQ(s0.entries + 2, s.entries);
	EXPECT_EQ(self->pins + 2, foll_pins());
	/* r[0], the oldest, went; r[1] and r[2] are there */
	map_free(_metadata, self, r[2], len, DMAAPI_DIR_BIDIRECTIONAL);
	STATS(&s);
	EXPECT_EQ(s0.hits + 1, s.hits);
	/* r[2] is the most recent now: r[0] pushes r[1] out */
	ASSERT_EQ(0, map(self->fd, r[0], len, DMAAPI_DIR_BIDIRECTIONAL, 0, &m));
	STATS(&s);
	EXPECT_EQ(s0.hits + 1, s.hits);
	EXPECT_EQ(s0.misses + 4, s.misses);
	EXPECT_EQ(s0.evictions + 2, s.evictions);
	device_writes(_metadata, self, &m, XFER, 0x82);
	EXPECT_TRUE(all(r[0], XFER, 0x82));
	ASSERT_EQ(0, do_free(self->fd, m.handle));
	map_free(_metadata, self, r[2], len, DMAAPI_DIR_BIDIRECTIONAL);
	map_free(_metadata, self, r[1], len, DMAAPI_DIR_BIDIRECTIONAL);
	STATS(&s);
	EXPECT_EQ(s0.hits + 2, s.hits) TH_LOG("r[2] kept, r[1] evicted");
	EXPECT_EQ(s0.misses + 5, s.misses);
	EXPECT_EQ(s0.entries + 2, s.entries);
	munmap(buf, 3 * len);
}

/*
 * Cached pins stay charged to RLIMIT_MEMLOCK, and a pin that would pass it
 * unpins idle cached ranges first, oldest first; pins in use never go.
 * (The harness runs each test in a process of its own: the limit and the
 * capability stay here.)
 */
TEST_F(regcache, pin_limit_evicts_cached)
{
	size_t pg = self->pg;
	uint8_t *buf = new_buf(self->fd, 32 * pg, 0x91);
	uint8_t *a = buf, *b = buf + 8 * pg, *c = buf + 16 * pg, *d = buf + 24 * pg;
	struct dmaapi_map_user m, mb, md;
	struct rc_stats s0, s;

	ASSERT_NE(NULL, buf);
	ASSERT_EQ(0, restrict_pins_to(16 * pg));
	STATS(&s0);
	map_free(_metadata, self, a, 8 * pg, DMAAPI_DIR_BIDIRECTIONAL);
	ASSERT_EQ(0, map(self->fd, b, 8 * pg, DMAAPI_DIR_BIDIRECTIONAL, 0, &mb));
	/* 16 charged, a idle, b in use: c needs a's room */
	ASSERT_EQ(0, map(self->fd, c, 8 * pg, DMAAPI_DIR_BIDIRECTIONAL, 0, &m))
		TH_LOG("the cached pins were not given up: %s", strerror(errno));
	STATS(&s);
	EXPECT_EQ(s0.evictions + 1, s.evictions);
	EXPECT_EQ(self->pins + 16, foll_pins());
	device_writes(_metadata, self, &m, XFER, 0x92);
	EXPECT_TRUE(all(c, XFER, 0x92));
	/* b and c in use, nothing idle: over the limit */
	EXPECT_ERRNO(EPERM, map(self->fd, d, pg, DMAAPI_DIR_BIDIRECTIONAL, 0, &md));
	STATS(&s);
	EXPECT_EQ(s0.evictions + 1, s.evictions);
	/* b freed before c: a, evicted, comes back in b's room */
	ASSERT_EQ(0, do_free(self->fd, mb.handle));
	ASSERT_EQ(0, do_free(self->fd, m.handle));
	EXPECT_EQ(self->pins + 16, foll_pins());
	map_free(_metadata, self, a, 8 * pg, DMAAPI_DIR_BIDIRECTIONAL);
	STATS(&s);
	EXPECT_EQ(s0.evictions + 2, s.evictions);
	/* a, b, c, d (refused: a miss all the same) and a */
	EXPECT_EQ(s0.misses + 5, s.misses);
	EXPECT_EQ(self->pins + 16, foll_pins());
	/* c stayed */
	map_free(_metadata, self, c, 8 * pg, DMAAPI_DIR_BIDIRECTIONAL);
	STATS(&s);
	EXPECT_EQ(s0.hits + 1, s.hits) TH_LOG("b was evicted before c, freed earlier");
	EXPECT_EQ(s0.misses + 5, s.misses);
	munmap(buf, 32 * pg);
}

/* close() unpins and uncharges every cached range. */
TEST_F(regcache, close_drops_everything)
{
	size_t len = 4 * self->pg;
	uint8_t *buf = new_buf(self->fd, len, 0xa1);
	struct dmaapi_map_user m, live;
	struct rc_stats s0, s;
	int fd2 = open(self->node, O_RDWR | O_CLOEXEC);

	ASSERT_NE(NULL, buf);
	ASSERT_LE(0, fd2);
	ASSERT_EQ(0, do_set_mask(fd2, edu_mask()));
	STATS(&s0);
	for (int i = 0; i < 4; i++) {
		ASSERT_EQ(0, map(fd2, buf + i * self->pg, self->pg, DMAAPI_DIR_BIDIRECTIONAL, 0, &m));
		ASSERT_EQ(0, do_free(fd2, m.handle));
	}
	/* one in use at close, a hit of a cached one */
	ASSERT_EQ(0, map(fd2, buf, self->pg, DMAAPI_DIR_BIDIRECTIONAL, 0, &live));
	STATS(&s);
	EXPECT_EQ(s0.entries + 4, s.entries);
	EXPECT_EQ(s0.pages + 4, s.pages);
	EXPECT_EQ(s0.hits + 1, s.hits);
	EXPECT_EQ(self->pins + 4, foll_pins());
	ASSERT_EQ(0, close(fd2));
	STATS(&s);
	EXPECT_EQ(s0.entries, s.entries);
	EXPECT_EQ(s0.pages, s.pages);
	EXPECT_EQ(self->pins, wait_pins(self->pins)) TH_LOG("close left pages pinned");
	/* the charge went too: the whole limit is free again */
	ASSERT_EQ(0, restrict_pins_to(4 * self->pg));
	ASSERT_EQ(0, map(self->fd, buf, len, DMAAPI_DIR_BIDIRECTIONAL, 0, &m))
		TH_LOG("close left pins charged: %s", strerror(errno));
	ASSERT_EQ(0, do_free(self->fd, m.handle));
	munmap(buf, len);
}

/* Unbinding the device with cached ranges (idle and in use) unpins them all. */
TEST_F(regcache, unbind_with_cached_entries)
{
	size_t len = self->pg;
	uint8_t *buf = new_buf(self->fd, 2 * len, 0xb1);
	struct dmaapi_map_user m, live;

	if (!getenv("DMAAPI_EDU"))
		SKIP(return, "DMAAPI_EDU not set: the runner did not bind the device for us");
	ASSERT_NE(NULL, buf);
	map_free(_metadata, self, buf, len, DMAAPI_DIR_BIDIRECTIONAL);
	ASSERT_EQ(0, map(self->fd, buf + len, len, DMAAPI_DIR_BIDIRECTIONAL, 0, &live));
	ASSERT_EQ(0, do_free(self->fd, live.handle));
	ASSERT_EQ(0, map(self->fd, buf + len, len, DMAAPI_DIR_BIDIRECTIONAL, 0, &live));
	EXPECT_EQ(self->pins + 2, foll_pins());

	ASSERT_EQ(0, write_file("/sys/bus/pci/drivers/dmaapi/unbind", self->bdf));
	EXPECT_EQ(self->pins, wait_pins(self->pins)) TH_LOG("unbind left cached pages pinned");
	EXPECT_ERRNO(ENODEV, map(self->fd, buf, len, DMAAPI_DIR_BIDIRECTIONAL, 0, &m));
	EXPECT_EQ(self->pins, foll_pins());
	/* the live handle is still ours to free */
	EXPECT_EQ(0, do_free(self->fd, live.handle));
	EXPECT_EQ(0xb1, buf[len]);
	munmap(self->peek, self->pg);
	self->peek = NULL;
	close(self->fd);
	self->fd = -1;
	edu_close(&self->edu);
	ASSERT_EQ(0, write_file("/sys/bus/pci/drivers_probe", self->bdf));
	ASSERT_EQ(0, access(self->node, F_OK)) TH_LOG("no rebind");
	munmap(buf, 2 * len);
}

/* Two mappings of one cached range at once: both work, one entry, one pin. */
TEST_F(regcache, two_mappings_at_once)
{
	size_t len = self->pg;
	uint8_t *buf = new_buf(self->fd, len, 0xc1);
	struct dmaapi_map_user m1, m2, m;
	struct rc_stats s0, s;

	ASSERT_NE(NULL, buf);
	map_free(_metadata, self, buf, len, DMAAPI_DIR_BIDIRECTIONAL);
	STATS(&s0);
	ASSERT_EQ(0, map(self->fd, buf, len, DMAAPI_DIR_BIDIRECTIONAL, 0, &m1));
	ASSERT_EQ(0, map(self->fd, buf, len, DMAAPI_DIR_BIDIRECTIONAL, 0, &m2));
	STATS(&s);
	EXPECT_EQ(s0.hits + 2, s.hits);
	EXPECT_EQ(s0.misses, s.misses);
	EXPECT_EQ(s0.entries, s.entries);
	EXPECT_EQ(self->pins + 1, foll_pins());
	/* the DMA API never sees two overlapping streaming mappings */
	EXPECT_TRUE(m2.out_flags & DMAAPI_OUT_BOUNCED);
	device_writes(_metadata, self, &m1, XFER, 0xc2);
	EXPECT_TRUE(all(buf, XFER, 0xc2));
	device_writes(_metadata, self, &m2, XFER, 0xc3);
	EXPECT_TRUE(all(buf, XFER, 0xc3));
	memset(buf, 0xc4, len);
	EXPECT_TRUE(device_reads(_metadata, self, &m1, XFER, 0xc4));
	EXPECT_TRUE(device_reads(_metadata, self, &m2, XFER, 0xc4));
	/* the first freed, the second still works */
	ASSERT_EQ(0, do_free(self->fd, m1.handle));
	EXPECT_EQ(self->pins + 1, foll_pins());
	device_writes(_metadata, self, &m2, XFER, 0xc5);
	EXPECT_TRUE(all(buf, XFER, 0xc5));
	ASSERT_EQ(0, do_free(self->fd, m2.handle));
	EXPECT_EQ(self->pins + 1, foll_pins());
	/* and the range is cached still */
	ASSERT_EQ(0, map(self->fd, buf, len, DMAAPI_DIR_BIDIRECTIONAL, 0, &m));
	STATS(&s);
	EXPECT_EQ(s0.hits + 3, s.hits);
	device_writes(_metadata, self, &m, XFER, 0xc6);
	EXPECT_TRUE(all(buf, XFER, 0xc6));
	ASSERT_EQ(0, do_free(self->fd, m.handle));
	munmap(buf, len);
}

TEST_HARNESS_MAIN

// SPDX-License-Identifier: GPL-2.0
/*
 * DMAAPI_IOCTL_SYNCV, the vectored sync, and the lock-free sync path, with
 * QEMU's edu device as the witness of what was synced.
 *
 * Every test syncs a mapping that dmaapi bounces through its own coherent
 * buffer on every machine: the second MAP_USER of a page that a first one
 * maps already (dmaapi never lets two streaming mappings overlap).  Its
 * syncs copy between the user pages and the bounce buffer, the device reads
 * and writes only the bounce buffer, so the device sees exactly the ranges
 * a sync copied: a range left out, or one synced although the call failed,
 * shows.
 *
 * Environment: DMAAPI_EDU (the edu device's PCI name, bound to dmaapi; found
 * in sysfs if unset), DMAAPI_EDU_MASK_BITS (28 for the stock device).
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <linux/dmaapi.h>
#include <dmaapi.h>

#include "edu.h"
#include "kselftest_harness.h"

#undef TEST_TIMEOUT_DEFAULT
#define TEST_TIMEOUT_DEFAULT 120

#define PAGES 2
#define PEEK 2048	/* the coherent buffer the device's buffer is read into */

FIXTURE(syncv) {
	struct edu edu;
	int fd;
	size_t page;
	uint8_t *buf;		/* PAGES user pages */
	uint32_t first;		/* the direct (or IOMMU) mapping of buf */
	uint32_t handle;	/* the bounced mapping of buf */
	uint64_t dma;
	uint32_t coh;		/* coherent allocation, mmapped at peek */
	uint64_t coh_dma;
	uint8_t *peek;
};

static int map_user(int fd, void *p, uint64_t len, uint32_t dir, struct dmaapi_map_user *m)
{
	memset(m, 0, sizeof(*m));
	m->size = sizeof(*m);
	m->uaddr = (uintptr_t)p;
	m->length = len;
	m->direction = dir;
	return ioctl(fd, DMAAPI_IOCTL_MAP_USER, m);
}

static int do_free(int fd, uint32_t handle)
{
	struct dmaapi_free f = { .size = sizeof(f), .handle = handle };

	return ioctl(fd, DMAAPI_IOCTL_FREE, &f);
}

static int syncv(int fd, const struct dmaapi_sync_range *r, uint32_t n, uint32_t *error_index)
{
	struct dmaapi_syncv v = {
		.size = sizeof(v),
		.count = n,
		.error_index = 0xdeadbeef,
		.ranges = (uintptr_t)r,
	};
	int ret = ioctl(fd, DMAAPI_IOCTL_SYNCV, &v);

	if (error_index)
		*error_index = v.error_index;
	return ret;
}

FIXTURE_SETUP(syncv)
{
	const char *bdf = getenv("DMAAPI_EDU");
	struct dmaapi_set_mask sm = { .size = sizeof(sm) };
	struct dmaapi_alloc a = { .size = sizeof(a) };
	struct dmaapi_map_user m;
	char found[32], path[64];
	bool told = bdf;

	if (!bdf) {
		if (edu_find(found, sizeof(found)))
			SKIP(return, "no QEMU edu device (1234:11e8) in this machine");
		bdf = found;
	}
	snprintf(path, sizeof(path), "/dev/dmaapi-%s", bdf);
	self->fd = open(path, O_RDWR | O_CLOEXEC);
	if (self->fd < 0 && !told && (errno == ENOENT || errno == ENODEV))
		SKIP(return, "edu device not bound to dmaapi");
	ASSERT_LE(0, self->fd) TH_LOG("open %s: %s", path, strerror(errno));
	sm.mask = (1ULL << edu_mask_bits()) - 1;
	ASSERT_EQ(0, ioctl(self->fd, DMAAPI_IOCTL_SET_MASK, &sm));
	ASSERT_EQ(0, edu_open(&self->edu, bdf));

	self->page = (size_t)sysconf(_SC_PAGESIZE);
	self->buf = mmap(NULL, PAGES * self->page, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	ASSERT_NE(MAP_FAILED, self->buf);
	memset(self->buf, 0x11, PAGES * self->page);
	ASSERT_EQ(0, map_user(self->fd, self->buf, PAGES * self->page, DMAAPI_DIR_BIDIRECTIONAL,
			      &m)) TH_LOG("MAP_USER: %s", strerror(errno));
	self->first = m.handle;
	ASSERT_EQ(0, map_user(self->fd, self->buf, PAGES * self->page, DMAAPI_DIR_BIDIRECTIONAL,
			      &m)) TH_LOG("MAP_USER again: %s", strerror(errno));
	ASSERT_TRUE(m.out_flags & DMAAPI_OUT_BOUNCED) TH_LOG("the overlapping map is not bounced");
	self->handle = m.handle;
	self->dma = m.dma_addr;

	a.length = self->page;
	a.direction = DMAAPI_DIR_BIDIRECTIONAL;
	ASSERT_EQ(0, ioctl(self->fd, DMAAPI_IOCTL_ALLOC, &a));
	self->coh = a.handle;
	self->coh_dma = a.dma_addr;
	self->peek = mmap(NULL, self->page, PROT_READ | PROT_WRITE, MAP_SHARED, self->fd,
			  (off_t)a.mmap_offset);
	ASSERT_NE(MAP_FAILED, self->peek);
}

FIXTURE_TEARDOWN(syncv)
{
	if (self->fd < 0)
		return;
	if (self->peek && self->peek != MAP_FAILED)
		munmap(self->peek, self->page);
	close(self->fd);
	edu_close(&self->edu);
	if (self->buf && self->buf != MAP_FAILED)
		munmap(self->buf, PAGES * self->page);
}

/* What the device reads at DMA address @dma: @n bytes. */
static void device_reads_at(struct __test_metadata *_metadata, FIXTURE_DATA(syncv) *self,
			    uint64_t dma, uint32_t n, uint8_t *out)
{
	ASSERT_EQ(0, edu_dma_to_dev(&self->edu, dma, 0, n));
	memset(self->peek, 0, n);
	ASSERT_EQ(0, edu_dma_to_ram(&self->edu, self->coh_dma, 0, n));
	memcpy(out, self->peek, n);
}

/* What the device reads at offset @off of the bounced mapping: @n bytes. */
static void device_reads(struct __test_metadata *_metadata, FIXTURE_DATA(syncv) *self,
			 uint64_t off, uint32_t n, uint8_t *out)
{
	ASSERT_EQ(0, edu_dma_to_dev(&self->edu, self->dma + off, 0, n));
	memset(self->peek, 0, n);
	ASSERT_EQ(0, edu_dma_to_ram(&self->edu, self->coh_dma, 0, n));
	memcpy(out, self->peek, n);
}

/* The device writes @n bytes of @val at offset @off of the bounced mapping. */
static void device_writes(struct __test_metadata *_metadata, FIXTURE_DATA(syncv) *self,
			  uint64_t off, uint32_t n, uint8_t val)
{
	memset(self->peek, val, n);
	ASSERT_EQ(0, edu_dma_to_dev(&self->edu, self->coh_dma, 0, n));
	ASSERT_EQ(0, edu_dma_to_ram(&self->edu, self->dma + off, 0, n));
}

static bool all(const uint8_t *p, size_t n, uint8_t v)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != v)
			return false;
	return true;
}

/* Three ranges, two pages, one call: each reaches the device, the gaps do not. */
TEST_F(syncv, ranges_reach_the_device)
{
	uint64_t pg = self->page;
	struct dmaapi_sync_range r[3] = {
		{ self->handle, DMAAPI_SYNC_FOR_DEVICE, 0, 64 },
		{ self->handle, DMAAPI_SYNC_FOR_DEVICE, 256, 128 },
		{ self->handle, DMAAPI_SYNC_FOR_DEVICE, pg + 100, 500 },
	};
	uint8_t got[PEEK];
	uint32_t idx;

	memset(self->buf, 0x22, 2 * pg);
	ASSERT_EQ(0, syncv(self->fd, r, 3, &idx)) TH_LOG("SYNCV: %s", strerror(errno));
	EXPECT_EQ(3, idx);

	device_reads(_metadata, self, 0, 1024, got);
	EXPECT_TRUE(all(got, 64, 0x22));
	EXPECT_TRUE(all(got + 64, 192, 0x11)) TH_LOG("a gap was synced");
	EXPECT_TRUE(all(got + 256, 128, 0x22));
	EXPECT_TRUE(all(got + 384, 1024 - 384, 0x11));
	device_reads(_metadata, self, pg, 1024, got);
	EXPECT_TRUE(all(got, 100, 0x11));
	EXPECT_TRUE(all(got + 100, 500, 0x22)) TH_LOG("the third range was not synced");
	EXPECT_TRUE(all(got + 600, 1024 - 600, 0x11));
}

/* FOR_CPU ranges of one call, and a mix of directions on two handles. */
TEST_F(syncv, for_cpu_and_mixed)
{
	uint64_t pg = self->page;
	struct dmaapi_sync_range r[2] = {
		{ self->handle, DMAAPI_SYNC_FOR_CPU, 0, 32 },
		{ self->handle, DMAAPI_SYNC_FOR_CPU, pg, 32 },
	};
	struct dmaapi_sync_range mixed[2] = {
		{ self->coh, DMAAPI_SYNC_FOR_DEVICE, 0, 64 },	/* coherent: a no-op */
		{ self->handle, DMAAPI_SYNC_FOR_CPU, 64, 16 },
	};

	device_writes(_metadata, self, 0, 128, 0x33);
	device_writes(_metadata, self, pg, 128, 0x44);
	ASSERT_EQ(0, syncv(self->fd, r, 2, NULL));
	EXPECT_TRUE(all(self->buf, 32, 0x33));
	EXPECT_TRUE(all(self->buf + 32, 96, 0x11)) TH_LOG("past the range was synced");
	EXPECT_TRUE(all(self->buf + pg, 32, 0x44));
	EXPECT_TRUE(all(self->buf + pg + 32, 96, 0x11));

	ASSERT_EQ(0, syncv(self->fd, mixed, 2, NULL));
	EXPECT_TRUE(all(self->buf + 64, 16, 0x33));
	EXPECT_TRUE(all(self->buf + 80, 48, 0x11));
}

/* A bad range anywhere: nothing is synced, and the index names it. */
TEST_F(syncv, bad_range_syncs_nothing)
{
	uint64_t pg = self->page;
	struct dmaapi_sync_range r[3] = {
		{ self->handle, DMAAPI_SYNC_FOR_DEVICE, 0, 64 },
		{ self->handle, DMAAPI_SYNC_FOR_DEVICE, 128, 64 },
		{ self->handle, DMAAPI_SYNC_FOR_DEVICE, 2 * pg - 8, 16 },	/* past the end */
	};
	uint8_t got[256];
	uint32_t idx;

	memset(self->buf, 0x55, 2 * pg);
	EXPECT_EQ(-1, syncv(self->fd, r, 3, &idx));
	EXPECT_EQ(EOVERFLOW, errno);
	EXPECT_EQ(2, idx);
	device_reads(_metadata, self, 0, sizeof(got), got);
	EXPECT_TRUE(all(got, sizeof(got), 0x11)) TH_LOG("a range was synced before the bad one");

	r[2] = (struct dmaapi_sync_range){ self->handle + 1000, DMAAPI_SYNC_FOR_DEVICE, 0, 8 };
	EXPECT_EQ(-1, syncv(self->fd, r, 3, &idx));
	EXPECT_EQ(ENOENT, errno);
	EXPECT_EQ(2, idx);
	r[2] = (struct dmaapi_sync_range){ 0, DMAAPI_SYNC_FOR_DEVICE, 0, 8 };
	EXPECT_EQ(-1, syncv(self->fd, r, 3, &idx));
	EXPECT_EQ(ENOENT, errno);
	r[1].flags = DMAAPI_SYNC_FOR_CPU | DMAAPI_SYNC_FOR_DEVICE;
	EXPECT_EQ(-1, syncv(self->fd, r, 3, &idx));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(1, idx);
	r[1].flags = 1U << 7;
	EXPECT_EQ(-1, syncv(self->fd, r, 3, &idx));
	EXPECT_EQ(EOPNOTSUPP, errno);
	EXPECT_EQ(1, idx);
	r[1].flags = DMAAPI_SYNC_FOR_DEVICE;
	r[1].length = 0;
	EXPECT_EQ(-1, syncv(self->fd, r, 3, &idx));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(1, idx);
	r[0].offset = UINT64_MAX - 4;	/* offset + length wraps */
	EXPECT_EQ(-1, syncv(self->fd, r, 3, &idx));
	EXPECT_EQ(EOVERFLOW, errno);
	EXPECT_EQ(0, idx);
	/* none of the failed calls synced anything */
	device_reads(_metadata, self, 0, sizeof(got), got);
	EXPECT_TRUE(all(got, sizeof(got), 0x11));
}

/* The call's own errors: index = count. */
TEST_F(syncv, call_errors)
{
	struct dmaapi_sync_range r[DMAAPI_SYNCV_MAX + 1];
	struct dmaapi_syncv v = { .size = sizeof(v), .count = 1, .ranges = (uintptr_t)r };
	uint32_t idx;

	for (unsigned int i = 0; i <= DMAAPI_SYNCV_MAX; i++)
		r[i] = (struct dmaapi_sync_range){ self->handle, DMAAPI_SYNC_FOR_CPU, i, 1 };
	EXPECT_EQ(-1, syncv(self->fd, r, 0, &idx));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(0, idx);
	EXPECT_EQ(-1, syncv(self->fd, r, DMAAPI_SYNCV_MAX + 1, &idx));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(DMAAPI_SYNCV_MAX + 1, idx);
	/* the most there may be, from the heap path */
	EXPECT_EQ(0, syncv(self->fd, r, DMAAPI_SYNCV_MAX, &idx));
	EXPECT_EQ(DMAAPI_SYNCV_MAX, idx);
	EXPECT_EQ(-1, syncv(self->fd, NULL, 2, &idx));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(2, idx);
	v.flags = 1;
	EXPECT_EQ(-1, ioctl(self->fd, DMAAPI_IOCTL_SYNCV, &v));
	EXPECT_EQ(EOPNOTSUPP, errno);
	/* too short a struct: no ranges field */
	v.flags = 0;
	v.size = 16;
	EXPECT_EQ(-1, ioctl(self->fd, DMAAPI_IOCTL_SYNCV, &v));
	EXPECT_EQ(EINVAL, errno);
	/* a freed handle */
	ASSERT_EQ(0, do_free(self->fd, self->first));
	r[0].handle = self->first;
	EXPECT_EQ(-1, syncv(self->fd, r, 1, &idx));
	EXPECT_EQ(ENOENT, errno);
}

/*
 * The library's dmaapi_map_sync_ranges() on a mapped array of the same
 * pages (bounced too, through another file of the node): its ranges reach
 * the device and come back, the rest does not.
 */
TEST_F(syncv, library_sync_ranges)
{
	const char *bdf = getenv("DMAAPI_EDU");
	uint64_t pg = self->page;
	struct dmaapi_device *dev;
	struct dmaapi_map *m;
	struct dmaapi_elem_range out[2] = {
		{ 0, 64, DMAAPI_RANGE_CONFIRM_WRITE },
		{ pg + 100, 50, DMAAPI_RANGE_CONFIRM_WRITE },
	};
	struct dmaapi_elem_range in[1] = { { 0, 16, DMAAPI_RANGE_PREPARE_READ } };
	char found[32];
	uint8_t got[256];
	uint64_t dma;

	if (!bdf) {
		ASSERT_EQ(0, edu_find(found, sizeof(found)));
		bdf = found;
	}
	ASSERT_EQ(0, dmaapi_device_open(bdf, (1ULL << edu_mask_bits()) - 1, &dev));
	ASSERT_EQ(0, dmaapi_map_single_array(dev, self->buf, 1, 2 * pg, 1,
					     DMAAPI_BIDIRECTIONAL, &m));
	ASSERT_TRUE(dmaapi_map_region(m)->flags & DMAAPI_REGION_BOUNCED);
	dma = dmaapi_map_dma_addr(m);

	memset(self->buf, 0x66, 2 * pg);
	ASSERT_EQ(0, dmaapi_map_sync_ranges(m, out, 2));
	device_reads_at(_metadata, self, dma, sizeof(got), got);
	EXPECT_TRUE(all(got, 64, 0x66));
	EXPECT_TRUE(all(got + 64, sizeof(got) - 64, 0x11)) TH_LOG("past the range was synced");
	device_reads_at(_metadata, self, dma + pg, sizeof(got), got);
	EXPECT_TRUE(all(got, 100, 0x11));
	EXPECT_TRUE(all(got + 100, 50, 0x66)) TH_LOG("the second range was not synced");
	EXPECT_TRUE(all(got + 150, sizeof(got) - 150, 0x11));

	memset(self->peek, 0x77, 128);
	ASSERT_EQ(0, edu_dma_to_dev(&self->edu, self->coh_dma, 0, 128));
	ASSERT_EQ(0, edu_dma_to_ram(&self->edu, dma, 0, 128));
	ASSERT_EQ(0, dmaapi_map_sync_ranges(m, in, 1));
	EXPECT_TRUE(all(self->buf, 16, 0x77));
	EXPECT_TRUE(all(self->buf + 16, 112, 0x66));

	/* checked before anything is synced: the first range does not move */
	out[1].first = 2 * pg - 10;
	out[1].count = 20;
	memset(self->buf, 0x88, 64);
	EXPECT_EQ(-DMAAPI_ERR_INDEX, dmaapi_map_sync_ranges(m, out, 2));
	device_reads_at(_metadata, self, dma, 64, got);
	EXPECT_TRUE(all(got, 64, 0x77)) TH_LOG("the CPU's 0x88 reached the device");
	dmaapi_map_free(m);
	dmaapi_device_close(dev);
}

/*
 * Threads sync the bounced mapping without pause while the main thread
 * frees it: every sync either completes (0) or finds no handle (ENOENT),
 * and after FREE no sync succeeds.  Under KASAN a sync that outlived the
 * mapping's bounce buffer or its struct would be reported.
 */
struct hammer {
	int fd;
	uint32_t handle;
	volatile bool stop;
	volatile bool freed;
	unsigned long ok, gone, after_free, other;
	int other_errno;
};

static void *hammer_fn(void *arg)
{
	struct hammer *h = arg;
	struct dmaapi_sync s = {
		.size = sizeof(s), .handle = h->handle, .offset = 0, .length = 4096,
	};
	struct dmaapi_sync_range r[2] = {
		{ h->handle, DMAAPI_SYNC_FOR_DEVICE, 0, 2048 },
		{ h->handle, DMAAPI_SYNC_FOR_CPU, 2048, 2048 },
	};
	unsigned long i = 0;

	while (!h->stop) {
		bool freed = h->freed;
		int ret;

		if (i++ & 1) {
			s.flags = (i & 2) ? DMAAPI_SYNC_FOR_CPU : DMAAPI_SYNC_FOR_DEVICE;
			ret = ioctl(h->fd, DMAAPI_IOCTL_SYNC, &s);
		} else {
			ret = syncv(h->fd, r, 2, NULL);
		}
		if (!ret) {
			__atomic_add_fetch(freed ? &h->after_free : &h->ok, 1, __ATOMIC_RELAXED);
		} else if (errno == ENOENT) {
			__atomic_add_fetch(&h->gone, 1, __ATOMIC_RELAXED);
		} else {
			__atomic_add_fetch(&h->other, 1, __ATOMIC_RELAXED);
			h->other_errno = errno;
		}
	}
	return NULL;
}

TEST_F(syncv, concurrent_syncs_and_free)
{
	struct hammer h = { .fd = self->fd };
	pthread_t t[3];
	struct dmaapi_map_user m;

	for (int round = 0; round < 20; round++) {
		ASSERT_EQ(0, map_user(self->fd, self->buf, 2 * self->page,
				      DMAAPI_DIR_BIDIRECTIONAL, &m));
		h.handle = m.handle;
		h.stop = false;
		h.freed = false;
		for (int i = 0; i < 3; i++)
			ASSERT_EQ(0, pthread_create(&t[i], NULL, hammer_fn, &h));
		usleep(2000 + round * 500);
		ASSERT_EQ(0, do_free(self->fd, m.handle));
		h.freed = true;
		usleep(2000);
		h.stop = true;
		for (int i = 0; i < 3; i++)
			pthread_join(t[i], NULL);
	}
	EXPECT_EQ(0, h.other) TH_LOG("%lu syncs failed with %s", h.other, strerror(h.other_errno));
	EXPECT_EQ(0, h.after_free) TH_LOG("%lu syncs succeeded after FREE returned", h.after_free);
	EXPECT_LT(0, h.ok);
	EXPECT_LT(0, h.gone);
}

TEST_HARNESS_MAIN

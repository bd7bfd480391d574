// SPDX-License-Identifier: GPL-2.0
/*
 * Coherency and cache maintenance, device by device: what the kernel says
 * of each device's coherency against what the firmware says, and that the
 * syncs the cache-sync rules call for really happen where the device is not
 * cache-coherent, and are elided where it is.
 *
 * DMAAPI_EXPECT_COHERENT lists the devices and what the test runner made
 * them ("default=0 edu=1 dt-coherent=1 ..."; default is /dev/dmaapi, edu
 * the bound edu device, anything else /dev/dmaapi-<name>).  DMAAPI_DT_POOL
 * ("base size") is the reserved-memory pool the dt-cma node names.
 *
 * Two witnesses of a sync: every DMAAPI_IOCTL_SYNC the library issues (this
 * program is linked with --wrap=ioctl), and, where the kernel has kprobe
 * events, the kernel's own cache maintenance, arch_sync_dma_for_device()
 * and arch_sync_dma_for_cpu(), with the physical range they cleaned (on the
 * test machines' non-IOMMU arm64 board a DMA address is the physical one).
 * A kretprobe on dma_pgprot() shows the page protection a coherent buffer's
 * user mapping gets: the kernel's coherent-DMA one (Normal non-cacheable on
 * arm64) for a non-coherent device, the ordinary cached one otherwise.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/dmaapi.h>
#include <dmaapi.h>

#include "edu.h"
#include "kprobe_sync.h"
#include "kselftest_harness.h"

/*
 * The harness gives each test 30 s.  The debug kernels (KASAN, lockdep)
 * under TCG run about 10x slower than the Debian ones, where no test here
 * takes more than a few seconds: 120 s each, more where a test says so.
 */
#undef TEST_TIMEOUT_DEFAULT
#define TEST_TIMEOUT_DEFAULT 120

/* ---- the library's SYNC ioctls ------------------------------------------ */

#define MAX_SYNCS 64

struct sync_rec {
	uint32_t flags;
	uint64_t offset, length;
};

static struct sync_rec syncs[MAX_SYNCS];
static unsigned int nsyncs;

int __real_ioctl(int fd, unsigned long req, ...);

int __wrap_ioctl(int fd, unsigned long req, ...)
{
	va_list ap;
	void *arg;

	va_start(ap, req);
	arg = va_arg(ap, void *);
	va_end(ap);
	if (req == DMAAPI_IOCTL_SYNC && arg) {
		const struct dmaapi_sync *s = arg;

		if (nsyncs < MAX_SYNCS)
			syncs[nsyncs] = (struct sync_rec){ s->flags, s->offset, s->length };
		nsyncs++;
	}
	return __real_ioctl(fd, req, arg);
}

/* Did a SYNC ioctl with @flags cover [@off, @off + @len) of the object? */
static bool ioctl_synced(uint32_t flags, uint64_t off, uint64_t len)
{
	for (unsigned int i = 0; i < nsyncs && i < MAX_SYNCS; i++)
		if (syncs[i].flags == flags && syncs[i].offset <= off &&
		    syncs[i].offset + syncs[i].length >= off + len)
			return true;
	return false;
}

/* ---- the kernel's cache maintenance, through kprobe events -------------- */

static struct kprobe_witness kw;
static bool have_sync_probes, have_pgprot_probe;

/*
 * Places the probes this kernel can take; the sync probes exist only where
 * the architecture does cache maintenance for DMA (not on x86).  Returns
 * why there are none, or NULL.
 */
static const char *probes_start(void)
{
	const char *why = kw_open(&kw, "dmaapi_sync");

	if (why)
		return why;
	have_sync_probes = !kw_add_sync_probes(&kw);
	have_pgprot_probe = !kw_add(&kw, 'r', "pgprot", "dma_pgprot", "prot=$retval:x64");
	if (kw_enable(&kw, true))
		return "cannot enable the dmaapi_sync kprobe events";
	return NULL;
}

static void probes_remove(void)
{
	kw_close(&kw);
}

static void trace_clear(void)
{
	kw_clear(&kw);
}

struct range_hit {
	uint64_t start, len;
	unsigned int covered, touched;
};

static void range_cb(void *arg, const struct kprobe_event *e)
{
	struct range_hit *r = arg;
	uint64_t paddr = e->paddr, size = e->size;

	if (paddr < r->start + r->len && paddr + size > r->start)
		r->touched++;
	if (paddr <= r->start && paddr + size >= r->start + r->len)
		r->covered++;
}

/* The kernel's cache maintenance @name ("to_dev"/"to_cpu") on [@start, +@len). */
static struct range_hit kernel_synced(const char *name, uint64_t start, uint64_t len)
{
	struct range_hit r = { .start = start, .len = len };

	kw_each(&kw, name, range_cb, &r);
	return r;
}

/* ---- the devices -------------------------------------------------------- */

struct tdev {
	char key[32];		/* as in DMAAPI_EXPECT_COHERENT */
	char name[64];		/* for dmaapi_device_open */
	bool coherent;		/* what the firmware made it */
	uint64_t mask;
};

/* Parses DMAAPI_EXPECT_COHERENT; returns the count, or -1 if it is unset. */
static int expected_devices(struct tdev *d, int max)
{
	const char *s = getenv("DMAAPI_EXPECT_COHERENT");
	char key[32];
	int n = 0, c, used;

	if (!s)
		return -1;
	while (n < max && sscanf(s, " %31[^= ]=%d%n", key, &c, &used) == 2) {
		s += used;
		snprintf(d[n].key, sizeof(d[n].key), "%s", key);
		d[n].coherent = c;
		d[n].mask = 0xffffffffULL;
		if (!strcmp(key, "default")) {
			d[n].name[0] = 0;
		} else if (!strcmp(key, "edu")) {
			if (edu_find(d[n].name, sizeof(d[n].name)))
				snprintf(d[n].name, sizeof(d[n].name), "(no edu device)");
			d[n].mask = (1ULL << edu_mask_bits()) - 1;
		} else {
			snprintf(d[n].name, sizeof(d[n].name), "%s", key);
		}
		n++;
	}
	return n;
}

#define MAX_DEVS 8

#define FOR_EACH_DEVICE(d, n)							\
	struct tdev devs[MAX_DEVS];						\
	int n = expected_devices(devs, MAX_DEVS);				\
	if (n < 0)								\
		SKIP(return, "DMAAPI_EXPECT_COHERENT is not set: the test runner says what each device is"); \
	for (struct tdev *d = devs; d < devs + n; d++)

static struct dmaapi_device *open_dev(struct __test_metadata *_metadata, const struct tdev *d)
{
	struct dmaapi_device *dev = NULL;
	int ret = dmaapi_device_open(d->name, d->mask, &dev);

	EXPECT_EQ(0, ret) TH_LOG("%s: open \"%s\": %s (errno %d)", d->key, d->name,
				 dmaapi_strerror(ret), dmaapi_last_error()->sys_errno);
	return ret ? NULL : dev;
}

/* ---- the tests ---------------------------------------------------------- */

/* GET_INFO's coherency is the firmware's: dma-coherent, or its absence. */
TEST(reports_coherency)
{
	FOR_EACH_DEVICE(d, n) {
		struct dmaapi_device *dev = open_dev(_metadata, d);
		struct dmaapi_device_info info;

		if (!dev)
			continue;
		ASSERT_EQ(0, dmaapi_device_info(dev, &info));
		EXPECT_EQ(d->coherent, !!(info.flags & DMAAPI_INFO_COHERENT))
			TH_LOG("%s reports %scoherent, the firmware made it %scoherent", d->key,
			       info.flags & DMAAPI_INFO_COHERENT ? "" : "non-", d->coherent ? "" : "non-");
		dmaapi_device_close(dev);
	}
}

/*
 * Checks one sync of [@off, @off + @len) of a region at @dma: on a
 * non-coherent device the library made the ioctl and the kernel cleaned or
 * invalidated exactly those lines; on a coherent one, where the kernel said
 * the region needs no sync, neither happened.
 */
static void check_sync(struct __test_metadata *_metadata, const struct tdev *d, const char *what,
		       const struct dmaapi_region *r, uint32_t flag, uint64_t off, uint64_t len)
{
	const char *kname = flag == DMAAPI_SYNC_FOR_DEVICE ? "to_dev" : "to_cpu";
	bool need = r->flags & DMAAPI_REGION_NEED_SYNC;
	struct range_hit k = {};

	if (have_sync_probes)
		k = kernel_synced(kname, r->dma_addr + off, len);
	if (!d->coherent) {
		EXPECT_TRUE(need) TH_LOG("%s: %s: a non-coherent device's region without NEED_SYNC",
					 d->key, what);
		EXPECT_TRUE(ioctl_synced(flag, off, len))
			TH_LOG("%s: %s: no SYNC ioctl covered [%#llx, +%#llx) (%u issued)", d->key, what,
			       (unsigned long long)off, (unsigned long long)len, nsyncs);
		if (have_sync_probes)
			EXPECT_LE(1, k.covered)
				TH_LOG("%s: %s: the kernel did no arch_sync_dma_for_%s of %#llx + %#llx",
				       d->key, what, flag == DMAAPI_SYNC_FOR_DEVICE ? "device" : "cpu",
				       (unsigned long long)(r->dma_addr + off),
				       (unsigned long long)len);
	} else {
		if (!need)
			EXPECT_EQ(0, nsyncs) TH_LOG("%s: %s: %u SYNC ioctls for a region that needs none",
						    d->key, what, nsyncs);
		EXPECT_EQ(0, k.touched) TH_LOG("%s: %s: cache maintenance on a coherent device",
					       d->key, what);
	}
}

static void reset_witnesses(void)
{
	nsyncs = 0;
	trace_clear();
}

/* A cached array syncs each element it sets or reads, for real. */
TEST(cached_array_syncs)
{
	const char *why = probes_start();

	if (why)
		TH_LOG("kernel side not observed: %s", why);
	FOR_EACH_DEVICE(d, n) {
		struct dmaapi_device *dev = open_dev(_metadata, d);
		struct dmaapi_array *a = NULL;
		uint32_t v = 0x5a5a1234;

		if (!dev)
			continue;
		ASSERT_EQ(0, DMAAPI_ARRAY_CACHED_ZERO(dev, uint32_t, 256, DMAAPI_BIDIRECTIONAL, &a));
		reset_witnesses();
		ASSERT_EQ(0, dmaapi_array_set(a, 5, &v));
		check_sync(_metadata, d, "cached array set", dmaapi_array_region(a),
			   DMAAPI_SYNC_FOR_DEVICE, 5 * 4, 4);
		reset_witnesses();
		ASSERT_EQ(0, dmaapi_array_read(a, 7, &v));
		check_sync(_metadata, d, "cached array read", dmaapi_array_region(a),
			   DMAAPI_SYNC_FOR_CPU, 7 * 4, 4);
		dmaapi_array_free(a);
		dmaapi_device_close(dev);
	}
	probes_remove();
}

/* A mapped array syncs in confirm_write_all and prepare_read_all. */
TEST(mapped_array_syncs)
{
	const char *why = probes_start();
	long page = sysconf(_SC_PAGESIZE);

	if (why)
		TH_LOG("kernel side not observed: %s", why);
	FOR_EACH_DEVICE(d, n) {
		struct dmaapi_device *dev = open_dev(_metadata, d);
		uint32_t *buf = aligned_alloc(page, page);
		struct dmaapi_map *m = NULL;

		ASSERT_NE(NULL, buf);
		if (!dev) {
			free(buf);
			continue;
		}
		memset(buf, 0x11, page);
		ASSERT_EQ(0, dmaapi_map_single_array(dev, buf, sizeof(uint32_t), 64, 4,
						     DMAAPI_BIDIRECTIONAL, &m));
		buf[3] = 0xabcdef;
		reset_witnesses();
		ASSERT_EQ(0, dmaapi_map_confirm_write_all(m));
		check_sync(_metadata, d, "confirm_write_all", dmaapi_map_region(m),
			   DMAAPI_SYNC_FOR_DEVICE, 0, 256);
		reset_witnesses();
		ASSERT_EQ(0, dmaapi_map_prepare_read_all(m));
		check_sync(_metadata, d, "prepare_read_all", dmaapi_map_region(m),
			   DMAAPI_SYNC_FOR_CPU, 0, 256);
		dmaapi_map_free(m);
		free(buf);
		dmaapi_device_close(dev);
	}
	probes_remove();
}

static void collect_prot(void *arg, const struct kprobe_event *e)
{
	uint64_t *p = arg;

	if (p[0] < 8)
		p[1 + p[0]++] = e->prot;
}

/*
 * A coherent buffer's user mapping gets the kernel's coherent-DMA page
 * protection (dma_mmap_coherent(), dma_pgprot()): on arm64 Normal
 * non-cacheable for a non-coherent device, Normal cacheable for a coherent
 * one; on x86 write-back caching.
 */
TEST(coherent_mmap_pgprot)
{
#if defined(__aarch64__)
	const uint64_t user = 1ULL << 6;			/* PTE_USER */
	const uint64_t type_mask = 7ULL << 2;			/* PTE_ATTRINDX_MASK */
	const uint64_t cached = 0ULL << 2, uncached = 2ULL << 2; /* MT_NORMAL, MT_NORMAL_NC */
#elif defined(__x86_64__)
	const uint64_t user = 1ULL << 2;			/* _PAGE_USER */
	const uint64_t type_mask = (1ULL << 3) | (1ULL << 4) | (1ULL << 7); /* PWT PCD PAT */
	const uint64_t cached = 0, uncached = 1ULL << 4;	/* WB, UC- */
#elif defined(__arm__)
	/*
	 * The Linux PTE bits of arch/arm/include/asm/pgtable-{2,3}level.h:
	 * L_PTE_USER and the L_PTE_MT_ memory type, at other places with LPAE.
	 * Cached is write-alloc (what an SMP ARMv7 kernel forces), the
	 * coherent-DMA type is bufferable (pgprot_dmacoherent: Normal
	 * non-cacheable).  A 32-bit $retval holds both: they are in the low word.
	 */
	int lpae = arm_lpae();
	const uint64_t user = lpae ? 1ULL << 6 : 1ULL << 8;	/* L_PTE_USER */
	const uint64_t type_mask = lpae ? 7ULL << 2 : 0xfULL << 2; /* L_PTE_MT_MASK */
	const uint64_t cached = 7ULL << 2, uncached = 1ULL << 2; /* WRITEALLOC, BUFFERABLE */

	if (lpae < 0)
		SKIP(return, "cannot tell an LPAE kernel from /proc/kallsyms");
#else
	const uint64_t user = 0, type_mask = 0, cached = 0, uncached = 0;

	SKIP(return, "no page-protection decoder for this architecture");
#endif
	const char *why = probes_start();

	if (why)
		SKIP(return, "%s", why);
	if (!have_pgprot_probe) {
		probes_remove();
		SKIP(return, "cannot probe dma_pgprot() in this kernel");
	}
	FOR_EACH_DEVICE(d, n) {
		struct dmaapi_device *dev = open_dev(_metadata, d);
		struct dmaapi_array *a = NULL;
		uint64_t prots[9] = {};
		unsigned int users = 0;

		if (!dev)
			continue;
		trace_clear();
		ASSERT_EQ(0, DMAAPI_ARRAY_ZERO(dev, uint8_t, 4096, DMAAPI_BIDIRECTIONAL, &a));
		kw_each(&kw, "pgprot", collect_prot, prots);
		for (unsigned int i = 0; i < prots[0]; i++) {
			uint64_t prot = prots[1 + i];

			if (!(prot & user))
				continue;	/* the kernel's own remap of the buffer */
			users++;
			EXPECT_EQ(d->coherent ? cached : uncached, prot & type_mask)
				TH_LOG("%s: user mapping of a coherent buffer: pgprot %#llx, memory type %#llx, expected %#llx (%scoherent device)",
				       d->key, (unsigned long long)prot,
				       (unsigned long long)(prot & type_mask),
				       (unsigned long long)(d->coherent ? cached : uncached),
				       d->coherent ? "" : "non-");
		}
		EXPECT_EQ(1, users) TH_LOG("%s: %u user mappings went through dma_pgprot()", d->key,
					   users);
		dmaapi_array_free(a);
		dmaapi_device_close(dev);
	}
	probes_remove();
}

/*
 * What the test holds every device read to: the bytes it reads were written
 * back by a sync for the device since the CPU wrote them, as seen by the
 * library's ioctls and, where observable, the kernel's cache clean.
 */
static bool device_may_read(const struct dmaapi_region *r, uint64_t off, uint64_t len)
{
	if (!ioctl_synced(DMAAPI_SYNC_FOR_DEVICE, off, len))
		return false;
	return !have_sync_probes || kernel_synced("to_dev", r->dma_addr + off, len).covered;
}

/*
 * On a non-coherent device a CPU write the device is to read needs a
 * confirm_write.  Without it the check every device read goes through fails
 * (on real hardware the device would read stale memory); with it the check
 * passes and, on the edu device, the data makes the round trip.
 */
TEST(dropped_confirm_write_is_caught)
{
	const char *why = probes_start();
	unsigned int noncoherent = 0;

	if (why)
		TH_LOG("kernel side not observed: %s", why);
	FOR_EACH_DEVICE(d, n) {
		struct dmaapi_array *a = NULL, *back = NULL;
		const struct dmaapi_region *r;
		struct dmaapi_device *dev;
		uint8_t *p, got[64];
		struct edu edu;

		if (d->coherent)
			continue;
		noncoherent++;
		dev = open_dev(_metadata, d);
		if (!dev)
			continue;
		ASSERT_EQ(0, DMAAPI_ARRAY_CACHED_ZERO(dev, uint8_t, 64, DMAAPI_TO_DEVICE, &a));
		r = dmaapi_array_region(a);
		p = dmaapi_array_as_ptr(a);

		reset_witnesses();
		memset(p, 0xa5, 64);		/* the CPU writes, and forgets the sync */
		EXPECT_FALSE(device_may_read(r, 0, 64))
			TH_LOG("%s: a device read of unflushed data went unnoticed", d->key);

		ASSERT_EQ(0, dmaapi_array_confirm_write(a, 0, 64));
		EXPECT_TRUE(device_may_read(r, 0, 64))
			TH_LOG("%s: confirm_write did not flush [0, 64) (%u SYNC ioctls)", d->key,
			       nsyncs);

		if (!strcmp(d->key, "edu") && !edu_open(&edu, d->name)) {
			ASSERT_EQ(0, DMAAPI_ARRAY_ZERO(dev, uint8_t, 64, DMAAPI_FROM_DEVICE, &back));
			ASSERT_EQ(0, edu_dma_to_dev(&edu, r->dma_addr, 0, 64));
			ASSERT_EQ(0, edu_dma_to_ram(&edu, dmaapi_array_dma_addr(back), 0, 64));
			for (int i = 0; i < 64; i++)
				ASSERT_EQ(0, dmaapi_array_read(back, i, &got[i]));
			for (int i = 0; i < 64; i++)
				EXPECT_EQ(0xa5, got[i]);
			dmaapi_array_free(back);
			edu_close(&edu);
		}
		dmaapi_array_free(a);
		dmaapi_device_close(dev);
	}
	probes_remove();
	if (!noncoherent)
		SKIP(return, "every device of this machine is cache-coherent: no sync to drop");
}

static bool in_pool(uint64_t addr, uint64_t len, uint64_t base, uint64_t size)
{
	return addr >= base && addr + len <= base + size;
}

/*
 * The dt-cma node's memory-region is a reserved CMA pool (in lowmem on 32-bit
 * ARM: tools/vm/lib.sh make_dtb): its coherent and
 * cached allocations come from there, another node's do not.
 */
TEST(memory_region_pool)
{
	const char *pool = getenv("DMAAPI_DT_POOL");
	struct tdev cma = { "dt-cma", "dt-cma", false, 0xffffffffULL };
	struct tdev other = { "dt-noncoherent", "dt-noncoherent", false, 0xffffffffULL };
	struct dmaapi_array *a[3] = {}, *o = NULL;
	unsigned long long base, size;
	struct dmaapi_device *dev;

	if (!pool)
		SKIP(return, "no reserved-memory pool in this machine's device tree");
	ASSERT_EQ(2, sscanf(pool, "%llx %llx", &base, &size));

	dev = open_dev(_metadata, &cma);
	ASSERT_NE(NULL, dev);
	ASSERT_EQ(0, DMAAPI_ARRAY_ZERO(dev, uint8_t, 1, DMAAPI_BIDIRECTIONAL, &a[0]));
	ASSERT_EQ(0, DMAAPI_ARRAY_ZERO(dev, uint8_t, 64 << 10, DMAAPI_TO_DEVICE, &a[1]));
	ASSERT_EQ(0, DMAAPI_ARRAY_CACHED_ZERO(dev, uint8_t, 64 << 10, DMAAPI_FROM_DEVICE, &a[2]));
	for (int i = 0; i < 3; i++) {
		EXPECT_TRUE(in_pool(dmaapi_array_dma_addr(a[i]), dmaapi_array_len(a[i]), base, size))
			TH_LOG("dt-cma allocation %d at %#llx + %zu, outside its pool %#llx + %#llx",
			       i, (unsigned long long)dmaapi_array_dma_addr(a[i]),
			       dmaapi_array_len(a[i]), base, size);
	}
	for (int i = 0; i < 3; i++)
		dmaapi_array_free(a[i]);
	dmaapi_device_close(dev);

	dev = open_dev(_metadata, &other);
	ASSERT_NE(NULL, dev);
	ASSERT_EQ(0, DMAAPI_ARRAY_ZERO(dev, uint8_t, 64 << 10, DMAAPI_TO_DEVICE, &o));
	EXPECT_FALSE(in_pool(dmaapi_array_dma_addr(o), 1, base, size))
		TH_LOG("dt-noncoherent, which names no memory-region, allocated from the pool at %#llx",
		       (unsigned long long)dmaapi_array_dma_addr(o));
	dmaapi_array_free(o);
	dmaapi_device_close(dev);
}

TEST_HARNESS_MAIN

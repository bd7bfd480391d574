/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers of selftests/dmaapi_chan.c: the channel ioctls, test buffers,
 * and the kprobe witness of the kernel's cache maintenance (as in
 * dmaapi_sync.c: arch_sync_dma_for_device / arch_sync_dma_for_cpu).
 */
#ifndef DMAAPI_CHAN_UTIL_H
#define DMAAPI_CHAN_UTIL_H

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <unistd.h>

#include <linux/dmaapi.h>

#include "kprobe_sync.h"

#define CHAN_NO_CHANNEL "no DMA_MEMCPY dmaengine channel in this machine"

/*
 * The device-tree nodes whose "dmas" name channels, as the runner makes
 * them (tools/vm/lib.sh): versal's /dt-zdma (make_versal_dtb) and
 * raspi3b's /soc/dt-slave (make_raspi3b_dtb).
 */
struct chan_dt {
	const char *node;	/* its dmaapi node */
	const char *dev;	/* its platform device */
	const char *names[2];	/* two of its dma-names */
	const char *dev1;	/* the dmaengine device of names[1] */
	uint32_t caps;		/* DMAAPI_CHAN_CAP_* of their channels */
	int channels;		/* DMA_MEMCPY channels in the machine */
	unsigned int regions;	/* its "reg" entries, each one page */
	int counter;		/* the region whose word 1 is a running counter, or -1 */
};

static const struct chan_dt chan_dts[] = {
	{ "/dev/dmaapi-dt-zdma", "dt-zdma", { "zdma0", "zdma1" }, "ffa90000.dma",
	  DMAAPI_CHAN_CAP_MEMCPY, 8, 0, -1 },
	/* regions: the system timer (its CLO, a 1 MHz count, at 0x4), the GPIO block */
	{ "/dev/dmaapi-3f003000.dt-slave", "3f003000.dt-slave", { "slave", "memcpy" },
	  "3f007000.dma-controller", DMAAPI_CHAN_CAP_MEMCPY | DMAAPI_CHAN_CAP_SLAVE, 11, 2, 0 },
};

/* The machine's node with named channels, or NULL. */
static inline const struct chan_dt *chan_dt(void)
{
	for (size_t i = 0; i < sizeof(chan_dts) / sizeof(chan_dts[0]); i++)
		if (!access(chan_dts[i].node, F_OK))
			return &chan_dts[i];
	return NULL;
}

/* The node with named channels where the runner made one, else the default. */
static inline const char *chan_node(void)
{
	const struct chan_dt *dt = chan_dt();

	return dt ? dt->node : "/dev/dmaapi";
}

/*
 * The alignment of the jobs' offsets and lengths: the channel's, or more
 * where the runner says the machine needs it (DMAAPI_CHAN_ALIGN, a power of
 * two: tools/vm/run sets 4 on raspi3b, whose QEMU model of the BCM2835 DMA
 * hangs on other lengths although the driver reports no alignment).
 */
static inline uint64_t chan_align(const struct dmaapi_chan_request *r)
{
	const char *s = getenv("DMAAPI_CHAN_ALIGN");
	uint64_t a = r->align ? r->align : 1, knob = s ? strtoull(s, NULL, 0) : 0;

	if (knob & (knob - 1)) {
		fprintf(stderr, "DMAAPI_CHAN_ALIGN=%s is not a power of two\n", s);
		abort();
	}
	return knob > a ? knob : a;
}

/* @x rounded down to chan_align() (0 stays 0; so may a small @x). */
static inline uint64_t chan_al(const struct dmaapi_chan_request *r, uint64_t x)
{
	return x - x % chan_align(r);
}

static inline int chan_request(int fd, const char *name, uint32_t flags, int efd,
			       struct dmaapi_chan_request *r)
{
	memset(r, 0, sizeof(*r));
	r->size = sizeof(*r);
	r->flags = flags;
	r->eventfd = efd;
	snprintf(r->name, sizeof(r->name), "%s", name ? name : "");
	return ioctl(fd, DMAAPI_IOCTL_CHAN_REQUEST, r);
}

static inline int chan_submit(int fd, uint32_t handle, struct dmaapi_chan_job *jobs,
			      uint32_t n, uint32_t *submitted)
{
	struct dmaapi_chan_submit s = {
		.size = sizeof(s),
		.handle = handle,
		.count = n,
		.jobs = (uintptr_t)jobs,
	};
	int ret = ioctl(fd, DMAAPI_IOCTL_CHAN_SUBMIT, &s);

	if (submitted)
		*submitted = ret ? 0 : s.submitted;
	return ret;
}

static inline int chan_op(int fd, unsigned long cmd, uint32_t handle)
{
	struct dmaapi_chan_op op = { .size = sizeof(op), .handle = handle };

	return ioctl(fd, cmd, &op);
}

static inline int chan_status(int fd, uint32_t handle, struct dmaapi_chan_status *st)
{
	memset(st, 0, sizeof(*st));
	st->size = sizeof(*st);
	st->handle = handle;
	return ioctl(fd, DMAAPI_IOCTL_CHAN_GET_STATUS, st);
}

static inline int chan_set_limit(int fd, uint32_t handle, uint32_t limit)
{
	struct dmaapi_chan_set_limit l = {
		.size = sizeof(l),
		.handle = handle,
		.queue_limit = limit,
	};

	return ioctl(fd, DMAAPI_IOCTL_CHAN_SET_LIMIT, &l);
}

static inline void chan_job(struct dmaapi_chan_job *j, uint32_t src, uint64_t soff,
			    uint32_t dst, uint64_t doff, uint64_t len, uint64_t user)
{
	memset(j, 0, sizeof(*j));
	j->op = DMAAPI_JOB_MEMCPY;
	j->src_handle = src;
	j->src_offset = soff;
	j->dst_handle = dst;
	j->dst_offset = doff;
	j->length = len;
	j->user_data = user;
}

/*
 * Reads @n records from the channel fd within @ms milliseconds; returns how
 * many it got (less on timeout or end of file), -1 on a read error.
 */
static inline int chan_wait(int cfd, struct dmaapi_chan_completion *recs, int n, int ms)
{
	struct pollfd p = { .fd = cfd, .events = POLLIN };
	int got = 0;

	while (got < n) {
		ssize_t r;

		if (poll(&p, 1, ms) <= 0)
			break;
		r = read(cfd, recs + got, (n - got) * sizeof(*recs));
		if (r < 0)
			return -1;
		if (r == 0)
			break;
		got += r / sizeof(*recs);
	}
	return got;
}

/*
 * One job, waited for (up to 10 s); its record checked.  0, or -errno of
 * the submission.  For the test programs (the harness's macros).
 */
static inline int run_job(struct __test_metadata *_metadata, int fd,
			  const struct dmaapi_chan_request *r, struct dmaapi_chan_job *j)
{
	struct dmaapi_chan_completion c;
	uint32_t n;

	if (chan_submit(fd, r->handle, j, 1, &n))
		return -errno;
	EXPECT_EQ(1, n);
	EXPECT_LT(0, j->cookie);
	EXPECT_EQ(1, chan_wait(r->fd, &c, 1, 10000));
	EXPECT_EQ(j->cookie, c.cookie);
	EXPECT_EQ(j->user_data, c.user_data);
	EXPECT_EQ(DMAAPI_JOB_DONE, c.status);
	return 0;
}

/*
 * In a fixture's setup (the harness's and dmaapi_util.h's macros): @fd the
 * channel node opened, @r any memcpy channel of it requested, or a skip
 * where there is no node or no channel.
 */
#define CHAN_SETUP_ANY(fd, r)							\
	do {									\
		page_size = sysconf(_SC_PAGESIZE);				\
		(fd) = open(chan_node(), O_RDWR | O_CLOEXEC);			\
		OPEN_OR_SKIP(fd, chan_node());					\
		if (chan_request(fd, NULL, 0, 0, r)) {				\
			if (errno == ENODEV)					\
				SKIP(return, CHAN_NO_CHANNEL);			\
			ASSERT_EQ(0, errno) TH_LOG("CHAN_REQUEST: %s", strerror(errno)); \
		}								\
	} while (0)

/*
 * A channel's line of the channels attribute is @want, then, for a slave channel, its slave fields
 * (their values are dmaapi_chan_slave's to check).
 */
static inline void expect_chan_line(struct __test_metadata *_metadata, const char *want,
			     const char *line, uint32_t caps)
{
	const char *tail = line + strlen(want);

	ASSERT_EQ(0, strncmp(want, line, strlen(want))) TH_LOG("'%s' is not '%s...'", line, want);
	if (caps & DMAAPI_CHAN_CAP_SLAVE) {
		EXPECT_EQ(0, strncmp(tail, " slave_dirs=", strlen(" slave_dirs="))) TH_LOG("%s", line);
	} else {
		EXPECT_STREQ("", tail);
	}
}

/* A test buffer: an allocation of the node, mapped. */
struct tbuf {
	uint32_t handle;
	uint8_t *p;
	size_t len;
	uint64_t dma;	/* the node's device address */
};

/* The page frame of the page at @p (0: unknown, e.g. not root). */
static inline uint64_t chan_pfn(const void *p)
{
	long psz = sysconf(_SC_PAGESIZE);
	uint64_t e = 0;
	int fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return 0;
	if (pread(fd, &e, sizeof(e), (uintptr_t)p / psz * sizeof(e)) != sizeof(e))
		e = 0;
	close(fd);
	return (e >> 63) & 1 ? e & ((1ULL << 55) - 1) : 0;
}

/*
 * The node's bus offset: a device address minus the CPU physical address
 * (what the kernel's cache maintenance is given), measured on a mapped user
 * page, whose frame /proc/self/pagemap tells (it tells none for the node's
 * own buffers: their mappings are VM_PFNMAP).  Non-zero where the bus has
 * one (raspi3b's dma-ranges put RAM at 0xc0000000).  Assumes one offset for
 * all of RAM, as every machine of the matrix has.  -1 if unknown.
 */
static inline int64_t chan_bus_offset(int fd)
{
	long psz = sysconf(_SC_PAGESIZE);
	struct dmaapi_map_user m;
	int64_t off = -1;
	uint64_t pfn;
	void *p;

	if (posix_memalign(&p, psz, psz))
		return -1;
	memset(p, 1, psz);
	pfn = chan_pfn(p);
	if (pfn && !do_map(fd, p, psz, DMAAPI_DIR_TO_DEVICE, 0, &m)) {
		off = m.dma_addr - pfn * psz;
		do_free(fd, m.handle);
	}
	free(p);
	return off;
}

/* The CPU physical address of @b's byte @off (@b of the node @fd), or 0. */
static inline uint64_t tbuf_phys(int fd, const struct tbuf *b, uint64_t off)
{
	int64_t bus = chan_bus_offset(fd);

	return bus == -1 ? 0 : b->dma + off - bus;
}

static inline int tbuf_alloc(int fd, size_t len, uint32_t flags, uint32_t dir, struct tbuf *b)
{
	struct dmaapi_alloc a = {
		.size = sizeof(a), .flags = flags, .direction = dir, .length = len,
	};

	if (ioctl(fd, DMAAPI_IOCTL_ALLOC, &a))
		return -1;
	b->handle = a.handle;
	b->len = len;
	b->dma = a.dma_addr;
	b->p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, a.mmap_offset);
	return b->p == MAP_FAILED ? -1 : 0;
}

static inline void tbuf_fill(struct tbuf *b, uint32_t seed)
{
	for (size_t i = 0; i < b->len; i++) {
		seed = seed * 1103515245u + 12345u;
		b->p[i] = seed >> 16;
	}
}

/* The first byte where @len bytes differ, or -1. */
static inline long first_diff(const uint8_t *a, const uint8_t *b, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (a[i] != b[i])
			return (long)i;
	return -1;
}

static inline int write_sysfs(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), ret = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, s, strlen(s)) != (ssize_t)strlen(s))
		ret = -errno;
	close(fd);
	return ret;
}

/* ---- the kprobe witness (kprobe_sync.h) --------------------------------- */

static struct kprobe_witness chan_kw;

/* NULL, or why the kernel's cache maintenance cannot be watched. */
static inline const char *chan_probes_start(void)
{
	const char *why = kw_open(&chan_kw, "dmaapi_chan");

	if (why)
		return why;
	if (kw_add_sync_probes(&chan_kw))
		return "no arch_sync_dma_for_device/cpu to probe (a cache-coherent architecture)";
	if (kw_enable(&chan_kw, true))
		return "cannot enable the dmaapi_chan kprobe events";
	kw_clear(&chan_kw);
	return NULL;
}

struct chan_sync_count {
	int dir, n;
	uint64_t start, len;
};

static inline void chan_sync_cb(void *arg, const struct kprobe_event *e)
{
	struct chan_sync_count *c = arg;

	if (e->dir == c->dir && e->paddr <= c->start && e->paddr + e->size >= c->start + c->len)
		c->n++;
}

/* Events @name ("to_dev", "to_cpu") with direction @dir covering [start, +len). */
static inline int chan_synced(const char *name, int dir, uint64_t start, uint64_t len)
{
	struct chan_sync_count c = { .dir = dir, .start = start, .len = len };

	return kw_each(&chan_kw, name, chan_sync_cb, &c) ? -1 : c.n;
}

#endif /* DMAAPI_CHAN_UTIL_H */

// SPDX-License-Identifier: GPL-2.0
/*
 * dmaapi-bench: what libdmaapi and dmaapi.ko cost per transfer, measured
 * side by side with the kernel's own references in the same boot.
 *
 *   access  array element read/set, box read/write   vs a plain load/store
 *   sync    confirm_write_all / prepare_read_all     vs getppid(), an ioctl
 *           64 B .. 4 MiB                               the driver rejects
 *                                                       (ENOTTY), the module's
 *                                                       no-op SYNC, memcpy
 *   map     map + unmap of a user buffer 4 KiB..4 MiB vs the in-kernel
 *                                                       dma_map_benchmark
 *   alloc   allocate + mmap + first touch 4 KiB..16 MiB vs the dma-heap
 *                                                       system heap, udmabuf
 *   copy    CPU copy into coherent/cached/mapped memory vs memcpy
 *           with its syncs
 *
 * Every figure is the min / median / max of --runs runs; a run repeats the
 * operation for --time milliseconds (at least once) and takes the mean.
 * The in-kernel map benchmark needs the device to itself: the tool rebinds
 * it to the "dma_map_benchmark" driver through driver_override, runs it,
 * and binds it back to dmaapi.
 */
#include <dmaapi.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <linux/dma-heap.h>
#include <linux/dmaapi.h>
#include <linux/udmabuf.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

/* kernel/dma/map_benchmark.c's ABI (include/linux/map_benchmark.h, not UAPI) */
struct map_benchmark {
	uint64_t avg_map_100ns;
	uint64_t map_stddev;
	uint64_t avg_unmap_100ns;
	uint64_t unmap_stddev;
	uint32_t threads;
	uint32_t seconds;
	int32_t node;
	uint32_t dma_bits;
	uint32_t dma_dir;
	uint32_t dma_trans_ns;
	uint32_t granule;
	uint8_t expansion[76];
};
#define DMA_MAP_BENCHMARK _IOWR('d', 1, struct map_benchmark)
#define MAP_BENCH_DEBUGFS "/sys/kernel/debug/dma_map_benchmark"
#define MAP_BENCH_DRIVER "dma_map_benchmark"

#define KIB ((size_t)1024)
#define MIB ((size_t)1024 * 1024)
#define MAX_RUNS 64
#define NREFS 3
#define HUGE_ALIGN (2 * MIB)

/* ------------------------------------------------------------------------ */
/* Options and output                                                        */

static struct {
	const char *device;	/* bound device name, "" = /dev/dmaapi */
	unsigned int mask_bits;
	unsigned int runs;
	unsigned int time_ms;
	unsigned int kernel_seconds;
	bool quick;
	bool json;
	const char *json_file;	/* also write the JSON here */
	bool kernel_ref;	/* run the in-kernel dma_map_benchmark */
	unsigned int sections;
} opt = { .mask_bits = 32, .runs = 5, .time_ms = 100, .kernel_seconds = 1,
	  .kernel_ref = true };

enum { S_ACCESS = 1, S_SYNC = 2, S_MAP = 4, S_ALLOC = 8, S_COPY = 16, S_ALL = 31 };
static const char *const section_names[] = { "access", "sync", "map", "alloc", "copy" };

/* min / median / max of the runs, or why there is no figure */
struct stat3 {
	bool ok;
	double min, med, max;
	char na[96];
};

struct row {
	int section;
	char name[48];
	size_t size;
	char kind[24];		/* how the library did it: elided, bounced, ... */
	struct stat3 ours;
	struct stat3 ref[NREFS];
	double target;		/* ratio ours/ref[0] must be <= target; 0: none */
	char verdict[16];
};

static struct row *rows;
static size_t nrows, cap_rows;

static struct row *new_row(int section, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static struct row *new_row(int section, size_t size, const char *fmt, ...)
{
	struct row *r;
	va_list ap;

	if (nrows == cap_rows) {
		cap_rows = cap_rows ? 2 * cap_rows : 64;
		rows = realloc(rows, cap_rows * sizeof(*rows));
		if (!rows) {
			fprintf(stderr, "dmaapi-bench: out of memory\n");
			exit(1);
		}
	}
	r = &rows[nrows++];
	memset(r, 0, sizeof(*r));
	r->section = section;
	r->size = size;
	va_start(ap, fmt);
	vsnprintf(r->name, sizeof(r->name), fmt, ap);
	va_end(ap);
	return r;
}

static void set_na(struct stat3 *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void set_na(struct stat3 *s, const char *fmt, ...)
{
	va_list ap;

	s->ok = false;
	va_start(ap, fmt);
	vsnprintf(s->na, sizeof(s->na), fmt, ap);
	va_end(ap);
}

static void fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void fatal(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "dmaapi-bench: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static const char *lib_err(int ret)
{
	static char buf[128];
	const struct dmaapi_error *e = dmaapi_last_error();

	snprintf(buf, sizeof(buf), "%s%s%s", dmaapi_strerror(ret), e->sys_errno ? ": " : "",
		 e->sys_errno ? strerror(e->sys_errno) : "");
	return buf;
}

/* ------------------------------------------------------------------------ */
/* Timing                                                                    */

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

/*
 * An operation under test: runs @n iterations and returns 0, or a negative
 * errno / DMAAPI code.  If it sets *@timed_ns (>= 0), only that time counts
 * (setup and teardown inside the loop excluded); else the whole call.
 */
typedef int (*bench_fn)(void *arg, uint64_t n, double *timed_ns);

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static int run_once(bench_fn fn, void *arg, uint64_t n, double *ns)
{
	double timed = -1, t0 = now_ns();
	int ret = fn(arg, n, &timed);

	*ns = timed >= 0 ? timed : now_ns() - t0;
	return ret;
}

/* ns per operation: min / median / max over opt.runs runs */
static int measure(bench_fn fn, void *arg, struct stat3 *s)
{
	double budget = opt.time_ms * 1e6, ns, per[MAX_RUNS];
	uint64_t n = 1;
	unsigned int i;
	int ret;

	/* calibrate (and warm up): grow n until one call takes a tenth of the budget */
	for (;;) {
		ret = run_once(fn, arg, n, &ns);
		if (ret)
			return ret;
		if (ns >= budget / 10 || n >= (1ULL << 40))
			break;
		n *= ns > 0 ? (budget / 10 / ns < 16 ? 2 : 16) : 16;
	}
	n = ns > 0 ? (uint64_t)(n * budget / ns) : n;
	if (n < 1)
		n = 1;
	for (i = 0; i < opt.runs; i++) {
		ret = run_once(fn, arg, n, &ns);
		if (ret)
			return ret;
		per[i] = ns / n;
	}
	qsort(per, opt.runs, sizeof(per[0]), cmp_double);
	s->ok = true;
	s->min = per[0];
	s->med = per[opt.runs / 2];
	s->max = per[opt.runs - 1];
	return 0;
}

static void measure_or_na(bench_fn fn, void *arg, struct stat3 *s, const char *what)
{
	int ret = measure(fn, arg, s);

	if (ret)
		set_na(s, "%s failed: %s", what,
		       ret <= -1 && ret >= -DMAAPI_ERR_SYSTEM ? lib_err(ret) : strerror(-ret));
}

/* ------------------------------------------------------------------------ */
/* Helpers                                                                   */

static void *alloc_user(size_t size, bool huge)
{
	size_t len = (size + HUGE_ALIGN - 1) & ~(HUGE_ALIGN - 1);
	void *p;

	if (posix_memalign(&p, HUGE_ALIGN, len))
		fatal("cannot allocate %zu bytes", len);
	if (!huge)
		madvise(p, len, MADV_NOHUGEPAGE);
	memset(p, 0x5a, len);
	return p;
}

/* the device is not cache-coherent: a sync that does not bounce is cache maintenance */
static bool dev_noncoherent;

static const char *region_kind(const struct dmaapi_region *r)
{
	if (!(r->flags & DMAAPI_REGION_NEED_SYNC))
		return "no sync needed";
	if (r->flags & DMAAPI_REGION_BOUNCED)
		return "bounced";
	return dev_noncoherent ? "cache maintenance" : "synced";
}

static void fmt_size(char *buf, size_t len, size_t size)
{
	if (size >= MIB && !(size % MIB))
		snprintf(buf, len, "%zu MiB", size / MIB);
	else if (size >= KIB && !(size % KIB))
		snprintf(buf, len, "%zu KiB", size / KIB);
	else
		snprintf(buf, len, "%zu B", size);
}

/* ------------------------------------------------------------------------ */
/* 1. Element access                                                         */

#define ACCESS_LEN 4096 /* elements: a power of two */

struct access_arg {
	struct dmaapi_array *a;
	struct dmaapi_box *b;
	volatile uint32_t *plain;
	volatile uint64_t *plain_box;
};

static volatile uint64_t sink;

static int access_plain_read(void *p, uint64_t n, double *t)
{
	struct access_arg *x = p;
	uint64_t i, sum = 0;

	(void)t;
	for (i = 0; i < n; i++)
		sum += x->plain[i & (ACCESS_LEN - 1)];
	sink = sum;
	return 0;
}

static int access_plain_set(void *p, uint64_t n, double *t)
{
	struct access_arg *x = p;
	uint64_t i;

	(void)t;
	for (i = 0; i < n; i++)
		x->plain[i & (ACCESS_LEN - 1)] = (uint32_t)i;
	return 0;
}

static int access_plain_box_read(void *p, uint64_t n, double *t)
{
	struct access_arg *x = p;
	uint64_t i, sum = 0;

	(void)t;
	for (i = 0; i < n; i++)
		sum += *x->plain_box;
	sink = sum;
	return 0;
}

static int access_plain_box_write(void *p, uint64_t n, double *t)
{
	struct access_arg *x = p;
	uint64_t i;

	(void)t;
	for (i = 0; i < n; i++)
		*x->plain_box = i;
	return 0;
}

static int access_array_read(void *p, uint64_t n, double *t)
{
	struct access_arg *x = p;
	uint64_t i, sum = 0;
	uint32_t v;
	int ret;

	(void)t;
	for (i = 0; i < n; i++) {
		ret = dmaapi_array_read(x->a, i & (ACCESS_LEN - 1), &v);
		if (ret)
			return ret;
		sum += v;
	}
	sink = sum;
	return 0;
}

static int access_array_set(void *p, uint64_t n, double *t)
{
	struct access_arg *x = p;
	uint64_t i;
	uint32_t v;
	int ret;

	(void)t;
	for (i = 0; i < n; i++) {
		v = (uint32_t)i;
		ret = dmaapi_array_set(x->a, i & (ACCESS_LEN - 1), &v);
		if (ret)
			return ret;
	}
	return 0;
}

static int access_box_read(void *p, uint64_t n, double *t)
{
	struct access_arg *x = p;
	uint64_t i, sum = 0, v;
	int ret;

	(void)t;
	for (i = 0; i < n; i++) {
		ret = dmaapi_box_read(x->b, &v);
		if (ret)
			return ret;
		sum += v;
	}
	sink = sum;
	return 0;
}

static int access_box_write(void *p, uint64_t n, double *t)
{
	struct access_arg *x = p;
	uint64_t i;
	int ret;

	(void)t;
	for (i = 0; i < n; i++) {
		ret = dmaapi_box_write(x->b, &i);
		if (ret)
			return ret;
	}
	return 0;
}

static void bench_access_mem(struct dmaapi_device *dev, uint32_t flags, const char *mem)
{
	static const struct {
		const char *name;
		bench_fn ours, ref;
		bool box;
	} ops[] = {
		{ "array read (u32)", access_array_read, access_plain_read, false },
		{ "array set (u32)", access_array_set, access_plain_set, false },
		{ "box read (u64)", access_box_read, access_plain_box_read, true },
		{ "box write (u64)", access_box_write, access_plain_box_write, true },
	};
	struct access_arg x = {};
	size_t i;
	int ret;

	x.plain = calloc(ACCESS_LEN, sizeof(uint32_t));
	x.plain_box = calloc(1, sizeof(uint64_t));
	if (!x.plain || !x.plain_box)
		fatal("out of memory");
	ret = dmaapi_array_zero_with_flags(dev, sizeof(uint32_t), ACCESS_LEN, _Alignof(uint32_t),
					   DMAAPI_BIDIRECTIONAL, flags, &x.a);
	if (!ret)
		ret = dmaapi_box_zero_with_flags(dev, sizeof(uint64_t), _Alignof(uint64_t),
						 DMAAPI_BIDIRECTIONAL, flags, &x.b);
	for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		struct row *r = new_row(S_ACCESS, ops[i].box ? 8 : 4, "%s, %s", ops[i].name, mem);

		measure_or_na(ops[i].ref, &x, &r->ref[0], "plain access");
		if (ret) {
			set_na(&r->ours, "allocation failed: %s", lib_err(ret));
			continue;
		}
		snprintf(r->kind, sizeof(r->kind), "%s",
			 region_kind(ops[i].box ? dmaapi_box_region(x.b) : dmaapi_array_region(x.a)));
		/* the target holds where no sync is needed */
		if (!(dmaapi_array_region(x.a)->flags & DMAAPI_REGION_NEED_SYNC))
			r->target = 2;
		measure_or_na(ops[i].ours, &x, &r->ours, ops[i].name);
	}
	dmaapi_array_free(x.a);
	dmaapi_box_free(x.b);
	free((void *)x.plain);
	free((void *)x.plain_box);
}

static void bench_access(struct dmaapi_device *dev)
{
	bench_access_mem(dev, 0, "coherent");
	bench_access_mem(dev, DMAAPI_MEM_CACHED, "cached");
}

/* ------------------------------------------------------------------------ */
/* 2. Sync latency                                                           */

struct sync_arg {
	struct dmaapi_map *m;
	struct dmaapi_array *a;	/* a cached allocation of size bytes */
	int fd;
	uint32_t handle;	/* a coherent allocation: the kernel's no-op SYNC */
	void *dst, *src;
	size_t size;
};

static int sync_confirm(void *p, uint64_t n, double *t)
{
	struct sync_arg *x = p;
	uint64_t i;
	int ret;

	(void)t;
	for (i = 0; i < n; i++) {
		ret = dmaapi_map_confirm_write_all(x->m);
		if (ret)
			return ret;
	}
	return 0;
}

static int sync_prepare(void *p, uint64_t n, double *t)
{
	struct sync_arg *x = p;
	uint64_t i;
	int ret;

	(void)t;
	for (i = 0; i < n; i++) {
		ret = dmaapi_map_prepare_read_all(x->m);
		if (ret)
			return ret;
	}
	return 0;
}

static int sync_array_confirm(void *p, uint64_t n, double *t)
{
	struct sync_arg *x = p;
	uint64_t i;
	int ret;

	(void)t;
	for (i = 0; i < n; i++) {
		ret = dmaapi_array_confirm_write(x->a, 0, x->size);
		if (ret)
			return ret;
	}
	return 0;
}

static int sync_array_prepare(void *p, uint64_t n, double *t)
{
	struct sync_arg *x = p;
	uint64_t i;
	int ret;

	(void)t;
	for (i = 0; i < n; i++) {
		ret = dmaapi_array_prepare_read(x->a, 0, x->size);
		if (ret)
			return ret;
	}
	return 0;
}

static int ref_getppid(void *p, uint64_t n, double *t)
{
	uint64_t i;

	(void)p;
	(void)t;
	for (i = 0; i < n; i++)
		sink += getppid();
	return 0;
}

/* An ioctl the driver rejects at once: the cost of reaching the driver. */
static int ref_enotty(void *p, uint64_t n, double *t)
{
	struct sync_arg *x = p;
	uint64_t i;

	(void)t;
	for (i = 0; i < n; i++) {
		if (ioctl(x->fd, _IO(DMAAPI_TYPE, 0x7f), NULL) != -1 || errno != ENOTTY)
			return -EPROTO;
	}
	return 0;
}

/* DMAAPI_IOCTL_SYNC of a coherent allocation: the module's own no-op path. */
static int ref_sync_noop(void *p, uint64_t n, double *t)
{
	struct sync_arg *x = p;
	struct dmaapi_sync s = { .size = sizeof(s), .flags = DMAAPI_SYNC_FOR_DEVICE,
				 .handle = x->handle, .length = 64 };
	uint64_t i;

	(void)t;
	for (i = 0; i < n; i++) {
		if (ioctl(x->fd, DMAAPI_IOCTL_SYNC, &s))
			return -errno;
	}
	return 0;
}

static int ref_memcpy(void *p, uint64_t n, double *t)
{
	struct sync_arg *x = p;
	uint64_t i;

	(void)t;
	for (i = 0; i < n; i++) {
		memcpy(x->dst, x->src, x->size);
		__asm__ volatile("" : : "r"(x->dst) : "memory");
	}
	return 0;
}

/* the sizes the sync target applies to: up to a page */
#define SYNC_TARGET_MAX (4 * KIB)

static const size_t sync_sizes[] = { 64, 256, KIB, 4 * KIB, 16 * KIB, 64 * KIB, 256 * KIB,
				     MIB, 4 * MIB };

static void bench_sync(struct dmaapi_device *dev)
{
	struct dmaapi_alloc a = { .size = sizeof(a), .length = 4096 };
	struct sync_arg x = { .fd = dmaapi_device_fd(dev) };
	struct stat3 ppid = {}, enotty = {}, noop = {}, copy_ref[2];
	struct dmaapi_free f = { .size = sizeof(f) };
	size_t nsizes = opt.quick ? 2 : sizeof(sync_sizes) / sizeof(sync_sizes[0]);
	size_t i;
	int d;

	measure_or_na(ref_getppid, &x, &ppid, "getppid");
	measure_or_na(ref_enotty, &x, &enotty, "ENOTTY ioctl");
	if (ioctl(x.fd, DMAAPI_IOCTL_ALLOC, &a))
		set_na(&noop, "ALLOC failed: %s", strerror(errno));
	else {
		x.handle = a.handle;
		measure_or_na(ref_sync_noop, &x, &noop, "SYNC ioctl");
		f.handle = a.handle;
		ioctl(x.fd, DMAAPI_IOCTL_FREE, &f);
	}
	/* the references once, as rows of their own, for the table */
	new_row(S_SYNC, 0, "getppid()")->ours = ppid;
	new_row(S_SYNC, 0, "ioctl rejected (ENOTTY)")->ours = enotty;
	new_row(S_SYNC, 64, "SYNC ioctl, no-op (coherent)")->ours = noop;

	for (i = 0; i < nsizes; i++) {
		size_t size = sync_sizes[i];
		void *buf = alloc_user(size, false);
		struct dmaapi_map *m = NULL;
		int ret;

		x.size = size;
		x.src = alloc_user(size, false);
		x.dst = alloc_user(size, false);
		ret = dmaapi_map_single_array(dev, buf, 1, size, 1, DMAAPI_BIDIRECTIONAL, &m);
		x.m = m;
		for (d = 0; d < 2; d++) {
			struct row *r = new_row(S_SYNC, size, "%s",
						d ? "prepare_read_all" : "confirm_write_all");

			r->ref[0] = enotty;
			measure_or_na(ref_memcpy, &x, &r->ref[1], "memcpy");
			copy_ref[d] = r->ref[1];
			r->ref[2] = noop;
			if (ret) {
				set_na(&r->ours, "map failed: %s", lib_err(ret));
				continue;
			}
			snprintf(r->kind, sizeof(r->kind), "%s", region_kind(dmaapi_map_region(m)));
			/* a latency target: past a page the sync is a copy of the size */
			if ((dmaapi_map_region(m)->flags & DMAAPI_REGION_NEED_SYNC) &&
			    size <= SYNC_TARGET_MAX)
				r->target = 1.5;
			measure_or_na(d ? sync_prepare : sync_confirm, &x, &r->ours, r->name);
		}
		dmaapi_map_free(m);
		/* a cached array of the size (up to a page): one sync of one allocation */
		if (size > SYNC_TARGET_MAX)
			goto next;
		ret = dmaapi_array_zero_with_flags(dev, 1, size, 64, DMAAPI_BIDIRECTIONAL,
						   DMAAPI_MEM_CACHED, &x.a);
		for (d = 0; d < 2; d++) {
			struct row *r = new_row(S_SYNC, size, "%s", d ? "cached array prepare_read"
								  : "cached array confirm_write");

			r->ref[0] = enotty;
			r->ref[1] = copy_ref[d];
			r->ref[2] = noop;
			if (ret) {
				set_na(&r->ours, "allocation failed: %s", lib_err(ret));
				continue;
			}
			snprintf(r->kind, sizeof(r->kind), "%s",
				 region_kind(dmaapi_array_region(x.a)));
			if (dmaapi_array_region(x.a)->flags & DMAAPI_REGION_NEED_SYNC)
				r->target = 1.5;
			measure_or_na(d ? sync_array_prepare : sync_array_confirm, &x, &r->ours,
				      r->name);
		}
		dmaapi_array_free(x.a);
		x.a = NULL;
next:
		free(buf);
		free(x.src);
		free(x.dst);
	}
}

/* ------------------------------------------------------------------------ */
/* 3. Map + unmap                                                            */

struct map_arg {
	struct dmaapi_device *dev;
	void *buf;
	size_t size;
	uint32_t flags;		/* region flags of the last map */
};

static int map_unmap(void *p, uint64_t n, double *t)
{
	struct map_arg *x = p;
	struct dmaapi_map *m;
	uint64_t i;
	int ret;

	(void)t;
	for (i = 0; i < n; i++) {
		ret = dmaapi_map_single_array(x->dev, x->buf, 1, x->size, 1,
					      DMAAPI_BIDIRECTIONAL, &m);
		if (ret)
			return ret;
		x->flags = dmaapi_map_region(m)->flags;
		dmaapi_map_free(m);
	}
	return 0;
}

static const size_t map_sizes[] = { 4 * KIB, 16 * KIB, 64 * KIB, 256 * KIB, MIB, 4 * MIB };

static int write_sysfs(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, val, strlen(val));
	close(fd);
	return n < 0 ? -errno : 0;
}

/* Bind PCI device @bdf to @driver through driver_override. */
static int pci_rebind(const char *bdf, const char *driver)
{
	char path[PATH_MAX];
	int ret;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver_override", bdf);
	ret = write_sysfs(path, driver);
	if (ret)
		return ret;
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver/unbind", bdf);
	if (access(path, F_OK) == 0) {
		ret = write_sysfs(path, bdf);
		if (ret)
			return ret;
	}
	return write_sysfs("/sys/bus/pci/drivers_probe", bdf);
}

static bool is_pci_name(const char *name)
{
	char path[PATH_MAX];

	if (!name || !*name || name[0] == '/')
		return false;
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s", name);
	return access(path, F_OK) == 0;
}

/* The kernel's map + unmap per op in ns for each size; n/a with a reason. */
static void kernel_map_bench(struct stat3 *out, size_t nsizes)
{
	const char *bdf = opt.device;
	unsigned int i, run;
	int fd, ret;

	if (!opt.kernel_ref) {
		for (i = 0; i < nsizes; i++)
			set_na(&out[i], "not run (--no-kernel-ref)");
		return;
	}
	if (access("/sys/bus/pci/drivers/" MAP_BENCH_DRIVER, F_OK) &&
	    access("/sys/bus/platform/drivers/" MAP_BENCH_DRIVER, F_OK)) {
		for (i = 0; i < nsizes; i++)
			set_na(&out[i], "no CONFIG_DMA_MAP_BENCHMARK in this kernel");
		return;
	}
	if (!is_pci_name(bdf)) {
		for (i = 0; i < nsizes; i++)
			set_na(&out[i], "needs a PCI device (--device)");
		return;
	}
	ret = pci_rebind(bdf, MAP_BENCH_DRIVER);
	fd = ret ? -1 : open(MAP_BENCH_DEBUGFS, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		int err = ret ? -ret : errno;

		for (i = 0; i < nsizes; i++)
			set_na(&out[i], "binding %s to %s: %s", bdf, MAP_BENCH_DRIVER,
			       strerror(err));
	}
	for (i = 0; fd >= 0 && i < nsizes; i++) {
		double per[MAX_RUNS];
		unsigned int runs = opt.quick ? 1 : (opt.runs < 3 ? opt.runs : 3);

		for (run = 0; run < runs; run++) {
			struct map_benchmark mb = {
				.threads = 1,
				.seconds = opt.kernel_seconds,
				.node = -1,
				.dma_bits = opt.mask_bits,
				.dma_dir = DMAAPI_DIR_BIDIRECTIONAL,
				.granule = (uint32_t)(map_sizes[i] / 4096),
			};

			if (ioctl(fd, DMA_MAP_BENCHMARK, &mb)) {
				set_na(&out[i], "dma_map_benchmark: %s", strerror(errno));
				break;
			}
			per[run] = (mb.avg_map_100ns + mb.avg_unmap_100ns) * 100.0;
		}
		if (run < runs)
			continue;
		qsort(per, runs, sizeof(per[0]), cmp_double);
		out[i].ok = true;
		out[i].min = per[0];
		out[i].med = per[runs / 2];
		out[i].max = per[runs - 1];
	}
	if (fd >= 0)
		close(fd);
	ret = pci_rebind(bdf, "dmaapi");
	if (ret)
		fatal("binding %s back to dmaapi: %s", bdf, strerror(-ret));
}

/*
 * --backend heap: ordinary memory behind struct dmaapi_ops, no kernel at
 * all.  Only the access section means anything there: it shows what the
 * inline element accesses cost on this CPU without the kernel or QEMU.
 */
static size_t heap_page_size(void *ctx)
{
	(void)ctx;
	return 4096;
}

static int heap_map(void *ctx, uint64_t mask, struct dmaapi_region *r)
{
	(void)ctx;
	(void)mask;
	r->dma_addr = (uintptr_t)r->cpu_addr;
	r->flags &= ~DMAAPI_REGION_NEED_SYNC;
	return 0;
}

static void heap_unmap(void *ctx, struct dmaapi_region *r)
{
	(void)ctx;
	(void)r;
}

static int heap_alloc(void *ctx, uint64_t mask, struct dmaapi_region *r)
{
	size_t align = r->align < 64 ? 64 : r->align;

	(void)ctx;
	(void)mask;
	r->cpu_addr = aligned_alloc(align, (r->size + align - 1) & ~(align - 1));
	if (!r->cpu_addr)
		return -DMAAPI_ERR_NO_MEMORY;
	memset(r->cpu_addr, 0, r->size);
	r->dma_addr = (uintptr_t)r->cpu_addr;
	r->flags &= ~DMAAPI_REGION_NEED_SYNC;
	return 0;
}

static void heap_dealloc(void *ctx, struct dmaapi_region *r)
{
	(void)ctx;
	free(r->cpu_addr);
}

static const struct dmaapi_ops heap_ops = {
	.page_size = heap_page_size,
	.map_single = heap_map,
	.unmap_single = heap_unmap,
	.alloc_coherent = heap_alloc,
	.dealloc_coherent = heap_dealloc,
};

static bool heap_backend;

static struct dmaapi_device *open_device(void)
{
	struct dmaapi_device *dev;
	uint64_t mask = opt.mask_bits >= 64 ? UINT64_MAX : (1ULL << opt.mask_bits) - 1;
	int ret = heap_backend ? dmaapi_device_new(UINT64_MAX, &heap_ops, NULL, &dev) :
				 dmaapi_device_open(opt.device, mask, &dev);

	if (ret)
		fatal("cannot open dmaapi device '%s' with a %u-bit mask: %s",
		      *opt.device ? opt.device : "/dev/dmaapi", opt.mask_bits, lib_err(ret));
	return dev;
}

/* Runs with the device closed around the kernel's benchmark: returns it reopened. */
static struct dmaapi_device *bench_map(struct dmaapi_device *dev)
{
	size_t nsizes = opt.quick ? 1 : sizeof(map_sizes) / sizeof(map_sizes[0]);
	struct stat3 kref[sizeof(map_sizes) / sizeof(map_sizes[0])];
	struct row *first = NULL;
	size_t i;

	for (i = 0; i < nsizes; i++) {
		struct map_arg x = { .dev = dev, .size = map_sizes[i] };
		struct row *r = new_row(S_MAP, map_sizes[i], "map + unmap");

		if (!first)
			first = r;
		x.buf = alloc_user(x.size, true);
		r->target = 3;
		measure_or_na(map_unmap, &x, &r->ours, "map");
		if (r->ours.ok)
			snprintf(r->kind, sizeof(r->kind), "%s",
				 !(x.flags & DMAAPI_REGION_NEED_SYNC) ? "direct" :
				 (x.flags & DMAAPI_REGION_BOUNCED) ? "bounced" :
				 dev_noncoherent ? "direct, cache maint." : "direct, synced");
		free(x.buf);
	}
	memset(kref, 0, sizeof(kref));
	dmaapi_device_close(dev);
	kernel_map_bench(kref, nsizes);
	for (i = 0; i < nsizes; i++)
		first[i].ref[0] = kref[i];
	return open_device();
}

/* ------------------------------------------------------------------------ */
/* 4. Allocate + mmap + first touch                                          */

struct alloc_arg {
	struct dmaapi_device *dev;
	size_t size;
	int heap_fd, udmabuf_fd;
};

static void touch(volatile char *p, size_t size)
{
	size_t i;

	for (i = 0; i < size; i += 4096)
		p[i] = 1;
}

static int alloc_ours(void *p, uint64_t n, double *t)
{
	struct alloc_arg *x = p;
	struct dmaapi_array *a;
	uint64_t i;
	double t0;
	int ret;

	*t = 0;
	for (i = 0; i < n; i++) {
		t0 = now_ns();
		ret = dmaapi_array_zero_with_align(x->dev, 1, x->size, 4096,
						   DMAAPI_BIDIRECTIONAL, &a);
		if (ret)
			return ret;
		touch(dmaapi_array_as_ptr(a), x->size);
		*t += now_ns() - t0;
		dmaapi_array_free(a);
	}
	return 0;
}

static int map_dmabuf(int dmabuf, size_t size, double t0, double *t)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, dmabuf, 0);

	if (p == MAP_FAILED) {
		int err = errno;

		close(dmabuf);
		return -err;
	}
	touch(p, size);
	*t += now_ns() - t0;
	munmap(p, size);
	close(dmabuf);
	return 0;
}

static int alloc_heap(void *p, uint64_t n, double *t)
{
	struct alloc_arg *x = p;
	uint64_t i;
	int ret;

	*t = 0;
	for (i = 0; i < n; i++) {
		struct dma_heap_allocation_data d = { .len = x->size, .fd_flags = O_RDWR | O_CLOEXEC };
		double t0 = now_ns();

		if (ioctl(x->heap_fd, DMA_HEAP_IOCTL_ALLOC, &d))
			return -errno;
		ret = map_dmabuf((int)d.fd, x->size, t0, t);
		if (ret)
			return ret;
	}
	return 0;
}

static int alloc_udmabuf(void *p, uint64_t n, double *t)
{
	struct alloc_arg *x = p;
	uint64_t i;
	int ret;

	*t = 0;
	for (i = 0; i < n; i++) {
		struct udmabuf_create c = { .flags = UDMABUF_FLAGS_CLOEXEC, .size = x->size };
		double t0 = now_ns();
		int memfd = memfd_create("dmaapi-bench", MFD_ALLOW_SEALING | MFD_CLOEXEC), dmabuf;

		if (memfd < 0)
			return -errno;
		if (ftruncate(memfd, (off_t)x->size) || fcntl(memfd, F_ADD_SEALS, F_SEAL_SHRINK)) {
			ret = -errno;
			close(memfd);
			return ret;
		}
		c.memfd = (uint32_t)memfd;
		dmabuf = ioctl(x->udmabuf_fd, UDMABUF_CREATE, &c);
		ret = dmabuf < 0 ? -errno : 0;
		close(memfd);
		if (ret)
			return ret;
		ret = map_dmabuf(dmabuf, x->size, t0, t);
		if (ret)
			return ret;
	}
	return 0;
}

static const size_t alloc_sizes[] = { 4 * KIB, 64 * KIB, 256 * KIB, MIB, 4 * MIB, 8 * MIB,
				      16 * MIB };

static void bench_alloc(struct dmaapi_device *dev)
{
	size_t nsizes = opt.quick ? 2 : sizeof(alloc_sizes) / sizeof(alloc_sizes[0]);
	struct alloc_arg x = { .dev = dev };
	int heap_err, udmabuf_err;
	size_t i;

	x.heap_fd = open("/dev/dma_heap/system", O_RDONLY | O_CLOEXEC);
	heap_err = errno;
	x.udmabuf_fd = open("/dev/udmabuf", O_RDWR | O_CLOEXEC);
	udmabuf_err = errno;
	for (i = 0; i < nsizes; i++) {
		struct row *r = new_row(S_ALLOC, alloc_sizes[i], "alloc + mmap + touch");

		x.size = alloc_sizes[i];
		snprintf(r->kind, sizeof(r->kind), "coherent");
		r->target = 1;
		measure_or_na(alloc_ours, &x, &r->ours, "coherent allocation");
		if (x.heap_fd < 0)
			set_na(&r->ref[0], "/dev/dma_heap/system: %s%s", strerror(heap_err),
			       heap_err == ENOENT ? " (no CONFIG_DMABUF_HEAPS_SYSTEM)" : "");
		else
			measure_or_na(alloc_heap, &x, &r->ref[0], "dma-heap");
		if (x.udmabuf_fd < 0)
			set_na(&r->ref[1], "/dev/udmabuf: %s%s", strerror(udmabuf_err),
			       udmabuf_err == ENOENT ? " (no CONFIG_UDMABUF)" : "");
		else
			measure_or_na(alloc_udmabuf, &x, &r->ref[1], "udmabuf");
	}
	if (x.heap_fd >= 0)
		close(x.heap_fd);
	if (x.udmabuf_fd >= 0)
		close(x.udmabuf_fd);
}

/* ------------------------------------------------------------------------ */
/* 5. Copy bandwidth                                                         */

struct copy_arg {
	struct dmaapi_array *a;
	struct dmaapi_map *m;
	void *src, *dst;
	size_t size;
};

static int copy_plain(void *p, uint64_t n, double *t)
{
	return ref_memcpy(p, n, t);
}

static int copy_array(void *p, uint64_t n, double *t)
{
	struct copy_arg *x = p;
	uint64_t i;
	int ret;

	(void)t;
	for (i = 0; i < n; i++) {
		ret = dmaapi_array_copy_from_slice(x->a, x->src, x->size);
		if (ret)
			return ret;
	}
	return 0;
}

static int copy_map(void *p, uint64_t n, double *t)
{
	struct copy_arg *x = p;
	uint64_t i;
	int ret;

	(void)t;
	for (i = 0; i < n; i++) {
		ret = dmaapi_map_copy_from_slice(x->m, x->src, x->size);
		if (ret)
			return ret;
	}
	return 0;
}

static const size_t copy_sizes[] = { 4 * KIB, 64 * KIB, MIB, 4 * MIB };

static void bench_copy(struct dmaapi_device *dev)
{
	size_t nsizes = opt.quick ? 1 : sizeof(copy_sizes) / sizeof(copy_sizes[0]);
	size_t i;
	int k;

	for (i = 0; i < nsizes; i++) {
		struct copy_arg x = { .size = copy_sizes[i] };
		/* struct sync_arg's memcpy reference: dst, src, size */
		struct sync_arg plain = { .size = x.size };
		struct stat3 ref = {};

		x.src = plain.src = alloc_user(x.size, true);
		x.dst = plain.dst = alloc_user(x.size, true);
		measure_or_na(copy_plain, &plain, &ref, "memcpy");
		for (k = 0; k < 3; k++) {
			static const char *const what[] = { "coherent array", "cached array",
							    "mapped array (user buffer)" };
			struct row *r = new_row(S_COPY, x.size, "copy_from_slice: %s", what[k]);
			const struct dmaapi_region *reg;
			int ret;

			r->ref[0] = ref;
			if (k < 2)
				ret = dmaapi_array_zero_with_flags(dev, 1, x.size, 64,
								   DMAAPI_TO_DEVICE,
								   k ? DMAAPI_MEM_CACHED : 0, &x.a);
			else
				ret = dmaapi_map_single_array(dev, x.dst, 1, x.size, 64,
							      DMAAPI_TO_DEVICE, &x.m);
			if (ret) {
				set_na(&r->ours, "%s failed: %s", k < 2 ? "allocation" : "map",
				       lib_err(ret));
				continue;
			}
			reg = k < 2 ? dmaapi_array_region(x.a) : dmaapi_map_region(x.m);
			snprintf(r->kind, sizeof(r->kind), "%s", region_kind(reg));
			measure_or_na(k < 2 ? copy_array : copy_map, &x, &r->ours, r->name);
			dmaapi_array_free(x.a);
			dmaapi_map_free(x.m);
			x.a = NULL;
			x.m = NULL;
		}
		free(x.src);
		free(x.dst);
	}
}

/* ------------------------------------------------------------------------ */
/* Output                                                                    */

static const char *const ref_names[][NREFS] = {
	[0] = { "plain load/store" },
	[1] = { "ENOTTY ioctl", "memcpy", "SYNC ioctl, no-op" },
	[2] = { "in-kernel map+unmap" },
	[3] = { "dma-heap system", "udmabuf" },
	[4] = { "memcpy" },
};

static int section_index(int section)
{
	return __builtin_ctz((unsigned int)section);
}

/* copy is shown in MB/s (higher is better), everything else in ns per op */
static double shown(const struct row *r, double ns)
{
	return r->section == S_COPY ? (ns > 0 ? r->size / ns * 1e3 : 0) : ns;
}

static double ratio(const struct row *r)
{
	if (!r->ours.ok || !r->ref[0].ok || r->ref[0].med <= 0)
		return NAN;
	return r->ours.med / r->ref[0].med;
}

static void judge(struct row *r)
{
	double q = ratio(r);

	if (!r->target)
		snprintf(r->verdict, sizeof(r->verdict), "-");
	else if (isnan(q))
		snprintf(r->verdict, sizeof(r->verdict), "n/a");
	else
		snprintf(r->verdict, sizeof(r->verdict), q <= r->target ? "met" : "MISSED");
}

static void fmt_stat(char *buf, size_t len, const struct row *r, const struct stat3 *s)
{
	if (!s->ok) {
		snprintf(buf, len, "n/a (%s)", s->na[0] ? s->na : "not measured");
		return;
	}
	if (r->section == S_COPY)
		snprintf(buf, len, "%.0f / %.0f / %.0f", shown(r, s->max), shown(r, s->med),
			 shown(r, s->min));
	else if (s->med >= 1e5)
		snprintf(buf, len, "%.0f / %.0f / %.0f us", s->min / 1e3, s->med / 1e3,
			 s->max / 1e3);
	else
		snprintf(buf, len, "%.1f / %.1f / %.1f", s->min, s->med, s->max);
}

static void print_tables(const char *header)
{
	int sec;
	size_t i;

	printf("%s\n", header);
	for (sec = 0; sec < 5; sec++) {
		int bit = 1 << sec, k, nref = 0;

		if (!(opt.sections & bit))
			continue;
		for (k = 0; k < NREFS; k++)
			if (ref_names[sec][k])
				nref = k + 1;
		printf("\n## %s (%s; min / median / max of %u runs)\n", section_names[sec],
		       bit == S_COPY ? "MB/s: max / median / min" : "ns per op", opt.runs);
		printf("| operation | size | how | ours |");
		for (k = 0; k < nref; k++)
			printf(" %s |", ref_names[sec][k]);
		printf(" ratio | target | |\n|---|---|---|---|");
		for (k = 0; k < nref; k++)
			printf("---|");
		printf("---|---|---|\n");
		for (i = 0; i < nrows; i++) {
			struct row *r = &rows[i];
			char size[32] = "", cell[160], q[32] = "-", tg[32] = "-";

			if (r->section != bit)
				continue;
			judge(r);
			if (r->size)
				fmt_size(size, sizeof(size), r->size);
			fmt_stat(cell, sizeof(cell), r, &r->ours);
			printf("| %s | %s | %s | %s |", r->name, size, r->kind, cell);
			for (k = 0; k < nref; k++) {
				fmt_stat(cell, sizeof(cell), r, &r->ref[k]);
				printf(" %s |", (r->ref[k].ok || r->ref[k].na[0]) ? cell : "");
			}
			if (!isnan(ratio(r)))
				snprintf(q, sizeof(q), "%.2fx", ratio(r));
			if (r->target)
				snprintf(tg, sizeof(tg), "<= %gx", r->target);
			printf(" %s | %s | %s |\n", q, tg, r->verdict);
		}
	}
}

static void json_str(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fprintf(out, "\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			fprintf(out, "\\u%04x", *s);
		else
			fputc(*s, out);
	}
	fputc('"', out);
}

static void json_stat(FILE *out, const struct stat3 *s)
{
	if (!s->ok) {
		fprintf(out, "{\"na\": ");
		json_str(out, s->na[0] ? s->na : "not measured");
		fprintf(out, "}");
		return;
	}
	fprintf(out, "{\"min\": %.3f, \"median\": %.3f, \"max\": %.3f}", s->min, s->med, s->max);
}

static void print_json(FILE *out, const struct utsname *u,
		       const struct dmaapi_device_info *info)
{
	unsigned int met = 0, missed = 0;
	size_t i;
	int k;

	fprintf(out, "{\n  \"tool\": \"dmaapi-bench\",\n  \"libdmaapi\": ");
	json_str(out, dmaapi_version());
	fprintf(out, ",\n  \"kernel\": ");
	json_str(out, u->release);
	fprintf(out, ",\n  \"device\": ");
	json_str(out, *opt.device ? opt.device : "/dev/dmaapi");
	fprintf(out, ",\n  \"dma_mask_bits\": %u,\n  \"coherent\": %s,\n  \"iommu\": %s,\n"
	       "  \"runs\": %u,\n  \"unit\": \"ns per op\",\n  \"results\": [\n",
	       opt.mask_bits, info->flags & DMAAPI_INFO_COHERENT ? "true" : "false",
	       info->flags & DMAAPI_INFO_IOMMU ? "true" : "false", opt.runs);
	for (i = 0; i < nrows; i++) {
		struct row *r = &rows[i];
		int sec = section_index(r->section);
		double q = ratio(r);

		judge(r);
		if (!strcmp(r->verdict, "met"))
			met++;
		else if (!strcmp(r->verdict, "MISSED"))
			missed++;
		fprintf(out, "    {\"section\": \"%s\", \"operation\": ", section_names[sec]);
		json_str(out, r->name);
		fprintf(out, ", \"size\": %zu, \"how\": ", r->size);
		json_str(out, r->kind);
		fprintf(out, ", \"ours\": ");
		json_stat(out, &r->ours);
		fprintf(out, ", \"references\": {");
		for (k = 0; k < NREFS && ref_names[sec][k]; k++) {
			fprintf(out, "%s", k ? ", " : "");
			json_str(out, ref_names[sec][k]);
			fprintf(out, ": ");
			json_stat(out, &r->ref[k]);
		}
		fprintf(out, "}");
		if (!isnan(q))
			fprintf(out, ", \"ratio\": %.4f", q);
		if (r->target)
			fprintf(out, ", \"target\": %g, \"met\": %s", r->target,
			       !strcmp(r->verdict, "met") ? "true" : "false");
		fprintf(out, "}%s\n", i + 1 < nrows ? "," : "");
	}
	fprintf(out, "  ],\n  \"targets_met\": %u,\n  \"targets_missed\": %u\n}\n", met, missed);
}

/* ------------------------------------------------------------------------ */
/* Main                                                                      */

static void usage(FILE *f)
{
	fprintf(f,
		"usage: dmaapi-bench [options]\n"
		"\n"
		"Measures libdmaapi and dmaapi.ko beside the kernel's own references, in\n"
		"the same boot, and prints a table per section (or JSON).\n"
		"\n"
		"  -d, --device NAME     a bound device (e.g. 0000:00:02.0), a node path,\n"
		"                        or \"\" for /dev/dmaapi (default: the first\n"
		"                        /dev/dmaapi-* there is, else /dev/dmaapi)\n"
		"  -b, --mask-bits N     DMA mask of the benchmark's buffers (default 32)\n"
		"  -s, --sections LIST   comma-separated: access,sync,map,alloc,copy (default all)\n"
		"  -r, --runs N          runs per figure, min/median/max (default 5, max %d)\n"
		"  -t, --time MS         milliseconds per run (default 100)\n"
		"  -k, --kernel-seconds S  seconds per run of the in-kernel map benchmark (default 1)\n"
		"      --no-kernel-ref   do not rebind the device to dma_map_benchmark\n"
		"      --backend heap    ordinary memory, no kernel: the access section only\n"
		"                        (what the inline accesses cost on this CPU)\n"
		"  -q, --quick           a smoke test: few sizes, short runs\n"
		"  -j, --json            JSON instead of the tables\n"
		"      --json-file PATH  the tables on stdout, and the JSON into PATH\n"
		"  -o, --output PATH     write the tables (or --json) to PATH, not stdout\n"
		"  -h, --help            this text\n"
		"\n"
		"The map section rebinds a PCI device to the kernel's \"dma_map_benchmark\"\n"
		"driver (CONFIG_DMA_MAP_BENCHMARK, debugfs mounted) and back to dmaapi:\n"
		"nothing else may have the device open.  Run as root.\n",
		MAX_RUNS);
}

static unsigned int parse_uint(const char *s, const char *what, unsigned int lo, unsigned int hi)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 0);
	if (errno || *end || end == s || v < lo || v > hi)
		fatal("%s must be %u..%u, not '%s'", what, lo, hi, s);
	return (unsigned int)v;
}

static unsigned int parse_sections(const char *list)
{
	char *copy = strdup(list), *tok, *save = NULL;
	unsigned int mask = 0, i;

	if (!copy)
		fatal("out of memory");
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		for (i = 0; i < 5; i++)
			if (!strcmp(tok, section_names[i]))
				break;
		if (i == 5) {
			if (strcmp(tok, "all"))
				fatal("unknown section '%s' (access, sync, map, alloc, copy, all)", tok);
			mask |= S_ALL;
		} else {
			mask |= 1U << i;
		}
	}
	free(copy);
	return mask;
}

/* The first bound device's name, or "" for /dev/dmaapi. */
static const char *default_device(void)
{
	static char name[256];
	DIR *d = opendir("/dev");
	struct dirent *e;

	name[0] = 0;
	while (d && (e = readdir(d)))
		if (!strncmp(e->d_name, "dmaapi-", 7) &&
		    (!name[0] || strcmp(e->d_name + 7, name) < 0))
			snprintf(name, sizeof(name), "%s", e->d_name + 7);
	if (d)
		closedir(d);
	return name;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "device", required_argument, NULL, 'd' },
		{ "mask-bits", required_argument, NULL, 'b' },
		{ "sections", required_argument, NULL, 's' },
		{ "runs", required_argument, NULL, 'r' },
		{ "time", required_argument, NULL, 't' },
		{ "kernel-seconds", required_argument, NULL, 'k' },
		{ "no-kernel-ref", no_argument, NULL, 'K' },
		{ "backend", required_argument, NULL, 'B' },
		{ "quick", no_argument, NULL, 'q' },
		{ "json", no_argument, NULL, 'j' },
		{ "json-file", required_argument, NULL, 'J' },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct dmaapi_device_info info;
	struct dmaapi_device *dev;
	struct utsname u;
	char header[512];
	bool runs_set = false, time_set = false;
	int c, ret;

	opt.sections = S_ALL;
	opt.device = NULL;
	while ((c = getopt_long(argc, argv, "d:b:s:r:t:k:qjo:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'd': opt.device = optarg; break;
		case 'b': opt.mask_bits = parse_uint(optarg, "--mask-bits", 12, 64); break;
		case 's': opt.sections = parse_sections(optarg); break;
		case 'r': opt.runs = parse_uint(optarg, "--runs", 1, MAX_RUNS); runs_set = true; break;
		case 't': opt.time_ms = parse_uint(optarg, "--time", 1, 60000); time_set = true; break;
		case 'k': opt.kernel_seconds = parse_uint(optarg, "--kernel-seconds", 1, 300); break;
		case 'K': opt.kernel_ref = false; break;
		case 'B':
			if (strcmp(optarg, "heap") && strcmp(optarg, "kernel"))
				fatal("--backend is kernel or heap, not '%s'", optarg);
			heap_backend = !strcmp(optarg, "heap");
			break;
		case 'q': opt.quick = true; break;
		case 'j': opt.json = true; break;
		case 'J': opt.json_file = optarg; break;
		case 'o':
			if (!freopen(optarg, "w", stdout))
				fatal("cannot write %s: %s", optarg, strerror(errno));
			break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "dmaapi-bench: unexpected argument '%s'\n", argv[optind]);
		usage(stderr);
		return 2;
	}
	if (opt.quick) {
		if (!runs_set)
			opt.runs = 3;
		if (!time_set)
			opt.time_ms = 10;
	}
	if (heap_backend) {
		if (opt.sections & ~S_ACCESS)
			fprintf(stderr, "dmaapi-bench: --backend heap: the access section only\n");
		opt.sections = S_ACCESS;
		opt.device = "(heap backend)";
	}
	if (!opt.device)
		opt.device = default_device();

	dev = open_device();
	ret = dmaapi_device_info(dev, &info);
	if (ret)
		fatal("GET_INFO: %s", lib_err(ret));
	dev_noncoherent = !(info.flags & DMAAPI_INFO_COHERENT);
	uname(&u);
	snprintf(header, sizeof(header),
		 "# dmaapi-bench: libdmaapi %s, kernel %s, device %s, %u-bit mask, %s, %s",
		 dmaapi_version(), u.release, *opt.device ? opt.device : "/dev/dmaapi",
		 opt.mask_bits, info.flags & DMAAPI_INFO_COHERENT ? "coherent" : "non-coherent",
		 info.flags & DMAAPI_INFO_IOMMU ? "IOMMU" : "no IOMMU");
	if (opt.sections & S_ACCESS)
		bench_access(dev);
	if (opt.sections & S_SYNC)
		bench_sync(dev);
	if (opt.sections & S_MAP)
		dev = bench_map(dev);
	if (opt.sections & S_ALLOC)
		bench_alloc(dev);
	if (opt.sections & S_COPY)
		bench_copy(dev);
	dmaapi_device_close(dev);

	if (opt.json_file) {
		FILE *f = fopen(opt.json_file, "w");

		if (!f)
			fatal("cannot write %s: %s", opt.json_file, strerror(errno));
		print_json(f, &u, &info);
		if (fclose(f))
			fatal("cannot write %s: %s", opt.json_file, strerror(errno));
	}
	if (opt.json)
		print_json(stdout, &u, &info);
	else
		print_tables(header);
	free(rows);
	if (fflush(stdout) || ferror(stdout))
		fatal("writing the results: %s", strerror(errno));
	return 0;
}

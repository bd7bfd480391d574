// SPDX-License-Identifier: GPL-2.0
/*
 * dmaapi-bench, the kernel side: map + unmap beside the in-kernel
 * dma_map_benchmark, allocate + mmap + first touch beside the dma-heap system
 * heap and udmabuf.
 */
#include "dmaapi-bench.h"

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

/* ------------------------------------------------------------------------ */
/* 3. Map + unmap                                                            */

struct map_arg {
	struct dmaapi_device *dev;
	int fd;			/* the device's kernel file; -1: a custom backend */
	uint32_t map_flags;	/* MAP_USER flags: DMAAPI_MAP_USER_NOCACHE, or 0 */
	void *buf;
	size_t size;
	uint32_t flags;		/* region flags of the last map */
};

/*
 * MAP_USER + FREE on the device's file, so that the first-map rows can
 * bypass the registration cache (DMAAPI_MAP_USER_NOCACHE, which the library
 * does not pass) and the cached rows measure the same two ioctls; a custom
 * backend maps through the library.
 */
static int map_unmap(void *p, uint64_t n, double *t)
{
	struct map_arg *x = p;
	struct dmaapi_map *m;
	uint64_t i;
	int ret;

	(void)t;
	for (i = 0; i < n; i++) {
		struct dmaapi_map_user mu = {
			.size = sizeof(mu),
			.flags = x->map_flags,
			.uaddr = (uintptr_t)x->buf,
			.length = x->size,
			.direction = DMAAPI_DIR_BIDIRECTIONAL,
		};
		struct dmaapi_free f = { .size = sizeof(f) };

		if (x->fd < 0) {
			ret = dmaapi_map_single_array(x->dev, x->buf, 1, x->size, 1,
						      DMAAPI_BIDIRECTIONAL, &m);
			if (ret)
				return ret;
			x->flags = dmaapi_map_region(m)->flags;
			dmaapi_map_free(m);
			continue;
		}
		if (ioctl(x->fd, DMAAPI_IOCTL_MAP_USER, &mu))
			return -errno;
		x->flags = 0;
		if (mu.out_flags & DMAAPI_OUT_NEED_SYNC)
			x->flags |= DMAAPI_REGION_NEED_SYNC;
		if (mu.out_flags & DMAAPI_OUT_BOUNCED)
			x->flags |= DMAAPI_REGION_BOUNCED;
		f.handle = mu.handle;
		if (ioctl(x->fd, DMAAPI_IOCTL_FREE, &f))
			return -errno;
	}
	return 0;
}

/*
 * Does the node cache MAP_USER's pins?  Its sysfs "regcache" reads the
 * counters and the limit, or "unsupported: ..." (no MMU notifiers); @why
 * gets the reason when it does not.
 */
static bool regcache_on(char *why, size_t len)
{
	const char *name = opt.device;
	char path[160], line[160] = "";
	unsigned int limit = 0;
	const char *l;
	FILE *f;

	/* "" is /dev/dmaapi, a path names the node, else a bound device */
	if (!name || !*name)
		snprintf(path, sizeof(path), "/sys/class/misc/dmaapi/regcache");
	else if (strchr(name, '/'))
		snprintf(path, sizeof(path), "/sys/class/misc/%.100s/regcache",
			 strrchr(name, '/') + 1);
	else
		snprintf(path, sizeof(path), "/sys/class/misc/dmaapi-%.100s/regcache", name);
	f = fopen(path, "re");
	if (!f) {
		snprintf(why, len, "no sysfs regcache: a module without a registration cache");
		return false;
	}
	if (!fgets(line, sizeof(line), f))
		line[0] = 0;
	fclose(f);
	line[strcspn(line, "\n")] = 0;
	l = strstr(line, "limit=");
	if (!l || sscanf(l, "limit=%u", &limit) != 1 || !limit) {
		snprintf(why, len, "no registration cache: %.120s", line);
		return false;
	}
	return true;
}

static const size_t map_sizes[] = { 4 * KIB, 16 * KIB, 64 * KIB, 256 * KIB, MIB, 4 * MIB };

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
	ret = dev_rebind("pci", bdf, MAP_BENCH_DRIVER);
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
	ret = dev_rebind("pci", bdf, "dmaapi");
	if (ret)
		fatal("binding %s back to dmaapi: %s", bdf, strerror(-ret));
}

/* Runs with the device closed around the kernel's benchmark: returns it reopened. */
struct dmaapi_device *bench_map(struct dmaapi_device *dev)
{
	size_t nsizes = opt.quick ? 1 : sizeof(map_sizes) / sizeof(map_sizes[0]);
	struct stat3 kref[sizeof(map_sizes) / sizeof(map_sizes[0])];
	int fd = dmaapi_device_fd(dev);
	size_t i, first, n;
	struct row *rows;
	char why[200];
	bool cache;

	cache = fd >= 0 && regcache_on(why, sizeof(why));
	if (fd < 0)
		snprintf(why, sizeof(why), "no kernel file (a custom backend): no cache to hit");
	/* rows move as new ones are added: remembered by index */
	bench_rows(&first);
	for (i = 0; i < nsizes; i++) {
		struct map_arg x = { .dev = dev, .fd = fd, .size = map_sizes[i] };
		struct row *r = new_row(S_MAP, map_sizes[i], "map + unmap");
		char kind[sizeof(r->kind)] = "";

		x.buf = alloc_user(x.size, true);
		/* a first map every time: pinned, mapped, unmapped, unpinned */
		x.map_flags = DMAAPI_MAP_USER_NOCACHE;
		measure_or_na(map_unmap, &x, &r->ours, "map");
		if (r->ours.ok)
			snprintf(kind, sizeof(kind), "%s",
				 !(x.flags & DMAAPI_REGION_NEED_SYNC) ? "direct" :
				 (x.flags & DMAAPI_REGION_BOUNCED) ? "bounced" :
				 dev_noncoherent ? "direct, cache maint." : "direct, synced");
		snprintf(r->kind, sizeof(r->kind), "%s", kind);
		/* the same buffer again and again: the pins come from the cache */
		r = new_row(S_MAP, map_sizes[i], "map + unmap, cached");
		r->target = 3;
		snprintf(r->kind, sizeof(r->kind), "%s", kind);
		x.map_flags = 0;
		if (cache)
			measure_or_na(map_unmap, &x, &r->ours, "map");
		else
			set_na(&r->ours, "%s", why);
		free(x.buf);
	}
	memset(kref, 0, sizeof(kref));
	dmaapi_device_close(dev);
	kernel_map_bench(kref, nsizes);
	/* each size has its first-map row and its cached row */
	rows = bench_rows(&n);
	for (i = 0; i < 2 * nsizes; i++)
		rows[first + i].ref[0] = kref[i / 2];
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

/*
 * The heap's buffer made usable by the device: what a user of the heap
 * pays before the first DMA (the heap maps nothing for a device until a
 * driver attaches the dma-buf; dmaapi's import attaches, maps and mmaps).
 */
static int alloc_heap_import(void *p, uint64_t n, double *t)
{
	struct alloc_arg *x = p;
	struct dmaapi_map *m;
	uint64_t i;
	int ret;

	*t = 0;
	for (i = 0; i < n; i++) {
		struct dma_heap_allocation_data d = { .len = x->size, .fd_flags = O_RDWR | O_CLOEXEC };
		double t0 = now_ns();

		if (ioctl(x->heap_fd, DMA_HEAP_IOCTL_ALLOC, &d))
			return -errno;
		ret = dmaapi_map_import_dmabuf(x->dev, (int)d.fd, 1, DMAAPI_BIDIRECTIONAL, &m);
		close((int)d.fd);
		if (ret)
			return ret;
		touch(dmaapi_map_as_ptr(m), x->size);
		*t += now_ns() - t0;
		dmaapi_map_free(m);
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

void bench_alloc(struct dmaapi_device *dev)
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
		r->target = 0.9;
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
		if (x.heap_fd < 0)
			set_na(&r->ref[2], "/dev/dma_heap/system: %s", strerror(heap_err));
		else
			measure_or_na(alloc_heap_import, &x, &r->ref[2], "dma-heap + import");
	}
	if (x.heap_fd >= 0)
		close(x.heap_fd);
	if (x.udmabuf_fd >= 0)
		close(x.udmabuf_fd);
}


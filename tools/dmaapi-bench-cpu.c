// SPDX-License-Identifier: GPL-2.0
/*
 * dmaapi-bench, the CPU side: element access, sync latency, copy bandwidth.
 */
#include "dmaapi-bench.h"

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

/*
 * The measured loops: @n calls of one operation, each its own function so
 * that the operation is inlined into its loop and nothing else is timed.
 * CALL_LOOP stops at the first call that fails; READ_LOOP also sums what
 * each call left in v, so that the reads cannot be optimised away.
 */
#define CALL_LOOP(fn, argtype, call)				\
	static int fn(void *p, uint64_t n, double *t)		\
	{							\
		argtype *x = p;					\
		uint64_t i;					\
		int ret;					\
								\
		(void)t;					\
		for (i = 0; i < n; i++) {			\
			ret = (call);				\
			if (ret)				\
				return ret;			\
		}						\
		return 0;					\
	}

#define READ_LOOP(fn, vtype, call)				\
	static int fn(void *p, uint64_t n, double *t)		\
	{							\
		struct access_arg *x = p;			\
		uint64_t i, sum = 0;				\
		vtype v;					\
		int ret;					\
								\
		(void)t;					\
		for (i = 0; i < n; i++) {			\
			ret = (call);				\
			if (ret)				\
				return ret;			\
			sum += v;				\
		}						\
		sink = sum;					\
		return 0;					\
	}

#define ACCESS_AT(i) ((i) & (ACCESS_LEN - 1))

/* the references: a plain load or store, no call */
READ_LOOP(access_plain_read, uint32_t, (v = x->plain[ACCESS_AT(i)], 0))
CALL_LOOP(access_plain_set, struct access_arg, (x->plain[ACCESS_AT(i)] = (uint32_t)i, 0))
READ_LOOP(access_plain_box_read, uint64_t, (v = *x->plain_box, 0))
CALL_LOOP(access_plain_box_write, struct access_arg, (*x->plain_box = i, 0))

/* the untyped calls: the element size is the container's */
READ_LOOP(access_array_read, uint32_t, dmaapi_array_read(x->a, ACCESS_AT(i), &v))
CALL_LOOP(access_array_set, struct access_arg,
	  dmaapi_array_set(x->a, ACCESS_AT(i), &(uint32_t){ (uint32_t)i }))
READ_LOOP(access_box_read, uint64_t, dmaapi_box_read(x->b, &v))
CALL_LOOP(access_box_write, struct access_arg, dmaapi_box_write(x->b, &i))

/* The typed accessors (DMAAPI_*_GET/PUT): the element type is known here. */
READ_LOOP(access_array_get, uint32_t, DMAAPI_ARRAY_GET(x->a, ACCESS_AT(i), &v))
CALL_LOOP(access_array_put, struct access_arg,
	  DMAAPI_ARRAY_PUT(x->a, ACCESS_AT(i), &(uint32_t){ (uint32_t)i }))
READ_LOOP(access_box_get, uint64_t, DMAAPI_BOX_GET(x->b, &v))
CALL_LOOP(access_box_put, struct access_arg, DMAAPI_BOX_PUT(x->b, &i))

static void bench_access_mem(struct dmaapi_device *dev, uint32_t flags, const char *mem)
{
	static const struct {
		const char *name;
		bench_fn ours, ref;
		bool box;
		double target; /* where no sync is needed */
	} ops[] = {
		{ "array read (u32)", access_array_read, access_plain_read, false, 2 },
		{ "array set (u32)", access_array_set, access_plain_set, false, 2 },
		{ "box read (u64)", access_box_read, access_plain_box_read, true, 2 },
		{ "box write (u64)", access_box_write, access_plain_box_write, true, 2 },
		{ "ARRAY_GET (u32, typed)", access_array_get, access_plain_read, false, 1.5 },
		{ "ARRAY_PUT (u32, typed)", access_array_put, access_plain_set, false, 1.5 },
		{ "BOX_GET (u64, typed)", access_box_get, access_plain_box_read, true, 1.5 },
		{ "BOX_PUT (u64, typed)", access_box_put, access_plain_box_write, true, 1.5 },
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
			r->target = ops[i].target;
		measure_or_na(ops[i].ours, &x, &r->ours, ops[i].name);
	}
	dmaapi_array_free(x.a);
	dmaapi_box_free(x.b);
	free((void *)x.plain);
	free((void *)x.plain_box);
}

void bench_access(struct dmaapi_device *dev)
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

CALL_LOOP(sync_confirm, struct sync_arg, dmaapi_map_confirm_write_all(x->m))
CALL_LOOP(sync_prepare, struct sync_arg, dmaapi_map_prepare_read_all(x->m))
CALL_LOOP(sync_array_confirm, struct sync_arg, dmaapi_array_confirm_write(x->a, 0, x->size))
CALL_LOOP(sync_array_prepare, struct sync_arg, dmaapi_array_prepare_read(x->a, 0, x->size))

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

/*
 * A copy with one 8-byte load and store at a time, as the kernel's own
 * memcpy does it where rep movsb is not fast (x86's memcpy_orig): the
 * floor of a bounce copied in the kernel, which under TCG costs by the
 * memory operation rather than by the byte (docs/benchmarks.md).
 */
static int ref_copy8(void *p, uint64_t n, double *t)
{
	struct sync_arg *x = p;
	uint64_t i;
	size_t k, words = x->size / 8;

	(void)t;
	for (i = 0; i < n; i++) {
		volatile uint64_t *d = x->dst;
		const volatile uint64_t *s = x->src;

		for (k = 0; k < words; k++)
			d[k] = s[k];
	}
	return 0;
}

/* the sizes the sync target applies to: up to a page */
#define SYNC_TARGET_MAX (4 * KIB)

/*
 * The latency target of a needed sync of @size bytes, against the rejected
 * ioctl (issue #18): 2x where it bounces (the copy is swiotlb's own),
 * 1.3x where it is cache maintenance, 1.5x otherwise; none past a page,
 * where the sync is a copy of the size, or where no sync is needed.
 */
static double sync_target(const struct dmaapi_region *reg, size_t size)
{
	if (!(reg->flags & DMAAPI_REGION_NEED_SYNC) || size > SYNC_TARGET_MAX)
		return 0;
	if (reg->flags & DMAAPI_REGION_BOUNCED)
		return 2.0;
	return dev_noncoherent ? 1.3 : 1.5;
}

static const size_t sync_sizes[] = { 64, 256, KIB, 4 * KIB, 16 * KIB, 64 * KIB, 256 * KIB,
				     MIB, 4 * MIB };

void bench_sync(struct dmaapi_device *dev)
{
	struct dmaapi_alloc a = { .size = sizeof(a), .length = 4096 };
	struct sync_arg x = { .fd = dmaapi_device_fd(dev) };
	struct stat3 ppid = {}, enotty = {}, noop = {}, copy_ref[2], copy8 = {};
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
			if (!d)
				measure_or_na(ref_copy8, &x, &copy8, "8-byte copy loop");
			r->ref[3] = copy8;
			if (ret) {
				set_na(&r->ours, "map failed: %s", lib_err(ret));
				continue;
			}
			snprintf(r->kind, sizeof(r->kind), "%s", region_kind(dmaapi_map_region(m)));
			r->target = sync_target(dmaapi_map_region(m), size);
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
			r->ref[3] = copy8;
			if (ret) {
				set_na(&r->ours, "allocation failed: %s", lib_err(ret));
				continue;
			}
			snprintf(r->kind, sizeof(r->kind), "%s",
				 region_kind(dmaapi_array_region(x.a)));
			r->target = sync_target(dmaapi_array_region(x.a), size);
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

CALL_LOOP(copy_array, struct copy_arg, dmaapi_array_copy_from_slice(x->a, x->src, x->size))
CALL_LOOP(copy_map, struct copy_arg, dmaapi_map_copy_from_slice(x->m, x->src, x->size))

static const size_t copy_sizes[] = { 4 * KIB, 64 * KIB, MIB, 4 * MIB };

void bench_copy(struct dmaapi_device *dev)
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


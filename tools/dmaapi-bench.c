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
#include "dmaapi-bench.h"

/* ------------------------------------------------------------------------ */
/* Options and output                                                        */

struct bench_opt opt = { .mask_bits = 32, .runs = 5, .time_ms = 100, .kernel_seconds = 1,
	  .kernel_ref = true };

static const char *const section_names[NSECTIONS] = { "access", "sync", "map", "alloc", "copy",
						       "irq" };

static struct row *rows;
static size_t nrows, cap_rows;

struct row *new_row(int section, size_t size, const char *fmt, ...)
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

void set_na(struct stat3 *s, const char *fmt, ...)
{
	va_list ap;

	s->ok = false;
	va_start(ap, fmt);
	vsnprintf(s->na, sizeof(s->na), fmt, ap);
	va_end(ap);
}

void fatal(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "dmaapi-bench: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

const char *lib_err(int ret)
{
	static char buf[128];
	const struct dmaapi_error *e = dmaapi_last_error();

	snprintf(buf, sizeof(buf), "%s%s%s", dmaapi_strerror(ret), e->sys_errno ? ": " : "",
		 e->sys_errno ? strerror(e->sys_errno) : "");
	return buf;
}

/* ------------------------------------------------------------------------ */
/* Timing                                                                    */

double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

int cmp_double(const void *a, const void *b)
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

int measure(bench_fn fn, void *arg, struct stat3 *s)
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

void measure_or_na(bench_fn fn, void *arg, struct stat3 *s, const char *what)
{
	int ret = measure(fn, arg, s);

	if (ret)
		set_na(s, "%s failed: %s", what,
		       ret <= -1 && ret >= -DMAAPI_ERR_SYSTEM ? lib_err(ret) : strerror(-ret));
}

/* ------------------------------------------------------------------------ */
/* Helpers                                                                   */

void *alloc_user(size_t size, bool huge)
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

bool dev_noncoherent;

const char *region_kind(const struct dmaapi_region *r)
{
	if (!(r->flags & DMAAPI_REGION_NEED_SYNC))
		return "no sync needed";
	if (r->flags & DMAAPI_REGION_BOUNCED)
		return "bounced";
	return dev_noncoherent ? "cache maintenance" : "synced";
}

void fmt_size(char *buf, size_t len, size_t size)
{
	if (size >= MIB && !(size % MIB))
		snprintf(buf, len, "%zu MiB", size / MIB);
	else if (size >= KIB && !(size % KIB))
		snprintf(buf, len, "%zu KiB", size / KIB);
	else
		snprintf(buf, len, "%zu B", size);
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

struct dmaapi_device *open_device(void)
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

/* Every row so far, for a section that fills in a reference later. */
struct row *bench_rows(size_t *n)
{
	*n = nrows;
	return rows;
}

/* ------------------------------------------------------------------------ */
/* Output                                                                    */

static const char *const ref_names[][NREFS] = {
	[0] = { "plain load/store" },
	[1] = { "ENOTTY ioctl", "memcpy", "SYNC ioctl, no-op", "8-byte copy loop" },
	[2] = { "in-kernel map+unmap", "VFIO MAP+UNMAP_DMA" },
	[3] = { "dma-heap system", "udmabuf", "dma-heap + device map" },
	[4] = { "memcpy" },
	[5] = { "uio_pci_generic, INTx" },
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
	for (sec = 0; sec < NSECTIONS; sec++) {
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
		"                        and irq (not in all: rebinds edu to uio_pci_generic)\n"
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
		for (i = 0; i < NSECTIONS; i++)
			if (!strcmp(tok, section_names[i]))
				break;
		if (i == NSECTIONS) {
			if (strcmp(tok, "all"))
				fatal("unknown section '%s' (access, sync, map, alloc, copy, irq, all)",
				      tok);
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
	if (opt.sections & S_MAP) {
		dev = bench_map(dev);
		bench_map_vfio();
	}
	if (opt.sections & S_ALLOC)
		bench_alloc(dev);
	if (opt.sections & S_COPY)
		bench_copy(dev);
	if (opt.sections & S_IRQ)
		dev = bench_irq(dev);
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

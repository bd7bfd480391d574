/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dmaapi-bench's parts: the core (dmaapi-bench.c: options, timing, rows and
 * their output), the CPU-side sections (dmaapi-bench-cpu.c: access, sync,
 * copy) and the kernel-side ones (dmaapi-bench-kernel.c: map, alloc;
 * dmaapi-bench-vfio.c: the VFIO reference of map).
 */
#ifndef DMAAPI_BENCH_H
#define DMAAPI_BENCH_H

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

#include "sys_util.h"	/* selftests/: write_file, dev_rebind */

#define KIB ((size_t)1024)
#define MIB ((size_t)1024 * 1024)
#define MAX_RUNS 64
#define NREFS 4
#define HUGE_ALIGN (2 * MIB)

struct bench_opt {
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
};
extern struct bench_opt opt;

enum { S_ACCESS = 1, S_SYNC = 2, S_MAP = 4, S_ALLOC = 8, S_COPY = 16, S_ALL = 31 };
/* section irq (dmaapi-bench-irq.c): only on request, it rebinds edu to UIO */
enum { S_IRQ = 32, NSECTIONS = 6 };

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

/*
 * An operation under test: runs @n iterations and returns 0, or a negative
 * errno / DMAAPI code.  If it sets *@timed_ns (>= 0), only that time counts
 * (setup and teardown inside the loop excluded); else the whole call.
 */
typedef int (*bench_fn)(void *arg, uint64_t n, double *timed_ns);

struct row *new_row(int section, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void set_na(struct stat3 *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
const char *lib_err(int ret);
int cmp_double(const void *a, const void *b);
double now_ns(void);
/* ns per operation: min / median / max over opt.runs runs */
int measure(bench_fn fn, void *arg, struct stat3 *s);
void measure_or_na(bench_fn fn, void *arg, struct stat3 *s, const char *what);
void *alloc_user(size_t size, bool huge);
/* the device is not cache-coherent: a sync that does not bounce is cache maintenance */
extern bool dev_noncoherent;
const char *region_kind(const struct dmaapi_region *r);
void fmt_size(char *buf, size_t len, size_t size);
struct dmaapi_device *open_device(void);

/* the sections */
void bench_access(struct dmaapi_device *dev);
void bench_sync(struct dmaapi_device *dev);
void bench_copy(struct dmaapi_device *dev);
/* runs with the device closed around the kernel's benchmark: returns it reopened */
struct dmaapi_device *bench_map(struct dmaapi_device *dev);
void bench_alloc(struct dmaapi_device *dev);
/* rebinds the edu device to uio_pci_generic and back: returns it reopened */
struct dmaapi_device *bench_irq(struct dmaapi_device *dev);
/* the VFIO type1 column of the map rows (dmaapi-bench-vfio.c) */
void bench_map_vfio(void);
struct row *bench_rows(size_t *n);

#endif /* DMAAPI_BENCH_H */

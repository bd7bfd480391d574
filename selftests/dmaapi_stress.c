// SPDX-License-Identifier: GPL-2.0
/*
 * dmaapi_stress: randomized sequences of valid and invalid ioctls against a
 * dmaapi node, from several threads on one file and from several processes,
 * interleaved with mmap/munmap/close/fork/SIGKILL.  Driven by a seed that it
 * prints, so any failure replays with --seed.
 *
 * What it checks itself: every ioctl answers 0 or an errno the UAPI header
 * documents; fresh allocations read back as zero through mmap; nothing but
 * the test's own SIGKILL ends a process.  What the kernel finds (KASAN,
 * lockdep, DMA-API debug, kmemleak) the VM runner reads from dmesg.
 *
 * --fault arms failslab and fail_page_alloc (debugfs) for the stress
 * processes only, and fails unless at least one fault was injected.  Under
 * --fault a process may give up when one of its own setup steps (open of
 * the node, its heap, its threads) fails with an out-of-memory error: it
 * exits with GAVE_UP, which is counted and printed; any other setup error
 * fails the test, with or without --fault.
 *
 * KTAP: test 1 "stress" (and, with --fault, test 2 "faults_injected").
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/dmaapi.h>

#include "kselftest.h"

/* A process's exit codes: setup failed, or gave up on an injected fault. */
#define SETUP_FAILED	3
#define GAVE_UP		5

static const char *node = "/dev/dmaapi";
static unsigned int seconds = 20, nthreads = 4, nprocs = 3;
static uint64_t seed;
static bool fault;

/* Shared between processes: counters live in a MAP_SHARED page. */
struct counters {
	atomic_ullong ioctls;
	atomic_ullong ok;
	atomic_ullong mmaps;
	atomic_ullong bad_errno;
	atomic_ullong bad_data;
	atomic_ullong forks;
	atomic_ullong killed;
	atomic_ullong gave_up;
	char first_bad[256];
	atomic_int first_bad_set;
};
static struct counters *cnt;

static uint64_t rnd(uint64_t *s)
{
	/* xorshift64* */
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 2685821657736338717ULL;
}

static uint64_t pick(uint64_t *s, uint64_t n)
{
	return n ? rnd(s) % n : 0;
}

static void bad(const char *fmt, unsigned long a, unsigned long b)
{
	if (!atomic_exchange(&cnt->first_bad_set, 1))
		snprintf(cnt->first_bad, sizeof(cnt->first_bad), fmt, a, b);
}

/* The errnos include/uapi/linux/dmaapi.h documents for ioctls. */
static bool documented(int e)
{
	switch (e) {
	case ENOTTY: case E2BIG: case EINVAL: case EOPNOTSUPP: case ENOENT: case ENOMEM:
	case EOVERFLOW: case ERANGE: case EDOM: case EFAULT: case EIO: case ENODEV:
	case EPERM: case EBUSY:
		return true;
	}
	return false;
}

static int do_ioctl(int fd, unsigned long cmd, void *arg)
{
	int ret = ioctl(fd, cmd, arg);

	atomic_fetch_add(&cnt->ioctls, 1);
	if (!ret) {
		atomic_fetch_add(&cnt->ok, 1);
		return 0;
	}
	if (errno == EBADF)		/* another thread closed the file */
		return -EBADF;
	if (!documented(errno)) {
		atomic_fetch_add(&cnt->bad_errno, 1);
		bad("ioctl %#lx: undocumented errno %lu", cmd, (unsigned long)errno);
	}
	return -errno;
}

/* A struct buffer with room for a tail past the kernel's struct. */
union arg {
	struct dmaapi_info info;
	struct dmaapi_set_mask mask;
	struct dmaapi_alloc alloc;
	struct dmaapi_free free;
	struct dmaapi_map_user map;
	struct dmaapi_sync sync;
	uint8_t raw[256];
};

static __u32 rnd_size(uint64_t *s, size_t real)
{
	switch (pick(s, 8)) {
	case 0: return (__u32)pick(s, real);		/* too short */
	case 1: return (__u32)(real + 8 + pick(s, 64));	/* longer */
	case 2: return (__u32)pick(s, 0x100000);	/* absurd */
	default: return (__u32)real;
	}
}

static uint32_t rnd_flags(uint64_t *s, uint32_t valid)
{
	switch (pick(s, 6)) {
	case 0: return (uint32_t)rnd(s);
	case 1: return 0;
	default: return valid & (uint32_t)rnd(s);
	}
}

static uint64_t rnd_len(uint64_t *s)
{
	switch (pick(s, 10)) {
	case 0: return 0;
	case 1: return rnd(s);
	case 2: return 1ULL << pick(s, 40);
	default: return 1 + pick(s, 64 * 1024);
	}
}

struct worker {
	int *fd;		/* shared by the threads of a process */
	int priv_fd;		/* this thread's own file, or -1 */
	uint64_t seed;
	time_t end;
	uint32_t handles[64];	/* handles this worker saw created */
	uint8_t *heap;
};

static uint32_t rnd_handle(struct worker *w)
{
	if (pick(&w->seed, 5) == 0)
		return (uint32_t)pick(&w->seed, 3000);
	return w->handles[pick(&w->seed, 64)];
}

static void remember(struct worker *w, uint32_t h)
{
	w->handles[pick(&w->seed, 64)] = h;
}

/*
 * Allocations whose memory passes this are never kept: freed, and unmapped,
 * before the worker goes on.  Kept ones (up to max_handles a file, until a
 * random FREE or the process's end) add up to more than a 1 GiB guest has:
 * seen as the OOM killer, which cannot tell the holder (the memory is the
 * module's, not the process's), ending the test runner.  The memory is the
 * length rounded up to pages, or the alignment where that is more (the
 * module allocates at least @align bytes to align the buffer): a byte
 * aligned to 8 MiB takes 8 MiB.
 */
#define BIG_ALLOC (1UL << 20)

static bool big_alloc(const struct dmaapi_alloc *a)
{
	return a->length > BIG_ALLOC || a->align > BIG_ALLOC;
}

static void try_mmap(struct worker *w, int fd, const struct dmaapi_alloc *a, bool fresh)
{
	uint64_t *s = &w->seed;
	size_t pg = (size_t)sysconf(_SC_PAGESIZE);
	size_t len = pick(s, 4) ? ((a->length + pg - 1) & ~(pg - 1)) : pg * (1 + pick(s, 8));
	off_t off = (off_t)a->mmap_offset + (pick(s, 4) ? 0 : (off_t)(pg * pick(s, 4)));
	int flags = pick(s, 8) ? MAP_SHARED : MAP_PRIVATE;
	uint8_t *p;

	p = mmap(NULL, len, PROT_READ | PROT_WRITE, flags, fd, off);
	if (p == MAP_FAILED)
		return;
	atomic_fetch_add(&cnt->mmaps, 1);
	if (fresh && flags == MAP_SHARED && off == (off_t)a->mmap_offset && len >= a->length) {
		for (uint64_t i = 0; i < a->length; i += 61)
			if (p[i]) {
				atomic_fetch_add(&cnt->bad_data, 1);
				bad("allocation not zeroed at %lu (length %lu)", i, a->length);
				break;
			}
		memset(p, 0x5a, a->length);
	}
	/* Free while mapped sometimes: the mapping must stay usable. */
	if (pick(s, 3) == 0) {
		struct dmaapi_free f = { .size = sizeof(f), .handle = a->handle };

		do_ioctl(fd, DMAAPI_IOCTL_FREE, &f);
		p[0] = 1;
	}
	if (pick(s, 4) || big_alloc(a))
		munmap(p, len);	/* else left for close/exit to clean up */
}

static void one_op(struct worker *w)
{
	uint64_t *s = &w->seed;
	int fd = *w->fd;
	union arg u;
	unsigned long cmd;

	memset(&u, 0, sizeof(u));
	if (pick(s, 10) == 0)	/* garbage in the tail and reserved fields */
		for (int i = 0; i < 8; i++)
			u.raw[pick(s, sizeof(u.raw))] = (uint8_t)rnd(s);

	switch (pick(s, 9)) {
	case 0:
		cmd = DMAAPI_IOCTL_GET_INFO;
		u.info.size = rnd_size(s, sizeof(u.info));
		u.info.flags = rnd_flags(s, 0);
		break;
	case 1: {
		unsigned int bits = 12 + (unsigned int)pick(s, 53);

		cmd = DMAAPI_IOCTL_SET_MASK;
		u.mask.size = rnd_size(s, sizeof(u.mask));
		/* Mostly masks the platform takes: 32 bits or wider. */
		u.mask.mask = pick(s, 8) ? (bits >= 64 ? ~0ULL : (1ULL << (bits < 32 ? 32 : bits)) - 1)
					 : rnd(s);
		break;
	}
	case 2:
	case 3:
		cmd = DMAAPI_IOCTL_ALLOC;
		u.alloc.size = rnd_size(s, sizeof(u.alloc));
		u.alloc.flags = rnd_flags(s, DMAAPI_ALLOC_CACHED);
		u.alloc.direction = (uint32_t)pick(s, pick(s, 8) ? 3 : 100);
		u.alloc.length = rnd_len(s);
		u.alloc.align = pick(s, 3) ? 0 : 1ULL << pick(s, 24);
		if (!pick(s, 20))
			u.alloc.align = rnd(s);
		/*
		 * Zeroing is checked on the worker's own file only: on the
		 * shared one another thread may free this handle and get the
		 * same id back for an allocation it already wrote to.
		 */
		if (w->priv_fd >= 0 && pick(s, 4) == 0) {
			struct dmaapi_free f = { .size = sizeof(f) };

			if (!do_ioctl(w->priv_fd, cmd, &u)) {
				try_mmap(w, w->priv_fd, &u.alloc, true);
				f.handle = u.alloc.handle;
				do_ioctl(w->priv_fd, DMAAPI_IOCTL_FREE, &f);
			}
			return;
		}
		if (!do_ioctl(fd, cmd, &u)) {
			if (pick(s, 2))
				try_mmap(w, fd, &u.alloc, false);
			if (big_alloc(&u.alloc)) {
				struct dmaapi_free f = { .size = sizeof(f), .handle = u.alloc.handle };

				do_ioctl(fd, DMAAPI_IOCTL_FREE, &f);
			} else {
				remember(w, u.alloc.handle);
			}
		}
		return;
	case 4:
		cmd = DMAAPI_IOCTL_FREE;
		u.free.size = rnd_size(s, sizeof(u.free));
		u.free.handle = rnd_handle(w);
		break;
	case 5: {
		uint8_t stackbuf[512];

		cmd = DMAAPI_IOCTL_MAP_USER;
		u.map.size = rnd_size(s, sizeof(u.map));
		u.map.direction = (uint32_t)pick(s, pick(s, 8) ? 3 : 100);
		switch (pick(s, 5)) {
		case 0:
			u.map.uaddr = (uintptr_t)stackbuf + pick(s, 256);
			u.map.length = 1 + pick(s, 256);
			break;
		case 1:
			u.map.uaddr = pick(s, 2) ? 0 : rnd(s);
			u.map.length = rnd_len(s);
			break;
		default:
			u.map.uaddr = (uintptr_t)w->heap + pick(s, 64 * 1024);
			u.map.length = 1 + pick(s, 64 * 1024);
			break;
		}
		u.map.align = pick(s, 3) ? 0 : 1ULL << pick(s, 14);
		if (!do_ioctl(fd, cmd, &u)) {
			remember(w, u.map.handle);
			/* Unmap most at once: pinned pages are a limited resource. */
			if (pick(s, 4)) {
				struct dmaapi_free f = { .size = sizeof(f), .handle = u.map.handle };

				do_ioctl(fd, DMAAPI_IOCTL_FREE, &f);
			}
		}
		return;
	}
	case 6:
	case 7:
		cmd = DMAAPI_IOCTL_SYNC;
		u.sync.size = rnd_size(s, sizeof(u.sync));
		u.sync.flags = pick(s, 6) ? (uint32_t)(1 + pick(s, 2)) : (uint32_t)rnd(s);
		u.sync.handle = rnd_handle(w);
		u.sync.offset = pick(s, 4) ? pick(s, 4096) : rnd(s);
		u.sync.length = pick(s, 4) ? 1 + pick(s, 4096) : rnd(s);
		break;
	default:
		/* Unknown commands and raw garbage. */
		cmd = pick(s, 2) ? _IO(DMAAPI_TYPE, pick(s, 256)) : (unsigned long)rnd(s);
		u.info.size = (__u32)pick(s, sizeof(u));
		break;
	}
	do_ioctl(fd, cmd, &u);
}

static void *thread_main(void *arg)
{
	struct worker *w = arg;

	while (time(NULL) < w->end)
		for (int i = 0; i < 64; i++)
			one_op(w);
	return NULL;
}

/*
 * failslab fails only caches marked for it: the kmalloc caches, where the
 * module and the DMA layer allocate.  Page-table locks (their own cache
 * under lockdep) stay out: 6.12's remap_pfn_range() WARNs when they fail
 * halfway.  Boot with slab_nomerge so no other cache aliases a kmalloc one.
 */
static void mark_kmalloc_caches(void)
{
	char path[300];
	struct dirent *de;
	DIR *d = opendir("/sys/kernel/slab");
	FILE *f;

	if (!d)
		return;
	while ((de = readdir(d))) {
		if (strncmp(de->d_name, "kmalloc-", 8))
			continue;
		snprintf(path, sizeof(path), "/sys/kernel/slab/%s/failslab", de->d_name);
		f = fopen(path, "we");
		if (f) {
			fputs("1\n", f);
			fclose(f);
		}
	}
	closedir(d);
}

static void arm_faults(void)
{
	static const char *const dirs[] = { "/sys/kernel/debug/failslab",
					    "/sys/kernel/debug/fail_page_alloc" };
	char path[128];
	FILE *f;

	mark_kmalloc_caches();
	for (unsigned int i = 0; i < 2; i++) {
		/*
		 * Only the stress processes, sleeping allocations too (the
		 * module's are GFP_KERNEL), never user pages (highmem), only
		 * the kmalloc caches.  Page allocations fail from order 1:
		 * 6.12's remap_pfn_range() WARNs in PAT's untrack_pfn() when
		 * one of its own page-table allocations fails halfway, a
		 * kernel bug that is not dmaapi's.
		 */
		const char *set[][2] = { { "task-filter", "Y" }, { "probability", "5" },
					 { "interval", "1" }, { "times", "100000" },
					 { "verbose", "0" }, { "ignore-gfp-wait", "N" },
					 { "ignore-gfp-highmem", "Y" }, { "min-order", "1" },
					 { "cache-filter", "Y" } };

		for (unsigned int j = 0; j < sizeof(set) / sizeof(set[0]); j++) {
			snprintf(path, sizeof(path), "%s/%s", dirs[i], set[j][0]);
			f = fopen(path, "we");
			if (!f)
				continue;
			fprintf(f, "%s\n", set[j][1]);
			fclose(f);
		}
	}
}

static long faults_left(const char *dir)
{
	char path[128];
	long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), "%s/times", dir);
	f = fopen(path, "re");
	if (f) {
		if (fscanf(f, "%ld", &v) != 1)
			v = -1;
		fclose(f);
	}
	return v;
}

/*
 * A process's own setup failed: under --fault an out-of-memory error is an
 * injected fault (GAVE_UP, counted by the parent), anything else fails.
 */
static __attribute__((noreturn)) void setup_failed(int err, const char *what)
{
	if (fault && (err == ENOMEM || err == EAGAIN))
		_exit(GAVE_UP);
	if (!atomic_exchange(&cnt->first_bad_set, 1))
		snprintf(cnt->first_bad, sizeof(cnt->first_bad), "process setup: %s: %s",
			 what, strerror(err));
	_exit(SETUP_FAILED);
}

/* One process: a file shared by several threads. */
static void process_main(uint64_t pseed, time_t end)
{
	pthread_t th[16];
	struct worker w[16];
	int fd;

	if (fault) {
		FILE *f = fopen("/proc/self/make-it-fail", "we");

		if (f) {
			fputs("1\n", f);
			fclose(f);
		}
	}
	fd = open(node, O_RDWR | O_CLOEXEC);
	if (fd < 0 && fault && errno == ENOMEM)
		fd = open(node, O_RDWR | O_CLOEXEC);	/* an injected fault: retry */
	if (fd < 0)
		setup_failed(errno, "open");
	unsigned int started = 0;

	for (unsigned int i = 0; i < nthreads; i++, started++) {
		int err;

		w[i] = (struct worker){ .fd = &fd, .seed = pseed + i * 0x9e3779b97f4a7c15ULL,
					.end = end };
		w[i].priv_fd = open(node, O_RDWR | O_CLOEXEC);
		if (w[i].priv_fd < 0 && !(fault && errno == ENOMEM))
			setup_failed(errno, "open");
		w[i].heap = malloc(128 * 1024);
		if (!w[i].heap)
			setup_failed(ENOMEM, "malloc");
		memset(w[i].heap, 1, 128 * 1024);
		err = pthread_create(&th[i], NULL, thread_main, &w[i]);
		if (err) {
			if (!started)
				setup_failed(err, "pthread_create");
			/* the threads already started run on: note it */
			if (fault && (err == EAGAIN || err == ENOMEM))
				atomic_fetch_add(&cnt->gave_up, 1);
			else
				setup_failed(err, "pthread_create");
			break;
		}
	}
	for (unsigned int i = 0; i < started; i++) {
		pthread_join(th[i], NULL);
		if (w[i].priv_fd >= 0)
			close(w[i].priv_fd);
	}
	close(fd);
	_exit(0);
}

/* The whole program skips or fails: every planned test, with one reason. */
static __attribute__((noreturn, format(printf, 2, 3))) void end_all(int code, const char *fmt, ...)
{
	static const char *const names[] = { "stress", "faults_injected" };
	char reason[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	if (code != KSFT_SKIP)
		ksft_print_msg("%s\n", reason);
	for (unsigned int i = ksft_test_num(); i < ksft_plan; i++)
		ksft_test_result_code(code, names[i], code == KSFT_SKIP ? "%s" : NULL, reason);
	ksft_print_cnts();
	exit(code);
}

static void usage(FILE *f)
{
	fprintf(f, "usage: dmaapi_stress [--node PATH] [--seed N] [--seconds S] [--threads T]\n"
		   "                     [--procs P] [--fault]\n"
		   "  randomized ioctl stress; prints its seed so a failure replays.\n");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "node", required_argument, NULL, 'n' },
		{ "seed", required_argument, NULL, 's' },
		{ "seconds", required_argument, NULL, 't' },
		{ "threads", required_argument, NULL, 'T' },
		{ "procs", required_argument, NULL, 'p' },
		{ "fault", no_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	long slab0 = -1, page0 = -1;
	unsigned int failed = 0, exited_bad = 0;
	time_t end, next_kill;
	pid_t *kids;
	int opt;

	seed = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (opt) {
		case 'n': node = optarg; break;
		case 's': seed = strtoull(optarg, NULL, 0); break;
		case 't': seconds = (unsigned int)strtoul(optarg, NULL, 0); break;
		case 'T': nthreads = (unsigned int)strtoul(optarg, NULL, 0); break;
		case 'p': nprocs = (unsigned int)strtoul(optarg, NULL, 0); break;
		case 'f': fault = true; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (!nthreads || nthreads > 16 || !nprocs || nprocs > 64) {
		fprintf(stderr, "dmaapi_stress: 1..16 threads, 1..64 processes\n");
		return 2;
	}
	ksft_print_header();
	ksft_set_plan(fault ? 2 : 1);
	{
		int fd = open(node, O_RDWR | O_CLOEXEC);

		if (fd < 0 && (errno == ENOENT || errno == ENODEV))
			end_all(KSFT_SKIP, "no %s node", node);
		if (fd < 0)
			end_all(KSFT_FAIL, "open %s: %s", node, strerror(errno));
		close(fd);
	}
	cnt = mmap(NULL, sizeof(*cnt), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	kids = calloc(nprocs, sizeof(*kids));
	if (cnt == MAP_FAILED || !kids)
		end_all(KSFT_FAIL, "out of memory");
	ksft_print_msg("dmaapi_stress --seed %#llx --seconds %u --threads %u --procs %u%s on %s\n",
		       (unsigned long long)seed, seconds, nthreads, nprocs,
		       fault ? " --fault" : "", node);
	if (fault) {
		arm_faults();
		slab0 = faults_left("/sys/kernel/debug/failslab");
		page0 = faults_left("/sys/kernel/debug/fail_page_alloc");
		if (slab0 < 0 && page0 < 0)
			end_all(KSFT_SKIP, "no failslab or fail_page_alloc in debugfs");
	}
	fflush(stdout);

	end = time(NULL) + seconds;
	next_kill = time(NULL) + 1;
	for (uint64_t gen = 0; time(NULL) < end; gen++) {
		for (unsigned int i = 0; i < nprocs; i++) {
			int st;

			if (kids[i]) {
				if (waitpid(kids[i], &st, WNOHANG) != kids[i])
					continue;
				if (WIFSIGNALED(st) && WTERMSIG(st) != SIGKILL) {
					exited_bad++;
					bad("process killed by signal %lu (gen %lu)",
					    (unsigned long)WTERMSIG(st), gen);
				} else if (fault && WIFEXITED(st) && WEXITSTATUS(st) == GAVE_UP) {
					atomic_fetch_add(&cnt->gave_up, 1);
				} else if (WIFEXITED(st) && WEXITSTATUS(st)) {
					exited_bad++;
					bad("process exited %lu (gen %lu)",
					    (unsigned long)WEXITSTATUS(st), gen);
				}
			}
			kids[i] = fork();
			if (kids[i] == 0)
				process_main(seed + gen * 1000003ULL + i, end);
			if (kids[i] < 0) {
				kids[i] = 0;
				continue;
			}
			atomic_fetch_add(&cnt->forks, 1);
		}
		/* SIGKILL one process now and then, mid-ioctl. */
		if (time(NULL) >= next_kill) {
			pid_t victim = kids[seed % nprocs];

			if (victim && !kill(victim, SIGKILL))
				atomic_fetch_add(&cnt->killed, 1);
			next_kill = time(NULL) + 1;
			seed = rnd(&seed);
		}
		usleep(20000);
	}
	for (unsigned int i = 0; i < nprocs; i++) {
		int st;

		if (!kids[i])
			continue;
		waitpid(kids[i], &st, 0);
		if (fault && WIFEXITED(st) && WEXITSTATUS(st) == GAVE_UP) {
			atomic_fetch_add(&cnt->gave_up, 1);
			continue;
		}
		if ((WIFSIGNALED(st) && WTERMSIG(st) != SIGKILL) || (WIFEXITED(st) && WEXITSTATUS(st))) {
			exited_bad++;
			bad("process ended with status %#lx (%lu)", (unsigned long)st, 0);
		}
	}

	ksft_print_msg("ioctls issued: %llu (%llu succeeded), mmaps: %llu, processes: %llu, killed: %llu, gave up on a fault: %llu\n",
		       (unsigned long long)cnt->ioctls, (unsigned long long)cnt->ok,
		       (unsigned long long)cnt->mmaps, (unsigned long long)cnt->forks,
		       (unsigned long long)cnt->killed, (unsigned long long)cnt->gave_up);
	failed = (cnt->bad_errno || cnt->bad_data || exited_bad || !cnt->ok) ? 1 : 0;
	if (failed)
		ksft_print_msg("FAIL: %llu undocumented errnos, %llu data errors, %u bad exits; first: %s\n",
			       (unsigned long long)cnt->bad_errno, (unsigned long long)cnt->bad_data,
			       exited_bad, cnt->first_bad[0] ? cnt->first_bad : "no ioctl succeeded");
	ksft_test_result(!failed, "stress%s\n", fault ? " with fault injection" : "");
	if (fault) {
		long s1 = faults_left("/sys/kernel/debug/failslab");
		long p1 = faults_left("/sys/kernel/debug/fail_page_alloc");
		long ds = slab0 >= 0 && s1 >= 0 ? slab0 - s1 : 0;
		long dp = page0 >= 0 && p1 >= 0 ? page0 - p1 : 0;

		ksft_print_msg("faults injected: failslab %ld, fail_page_alloc %ld\n", ds, dp);
		/* Disarm. */
		for (int i = 0; i < 2; i++) {
			FILE *f = fopen(i ? "/sys/kernel/debug/fail_page_alloc/probability"
					  : "/sys/kernel/debug/failslab/probability", "we");
			if (f) {
				fputs("0\n", f);
				fclose(f);
			}
		}
		/* A fault run in which nothing was injected tested nothing. */
		ksft_test_result(ds + dp > 0, "faults_injected\n");
	}
	ksft_finished();
}

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the ioctl-level selftests (dmaapi_ioctl, dmaapi_lifetime,
 * dmaapi_memory): thin ioctl wrappers, the fixture's open-or-skip rule, and
 * readers for what the system says is in use (the device's sysfs counters,
 * pinned pages, the process's locked memory).  Include after
 * kselftest_harness.h.
 */
#ifndef DMAAPI_SELFTEST_UTIL_H
#define DMAAPI_SELFTEST_UTIL_H

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/dmaapi.h>

#define DEV_PATH "/dev/dmaapi"
#define DEV_SYSFS "/sys/class/misc/dmaapi"

#define EXPECT_ERRNO(expected_errno, cmd)		\
	({						\
		ASSERT_EQ(-1, cmd);			\
		EXPECT_EQ(expected_errno, errno);	\
	})

/*
 * A missing node (module not loaded, device not bound) skips; any other
 * open() error (EACCES, EMFILE, ENOMEM...) is a failure.
 */
#define OPEN_OR_SKIP(fd, path)						\
	do {								\
		if ((fd) < 0 && (errno == ENOENT || errno == ENODEV))	\
			SKIP(return, "no %s node", path);		\
		ASSERT_LE(0, fd) TH_LOG("open %s: %s", path, strerror(errno)); \
	} while (0)

static size_t page_size;

static inline int get_info(int fd, struct dmaapi_info *info)
{
	memset(info, 0, sizeof(*info));
	info->size = sizeof(*info);
	return ioctl(fd, DMAAPI_IOCTL_GET_INFO, info);
}

static inline int do_alloc(int fd, uint64_t length, uint64_t align, uint32_t flags,
			   uint32_t dir, struct dmaapi_alloc *out)
{
	memset(out, 0, sizeof(*out));
	out->size = sizeof(*out);
	out->flags = flags;
	out->direction = dir;
	out->length = length;
	out->align = align;
	return ioctl(fd, DMAAPI_IOCTL_ALLOC, out);
}

static inline int do_free(int fd, uint32_t handle)
{
	struct dmaapi_free cmd = {
		.size = sizeof(cmd),
		.handle = handle,
	};

	return ioctl(fd, DMAAPI_IOCTL_FREE, &cmd);
}

static inline int do_map(int fd, void *buf, uint64_t length, uint32_t dir,
			 uint64_t align, struct dmaapi_map_user *out)
{
	memset(out, 0, sizeof(*out));
	out->size = sizeof(*out);
	out->uaddr = (uintptr_t)buf;
	out->length = length;
	out->direction = dir;
	out->align = align;
	return ioctl(fd, DMAAPI_IOCTL_MAP_USER, out);
}

static inline int do_sync(int fd, uint32_t handle, uint32_t flags, uint64_t offset,
			  uint64_t length)
{
	struct dmaapi_sync cmd = {
		.size = sizeof(cmd),
		.flags = flags,
		.handle = handle,
		.offset = offset,
		.length = length,
	};

	return ioctl(fd, DMAAPI_IOCTL_SYNC, &cmd);
}

static inline int do_set_mask(int fd, uint64_t mask)
{
	struct dmaapi_set_mask m = { .size = sizeof(m), .mask = mask };

	return ioctl(fd, DMAAPI_IOCTL_SET_MASK, &m);
}

static inline int open_dev(void)
{
	return open(DEV_PATH, O_RDWR | O_CLOEXEC);
}

/* The first number in @path, or -1. */
static inline long long read_ll(const char *path)
{
	long long v = -1;
	FILE *f = fopen(path, "re");

	if (!f)
		return -1;
	if (fscanf(f, "%lld", &v) != 1)
		v = -1;
	fclose(f);
	return v;
}

/*
 * Pages pinned with FOLL_PIN system-wide (acquired - released), or -1.
 * vmstat keeps per-CPU deltas: fold them first (root only).
 */
static inline long long foll_pins(void)
{
	long long acq = -1, rel = -1, v;
	char name[64];
	FILE *f = fopen("/proc/sys/vm/stat_refresh", "we");

	if (f) {
		fputs("1\n", f);
		fclose(f);
	}
	f = fopen("/proc/vmstat", "re");
	if (!f)
		return -1;
	while (fscanf(f, "%63s %lld", name, &v) == 2) {
		if (!strcmp(name, "nr_foll_pin_acquired"))
			acq = v;
		else if (!strcmp(name, "nr_foll_pin_released"))
			rel = v;
	}
	fclose(f);
	return acq < 0 || rel < 0 ? -1 : acq - rel;
}

/* VmLck of this process in KiB (what MAP_USER charges), or -1. */
static inline long long vm_locked_kb(void)
{
	char line[256];
	long long v = -1;
	FILE *f = fopen("/proc/self/status", "re");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "VmLck: %lld", &v) == 1)
			break;
	fclose(f);
	return v;
}

/* What /dev/dmaapi and the system say is in use. */
struct dmaapi_usage {
	long long handles;	/* sysfs: handles over every open file */
	long long bytes;	/* sysfs: bytes over every open file */
	long long live_bufs;	/* sysfs: allocations whose DMA memory is live */
	long long pins;		/* FOLL_PIN pages, system-wide */
};

static inline void read_usage(struct dmaapi_usage *u)
{
	u->handles = read_ll(DEV_SYSFS "/handles");
	u->bytes = read_ll(DEV_SYSFS "/bytes");
	u->live_bufs = read_ll(DEV_SYSFS "/live_bufs");
	u->pins = foll_pins();
}

static inline int usage_equal(const struct dmaapi_usage *a, const struct dmaapi_usage *b)
{
	return a->handles == b->handles && a->bytes == b->bytes &&
	       a->live_bufs == b->live_bufs && a->pins == b->pins;
}

/*
 * Wait up to @seconds for the counters to come back to @base (a file's
 * release may run a little after close() or a child's exit, from a
 * workqueue), then assert each of them.
 */
#define EXPECT_USAGE_BACK(base, seconds)					\
	do {									\
		struct dmaapi_usage __now;					\
		for (int __i = 0; __i < (seconds) * 20; __i++) {		\
			read_usage(&__now);					\
			if (usage_equal(&__now, (base)))			\
				break;						\
			usleep(50000);						\
		}								\
		read_usage(&__now);						\
		EXPECT_EQ((base)->handles, __now.handles) TH_LOG("sysfs handles");	\
		EXPECT_EQ((base)->bytes, __now.bytes) TH_LOG("sysfs bytes");	\
		EXPECT_EQ((base)->live_bufs, __now.live_bufs)			\
			TH_LOG("sysfs live_bufs: DMA memory not freed");	\
		EXPECT_EQ((base)->pins, __now.pins)				\
			TH_LOG("nr_foll_pin_acquired - nr_foll_pin_released: pages left pinned"); \
	} while (0)

/* The counters must be readable, or the checks above prove nothing. */
#define ASSERT_USAGE_READABLE(u)						\
	do {									\
		ASSERT_LE(0, (u)->handles) TH_LOG(DEV_SYSFS "/handles unreadable"); \
		ASSERT_LE(0, (u)->bytes) TH_LOG(DEV_SYSFS "/bytes unreadable");	\
		ASSERT_LE(0, (u)->live_bufs) TH_LOG(DEV_SYSFS "/live_bufs unreadable"); \
		ASSERT_LE(0, (u)->pins) TH_LOG("nr_foll_pin_* not in /proc/vmstat"); \
	} while (0)

/* Does all of the machine's RAM (/proc/iomem, as root) lie under @mask? */
static inline bool ram_below(uint64_t mask)
{
	FILE *f = fopen("/proc/iomem", "re");
	char line[256];
	bool any = false, ok = true;

	if (!f)
		return false;
	while (fgets(line, sizeof(line), f)) {
		unsigned long long a, b;

		/* top-level ranges only: no indent */
		if (line[0] == ' ' || !strstr(line, " : System RAM") ||
		    sscanf(line, "%llx-%llx", &a, &b) != 2)
			continue;
		any = true;
		if (b > mask || !b)
			ok = false;	/* !b: addresses hidden (not root) */
	}
	fclose(f);
	return any && ok;
}

#endif

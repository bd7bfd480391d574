// SPDX-License-Identifier: GPL-2.0
/*
 * dmaapi lifetime tests on /dev/dmaapi: whatever a file holds (allocations,
 * their mmaps, user mappings) is released when it is closed or when its
 * process is killed.  Released means the device-wide counters in sysfs
 * (handles, bytes, live_bufs) and the system's pinned pages (/proc/vmstat
 * nr_foll_pin_acquired - nr_foll_pin_released) are back to what they were
 * before.  Pins are charged to the user (as io_uring and iommufd do), not to
 * the process's locked memory: VmLck never moves.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/dmaapi.h>

/* the harness: unused parameters, and setjmp in its test wrapper */
#pragma GCC diagnostic ignored "-Wunused-parameter"
#pragma GCC diagnostic ignored "-Wclobbered"
#include "kselftest_harness.h"

/*
 * The harness gives each test 30 s.  The debug kernels (KASAN, lockdep)
 * under TCG run about 10x slower than the Debian ones, where no test here
 * takes more than a few seconds: 120 s each, more where a test says so.
 */
#undef TEST_TIMEOUT_DEFAULT
#define TEST_TIMEOUT_DEFAULT 120
#include "dmaapi_util.h"

FIXTURE(lifetime) {
	struct dmaapi_usage base;
	long long locked;
};

FIXTURE_SETUP(lifetime)
{
	int fd;

	page_size = sysconf(_SC_PAGESIZE);
	/* only to tell a missing node from a broken one */
	fd = open_dev();
	OPEN_OR_SKIP(fd, DEV_PATH);
	close(fd);
	read_usage(&self->base);
	ASSERT_USAGE_READABLE(&self->base);
	self->locked = vm_locked_kb();
	ASSERT_LE(0, self->locked);
	TH_LOG("baseline: handles %lld, bytes %lld, live_bufs %lld, pins %lld, VmLck %lld kB",
	       self->base.handles, self->base.bytes, self->base.live_bufs,
	       self->base.pins, self->locked);
}

FIXTURE_TEARDOWN(lifetime)
{
}

/* Closing the file frees every handle it holds, and the memory behind it. */
TEST_F_TIMEOUT(lifetime, close_frees_handles, 120)
{
	struct dmaapi_usage now;
	struct dmaapi_info info;
	struct dmaapi_alloc a;
	int fd = open_dev();

	ASSERT_LE(0, fd);
	for (int i = 0; i < 10; i++)
		ASSERT_EQ(0, do_alloc(fd, page_size, 0, i & 1 ? DMAAPI_ALLOC_CACHED : 0,
				      DMAAPI_DIR_BIDIRECTIONAL, &a));
	ASSERT_EQ(0, get_info(fd, &info));
	EXPECT_EQ(10, info.handles);
	EXPECT_EQ(10 * page_size, info.bytes);
	read_usage(&now);
	/* the counters see this file: they can tell a leak */
	EXPECT_EQ(self->base.handles + 10, now.handles);
	EXPECT_EQ(self->base.bytes + 10 * (long long)page_size, now.bytes);
	EXPECT_EQ(self->base.live_bufs + 10, now.live_bufs);
	EXPECT_EQ(0, close(fd));
	EXPECT_USAGE_BACK(&self->base, 10);
}

/*
 * An allocation freed and its file closed while it is still mmapped lives
 * on in the mapping (which holds the file), and is freed at the munmap.
 */
TEST_F_TIMEOUT(lifetime, freed_and_closed_while_mmapped, 120)
{
	struct dmaapi_usage now;
	struct dmaapi_alloc a;
	int fd = open_dev();
	uint8_t *p;

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, do_alloc(fd, 2 * page_size, 0, 0, 0, &a));
	p = mmap(NULL, 2 * page_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		 a.mmap_offset);
	ASSERT_NE(MAP_FAILED, p);
	ASSERT_EQ(0, do_free(fd, a.handle));
	read_usage(&now);
	EXPECT_EQ(self->base.handles, now.handles);
	EXPECT_EQ(self->base.live_bufs + 1, now.live_bufs)
		TH_LOG("the mmapped allocation was freed under its mapping");
	EXPECT_EQ(0, close(fd));
	p[0] = 1;
	read_usage(&now);
	EXPECT_EQ(self->base.live_bufs + 1, now.live_bufs);
	EXPECT_EQ(0, munmap(p, 2 * page_size));
	EXPECT_USAGE_BACK(&self->base, 10);
}

FIXTURE(lifetime_map) {
	struct dmaapi_usage base;
	long long locked;
};

FIXTURE_VARIANT(lifetime_map) {
	uint32_t dir;
};

FIXTURE_VARIANT_ADD(lifetime_map, bidir) { DMAAPI_DIR_BIDIRECTIONAL };
FIXTURE_VARIANT_ADD(lifetime_map, to_device) { DMAAPI_DIR_TO_DEVICE };
FIXTURE_VARIANT_ADD(lifetime_map, from_device) { DMAAPI_DIR_FROM_DEVICE };

FIXTURE_SETUP(lifetime_map)
{
	int fd;

	page_size = sysconf(_SC_PAGESIZE);
	fd = open_dev();
	OPEN_OR_SKIP(fd, DEV_PATH);
	close(fd);
	read_usage(&self->base);
	ASSERT_USAGE_READABLE(&self->base);
	self->locked = vm_locked_kb();
	ASSERT_LE(0, self->locked);
}

FIXTURE_TEARDOWN(lifetime_map)
{
}

/* Closing a file with live user mappings unpins and uncharges them. */
TEST_F_TIMEOUT(lifetime_map, close_with_mappings, 120)
{
	size_t len = 3 * page_size;
	char *buf = mmap(NULL, len, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	struct dmaapi_map_user m;
	struct dmaapi_usage now;
	int fd2 = open_dev();

	ASSERT_LE(0, fd2);
	ASSERT_NE(MAP_FAILED, buf);
	memset(buf, 2, len);
	/* 8 mappings of 2 pages, each at an offset: 3 pages pinned each */
	for (int i = 0; i < 8; i++)
		ASSERT_EQ(0, do_map(fd2, buf + 1 + i * 100, 2 * page_size,
				    variant->dir, 0, &m));
	read_usage(&now);
	EXPECT_EQ(self->base.handles + 8, now.handles);
	EXPECT_EQ(self->base.pins + 8 * 3, now.pins)
		TH_LOG("the pin counter does not see MAP_USER: it cannot tell a leak");
	EXPECT_EQ(self->locked, vm_locked_kb())
		TH_LOG("pins are charged to the user, not to the process's VmLck");
	ASSERT_EQ(0, close(fd2));
	EXPECT_USAGE_BACK(&self->base, 10);
	EXPECT_EQ(self->locked, vm_locked_kb()) TH_LOG("VmLck moved");
	memset(buf, 1, len);
	munmap(buf, len);
}

/* Everything a killed process held is released with its file. */
TEST_F_TIMEOUT(lifetime, killed_process_releases, 120)
{
	struct dmaapi_usage now;
	int pipefd[2];
	pid_t pid;
	char c;

	ASSERT_EQ(0, pipe(pipefd));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		int fd = open_dev();
		static char buf[8 * 4096] __attribute__((aligned(4096)));
		struct dmaapi_alloc a;
		struct dmaapi_map_user m;

		if (fd < 0)
			_exit(5);
		memset(buf, 3, sizeof(buf));	/* no zero-page pins */
		for (int i = 0; i < 16; i++) {
			if (do_alloc(fd, 8192, 0, i & 1, 0, &a))
				_exit(1);
			if (mmap(NULL, 8192, PROT_READ, MAP_SHARED, fd,
				 a.mmap_offset) == MAP_FAILED)
				_exit(2);
			/* half of them freed: they live on in their mmap */
			if (i & 2 && do_free(fd, a.handle))
				_exit(6);
			if (do_map(fd, buf + 1 + i, 4096, i % 3, 0, &m))
				_exit(3);
		}
		if (write(pipefd[1], "x", 1) != 1)
			_exit(4);
		pause();
		_exit(0);
	}
	close(pipefd[1]);
	ASSERT_EQ(1, read(pipefd[0], &c, 1)) {
		int st;

		waitpid(pid, &st, 0);
		TH_LOG("child failed to set up: status %#x", st);
	}
	close(pipefd[0]);
	read_usage(&now);
	/* 16 mappings + 8 allocations with handles, 16 allocations live */
	EXPECT_EQ(self->base.handles + 24, now.handles);
	EXPECT_EQ(self->base.live_bufs + 16, now.live_bufs);
	/* 4096 bytes at an offset: 2 pages each */
	EXPECT_EQ(self->base.pins + 32, now.pins);
	kill(pid, SIGKILL);
	ASSERT_EQ(pid, waitpid(pid, NULL, 0));
	EXPECT_USAGE_BACK(&self->base, 10);
}

TEST_HARNESS_MAIN

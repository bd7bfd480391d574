// SPDX-License-Identifier: GPL-2.0
/*
 * Hot unbind: the edu device is unbound from dmaapi while a file is open,
 * with allocations mmapped (one of them already freed), a user buffer
 * mapped and a thread syncing.  Afterwards every call but FREE and close
 * gets ENODEV, the old mappings are gone (SIGBUS, never stale memory), and
 * the device binds again.  rmmod with a file open is refused.  And unbind
 * completes while an ioctl of an open file is stuck in a user fault
 * (userfaultfd): a pin of MAP_USER's buffer, or the write-back of an ioctl's
 * output.
 *
 * Needs DMAAPI_EDU (set by the VM runner) bound to dmaapi; leaves it bound.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/dmaapi.h>
#include <linux/userfaultfd.h>

#include "kselftest_harness.h"
#include "sys_util.h"

/*
 * The harness gives each test 30 s.  The debug kernels (KASAN, lockdep)
 * under TCG run about 10x slower than the Debian ones, where no test here
 * takes more than a few seconds: 120 s each, more where a test says so.
 */
#undef TEST_TIMEOUT_DEFAULT
#define TEST_TIMEOUT_DEFAULT 120

struct syncer {
	int fd;
	__u32 handle;
	atomic_int stop;
	atomic_int enodev;
};

static void *sync_loop(void *arg)
{
	struct syncer *s = arg;
	struct dmaapi_sync sy = { .size = sizeof(sy), .flags = DMAAPI_SYNC_FOR_DEVICE,
				  .handle = s->handle, .length = 4096 };

	while (!atomic_load(&s->stop)) {
		if (ioctl(s->fd, DMAAPI_IOCTL_SYNC, &sy) && errno == ENODEV)
			atomic_store(&s->enodev, 1);
		sy.flags ^= DMAAPI_SYNC_FOR_DEVICE | DMAAPI_SYNC_FOR_CPU;
	}
	return NULL;
}

FIXTURE(unbind) {
	char bdf[64];
	char node[128];
};

FIXTURE_SETUP(unbind)
{
	const char *bdf = getenv("DMAAPI_EDU");

	if (!bdf)
		SKIP(return, "DMAAPI_EDU not set");
	snprintf(self->bdf, sizeof(self->bdf), "%s", bdf);
	snprintf(self->node, sizeof(self->node), "/dev/dmaapi-%s", bdf);
	/* DMAAPI_EDU says the runner bound it: a missing node is a failure */
	ASSERT_EQ(0, access(self->node, F_OK)) TH_LOG("%s: %s", self->node, strerror(errno));
}

/*
 * In the parent: after a failed ASSERT the harness runs no teardown in the
 * test's own process, and the device must be left bound for the tests after
 * us whatever happened.  Only the names in self are used here.
 */
FIXTURE_TEARDOWN_PARENT(unbind)
{
	if (access(self->node, F_OK))
		write_file("/sys/bus/pci/drivers_probe", self->bdf);
}

TEST_F_TIMEOUT(unbind, unbind_while_busy, 300)
{
	long pg = sysconf(_SC_PAGESIZE);

	for (int round = 0; round < 3; round++) {
		struct dmaapi_alloc a = { .size = sizeof(a), .length = 2 * pg };
		struct dmaapi_alloc b = { .size = sizeof(b), .length = pg };
		struct dmaapi_map_user m = { .size = sizeof(m), .direction = DMAAPI_DIR_BIDIRECTIONAL };
		struct dmaapi_info info = { .size = sizeof(info) };
		struct dmaapi_free f = { .size = sizeof(f) };
		struct dmaapi_map_user m2 = { .size = sizeof(m2), .length = pg,
					      .direction = DMAAPI_DIR_BIDIRECTIONAL };
		struct dmaapi_set_mask sm = { .size = sizeof(sm), .mask = UINT64_MAX };
		struct syncer s = {};
		uint8_t *pa, *pb, *heap;
		__u64 a_off;
		pthread_t th;
		int fd;

		fd = open(self->node, O_RDWR | O_CLOEXEC);
		ASSERT_LE(0, fd) TH_LOG("round %d: open %s: %s", round, self->node, strerror(errno));
		ASSERT_EQ(0, ioctl(fd, DMAAPI_IOCTL_ALLOC, &a));
		ASSERT_EQ(0, ioctl(fd, DMAAPI_IOCTL_ALLOC, &b));
		pa = mmap(NULL, a.length, PROT_READ | PROT_WRITE, MAP_SHARED, fd, a.mmap_offset);
		ASSERT_NE(MAP_FAILED, pa);
		pb = mmap(NULL, b.length, PROT_READ | PROT_WRITE, MAP_SHARED, fd, b.mmap_offset);
		ASSERT_NE(MAP_FAILED, pb);
		memset(pa, 0x11, a.length);
		memset(pb, 0x22, b.length);
		f.handle = b.handle;	/* freed while mapped: lives on in pb */
		ASSERT_EQ(0, ioctl(fd, DMAAPI_IOCTL_FREE, &f));
		heap = aligned_alloc(pg, 4 * pg);
		ASSERT_NE(NULL, heap);
		memset(heap, 0x33, 4 * pg);
		m.uaddr = (uintptr_t)heap;
		m.length = 4 * pg;
		ASSERT_EQ(0, ioctl(fd, DMAAPI_IOCTL_MAP_USER, &m));
		m2.uaddr = (uintptr_t)heap;

		s.fd = fd;
		s.handle = m.handle;
		ASSERT_EQ(0, pthread_create(&th, NULL, sync_loop, &s));
		usleep(20000);

		ASSERT_EQ(0, write_file("/sys/bus/pci/drivers/dmaapi/unbind", self->bdf));
		EXPECT_NE(0, access(self->node, F_OK)) TH_LOG("node still there after unbind");

		usleep(20000);
		atomic_store(&s.stop, 1);
		pthread_join(th, NULL);
		EXPECT_EQ(1, atomic_load(&s.enodev)) TH_LOG("syncs kept succeeding after unbind");

		/* Everything but FREE now fails with ENODEV. */
		EXPECT_EQ(-1, ioctl(fd, DMAAPI_IOCTL_GET_INFO, &info));
		EXPECT_EQ(ENODEV, errno);
		a_off = a.mmap_offset;
		a.handle = 0;
		EXPECT_EQ(-1, ioctl(fd, DMAAPI_IOCTL_ALLOC, &a));
		EXPECT_EQ(ENODEV, errno);
		EXPECT_EQ(-1, ioctl(fd, DMAAPI_IOCTL_MAP_USER, &m2));
		EXPECT_EQ(ENODEV, errno);
		EXPECT_EQ(-1, ioctl(fd, DMAAPI_IOCTL_SET_MASK, &sm));
		EXPECT_EQ(ENODEV, errno);
		/* a live handle's real offset: only the removal check refuses it */
		errno = 0;
		EXPECT_EQ(MAP_FAILED, mmap(NULL, pg, PROT_READ, MAP_SHARED, fd, a_off));
		EXPECT_EQ(ENODEV, errno) TH_LOG("mmap of a live handle after unbind: %s",
						strerror(errno));
		EXPECT_EQ(-1, open(self->node, O_RDWR | O_CLOEXEC));
		EXPECT_EQ(ENOENT, errno);

		/* The device's memory is gone from our address space, not stale. */
		EXPECT_NE(0, probe_read(pa));
		EXPECT_NE(0, probe_read(pb));
		/* The user buffer is ours again, untouched. */
		EXPECT_EQ(0x33, heap[4 * pg - 1]);

		f.handle = m.handle;
		EXPECT_EQ(0, ioctl(fd, DMAAPI_IOCTL_FREE, &f));
		f.handle = m.handle;
		EXPECT_EQ(-1, ioctl(fd, DMAAPI_IOCTL_FREE, &f));
		EXPECT_EQ(ENOENT, errno);

		/* rmmod is refused while a file (or a mapping) is open. */
		EXPECT_EQ(-1, syscall(SYS_delete_module, "dmaapi", O_NONBLOCK));
		EXPECT_TRUE(errno == EWOULDBLOCK || errno == EBUSY) TH_LOG("errno %d", errno);

		munmap(pa, a.length);
		munmap(pb, b.length);
		EXPECT_EQ(0, close(fd));
		free(heap);

		ASSERT_EQ(0, write_file("/sys/bus/pci/drivers_probe", self->bdf));
		ASSERT_EQ(0, access(self->node, F_OK)) TH_LOG("round %d: no rebind", round);
	}
}

/*
 * Unbind while a thread of ours is blocked in a user fault inside an ioctl,
 * a fault only we can resolve (userfaultfd): the unbind must complete
 * without waiting for the fault (review B7), the ioctl then returns.
 */
struct uffd_call {
	int fd;
	unsigned long cmd;
	void *arg;
	int ret, err;
};

static void *uffd_call_fn(void *p)
{
	struct uffd_call *c = p;

	c->ret = ioctl(c->fd, c->cmd, c->arg);
	c->err = errno;
	return NULL;
}

/* A userfaultfd with @features, or -1 (errno) and *why. */
static int uffd_open(__u64 features, const char **why)
{
	struct uffdio_api api = { .api = UFFD_API, .features = features };
	int uffd = syscall(__NR_userfaultfd, O_CLOEXEC | O_NONBLOCK);

	if (uffd < 0) {
		*why = "no userfaultfd in this kernel";
		return -1;
	}
	if (ioctl(uffd, UFFDIO_API, &api) || (api.features & features) != features) {
		*why = "no userfaultfd write-protection in this kernel";
		close(uffd);
		return -1;
	}
	return uffd;
}

/* Has a fault been reported on @uffd within @ms (the ioctl is blocked)? */
static int uffd_wait_fault(int uffd, int ms)
{
	struct pollfd pfd = { .fd = uffd, .events = POLLIN };
	struct uffd_msg msg;

	if (poll(&pfd, 1, ms) != 1)
		return 0;
	return read(uffd, &msg, sizeof(msg)) == sizeof(msg) &&
	       msg.event == UFFD_EVENT_PAGEFAULT;
}

/*
 * Unbind @bdf from a child; 1 if it finished within @secs, else 0, and the
 * child is left to finish (waited for by unbind_reap()).
 */
static int unbind_within(const char *bdf, int secs, pid_t *child)
{
	int status;

	*child = fork();
	if (*child < 0)
		return 0;
	if (!*child)
		_exit(write_file("/sys/bus/pci/drivers/dmaapi/unbind", bdf) ? 1 : 0);
	for (int i = 0; i < secs * 10; i++) {
		if (waitpid(*child, &status, WNOHANG) == *child) {
			*child = 0;
			return WIFEXITED(status) && !WEXITSTATUS(status);
		}
		usleep(100000);
	}
	return 0;
}

static void unbind_reap(pid_t child)
{
	if (child > 0)
		waitpid(child, NULL, 0);
}

TEST_F_TIMEOUT(unbind, unbind_while_pin_faults, 120)
{
	long pg = sysconf(_SC_PAGESIZE);
	struct dmaapi_map_user m = { .size = sizeof(m), .length = 2 * pg,
				     .direction = DMAAPI_DIR_BIDIRECTIONAL };
	struct uffd_call c = { .cmd = DMAAPI_IOCTL_MAP_USER, .arg = &m };
	struct uffdio_register reg = {};
	struct uffdio_copy copy = {};
	const char *why;
	pthread_t th;
	pid_t child;
	int uffd, done;
	char *src;
	void *p;

	uffd = uffd_open(0, &why);
	if (uffd < 0)
		SKIP(return, "%s", why);
	p = mmap(NULL, 2 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, p);
	reg.range.start = (uintptr_t)p;
	reg.range.len = 2 * pg;
	reg.mode = UFFDIO_REGISTER_MODE_MISSING;
	ASSERT_EQ(0, ioctl(uffd, UFFDIO_REGISTER, &reg)) TH_LOG("%s", strerror(errno));

	c.fd = open(self->node, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, c.fd);
	m.uaddr = (uintptr_t)p;
	ASSERT_EQ(0, pthread_create(&th, NULL, uffd_call_fn, &c));
	/* the pin has faulted: MAP_USER is stuck until we resolve it */
	if (!uffd_wait_fault(uffd, 10000)) {
		pthread_join(th, NULL);
		/* 6.1 pins long-term without fault retry: userfaultfd fails it */
		ASSERT_EQ(-1, c.ret) TH_LOG("MAP_USER neither faulted nor failed");
		ASSERT_EQ(EFAULT, c.err);
		close(c.fd);
		close(uffd);
		SKIP(return, "long-term pins do not wait for userfaultfd in this kernel");
	}

	done = unbind_within(self->bdf, 10, &child);
	EXPECT_TRUE(done) TH_LOG("unbind blocked behind a MAP_USER stuck in a user fault");

	/* resolve the faults: the pin goes on */
	src = calloc(1, 2 * pg);
	ASSERT_NE(NULL, src);
	copy.dst = (uintptr_t)p;
	copy.src = (uintptr_t)src;
	copy.len = 2 * pg;
	EXPECT_EQ(0, ioctl(uffd, UFFDIO_COPY, &copy)) TH_LOG("%s", strerror(errno));
	pthread_join(th, NULL);
	unbind_reap(child);
	/* the device went away during the pin: nothing is mapped */
	if (done) {
		EXPECT_EQ(-1, c.ret);
		EXPECT_EQ(ENODEV, c.err);
	}
	EXPECT_EQ(0, close(c.fd));
	close(uffd);
	munmap(p, 2 * pg);
	free(src);
	ASSERT_EQ(0, write_file("/sys/bus/pci/drivers_probe", self->bdf));
	ASSERT_EQ(0, access(self->node, F_OK));
}

TEST_F_TIMEOUT(unbind, unbind_while_copy_out_faults, 120)
{
	long pg = sysconf(_SC_PAGESIZE);
	struct uffd_call c = { .cmd = DMAAPI_IOCTL_ALLOC };
	struct uffdio_writeprotect wp = {};
	struct uffdio_register reg = {};
	struct dmaapi_free f = { .size = sizeof(f) };
	struct dmaapi_alloc *a;
	const char *why;
	pthread_t th;
	pid_t child;
	int uffd, done;
	void *p;

	uffd = uffd_open(UFFD_FEATURE_PAGEFAULT_FLAG_WP, &why);
	if (uffd < 0)
		SKIP(return, "%s", why);
	/* the ioctl's struct is readable, but writing it back faults */
	p = mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, p);
	a = p;
	*a = (struct dmaapi_alloc){ .size = sizeof(*a), .length = pg };
	reg.range.start = (uintptr_t)p;
	reg.range.len = pg;
	reg.mode = UFFDIO_REGISTER_MODE_WP;
	ASSERT_EQ(0, ioctl(uffd, UFFDIO_REGISTER, &reg)) TH_LOG("%s", strerror(errno));
	wp.range = reg.range;
	wp.mode = UFFDIO_WRITEPROTECT_MODE_WP;
	ASSERT_EQ(0, ioctl(uffd, UFFDIO_WRITEPROTECT, &wp)) TH_LOG("%s", strerror(errno));

	c.fd = open(self->node, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, c.fd);
	c.arg = a;
	ASSERT_EQ(0, pthread_create(&th, NULL, uffd_call_fn, &c));
	ASSERT_TRUE(uffd_wait_fault(uffd, 10000)) TH_LOG("ALLOC's write-back did not fault");

	done = unbind_within(self->bdf, 10, &child);
	EXPECT_TRUE(done) TH_LOG("unbind blocked behind an ALLOC stuck writing its output back");

	wp.mode = 0;	/* writable again, and the fault is woken */
	EXPECT_EQ(0, ioctl(uffd, UFFDIO_WRITEPROTECT, &wp)) TH_LOG("%s", strerror(errno));
	pthread_join(th, NULL);
	unbind_reap(child);
	/* the allocation was made before the unbind: its handle is ours to free */
	EXPECT_EQ(0, c.ret) TH_LOG("ALLOC: %s", strerror(c.err));
	if (!c.ret) {
		EXPECT_NE(0, a->handle);
		f.handle = a->handle;
		EXPECT_EQ(0, ioctl(c.fd, DMAAPI_IOCTL_FREE, &f)) TH_LOG("%s", strerror(errno));
	}
	EXPECT_EQ(0, close(c.fd));
	close(uffd);
	munmap(p, pg);
	ASSERT_EQ(0, write_file("/sys/bus/pci/drivers_probe", self->bdf));
	ASSERT_EQ(0, access(self->node, F_OK));
}

TEST_HARNESS_MAIN

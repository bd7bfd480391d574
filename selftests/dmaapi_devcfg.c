// SPDX-License-Identifier: GPL-2.0
/*
 * One device, one DMA configuration: what a file does must not change how
 * another file's mappings behave, and what a device may still write must not
 * be freed under it.  Raw ioctls on the edu device's node (and /dev/dmaapi
 * for the limits), with QEMU's edu DMA engine moving the data.
 *
 *  - second_open: a second open of the node (and its SET_MASK, ALLOC and
 *    MAP_USER) between MAP_USER and the syncs of the first file's mappings;
 *    the bytes the device copies must all arrive (swiotlb=force, 6.11+:
 *    dma_set_mask() used to re-arm dma_skip_sync and turn the syncs off).
 *  - page_offset: MAP_USER keeps the offset in the page of the user address,
 *    on a grid of offsets and lengths, and the device sees the data there.
 *  - align: huge and odd alignments are refused, on the edu node (an IOMMU
 *    in the iommu cell) and on /dev/dmaapi.
 *  - limits: pins stay charged to the user across fork and fd passing.
 *  - overlap_bounces, noncoherent_partial_lines_bounce: which mappings
 *    bounce does not depend on the kernel's debug options.
 *  - bus_master: the PCI command register's bus master bit is clear once the
 *    last file of the node is closed, and set again by the next open.
 *
 * Environment: DMAAPI_EDU (the edu device's PCI name, bound to dmaapi; found
 * in sysfs if unset), DMAAPI_EDU_MASK_BITS (what the device reaches: 28 for
 * the stock device).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/capability.h>
#include <linux/dmaapi.h>

#include "edu.h"
#include "sys_util.h"
/* the harness: unused parameters, and setjmp in its test wrapper */
#pragma GCC diagnostic ignored "-Wunused-parameter"
#pragma GCC diagnostic ignored "-Wclobbered"
#include "kselftest_harness.h"

#define PG 4096UL
/* the device buffer: [0, 2048) work area */
#define XFER 2048

static int set_mask(int fd, uint64_t mask)
{
	struct dmaapi_set_mask m = { .size = sizeof(m), .mask = mask };

	return ioctl(fd, DMAAPI_IOCTL_SET_MASK, &m);
}

static int get_info(int fd, struct dmaapi_info *info)
{
	memset(info, 0, sizeof(*info));
	info->size = sizeof(*info);
	return ioctl(fd, DMAAPI_IOCTL_GET_INFO, info);
}

static int do_map(int fd, const void *buf, uint64_t len, uint32_t dir,
		  uint64_t align, struct dmaapi_map_user *m)
{
	memset(m, 0, sizeof(*m));
	m->size = sizeof(*m);
	m->uaddr = (uintptr_t)buf;
	m->length = len;
	m->direction = dir;
	m->align = align;
	return ioctl(fd, DMAAPI_IOCTL_MAP_USER, m);
}

static int do_alloc(int fd, uint64_t len, uint64_t align, struct dmaapi_alloc *a)
{
	memset(a, 0, sizeof(*a));
	a->size = sizeof(*a);
	a->length = len;
	a->align = align;
	return ioctl(fd, DMAAPI_IOCTL_ALLOC, a);
}

static int do_free(int fd, uint32_t handle)
{
	struct dmaapi_free f = { .size = sizeof(f), .handle = handle };

	return ioctl(fd, DMAAPI_IOCTL_FREE, &f);
}

static int do_sync(int fd, uint32_t handle, uint32_t flags, uint64_t len)
{
	struct dmaapi_sync s = {
		.size = sizeof(s), .flags = flags, .handle = handle, .length = len,
	};

	return ioctl(fd, DMAAPI_IOCTL_SYNC, &s);
}

static void fill(uint8_t *p, size_t n, unsigned int seed)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)(i * 7 + seed * 13 + 1);
}

/* Bytes of @got that differ from the pattern fill(.., @seed) wrote. */
static size_t wrong_bytes(const uint8_t *got, size_t n, unsigned int seed)
{
	size_t bad = 0;

	for (size_t i = 0; i < n; i++)
		bad += got[i] != (uint8_t)(i * 7 + seed * 13 + 1);
	return bad;
}

/* The edu device bound to dmaapi: 0, or a SKIP reason in @why. */
static int find_edu(char *bdf, size_t len, char *node, size_t nlen,
		    char *why, size_t wlen)
{
	const char *env = getenv("DMAAPI_EDU");

	if (env) {
		snprintf(bdf, len, "%s", env);
	} else if (edu_find(bdf, len)) {
		snprintf(why, wlen, "no QEMU edu device (1234:11e8) in this machine");
		return -1;
	}
	snprintf(node, nlen, "/dev/dmaapi-%s", bdf);
	if (access(node, F_OK)) {
		snprintf(why, wlen, "edu device %s is not bound to dmaapi (no %s)", bdf, node);
		return -1;
	}
	return 0;
}

struct edu_env {
	char bdf[32];
	char node[64];
	int fd;
	uint64_t mask;
	struct edu edu;
	uint8_t *mem;		/* 24 pages of anonymous memory */
};

static void edu_env_setup(struct __test_metadata *_metadata, struct edu_env *env)
{
	char why[160];

	env->fd = -1;
	if (find_edu(env->bdf, sizeof(env->bdf), env->node, sizeof(env->node),
		     why, sizeof(why)))
		SKIP(return, "%s", why);
	env->mask = edu_mask();
	env->fd = open(env->node, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, env->fd) TH_LOG("open %s: %s", env->node, strerror(errno));
	ASSERT_EQ(0, set_mask(env->fd, env->mask)) TH_LOG("SET_MASK: %s", strerror(errno));
	ASSERT_EQ(0, edu_open(&env->edu, env->bdf));
	env->mem = mmap(NULL, 24 * PG, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	ASSERT_NE(MAP_FAILED, env->mem);
}

static void edu_env_teardown(struct edu_env *env)
{
	if (env->fd < 0)
		return;
	edu_close(&env->edu);
	munmap(env->mem, 24 * PG);
	close(env->fd);
}

FIXTURE(edu) {
	struct edu_env e;
};

FIXTURE_SETUP(edu)
{
	edu_env_setup(_metadata, &self->e);
}

FIXTURE_TEARDOWN(edu)
{
	edu_env_teardown(&self->e);
}

FIXTURE(second) {
	struct edu_env e;
};

FIXTURE_SETUP(second)
{
	edu_env_setup(_metadata, &self->e);
}

FIXTURE_TEARDOWN(second)
{
	edu_env_teardown(&self->e);
}

/* What the second file does between the first file's MAP_USER and syncs. */
enum second_open {
	SECOND_SAME_MASK,	/* the library's open: SET_MASK to the same mask */
	SECOND_WIDER_MASK,	/* SET_MASK wider than the device's */
	SECOND_NARROWER_MASK,	/* narrower: EBUSY while the first file maps */
	SECOND_MAPS,		/* ALLOC and MAP_USER, then SET_MASK wider */
};

FIXTURE_VARIANT(second) {
	enum second_open second;
};

FIXTURE_VARIANT_ADD(second, same_mask) { .second = SECOND_SAME_MASK };
FIXTURE_VARIANT_ADD(second, wider_mask) { .second = SECOND_WIDER_MASK };
FIXTURE_VARIANT_ADD(second, narrower_mask) { .second = SECOND_NARROWER_MASK };
FIXTURE_VARIANT_ADD(second, second_maps) { .second = SECOND_MAPS };

/*
 * Map a TO_DEVICE source and a FROM_DEVICE destination (both at offset 8 in
 * their page, as malloc returns), open the node again, then confirm, copy
 * through the device, prepare to read, and compare every byte.
 */
TEST_F(second, open)
{
	uint8_t *src = self->e.mem + 8, *dst = self->e.mem + 4 * PG + 8;
	uint8_t *other = self->e.mem + 8 * PG;
	struct dmaapi_map_user ms, md, mo;
	struct dmaapi_alloc a;
	int fd2, ret;

	fill(src, XFER, 1);
	memset(dst, 0, XFER);
	ASSERT_EQ(0, do_map(self->e.fd, src, XFER, DMAAPI_DIR_TO_DEVICE, 0, &ms));
	ASSERT_EQ(0, do_map(self->e.fd, dst, XFER, DMAAPI_DIR_FROM_DEVICE, 0, &md));
	TH_LOG("source %#llx, destination %#llx, out_flags %#x",
	       (unsigned long long)ms.dma_addr, (unsigned long long)md.dma_addr, md.out_flags);

	fd2 = open(self->e.node, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, fd2);
	switch (variant->second) {
	case SECOND_SAME_MASK:
		ASSERT_EQ(0, set_mask(fd2, self->e.mask));
		break;
	case SECOND_WIDER_MASK:
		ASSERT_EQ(0, set_mask(fd2, ~0ULL));
		break;
	case SECOND_NARROWER_MASK:
		ret = set_mask(fd2, self->e.mask >> 1);
		EXPECT_EQ(-1, ret);
		EXPECT_EQ(EBUSY, errno);
		break;
	case SECOND_MAPS:
		ASSERT_EQ(0, do_alloc(fd2, PG, 0, &a));
		fill(other, 100, 3);
		ASSERT_EQ(0, do_map(fd2, other, 100, DMAAPI_DIR_BIDIRECTIONAL, 0, &mo));
		ASSERT_EQ(0, set_mask(fd2, ~0ULL));
		break;
	}

	ASSERT_EQ(0, do_sync(self->e.fd, ms.handle, DMAAPI_SYNC_FOR_DEVICE, XFER));
	ASSERT_EQ(0, do_sync(self->e.fd, md.handle, DMAAPI_SYNC_FOR_DEVICE, XFER));
	ASSERT_EQ(0, edu_dma_to_dev(&self->e.edu, ms.dma_addr, 0, XFER));
	ASSERT_EQ(0, edu_dma_to_ram(&self->e.edu, md.dma_addr, 0, XFER));
	ASSERT_EQ(0, do_sync(self->e.fd, md.handle, DMAAPI_SYNC_FOR_CPU, XFER));
	EXPECT_EQ(0, wrong_bytes(dst, XFER, 1))
		TH_LOG("%zu of %d bytes wrong after the device's copy",
		       wrong_bytes(dst, XFER, 1), XFER);

	close(fd2);
	EXPECT_EQ(0, do_free(self->e.fd, ms.handle));
	EXPECT_EQ(0, do_free(self->e.fd, md.handle));
}

/*
 * Every mapping's DMA address has the offset in the page of the user
 * address, on whatever path it took; where the device can copy the length,
 * it finds the buffer's bytes there and its writes land there.
 */
TEST_F(edu, page_offset)
{
	static const size_t offs[] = { 0, 8, 64, 100, 2048, 4000, 4095 };
	static const size_t lens[] = { 1, 64, 2000, 2048, 4096, 3 * 4096 + 5, 65536 };

	for (size_t i = 0; i < ARRAY_SIZE(offs); i++) {
		for (size_t j = 0; j < ARRAY_SIZE(lens); j++) {
			uint8_t *buf = self->e.mem + PG + offs[i];
			size_t len = lens[j];
			struct dmaapi_map_user m;
			size_t n = len < XFER ? len : XFER;

			fill(buf, len, (unsigned int)(i + j));
			ASSERT_EQ(0, do_map(self->e.fd, buf, len, DMAAPI_DIR_BIDIRECTIONAL, 0, &m))
				TH_LOG("offset %zu length %zu: %s", offs[i], len, strerror(errno));
			EXPECT_EQ((uintptr_t)buf & (PG - 1), m.dma_addr & (PG - 1))
				TH_LOG("offset %zu length %zu: DMA address %#llx, out_flags %#x",
				       offs[i], len, (unsigned long long)m.dma_addr, m.out_flags);
			/* the device reads the first bytes, then writes them back zeroed */
			ASSERT_EQ(0, do_sync(self->e.fd, m.handle, DMAAPI_SYNC_FOR_DEVICE, len));
			ASSERT_EQ(0, edu_dma_to_dev(&self->e.edu, m.dma_addr, 0, n));
			memset(buf, 0, n);
			ASSERT_EQ(0, do_sync(self->e.fd, m.handle, DMAAPI_SYNC_FOR_DEVICE, len));
			ASSERT_EQ(0, edu_dma_to_ram(&self->e.edu, m.dma_addr, 0, n));
			ASSERT_EQ(0, do_sync(self->e.fd, m.handle, DMAAPI_SYNC_FOR_CPU, len));
			EXPECT_EQ(0, wrong_bytes(buf, n, (unsigned int)(i + j)))
				TH_LOG("offset %zu length %zu: %zu of %zu bytes wrong", offs[i],
				       len, wrong_bytes(buf, n, (unsigned int)(i + j)), n);
			ASSERT_EQ(0, do_free(self->e.fd, m.handle));
		}
	}
}

/* Odd alignments are EINVAL, huge ones ENOMEM, and neither allocates. */
static void check_aligns(struct __test_metadata *_metadata, int fd, void *buf)
{
	static const uint64_t odd[] = {
		3, 0x1001, 0x100000001ULL, 0x8000000000000001ULL, ~0ULL,
	};
	static const uint64_t huge[] = {
		1ULL << 32, 1ULL << 36, 1ULL << 40, 1ULL << 63,
	};
	struct dmaapi_info info;
	struct dmaapi_map_user m;
	struct dmaapi_alloc a;

	ASSERT_EQ(0, get_info(fd, &info));
	for (size_t i = 0; i < ARRAY_SIZE(odd); i++) {
		EXPECT_EQ(-1, do_map(fd, buf, 100, DMAAPI_DIR_BIDIRECTIONAL, odd[i], &m));
		EXPECT_EQ(EINVAL, errno) TH_LOG("MAP_USER align %#llx", (unsigned long long)odd[i]);
		EXPECT_EQ(-1, do_alloc(fd, 100, odd[i], &a));
		EXPECT_EQ(EINVAL, errno) TH_LOG("ALLOC align %#llx", (unsigned long long)odd[i]);
	}
	for (size_t i = 0; i < ARRAY_SIZE(huge); i++) {
		EXPECT_EQ(-1, do_map(fd, buf, 100, DMAAPI_DIR_BIDIRECTIONAL, huge[i], &m));
		EXPECT_EQ(ENOMEM, errno) TH_LOG("MAP_USER align %#llx", (unsigned long long)huge[i]);
		EXPECT_EQ(-1, do_alloc(fd, 100, huge[i], &a));
		EXPECT_EQ(ENOMEM, errno) TH_LOG("ALLOC align %#llx", (unsigned long long)huge[i]);
	}
	/* just above the limit: refused whatever the platform could allocate */
	EXPECT_EQ(-1, do_map(fd, buf, 100, DMAAPI_DIR_BIDIRECTIONAL, info.max_alloc_size * 2, &m));
	EXPECT_EQ(ENOMEM, errno);
	ASSERT_EQ(0, get_info(fd, &info));
	EXPECT_EQ(0, info.handles);
}

TEST_F(edu, align)
{
	check_aligns(_metadata, self->e.fd, self->e.mem + 8);
}

TEST(default_device_align)
{
	void *buf = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int fd = open("/dev/dmaapi", O_RDWR | O_CLOEXEC);

	if (fd < 0)
		SKIP(return, "/dev/dmaapi cannot be opened (%s): load dmaapi.ko", strerror(errno));
	ASSERT_NE(MAP_FAILED, buf);
	check_aligns(_metadata, fd, buf);
	close(fd);
	munmap(buf, PG);
}

/*
 * Streaming mappings must not overlap (the DMA API does not support it): the
 * second direct mapping of a page bounces, on production kernels as on debug
 * ones.  /dev/dmaapi: no IOMMU, and all of a 1 GiB guest under its mask.
 */
TEST(overlap_bounces)
{
	uint8_t *buf = mmap(NULL, PG, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	int fd = open("/dev/dmaapi", O_RDWR | O_CLOEXEC);
	struct dmaapi_map_user m1, m2;

	if (fd < 0)
		SKIP(return, "/dev/dmaapi cannot be opened (%s): load dmaapi.ko", strerror(errno));
	ASSERT_NE(MAP_FAILED, buf);
	/* the whole address space, so that only swiotlb=force bounces it */
	ASSERT_EQ(0, set_mask(fd, UINT64_MAX));
	ASSERT_EQ(0, do_map(fd, buf, PG, DMAAPI_DIR_BIDIRECTIONAL, 0, &m1));
	if (m1.out_flags & DMAAPI_OUT_BOUNCED) {
		do_free(fd, m1.handle);
		close(fd);
		SKIP(return, "the first mapping is bounced already (swiotlb=force): an overlap cannot be told apart");
	}
	ASSERT_EQ(0, do_map(fd, buf + 64, 128, DMAAPI_DIR_FROM_DEVICE, 0, &m2));
	EXPECT_TRUE(m2.out_flags & DMAAPI_OUT_BOUNCED)
		TH_LOG("a mapping overlapping a direct one at %#llx was mapped directly at %#llx",
		       (unsigned long long)m1.dma_addr, (unsigned long long)m2.dma_addr);
	EXPECT_EQ(0, do_free(fd, m2.handle));
	/* the first one gone, the same range maps directly again */
	EXPECT_EQ(0, do_free(fd, m1.handle));
	ASSERT_EQ(0, do_map(fd, buf + 64, 128, DMAAPI_DIR_FROM_DEVICE, 0, &m2));
	EXPECT_FALSE(m2.out_flags & DMAAPI_OUT_BOUNCED);
	EXPECT_EQ(0, do_free(fd, m2.handle));
	close(fd);
	munmap(buf, PG);
}

/*
 * On a device that is not cache-coherent, a device-writable buffer that
 * shares a cache line with other data bounces.
 */
TEST(noncoherent_partial_lines_bounce)
{
	uint8_t *buf = mmap(NULL, PG, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	int fd = open("/dev/dmaapi", O_RDWR | O_CLOEXEC);
	static const uint32_t dirs[] = { DMAAPI_DIR_FROM_DEVICE, DMAAPI_DIR_BIDIRECTIONAL };
	struct dmaapi_map_user m;
	struct dmaapi_info info;

	if (fd < 0)
		SKIP(return, "/dev/dmaapi cannot be opened (%s): load dmaapi.ko", strerror(errno));
	ASSERT_NE(MAP_FAILED, buf);
	ASSERT_EQ(0, get_info(fd, &info));
	if (info.dev_flags & DMAAPI_DEV_COHERENT) {
		close(fd);
		SKIP(return, "/dev/dmaapi is cache-coherent here: no cache line to share");
	}
	for (size_t i = 0; i < 2; i++) {
		ASSERT_EQ(0, do_map(fd, buf + 8, 100, dirs[i], 0, &m));
		EXPECT_TRUE(m.out_flags & DMAAPI_OUT_BOUNCED)
			TH_LOG("direction %u: mapped directly at %#llx", dirs[i],
			       (unsigned long long)m.dma_addr);
		EXPECT_EQ(0, do_free(fd, m.handle));
	}
	close(fd);
	munmap(buf, PG);
}

/* Pinning limits: checked in children without CAP_IPC_LOCK. */

#define LIMIT_PAGES 16

/* Drops CAP_IPC_LOCK from the effective set and sets RLIMIT_MEMLOCK. */
static int restrict_pins(void)
{
	return restrict_pins_to(LIMIT_PAGES * PG);
}

/* Child exit codes. */
enum { CHILD_OK, CHILD_SETUP, CHILD_PIN_FAILED, CHILD_OVER_LIMIT, CHILD_BAD_ERRNO };

static int map_pages(int fd, unsigned int n, uint32_t *handle)
{
	struct dmaapi_map_user m;
	void *buf = mmap(NULL, n * PG, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);

	if (buf == MAP_FAILED)
		return -ENOMEM;
	if (do_map(fd, buf, n * PG, DMAAPI_DIR_BIDIRECTIONAL, 0, &m))
		return -errno;
	if (handle)
		*handle = m.handle;
	return 0;	/* the buffer stays mapped: its pages are pinned */
}

static int child_status(pid_t pid)
{
	int st;

	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st);
}

/* A full pin is over the limit again: EPERM, or the code of what it did. */
static int expect_over_limit(int fd)
{
	int ret = map_pages(fd, 1, NULL);

	if (!ret)
		return CHILD_OVER_LIMIT;
	return ret == -EPERM ? CHILD_OK : CHILD_BAD_ERRNO;
}

/*
 * fork: a child pins up to the limit on a shared file and exits; its pins
 * stay (the file holds them) and so must their charge.
 */
static int fork_child(void)
{
	uint32_t handle;
	int fd, p[2], ret;
	pid_t pid;

	if (restrict_pins() || pipe(p))
		return CHILD_SETUP;
	fd = open("/dev/dmaapi", O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return CHILD_SETUP;
	pid = fork();
	if (pid < 0)
		return CHILD_SETUP;
	if (!pid) {
		ret = map_pages(fd, LIMIT_PAGES, &handle);
		if (write(p[1], &handle, sizeof(handle)) != sizeof(handle))
			_exit(CHILD_SETUP);
		_exit(ret ? CHILD_PIN_FAILED : CHILD_OK);
	}
	ret = child_status(pid);
	if (ret)
		return ret < 0 ? CHILD_SETUP : ret;
	if (read(p[0], &handle, sizeof(handle)) != sizeof(handle))
		return CHILD_SETUP;
	ret = expect_over_limit(fd);
	if (ret)
		return ret;
	/* freeing the child's pins gives the room back */
	if (do_free(fd, handle))
		return CHILD_SETUP;
	if (map_pages(fd, LIMIT_PAGES, NULL))
		return CHILD_PIN_FAILED;
	close(fd);
	return CHILD_OK;
}

static int send_fd(int sock, int fd)
{
	char cbuf[CMSG_SPACE(sizeof(int))] = { 0 };
	char byte = 0;
	struct iovec iov = { &byte, 1 };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *c = CMSG_FIRSTHDR(&msg);

	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof(int));
	return sendmsg(sock, &msg, 0) == 1 ? 0 : -1;
}

static int recv_fd(int sock)
{
	char cbuf[CMSG_SPACE(sizeof(int))] = { 0 };
	char byte;
	struct iovec iov = { &byte, 1 };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *c;
	int fd;

	if (recvmsg(sock, &msg, 0) != 1)
		return -1;
	c = CMSG_FIRSTHDR(&msg);
	if (!c || c->cmsg_type != SCM_RIGHTS)
		return -1;
	memcpy(&fd, CMSG_DATA(c), sizeof(int));
	return fd;
}

/*
 * fd passing: a process pins up to the limit, passes the file to another and
 * exits; the receiver is over the limit until the file is closed.
 */
static int fd_passing_child(void)
{
	int sv[2], fd, ret;
	pid_t pid;

	if (restrict_pins() || socketpair(AF_UNIX, SOCK_STREAM, 0, sv))
		return CHILD_SETUP;
	pid = fork();
	if (pid < 0)
		return CHILD_SETUP;
	if (!pid) {
		fd = open("/dev/dmaapi", O_RDWR | O_CLOEXEC);
		if (fd < 0)
			_exit(CHILD_SETUP);
		if (map_pages(fd, LIMIT_PAGES, NULL))
			_exit(CHILD_PIN_FAILED);
		_exit(send_fd(sv[0], fd) ? CHILD_SETUP : CHILD_OK);
	}
	fd = recv_fd(sv[1]);
	ret = child_status(pid);
	if (ret || fd < 0)
		return ret > 0 ? ret : CHILD_SETUP;
	ret = expect_over_limit(fd);
	if (ret)
		return ret;
	close(fd);
	fd = open("/dev/dmaapi", O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return CHILD_SETUP;
	if (map_pages(fd, LIMIT_PAGES, NULL))
		return CHILD_PIN_FAILED;
	close(fd);
	return CHILD_OK;
}

static const char *const child_codes[] = {
	[CHILD_OK] = "ok",
	[CHILD_SETUP] = "setup failed (capset, setrlimit, open, fork or a pipe)",
	[CHILD_PIN_FAILED] = "a pin within the limit failed",
	[CHILD_OVER_LIMIT] = "a pin over the user's limit succeeded",
	[CHILD_BAD_ERRNO] = "a pin over the limit failed with an errno other than EPERM",
};

static void run_limit_child(struct __test_metadata *_metadata, int (*fn)(void))
{
	int fd = open("/dev/dmaapi", O_RDWR | O_CLOEXEC);
	pid_t pid;
	int ret;

	if (fd < 0)
		SKIP(return, "/dev/dmaapi cannot be opened (%s): load dmaapi.ko", strerror(errno));
	close(fd);
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid)
		_exit(fn());
	ret = child_status(pid);
	ASSERT_LE(0, ret);
	ASSERT_GT(ARRAY_SIZE(child_codes), (size_t)ret);
	EXPECT_EQ(CHILD_OK, ret) TH_LOG("%s", child_codes[ret]);
}

TEST(limit_across_fork)
{
	run_limit_child(_metadata, fork_child);
}

TEST(limit_across_fd_passing)
{
	int sv[2];

	/* no AF_UNIX (no CONFIG_UNIX, or no CONFIG_NET): no fd can be passed */
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv)) {
		ASSERT_TRUE(errno == EAFNOSUPPORT || errno == ENOSYS)
			TH_LOG("socketpair: %s", strerror(errno));
		SKIP(return, "no AF_UNIX sockets in this kernel: no fd passing");
	}
	close(sv[0]);
	close(sv[1]);
	run_limit_child(_metadata, fd_passing_child);
}

/* The PCI command register's bus master bit, from config space. */
static int read_bus_master(const char *bdf)
{
	char path[128];
	uint16_t cmd;
	int fd;
	ssize_t n;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/config", bdf);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = pread(fd, &cmd, sizeof(cmd), 4);
	close(fd);
	return n == sizeof(cmd) ? !!(cmd & 0x4) : -1;
}

TEST(bus_master)
{
	char bdf[32], node[64], why[160];
	struct dmaapi_map_user m;
	int fd1, fd2;
	void *buf;

	if (find_edu(bdf, sizeof(bdf), node, sizeof(node), why, sizeof(why)))
		SKIP(return, "%s", why);
	ASSERT_EQ(0, read_bus_master(bdf)) TH_LOG("bus master set with no file of %s open", node);
	fd1 = open(node, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, fd1);
	EXPECT_EQ(1, read_bus_master(bdf));
	fd2 = open(node, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, fd2);
	close(fd1);
	EXPECT_EQ(1, read_bus_master(bdf)) TH_LOG("cleared while a file is still open");

	/* the last close, with a mapping the device could still write */
	buf = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, buf);
	ASSERT_EQ(0, set_mask(fd2, edu_mask()));
	ASSERT_EQ(0, do_map(fd2, buf, 64, DMAAPI_DIR_FROM_DEVICE, 0, &m));
	close(fd2);
	EXPECT_EQ(0, read_bus_master(bdf)) TH_LOG("bus master still set after the last close");

	fd1 = open(node, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, fd1);
	EXPECT_EQ(1, read_bus_master(bdf)) TH_LOG("not set again by the next open");
	close(fd1);
	EXPECT_EQ(0, read_bus_master(bdf));
	munmap(buf, PG);
}

TEST_HARNESS_MAIN

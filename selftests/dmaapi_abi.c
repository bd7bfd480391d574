// SPDX-License-Identifier: GPL-2.0
/*
 * dmaapi ioctl ABI tests: GET_INFO, unknown commands, and how every command
 * handles a struct of another size (older and newer userspace), on the
 * module's default device /dev/dmaapi.  No device DMA is involved.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/dmaapi.h>

#include "dmaapi_fixture.h"

/* GET_INFO */

TEST_F(dmaapi, get_info)
{
	struct dmaapi_info *info = &self->info;
	struct dmaapi_alloc a;

	EXPECT_EQ(DMAAPI_API_VERSION, info->api_version);
	EXPECT_EQ(page_size, info->page_size);
	EXPECT_NE(0, info->dma_mask);
	EXPECT_EQ(0, info->dma_mask & (info->dma_mask + 1));
	EXPECT_NE(0, info->device_mask);
	EXPECT_TRUE(info->dev_flags & DMAAPI_DEV_DEFAULT);
	EXPECT_FALSE(info->dev_flags & DMAAPI_DEV_PCI);
	EXPECT_LT(0, info->max_handles);
	EXPECT_LT(0, info->max_alloc_size);
	EXPECT_GT(1ULL << 32, info->max_alloc_size);
	EXPECT_EQ(0, info->handles);
	EXPECT_EQ(0, info->bytes);
	EXPECT_EQ(0, info->__reserved);

	ASSERT_EQ(0, do_alloc(self->fd, 100, 0, 0, DMAAPI_DIR_BIDIRECTIONAL, &a));
	ASSERT_EQ(0, get_info(self->fd, info));
	EXPECT_EQ(1, info->handles);
	EXPECT_EQ(100, info->bytes);
	ASSERT_EQ(0, do_free(self->fd, a.handle));
	ASSERT_EQ(0, get_info(self->fd, info));
	EXPECT_EQ(0, info->handles);
	EXPECT_EQ(0, info->bytes);
}

TEST_F(dmaapi, get_info_flags_reserved)
{
	struct dmaapi_info info = { .size = sizeof(info), .flags = 1 };

	EXPECT_ERRNO(EOPNOTSUPP, ioctl(self->fd, DMAAPI_IOCTL_GET_INFO, &info));
	info.flags = 1U << 31;
	EXPECT_ERRNO(EOPNOTSUPP, ioctl(self->fd, DMAAPI_IOCTL_GET_INFO, &info));
	info.flags = 0;
	info.__reserved = 1;
	EXPECT_ERRNO(EINVAL, ioctl(self->fd, DMAAPI_IOCTL_GET_INFO, &info));
}

TEST_F(dmaapi, unknown_ioctl)
{
	uint64_t buf[32] = { sizeof(buf) };

	EXPECT_ERRNO(ENOTTY, ioctl(self->fd, _IO(DMAAPI_TYPE, DMAAPI_CMD_BASE - 1), buf));
	EXPECT_ERRNO(ENOTTY, ioctl(self->fd, _IO(DMAAPI_TYPE, DMAAPI_CMD_GET_SEGMENTS + 1), buf));
	EXPECT_ERRNO(ENOTTY, ioctl(self->fd, _IO(DMAAPI_TYPE, 0), buf));
	EXPECT_ERRNO(ENOTTY, ioctl(self->fd, _IO(DMAAPI_TYPE + 1, DMAAPI_CMD_GET_INFO), buf));
	/* the numbers carry no size or direction */
	EXPECT_ERRNO(ENOTTY, ioctl(self->fd, _IOWR(DMAAPI_TYPE, DMAAPI_CMD_GET_INFO,
						  struct dmaapi_info), buf));
	EXPECT_ERRNO(EFAULT, ioctl(self->fd, DMAAPI_IOCTL_GET_INFO, NULL));
}

/*
 * Struct size handling, for every ioctl: too short, exact, longer with a
 * zero tail, longer with a non-zero tail.  @prep fills a valid command,
 * @after checks and undoes a successful one.  @h is a handle the callbacks
 * may allocate; it is freed at the end if still set.
 */
struct size_case {
	unsigned long ioctl;
	size_t ksize;
	void (*prep)(void *cmd, int fd, uint32_t *h);
	void (*after)(struct __test_metadata *_metadata, void *cmd, int fd,
		      uint32_t *h);
};

static void set_size(void *cmd, uint32_t size)
{
	memcpy(cmd, &size, sizeof(size));
}

static void size_test(struct __test_metadata *_metadata, int fd,
		      const struct size_case *c)
{
	uint64_t raw[32];
	uint8_t *bytes = (uint8_t *)raw;
	size_t big = c->ksize + 64;
	struct dmaapi_info info;
	uint32_t h = 0;

	ASSERT_GE(sizeof(raw), big);
	/* too short */
	for (unsigned int sz = 0; sz < c->ksize; sz += 4) {
		memset(raw, 0, sizeof(raw));
		c->prep(raw, fd, &h);
		set_size(raw, sz);
		EXPECT_ERRNO(EINVAL, ioctl(fd, c->ioctl, raw));
	}
	/* exact */
	memset(raw, 0, sizeof(raw));
	c->prep(raw, fd, &h);
	set_size(raw, c->ksize);
	ASSERT_EQ(0, ioctl(fd, c->ioctl, raw));
	c->after(_metadata, raw, fd, &h);
	/* longer with a zero tail; the kernel writes back only its own struct */
	memset(raw, 0, sizeof(raw));
	c->prep(raw, fd, &h);
	set_size(raw, big);
	ASSERT_EQ(0, ioctl(fd, c->ioctl, raw));
	c->after(_metadata, raw, fd, &h);
	for (size_t i = c->ksize; i < big; i++)
		ASSERT_EQ(0, bytes[i]);
	/* longer with a non-zero tail, anywhere in it */
	for (size_t i = c->ksize; i < big; i += 7) {
		memset(raw, 0, sizeof(raw));
		c->prep(raw, fd, &h);
		set_size(raw, big);
		bytes[i] = 0x5a;
		EXPECT_ERRNO(E2BIG, ioctl(fd, c->ioctl, raw));
	}
	if (h)
		EXPECT_EQ(0, do_free(fd, h));
	ASSERT_EQ(0, get_info(fd, &info));
	EXPECT_EQ(0, info.handles);
}

static uint32_t size_test_handle(int fd)
{
	struct dmaapi_alloc a;

	if (do_alloc(fd, 4096, 0, 0, 0, &a))
		return 0;
	return a.handle;
}

static void prep_nothing(void *cmd, int fd, uint32_t *h)
{
}

static void after_info(struct __test_metadata *_metadata, void *cmd, int fd,
		       uint32_t *h)
{
	EXPECT_EQ(DMAAPI_API_VERSION, ((struct dmaapi_info *)cmd)->api_version);
}

TEST_F(dmaapi, size_get_info)
{
	struct size_case c = { DMAAPI_IOCTL_GET_INFO, sizeof(struct dmaapi_info),
			       prep_nothing, after_info };

	size_test(_metadata, self->fd, &c);
}

static uint64_t size_test_mask;

static void prep_mask(void *cmd, int fd, uint32_t *h)
{
	((struct dmaapi_set_mask *)cmd)->mask = size_test_mask;
}

static void after_nothing(struct __test_metadata *_metadata, void *cmd, int fd,
			  uint32_t *h)
{
}

TEST_F(dmaapi, size_set_mask)
{
	struct size_case c = { DMAAPI_IOCTL_SET_MASK, sizeof(struct dmaapi_set_mask),
			       prep_mask, after_nothing };

	size_test_mask = self->info.dma_mask;
	size_test(_metadata, self->fd, &c);
}

static void prep_alloc(void *cmd, int fd, uint32_t *h)
{
	((struct dmaapi_alloc *)cmd)->length = 4096;
}

static void after_alloc(struct __test_metadata *_metadata, void *cmd, int fd,
			uint32_t *h)
{
	struct dmaapi_alloc *a = cmd;

	EXPECT_NE(0, a->handle);
	EXPECT_EQ((uint64_t)a->handle << DMAAPI_MMAP_SHIFT, a->mmap_offset);
	EXPECT_EQ(0, do_free(fd, a->handle));
}

TEST_F(dmaapi, size_alloc)
{
	struct size_case c = { DMAAPI_IOCTL_ALLOC, sizeof(struct dmaapi_alloc),
			       prep_alloc, after_alloc };

	size_test(_metadata, self->fd, &c);
}

/* one handle, allocated when needed and consumed by a successful FREE */
static void prep_free(void *cmd, int fd, uint32_t *h)
{
	if (!*h)
		*h = size_test_handle(fd);
	((struct dmaapi_free *)cmd)->handle = *h;
}

static void after_free(struct __test_metadata *_metadata, void *cmd, int fd,
		       uint32_t *h)
{
	*h = 0;
}

TEST_F(dmaapi, size_free)
{
	struct size_case c = { DMAAPI_IOCTL_FREE, sizeof(struct dmaapi_free),
			       prep_free, after_free };

	size_test(_metadata, self->fd, &c);
}

static char size_test_buf[8192];

static void prep_map(void *cmd, int fd, uint32_t *h)
{
	struct dmaapi_map_user *m = cmd;

	m->uaddr = (uintptr_t)size_test_buf;
	m->length = sizeof(size_test_buf);
}

static void after_map(struct __test_metadata *_metadata, void *cmd, int fd,
		      uint32_t *h)
{
	struct dmaapi_map_user *m = cmd;

	EXPECT_NE(0, m->handle);
	EXPECT_EQ(0, do_free(fd, m->handle));
}

TEST_F(dmaapi, size_map_user)
{
	struct size_case c = { DMAAPI_IOCTL_MAP_USER, sizeof(struct dmaapi_map_user),
			       prep_map, after_map };

	size_test(_metadata, self->fd, &c);
}

static void prep_sync(void *cmd, int fd, uint32_t *h)
{
	struct dmaapi_sync *s = cmd;

	if (!*h)
		*h = size_test_handle(fd);
	s->handle = *h;
	s->flags = DMAAPI_SYNC_FOR_CPU;
	s->length = 1;
}

TEST_F(dmaapi, size_sync)
{
	struct size_case c = { DMAAPI_IOCTL_SYNC, sizeof(struct dmaapi_sync),
			       prep_sync, after_nothing };

	size_test(_metadata, self->fd, &c);
}

/* ALLOC */

TEST_HARNESS_MAIN

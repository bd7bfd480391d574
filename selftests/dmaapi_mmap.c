// SPDX-License-Identifier: GPL-2.0
/*
 * dmaapi mmap tests: the rules of a buffer's user mapping (bounds, offsets,
 * protections, the file's access mode) and its lifetime against FREE,
 * close and fork, on the module's default device /dev/dmaapi.
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

/* mmap */

TEST_F(dmaapi, mmap_errors)
{
	struct dmaapi_alloc a;
	struct dmaapi_map_user m;
	static char buf[4096];
	void *p;

	ASSERT_EQ(0, do_alloc(self->fd, 2 * page_size, 0, 0, 0, &a));

	p = mmap(NULL, page_size, PROT_READ | PROT_WRITE, MAP_PRIVATE,
		 self->fd, a.mmap_offset);
	EXPECT_EQ(MAP_FAILED, p);
	EXPECT_EQ(EBADF, errno);

	/* longer than the allocation */
	p = mmap(NULL, 3 * page_size, PROT_READ, MAP_SHARED, self->fd,
		 a.mmap_offset);
	EXPECT_EQ(MAP_FAILED, p);
	EXPECT_EQ(ENXIO, errno);
	/* starting inside, ending past the end */
	p = mmap(NULL, 2 * page_size, PROT_READ, MAP_SHARED, self->fd,
		 a.mmap_offset + page_size);
	EXPECT_EQ(MAP_FAILED, p);
	EXPECT_EQ(ENXIO, errno);
	/* starting past the end */
	p = mmap(NULL, page_size, PROT_READ, MAP_SHARED, self->fd,
		 a.mmap_offset + 2 * page_size);
	EXPECT_EQ(MAP_FAILED, p);
	EXPECT_EQ(ENXIO, errno);
	/* no such handle, handle 0 */
	p = mmap(NULL, page_size, PROT_READ, MAP_SHARED, self->fd,
		 (off_t)(a.handle + 100) << DMAAPI_MMAP_SHIFT);
	EXPECT_EQ(MAP_FAILED, p);
	EXPECT_EQ(ENXIO, errno);
	p = mmap(NULL, page_size, PROT_READ, MAP_SHARED, self->fd, 0);
	EXPECT_EQ(MAP_FAILED, p);
	EXPECT_EQ(ENXIO, errno);
	/* a user mapping cannot be mmapped */
	ASSERT_EQ(0, do_map(self->fd, buf, sizeof(buf), 0, 0, &m));
	p = mmap(NULL, page_size, PROT_READ, MAP_SHARED, self->fd,
		 (off_t)m.handle << DMAAPI_MMAP_SHIFT);
	EXPECT_EQ(MAP_FAILED, p);
	EXPECT_EQ(ENXIO, errno);
	/* another file's allocation */
	int fd2 = open_dev();

	ASSERT_LE(0, fd2);
	p = mmap(NULL, page_size, PROT_READ, MAP_SHARED, fd2,
		 a.mmap_offset);
	EXPECT_EQ(MAP_FAILED, p);
	EXPECT_EQ(ENXIO, errno);
	close(fd2);
	/* a freed allocation */
	EXPECT_EQ(0, do_free(self->fd, a.handle));
	p = mmap(NULL, page_size, PROT_READ, MAP_SHARED, self->fd, a.mmap_offset);
	EXPECT_EQ(MAP_FAILED, p);
	EXPECT_EQ(ENXIO, errno);
	EXPECT_EQ(0, do_free(self->fd, m.handle));
}

TEST_F(dmaapi, mmap_partial_and_readonly_file)
{
	struct dmaapi_alloc a;
	uint8_t *p, *q;
	int rofd;

	ASSERT_EQ(0, do_alloc(self->fd, 3 * page_size, 0, 0, 0, &a));
	p = mmap(NULL, 3 * page_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		 self->fd, a.mmap_offset);
	ASSERT_NE(MAP_FAILED, p);
	for (size_t i = 0; i < 3 * page_size; i++)
		p[i] = i / page_size + 1;
	/* the middle page alone */
	q = mmap(NULL, page_size, PROT_READ, MAP_SHARED, self->fd,
		 a.mmap_offset + page_size);
	ASSERT_NE(MAP_FAILED, q);
	EXPECT_EQ(2, q[0]);
	EXPECT_EQ(2, q[page_size - 1]);
	munmap(q, page_size);
	/* unmapping a hole splits the VMA; both halves keep working */
	ASSERT_EQ(0, munmap(p + page_size, page_size));
	EXPECT_EQ(1, p[0]);
	EXPECT_EQ(3, p[2 * page_size]);
	EXPECT_EQ(0, do_free(self->fd, a.handle));
	EXPECT_EQ(1, p[page_size - 1]);
	p[2 * page_size] = 9;
	EXPECT_EQ(9, p[2 * page_size]);
	munmap(p, page_size);
	munmap(p + 2 * page_size, page_size);

	/* the handle belongs to the file, whichever way it was opened */
	rofd = open(DEV_PATH, O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, rofd);
	ASSERT_EQ(0, do_alloc(rofd, page_size, 0, 0, 0, &a));
	q = mmap(NULL, page_size, PROT_READ, MAP_SHARED, rofd, a.mmap_offset);
	ASSERT_NE(MAP_FAILED, q);
	EXPECT_EQ(0, q[0]);
	munmap(q, page_size);
	q = mmap(NULL, page_size, PROT_READ | PROT_WRITE, MAP_SHARED, rofd,
		 a.mmap_offset);
	EXPECT_EQ(MAP_FAILED, q);
	EXPECT_EQ(EACCES, errno);
	close(rofd);
}

TEST_F(dmaapi, free_while_mmapped)
{
	struct dmaapi_alloc a;
	size_t len = 4 * page_size;
	uint8_t *p;

	ASSERT_EQ(0, do_alloc(self->fd, len, 0, 0, 0, &a));
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, self->fd,
		 a.mmap_offset);
	ASSERT_NE(MAP_FAILED, p);
	memset(p, 0x3c, len);
	ASSERT_EQ(0, do_free(self->fd, a.handle));
	ASSERT_EQ(0, get_info(self->fd, &self->info));
	EXPECT_EQ(0, self->info.handles);
	EXPECT_EQ(0, self->info.bytes);
	/* the memory lives on until munmap */
	for (size_t i = 0; i < len; i++)
		ASSERT_EQ(0x3c, p[i]);
	memset(p, 0xc3, len);
	for (size_t i = 0; i < len; i++)
		ASSERT_EQ(0xc3, p[i]);
	/* the handle number may be reused; the old mapping is unaffected */
	struct dmaapi_alloc b;
	uint8_t *q;

	ASSERT_EQ(0, do_alloc(self->fd, len, 0, 0, 0, &b));
	q = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED,
		 self->fd, b.mmap_offset);
	ASSERT_NE(MAP_FAILED, q);
	EXPECT_EQ(0, q[0]);
	q[0] = 1;
	EXPECT_EQ(0xc3, p[0]);
	munmap(q, len);
	EXPECT_EQ(0, do_free(self->fd, b.handle));
	EXPECT_EQ(0, munmap(p, len));
}

TEST_F(dmaapi, close_while_mmapped)
{
	struct dmaapi_alloc a, c;
	size_t len = 2 * page_size;
	uint8_t *p, *q;
	int fd2 = open_dev();

	ASSERT_LE(0, fd2);
	ASSERT_EQ(0, do_alloc(fd2, len, 0, 0, 0, &a));
	ASSERT_EQ(0, do_alloc(fd2, len, 0, DMAAPI_ALLOC_CACHED, 0, &c));
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd2,
		 a.mmap_offset);
	ASSERT_NE(MAP_FAILED, p);
	q = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd2,
		 c.mmap_offset);
	ASSERT_NE(MAP_FAILED, q);
	memset(p, 0x11, len);
	memset(q, 0x22, len);
	ASSERT_EQ(0, close(fd2));
	for (size_t i = 0; i < len; i++) {
		ASSERT_EQ(0x11, p[i]);
		ASSERT_EQ(0x22, q[i]);
	}
	p[len - 1] = 0;
	EXPECT_EQ(0, p[len - 1]);
	EXPECT_EQ(0, munmap(p, len));
	EXPECT_EQ(0, munmap(q, len));
}

/* A forked child keeps the mapping; the memory lives until both unmap. */
TEST_F(dmaapi, mmap_fork)
{
	struct dmaapi_alloc a;
	volatile uint8_t *p;
	pid_t pid;
	int status;

	ASSERT_EQ(0, do_alloc(self->fd, page_size, 0, 0, 0, &a));
	p = mmap(NULL, page_size, PROT_READ | PROT_WRITE, MAP_SHARED, self->fd,
		 a.mmap_offset);
	ASSERT_NE(MAP_FAILED, p);
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		p[1] = 0x77;
		_exit(p[0] == 0 ? 0 : 1);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	EXPECT_EQ(0x77, p[1]);
	EXPECT_EQ(0, do_free(self->fd, a.handle));
	munmap((void *)p, page_size);
}

TEST_HARNESS_MAIN

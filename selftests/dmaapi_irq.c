// SPDX-License-Identifier: GPL-2.0
/*
 * Interrupts and registers through the node, with the edu device's real
 * interrupt (QEMU docs/specs/edu.rst: a DMA command with bit 2 raises it on
 * completion; status at 0x24, acknowledge at 0x64; INTx or MSI).  Every
 * register access goes through the node's region mmap, never sysfs (but in
 * the one test that compares the two), and every wait is a blocking read()
 * of an eventfd or an irq fd: nothing polls the device.
 *
 * Needs DMAAPI_EDU (set by the VM runner) bound to dmaapi; leaves it bound.
 * DMAAPI_EDU_MASK_BITS: what the device reaches (28 for the stock edu
 * device; the runner widens it where RAM lies above 256 MiB, on ARM).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/dmaapi.h>

#include "kselftest_harness.h"
#include "edu.h"
#include "sys_util.h"

/* See dmaapi_unbind.c: the debug kernels under TCG are ~10x slower. */
#undef TEST_TIMEOUT_DEFAULT
#define TEST_TIMEOUT_DEFAULT 120

#define XFER 1024
#define NXFERS 16
#define NOBODY 65534

#define EXPECT_ERRNO(e, cmd) ({ ASSERT_EQ(-1, (cmd)); EXPECT_EQ((e), errno); })

/* The interrupt handler's part: ours if the status says DMA, then ack it. */
static int edu_ack(volatile uint8_t *bar)
{
	uint32_t st = edu_rd32(bar, EDU_REG_IRQ_STATUS);

	edu_wr32(bar, EDU_REG_IRQ_ACK, st);
	return (st & EDU_IRQ_DMA) && !(edu_rd32(bar, EDU_REG_DMA_CMD) & EDU_CMD_START);
}

static int get_irq_info(int fd, uint32_t type, struct dmaapi_irq_info *info)
{
	memset(info, 0, sizeof(*info));
	info->size = sizeof(*info);
	info->type = type;
	return ioctl(fd, DMAAPI_IOCTL_IRQ_INFO, info);
}

/* Attaches vector @index of @type; the irq fd, or -1 with errno. */
static int irq_attach(int fd, uint32_t type, uint32_t index, int efd)
{
	struct dmaapi_irq_set s = { .size = sizeof(s), .type = type, .index = index,
				    .eventfd = efd, .irq_fd = -1 };

	if (ioctl(fd, DMAAPI_IOCTL_IRQ_SET, &s))
		return -1;
	return s.irq_fd;
}

static int irq_detach(int fd, uint32_t type, uint32_t index)
{
	struct dmaapi_irq_set s = { .size = sizeof(s), .flags = DMAAPI_IRQ_SET_DETACH,
				    .type = type, .index = index, .eventfd = -1 };

	return ioctl(fd, DMAAPI_IOCTL_IRQ_SET, &s);
}

static int region_info(int fd, uint32_t index, struct dmaapi_region_info *ri)
{
	memset(ri, 0, sizeof(*ri));
	ri->size = sizeof(*ri);
	ri->index = index;
	return ioctl(fd, DMAAPI_IOCTL_REGION_INFO, ri);
}

/* BAR0 through the node, or MAP_FAILED. */
static volatile uint8_t *map_bar0(int fd)
{
	struct dmaapi_region_info ri;
	void *p;

	if (region_info(fd, 0, &ri) || !(ri.region_flags & DMAAPI_REGION_MMAP) ||
	    ri.length != EDU_BAR_SIZE)
		return MAP_FAILED;
	p = mmap(NULL, EDU_BAR_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, ri.mmap_offset);
	return p;
}

struct dma_buf {
	uint32_t handle;
	uint64_t dma;
	uint8_t *cpu;
	size_t len;
};

static int dma_alloc(int fd, size_t len, struct dma_buf *b)
{
	struct dmaapi_set_mask m = { .size = sizeof(m), .mask = edu_mask() };
	struct dmaapi_alloc a = { .size = sizeof(a), .direction = DMAAPI_DIR_BIDIRECTIONAL,
				  .length = len };

	if (ioctl(fd, DMAAPI_IOCTL_SET_MASK, &m) || ioctl(fd, DMAAPI_IOCTL_ALLOC, &a))
		return -1;
	b->handle = a.handle;
	b->dma = a.dma_addr;
	b->len = len;
	b->cpu = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, a.mmap_offset);
	return b->cpu == MAP_FAILED ? -1 : 0;
}

FIXTURE(irq) {
	char bdf[64];
	char node[128];
	int fd;
	volatile uint8_t *bar;
	struct dma_buf buf;
};

FIXTURE_SETUP(irq)
{
	const char *bdf = getenv("DMAAPI_EDU");

	self->fd = -1;
	self->bar = MAP_FAILED;
	if (!bdf)
		SKIP(return, "DMAAPI_EDU not set");
	snprintf(self->bdf, sizeof(self->bdf), "%s", bdf);
	snprintf(self->node, sizeof(self->node), "/dev/dmaapi-%s", bdf);
	self->fd = open(self->node, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, self->fd) TH_LOG("%s: %s", self->node, strerror(errno));
	self->bar = map_bar0(self->fd);
	ASSERT_NE(MAP_FAILED, self->bar) TH_LOG("BAR0 through the node: %s", strerror(errno));
	ASSERT_EQ(0xed, edu_rd32(self->bar, EDU_REG_ID) & 0xff);
	edu_wr32(self->bar, EDU_REG_IRQ_ACK, edu_rd32(self->bar, EDU_REG_IRQ_STATUS));
	ASSERT_EQ(0, dma_alloc(self->fd, 2 * XFER, &self->buf));
}

FIXTURE_TEARDOWN(irq)
{
	if (self->bar != MAP_FAILED)
		munmap((void *)self->bar, EDU_BAR_SIZE);
	if (self->fd >= 0)
		close(self->fd);
	/* leave the device bound for the tests after us */
	if (self->bdf[0] && access(self->node, F_OK))
		write_file("/sys/bus/pci/drivers_probe", self->bdf);
}

TEST_F(irq, info)
{
	struct dmaapi_irq_info info;
	int dfd;

	ASSERT_EQ(0, get_irq_info(self->fd, DMAAPI_IRQ_INTX, &info));
	EXPECT_EQ(1, info.count);
	EXPECT_EQ(DMAAPI_IRQ_AUTOMASKED, info.out_flags);
	EXPECT_EQ(DMAAPI_IRQ_NONE, info.active_type);
	ASSERT_EQ(0, get_irq_info(self->fd, DMAAPI_IRQ_MSI, &info));
	EXPECT_EQ(1, info.count);		/* edu: one MSI vector */
	EXPECT_EQ(0, info.out_flags);
	ASSERT_EQ(0, get_irq_info(self->fd, DMAAPI_IRQ_MSIX, &info));
	EXPECT_EQ(0, info.count);
	ASSERT_EQ(0, get_irq_info(self->fd, DMAAPI_IRQ_PLATFORM, &info));
	EXPECT_EQ(0, info.count);

	/* the default device has neither interrupts nor registers */
	dfd = open("/dev/dmaapi", O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, dfd);
	for (uint32_t t = 0; t < DMAAPI_IRQ_NR_TYPES; t++) {
		ASSERT_EQ(0, get_irq_info(dfd, t, &info));
		EXPECT_EQ(0, info.count);
		EXPECT_ERRNO(EOPNOTSUPP, irq_attach(dfd, t, 0, -1));
	}
	close(dfd);
}

/*
 * NXFERS round trips RAM -> edu -> RAM, each completion waited on by a
 * blocking read: of the eventfd (then a write to the irq fd re-enables an
 * INTx line), or of the irq fd itself (which re-enables it on the next
 * read).  The counts match the transfers everywhere.
 */
static void dma_with_irq(struct __test_metadata *_metadata, FIXTURE_DATA(irq) *self,
			 uint32_t type, const char *tname, int use_eventfd)
{
	int efd = eventfd(0, EFD_CLOEXEC), ifd;
	uint64_t v;

	ASSERT_LE(0, efd);
	ifd = irq_attach(self->fd, type, 0, use_eventfd ? efd : -1);
	ASSERT_LE(0, ifd) TH_LOG("attach %s: %s", tname, strerror(errno));
	EXPECT_EQ(0, sysfs_count(self->bdf, tname, 0));

	for (int i = 0; i < NXFERS; i++) {
		int to_ram = i & 1;

		if (!to_ram) {
			memset(self->buf.cpu, 0x40 + i, XFER);
			memset(self->buf.cpu + XFER, 0, XFER);
		}
		edu_start(self->bar, self->buf.dma + (to_ram ? XFER : 0), 0, XFER, to_ram, EDU_CMD_IRQ);
		if (use_eventfd) {
			ASSERT_EQ(sizeof(v), read(efd, &v, sizeof(v)));
			EXPECT_EQ(1, v) TH_LOG("transfer %d: %llu interrupts", i,
					       (unsigned long long)v);
			ASSERT_TRUE(edu_ack(self->bar));
			ASSERT_EQ(sizeof(v), write(ifd, &v, sizeof(v)));
		} else {
			ASSERT_EQ(sizeof(v), read(ifd, &v, sizeof(v)));
			EXPECT_EQ(i + 1, v);
			ASSERT_TRUE(edu_ack(self->bar));
		}
		if (to_ram) {
			for (int j = 0; j < XFER; j++) {
				ASSERT_EQ(0x40 + i - 1, self->buf.cpu[XFER + j])
					TH_LOG("transfer %d byte %d", i, j);
			}
		}
	}
	EXPECT_EQ(NXFERS, sysfs_count(self->bdf, tname, 0));
	if (use_eventfd) {
		/* the irq fd has every interrupt to return */
		ASSERT_EQ(sizeof(v), read(ifd, &v, sizeof(v)));
		EXPECT_EQ(NXFERS, v);
	}
	/* nothing more is pending */
	fcntl(efd, F_SETFL, O_NONBLOCK);
	fcntl(ifd, F_SETFL, O_NONBLOCK);
	EXPECT_ERRNO(EAGAIN, read(efd, &v, sizeof(v)));
	EXPECT_ERRNO(EAGAIN, read(ifd, &v, sizeof(v)));

	EXPECT_EQ(0, irq_detach(self->fd, type, 0));
	EXPECT_EQ(-1, sysfs_count(self->bdf, tname, 0));
	EXPECT_ERRNO(ENODEV, read(ifd, &v, sizeof(v)));
	close(ifd);
	close(efd);
}

TEST_F(irq, intx_irqfd)
{
	dma_with_irq(_metadata, self, DMAAPI_IRQ_INTX, "intx", 0);
}

TEST_F(irq, intx_eventfd)
{
	dma_with_irq(_metadata, self, DMAAPI_IRQ_INTX, "intx", 1);
}

TEST_F(irq, msi_irqfd)
{
	dma_with_irq(_metadata, self, DMAAPI_IRQ_MSI, "msi", 0);
}

TEST_F(irq, msi_eventfd)
{
	dma_with_irq(_metadata, self, DMAAPI_IRQ_MSI, "msi", 1);
}

/*
 * INTx stays masked in the kernel until re-enabled: a completion while it
 * is masked reaches nobody, and the unmask finds it pending.
 */
TEST_F(irq, intx_masked_until_unmask)
{
	int efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK), ifd;
	struct pollfd pfd;
	uint64_t v;

	ifd = irq_attach(self->fd, DMAAPI_IRQ_INTX, 0, efd);
	ASSERT_LE(0, ifd);
	edu_start(self->bar, self->buf.dma, 0, XFER, false, EDU_CMD_IRQ);
	pfd = (struct pollfd){ .fd = efd, .events = POLLIN };
	ASSERT_EQ(1, poll(&pfd, 1, 10000));
	ASSERT_EQ(sizeof(v), read(efd, &v, sizeof(v)));
	ASSERT_TRUE(edu_ack(self->bar));

	/* masked: the second completion is not delivered */
	edu_start(self->bar, self->buf.dma, 0, XFER, false, EDU_CMD_IRQ);
	EXPECT_EQ(0, poll(&pfd, 1, 500));
	EXPECT_EQ(1, sysfs_count(self->bdf, "intx", 0));
	/* the unmask finds it pending and delivers it */
	ASSERT_EQ(sizeof(v), write(ifd, &v, sizeof(v)));
	ASSERT_EQ(1, poll(&pfd, 1, 10000));
	ASSERT_EQ(sizeof(v), read(efd, &v, sizeof(v)));
	EXPECT_EQ(1, v);
	EXPECT_EQ(2, sysfs_count(self->bdf, "intx", 0));
	EXPECT_TRUE(edu_ack(self->bar));
	close(ifd);
	close(efd);
}

struct waiter {
	int ifd;
	int err;
	ssize_t ret;
};

static void *wait_irq(void *arg)
{
	struct waiter *w = arg;
	uint64_t v;

	w->ret = read(w->ifd, &v, sizeof(v));
	w->err = errno;
	return NULL;
}

/* Unbind while a thread waits: it wakes with ENODEV; the node says gone. */
TEST_F(irq, unbind_wakes_waiter)
{
	struct waiter w = { .ret = 0 };
	struct pollfd pfd[2];
	pthread_t th;
	uint64_t v;

	w.ifd = irq_attach(self->fd, DMAAPI_IRQ_MSI, 0, -1);
	ASSERT_LE(0, w.ifd);
	pfd[0] = (struct pollfd){ .fd = self->fd, .events = POLLIN };
	EXPECT_EQ(0, poll(pfd, 1, 0));		/* the device is there */
	ASSERT_EQ(0, pthread_create(&th, NULL, wait_irq, &w));
	usleep(300 * 1000);
	ASSERT_EQ(0, write_file("/sys/bus/pci/drivers/dmaapi/unbind", self->bdf));
	ASSERT_EQ(0, pthread_join(th, NULL));
	EXPECT_EQ(-1, w.ret);
	EXPECT_EQ(ENODEV, w.err);

	pfd[0] = (struct pollfd){ .fd = self->fd, .events = POLLIN };
	pfd[1] = (struct pollfd){ .fd = w.ifd, .events = POLLIN };
	ASSERT_EQ(2, poll(pfd, 2, 0));
	EXPECT_EQ(POLLHUP | POLLERR, pfd[0].revents & (POLLHUP | POLLERR));
	EXPECT_EQ(POLLHUP | POLLERR, pfd[1].revents & (POLLHUP | POLLERR));
	EXPECT_ERRNO(ENODEV, read(w.ifd, &v, sizeof(v)));
	EXPECT_ERRNO(ENODEV, write(w.ifd, &v, sizeof(v)));
	close(w.ifd);

	ASSERT_EQ(0, write_file("/sys/bus/pci/drivers_probe", self->bdf));
	ASSERT_EQ(0, access(self->node, F_OK));
}

/* BAR0 through the node is sysfs resource0; unbinding revokes it. */
TEST_F(irq, regions_match_resource0)
{
	char path[256];
	struct stat st;
	volatile uint8_t *res0;
	int rfd;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/resource0", self->bdf);
	rfd = open(path, O_RDWR | O_SYNC | O_CLOEXEC);
	ASSERT_LE(0, rfd);
	ASSERT_EQ(0, fstat(rfd, &st));
	EXPECT_EQ(EDU_BAR_SIZE, st.st_size);
	res0 = mmap(NULL, EDU_BAR_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, rfd, 0);
	ASSERT_NE(MAP_FAILED, res0);
	close(rfd);

	EXPECT_EQ(edu_rd32(res0, EDU_REG_ID), edu_rd32(self->bar, EDU_REG_ID));
	for (uint32_t i = 1, v; i <= 32; i++) {
		v = 0x9e3779b9U * i;
		edu_wr32(self->bar, EDU_REG_LIVENESS, v);
		ASSERT_EQ(~v, edu_rd32(res0, EDU_REG_LIVENESS));
		edu_wr32(res0, EDU_REG_LIVENESS, v);
		ASSERT_EQ(~v, edu_rd32(self->bar, EDU_REG_LIVENESS));
	}
	/* the DMA registers too, at their offsets */
	edu_wr64(self->bar, EDU_REG_DMA_SRC, 0x1234000);
	EXPECT_EQ(0x1234000, edu_rd32(res0, EDU_REG_DMA_SRC));
	munmap((void *)res0, EDU_BAR_SIZE);

	EXPECT_EQ(0, probe_read(self->bar));
	ASSERT_EQ(0, write_file("/sys/bus/pci/drivers/dmaapi/unbind", self->bdf));
	EXPECT_EQ(SIGBUS, probe_read(self->bar)) TH_LOG("the region outlived the device");
	EXPECT_EQ(MAP_FAILED, mmap(NULL, 4096, PROT_READ, MAP_SHARED, self->fd,
				   DMAAPI_REGION_MMAP_OFFSET(0)));
	EXPECT_EQ(ENODEV, errno);
	ASSERT_EQ(0, write_file("/sys/bus/pci/drivers_probe", self->bdf));
}

/*
 * A user with no other privilege, granted the node, drives edu end to end:
 * registers, DMA memory and the interrupt, without sysfs.
 */
TEST_F(irq, nonroot_drives_edu)
{
	char path[256];
	int status;
	pid_t pid;

	if (geteuid())
		SKIP(return, "needs root to hand the node over");
	ASSERT_EQ(0, chown(self->node, NOBODY, NOBODY));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		volatile uint8_t *bar;
		struct dma_buf b;
		uint64_t v;
		int fd, ifd;

		if (setgid(NOBODY) || setuid(NOBODY))
			_exit(10);
		snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/resource0", self->bdf);
		if (open(path, O_RDWR) >= 0 || errno != EACCES)
			_exit(11);	/* sysfs is not what grants access */
		fd = open(self->node, O_RDWR | O_CLOEXEC);
		if (fd < 0)
			_exit(12);
		bar = map_bar0(fd);
		if (bar == MAP_FAILED)
			_exit(13);
		if (dma_alloc(fd, 2 * XFER, &b))
			_exit(14);
		ifd = irq_attach(fd, DMAAPI_IRQ_MSI, 0, -1);
		if (ifd < 0)
			_exit(15);
		memset(b.cpu, 0x5a, XFER);
		memset(b.cpu + XFER, 0, XFER);
		edu_start(bar, b.dma, 0, XFER, false, EDU_CMD_IRQ);
		if (read(ifd, &v, sizeof(v)) != sizeof(v) || v != 1 || !edu_ack(bar))
			_exit(16);
		edu_start(bar, b.dma + XFER, 0, XFER, true, EDU_CMD_IRQ);
		if (read(ifd, &v, sizeof(v)) != sizeof(v) || v != 2 || !edu_ack(bar))
			_exit(17);
		if (memcmp(b.cpu, b.cpu + XFER, XFER))
			_exit(18);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(0, chown(self->node, 0, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status)) TH_LOG("the unprivileged driver failed at step %d",
						 WEXITSTATUS(status));
}

/* Closing the attaching file detaches its vectors and frees their type. */
TEST_F(irq, close_detaches)
{
	struct dmaapi_irq_info info;
	int fd2, ifd, ifd2;
	uint64_t v;

	fd2 = open(self->node, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, fd2);
	ifd = irq_attach(fd2, DMAAPI_IRQ_MSI, 0, -1);
	ASSERT_LE(0, ifd);
	ASSERT_EQ(0, get_irq_info(self->fd, DMAAPI_IRQ_INTX, &info));
	EXPECT_EQ(DMAAPI_IRQ_MSI, info.active_type);
	/* another file's vector: not ours to detach, nor to attach again */
	EXPECT_ERRNO(ENOENT, irq_detach(self->fd, DMAAPI_IRQ_MSI, 0));
	EXPECT_ERRNO(EBUSY, irq_attach(self->fd, DMAAPI_IRQ_MSI, 0, -1));
	EXPECT_ERRNO(EBUSY, irq_attach(self->fd, DMAAPI_IRQ_INTX, 0, -1));
	close(fd2);
	EXPECT_ERRNO(ENODEV, read(ifd, &v, sizeof(v)));
	ASSERT_EQ(0, get_irq_info(self->fd, DMAAPI_IRQ_INTX, &info));
	EXPECT_EQ(DMAAPI_IRQ_NONE, info.active_type);
	close(ifd);

	/* INTx works after MSI was given back */
	ifd2 = irq_attach(self->fd, DMAAPI_IRQ_INTX, 0, -1);
	ASSERT_LE(0, ifd2);
	edu_start(self->bar, self->buf.dma, 0, XFER, false, EDU_CMD_IRQ);
	ASSERT_EQ(sizeof(v), read(ifd2, &v, sizeof(v)));
	EXPECT_EQ(1, v);
	EXPECT_TRUE(edu_ack(self->bar));
	close(ifd2);
}

/* Struct sizes: longer with a zero tail works, a non-zero tail is E2BIG. */
static void struct_sizes(struct __test_metadata *_metadata, int fd)
{
	struct {
		struct dmaapi_irq_info info;
		uint64_t tail;
	} li = { .info = { .size = sizeof(li), .type = DMAAPI_IRQ_MSI } };
	struct {
		struct dmaapi_region_info ri;
		uint64_t tail;
	} lr = { .ri = { .size = sizeof(lr) } };
	struct {
		struct dmaapi_irq_set set;
		uint64_t tail;
	} ls = { .set = { .size = sizeof(ls), .type = DMAAPI_IRQ_MSI, .eventfd = -1 },
		 .tail = 1 };

	EXPECT_EQ(0, ioctl(fd, DMAAPI_IOCTL_IRQ_INFO, &li));
	EXPECT_EQ(1, li.info.count);
	EXPECT_EQ(0, ioctl(fd, DMAAPI_IOCTL_REGION_INFO, &lr));
	EXPECT_EQ(EDU_BAR_SIZE, lr.ri.length);
	li.tail = 1;
	EXPECT_ERRNO(E2BIG, ioctl(fd, DMAAPI_IOCTL_IRQ_INFO, &li));
	lr.tail = 1;
	EXPECT_ERRNO(E2BIG, ioctl(fd, DMAAPI_IOCTL_REGION_INFO, &lr));
	EXPECT_ERRNO(E2BIG, ioctl(fd, DMAAPI_IOCTL_IRQ_SET, &ls));
	lr.ri.size = offsetof(struct dmaapi_region_info, mmap_offset);
	EXPECT_ERRNO(EINVAL, ioctl(fd, DMAAPI_IOCTL_REGION_INFO, &lr));
}

TEST_F(irq, validation)
{
	struct dmaapi_irq_info info;
	struct dmaapi_irq_set s;
	struct dmaapi_region_info ri;
	int efd = eventfd(0, EFD_CLOEXEC), ifd;
	uint64_t v;
	char c;

	/* IRQ_INFO */
	get_irq_info(self->fd, 0, &info);
	info.flags = 1;
	EXPECT_ERRNO(EOPNOTSUPP, ioctl(self->fd, DMAAPI_IOCTL_IRQ_INFO, &info));
	EXPECT_ERRNO(EINVAL, get_irq_info(self->fd, DMAAPI_IRQ_NR_TYPES, &info));
	info = (struct dmaapi_irq_info){ .size = 8 };
	EXPECT_ERRNO(EINVAL, ioctl(self->fd, DMAAPI_IOCTL_IRQ_INFO, &info));

	/* IRQ_SET */
	s = (struct dmaapi_irq_set){ .size = sizeof(s), .flags = 2, .eventfd = -1 };
	EXPECT_ERRNO(EOPNOTSUPP, ioctl(self->fd, DMAAPI_IOCTL_IRQ_SET, &s));
	EXPECT_ERRNO(EINVAL, irq_attach(self->fd, DMAAPI_IRQ_NR_TYPES, 0, -1));
	EXPECT_ERRNO(EINVAL, irq_attach(self->fd, 0xffffffff, 0, -1));
	EXPECT_ERRNO(EOPNOTSUPP, irq_attach(self->fd, DMAAPI_IRQ_MSIX, 0, -1));
	EXPECT_ERRNO(EOPNOTSUPP, irq_attach(self->fd, DMAAPI_IRQ_PLATFORM, 0, -1));
	EXPECT_ERRNO(EINVAL, irq_attach(self->fd, DMAAPI_IRQ_INTX, 1, -1));
	EXPECT_ERRNO(EINVAL, irq_attach(self->fd, DMAAPI_IRQ_MSI, 1, -1));
	EXPECT_ERRNO(EBADF, irq_attach(self->fd, DMAAPI_IRQ_INTX, 0, -2));
	EXPECT_ERRNO(EBADF, irq_attach(self->fd, DMAAPI_IRQ_INTX, 0, 1000));
	EXPECT_ERRNO(EINVAL, irq_attach(self->fd, DMAAPI_IRQ_INTX, 0, self->fd));
	EXPECT_ERRNO(ENOENT, irq_detach(self->fd, DMAAPI_IRQ_INTX, 0));
	s = (struct dmaapi_irq_set){ .size = offsetof(struct dmaapi_irq_set, irq_fd) };
	EXPECT_ERRNO(EINVAL, ioctl(self->fd, DMAAPI_IOCTL_IRQ_SET, &s));
	/* no failed attach left anything allocated */
	ASSERT_EQ(0, get_irq_info(self->fd, 0, &info));
	EXPECT_EQ(DMAAPI_IRQ_NONE, info.active_type);

	ifd = irq_attach(self->fd, DMAAPI_IRQ_INTX, 0, efd);
	ASSERT_LE(0, ifd);
	EXPECT_ERRNO(EBUSY, irq_attach(self->fd, DMAAPI_IRQ_INTX, 0, -1));
	EXPECT_ERRNO(EBUSY, irq_attach(self->fd, DMAAPI_IRQ_MSI, 0, -1));
	EXPECT_ERRNO(ENOENT, irq_detach(self->fd, DMAAPI_IRQ_MSI, 0));
	/* the irq fd: 8-byte reads and writes only, O_NONBLOCK honoured */
	EXPECT_ERRNO(EINVAL, read(ifd, &c, 1));
	EXPECT_ERRNO(EINVAL, write(ifd, &c, 1));
	fcntl(ifd, F_SETFL, O_NONBLOCK);
	EXPECT_ERRNO(EAGAIN, read(ifd, &v, sizeof(v)));
	EXPECT_EQ(0, irq_detach(self->fd, DMAAPI_IRQ_INTX, 0));
	EXPECT_ERRNO(ENOENT, irq_detach(self->fd, DMAAPI_IRQ_INTX, 0));
	EXPECT_ERRNO(ENODEV, read(ifd, &v, sizeof(v)));
	close(ifd);
	close(efd);

	/* REGION_INFO */
	ASSERT_EQ(0, region_info(self->fd, 0, &ri));
	EXPECT_EQ(6, ri.count);
	EXPECT_EQ(DMAAPI_REGION_MMAP, ri.region_flags);
	EXPECT_EQ(EDU_BAR_SIZE, ri.length);
	EXPECT_EQ(0, ri.mmap_offset);
	ASSERT_EQ(0, region_info(self->fd, 1, &ri));	/* edu has one BAR */
	EXPECT_EQ(0, ri.region_flags);
	EXPECT_EQ(0, ri.length);
	ASSERT_EQ(0, region_info(self->fd, 7, &ri));
	EXPECT_EQ(0, ri.length);
	EXPECT_ERRNO(EINVAL, region_info(self->fd, DMAAPI_REGION_MAX_INDEX, &ri));
	region_info(self->fd, 0, &ri);
	ri.flags = 1;
	EXPECT_ERRNO(EOPNOTSUPP, ioctl(self->fd, DMAAPI_IOCTL_REGION_INFO, &ri));
	ri.flags = 0;
	ri.__reserved = 1;
	EXPECT_ERRNO(EINVAL, ioctl(self->fd, DMAAPI_IOCTL_REGION_INFO, &ri));

	/* region mmap: bounds, unmappable regions, MAP_SHARED only */
	EXPECT_EQ(MAP_FAILED, mmap(NULL, EDU_BAR_SIZE + 4096, PROT_READ, MAP_SHARED,
				   self->fd, 0));
	EXPECT_EQ(ENXIO, errno);
	EXPECT_EQ(MAP_FAILED, mmap(NULL, 4096, PROT_READ, MAP_SHARED, self->fd, EDU_BAR_SIZE));
	EXPECT_EQ(ENXIO, errno);
	EXPECT_EQ(MAP_FAILED, mmap(NULL, 4096, PROT_READ, MAP_SHARED, self->fd,
				   DMAAPI_REGION_MMAP_OFFSET(1)));
	EXPECT_EQ(ENXIO, errno);
	EXPECT_EQ(MAP_FAILED, mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, self->fd, 0));
	EXPECT_EQ(EBADF, errno);

	struct_sizes(_metadata, self->fd);

	/* the numbers around the block are not commands */
	EXPECT_ERRNO(ENOTTY, ioctl(self->fd, _IO(DMAAPI_TYPE, DMAAPI_CMD_IRQ_INFO - 1), &ri));
	EXPECT_ERRNO(ENOTTY, ioctl(self->fd, _IO(DMAAPI_TYPE, DMAAPI_CMD_REGION_INFO + 1), &ri));
}

TEST_HARNESS_MAIN

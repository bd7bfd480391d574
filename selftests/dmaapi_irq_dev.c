// SPDX-License-Identifier: GPL-2.0
/*
 * Interrupt types edu does not have, with devices that really raise them.
 *
 * irq_msix: MSI-X.  QEMU's NVMe controller (the x86 cells add one:
 * tools/vm/run, "-device nvme,serial=dmaapi-msix,msix_qsize=4"; no kernel
 * nvme driver is in those guests) is bound to dmaapi; the test reads the
 * MSI-X table size from config space and compares it with the node's vector
 * count, attaches vector 0 to an eventfd, builds the admin queues in
 * coherent buffers of the node, submits Identify Controller and sleeps on
 * the eventfd: the completion queue is not looked at before the MSI-X
 * interrupt wakes the test.  Then the completion, the identify data (QEMU's
 * vendor, our serial) and the node's sysfs irq_counts are checked.
 *
 * irq_dt: a device-tree interrupt, the device's clock and its "reg"
 * mapping, with the PL031 RTC of QEMU's virt board (ARM cells): see below.
 *
 * Uses libdmaapi (its interrupt, register and box API) and leaves the
 * devices unbound, as it found them.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <dmaapi.h>

#include "kselftest_harness.h"
#include "sys_util.h"

#undef TEST_TIMEOUT_DEFAULT
#define TEST_TIMEOUT_DEFAULT 120

static unsigned long read_hex(const char *path)
{
	char buf[32] = "";
	FILE *f = fopen(path, "re");

	if (!f)
		return 0;
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = 0;
	fclose(f);
	return strtoul(buf, NULL, 16);
}

/* Waits up to @ms for @fd to be readable: 0, or -ETIMEDOUT / -errno. */
static int wait_readable(int fd, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	int ret = poll(&p, 1, ms);

	return ret < 0 ? -errno : ret ? 0 : -ETIMEDOUT;
}

static uint64_t mask_bits(unsigned int bits)
{
	return bits >= 64 ? ~0ULL : (1ULL << bits) - 1;
}

/* ------------------------------------------------------------------------ */
/* MSI-X: QEMU's NVMe controller                                             */

#define PCI_CLASS_NVME 0x010802
#define NVME_SERIAL "dmaapi-msix"
#define NVME_VID_QEMU 0x1b36
#define NVME_CAP 0x00
#define NVME_CC 0x14
#define NVME_CSTS 0x1c
#define NVME_AQA 0x24
#define NVME_ASQ 0x28
#define NVME_ACQ 0x30
#define NVME_DB 0x1000
#define NVME_CC_EN 0x1
#define NVME_CC_IOSQES (6U << 16)
#define NVME_CC_IOCQES (4U << 20)
#define NVME_CSTS_RDY 0x1
#define NVME_CSTS_CFS 0x2
#define NVME_QDEPTH 16
#define NVME_OP_IDENTIFY 0x06
#define NVME_CNS_CTRL 1
#define NVME_CID 0x5a17
#define PCI_CAP_ID_MSIX 0x11

struct nvme_sqe {
	uint32_t cdw0, nsid, cdw2, cdw3;
	uint64_t mptr, prp1, prp2;
	uint32_t cdw10, cdw11, cdw12, cdw13, cdw14, cdw15;
};

struct nvme_cqe {
	uint32_t result, rsvd, sq, status_cid;	/* dw3: CID 15:0, phase 16, status 31:17 */
};

static uint32_t rd32(volatile uint8_t *bar, unsigned int reg)
{
	return *(volatile uint32_t *)(bar + reg);
}

static void wr32(volatile uint8_t *bar, unsigned int reg, uint32_t v)
{
	*(volatile uint32_t *)(bar + reg) = v;
}

static uint64_t rd64(volatile uint8_t *bar, unsigned int reg)
{
	return rd32(bar, reg) | (uint64_t)rd32(bar, reg + 4) << 32;
}

static void wr64(volatile uint8_t *bar, unsigned int reg, uint64_t v)
{
	wr32(bar, reg, (uint32_t)v);
	wr32(bar, reg + 4, (uint32_t)(v >> 32));
}

/* The lowest-named NVMe controller, or "" */
static void nvme_find(char *bdf, size_t len)
{
	DIR *d = opendir("/sys/bus/pci/devices");
	struct dirent *de;
	char path[512];

	bdf[0] = 0;
	while (d && (de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/class", de->d_name);
		if (read_hex(path) == PCI_CLASS_NVME && (!bdf[0] || strcmp(de->d_name, bdf) < 0))
			snprintf(bdf, len, "%.60s", de->d_name);
	}
	if (d)
		closedir(d);
}

/* The MSI-X table size from config space (the capability's N-1 + 1), or 0. */
static unsigned int msix_table_size(const char *bdf)
{
	uint8_t cfg[256];
	char path[512];
	unsigned int pos, guard;
	int fd;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/config", bdf);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	if (pread(fd, cfg, sizeof(cfg), 0) != sizeof(cfg)) {
		close(fd);
		return 0;
	}
	close(fd);
	if (!(cfg[6] & 0x10))	/* status: capability list */
		return 0;
	for (pos = cfg[0x34] & ~3U, guard = 0; pos && pos < 0xfc && guard < 48; guard++) {
		if (cfg[pos] == PCI_CAP_ID_MSIX)
			return ((cfg[pos + 2] | cfg[pos + 3] << 8) & 0x7ff) + 1;
		pos = cfg[pos + 1] & ~3U;
	}
	return 0;
}

static int nvme_wait_csts(volatile uint8_t *bar, uint32_t rdy, int ms)
{
	struct timespec ts = { .tv_nsec = 1000000 };
	int i;

	for (i = 0; i < ms; i++) {
		uint32_t csts = rd32(bar, NVME_CSTS);

		if (csts & NVME_CSTS_CFS)
			return -EIO;
		if ((csts & NVME_CSTS_RDY) == rdy)
			return 0;
		nanosleep(&ts, NULL);
	}
	return -ETIMEDOUT;
}

FIXTURE(irq_msix) {
	char bdf[64];
	bool bound;
	struct dmaapi_device *dev;
	volatile uint8_t *bar;
	size_t barlen;
	struct dmaapi_box *sq, *cq, *id;
	struct dmaapi_irq *irq;
	int efd;
};

FIXTURE_SETUP(irq_msix)
{
	char path[512], node[128];
	volatile void *bar;
	int ret;

	self->efd = -1;
	nvme_find(self->bdf, sizeof(self->bdf));
	if (!self->bdf[0])
		SKIP(return, "no NVMe controller (the x86 cells add QEMU's nvme for MSI-X)");
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver", self->bdf);
	ASSERT_NE(0, access(path, F_OK)) TH_LOG("%s is held by a driver", self->bdf);
	ASSERT_EQ(0, dev_rebind("pci", self->bdf, "dmaapi"));
	self->bound = true;
	snprintf(node, sizeof(node), "/dev/dmaapi-%s", self->bdf);
	ASSERT_EQ(0, access(node, F_OK)) TH_LOG("binding %s to dmaapi made no node", self->bdf);

	ret = dmaapi_device_open(self->bdf, mask_bits(64), &self->dev);
	ASSERT_EQ(0, ret) TH_LOG("open: %s", dmaapi_strerror(ret));
	ret = dmaapi_regs_map(self->dev, 0, &bar, &self->barlen);
	ASSERT_EQ(0, ret) TH_LOG("BAR 0: %s", dmaapi_strerror(ret));
	self->bar = (volatile uint8_t *)bar;
	ASSERT_LE(0x2000, self->barlen);
	ASSERT_EQ(0, dmaapi_box_zero_with_align(self->dev, NVME_QDEPTH * 64, 4096,
						DMAAPI_TO_DEVICE, &self->sq));
	ASSERT_EQ(0, dmaapi_box_zero_with_align(self->dev, NVME_QDEPTH * 16, 4096,
						DMAAPI_FROM_DEVICE, &self->cq));
	ASSERT_EQ(0, dmaapi_box_zero_with_align(self->dev, 4096, 4096, DMAAPI_FROM_DEVICE,
						&self->id));
}

FIXTURE_TEARDOWN(irq_msix)
{
	if (self->bar) {
		wr32(self->bar, NVME_CC, 0);	/* controller reset: no more DMA */
		nvme_wait_csts(self->bar, 0, 2000);
		dmaapi_regs_unmap(self->bar, self->barlen);
	}
	dmaapi_irq_detach(self->irq);
	if (self->efd >= 0)
		close(self->efd);
	dmaapi_box_free(self->id);
	dmaapi_box_free(self->cq);
	dmaapi_box_free(self->sq);
	dmaapi_device_close(self->dev);
	if (self->bound)
		dev_rebind("pci", self->bdf, "");
}

TEST_F(irq_msix, identify_completes_by_msix)
{
	volatile struct nvme_sqe *sqe = dmaapi_box_as_ptr(self->sq);
	volatile struct nvme_cqe *cqe = dmaapi_box_as_ptr(self->cq);
	const uint8_t *ident = dmaapi_box_as_ptr(self->id);
	unsigned int count, table, dstrd;
	uint64_t cap, efd_val = 0, irqs = 0;
	uint32_t dw3;
	int ret;

	table = msix_table_size(self->bdf);
	ASSERT_LT(0, table) TH_LOG("no MSI-X capability in %s's config space", self->bdf);
	ASSERT_EQ(0, dmaapi_irq_count(self->dev, DMAAPI_INTR_MSIX, &count));
	EXPECT_EQ(table, count);

	self->efd = eventfd(0, EFD_CLOEXEC);
	ASSERT_LE(0, self->efd);
	ret = dmaapi_irq_attach(self->dev, DMAAPI_INTR_MSIX, 0, self->efd, &self->irq);
	ASSERT_EQ(0, ret) TH_LOG("attach MSI-X 0: %s", dmaapi_strerror(ret));
	EXPECT_EQ(0, sysfs_count(self->bdf, "msix", 0));

	/* reset, admin queues in the node's coherent buffers, enable */
	cap = rd64(self->bar, NVME_CAP);
	dstrd = (cap >> 32) & 0xf;
	ASSERT_LE(NVME_QDEPTH - 1, cap & 0xffff) TH_LOG("CAP.MQES %llu",
							 (unsigned long long)(cap & 0xffff));
	wr32(self->bar, NVME_CC, 0);
	ASSERT_EQ(0, nvme_wait_csts(self->bar, 0, 5000));
	wr32(self->bar, NVME_AQA, (NVME_QDEPTH - 1) << 16 | (NVME_QDEPTH - 1));
	wr64(self->bar, NVME_ASQ, dmaapi_box_region(self->sq)->dma_addr);
	wr64(self->bar, NVME_ACQ, dmaapi_box_region(self->cq)->dma_addr);
	wr32(self->bar, NVME_CC, NVME_CC_EN | NVME_CC_IOSQES | NVME_CC_IOCQES);
	ASSERT_EQ(0, nvme_wait_csts(self->bar, NVME_CSTS_RDY, 5000));

	/* Identify Controller into the id buffer; SQ tail 1 rings it */
	memset((void *)sqe, 0, sizeof(*sqe));
	sqe->cdw0 = NVME_OP_IDENTIFY | (uint32_t)NVME_CID << 16;
	sqe->prp1 = dmaapi_box_region(self->id)->dma_addr;
	sqe->cdw10 = NVME_CNS_CTRL;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	wr32(self->bar, NVME_DB, 1);

	/* sleep until the MSI-X interrupt: the CQ is not looked at before */
	ret = wait_readable(self->efd, 10000);
	ASSERT_EQ(0, ret) TH_LOG("no MSI-X interrupt in 10 s: %s", strerror(-ret));
	ASSERT_EQ(sizeof(efd_val), read(self->efd, &efd_val, sizeof(efd_val)));
	EXPECT_EQ(1, efd_val);

	dw3 = cqe->status_cid;
	EXPECT_EQ(NVME_CID, dw3 & 0xffff);
	EXPECT_EQ(1, (dw3 >> 16) & 1) TH_LOG("phase bit: no completion posted");
	EXPECT_EQ(0, dw3 >> 17) TH_LOG("status 0x%x", dw3 >> 17);
	EXPECT_EQ(NVME_VID_QEMU, ident[0] | ident[1] << 8);
	EXPECT_EQ(0, memcmp(ident + 4, NVME_SERIAL, strlen(NVME_SERIAL)))
		TH_LOG("serial '%.20s'", (const char *)ident + 4);
	/* the completion consumed: CQ head 1 */
	wr32(self->bar, NVME_DB + (4U << dstrd), 1);

	ASSERT_EQ(0, dmaapi_irq_wait(self->irq, 0, &irqs));
	EXPECT_EQ(1, irqs);
	EXPECT_EQ(1, sysfs_count(self->bdf, "msix", 0));
}

/* ------------------------------------------------------------------------ */
/* Device-tree interrupt and clock: QEMU virt's PL031 RTC                     */

/*
 * The PL031 raises its interrupt when its counter (RTCDR, seconds) reaches
 * the match register with the interrupt unmasked (RTCIMSC); RTCICR clears
 * it.  QEMU's virt board describes it as an AMBA primecell, which dmaapi's
 * platform driver cannot take: the ARM cells' device tree (tools/vm/lib.sh:
 * make_dtb) drops "arm,primecell" from its compatible, so it is a platform
 * device, bound to no driver (the ARM kernels have no rtc-pl031).  Its
 * clocks = <&apb_pclk>, QEMU's fixed "clk24mhz", which the PL011 console
 * keeps enabled too: binding adds one to its enable count, unbinding takes
 * it away (kmod/dmaapi_power.c).
 */
#define PL031_NAME "9010000.pl031"
#define PL031_DR 0x00
#define PL031_MR 0x04
#define PL031_IMSC 0x10
#define PL031_RIS 0x14
#define PL031_MIS 0x18
#define PL031_ICR 0x1c
#define PL031_CELLID 0xff0	/* PrimeCell ID 0x0d, 0xf0, 0x05, 0xb1 */
#define PL031_CLK "/sys/kernel/debug/clk/clk24mhz/clk_enable_count"

/* The clock's enable count from debugfs, or -1. */
static long clk_enable_count(void)
{
	char buf[32] = "";
	FILE *f = fopen(PL031_CLK, "re");

	if (!f)
		return -1;
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = 0;
	fclose(f);
	return buf[0] ? strtol(buf, NULL, 10) : -1;
}

/* Reads a register in a child: its wait status (SIGBUS once revoked). */
static int touch_in_child(volatile uint8_t *regs)
{
	int status = -1;
	pid_t pid = fork();

	if (pid == 0) {
		(void)rd32(regs, PL031_DR);
		_exit(0);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return -1;
	return status;
}

FIXTURE(irq_dt) {
	bool bound;
	struct dmaapi_device *dev;
	volatile uint8_t *regs;
	size_t len;
	struct dmaapi_irq *irq;
};

FIXTURE_SETUP(irq_dt)
{
	char path[256];

	snprintf(path, sizeof(path), "/sys/bus/platform/devices/%s", PL031_NAME);
	if (access(path, F_OK))
		SKIP(return, "no PL031 platform device (only the ARM cells' virt board has one)");
	/* whatever holds it lets go (no ARM kernel here has rtc-pl031) */
	snprintf(path, sizeof(path), "/sys/bus/platform/devices/%s/driver/unbind", PL031_NAME);
	if (!access(path, F_OK))
		ASSERT_EQ(0, write_file(path, PL031_NAME));
}

FIXTURE_TEARDOWN(irq_dt)
{
	if (self->regs && self->bound)
		wr32(self->regs, PL031_IMSC, 0);
	if (self->regs)
		dmaapi_regs_unmap(self->regs, self->len);
	dmaapi_irq_detach(self->irq);
	dmaapi_device_close(self->dev);
	/* unbound from dmaapi (if the test got that far), override cleared */
	dev_rebind("platform", PL031_NAME, "");
}

TEST_F(irq_dt, pl031_match_interrupt)
{
	struct dmaapi_regs_info ri;
	unsigned int count;
	volatile void *regs;
	uint64_t irqs = 0;
	long clk0;
	int ret, status;

	clk0 = clk_enable_count();
	ASSERT_LE(0, clk0) TH_LOG("no %s (debugfs, COMMON_CLK)", PL031_CLK);
	ASSERT_EQ(0, dev_rebind("platform", PL031_NAME, "dmaapi"));
	self->bound = true;
	ASSERT_EQ(0, access("/dev/dmaapi-" PL031_NAME, F_OK))
		TH_LOG("binding %s to dmaapi made no node", PL031_NAME);
	/* bind turned its apb_pclk on (once more: the console has it on) */
	EXPECT_EQ(clk0 + 1, clk_enable_count());

	ret = dmaapi_device_open(PL031_NAME, mask_bits(32), &self->dev);
	ASSERT_EQ(0, ret) TH_LOG("open: %s", dmaapi_strerror(ret));
	ASSERT_EQ(0, dmaapi_regs_info(self->dev, 0, &ri));
	EXPECT_EQ(1, ri.count);
	EXPECT_EQ(0x1000, ri.length);
	ASSERT_TRUE(ri.flags & DMAAPI_REGS_MMAP);
	ret = dmaapi_regs_map(self->dev, 0, &regs, &self->len);
	ASSERT_EQ(0, ret) TH_LOG("reg 0: %s", dmaapi_strerror(ret));
	self->regs = (volatile uint8_t *)regs;
	ASSERT_EQ(0x0d, rd32(self->regs, PL031_CELLID) & 0xff);
	ASSERT_EQ(0xb1, rd32(self->regs, PL031_CELLID + 12) & 0xff);

	ASSERT_EQ(0, dmaapi_irq_count(self->dev, DMAAPI_INTR_PLATFORM, &count));
	ASSERT_EQ(1, count);
	ASSERT_EQ(0, dmaapi_irq_attach(self->dev, DMAAPI_INTR_PLATFORM, 0, -1, &self->irq));
	wr32(self->regs, PL031_IMSC, 0);
	wr32(self->regs, PL031_ICR, 1);

	/* a match 1..2 s ahead, interrupt unmasked; sleep until it fires */
	wr32(self->regs, PL031_MR, rd32(self->regs, PL031_DR) + 2);
	wr32(self->regs, PL031_IMSC, 1);
	ret = dmaapi_irq_wait(self->irq, 5000, &irqs);
	ASSERT_EQ(0, ret) TH_LOG("no PL031 interrupt in 5 s: %s (%s)", dmaapi_strerror(ret),
				 strerror(dmaapi_last_error()->sys_errno));
	EXPECT_EQ(1, irqs);
	EXPECT_EQ(1, rd32(self->regs, PL031_MIS) & 1) TH_LOG("the RTC does not say it raised it");
	EXPECT_EQ(1, sysfs_count(PL031_NAME, "platform", 0));
	/* handle it: clear and mask; the next wait re-enables the line */
	wr32(self->regs, PL031_ICR, 1);
	wr32(self->regs, PL031_IMSC, 0);
	EXPECT_EQ(0, rd32(self->regs, PL031_RIS) & 1);
	ret = dmaapi_irq_wait(self->irq, 1500, &irqs);
	EXPECT_NE(0, ret);
	EXPECT_EQ(ETIMEDOUT, dmaapi_last_error()->sys_errno);
	EXPECT_EQ(1, sysfs_count(PL031_NAME, "platform", 0));

	/* unbind: the mapping is revoked, the clock off again */
	ASSERT_EQ(0, touch_in_child(self->regs));
	ASSERT_EQ(0, write_file("/sys/bus/platform/drivers/dmaapi/unbind", PL031_NAME));
	self->bound = false;
	status = touch_in_child(self->regs);
	EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGBUS)
		TH_LOG("a register read after unbind: wait status 0x%x", status);
	EXPECT_EQ(clk0, clk_enable_count());
}

TEST_HARNESS_MAIN

// SPDX-License-Identifier: GPL-2.0
/*
 * edu-demo: an example userspace driver for QEMU's "edu" PCI device, built
 * on libdmaapi only.  Copy it as the template for your own device:
 *
 *   1. bind the device to dmaapi (dmaapictl bind 0000:00:03.0, or
 *      driver_override + drivers_probe), which gives /dev/dmaapi-<name>;
 *   2. dmaapi_device_open(<name>, <the device's DMA mask>) - the kernel
 *      allocates and maps below that mask from then on;
 *   3. map the registers through the same node (dmaapi_regs_map) and
 *      attach an interrupt (dmaapi_irq_attach: MSI here, else INTx): whoever
 *      may open the node drives the device, no sysfs or root needed;
 *   4. hand the device dmaapi_*_dma_addr() and let the containers do the
 *      cache syncs: array and box sync on every access, a mapped array when
 *      you say so (confirm_write before the device reads, prepare_read
 *      before you read what it wrote);
 *   5. order your accesses against the device, which syncs do not do:
 *      dmaapi_wmb() between writing DMA memory and the doorbell register
 *      that starts the device, dmaapi_rmb() between seeing its completion
 *      status and reading what it wrote;
 *   6. start the device with "interrupt when done" and sleep in
 *      dmaapi_irq_wait() until it says so; acknowledge the interrupt at the
 *      device before the next wait, which re-enables a masked INTx line
 *      itself: one system call per interrupt, no polling;
 *   7. check every return value: an access or a sync can fail (the device
 *      was unbound, the kernel is out of memory).
 *
 * It moves data through the edu DMA engine with each container and prints
 * what it verified.  Exit status 0 only if every round trip matched and
 * every transfer's completion came as one interrupt.
 */
#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <dmaapi.h>

#include "edu.h"

/* edu's registers (QEMU docs/specs/edu.rst) */
#define EDU_REG_ID 0x00
#define EDU_REG_IRQ_STATUS 0x24
#define EDU_REG_IRQ_ACK 0x64
#define EDU_REG_DMA_SRC 0x80
#define EDU_REG_DMA_DST 0x88
#define EDU_REG_DMA_CNT 0x90
#define EDU_REG_DMA_CMD 0x98
#define EDU_CMD_START 0x1
#define EDU_CMD_TO_RAM 0x2
#define EDU_CMD_IRQ 0x4
#define EDU_IRQ_DMA 0x100
#define EDU_BUF_BASE 0x40000

/* The device as this driver sees it: registers and one interrupt, both
 * through the dmaapi node (edu.h's struct edu is the sysfs one). */
struct edu_node {
	char bdf[32];
	volatile uint8_t *regs;
	size_t regs_len;
	struct dmaapi_irq *irq;
	const char *irq_kind;
	unsigned long transfers;
	uint64_t interrupts;
};

static int failures;

static int die(const char *what, int err);

static uint32_t rd32(struct edu_node *e, unsigned int reg)
{
	return *(volatile uint32_t *)(e->regs + reg);
}

static void wr32(struct edu_node *e, unsigned int reg, uint32_t v)
{
	*(volatile uint32_t *)(e->regs + reg) = v;
}

static void wr64(struct edu_node *e, unsigned int reg, uint64_t v)
{
	*(volatile uint64_t *)(e->regs + reg) = v;
}

static void report(const char *what, bool ok, const char *detail)
{
	printf("  [%s] %s%s%s\n", ok ? " ok " : "FAIL", what, detail ? ": " : "", detail ? detail : "");
	if (!ok)
		failures++;
}

static int die(const char *what, int err)
{
	const struct dmaapi_error *e = dmaapi_last_error();

	fprintf(stderr, "edu-demo: %s: %s", what, dmaapi_strerror(err));
	if (e->sys_errno)
		fprintf(stderr, " (%s)", strerror(e->sys_errno));
	fprintf(stderr, "\n");
	failures++;
	return 1;
}

/* A failed edu transfer (a negative errno). */
static int dma_failed(const char *what, int err)
{
	fprintf(stderr, "edu-demo: %s: %s\n", what, strerror(-err));
	failures++;
	return 1;
}

/*
 * One device transfer, ordered as a driver must: the CPU's writes to DMA
 * memory are visible to the device before the doorbell (dmaapi_wmb), and
 * what the device wrote is read only after its completion was seen
 * (dmaapi_rmb).  The completion is the device's interrupt: the thread
 * sleeps until it comes, then acknowledges it at the device.
 */
static int transfer(struct edu_node *edu, uint64_t dma, uint32_t off, uint32_t len,
		    bool to_ram)
{
	uint32_t status;
	int ret;

	if (!len || len > EDU_MAX_XFER || off > EDU_BUF_USABLE - len)
		return -EINVAL;
	dmaapi_wmb();
	wr64(edu, EDU_REG_DMA_SRC, to_ram ? EDU_BUF_BASE + off : dma);
	wr64(edu, EDU_REG_DMA_DST, to_ram ? dma : EDU_BUF_BASE + off);
	wr64(edu, EDU_REG_DMA_CNT, len);
	wr64(edu, EDU_REG_DMA_CMD, EDU_CMD_START | EDU_CMD_IRQ | (to_ram ? EDU_CMD_TO_RAM : 0));
	ret = dmaapi_irq_wait(edu->irq, 10000, &edu->interrupts);
	if (ret)
		return -dmaapi_last_error()->sys_errno;
	status = rd32(edu, EDU_REG_IRQ_STATUS);
	wr32(edu, EDU_REG_IRQ_ACK, status);	/* before the next wait re-arms */
	if (!(status & EDU_IRQ_DMA) || (rd32(edu, EDU_REG_DMA_CMD) & EDU_CMD_START))
		return -EIO;
	edu->transfers++;
	dmaapi_rmb();
	return 0;
}

/* Registers and an interrupt, through the node: MSI if it has one, else INTx. */
static int edu_attach(struct dmaapi_device *dev, struct edu_node *edu)
{
	unsigned int n = 0;
	int ret;

	ret = dmaapi_regs_map(dev, 0, (volatile void **)&edu->regs, &edu->regs_len);
	if (ret)
		return die("mapping BAR0 through the node", ret);
	if ((rd32(edu, EDU_REG_ID) & 0xff) != 0xed) {
		fprintf(stderr, "edu-demo: %s is not an edu device\n", edu->bdf);
		return 1;
	}
	wr32(edu, EDU_REG_IRQ_ACK, rd32(edu, EDU_REG_IRQ_STATUS));
	ret = dmaapi_irq_count(dev, DMAAPI_INTR_MSI, &n);
	if (ret)
		return die("interrupt count", ret);
	edu->irq_kind = n ? "MSI" : "INTx";
	ret = dmaapi_irq_attach(dev, n ? DMAAPI_INTR_MSI : DMAAPI_INTR_INTX, 0, -1, &edu->irq);
	if (ret)
		return die("attaching the interrupt", ret);
	return 0;
}

static void edu_detach(struct edu_node *edu)
{
	dmaapi_irq_detach(edu->irq);
	if (edu->regs)
		dmaapi_regs_unmap(edu->regs, edu->regs_len);
}

/* The array: a DArray<uint32_t> the CPU fills, the device copies into its
 * buffer, and copies back into a second array the CPU reads. */
static int demo_array(struct dmaapi_device *dev, struct edu_node *edu)
{
	enum { N = 256 };
	struct dmaapi_array *out = NULL, *in = NULL;
	uint32_t v, back[N], bad = 0;
	char msg[128];
	int ret;

	ret = DMAAPI_ARRAY_ZERO(dev, uint32_t, N, DMAAPI_TO_DEVICE, &out);
	if (ret)
		return die("array", ret);
	ret = DMAAPI_ARRAY_ZERO(dev, uint32_t, N, DMAAPI_FROM_DEVICE, &in);
	if (ret) {
		die("array", ret);
		goto out;
	}
	for (uint32_t i = 0; i < N; i++) {
		v = 0xd0000000u | i;
		/* typed: fails (LAYOUT) if v were not the element's size;
		 * syncs this element for the device */
		ret = DMAAPI_ARRAY_SET(out, i, &v);
		if (ret) {
			die("array set", ret);
			goto out;
		}
	}
	ret = transfer(edu, dmaapi_array_dma_addr(out), 0, N * sizeof(v), false);
	if (!ret)
		ret = transfer(edu, dmaapi_array_dma_addr(in), 0, N * sizeof(v), true);
	if (ret) {
		dma_failed("array DMA", ret);
		goto out;
	}
	/* all elements in one sync for the CPU */
	ret = dmaapi_array_read_slice(in, 0, N, back);
	if (ret) {
		die("array read", ret);
		goto out;
	}
	for (uint32_t i = 0; i < N; i++)
		bad += back[i] != (0xd0000000u | i);
	snprintf(msg, sizeof(msg), "%d x u32 out at %#llx, back at %#llx, %u wrong", N,
		 (unsigned long long)dmaapi_array_dma_addr(out),
		 (unsigned long long)dmaapi_array_dma_addr(in), bad);
	report("array round trip", bad == 0, msg);
out:
	dmaapi_array_free(out);
	dmaapi_array_free(in);
	return ret ? 1 : 0;
}

struct packet {
	uint64_t seq;
	char text[56];
};

static void stamp(void *value, void *arg)
{
	struct packet *p = value;

	p->seq += *(uint64_t *)arg;
}

/* The box: one struct, written whole, modified in place, read back. */
static int demo_box(struct dmaapi_device *dev, struct edu_node *edu)
{
	struct packet p = { .seq = 41 }, q;
	struct dmaapi_box *b;
	uint64_t one = 1;
	char msg[128];
	int ret;

	ret = DMAAPI_BOX_ZERO(dev, struct packet, DMAAPI_BIDIRECTIONAL, &b);
	if (ret)
		return die("box", ret);
	snprintf(p.text, sizeof(p.text), "hello from the CPU");
	ret = DMAAPI_BOX_WRITE(b, &p);                  /* syncs for the device */
	if (ret) {
		die("box write", ret);
		goto out;
	}
	ret = transfer(edu, dmaapi_box_dma_addr(b), 1024, sizeof(p), false);
	if (ret) {
		dma_failed("box DMA", ret);
		goto out;
	}
	ret = dmaapi_box_modify(b, stamp, &one);        /* prepare_read, stamp, confirm_write */
	if (ret) {
		die("box modify", ret);
		goto out;
	}
	ret = transfer(edu, dmaapi_box_dma_addr(b), 1024, sizeof(p), true); /* device restores it */
	if (ret) {
		dma_failed("box DMA", ret);
		goto out;
	}
	ret = DMAAPI_BOX_READ(b, &q);                   /* syncs for the CPU */
	if (ret) {
		die("box read", ret);
		goto out;
	}
	snprintf(msg, sizeof(msg), "seq %llu, \"%s\" at %#llx", (unsigned long long)q.seq,
		 q.text, (unsigned long long)dmaapi_box_dma_addr(b));
	report("box round trip", q.seq == 41 && !strcmp(q.text, p.text), msg);
out:
	dmaapi_box_free(b);
	return ret ? 1 : 0;
}

/* The mapped array: the program's own buffer, given to the device as one
 * DMA range.  No sync happens unless asked for. */
static int demo_map(struct dmaapi_device *dev, struct edu_node *edu)
{
	enum { LEN = 2048 };
	static uint8_t src[LEN], dst[LEN];
	struct dmaapi_map *ms = NULL, *md = NULL;
	char msg[160];
	int ret;

	for (int i = 0; i < LEN; i++)
		src[i] = (uint8_t)(i * 31 + 7);
	ret = dmaapi_map_single_array(dev, src, 1, LEN, 1, DMAAPI_TO_DEVICE, &ms);
	if (ret)
		return die("map", ret);
	ret = dmaapi_map_single_array(dev, dst, 1, LEN, 1, DMAAPI_FROM_DEVICE, &md);
	if (ret) {
		die("map", ret);
		goto out;
	}
	ret = dmaapi_map_confirm_write_all(ms);         /* CPU wrote src: device may read */
	if (ret) {
		die("map confirm_write", ret);
		goto out;
	}
	ret = transfer(edu, dmaapi_map_dma_addr(ms), 0, LEN, false);
	if (!ret)
		ret = transfer(edu, dmaapi_map_dma_addr(md), 0, LEN, true);
	if (ret) {
		dma_failed("map DMA", ret);
		goto out;
	}
	ret = dmaapi_map_prepare_read_all(md);          /* device wrote dst: CPU may read */
	if (ret) {
		die("map prepare_read", ret);
		goto out;
	}
	snprintf(msg, sizeof(msg), "%d bytes %#llx -> device -> %#llx%s", LEN,
		 (unsigned long long)dmaapi_map_dma_addr(ms),
		 (unsigned long long)dmaapi_map_dma_addr(md),
		 dmaapi_map_region(md)->flags & DMAAPI_REGION_BOUNCED ? " (kernel bounce buffer)" : "");
	report("mapped array round trip", !memcmp(src, dst, LEN), msg);
out:
	dmaapi_map_free(ms);
	dmaapi_map_free(md);
	return ret ? 1 : 0;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: edu-demo [-d PCI-NAME] [-b MASK-BITS]\n"
		"  -d  the edu device, bound to dmaapi (default: the first one found)\n"
		"  -b  bits the device can address (default 28, the stock edu device)\n");
}

int main(int argc, char **argv)
{
	struct dmaapi_device_info info;
	struct dmaapi_device *dev;
	unsigned int bits = 28;
	const char *name = NULL;
	struct edu_node edu = { .bdf = "" };
	char msg[128];
	int opt, ret;

	while ((opt = getopt(argc, argv, "d:b:h")) != -1) {
		switch (opt) {
		case 'd':
			name = optarg;
			break;
		case 'b':
			bits = (unsigned int)strtoul(optarg, NULL, 0);
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (bits < 12 || bits > 64) {
		fprintf(stderr, "edu-demo: mask bits must be 12..64\n");
		return 2;
	}
	if (name) {
		snprintf(edu.bdf, sizeof(edu.bdf), "%s", name);
	} else {
		ret = edu_find(edu.bdf, sizeof(edu.bdf));
		if (ret) {
			fprintf(stderr, "edu-demo: no edu device: %s\n", strerror(-ret));
			return 1;
		}
	}
	ret = dmaapi_device_open(edu.bdf, bits == 64 ? UINT64_MAX : (1ULL << bits) - 1, &dev);
	if (ret)
		return die(edu.bdf, ret);
	ret = dmaapi_device_info(dev, &info);
	if (ret) {
		dmaapi_device_close(dev);
		return die("device info", ret);
	}
	if (edu_attach(dev, &edu)) {
		edu_detach(&edu);
		dmaapi_device_close(dev);
		return 1;
	}
	printf("edu-demo: libdmaapi %s, device %s, mask %#llx, %s, %s\n", dmaapi_version(),
	       edu.bdf, (unsigned long long)info.dma_mask,
	       info.flags & DMAAPI_INFO_COHERENT ? "coherent" : "non-coherent",
	       info.flags & DMAAPI_INFO_IOMMU ? "behind an IOMMU" : "no IOMMU");

	demo_array(dev, &edu);
	demo_box(dev, &edu);
	demo_map(dev, &edu);

	snprintf(msg, sizeof(msg), "%lu transfers, %llu %s interrupts, none polled",
		 edu.transfers, (unsigned long long)edu.interrupts, edu.irq_kind);
	report("one interrupt per transfer", edu.transfers && edu.interrupts == edu.transfers,
	       msg);
	edu_detach(&edu);
	dmaapi_device_close(dev);
	printf("edu-demo: %s\n", failures ? "FAILED" : "all DMA round trips verified");
	return failures ? 1 : 0;
}

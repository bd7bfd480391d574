// SPDX-License-Identifier: GPL-2.0
/*
 * edu-demo: an example userspace driver for QEMU's "edu" PCI device, built
 * on libdmaapi only.  Copy it as the template for your own device:
 *
 *   1. bind the device to dmaapi (dmaapictl bind 0000:00:03.0, or
 *      driver_override + drivers_probe), which gives /dev/dmaapi-<name>;
 *   2. dmaapi_device_open(<name>, <the device's DMA mask>) - the kernel
 *      allocates and maps below that mask from then on;
 *   3. reach the registers by mmapping sysfs resourceN (edu.c here);
 *   4. hand the device dmaapi_*_dma_addr() and let the containers do the
 *      cache syncs: array and box sync on every access, a mapped array when
 *      you say so (confirm_write before the device reads, prepare_read
 *      before you read what it wrote);
 *   5. order your accesses against the device, which syncs do not do:
 *      dmaapi_wmb() between writing DMA memory and the doorbell register
 *      that starts the device, dmaapi_rmb() between seeing its completion
 *      status and reading what it wrote;
 *   6. check every return value: an access or a sync can fail (the device
 *      was unbound, the kernel is out of memory).
 *
 * It moves data through the edu DMA engine with each container and prints
 * what it verified.  Exit status 0 only if every round trip matched.
 */
#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <dmaapi.h>

#include "edu.h"

static int failures;

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

/* A failed edu transfer (a negative errno from edu.c). */
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
 * (dmaapi_rmb).  edu_dma() writes the doorbell and polls the status.
 */
static int transfer(struct edu *edu, uint64_t dma, uint32_t off, uint32_t len, bool to_ram)
{
	int ret;

	dmaapi_wmb();
	ret = edu_dma(edu, dma, off, len, to_ram);
	dmaapi_rmb();
	return ret;
}

/* The array: a DArray<uint32_t> the CPU fills, the device copies into its
 * buffer, and copies back into a second array the CPU reads. */
static int demo_array(struct dmaapi_device *dev, struct edu *edu)
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
static int demo_box(struct dmaapi_device *dev, struct edu *edu)
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
static int demo_map(struct dmaapi_device *dev, struct edu *edu)
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
	struct edu edu;
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
	ret = edu_open(&edu, name);
	if (ret) {
		fprintf(stderr, "edu-demo: no edu device: %s\n", strerror(-ret));
		return 1;
	}
	ret = dmaapi_device_open(edu.bdf, bits == 64 ? UINT64_MAX : (1ULL << bits) - 1, &dev);
	if (ret) {
		edu_close(&edu);
		return die(edu.bdf, ret);
	}
	ret = dmaapi_device_info(dev, &info);
	if (ret) {
		dmaapi_device_close(dev);
		edu_close(&edu);
		return die("device info", ret);
	}
	printf("edu-demo: libdmaapi %s, device %s, mask %#llx, %s, %s\n", dmaapi_version(),
	       edu.bdf, (unsigned long long)info.dma_mask,
	       info.flags & DMAAPI_INFO_COHERENT ? "coherent" : "non-coherent",
	       info.flags & DMAAPI_INFO_IOMMU ? "behind an IOMMU" : "no IOMMU");

	demo_array(dev, &edu);
	demo_box(dev, &edu);
	demo_map(dev, &edu);

	dmaapi_device_close(dev);
	edu_close(&edu);
	printf("edu-demo: %s\n", failures ? "FAILED" : "all DMA round trips verified");
	return failures ? 1 : 0;
}

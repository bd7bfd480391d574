/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace access to QEMU's "edu" PCI device (1234:11e8): its registers are
 * reached by mmapping sysfs resource0 (the dmaapi module enables the device
 * and bus mastering but leaves the BARs unclaimed), and its DMA engine copies
 * between a DMA address and the device's 4 KiB internal buffer.
 */
#ifndef DMAAPI_EDU_H
#define DMAAPI_EDU_H

#include <stdbool.h>
#include <stdint.h>

#define EDU_VENDOR 0x1234
#define EDU_DEVICE 0x11e8
/* QEMU 7.2 aborts the VM on a transfer that touches the buffer's last byte. */
#define EDU_BUF_USABLE 4095
#define EDU_MAX_XFER 2048

struct edu {
	char bdf[32];
	volatile uint8_t *bar;
	uint64_t dma_mask; /* what the device reaches: 28 bits unless configured */
};

/* The edu device to use: $DMAAPI_EDU if set, else the one with the lowest
 * PCI name (a machine may have several); 0 or -errno. */
int edu_find(char *bdf, unsigned int len);
/* Maps BAR0 of @bdf (NULL: the first edu device); 0 or -errno. */
int edu_open(struct edu *e, const char *bdf);
void edu_close(struct edu *e);
/*
 * One DMA transfer of @len bytes between DMA address @dma and offset @off of
 * the device buffer; @to_ram selects device-to-RAM.  Polls until done:
 * 0, -EINVAL for a range the device cannot do, -ETIMEDOUT.
 */
int edu_dma(struct edu *e, uint64_t dma, uint32_t off, uint32_t len, bool to_ram);
/* Convenience: RAM -> device buffer, and device buffer -> RAM. */
static inline int edu_dma_to_dev(struct edu *e, uint64_t dma, uint32_t off, uint32_t len)
{
	return edu_dma(e, dma, off, len, false);
}

static inline int edu_dma_to_ram(struct edu *e, uint64_t dma, uint32_t off, uint32_t len)
{
	return edu_dma(e, dma, off, len, true);
}

#endif

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
#include <stdlib.h>

#define EDU_VENDOR 0x1234
#define EDU_DEVICE 0x11e8
/* QEMU 7.2 aborts the VM on a transfer that touches the buffer's last byte. */
#define EDU_BUF_USABLE 4095
#define EDU_MAX_XFER 2048

/* BAR0, as QEMU's docs/specs/edu.rst describes it */
#define EDU_BAR_SIZE 0x100000
#define EDU_REG_ID 0x00
#define EDU_REG_LIVENESS 0x04
#define EDU_REG_IRQ_STATUS 0x24
#define EDU_REG_IRQ_RAISE 0x60
#define EDU_REG_IRQ_ACK 0x64
#define EDU_REG_DMA_SRC 0x80
#define EDU_REG_DMA_DST 0x88
#define EDU_REG_DMA_CNT 0x90
#define EDU_REG_DMA_CMD 0x98
#define EDU_CMD_START 0x1
#define EDU_CMD_TO_RAM 0x2
#define EDU_CMD_IRQ 0x4	/* raise an interrupt when the transfer ends */
#define EDU_IRQ_DMA 0x100	/* the status bit of that interrupt */
#define EDU_BUF_BASE 0x40000	/* the device buffer's DMA address, for the device */

static inline uint32_t edu_rd32(volatile uint8_t *bar, unsigned int reg)
{
	return *(volatile uint32_t *)(bar + reg);
}

static inline void edu_wr32(volatile uint8_t *bar, unsigned int reg, uint32_t v)
{
	*(volatile uint32_t *)(bar + reg) = v;
}

static inline void edu_wr64(volatile uint8_t *bar, unsigned int reg, uint64_t v)
{
	*(volatile uint64_t *)(bar + reg) = v;
}

/*
 * Starts one transfer of @len bytes between DMA address @dma and offset @off
 * of the device buffer (@to_ram: toward @dma); @cmd_extra is 0 or
 * EDU_CMD_IRQ.  Does not wait.
 */
static inline void edu_start(volatile uint8_t *bar, uint64_t dma, uint32_t off, uint32_t len,
			     bool to_ram, uint32_t cmd_extra)
{
	edu_wr64(bar, EDU_REG_DMA_SRC, to_ram ? EDU_BUF_BASE + off : dma);
	edu_wr64(bar, EDU_REG_DMA_DST, to_ram ? dma : EDU_BUF_BASE + off);
	edu_wr64(bar, EDU_REG_DMA_CNT, len);
	edu_wr64(bar, EDU_REG_DMA_CMD, EDU_CMD_START | cmd_extra | (to_ram ? EDU_CMD_TO_RAM : 0));
}

/*
 * The address bits the edu device under test reaches: $DMAAPI_EDU_MASK_BITS
 * (tools/vm/run sets it where it gives the device another dma_mask), else
 * the stock device's 28.
 */
static inline unsigned int edu_mask_bits(void)
{
	const char *s = getenv("DMAAPI_EDU_MASK_BITS");

	return s ? (unsigned int)strtoul(s, NULL, 0) : 28;
}

static inline uint64_t edu_mask(void)
{
	unsigned int bits = edu_mask_bits();

	return bits >= 64 ? UINT64_MAX : (1ULL << bits) - 1;
}

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

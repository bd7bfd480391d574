// SPDX-License-Identifier: GPL-2.0
/*
 * dmaapi: slave jobs of a dmaengine channel (DMAAPI_IOCTL_CHAN_SLAVE_CONFIG,
 * DMAAPI_JOB_DEV_TO_MEM and DMAAPI_JOB_MEM_TO_DEV).
 *
 * The device end of a slave job is always one register of the node's own
 * device: a region the file could mmap anyway (dmaapi_regions.c), and an
 * offset in it, never an address from userspace.  SLAVE_CONFIG checks the
 * width and burst against what the channel reports (dma_get_slave_caps()),
 * maps the register for the channel's DMA device with dma_map_resource()
 * and hands the channel the direction's half of a struct dma_slave_config
 * (the device end: src_* for DEV_TO_MEM, dst_* for MEM_TO_DEV); the other
 * direction's half is kept and passed along.  The memory end of a job is
 * mapped, split and synced as a memcpy job's (dmaapi_chan_job.c), with
 * dmaengine_prep_slave_single() instead of dmaengine_prep_dma_memcpy().
 *
 * A mapping is undone when its direction is configured again (only while no
 * job is queued: EBUSY otherwise) and when the channel stops, after its
 * jobs are retired and before the channel is released.
 *
 * Locking: everything here runs under ctx->lock (the ioctls, the stop and
 * the restart of dmaapi_chan.c); ch->slave is only read and written there.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/dma-direct.h>
#include <linux/dma-mapping.h>
#include <linux/dmaengine.h>
#include <linux/iommu.h>
#include <linux/log2.h>

#include "dmaapi_chan.h"

/* ch->slave[] index of a direction: DEV_TO_MEM 0, MEM_TO_DEV 1. */
static int dmaapi_slave_index(u32 direction)
{
	switch (direction) {
	case DMAAPI_JOB_DEV_TO_MEM:
		return 0;
	case DMAAPI_JOB_MEM_TO_DEV:
		return 1;
	default:
		return -EINVAL;
	}
}

/* The register is read by DEV_TO_MEM jobs, written by MEM_TO_DEV ones. */
static const enum dma_data_direction dmaapi_slave_map_dir[2] = {
	DMA_FROM_DEVICE, DMA_TO_DEVICE
};

static void dmaapi_slave_unmap_one(struct dmaapi_chan *ch, int i)
{
	struct dmaapi_chan_slave *s = &ch->slave[i];

	if (!s->set)
		return;
	dma_unmap_resource(ch->dma_dev, s->map, s->width,
			   dmaapi_slave_map_dir[i], 0);
	memset(s, 0, sizeof(*s));
}

/* ctx->lock held, no job queued: before the channel is released. */
void dmaapi_chan_slave_unmap(struct dmaapi_chan *ch)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(ch->slave); i++)
		dmaapi_slave_unmap_one(ch, i);
}

/* Both directions' configurations, as dmaengine_slave_config() takes them. */
static void dmaapi_slave_fill(struct dma_slave_config *cfg,
			      const struct dmaapi_chan_slave slave[2])
{
	memset(cfg, 0, sizeof(*cfg));
	if (slave[0].set) {
		cfg->src_addr = slave[0].addr;
		cfg->src_addr_width = slave[0].width;
		cfg->src_maxburst = slave[0].burst;
	}
	if (slave[1].set) {
		cfg->dst_addr = slave[1].addr;
		cfg->dst_addr_width = slave[1].width;
		cfg->dst_maxburst = slave[1].burst;
	}
}

/*
 * ctx->lock held: gives a restarted channel its configuration again (the
 * driver forgot it with the channel's resources).
 */
int dmaapi_chan_slave_apply(struct dmaapi_chan *ch)
{
	struct dma_slave_config cfg;

	if (!ch->slave[0].set && !ch->slave[1].set)
		return 0;
	dmaapi_slave_fill(&cfg, ch->slave);
	return dmaengine_slave_config(ch->chan, &cfg) ? -EIO : 0;
}

/*
 * The register's address for the engine.  dma-direct's dma_map_resource()
 * hands MMIO back untranslated (the CPU address); where the engine's
 * device has dma-ranges that cover it (it reaches the peripherals through
 * a bus window: on BCM283x, 0x7e... for the CPU's 0x3f...), their
 * translation is what the engine must be given.  An IOMMU's address, or
 * one dma-ranges do not cover, stands.
 */
static dma_addr_t dmaapi_slave_engine_addr(struct device *dma_dev,
					   phys_addr_t phys, dma_addr_t map)
{
	dma_addr_t addr;

	if (map != phys || device_iommu_mapped(dma_dev) ||
	    !dma_dev->dma_range_map)
		return map;
	addr = translate_phys_to_dma(dma_dev, phys);
	return addr == DMA_MAPPING_ERROR ? map : addr;
}

/* The width, burst and direction checks of dma_get_slave_caps(). */
static int dmaapi_slave_check_caps(struct dmaapi_chan *ch, int i,
				   const struct dmaapi_chan_slave_config *cmd)
{
	static const enum dma_transfer_direction xfer[2] = {
		DMA_DEV_TO_MEM, DMA_MEM_TO_DEV
	};
	struct dma_slave_caps caps;
	u32 widths;

	if (!(ch->caps & DMAAPI_CHAN_CAP_SLAVE) ||
	    dma_get_slave_caps(ch->chan, &caps))
		return -EOPNOTSUPP;
	if (!(caps.directions & BIT(xfer[i])))
		return -EINVAL;
	/* the device end's widths: DMA_SLAVE_BUSWIDTH_n_BYTES is n */
	widths = i ? caps.dst_addr_widths : caps.src_addr_widths;
	if (cmd->addr_width > 16 || !is_power_of_2(cmd->addr_width) ||
	    !(widths & BIT(cmd->addr_width)))
		return -EINVAL;
	if (!cmd->maxburst || cmd->maxburst > DMAAPI_CHAN_MAX_BURST ||
	    (caps.max_burst && cmd->maxburst > caps.max_burst))
		return -EINVAL;
	return 0;
}

int dmaapi_ioctl_chan_slave_config(struct dmaapi_ctx *ctx, void *arg)
{
	struct dmaapi_chan_slave_config *cmd = arg;
	struct dmaapi_chan_slave s = { .set = true }, old[2];
	struct dma_slave_config cfg;
	struct dmaapi_chan *ch;
	int i, ret;

	ret = dmaapi_chan_slave_config_check(cmd);
	if (ret)
		return ret;
	ch = dmaapi_chan_lookup(ctx, cmd->handle);
	if (IS_ERR(ch))
		return PTR_ERR(ch);
	if (!(ch->caps & DMAAPI_CHAN_CAP_SLAVE))
		return -EOPNOTSUPP;
	i = dmaapi_slave_index(cmd->direction);
	if (i < 0)
		return i;
	ret = dmaapi_slave_check_caps(ch, i, cmd);
	if (ret)
		return ret;
	/* a power of two (checked above): no 64-bit division on 32-bit */
	if (cmd->offset & (cmd->addr_width - 1))
		return -EINVAL;
	ret = dmaapi_region_reg(ctx->ddev, cmd->region, cmd->offset,
				cmd->addr_width, &s.phys);
	if (ret)
		return ret;
	/* a queued job may be using the old mapping */
	if (READ_ONCE(ch->nqueued))
		return -EBUSY;

	s.width = cmd->addr_width;
	s.burst = cmd->maxburst;
	s.map = dma_map_resource(ch->dma_dev, s.phys, s.width,
				 dmaapi_slave_map_dir[i], 0);
	if (dma_mapping_error(ch->dma_dev, s.map))
		return -EIO;
	s.addr = dmaapi_slave_engine_addr(ch->dma_dev, s.phys, s.map);

	memcpy(old, ch->slave, sizeof(old));
	old[i] = s;
	dmaapi_slave_fill(&cfg, old);
	if (dmaengine_slave_config(ch->chan, &cfg)) {
		dma_unmap_resource(ch->dma_dev, s.map, s.width,
				   dmaapi_slave_map_dir[i], 0);
		return -EINVAL;
	}
	dmaapi_slave_unmap_one(ch, i);
	ch->slave[i] = s;
	cmd->dev_addr = s.addr;
	return 0;
}

/* The dmaengine descriptor of one piece of @job: memcpy or slave. */
struct dma_async_tx_descriptor *
dmaapi_piece_prep(struct dmaapi_chan *ch, const struct dmaapi_job *job,
		  const struct dmaapi_job_piece *p)
{
	const unsigned long flags = DMA_PREP_INTERRUPT | DMA_CTRL_ACK;

	switch (job->xfer) {
	case DMA_DEV_TO_MEM:
		return dmaengine_prep_slave_single(ch->chan, p->dma[1], p->len,
						   DMA_DEV_TO_MEM, flags);
	case DMA_MEM_TO_DEV:
		return dmaengine_prep_slave_single(ch->chan, p->dma[0], p->len,
						   DMA_MEM_TO_DEV, flags);
	default:
		return dmaengine_prep_dma_memcpy(ch->chan, p->dma[1], p->dma[0],
						 p->len, flags);
	}
}

/**
 * dmaapi_job_slave_end() - the device end of a slave job
 * @ch: the channel
 * @uj: the job, op DMAAPI_JOB_DEV_TO_MEM or DMAAPI_JOB_MEM_TO_DEV
 * @side: the job's device end (out): 0 the source, 1 the destination
 * @addr: the register's address for the engine (out)
 * @width: the configured width, which the memory end's pieces must keep
 *         (out)
 *
 * ctx->lock held.  Return: 0, or -EINVAL: no configuration of the job's
 * direction, a handle or an offset at the device end, a length not a
 * multiple of the width or a memory end not aligned to it.
 */
int dmaapi_job_slave_end(const struct dmaapi_chan *ch,
			 const struct dmaapi_chan_job *uj, int *side,
			 dma_addr_t *addr, u32 *width)
{
	int i = dmaapi_slave_index(uj->op);
	const struct dmaapi_chan_slave *s;
	u64 mem_off;

	if (i < 0)
		return i;
	s = &ch->slave[i];
	if (!s->set)
		return -EINVAL;
	/* DEV_TO_MEM: the device is the source (0); MEM_TO_DEV: the destination */
	if (i == 0 ? uj->src_handle || uj->src_offset :
		     uj->dst_handle || uj->dst_offset)
		return -EINVAL;
	mem_off = i == 0 ? uj->dst_offset : uj->src_offset;
	/* s->width is a power of two */
	if ((uj->length | mem_off) & (s->width - 1))
		return -EINVAL;
	*side = i;
	*addr = s->addr;
	*width = s->width;
	return 0;
}

/*
 * The slave fields of the channel's line of the "channels" attribute
 * (include/uapi/linux/dmaapi.h), emitted at @len of @buf; a channel
 * without DMA_SLAVE has none.  Returns the bytes emitted.
 */
int dmaapi_chan_slave_show(struct dmaapi_chan *ch, char *buf, int len)
{
	struct dma_slave_caps caps;
	const char *sep = "";
	int n = 0;
	u32 w;

	if (!(ch->caps & DMAAPI_CHAN_CAP_SLAVE) ||
	    dma_get_slave_caps(ch->chan, &caps))
		return 0;
	n += sysfs_emit_at(buf, len + n, " slave_dirs=%s%s%s",
			   caps.directions & BIT(DMA_DEV_TO_MEM) ? "dev_to_mem" : "",
			   (caps.directions & BIT(DMA_DEV_TO_MEM)) &&
			   (caps.directions & BIT(DMA_MEM_TO_DEV)) ? "+" : "",
			   caps.directions & BIT(DMA_MEM_TO_DEV) ? "mem_to_dev" : "");
	/* the widths both ends allow, in bytes */
	n += sysfs_emit_at(buf, len + n, " slave_widths=");
	for (w = 1; w <= 16; w <<= 1)
		if (caps.src_addr_widths & caps.dst_addr_widths & BIT(w)) {
			n += sysfs_emit_at(buf, len + n, "%s%u", sep, w);
			sep = "+";
		}
	n += sysfs_emit_at(buf, len + n, " slave_max_burst=%u", caps.max_burst);
	return n;
}

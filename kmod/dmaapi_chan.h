/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dmaapi: what dmaapi_chan.c (requests, the channel fd, flush and the
 * channel ioctls) and dmaapi_chan_job.c (the channel's mappings, jobs and
 * SUBMIT) share.
 */
#ifndef _DMAAPI_CHAN_H
#define _DMAAPI_CHAN_H

#include <linux/dmaengine.h>
#include <linux/list.h>
#include <linux/spinlock.h>
#include <linux/wait.h>

#include "dmaapi.h"

struct dma_buf_attachment;
struct eventfd_ctx;
struct sg_table;

/*
 * One direction's slave configuration (dmaapi_chan_slave.c): the register
 * the direction's jobs read or write, mapped for the channel's DMA device.
 * Set and read under ctx->lock.
 */
struct dmaapi_chan_slave {
	bool set;
	phys_addr_t phys;		/* the register's CPU address */
	dma_addr_t map;			/* dma_map_resource() of it */
	dma_addr_t addr;		/* what the engine is given */
	u32 width;			/* bytes */
	u32 burst;
};

struct dmaapi_chan {
	struct dmaapi_obj obj;
	struct kref ref;		/* the handle and the channel fd */
	struct dma_chan *chan;		/* NULL once stopped (under ctx->lock) */
	struct device *dma_dev;		/* the channel's DMA device */
	struct eventfd_ctx *efd;
	u64 max_job;			/* max_seg * DMAAPI_CHAN_MAX_PIECES */
	u32 max_seg;			/* the DMA device's max segment size */
	u32 align;			/* bytes */
	u32 caps;
	pid_t pid;			/* the requester's tgid (init namespace) */
	/* [0]: DMAAPI_JOB_DEV_TO_MEM's, [1]: DMAAPI_JOB_MEM_TO_DEV's */
	struct dmaapi_chan_slave slave[2];

	spinlock_t lock;
	struct list_head queued;	/* submitted jobs, in submission order */
	struct list_head done;		/* retired jobs, their records unread */
	unsigned int nqueued;
	unsigned int nunread;
	unsigned int limit;
	u64 submitted;
	u64 completed;
	u64 errors;			/* completed with DMAAPI_JOB_ERROR */
	u64 aborted;			/* completed with DMAAPI_JOB_ABORTED */
	bool dead;			/* stopped: no more records */
	wait_queue_head_t wq;
};

/* A physically contiguous piece of an object, mapped for the channel. */
struct dmaapi_chan_run {
	u64 start;			/* offset in the object */
	u64 len;
	dma_addr_t dma;
};

/*
 * An object mapped for a channel's DMA device (in its own direction) once:
 * created by the first job using it on a channel of the file on that
 * device, kept for the next ones (each syncs only its own range), unmapped
 * when the last of the file's channels on the device stops or the object
 * is freed.  @jobs counts the queued jobs using it; neither happens while it
 * is non-zero (FREE is EBUSY, a stop retires every job first).
 */
struct dmaapi_chan_map {
	struct list_head node;		/* in ctx->chan_maps (ctx->lock) */
	struct dmaapi_obj *obj;
	struct device *dev;
	enum dma_data_direction dir;	/* obj->dir */
	bool coherent;			/* coherent memory: no cache syncs */
	/* an imported dma-buf: the channel device's attachment to it */
	struct dma_buf_attachment *attach;
	struct sg_table *sgt;
	atomic_t jobs;
	unsigned int nruns;
	struct dmaapi_chan_run runs[];
};

/*
 * One dmaengine descriptor of a job (memcpy, or slave: then one side is
 * the register, the same address in every piece): a contiguous source
 * piece and a contiguous destination piece of one length.  @joined[i]: the piece
 * continues the previous one in the same run of side i (the job's syncs
 * cover such pieces as one range).
 */
struct dmaapi_job_piece {
	struct dmaapi_job *job;
	dma_addr_t dma[2];		/* source, destination */
	u32 len;
	bool joined[2];
	bool done;			/* its callback ran (ch->lock) */
};

/*
 * A job: one cookie (its last piece's), one completion record, written when
 * the last piece given to the driver completes.  @pending counts the
 * pieces given to the driver whose callback has not run, plus one while
 * SUBMIT is still giving them (ch->lock).
 */
struct dmaapi_job {
	struct list_head node;
	struct dmaapi_chan *ch;
	/* source, destination; NULL once retired, and at a slave job's device end */
	struct dmaapi_chan_map *map[2];
	enum dma_transfer_direction xfer;	/* DMA_MEM_TO_MEM: memcpy */
	u64 len;
	unsigned int npieces;
	unsigned int pending;
	struct dmaapi_chan_completion rec;
	struct dmaapi_job_piece pieces[];
};

static inline struct dmaapi_chan *to_dmaapi_chan(struct dmaapi_obj *obj)
{
	return container_of(obj, struct dmaapi_chan, obj);
}

/* dmaapi_chan.c */
struct dmaapi_chan *dmaapi_chan_lookup(struct dmaapi_ctx *ctx, u32 handle);
void dmaapi_chan_signal(struct dmaapi_chan *ch, unsigned int n);

/* dmaapi_chan_job.c */
void dmaapi_job_retire(struct dmaapi_job *job);
void dmaapi_job_abort(struct dmaapi_job *job);
void dmaapi_chan_unmap_all(struct dmaapi_ctx *ctx, struct dmaapi_chan *ch);
unsigned int dmaapi_chan_nmaps(struct dmaapi_ctx *ctx, struct dmaapi_chan *ch);


/* dmaapi_chan_slave.c */
int dmaapi_job_slave_end(const struct dmaapi_chan *ch,
			 const struct dmaapi_chan_job *uj, int *side,
			 dma_addr_t *addr, u32 *width);
struct dma_async_tx_descriptor *
dmaapi_piece_prep(struct dmaapi_chan *ch, const struct dmaapi_job *job,
		  const struct dmaapi_job_piece *p);
int dmaapi_chan_slave_apply(struct dmaapi_chan *ch);
void dmaapi_chan_slave_unmap(struct dmaapi_chan *ch);
int dmaapi_chan_slave_show(struct dmaapi_chan *ch, char *buf, int len);

#endif /* _DMAAPI_CHAN_H */

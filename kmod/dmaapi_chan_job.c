// SPDX-License-Identifier: GPL-2.0
/*
 * dmaapi: jobs of a dmaengine channel (DMAAPI_IOCTL_CHAN_SUBMIT) and the
 * channel's mappings of the objects they use.
 *
 * An object is mapped for the channel's DMA device once (struct
 * dmaapi_chan_map, in the object's own direction), in physically contiguous
 * runs, without a CPU sync (DMA_ATTR_SKIP_CPU_SYNC).  Each job syncs its own
 * two ranges of those mappings, in the job's directions (DMA_TO_DEVICE for
 * the source, DMA_FROM_DEVICE for the destination): for the device when it
 * is submitted, for the CPU when it is retired (before its record can be
 * read).  A new mapping per job would sync whole ranges twice, and DMA-API
 * debug counts the mappings of one cache line: a queue of jobs on one
 * buffer exceeds its limit of seven.  One mapping of an object per device
 * (not one per direction) also keeps a partial sync of it unambiguous to
 * DMA-API debug, which refuses a sync two mappings contain.
 *
 * While a job is queued it counts in obj->jobs of both objects, which FREE
 * refuses (EBUSY), and in the jobs of both mappings.  The mappings go when
 * the object is freed (dmaapi_chan_forget) or the channel stops, never while
 * a job uses them.  Jobs are retired by their completion callback (softirq
 * or hard interrupt context) or by a flush (dmaapi_chan.c).
 *
 * Locking: SUBMIT and the mappings' creation and removal run under
 * ctx->lock; a job's retirement touches only its mappings' atomics and
 * syncs their ranges.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/dma-buf.h>
#include <linux/dma-mapping.h>
#include <linux/mm.h>
#include <linux/overflow.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "dmaapi_chan.h"

static const enum dma_data_direction dmaapi_job_dir[2] = {
	DMA_TO_DEVICE, DMA_FROM_DEVICE
};

static void dmaapi_chan_map_free(struct dmaapi_chan_map *map)
{
	unsigned int i;

#if IS_ENABLED(CONFIG_DMA_SHARED_BUFFER)
	if (map->attach) {
		if (map->sgt)
			dma_buf_unmap_attachment_unlocked(map->attach, map->sgt,
							  map->dir);
		dma_buf_detach(map->attach->dmabuf, map->attach);
		kvfree(map);
		return;
	}
#endif
	for (i = 0; i < map->nruns; i++)
		dma_unmap_page_attrs(map->dev, map->runs[i].dma,
				     map->runs[i].len, map->dir,
				     DMA_ATTR_SKIP_CPU_SYNC);
	kvfree(map);
}

/* A mapping of @tmpl's object, device and direction, with room for @nruns. */
static struct dmaapi_chan_map *
dmaapi_chan_map_alloc(const struct dmaapi_chan_map *tmpl, unsigned long nruns)
{
	struct dmaapi_chan_map *map;

	map = kvzalloc(struct_size(map, runs, nruns), GFP_KERNEL_ACCOUNT);
	if (!map)
		return NULL;
	map->obj = tmpl->obj;
	map->dev = tmpl->dev;
	map->dir = tmpl->dir;
	atomic_set(&map->jobs, 0);
	return map;
}

/* Maps @len bytes at @page + @pgoff as the next run, at object offset @start. */
static int dmaapi_chan_map_run(struct dmaapi_chan_map *map, struct page *page,
			       unsigned long pgoff, u64 start, u64 len)
{
	struct dmaapi_chan_run *run = &map->runs[map->nruns];

	run->dma = dma_map_page_attrs(map->dev, page, pgoff, len, map->dir,
				      DMA_ATTR_SKIP_CPU_SYNC | DMA_ATTR_NO_WARN);
	if (dma_mapping_error(map->dev, run->dma))
		return -EIO;
	run->start = start;
	run->len = len;
	map->nruns++;
	return 0;
}

/* A cached allocation: one run. */
static int dmaapi_chan_map_buf(struct dmaapi_chan_map **mapp,
			       const struct dmaapi_chan_map *tmpl,
			       struct dmaapi_buf *buf)
{
	struct dmaapi_chan_map *map = dmaapi_chan_map_alloc(tmpl, 1);
	int ret;

	if (!map)
		return -ENOMEM;
	ret = dmaapi_chan_map_run(map, buf->page, 0, 0, buf->obj.length);
	if (ret) {
		dmaapi_chan_map_free(map);
		return ret;
	}
	*mapp = map;
	return 0;
}

/* Coherent memory: its pages, as EXPORT_DMABUF finds them; never synced. */
static int dmaapi_chan_map_coherent(struct dmaapi_ctx *ctx,
				    struct dmaapi_chan_map **mapp,
				    const struct dmaapi_chan_map *tmpl,
				    struct dmaapi_buf *buf)
{
	struct dmaapi_chan_map *map;
	struct scatterlist *sg;
	struct sg_table sgt;
	u64 start = 0, len;
	unsigned int i;
	int ret;

	if (dma_get_sgtable_attrs(ctx->ddev->dev, &sgt, buf->cpu_addr, buf->dma,
				  buf->size, buf->attrs))
		return -EOPNOTSUPP;
	map = dmaapi_chan_map_alloc(tmpl, sgt.orig_nents);
	ret = -ENOMEM;
	if (!map)
		goto out;
	map->coherent = true;
	ret = 0;
	for_each_sgtable_sg(&sgt, sg, i) {
		if (start >= buf->obj.length)
			break;
		len = min_t(u64, sg->length, buf->obj.length - start);
		ret = dmaapi_chan_map_run(map, sg_page(sg), sg->offset, start,
					  len);
		if (ret)
			break;
		start += len;
	}
	if (ret)
		dmaapi_chan_map_free(map);
	else
		*mapp = map;
out:
	sg_free_table(&sgt);
	return ret;
}

/* A user mapping: one run per physically contiguous group of its pages. */
static int dmaapi_chan_map_umap(struct dmaapi_chan_map **mapp,
				const struct dmaapi_chan_map *tmpl,
				struct dmaapi_umap *umap)
{
	u64 length = umap->obj.length, start, end;
	unsigned long a, b, nruns = 0;
	struct dmaapi_chan_map *map;
	int ret = 0;

	for (a = 0; a < umap->npages; a++)
		if (!a || page_to_pfn(umap->pages[a]) !=
			  page_to_pfn(umap->pages[a - 1]) + 1)
			nruns++;
	map = dmaapi_chan_map_alloc(tmpl, nruns);
	if (!map)
		return -ENOMEM;
	for (a = 0; a < umap->npages && !ret; a = b) {
		for (b = a + 1; b < umap->npages; b++)
			if (page_to_pfn(umap->pages[b]) !=
			    page_to_pfn(umap->pages[b - 1]) + 1)
				break;
		/* object offsets: 0 is umap->offset into the first page */
		start = a ? ((u64)a << PAGE_SHIFT) - umap->offset : 0;
		end = min_t(u64, ((u64)b << PAGE_SHIFT) - umap->offset, length);
		ret = dmaapi_chan_map_run(map, umap->pages[a],
					  a ? 0 : umap->offset, start,
					  end - start);
	}
	if (ret) {
		dmaapi_chan_map_free(map);
		return ret;
	}
	*mapp = map;
	return 0;
}

#if IS_ENABLED(CONFIG_DMA_SHARED_BUFFER)
/*
 * An imported dma-buf: attached to the channel's device and mapped (the
 * exporter's map does the device sync), one run per contiguous DMA range
 * of the attachment's table.  No per-job CPU syncs: the CPU brackets its
 * access with DMA_BUF_IOCTL_SYNC (or DMAAPI_IOCTL_SYNC of the import),
 * whose begin/end_cpu_access are the exporter's, for every mapping of it.
 */
static int dmaapi_chan_map_import(struct dmaapi_chan_map **mapp,
				  const struct dmaapi_chan_map *tmpl,
				  struct dmaapi_import *imp)
{
	struct dma_buf_attachment *attach;
	struct dmaapi_chan_map *map;
	struct scatterlist *sg;
	struct sg_table *sgt;
	dma_addr_t next = 0;
	u64 start = 0;
	unsigned int i, n = 0;
	int ret;

	attach = dma_buf_attach(imp->dmabuf, tmpl->dev);
	if (IS_ERR(attach))
		return PTR_ERR(attach);
	sgt = dma_buf_map_attachment_unlocked(attach, tmpl->dir);
	if (IS_ERR(sgt)) {
		dma_buf_detach(imp->dmabuf, attach);
		return PTR_ERR(sgt) == -ENOMEM ? -ENOMEM : -EIO;
	}
	for_each_sgtable_dma_sg(sgt, sg, i) {
		if (!n || sg_dma_address(sg) != next)
			n++;
		next = sg_dma_address(sg) + sg_dma_len(sg);
	}
	map = dmaapi_chan_map_alloc(tmpl, n);
	if (!map) {
		ret = -ENOMEM;
		goto err;
	}
	map->coherent = true;		/* nothing for us to sync */
	map->attach = attach;
	map->sgt = sgt;
	for_each_sgtable_dma_sg(sgt, sg, i) {
		struct dmaapi_chan_run *run = map->nruns ?
					      &map->runs[map->nruns - 1] : NULL;

		if (run && sg_dma_address(sg) == run->dma + run->len) {
			run->len += sg_dma_len(sg);
		} else {
			run = &map->runs[map->nruns++];
			run->start = start;
			run->dma = sg_dma_address(sg);
			run->len = sg_dma_len(sg);
		}
		start += sg_dma_len(sg);
	}
	*mapp = map;
	return 0;
err:
	dma_buf_unmap_attachment_unlocked(attach, sgt, tmpl->dir);
	dma_buf_detach(imp->dmabuf, attach);
	return ret;
}
#else
static int dmaapi_chan_map_import(struct dmaapi_chan_map **mapp,
				  const struct dmaapi_chan_map *tmpl,
				  struct dmaapi_import *imp)
{
	return -EOPNOTSUPP;
}
#endif

/*
 * ctx->lock held: the mapping of @obj for the channel's DMA device, made if
 * need be.  The file's channels on one device share it: DMA-API debug
 * (rightly) objects to one buffer mapped over and over for a device, and
 * a controller's channels are usually one device (the BCM2835 has eleven).
 */
static struct dmaapi_chan_map *dmaapi_chan_map_get(struct dmaapi_ctx *ctx,
						   struct dmaapi_chan *ch,
						   struct dmaapi_obj *obj)
{
	struct dmaapi_chan_map *map, tmpl = {
		.obj = obj, .dev = ch->dma_dev, .dir = obj->dir,
	};
	struct dmaapi_buf *buf;
	struct dmaapi_umap *umap;
	int ret;

	lockdep_assert_held(&ctx->lock);
	list_for_each_entry(map, &ctx->chan_maps, node)
		if (map->obj == obj && map->dev == ch->dma_dev)
			return map;

	switch (obj->type) {
	case DMAAPI_OBJ_BUF:
		buf = to_dmaapi_buf(obj);
		if (buf->freed)
			return ERR_PTR(-ENODEV);
		if (!buf->cached) {
			ret = dmaapi_chan_map_coherent(ctx, &map, &tmpl, buf);
			break;
		}
		ret = dmaapi_chan_map_buf(&map, &tmpl, buf);
		break;
	case DMAAPI_OBJ_UMAP:
		umap = to_dmaapi_umap(obj);
		if (!umap->live)
			return ERR_PTR(-ENODEV);
		ret = dmaapi_chan_map_umap(&map, &tmpl, umap);
		break;
	case DMAAPI_OBJ_IMPORT:
		if (!to_dmaapi_import(obj)->live)
			return ERR_PTR(-ENODEV);
		ret = dmaapi_chan_map_import(&map, &tmpl, to_dmaapi_import(obj));
		break;
	default:
		return ERR_PTR(-EOPNOTSUPP);
	}
	if (ret)
		return ERR_PTR(ret);
	list_add(&map->node, &ctx->chan_maps);
	obj->chan_maps++;
	return map;
}

static void dmaapi_chan_map_drop(struct dmaapi_chan_map *map)
{
	WARN_ON_ONCE(atomic_read(&map->jobs));
	list_del(&map->node);
	map->obj->chan_maps--;
	dmaapi_chan_map_free(map);
}

/*
 * ctx->lock held, no job of @ch queued: @ch stops using its device.  The
 * mappings for the device go with the last of the file's channels on it
 * (the others' jobs may use them).
 */
void dmaapi_chan_unmap_all(struct dmaapi_ctx *ctx, struct dmaapi_chan *ch)
{
	struct dmaapi_chan_map *map, *tmp;
	struct dmaapi_obj *o;
	unsigned long id;

	lockdep_assert_held(&ctx->lock);
	xa_for_each(&ctx->objs, id, o) {
		struct dmaapi_chan *other;

		if (o->type != DMAAPI_OBJ_CHAN || o == &ch->obj)
			continue;
		other = to_dmaapi_chan(o);
		if (other->chan && other->dma_dev == ch->dma_dev)
			return;
	}
	list_for_each_entry_safe(map, tmp, &ctx->chan_maps, node)
		if (map->dev == ch->dma_dev)
			dmaapi_chan_map_drop(map);
}

/* ctx->lock held: objects mapped for the channel's device. */
unsigned int dmaapi_chan_nmaps(struct dmaapi_ctx *ctx, struct dmaapi_chan *ch)
{
	struct dmaapi_chan_map *map;
	unsigned int n = 0;

	lockdep_assert_held(&ctx->lock);
	list_for_each_entry(map, &ctx->chan_maps, node)
		n += map->dev == ch->dma_dev;
	return n;
}

/* ctx->lock held, no job queued on @obj: before it is freed. */
void dmaapi_chan_forget(struct dmaapi_ctx *ctx, struct dmaapi_obj *obj)
{
	struct dmaapi_chan_map *map, *tmp;

	lockdep_assert_held(&ctx->lock);
	if (!obj->chan_maps)
		return;
	list_for_each_entry_safe(map, tmp, &ctx->chan_maps, node)
		if (map->obj == obj)
			dmaapi_chan_map_drop(map);
	WARN_ON_ONCE(obj->chan_maps);
}

/*
 * Syncs side @i of @job: one range per run it touches, the pieces joined in
 * it together, so exactly the job's range is synced.
 */
static void dmaapi_job_sync(struct dmaapi_job *job, int i, bool for_cpu)
{
	struct dmaapi_chan_map *map = job->map[i];
	unsigned int k, e;
	u64 len;

	if (map->coherent)
		return;
	for (k = 0; k < job->npieces; k = e) {
		len = job->pieces[k].len;
		for (e = k + 1; e < job->npieces && job->pieces[e].joined[i]; e++)
			len += job->pieces[e].len;
		if (for_cpu)
			dma_sync_single_for_cpu(map->dev, job->pieces[k].dma[i],
						len, dmaapi_job_dir[i]);
		else
			dma_sync_single_for_device(map->dev,
						   job->pieces[k].dma[i], len,
						   dmaapi_job_dir[i]);
	}
}

/* The job's for_cpu syncs; its objects may be freed again. */
void dmaapi_job_retire(struct dmaapi_job *job)
{
	struct dmaapi_chan_map *map;
	struct dmaapi_obj *obj;
	int i;

	for (i = 0; i < 2; i++) {
		map = job->map[i];
		if (!map)
			continue;
		dmaapi_job_sync(job, i, true);
		obj = map->obj;
		job->map[i] = NULL;
		atomic_dec(&map->jobs);
		/* last: FREE may unmap and free both from here on */
		atomic_dec(&obj->jobs);
	}
}

/*
 * A flush terminated the job (no callback runs any more): retired, with the
 * bytes of the pieces not done added to its residue.
 */
void dmaapi_job_abort(struct dmaapi_job *job)
{
	unsigned int k;

	dmaapi_job_retire(job);
	for (k = 0; k < job->npieces; k++)
		if (!job->pieces[k].done)
			job->rec.residue += job->pieces[k].len;
	if (job->rec.status != DMAAPI_JOB_ERROR)
		job->rec.status = DMAAPI_JOB_ABORTED;
}

/* The last piece is over: the job's record becomes readable. */
static void dmaapi_job_finish(struct dmaapi_job *job)
{
	struct dmaapi_chan *ch = job->ch;
	unsigned long flags;

	dmaapi_job_retire(job);
	spin_lock_irqsave(&ch->lock, flags);
	list_move_tail(&job->node, &ch->done);
	ch->nqueued--;
	ch->nunread++;
	ch->completed++;
	ch->errors += job->rec.status == DMAAPI_JOB_ERROR;
	ch->aborted += job->rec.status == DMAAPI_JOB_ABORTED;
	spin_unlock_irqrestore(&ch->lock, flags);
	wake_up_all(&ch->wq);
	dmaapi_chan_signal(ch, 1);
}

/* Drops one of job->pending, ch->lock held; true if it was the last. */
static bool dmaapi_job_put_locked(struct dmaapi_job *job)
{
	lockdep_assert_held(&job->ch->lock);
	return !--job->pending;
}

/* A piece's completion callback: softirq (or hard interrupt) context. */
static void dmaapi_piece_done(void *arg, const struct dmaengine_result *res)
{
	struct dmaapi_job_piece *p = arg;
	struct dmaapi_job *job = p->job;
	unsigned long flags;
	bool last;

	spin_lock_irqsave(&job->ch->lock, flags);
	p->done = true;
	if (res->result == DMA_TRANS_ABORTED) {
		if (job->rec.status == DMAAPI_JOB_DONE)
			job->rec.status = DMAAPI_JOB_ABORTED;
	} else if (res->result != DMA_TRANS_NOERROR) {
		job->rec.status = DMAAPI_JOB_ERROR;
	}
	job->rec.residue += min_t(u32, res->residue, p->len);
	last = dmaapi_job_put_locked(job);
	spin_unlock_irqrestore(&job->ch->lock, flags);
	if (last)
		dmaapi_job_finish(job);
}

/* Checks one end of a job and finds its mapping. */
static struct dmaapi_chan_map *dmaapi_job_end(struct dmaapi_ctx *ctx,
					      struct dmaapi_chan *ch, int i,
					      u32 handle, u64 off, u64 len)
{
	enum dma_data_direction bad = i ? DMA_TO_DEVICE : DMA_FROM_DEVICE;
	struct dmaapi_obj *obj;
	u64 end;

	obj = handle ? xa_load(&ctx->objs, handle) : NULL;
	if (!obj || obj->type == DMAAPI_OBJ_CHAN)
		return ERR_PTR(-ENOENT);
	if (check_add_overflow(off, len, &end) || end > obj->length)
		return ERR_PTR(-EOVERFLOW);
	if (obj->dir == bad)
		return ERR_PTR(-EINVAL);
	return dmaapi_chan_map_get(ctx, ch, obj);
}

/*
 * Splits @len bytes from @off[0] of @map[0] to @off[1] of @map[1] into
 * pieces contiguous on both sides and at most @max_seg long; fills @p if
 * not NULL.  A NULL @map[i] is a slave job's device end: no runs, one
 * address (the caller's).  Returns the number of pieces, -EXDEV beyond
 * DMAAPI_CHAN_MAX_PIECES.
 */
static int dmaapi_job_split(struct dmaapi_chan_map *const map[2],
			    const u64 off0[2], u64 len, u32 max_seg,
			    struct dmaapi_job_piece *p)
{
	const struct dmaapi_chan_run *run[2];
	bool joined[2] = { false, false };
	u64 off[2] = { off0[0], off0[1] }, step;
	unsigned int r[2], n = 0;
	int i;

	for (i = 0; i < 2; i++)
		for (r[i] = 0; map[i] && r[i] < map[i]->nruns; r[i]++)
			if (off[i] < map[i]->runs[r[i]].start +
				     map[i]->runs[r[i]].len)
				break;
	while (len) {
		step = min_t(u64, len, max_seg);
		for (i = 0; i < 2; i++) {
			if (!map[i])
				continue;
			/* the runs cover the object: only a short import */
			if (r[i] == map[i]->nruns)
				return -EIO;
			run[i] = &map[i]->runs[r[i]];
			step = min(step, run[i]->start + run[i]->len - off[i]);
		}
		if (n == DMAAPI_CHAN_MAX_PIECES)
			return -EXDEV;
		if (p) {
			p[n].len = step;
			for (i = 0; i < 2; i++) {
				if (!map[i])
					continue;
				p[n].dma[i] = run[i]->dma +
					      (off[i] - run[i]->start);
				p[n].joined[i] = joined[i];
			}
		}
		n++;
		len -= step;
		for (i = 0; i < 2; i++) {
			if (!map[i])
				continue;
			off[i] += step;
			joined[i] = off[i] < run[i]->start + run[i]->len;
			if (!joined[i])
				r[i]++;
		}
	}
	return n;
}

/*
 * Whether the channel can take piece @p of a job: a memcpy piece aligned
 * as the channel needs, a slave piece whose memory end keeps the width.
 */
static bool dmaapi_piece_ok(const struct dmaapi_chan *ch,
			    const struct dmaapi_job_piece *p, int dev_side,
			    u32 width)
{
	if (dev_side < 0)
		return is_dma_copy_aligned(ch->chan->device, p->dma[0],
					   p->dma[1], p->len);
	/* @width is a power of two */
	return !((p->len | p->dma[!dev_side]) & (width - 1));
}

static struct dmaapi_job *dmaapi_job_prepare(struct dmaapi_ctx *ctx,
					     struct dmaapi_chan *ch,
					     const struct dmaapi_chan_job *uj)
{
	static const enum dma_transfer_direction slave_xfer[2] = {
		DMA_DEV_TO_MEM, DMA_MEM_TO_DEV
	};
	struct dmaapi_chan_map *map[2] = { NULL, NULL };
	const u64 off[2] = { uj->src_offset, uj->dst_offset };
	const u32 handle[2] = { uj->src_handle, uj->dst_handle };
	struct dmaapi_job *job;
	dma_addr_t dev_addr = 0;
	int i, n, ret, dev_side = -1;	/* a slave job's device end */
	unsigned int k;
	u32 width = 0;

	if (uj->op != DMAAPI_JOB_MEMCPY) {
		ret = dmaapi_job_slave_end(ch, uj, &dev_side, &dev_addr,
					   &width);
		if (ret)
			return ERR_PTR(ret);
	}
	if (uj->flags)
		return ERR_PTR(-EOPNOTSUPP);
	if (uj->__reserved || uj->cookie || !uj->length)
		return ERR_PTR(-EINVAL);
	if (uj->length > ch->max_job)
		return ERR_PTR(-EFBIG);
	if (dev_side < 0 && uj->src_handle == uj->dst_handle &&
	    uj->src_offset < uj->dst_offset + uj->length &&
	    uj->dst_offset < uj->src_offset + uj->length)
		return ERR_PTR(-EINVAL);

	for (i = 0; i < 2; i++) {
		if (i == dev_side)
			continue;
		map[i] = dmaapi_job_end(ctx, ch, i, handle[i], off[i],
					uj->length);
		if (IS_ERR(map[i]))
			return ERR_CAST(map[i]);
	}
	n = dmaapi_job_split(map, off, uj->length, ch->max_seg, NULL);
	if (n < 0)
		return ERR_PTR(n);
	job = kzalloc(struct_size(job, pieces, n), GFP_KERNEL_ACCOUNT);
	if (!job)
		return ERR_PTR(-ENOMEM);
	job->ch = ch;
	job->xfer = dev_side < 0 ? DMA_MEM_TO_MEM : slave_xfer[dev_side];
	job->len = uj->length;
	job->npieces = n;
	job->rec.user_data = uj->user_data;
	dmaapi_job_split(map, off, uj->length, ch->max_seg, job->pieces);
	for (k = 0; k < job->npieces; k++) {
		struct dmaapi_job_piece *p = &job->pieces[k];

		p->job = job;
		if (dev_side >= 0)
			p->dma[dev_side] = dev_addr;
		/* the channel's alignment, of the addresses it is given */
		if (!dmaapi_piece_ok(ch, p, dev_side, width)) {
			kfree(job);
			return ERR_PTR(-EINVAL);
		}
	}
	for (i = 0; i < 2; i++) {
		if (!map[i])
			continue;
		job->map[i] = map[i];
		dmaapi_job_sync(job, i, false);
		atomic_inc(&map[i]->jobs);
		atomic_inc(&map[i]->obj->jobs);
	}
	return job;
}

/*
 * Hands a mapped job's pieces to the driver.  Returns false if it took
 * none (the job is still the caller's); else sets *@cookie and *@whole
 * (false: the driver ran out of descriptors after the first piece, the job
 * ends DMAAPI_JOB_ERROR with the rest as residue).
 */
static bool dmaapi_job_start(struct dmaapi_chan *ch, struct dmaapi_job *job,
			     dma_cookie_t *cookie, bool *whole)
{
	struct dma_async_tx_descriptor *tx;
	struct dmaapi_job_piece *p;
	dma_cookie_t c = 0;
	unsigned int k;
	bool last;

	/* queued before the driver can complete a piece */
	job->pending = 1;		/* ours, until every piece is given */
	spin_lock_irq(&ch->lock);
	list_add_tail(&job->node, &ch->queued);
	ch->nqueued++;
	ch->submitted++;
	spin_unlock_irq(&ch->lock);
	for (k = 0; k < job->npieces; k++) {
		p = &job->pieces[k];
		tx = dmaapi_piece_prep(ch, job, p);
		if (!tx)
			break;
		tx->callback_result = dmaapi_piece_done;
		tx->callback_param = p;
		spin_lock_irq(&ch->lock);
		job->pending++;
		spin_unlock_irq(&ch->lock);
		c = dmaengine_submit(tx);
		if (dma_submit_error(c)) {
			/* never started: no callback will come */
			spin_lock_irq(&ch->lock);
			job->pending--;
			spin_unlock_irq(&ch->lock);
			break;
		}
		job->rec.cookie = c;
	}
	if (!k) {
		spin_lock_irq(&ch->lock);
		list_del(&job->node);
		ch->nqueued--;
		ch->submitted--;
		spin_unlock_irq(&ch->lock);
		return false;
	}
	*cookie = job->rec.cookie;
	*whole = k == job->npieces;
	spin_lock_irq(&ch->lock);
	if (!*whole) {
		job->rec.status = DMAAPI_JOB_ERROR;
		for (; k < job->npieces; k++) {
			job->pieces[k].done = true;	/* counted here */
			job->rec.residue += job->pieces[k].len;
		}
	}
	last = dmaapi_job_put_locked(job);
	spin_unlock_irq(&ch->lock);
	if (last)
		dmaapi_job_finish(job);
	return true;
}

int dmaapi_ioctl_chan_submit(struct dmaapi_ctx *ctx, void *arg)
{
	struct dmaapi_chan_submit *cmd = arg;
	struct dmaapi_chan_job __user *ujobs = u64_to_user_ptr(cmd->jobs);
	struct dmaapi_chan_job *uj;
	struct dmaapi_job **jobs;
	struct dmaapi_chan *ch;
	unsigned int i, n = cmd->count, done = 0;
	int ret = 0;

	if (cmd->flags)
		return -EOPNOTSUPP;
	if (cmd->__reserved || !n)
		return -EINVAL;
	ch = dmaapi_chan_lookup(ctx, cmd->handle);
	if (IS_ERR(ch))
		return PTR_ERR(ch);
	/* the count only falls meanwhile (read() frees slots) */
	if (n > DMAAPI_CHAN_MAX_QUEUE ||
	    READ_ONCE(ch->nqueued) + READ_ONCE(ch->nunread) + n > ch->limit)
		return -EAGAIN;

	uj = kvmalloc_array(n, sizeof(*uj), GFP_KERNEL);
	jobs = kvcalloc(n, sizeof(*jobs), GFP_KERNEL);
	if (!uj || !jobs) {
		ret = -ENOMEM;
		goto out;
	}
	if (copy_from_user(uj, ujobs, array_size(n, sizeof(*uj)))) {
		ret = -EFAULT;
		goto out;
	}
	for (i = 0; i < n; i++) {
		jobs[i] = dmaapi_job_prepare(ctx, ch, &uj[i]);
		if (IS_ERR(jobs[i])) {
			ret = PTR_ERR(jobs[i]);
			jobs[i] = NULL;
			goto out;
		}
	}
	for (done = 0; done < n; ) {
		dma_cookie_t cookie;
		bool whole;

		if (!dmaapi_job_start(ch, jobs[done], &cookie, &whole))
			break;
		uj[done].cookie = cookie;
		jobs[done++] = NULL;	/* the channel's now */
		if (!whole)
			break;
	}
	if (done)
		dma_async_issue_pending(ch->chan);
	else
		ret = -EBUSY;
	cmd->submitted = done;
	/* the jobs run whatever happens here, as EXPORT_DMABUF's fd stays */
	if (done && copy_to_user(ujobs, uj, array_size(done, sizeof(*uj))))
		ret = -EFAULT;
out:
	for (i = 0; jobs && i < n; i++) {
		if (jobs[i]) {
			dmaapi_job_retire(jobs[i]);
			kfree(jobs[i]);
		}
	}
	kvfree(jobs);
	kvfree(uj);
	return ret;
}

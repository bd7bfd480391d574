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

	if (dma_get_sgtable(ctx->ddev->dev, &sgt, buf->cpu_addr, buf->dma,
			    buf->size))
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

/* ctx->lock held: the channel's mapping of @obj, made if need be. */
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
	list_for_each_entry(map, &ch->maps, node)
		if (map->obj == obj)
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
	list_add(&map->node, &ch->maps);
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

/* ctx->lock held, no job queued: before the channel's device goes. */
void dmaapi_chan_unmap_all(struct dmaapi_chan *ch)
{
	struct dmaapi_chan_map *map, *tmp;

	list_for_each_entry_safe(map, tmp, &ch->maps, node)
		dmaapi_chan_map_drop(map);
}

/* ctx->lock held. */
unsigned int dmaapi_chan_nmaps(struct dmaapi_chan *ch)
{
	struct dmaapi_chan_map *map;
	unsigned int n = 0;

	list_for_each_entry(map, &ch->maps, node)
		n++;
	return n;
}

/* ctx->lock held, no job queued on @obj: before it is freed. */
void dmaapi_chan_forget(struct dmaapi_ctx *ctx, struct dmaapi_obj *obj)
{
	struct dmaapi_chan_map *map, *tmp;
	struct dmaapi_obj *o;
	unsigned long id;

	lockdep_assert_held(&ctx->lock);
	if (!obj->chan_maps)
		return;
	xa_for_each(&ctx->objs, id, o) {
		if (o->type != DMAAPI_OBJ_CHAN)
			continue;
		list_for_each_entry_safe(map, tmp, &to_dmaapi_chan(o)->maps, node)
			if (map->obj == obj)
				dmaapi_chan_map_drop(map);
	}
	WARN_ON_ONCE(obj->chan_maps);
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
		if (!map->coherent)
			dma_sync_single_for_cpu(map->dev, job->dma[i], job->len,
						dmaapi_job_dir[i]);
		obj = map->obj;
		job->map[i] = NULL;
		atomic_dec(&map->jobs);
		/* last: FREE may unmap and free both from here on */
		atomic_dec(&obj->jobs);
	}
}

/* The completion callback: softirq (or hard interrupt) context. */
static void dmaapi_job_done(void *arg, const struct dmaengine_result *res)
{
	struct dmaapi_job *job = arg;
	struct dmaapi_chan *ch = job->ch;
	unsigned long flags;

	dmaapi_job_retire(job);
	job->rec.status = res->result == DMA_TRANS_NOERROR ? DMAAPI_JOB_DONE :
			  res->result == DMA_TRANS_ABORTED ? DMAAPI_JOB_ABORTED :
			  DMAAPI_JOB_ERROR;
	job->rec.residue = res->residue;

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

/* Checks one end of a job, finds its mapping and syncs it for the device. */
static int dmaapi_job_map(struct dmaapi_ctx *ctx, struct dmaapi_job *job,
			  int i, u32 handle, u64 off)
{
	enum dma_data_direction bad = i ? DMA_TO_DEVICE : DMA_FROM_DEVICE;
	struct dmaapi_chan_map *map;
	struct dmaapi_chan_run *run;
	struct dmaapi_obj *obj;
	unsigned int r;
	u64 end;

	obj = handle ? xa_load(&ctx->objs, handle) : NULL;
	if (!obj || obj->type == DMAAPI_OBJ_CHAN)
		return -ENOENT;
	if (check_add_overflow(off, job->len, &end) || end > obj->length)
		return -EOVERFLOW;
	if (obj->dir == bad)
		return -EINVAL;
	map = dmaapi_chan_map_get(ctx, job->ch, obj);
	if (IS_ERR(map))
		return PTR_ERR(map);
	for (r = 0; r < map->nruns; r++) {
		run = &map->runs[r];
		if (off < run->start + run->len)
			break;
	}
	/* one contiguous range of the device's addresses */
	if (r == map->nruns || end > run->start + run->len)
		return -EXDEV;
	job->dma[i] = run->dma + (off - run->start);
	if (!map->coherent)
		dma_sync_single_for_device(map->dev, job->dma[i], job->len,
					   dmaapi_job_dir[i]);
	atomic_inc(&map->jobs);
	atomic_inc(&obj->jobs);
	job->map[i] = map;
	return 0;
}

static struct dmaapi_job *dmaapi_job_prepare(struct dmaapi_ctx *ctx,
					     struct dmaapi_chan *ch,
					     const struct dmaapi_chan_job *uj)
{
	struct dmaapi_job *job;
	int ret;

	if (uj->op != DMAAPI_JOB_MEMCPY)
		return ERR_PTR(-EINVAL);
	if (uj->flags)
		return ERR_PTR(-EOPNOTSUPP);
	if (uj->__reserved || uj->cookie || !uj->length)
		return ERR_PTR(-EINVAL);
	if (uj->length > ch->max_job)
		return ERR_PTR(-EFBIG);
	if (uj->src_handle == uj->dst_handle &&
	    uj->src_offset < uj->dst_offset + uj->length &&
	    uj->dst_offset < uj->src_offset + uj->length)
		return ERR_PTR(-EINVAL);

	job = kzalloc(sizeof(*job), GFP_KERNEL_ACCOUNT);
	if (!job)
		return ERR_PTR(-ENOMEM);
	job->ch = ch;
	job->len = uj->length;
	job->rec.user_data = uj->user_data;
	ret = dmaapi_job_map(ctx, job, 0, uj->src_handle, uj->src_offset);
	if (!ret)
		ret = dmaapi_job_map(ctx, job, 1, uj->dst_handle,
				     uj->dst_offset);
	/* the channel's alignment, of the addresses it is given */
	if (!ret && !is_dma_copy_aligned(ch->chan->device, job->dma[0],
					 job->dma[1], job->len))
		ret = -EINVAL;
	if (ret) {
		dmaapi_job_retire(job);
		kfree(job);
		return ERR_PTR(ret);
	}
	return job;
}

/* Hands one mapped job to the driver; false if it has no descriptor. */
static bool dmaapi_job_start(struct dmaapi_chan *ch, struct dmaapi_job *job)
{
	struct dma_async_tx_descriptor *tx;
	dma_cookie_t cookie;

	tx = dmaengine_prep_dma_memcpy(ch->chan, job->dma[1], job->dma[0],
				       job->len,
				       DMA_PREP_INTERRUPT | DMA_CTRL_ACK);
	if (!tx)
		return false;
	tx->callback_result = dmaapi_job_done;
	tx->callback_param = job;

	/* queued before the driver can complete it */
	spin_lock_irq(&ch->lock);
	list_add_tail(&job->node, &ch->queued);
	ch->nqueued++;
	ch->submitted++;
	spin_unlock_irq(&ch->lock);
	cookie = dmaengine_submit(tx);
	if (dma_submit_error(cookie)) {
		/* never started: no callback will come */
		spin_lock_irq(&ch->lock);
		list_del(&job->node);
		ch->nqueued--;
		ch->submitted--;
		spin_unlock_irq(&ch->lock);
		return false;
	}
	job->rec.cookie = cookie;
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
	for (done = 0; done < n; done++) {
		if (!dmaapi_job_start(ch, jobs[done]))
			break;
		uj[done].cookie = jobs[done]->rec.cookie;
		jobs[done] = NULL;	/* the channel's now */
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

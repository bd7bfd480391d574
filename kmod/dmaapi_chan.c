// SPDX-License-Identifier: GPL-2.0
/*
 * dmaapi: dmaengine channels driven from userspace (DMAAPI_IOCTL_CHAN_*).
 *
 * A channel is a handle of the file that requested it (struct dmaapi_chan,
 * an object of ctx->objs) and has a channel fd, an anonymous file that
 * reads completion records.  The channel is kref'd by its handle and by its
 * fd; the handle's destruction (FREE, close of the node's file) and the
 * device's removal stop it: terminate and synchronize the dmaengine channel,
 * retire every queued job, release the channel.  The fd then only drains the
 * records left.
 *
 * A job maps its two ranges for the channel's DMA device (dma_map_sg, with
 * the for_device sync) when it is submitted and unmaps them (the for_cpu
 * sync) when it is retired, before its record can be read; while it is
 * queued it counts in obj->jobs of both objects, which FREE refuses
 * (EBUSY).  Jobs are retired by their completion callback (softirq) or by a
 * flush after dmaengine_terminate_sync(), when no callback runs any more.
 *
 * Locking: the ioctls run under ctx->lock; ch->lock (a spinlock taken with
 * interrupts off: dmaengine callbacks may run in hard interrupt context)
 * guards the job lists, the counters and ch->dead, and is the only lock of
 * the channel fd's read() and poll().
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/anon_inodes.h>
#include <linux/dmaengine.h>
#include <linux/eventfd.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/poll.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/version.h>

#include "dmaapi.h"

struct dmaapi_chan {
	struct dmaapi_obj obj;
	struct kref ref;		/* the handle and the channel fd */
	struct dma_chan *chan;		/* NULL once stopped (under ctx->lock) */
	struct device *dma_dev;		/* the channel's DMA device */
	struct eventfd_ctx *efd;
	u64 max_job;
	u32 align;			/* bytes */
	u32 caps;

	spinlock_t lock;
	struct list_head queued;	/* submitted jobs, in submission order */
	struct list_head done;		/* retired jobs, their records unread */
	unsigned int nqueued;
	unsigned int nunread;
	unsigned int limit;
	u64 submitted;
	u64 completed;
	bool dead;			/* stopped: no more records */
	wait_queue_head_t wq;
};

struct dmaapi_job {
	struct list_head node;
	struct dmaapi_chan *ch;
	struct dmaapi_obj *obj[2];	/* source, destination; NULL once unmapped */
	struct scatterlist sg[2];
	unsigned long attrs[2];
	struct dmaapi_chan_completion rec;
};

static const enum dma_data_direction dmaapi_job_dir[2] = {
	DMA_TO_DEVICE, DMA_FROM_DEVICE
};

static inline struct dmaapi_chan *to_dmaapi_chan(struct dmaapi_obj *obj)
{
	return container_of(obj, struct dmaapi_chan, obj);
}

static void dmaapi_chan_signal(struct dmaapi_chan *ch, unsigned int n)
{
	if (!ch->efd || !n)
		return;
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 8, 0)
	while (n--)
		eventfd_signal(ch->efd);
#else
	eventfd_signal(ch->efd, n);
#endif
}

static void dmaapi_chan_release(struct kref *ref)
{
	struct dmaapi_chan *ch = container_of(ref, struct dmaapi_chan, ref);
	struct dmaapi_job *job, *tmp;

	/* stopped: nothing is queued, only unread records remain */
	list_for_each_entry_safe(job, tmp, &ch->done, node)
		kfree(job);
	kfree(ch);
}

static void dmaapi_chan_put(struct dmaapi_chan *ch)
{
	kref_put(&ch->ref, dmaapi_chan_release);
}

/* The job's ranges: the for_cpu sync, and the objects may be freed again. */
static void dmaapi_job_unmap(struct dmaapi_job *job)
{
	int i;

	for (i = 0; i < 2; i++) {
		if (!job->obj[i])
			continue;
		dma_unmap_sg_attrs(job->ch->dma_dev, &job->sg[i], 1,
				   dmaapi_job_dir[i], job->attrs[i]);
		atomic_dec(&job->obj[i]->jobs);
		job->obj[i] = NULL;
	}
}

/* The completion callback: softirq (or hard interrupt) context. */
static void dmaapi_job_done(void *arg, const struct dmaengine_result *res)
{
	struct dmaapi_job *job = arg;
	struct dmaapi_chan *ch = job->ch;
	unsigned long flags;

	dmaapi_job_unmap(job);
	job->rec.status = res->result == DMA_TRANS_NOERROR ? DMAAPI_JOB_DONE :
			  res->result == DMA_TRANS_ABORTED ? DMAAPI_JOB_ABORTED :
			  DMAAPI_JOB_ERROR;
	job->rec.residue = res->residue;

	spin_lock_irqsave(&ch->lock, flags);
	list_move_tail(&job->node, &ch->done);
	ch->nqueued--;
	ch->nunread++;
	ch->completed++;
	spin_unlock_irqrestore(&ch->lock, flags);
	wake_up_all(&ch->wq);
	dmaapi_chan_signal(ch, 1);
}

/*
 * A driver may leave a channel terminated in the middle of a transfer
 * unable to start another: zynqmp_dma (6.1 to 6.12) masks the channel's
 * interrupts and never sees the transfer end, so it waits for it forever.
 * Freeing and allocating the channel's resources again (release, then a
 * request of the same channel: the filter compares pointers only, never
 * dereferences the released one) starts it afresh.  Between the two
 * another client may take the channel: it is then lost (ENODEV from then
 * on, and EPOLLHUP), as if the device were gone.
 */
static bool dmaapi_chan_same(struct dma_chan *chan, void *param)
{
	return chan == param;
}

static int dmaapi_chan_renew(struct dmaapi_chan *ch)
{
	struct dma_chan *old = ch->chan;
	dma_cap_mask_t mask;

	dma_release_channel(old);
	dma_cap_zero(mask);
	dma_cap_set(ch->caps & DMAAPI_CHAN_CAP_MEMCPY ? DMA_MEMCPY : DMA_SLAVE, mask);
	ch->chan = dma_request_channel(mask, dmaapi_chan_same, old);
	if (ch->chan) {
		ch->dma_dev = ch->chan->device->dev;
		return 0;
	}
	spin_lock_irq(&ch->lock);
	ch->dead = true;
	spin_unlock_irq(&ch->lock);
	wake_up_all(&ch->wq);
	return -ENODEV;
}

/*
 * Terminate every queued job: after dmaengine_terminate_sync() no callback
 * runs, so what is still queued is ours to retire.  Returns how many were.
 */
static unsigned int dmaapi_chan_flush(struct dmaapi_chan *ch)
{
	struct dmaapi_job *job;
	unsigned int n = 0;
	LIST_HEAD(aborted);

	if (!ch->chan)
		return 0;
	dmaengine_terminate_sync(ch->chan);
	spin_lock_irq(&ch->lock);
	list_splice_init(&ch->queued, &aborted);
	spin_unlock_irq(&ch->lock);
	list_for_each_entry(job, &aborted, node) {
		dmaapi_job_unmap(job);
		job->rec.status = DMAAPI_JOB_ABORTED;
		job->rec.residue = 0;
		n++;
	}
	if (!n)
		return 0;
	spin_lock_irq(&ch->lock);
	list_splice_tail(&aborted, &ch->done);
	ch->nqueued -= n;
	ch->nunread += n;
	ch->completed += n;
	spin_unlock_irq(&ch->lock);
	wake_up_all(&ch->wq);
	dmaapi_chan_signal(ch, n);
	return n;
}

/* Stop for good: no job runs or is mapped when this returns. */
static void dmaapi_chan_stop(struct dmaapi_chan *ch)
{
	if (ch->chan) {
		dmaapi_chan_flush(ch);
		dma_release_channel(ch->chan);
		ch->chan = NULL;
	}
	if (ch->efd)
		eventfd_ctx_put(ch->efd);
	spin_lock_irq(&ch->lock);
	ch->efd = NULL;
	ch->dead = true;
	spin_unlock_irq(&ch->lock);
	wake_up_all(&ch->wq);
}

/* ctx->lock held: before the file's objects are released or freed. */
void dmaapi_chan_stop_all(struct dmaapi_ctx *ctx)
{
	struct dmaapi_obj *obj;
	unsigned long id;

	lockdep_assert_held(&ctx->lock);
	xa_for_each(&ctx->objs, id, obj) {
		if (obj->type == DMAAPI_OBJ_CHAN)
			dmaapi_chan_stop(to_dmaapi_chan(obj));
	}
}

void dmaapi_chan_destroy(struct dmaapi_ctx *ctx, struct dmaapi_obj *obj)
{
	struct dmaapi_chan *ch = to_dmaapi_chan(obj);

	dmaapi_chan_stop(ch);
	dmaapi_chan_put(ch);
}

/* The channel fd */

static ssize_t dmaapi_chan_read(struct file *filp, char __user *ubuf,
				size_t len, loff_t *ppos)
{
	struct dmaapi_chan *ch = filp->private_data;
	struct dmaapi_job *job;
	size_t copied = 0;
	int ret;

	if (len < sizeof(job->rec))
		return -EINVAL;
	while (len - copied >= sizeof(job->rec)) {
		spin_lock_irq(&ch->lock);
		job = list_first_entry_or_null(&ch->done, struct dmaapi_job,
					       node);
		if (job) {
			list_del(&job->node);
			ch->nunread--;
		}
		spin_unlock_irq(&ch->lock);
		if (!job) {
			if (copied || ch->dead)
				break;
			if (filp->f_flags & O_NONBLOCK)
				return -EAGAIN;
			ret = wait_event_interruptible(ch->wq,
					!list_empty_careful(&ch->done) ||
					READ_ONCE(ch->dead));
			if (ret)
				return ret;
			continue;
		}
		if (copy_to_user(ubuf + copied, &job->rec, sizeof(job->rec))) {
			/* put it back: the record is not lost */
			spin_lock_irq(&ch->lock);
			list_add(&job->node, &ch->done);
			ch->nunread++;
			spin_unlock_irq(&ch->lock);
			return copied ? copied : -EFAULT;
		}
		kfree(job);
		copied += sizeof(job->rec);
	}
	return copied;
}

static __poll_t dmaapi_chan_poll(struct file *filp, poll_table *pt)
{
	struct dmaapi_chan *ch = filp->private_data;
	__poll_t mask = 0;

	poll_wait(filp, &ch->wq, pt);
	spin_lock_irq(&ch->lock);
	if (!list_empty(&ch->done))
		mask |= EPOLLIN | EPOLLRDNORM;
	if (ch->dead)
		mask |= EPOLLHUP;
	spin_unlock_irq(&ch->lock);
	return mask;
}

static int dmaapi_chan_fd_release(struct inode *inode, struct file *filp)
{
	dmaapi_chan_put(filp->private_data);
	return 0;
}

static const struct file_operations dmaapi_chan_fops = {
	.owner = THIS_MODULE,
	.read = dmaapi_chan_read,
	.poll = dmaapi_chan_poll,
	.release = dmaapi_chan_fd_release,
	.llseek = noop_llseek,
};

/* ioctls */

static struct dma_chan *dmaapi_chan_get(struct dmaapi_ctx *ctx,
					const char *name)
{
	struct dma_chan *chan;
	dma_cap_mask_t mask;

	if (name[0]) {
		chan = dma_request_chan(ctx->ddev->dev, name);
	} else {
		dma_cap_zero(mask);
		dma_cap_set(DMA_MEMCPY, mask);
		chan = dma_request_chan_by_mask(&mask);
	}
	/* no provider yet, or none at all, is the same to userspace */
	if (IS_ERR(chan) && PTR_ERR(chan) == -EPROBE_DEFER)
		return ERR_PTR(-ENODEV);
	return chan;
}

static int dmaapi_chan_setup_efd(struct dmaapi_chan *ch, int fd)
{
	struct eventfd_ctx *efd;

	if (!IS_ENABLED(CONFIG_EVENTFD))
		return -EOPNOTSUPP;
	efd = eventfd_ctx_fdget(fd);
	if (IS_ERR(efd))
		return PTR_ERR(efd);
	ch->efd = efd;
	return 0;
}

int dmaapi_ioctl_chan_request(struct dmaapi_ctx *ctx, void *arg)
{
	struct dmaapi_chan_request *cmd = arg;
	struct dmaapi_chan *ch;
	struct dma_chan *chan;
	struct file *file;
	int fd, ret;

	if (cmd->flags & ~DMAAPI_CHAN_EVENTFD)
		return -EOPNOTSUPP;
	if (!memchr(cmd->name, '\0', sizeof(cmd->name)))
		return -EINVAL;
	if (!(cmd->flags & DMAAPI_CHAN_EVENTFD) && cmd->eventfd)
		return -EINVAL;
	if (ctx->handles >= dmaapi_max_handles)
		return -ENOMEM;

	ch = kzalloc(sizeof(*ch), GFP_KERNEL_ACCOUNT);
	if (!ch)
		return -ENOMEM;
	ch->obj.type = DMAAPI_OBJ_CHAN;
	ch->obj.dir = DMA_BIDIRECTIONAL;
	kref_init(&ch->ref);
	spin_lock_init(&ch->lock);
	INIT_LIST_HEAD(&ch->queued);
	INIT_LIST_HEAD(&ch->done);
	init_waitqueue_head(&ch->wq);
	ch->limit = DMAAPI_CHAN_DEFAULT_QUEUE;
	if (cmd->flags & DMAAPI_CHAN_EVENTFD) {
		ret = dmaapi_chan_setup_efd(ch, cmd->eventfd);
		if (ret) {
			kfree(ch);
			return ret;
		}
	}

	chan = dmaapi_chan_get(ctx, cmd->name);
	if (IS_ERR(chan)) {
		ch->chan = NULL;
		ch->dead = true;
		if (ch->efd)
			eventfd_ctx_put(ch->efd);
		kfree(ch);
		return PTR_ERR(chan);
	}
	ch->chan = chan;
	ch->dma_dev = chan->device->dev;
	ch->max_job = dma_get_max_seg_size(ch->dma_dev);
	ch->align = 1U << chan->device->copy_align;
	if (dma_has_cap(DMA_MEMCPY, chan->device->cap_mask))
		ch->caps |= DMAAPI_CHAN_CAP_MEMCPY;
	if (dma_has_cap(DMA_SLAVE, chan->device->cap_mask))
		ch->caps |= DMAAPI_CHAN_CAP_SLAVE;

	fd = get_unused_fd_flags(O_CLOEXEC);
	if (fd < 0) {
		ret = fd;
		goto err_chan;
	}
	file = anon_inode_getfile("[dmaapi-chan]", &dmaapi_chan_fops, ch,
				  O_RDONLY | O_CLOEXEC);
	if (IS_ERR(file)) {
		ret = PTR_ERR(file);
		put_unused_fd(fd);
		goto err_chan;
	}
	kref_get(&ch->ref);		/* the file's */
	/* on failure this stops the channel and drops the handle's ref */
	ret = dmaapi_ctx_install(ctx, &ch->obj);
	if (ret) {
		fput(file);
		put_unused_fd(fd);
		return ret;
	}
	fd_install(fd, file);

	cmd->handle = ch->obj.handle;
	cmd->fd = fd;
	cmd->caps = ch->caps;
	cmd->align = ch->align;
	cmd->queue_limit = ch->limit;
	cmd->max_job_bytes = ch->max_job;
	strscpy(cmd->chan_name, dma_chan_name(chan), sizeof(cmd->chan_name));
	strscpy(cmd->dev_name, dev_name(ch->dma_dev), sizeof(cmd->dev_name));
	return 0;

err_chan:
	dmaapi_chan_destroy(ctx, &ch->obj);
	return ret;
}

static struct dmaapi_chan *dmaapi_chan_lookup(struct dmaapi_ctx *ctx,
					      u32 handle)
{
	struct dmaapi_obj *obj = handle ? xa_load(&ctx->objs, handle) : NULL;

	if (!obj || obj->type != DMAAPI_OBJ_CHAN)
		return ERR_PTR(-ENOENT);
	/* stopped by the device's removal: the ioctl said ENODEV already */
	if (!to_dmaapi_chan(obj)->chan)
		return ERR_PTR(-ENODEV);
	return to_dmaapi_chan(obj);
}

/* The physically contiguous pages of [off, off + len) of @obj. */
static int dmaapi_range_page(struct dmaapi_ctx *ctx, struct dmaapi_obj *obj,
			     u64 off, u64 len, struct page **page,
			     unsigned int *pgoff, bool *coherent)
{
	struct dmaapi_umap *umap;
	struct dmaapi_buf *buf;
	struct scatterlist *sg;
	struct sg_table sgt;
	unsigned long first, last, i;
	u64 start = 0;
	int ret;

	*coherent = false;
	switch (obj->type) {
	case DMAAPI_OBJ_BUF:
		buf = to_dmaapi_buf(obj);
		if (buf->freed)
			return -ENODEV;
		if (buf->cached) {
			*page = nth_page(buf->page, off >> PAGE_SHIFT);
			*pgoff = offset_in_page(off);
			return 0;
		}
		/* coherent memory: its pages, as EXPORT_DMABUF finds them */
		*coherent = true;
		ret = dma_get_sgtable(ctx->ddev->dev, &sgt, buf->cpu_addr,
				      buf->dma, buf->size);
		if (ret)
			return -EOPNOTSUPP;
		ret = -EXDEV;
		for_each_sgtable_sg(&sgt, sg, i) {
			if (off < start + sg->length) {
				if (off + len <= start + sg->length) {
					*page = nth_page(sg_page(sg),
						(sg->offset + off - start) >> PAGE_SHIFT);
					*pgoff = offset_in_page(sg->offset + off - start);
					ret = 0;
				}
				break;
			}
			start += sg->length;
		}
		sg_free_table(&sgt);
		return ret;
	case DMAAPI_OBJ_UMAP:
		umap = to_dmaapi_umap(obj);
		if (!umap->live)
			return -ENODEV;
		off += umap->offset;
		first = off >> PAGE_SHIFT;
		last = (off + len - 1) >> PAGE_SHIFT;
		for (i = first; i < last; i++)
			if (page_to_pfn(umap->pages[i + 1]) !=
			    page_to_pfn(umap->pages[i]) + 1)
				return -EXDEV;
		*page = umap->pages[first];
		*pgoff = offset_in_page(off);
		return 0;
	default:
		return -EOPNOTSUPP;	/* an import */
	}
}

/* Checks one end of a job and maps it for the channel's device. */
static int dmaapi_job_map(struct dmaapi_ctx *ctx, struct dmaapi_job *job,
			  int i, u32 handle, u64 off, u64 len)
{
	struct dmaapi_chan *ch = job->ch;
	enum dma_data_direction bad = i ? DMA_TO_DEVICE : DMA_FROM_DEVICE;
	struct dmaapi_obj *obj;
	struct page *page;
	unsigned int pgoff;
	bool coherent;
	u64 end;
	int ret;

	obj = handle ? xa_load(&ctx->objs, handle) : NULL;
	if (!obj || obj->type == DMAAPI_OBJ_CHAN)
		return -ENOENT;
	if (check_add_overflow(off, len, &end) || end > obj->length)
		return -EOVERFLOW;
	if (obj->dir == bad)
		return -EINVAL;
	ret = dmaapi_range_page(ctx, obj, off, len, &page, &pgoff, &coherent);
	if (ret)
		return ret;

	sg_init_table(&job->sg[i], 1);
	sg_set_page(&job->sg[i], page, len, pgoff);
	job->attrs[i] = coherent ? DMA_ATTR_SKIP_CPU_SYNC : 0;
	if (dma_map_sg_attrs(ch->dma_dev, &job->sg[i], 1, dmaapi_job_dir[i],
			     job->attrs[i] | DMA_ATTR_NO_WARN) != 1)
		return -EIO;
	if (sg_dma_len(&job->sg[i]) != len) {
		dma_unmap_sg_attrs(ch->dma_dev, &job->sg[i], 1,
				   dmaapi_job_dir[i], job->attrs[i]);
		return -EXDEV;
	}
	atomic_inc(&obj->jobs);
	job->obj[i] = obj;
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
	job->rec.user_data = uj->user_data;
	ret = dmaapi_job_map(ctx, job, 0, uj->src_handle, uj->src_offset,
			     uj->length);
	if (!ret)
		ret = dmaapi_job_map(ctx, job, 1, uj->dst_handle,
				     uj->dst_offset, uj->length);
	/* the channel's alignment, of the addresses it is given */
	if (!ret && !is_dma_copy_aligned(ch->chan->device,
					 sg_dma_address(&job->sg[0]),
					 sg_dma_address(&job->sg[1]),
					 uj->length))
		ret = -EINVAL;
	if (ret) {
		dmaapi_job_unmap(job);
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

	tx = dmaengine_prep_dma_memcpy(ch->chan, sg_dma_address(&job->sg[1]),
				       sg_dma_address(&job->sg[0]),
				       sg_dma_len(&job->sg[0]),
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
			dmaapi_job_unmap(jobs[i]);
			kfree(jobs[i]);
		}
	}
	kvfree(jobs);
	kvfree(uj);
	return ret;
}

static int dmaapi_chan_op_check(struct dmaapi_ctx *ctx, void *arg,
				struct dmaapi_chan **ch)
{
	struct dmaapi_chan_op *cmd = arg;

	if (cmd->flags)
		return -EOPNOTSUPP;
	if (cmd->__reserved)
		return -EINVAL;
	*ch = dmaapi_chan_lookup(ctx, cmd->handle);
	return PTR_ERR_OR_ZERO(*ch);
}

int dmaapi_ioctl_chan_flush(struct dmaapi_ctx *ctx, void *arg)
{
	struct dmaapi_chan *ch;
	int ret = dmaapi_chan_op_check(ctx, arg, &ch);

	if (!ret && dmaapi_chan_flush(ch))
		ret = dmaapi_chan_renew(ch);
	return ret;
}

int dmaapi_ioctl_chan_reset(struct dmaapi_ctx *ctx, void *arg)
{
	struct dmaapi_job *job, *tmp;
	struct dmaapi_chan *ch;
	LIST_HEAD(drop);
	int ret = dmaapi_chan_op_check(ctx, arg, &ch);

	if (ret)
		return ret;
	if (dmaapi_chan_flush(ch))
		ret = dmaapi_chan_renew(ch);
	spin_lock_irq(&ch->lock);
	list_splice_init(&ch->done, &drop);
	ch->nunread = 0;
	ch->limit = DMAAPI_CHAN_DEFAULT_QUEUE;
	ch->submitted = 0;
	ch->completed = 0;
	spin_unlock_irq(&ch->lock);
	list_for_each_entry_safe(job, tmp, &drop, node)
		kfree(job);
	return ret;
}

int dmaapi_ioctl_chan_get_status(struct dmaapi_ctx *ctx, void *arg)
{
	struct dmaapi_chan_status *cmd = arg;
	struct dmaapi_chan *ch;

	if (cmd->flags)
		return -EOPNOTSUPP;
	ch = dmaapi_chan_lookup(ctx, cmd->handle);
	if (IS_ERR(ch))
		return PTR_ERR(ch);
	spin_lock_irq(&ch->lock);
	cmd->queued = ch->nqueued;
	cmd->unread = ch->nunread;
	cmd->queue_limit = ch->limit;
	cmd->submitted = ch->submitted;
	cmd->completed = ch->completed;
	spin_unlock_irq(&ch->lock);
	cmd->max_job_bytes = ch->max_job;
	return 0;
}

int dmaapi_ioctl_chan_set_limit(struct dmaapi_ctx *ctx, void *arg)
{
	struct dmaapi_chan_set_limit *cmd = arg;
	struct dmaapi_chan *ch;

	if (cmd->flags)
		return -EOPNOTSUPP;
	if (!cmd->queue_limit || cmd->queue_limit > DMAAPI_CHAN_MAX_QUEUE)
		return -EINVAL;
	ch = dmaapi_chan_lookup(ctx, cmd->handle);
	if (IS_ERR(ch))
		return PTR_ERR(ch);
	ch->limit = cmd->queue_limit;
	return 0;
}

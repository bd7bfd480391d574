// SPDX-License-Identifier: GPL-2.0
/*
 * dmaapi: dmaengine channels driven from userspace (DMAAPI_IOCTL_CHAN_*):
 * requests, the channel fd, flush and stop; jobs and the channel's
 * mappings are in dmaapi_chan_job.c.
 *
 * A channel is a handle of the file that requested it (struct dmaapi_chan,
 * an object of ctx->objs) and has a channel fd, an anonymous file that
 * reads completion records.  The channel is kref'd by its handle and by its
 * fd; the handle's destruction (FREE, close of the node's file) and the
 * device's removal stop it: retire every queued job (see
 * dmaapi_chan_flush()), unmap what the channel mapped, release the channel.
 * The fd then only drains the records left.
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
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/version.h>

#include "dmaapi_chan.h"

void dmaapi_chan_signal(struct dmaapi_chan *ch, unsigned int n)
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

/* ctx->lock held, no job queued. */
static int dmaapi_chan_renew(struct dmaapi_ctx *ctx, struct dmaapi_chan *ch)
{
	struct dma_chan *old = ch->chan;
	dma_cap_mask_t mask;

	/* mapped again by the next job, should the device be another */
	dmaapi_chan_unmap_all(ctx, ch);
	dma_release_channel(old);
	dma_cap_zero(mask);
	dma_cap_set(ch->caps & DMAAPI_CHAN_CAP_MEMCPY ? DMA_MEMCPY : DMA_SLAVE, mask);
	ch->chan = dma_request_channel(mask, dmaapi_chan_same, old);
	if (ch->chan) {
		ch->dma_dev = ch->chan->device->dev;
		/* the same channel: its slave mappings stand */
		return dmaapi_chan_slave_apply(ch);
	}
	/* the device is the old channel's still: unmap for it */
	dmaapi_chan_slave_unmap(ch);
	spin_lock_irq(&ch->lock);
	ch->dead = true;
	spin_unlock_irq(&ch->lock);
	wake_up_all(&ch->wq);
	return -ENODEV;
}

/*
 * How long a flush lets the engine finish the jobs it was given before it
 * terminates them: a memcpy engine that is not wedged finishes a full queue
 * in far less (1024 jobs of 1 MiB at 1 GB/s: one second).
 */
#define DMAAPI_CHAN_DRAIN_MS 2000

/*
 * Retire every queued job; returns how many were aborted.
 *
 * Every job has been handed to the driver (SUBMIT issues them), so a flush
 * first lets the engine finish them, and terminates only what is left
 * after DMAAPI_CHAN_DRAIN_MS.  Terminating a channel whose completions are
 * running is not safe with every driver: zynqmp_dma's tasklet drops the
 * channel lock around each callback, and a dmaengine_terminate_all() that
 * frees the descriptors meanwhile leaves the tasklet walking the free list
 * for ever (a soft lockup, seen with a process killed with jobs queued).
 * With the queue drained, dmaengine_synchronize() waits for the tasklet
 * that ran the last callback to leave, and nothing is terminated.
 *
 * After dmaengine_terminate_sync() no callback runs, so what is still
 * queued is ours to retire.
 */
static unsigned int dmaapi_chan_flush(struct dmaapi_chan *ch)
{
	struct dmaapi_job *job;
	unsigned int n = 0, failed = 0;
	LIST_HEAD(aborted);

	if (!ch->chan)
		return 0;
	wait_event_timeout(ch->wq, !READ_ONCE(ch->nqueued),
			   msecs_to_jiffies(DMAAPI_CHAN_DRAIN_MS));
	if (!READ_ONCE(ch->nqueued)) {
		dmaengine_synchronize(ch->chan);
		return 0;
	}
	dmaengine_terminate_sync(ch->chan);
	spin_lock_irq(&ch->lock);
	list_splice_init(&ch->queued, &aborted);
	spin_unlock_irq(&ch->lock);
	list_for_each_entry(job, &aborted, node) {
		dmaapi_job_abort(job);	/* ERROR if a piece of it had failed */
		failed += job->rec.status == DMAAPI_JOB_ERROR;
		n++;
	}
	if (!n)
		return 0;
	spin_lock_irq(&ch->lock);
	list_splice_tail(&aborted, &ch->done);
	ch->nqueued -= n;
	ch->nunread += n;
	ch->completed += n;
	ch->errors += failed;
	ch->aborted += n - failed;
	spin_unlock_irq(&ch->lock);
	wake_up_all(&ch->wq);
	dmaapi_chan_signal(ch, n);
	return n;
}

/* Stop for good: no job runs or is mapped when this returns. */
static void dmaapi_chan_stop(struct dmaapi_ctx *ctx, struct dmaapi_chan *ch)
{
	if (ch->chan) {
		dmaapi_chan_flush(ch);
		dmaapi_chan_unmap_all(ctx, ch);
		dmaapi_chan_slave_unmap(ch);
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
			dmaapi_chan_stop(ctx, to_dmaapi_chan(obj));
	}
}

void dmaapi_chan_destroy(struct dmaapi_ctx *ctx, struct dmaapi_obj *obj)
{
	struct dmaapi_chan *ch = to_dmaapi_chan(obj);

	dmaapi_chan_stop(ctx, ch);
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
	ch->pid = task_tgid_nr(current);
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
	ch->max_seg = dma_get_max_seg_size(ch->dma_dev);
	/* a job is split in pieces of at most max_seg; residue is a __u32 */
	ch->max_job = min_t(u64, (u64)ch->max_seg * DMAAPI_CHAN_MAX_PIECES,
			    U32_MAX);
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

struct dmaapi_chan *dmaapi_chan_lookup(struct dmaapi_ctx *ctx, u32 handle)
{
	struct dmaapi_obj *obj = handle ? xa_load(&ctx->objs, handle) : NULL;

	if (!obj || obj->type != DMAAPI_OBJ_CHAN)
		return ERR_PTR(-ENOENT);
	/* stopped by the device's removal: the ioctl said ENODEV already */
	if (!to_dmaapi_chan(obj)->chan)
		return ERR_PTR(-ENODEV);
	return to_dmaapi_chan(obj);
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
		ret = dmaapi_chan_renew(ctx, ch);
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
		ret = dmaapi_chan_renew(ctx, ch);
	spin_lock_irq(&ch->lock);
	list_splice_init(&ch->done, &drop);
	ch->nunread = 0;
	ch->limit = DMAAPI_CHAN_DEFAULT_QUEUE;
	ch->submitted = 0;
	ch->completed = 0;
	ch->errors = 0;
	ch->aborted = 0;
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
	cmd->mapped = dmaapi_chan_nmaps(ctx, ch);
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

/* The "channels" attribute */

/* Room for one more whole line (they are shorter) and the last one. */
#define DMAAPI_CHANNELS_LINE 512

/*
 * One line per channel held by a file of @ddev, for
 * /sys/class/misc/<node>/channels (documented in
 * include/uapi/linux/dmaapi.h), in the order of the files' opens and then
 * of their handles.  Called by sysfs while the node exists, so @ddev is
 * live.
 *
 * Locking: ddev->lock keeps every listed file's context alive (a release
 * takes it around its whole teardown and unlinks the context last), each
 * ctx->lock keeps that file's channels from being freed, stopped or
 * renewed meanwhile (ch->chan is the live channel while it is held), and
 * ch->lock gives one consistent snapshot of a channel's counters.  A read
 * may therefore wait for an ioctl of that file (a flush: at most
 * DMAAPI_CHAN_DRAIN_MS).  A channel stopped by the device's removal is
 * no longer held and not listed.
 *
 * Only whole lines, up to a page: when a channel's line would not fit,
 * it and the ones after it are left out and a last line
 * "truncated=<n>" says how many were.
 */
ssize_t dmaapi_channels_show(struct dmaapi_dev *ddev, char *buf)
{
	struct dmaapi_ctx *ctx;
	struct dmaapi_obj *obj;
	unsigned int left = 0;
	unsigned long id;
	int len = 0;

	mutex_lock(&ddev->lock);
	list_for_each_entry(ctx, &ddev->ctxs, node) {
		mutex_lock(&ctx->lock);
		xa_for_each(&ctx->objs, id, obj) {
			struct dmaapi_chan *ch;
			unsigned int queued, unread, limit;
			u64 submitted, completed, errors, aborted;

			if (obj->type != DMAAPI_OBJ_CHAN)
				continue;
			ch = to_dmaapi_chan(obj);
			if (!ch->chan)
				continue;
			if (left || len > PAGE_SIZE - 2 * DMAAPI_CHANNELS_LINE) {
				left++;
				continue;
			}
			spin_lock_irq(&ch->lock);
			queued = ch->nqueued;
			unread = ch->nunread;
			limit = ch->limit;
			submitted = ch->submitted;
			completed = ch->completed;
			errors = ch->errors;
			aborted = ch->aborted;
			spin_unlock_irq(&ch->lock);
			len += sysfs_emit_at(buf, len,
					     "chan=%.32s device=%.64s pid=%d handle=%u queued=%u unread=%u limit=%u max_job=%llu submitted=%llu completed=%llu errors=%llu aborted=%llu mapped=%u",
					     dma_chan_name(ch->chan),
					     dev_name(ch->dma_dev), ch->pid,
					     obj->handle, queued, unread, limit,
					     ch->max_job, submitted, completed,
					     errors, aborted,
					     dmaapi_chan_nmaps(ctx, ch));
			len += dmaapi_chan_slave_show(ch, buf, len);
			len += sysfs_emit_at(buf, len, "\n");
		}
		mutex_unlock(&ctx->lock);
	}
	mutex_unlock(&ddev->lock);
	if (left)
		len += sysfs_emit_at(buf, len, "truncated=%u\n", left);
	return len;
}

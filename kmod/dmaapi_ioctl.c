// SPDX-License-Identifier: GPL-2.0
/*
 * dmaapi: a file's handles and the ioctls.
 *
 * Every ioctl copies its struct in (copy_struct_from_user), runs under the
 * file's ctx->lock, and copies its output back; SYNC, the hot one, is read in
 * one user access, and SYNC and SYNCV take no lock at all: they hold a
 * reference on the object instead (dmaapi_sync.c).
 *
 * ctx->lock is never held across an access to user memory: removal waits
 * for it, and a user fault can block for as long as userspace likes
 * (userfaultfd, FUSE).  The struct is copied in before it is taken and out
 * after it is dropped; a command that pins user pages (MAP_USER) or writes
 * an array back (GET_SEGMENTS) takes it itself around its DMA work
 * (IOCTL_OP_SELF_LOCKED).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/dma-map-ops.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/rcupdate.h>
#include <linux/stddef.h>
#include <linux/uaccess.h>

#include "dmaapi.h"

static u32 dmaapi_dev_flags(struct dmaapi_dev *ddev)
{
	struct device *dev = ddev->dev;
	u32 flags = 0;

	if (dev_is_dma_coherent(dev))
		flags |= DMAAPI_DEV_COHERENT;
	if (dmaapi_dev_translated(dev))
		flags |= DMAAPI_DEV_IOMMU;
	if (ddev->is_default)
		flags |= DMAAPI_DEV_DEFAULT;
	if (ddev->is_pci)
		flags |= DMAAPI_DEV_PCI;
	return flags;
}

/* Handles */

static int dmaapi_ctx_add(struct dmaapi_ctx *ctx, struct dmaapi_obj *obj)
{
	u32 id;
	int ret;

	lockdep_assert_held(&ctx->lock);
	/* the handle's reference, before a lock-free sync can find it */
	atomic_set(&obj->users, 1);
	/* cyclic: a handle just freed is not named again at once */
	ret = xa_alloc_cyclic(&ctx->objs, &id, obj,
			      XA_LIMIT(1, dmaapi_max_handles),
			      &ctx->next_handle, GFP_KERNEL_ACCOUNT);
	if (ret < 0)
		return -ENOMEM;		/* -EBUSY: the handle limit */
	obj->handle = id;
	ctx->handles++;
	ctx->bytes += obj->length;
	return 0;
}

/* @obj's handle is erased: wait for its syncs, then destroy it. */
void dmaapi_obj_destroy(struct dmaapi_ctx *ctx, struct dmaapi_obj *obj)
{
	dmaapi_obj_kill_syncs(obj);
	/* the channels' mappings of it go first (none while a job uses it) */
	if (obj->type != DMAAPI_OBJ_CHAN)
		dmaapi_chan_forget(ctx, obj);
	ctx->handles--;
	ctx->bytes -= obj->length;
	if (obj->type == DMAAPI_OBJ_BUF)
		dmaapi_buf_put(to_dmaapi_buf(obj));
	else if (obj->type == DMAAPI_OBJ_IMPORT)
		dmaapi_import_destroy(ctx, to_dmaapi_import(obj));
	else if (obj->type == DMAAPI_OBJ_CHAN)
		dmaapi_chan_destroy(ctx, obj);
	else
		dmaapi_umap_destroy(ctx, to_dmaapi_umap(obj));
}

/* For the allocating ioctls: register @obj, or destroy it on failure. */
int dmaapi_ctx_install(struct dmaapi_ctx *ctx, struct dmaapi_obj *obj)
{
	int ret = dmaapi_ctx_add(ctx, obj);

	if (ret) {
		if (obj->type == DMAAPI_OBJ_BUF)
			dmaapi_buf_put(to_dmaapi_buf(obj));
		else if (obj->type == DMAAPI_OBJ_IMPORT)
			dmaapi_import_destroy(ctx, to_dmaapi_import(obj));
		else if (obj->type == DMAAPI_OBJ_CHAN)
			dmaapi_chan_destroy(ctx, obj);
		else
			dmaapi_umap_destroy(ctx, to_dmaapi_umap(obj));
	}
	return ret;
}

static int dmaapi_ctx_remove(struct dmaapi_ctx *ctx, u32 handle)
{
	struct dmaapi_obj *obj;

	lockdep_assert_held(&ctx->lock);
	if (!handle)
		return -ENOENT;
	/* a channel job reads or writes it (jobs are queued under ctx->lock) */
	obj = xa_load(&ctx->objs, handle);
	if (obj && atomic_read(&obj->jobs))
		return -EBUSY;
	obj = xa_erase(&ctx->objs, handle);
	if (!obj)
		return -ENOENT;
	/*
	 * A lock-free sync may still be reading the struct (dmaapi_sync.c):
	 * allocations, mappings and imports are freed with kfree_rcu(), a
	 * channel (rarely freed) after a grace period here.
	 */
	if (obj->type == DMAAPI_OBJ_CHAN)
		synchronize_rcu();
	dmaapi_obj_destroy(ctx, obj);
	return 0;
}

/* ioctls */

static int dmaapi_ioctl_get_info(struct dmaapi_ctx *ctx, void *arg)
{
	struct dmaapi_info *cmd = arg;
	struct dmaapi_dev *ddev = ctx->ddev;
	struct device *dev = ddev->dev;

	if (cmd->flags)
		return -EOPNOTSUPP;
	if (cmd->__reserved)
		return -EINVAL;
	cmd->api_version = DMAAPI_API_VERSION;
	cmd->page_size = PAGE_SIZE;
	cmd->dma_mask = ctx->mask;
	cmd->device_mask = dma_get_mask(dev);
	cmd->bus_limit = dev->bus_dma_limit;
	cmd->dev_flags = dmaapi_dev_flags(ddev);
	cmd->max_handles = dmaapi_max_handles;
	cmd->max_alloc_size = dmaapi_max_alloc_size;
	cmd->handles = ctx->handles;
	cmd->bytes = ctx->bytes;
	return 0;
}

/*
 * One device, one DMA configuration.  The device's mask is the narrowest mask
 * of its open files, and it changes only while no file of the device holds an
 * allocation or a mapping: dma_set_mask() re-evaluates how the DMA layer
 * treats the device (on 6.11+ it re-arms dev->dma_skip_sync, which would turn
 * the syncs of live swiotlb-bounced mappings into no-ops).  A file's own mask
 * is a limit dmaapi checks every address of the file against.
 */
static int dmaapi_ioctl_set_mask(struct dmaapi_ctx *ctx, void *arg)
{
	struct dmaapi_set_mask *cmd = arg;
	struct dmaapi_dev *ddev = ctx->ddev;
	struct dmaapi_ctx *other;
	u64 mask = cmd->mask, dev_mask = cmd->mask;
	bool busy;
	int ret = 0;

	if (cmd->flags)
		return -EOPNOTSUPP;
	/* 2^n - 1 with n >= 12 (n = 64 wraps mask + 1 to 0) */
	if (mask < DMA_BIT_MASK(12) || (mask & (mask + 1)))
		return -EINVAL;

	mutex_lock(&ddev->dma_lock);
	list_for_each_entry(other, &ddev->ctxs, node) {
		if (other != ctx)
			dev_mask = min(dev_mask, other->mask);
	}
	busy = atomic_read(&ddev->live_bufs) || atomic_read(&ddev->live_maps);
	if (dev_mask == ddev->mask || (busy && dev_mask > ddev->mask)) {
		/* within the device's mask: a check of our own */
	} else if (busy) {
		ret = -EBUSY;
	} else if (dma_set_mask_and_coherent(ddev->dev, dev_mask)) {
		/* the streaming mask may have changed before the coherent one failed */
		dma_set_mask_and_coherent(ddev->dev, ddev->mask);
		ret = -EIO;
	} else {
		ddev->mask = dev_mask;
	}
	if (!ret)
		ctx->mask = mask;
	mutex_unlock(&ddev->dma_lock);
	return ret;
}

static int dmaapi_ioctl_free(struct dmaapi_ctx *ctx, void *arg)
{
	struct dmaapi_free *cmd = arg;

	if (cmd->flags)
		return -EOPNOTSUPP;
	if (cmd->__reserved)
		return -EINVAL;
	return dmaapi_ctx_remove(ctx, cmd->handle);
}

/* Undo a successful ALLOC or MAP_USER whose result could not be copied out. */
static void dmaapi_undo_alloc(struct dmaapi_ctx *ctx, void *arg)
{
	dmaapi_ctx_remove(ctx, ((struct dmaapi_alloc *)arg)->handle);
}

static void dmaapi_undo_map_user(struct dmaapi_ctx *ctx, void *arg)
{
	dmaapi_ctx_remove(ctx, ((struct dmaapi_map_user *)arg)->handle);
}

static void dmaapi_undo_import(struct dmaapi_ctx *ctx, void *arg)
{
	dmaapi_ctx_remove(ctx, ((struct dmaapi_import_dmabuf *)arg)->handle);
}

/*
 * The DMA ranges of an object: one for an allocation or a user mapping.
 * Self-locked: the ranges are gathered under ctx->lock and written to the
 * user's array after it is dropped.
 */
static int dmaapi_ioctl_get_segments(struct dmaapi_ctx *ctx, void *arg)
{
	struct dmaapi_get_segments *cmd = arg;
	struct dmaapi_segment __user *usegs = u64_to_user_ptr(cmd->segs);
	struct dmaapi_segment one, *segs = &one;
	struct dmaapi_import *imp;
	struct dmaapi_obj *obj;
	unsigned int n = 0, max = 0;
	int ret = 0;

	if (cmd->flags)
		return -EOPNOTSUPP;

	mutex_lock(&ctx->lock);
	obj = cmd->handle ? xa_load(&ctx->objs, cmd->handle) : NULL;
	if (READ_ONCE(ctx->ddev->dead)) {
		ret = -ENODEV;
	} else if (!obj || obj->type == DMAAPI_OBJ_CHAN) {
		ret = -ENOENT;
	} else if (obj->type != DMAAPI_OBJ_IMPORT) {
		one.dma_addr = obj->type == DMAAPI_OBJ_BUF ?
			       to_dmaapi_buf(obj)->dma :
			       to_dmaapi_umap(obj)->dma;
		one.length = obj->length;
		max = min(cmd->nsegs, 1U);
		n = 1;
	} else {
		imp = to_dmaapi_import(obj);
		max = min(cmd->nsegs, imp->nsegs);
		segs = kvmalloc_array(max ? max : 1, sizeof(*segs),
				      GFP_KERNEL_ACCOUNT);
		if (segs)
			n = dmaapi_import_walk(imp, segs, max);
		else
			ret = -ENOMEM;
	}
	mutex_unlock(&ctx->lock);

	if (!ret) {
		if (copy_to_user(usegs, segs, array_size(max, sizeof(*segs))))
			ret = -EFAULT;
		cmd->nsegs = n;
	}
	if (segs != &one)
		kvfree(segs);
	return ret;
}

union dmaapi_ucmd_buffer {
	struct dmaapi_info info;
	struct dmaapi_set_mask set_mask;
	struct dmaapi_alloc alloc;
	struct dmaapi_free free;
	struct dmaapi_map_user map_user;
	struct dmaapi_sync sync;
	struct dmaapi_export_dmabuf export_dmabuf;
	struct dmaapi_import_dmabuf import_dmabuf;
	struct dmaapi_get_segments get_segments;
	struct dmaapi_chan_request chan_request;
	struct dmaapi_chan_submit chan_submit;
	struct dmaapi_chan_op chan_op;
	struct dmaapi_chan_status chan_status;
	struct dmaapi_chan_set_limit chan_set_limit;
	struct dmaapi_chan_slave_config chan_slave_config;
	struct dmaapi_irq_info irq_info;
	struct dmaapi_irq_set irq_set;
	struct dmaapi_region_info region_info;
	struct dmaapi_syncv syncv;
};

struct dmaapi_ioctl_op {
	unsigned int size;
	unsigned int min_size;
	unsigned int ioctl_num;
	bool after_remove;	/* allowed once the device is gone */
	bool has_output;	/* copy the struct back on success */
	bool respond_on_addr_error;	/* copy out on -ERANGE/-EDOM too */
	bool self_locked;	/* execute takes ctx->lock (and checks dead) */
	bool respond_on_error;	/* copy out on any error of execute too */
	int (*execute)(struct dmaapi_ctx *ctx, void *arg);
	void (*undo)(struct dmaapi_ctx *ctx, void *arg);
};

#define IOCTL_OP_FULL(_ioctl, _fn, _struct, _last, _after, _out, _addr_err, \
		      _undo, _self_locked)					\
	[_IOC_NR(_ioctl) - DMAAPI_CMD_BASE] = {				\
		.size = sizeof(_struct) +					\
			BUILD_BUG_ON_ZERO(sizeof(union dmaapi_ucmd_buffer) <	\
					  sizeof(_struct)),			\
		.min_size = offsetofend(_struct, _last),			\
		.ioctl_num = _ioctl,						\
		.after_remove = _after,						\
		.has_output = _out,						\
		.respond_on_addr_error = _addr_err,				\
		.execute = _fn,							\
		.undo = _undo,							\
		.self_locked = _self_locked,					\
	}

#define IOCTL_OP(_ioctl, _fn, _struct, _last, _after, _out, _addr_err, _undo) \
	IOCTL_OP_FULL(_ioctl, _fn, _struct, _last, _after, _out, _addr_err, \
		      _undo, false)

/* For a command that accesses user memory in execute: see the top. */
#define IOCTL_OP_SELF_LOCKED(_ioctl, _fn, _struct, _last, _after, _out,	\
			     _addr_err, _undo)				\
	IOCTL_OP_FULL(_ioctl, _fn, _struct, _last, _after, _out, _addr_err, \
		      _undo, true)

/* Self-locked, and its output is the answer to a failure as well. */
#define IOCTL_OP_SELF_LOCKED_ALWAYS_OUT(_ioctl, _fn, _struct, _last)	\
	[_IOC_NR(_ioctl) - DMAAPI_CMD_BASE] = {				\
		.size = sizeof(_struct) +					\
			BUILD_BUG_ON_ZERO(sizeof(union dmaapi_ucmd_buffer) <	\
					  sizeof(_struct)),			\
		.min_size = offsetofend(_struct, _last),			\
		.ioctl_num = _ioctl,						\
		.has_output = true,						\
		.respond_on_error = true,					\
		.execute = _fn,							\
		.self_locked = true,						\
	}

static const struct dmaapi_ioctl_op dmaapi_ioctl_ops[] = {
	IOCTL_OP(DMAAPI_IOCTL_GET_INFO, dmaapi_ioctl_get_info,
		 struct dmaapi_info, bytes, false, true, false, NULL),
	IOCTL_OP(DMAAPI_IOCTL_SET_MASK, dmaapi_ioctl_set_mask,
		 struct dmaapi_set_mask, mask, false, false, false, NULL),
	IOCTL_OP(DMAAPI_IOCTL_ALLOC, dmaapi_ioctl_alloc,
		 struct dmaapi_alloc, __reserved, false, true, true,
		 dmaapi_undo_alloc),
	IOCTL_OP(DMAAPI_IOCTL_FREE, dmaapi_ioctl_free,
		 struct dmaapi_free, __reserved, true, false, false, NULL),
	/* pins user pages, which may fault for as long as userspace likes */
	IOCTL_OP_SELF_LOCKED(DMAAPI_IOCTL_MAP_USER, dmaapi_ioctl_map_user,
			     struct dmaapi_map_user, __reserved, false, true,
			     true, dmaapi_undo_map_user),
	/* the hot one: no output, no lock (dmaapi_sync.c) */
	IOCTL_OP_SELF_LOCKED(DMAAPI_IOCTL_SYNC, dmaapi_ioctl_sync,
			     struct dmaapi_sync, length, false, false, false,
			     NULL),
	/* the fd is installed: on a failed copy-out it stays, as in DRM */
	IOCTL_OP(DMAAPI_IOCTL_EXPORT_DMABUF, dmaapi_ioctl_export_dmabuf,
		 struct dmaapi_export_dmabuf, length, false, true, false, NULL),
	IOCTL_OP(DMAAPI_IOCTL_IMPORT_DMABUF, dmaapi_ioctl_import_dmabuf,
		 struct dmaapi_import_dmabuf, __reserved, false, true, true,
		 dmaapi_undo_import),
	IOCTL_OP_SELF_LOCKED(DMAAPI_IOCTL_GET_SEGMENTS,
			     dmaapi_ioctl_get_segments,
			     struct dmaapi_get_segments, segs, false, true,
			     false, NULL),
	/* dmaengine channels (dmaapi_chan.c), from DMAAPI_CMD_BASE + 0x10 */
	/* the fd is installed: on a failed copy-out it stays, as for EXPORT */
	IOCTL_OP(DMAAPI_IOCTL_CHAN_REQUEST, dmaapi_ioctl_chan_request,
		 struct dmaapi_chan_request, eventfd, false, true, false, NULL),
	IOCTL_OP(DMAAPI_IOCTL_CHAN_SUBMIT, dmaapi_ioctl_chan_submit,
		 struct dmaapi_chan_submit, __reserved, false, true, false, NULL),
	IOCTL_OP(DMAAPI_IOCTL_CHAN_FLUSH, dmaapi_ioctl_chan_flush,
		 struct dmaapi_chan_op, __reserved, false, false, false, NULL),
	IOCTL_OP(DMAAPI_IOCTL_CHAN_GET_STATUS, dmaapi_ioctl_chan_get_status,
		 struct dmaapi_chan_status, handle, false, true, false, NULL),
	IOCTL_OP(DMAAPI_IOCTL_CHAN_SET_LIMIT, dmaapi_ioctl_chan_set_limit,
		 struct dmaapi_chan_set_limit, queue_limit, false, false, false,
		 NULL),
	IOCTL_OP(DMAAPI_IOCTL_CHAN_RESET, dmaapi_ioctl_chan_reset,
		 struct dmaapi_chan_op, __reserved, false, false, false, NULL),
	IOCTL_OP(DMAAPI_IOCTL_CHAN_SLAVE_CONFIG, dmaapi_ioctl_chan_slave_config,
		 struct dmaapi_chan_slave_config, __reserved, false, true, false,
		 NULL),
	/* interrupts and registers, from 0xA0; the slots between are ENOTTY */
	IOCTL_OP(DMAAPI_IOCTL_IRQ_INFO, dmaapi_ioctl_irq_info,
		 struct dmaapi_irq_info, active_type, false, true, false, NULL),
	/* the irq fd is installed: on a failed copy-out it stays, as EXPORT's */
	IOCTL_OP(DMAAPI_IOCTL_IRQ_SET, dmaapi_ioctl_irq_set,
		 struct dmaapi_irq_set, irq_fd, false, true, false, NULL),
	IOCTL_OP(DMAAPI_IOCTL_REGION_INFO, dmaapi_ioctl_region_info,
		 struct dmaapi_region_info, mmap_offset, false, true, false, NULL),
	/* vectored sync, from 0xB0: no lock (dmaapi_sync.c) */
	IOCTL_OP_SELF_LOCKED_ALWAYS_OUT(DMAAPI_IOCTL_SYNCV, dmaapi_ioctl_syncv,
					struct dmaapi_syncv, ranges),
};

/*
 * The hot path of a userspace driver: a SYNC struct of exactly the kernel's
 * size is read with four 64-bit loads, not copy_from_user(), whose string
 * copy costs more than the rest of a small sync's ioctl.
 */
static int dmaapi_get_sync(struct dmaapi_sync *cmd, const void __user *uarg)
{
	const u64 __user *src = uarg;
	u64 w[4];

	BUILD_BUG_ON(sizeof(*cmd) != sizeof(w));
	if (!user_access_begin(src, sizeof(w)))
		return -EFAULT;
	unsafe_get_user(w[0], &src[0], efault);
	unsafe_get_user(w[1], &src[1], efault);
	unsafe_get_user(w[2], &src[2], efault);
	unsafe_get_user(w[3], &src[3], efault);
	user_access_end();
	memcpy(cmd, w, sizeof(w));
	return 0;

efault:
	user_access_end();
	return -EFAULT;
}

long dmaapi_fops_ioctl(struct file *filp, unsigned int cmd, unsigned long arg)
{
	struct dmaapi_ctx *ctx = filp->private_data;
	void __user *uarg = (void __user *)arg;
	const struct dmaapi_ioctl_op *op;
	union dmaapi_ucmd_buffer buf;
	unsigned int nr = _IOC_NR(cmd);
	u32 usize;
	int ret;

	if (nr < DMAAPI_CMD_BASE ||
	    nr >= DMAAPI_CMD_BASE + ARRAY_SIZE(dmaapi_ioctl_ops))
		return -ENOTTY;
	op = &dmaapi_ioctl_ops[nr - DMAAPI_CMD_BASE];
	if (op->ioctl_num != cmd)
		return -ENOTTY;

	/*
	 * SYNC, the one command on a transfer's path, is read whole in one
	 * user access; any other size (or a fault, e.g. a shorter struct at
	 * the end of a mapping) takes the general path.
	 */
	if (cmd == DMAAPI_IOCTL_SYNC && !dmaapi_get_sync(&buf.sync, uarg) &&
	    buf.sync.size == sizeof(buf.sync)) {
		usize = sizeof(buf.sync);
	} else {
		if (get_user(usize, (u32 __user *)uarg))
			return -EFAULT;
		if (usize < op->min_size)
			return -EINVAL;
		/* as openat2 and clone3: no tail check of gigabytes */
		if (usize > PAGE_SIZE)
			return -E2BIG;
		ret = copy_struct_from_user(&buf, op->size, uarg, usize);
		if (ret)
			return ret;
	}

	if (op->self_locked) {
		ret = op->execute(ctx, &buf);
	} else {
		mutex_lock(&ctx->lock);
		if (!op->after_remove && READ_ONCE(ctx->ddev->dead))
			ret = -ENODEV;
		else
			ret = op->execute(ctx, &buf);
		mutex_unlock(&ctx->lock);
	}

	/*
	 * Unlocked: the new handle is live already, so another thread may use
	 * or free it meanwhile, as it may once the ioctl returns.  If the copy
	 * fails, the handle is freed again, whatever it names by then: only a
	 * thread of the same file that guessed it can have changed that.
	 */
	if ((!ret && op->has_output) ||
	    (ret && op->respond_on_error) ||
	    (ret && op->respond_on_addr_error &&
	     (ret == -ERANGE || ret == -EDOM))) {
		if (copy_to_user(uarg, &buf, min_t(size_t, op->size, usize))) {
			if (!ret && op->undo) {
				mutex_lock(&ctx->lock);
				op->undo(ctx, &buf);
				mutex_unlock(&ctx->lock);
			}
			ret = -EFAULT;
		}
	}
	return ret;
}

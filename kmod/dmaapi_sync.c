// SPDX-License-Identifier: GPL-2.0
/*
 * dmaapi: SYNC and SYNCV, the commands on a transfer's path, without a lock.
 *
 * Locking.  Neither command takes ctx->lock or the xarray's lock: the
 * handle is looked up in ctx->objs under rcu_read_lock(), and the sync
 * holds a reference on the object (obj->users) instead.  obj->users is 1
 * for the handle itself, plus one per sync in flight; it is set to 1
 * before the handle is published (dmaapi_ctx_add) and is 0 once the handle
 * is gone, after which no sync can take a reference.
 *
 *  - FREE, a failed copy-out and close() erase the handle under ctx->lock,
 *    then dmaapi_obj_kill_syncs(): drop the handle's reference and wait
 *    until the syncs in flight have dropped theirs.  Only then is the DMA
 *    mapping torn down.  The struct itself is freed at least a grace period
 *    after the erase (kfree_rcu, or synchronize_rcu() for a channel), so a
 *    lookup that raced with the erase reads live memory and fails
 *    atomic_inc_not_zero().
 *  - Removal (unbind) sets ddev->dead, then, for every object of every
 *    file, dmaapi_obj_wait_syncs() before it unmaps anything: it waits for
 *    the syncs in flight without dropping the handle's reference (the
 *    handle lives until FREE or close).  A sync checks dead after taking
 *    its reference; both sides order their store before their load with a
 *    full barrier, so either the sync sees dead (and fails with ENODEV) or
 *    removal sees its reference and waits.
 *
 * A sync holds no lock that removal waits for and never blocks on user
 * memory once its arguments are read; the one wait it may do is an
 * imported dma-buf's exporter in begin/end_cpu_access.  Concurrent syncs
 * of one file run in parallel; they share only the object's counter.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/overflow.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/wait_bit.h>

#include "dmaapi.h"

/* A sync reference on @handle's object, or NULL: no such handle. */
static struct dmaapi_obj *dmaapi_sync_get(struct dmaapi_ctx *ctx, u32 handle)
{
	struct dmaapi_obj *obj;

	if (!handle)
		return NULL;
	rcu_read_lock();
	obj = xa_load(&ctx->objs, handle);
	/* a channel is not synced: never referenced here */
	if (obj && (obj->type == DMAAPI_OBJ_CHAN ||
		    !atomic_inc_not_zero(&obj->users)))
		obj = NULL;
	rcu_read_unlock();
	return obj;
}

static void dmaapi_sync_put(struct dmaapi_obj *obj)
{
	/* fully ordered: the waiter's prepare_to_wait() pairs with it */
	if (atomic_dec_return(&obj->users) <= 1)
		wake_up_var(&obj->users);
}

/* The handle is erased: drop its reference and wait for every sync. */
void dmaapi_obj_kill_syncs(struct dmaapi_obj *obj)
{
	if (atomic_dec_return(&obj->users))
		wait_var_event(&obj->users, !atomic_read(&obj->users));
}

/* Removal, dead set: wait for the syncs in flight; the handle stays. */
void dmaapi_obj_wait_syncs(struct dmaapi_obj *obj)
{
	wait_var_event(&obj->users, atomic_read(&obj->users) <= 1);
}

/*
 * Check one range and take a reference on its object.  On success *objp
 * holds the reference; on failure there is none.
 */
static int dmaapi_sync_check(struct dmaapi_ctx *ctx, u32 handle, u32 flags,
			     u64 offset, u64 length, struct dmaapi_obj **objp)
{
	struct dmaapi_obj *obj;
	u64 end;

	if (READ_ONCE(ctx->ddev->dead))
		return -ENODEV;
	if (flags & ~(DMAAPI_SYNC_FOR_CPU | DMAAPI_SYNC_FOR_DEVICE))
		return -EOPNOTSUPP;
	if (flags != DMAAPI_SYNC_FOR_CPU && flags != DMAAPI_SYNC_FOR_DEVICE)
		return -EINVAL;
	if (!length)
		return -EINVAL;
	obj = dmaapi_sync_get(ctx, handle);
	if (!obj)
		return -ENOENT;
	/* after the reference: see the top */
	smp_mb__after_atomic();
	if (READ_ONCE(ctx->ddev->dead)) {
		dmaapi_sync_put(obj);
		return -ENODEV;
	}
	if (check_add_overflow(offset, length, &end) || end > obj->length) {
		dmaapi_sync_put(obj);
		return -EOVERFLOW;
	}
	*objp = obj;
	return 0;
}

/* Sync a checked range; the caller holds a sync reference on @obj. */
static int dmaapi_sync_apply(struct dmaapi_ctx *ctx, struct dmaapi_obj *obj,
			     u64 offset, u64 length, bool for_cpu)
{
	if (obj->type == DMAAPI_OBJ_IMPORT)
		return dmaapi_import_sync(ctx, to_dmaapi_import(obj), for_cpu);
	if (obj->type == DMAAPI_OBJ_BUF)
		return dmaapi_buf_sync(ctx, to_dmaapi_buf(obj), offset, length,
				       for_cpu);
	return dmaapi_umap_sync(ctx, to_dmaapi_umap(obj), offset, length,
				for_cpu);
}

/* Self-locked: takes no lock at all (see the top). */
int dmaapi_ioctl_sync(struct dmaapi_ctx *ctx, void *arg)
{
	struct dmaapi_sync *cmd = arg;
	struct dmaapi_obj *obj;
	int ret;

	if (cmd->__reserved)
		return -EINVAL;
	ret = dmaapi_sync_check(ctx, cmd->handle, cmd->flags, cmd->offset,
				cmd->length, &obj);
	if (ret)
		return ret;
	ret = dmaapi_sync_apply(ctx, obj, cmd->offset, cmd->length,
				cmd->flags == DMAAPI_SYNC_FOR_CPU);
	dmaapi_sync_put(obj);
	return ret;
}

/* Ranges read onto the stack; more are read into a kmalloc'd array. */
#define DMAAPI_SYNCV_STACK	8

/*
 * Self-locked: the ranges are read from user memory with no lock held,
 * then every one is checked and referenced, then every one is synced.
 * The dispatcher copies the struct back on failure too (error_index).
 */
int dmaapi_ioctl_syncv(struct dmaapi_ctx *ctx, void *arg)
{
	struct dmaapi_syncv *cmd = arg;
	struct dmaapi_sync_range __user *uranges = u64_to_user_ptr(cmd->ranges);
	struct dmaapi_sync_range stack_ranges[DMAAPI_SYNCV_STACK];
	struct dmaapi_obj *stack_objs[DMAAPI_SYNCV_STACK];
	struct dmaapi_sync_range *ranges = stack_ranges;
	struct dmaapi_obj **objs = stack_objs;
	u32 n = cmd->count, i, bad = n, done = 0;
	int ret = 0, err;

	cmd->error_index = n;	/* not one range's fault, unless set below */
	if (cmd->flags)
		return -EOPNOTSUPP;
	if (!n || n > DMAAPI_SYNCV_MAX)
		return -EINVAL;
	if (n > DMAAPI_SYNCV_STACK) {
		ranges = kmalloc_array(n, sizeof(*ranges), GFP_KERNEL);
		objs = kmalloc_array(n, sizeof(*objs), GFP_KERNEL);
		if (!ranges || !objs) {
			ret = -ENOMEM;
			goto out_free;
		}
	}
	if (copy_from_user(ranges, uranges, array_size(n, sizeof(*ranges)))) {
		ret = -EFAULT;
		goto out_free;
	}

	for (done = 0; done < n; done++) {
		struct dmaapi_sync_range *r = &ranges[done];

		ret = dmaapi_sync_check(ctx, r->handle, r->flags, r->offset,
					r->length, &objs[done]);
		if (ret) {
			bad = done;
			break;
		}
	}
	if (!ret) {
		for (i = 0; i < n; i++) {
			err = dmaapi_sync_apply(ctx, objs[i], ranges[i].offset,
						ranges[i].length,
						ranges[i].flags ==
						DMAAPI_SYNC_FOR_CPU);
			if (err && !ret) {
				ret = err;
				bad = i;
			}
		}
	}
	for (i = 0; i < done; i++)
		dmaapi_sync_put(objs[i]);
	cmd->error_index = bad;

out_free:
	if (ranges != stack_ranges)
		kfree(ranges);
	if (objs != stack_objs)
		kfree(objs);
	return ret;
}

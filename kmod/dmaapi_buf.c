// SPDX-License-Identifier: GPL-2.0
/*
 * dmaapi: allocations (DMAAPI_IOCTL_ALLOC) and mmap().
 *
 * An allocation is coherent memory (dma_alloc_coherent) or cached memory
 * with real syncs (dma_alloc_pages).  Its handle and every VMA mapping it
 * hold a reference; the last one frees the DMA memory, unless the device's
 * removal freed it before (after zapping the user mappings) -- except for an
 * exported allocation, whose dma-buf keeps the memory until its release.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "dmaapi.h"

static void dmaapi_buf_free_dma(struct dmaapi_buf *buf)
{
	struct dmaapi_dev *ddev = buf->ddev;

	if (buf->cached)
		dma_free_pages(ddev->dev, buf->size, buf->page, buf->dma,
			       buf->obj.dir);
	else
		dma_free_attrs(ddev->dev, buf->size, buf->cpu_addr, buf->dma,
			       buf->attrs);
	buf->freed = true;
	if (!buf->orphaned && atomic_dec_and_test(&ddev->live_bufs))
		wake_up_all(&ddev->bufs_wq);
}

static void dmaapi_buf_release(struct kref *ref)
{
	struct dmaapi_buf *buf = container_of(ref, struct dmaapi_buf, ref);
	struct dmaapi_dev *ddev = buf->ddev;

	if (!buf->freed)
		dmaapi_buf_free_dma(buf);
	spin_lock(&ddev->bufs_lock);
	list_del(&buf->node);
	spin_unlock(&ddev->bufs_lock);
	/* a lock-free sync may still read it (dmaapi_sync.c) */
	kfree_rcu(buf, obj.rcu);
	dmaapi_dev_put(ddev);
}

void dmaapi_buf_put(struct dmaapi_buf *buf)
{
	kref_put(&buf->ref, dmaapi_buf_release);
}

/*
 * The device is going away: free the memory of every allocation now (their
 * user mappings are zapped already) and wait for the ones whose last
 * reference is being dropped elsewhere.  Each buffer is looked at once: it
 * moves to a list of its own before the lock is dropped, and the list goes
 * back (freed buffers whose handles or VMAs remain) when the walk is done.
 */
void dmaapi_dev_free_bufs(struct dmaapi_dev *ddev)
{
	struct dmaapi_buf *buf;
	LIST_HEAD(done);

	spin_lock(&ddev->bufs_lock);
	while ((buf = list_first_entry_or_null(&ddev->bufs, struct dmaapi_buf,
					       node))) {
		list_move_tail(&buf->node, &done);
		/* a dma-buf's memory lives on, no longer the device's */
		if (buf->exported && !buf->freed && !buf->orphaned) {
			buf->orphaned = true;
			if (atomic_dec_and_test(&ddev->live_bufs))
				wake_up_all(&ddev->bufs_wq);
			continue;
		}
		if (buf->freed || !kref_get_unless_zero(&buf->ref))
			continue;
		spin_unlock(&ddev->bufs_lock);
		/* our reference keeps the last put (and the free) away */
		if (!buf->freed)
			dmaapi_buf_free_dma(buf);
		dmaapi_buf_put(buf);
		cond_resched();
		spin_lock(&ddev->bufs_lock);
	}
	list_splice(&done, &ddev->bufs);
	spin_unlock(&ddev->bufs_lock);
	wait_event(ddev->bufs_wq, !atomic_read(&ddev->live_bufs));
}

/*
 * Coherent memory.  Behind an IOMMU, dma_alloc_coherent() builds the buffer
 * a page at a time (iommu_dma_alloc_remap): a scatterlist mapped into the
 * IOMMU and a vmap() for the kernel's view, undone page by page, with a
 * kernel TLB flush, on free.  Physically contiguous memory is one IOMMU
 * mapping and the linear map: it is tried first, without the allocator's
 * retries, and the pages are the fallback (a fragmented memory, or sizes
 * past the buddy allocator's largest order without CMA).  Without a
 * translating IOMMU (none, or an identity domain: dma-direct) the memory is
 * contiguous anyway and the attribute is not asked for.
 */
static void *dmaapi_alloc_coherent(struct device *dev, struct dmaapi_buf *buf,
				   gfp_t gfp)
{
	if (dmaapi_dev_translated(dev)) {
		buf->attrs = DMA_ATTR_FORCE_CONTIGUOUS;
		buf->cpu_addr = dma_alloc_attrs(dev, buf->size, &buf->dma,
						gfp | __GFP_NORETRY, buf->attrs);
		if (buf->cpu_addr)
			return buf->cpu_addr;
	}
	buf->attrs = 0;
	buf->cpu_addr = dma_alloc_attrs(dev, buf->size, &buf->dma, gfp, 0);
	return buf->cpu_addr;
}

static int dmaapi_buf_alloc_dma(struct dmaapi_ctx *ctx, struct dmaapi_buf *buf)
{
	struct device *dev = ctx->ddev->dev;
	/* charged to the caller's memcg (CMA and carve-outs are not) */
	gfp_t gfp = GFP_KERNEL_ACCOUNT | __GFP_NOWARN;

	if (!buf->cached)
		return dmaapi_alloc_coherent(dev, buf, gfp) ? 0 : -ENOMEM;

	buf->page = dma_alloc_pages(dev, buf->size, &buf->dma, buf->obj.dir, gfp);
	if (!buf->page)
		return -ENOMEM;
	memset(page_address(buf->page), 0, buf->size);
	dma_sync_single_for_device(dev, buf->dma, buf->size, buf->obj.dir);
	buf->need_sync = dma_need_sync(dev, buf->dma);
	return 0;
}

int dmaapi_ioctl_alloc(struct dmaapi_ctx *ctx, void *arg)
{
	struct dmaapi_alloc *cmd = arg;
	struct dmaapi_dev *ddev = ctx->ddev;
	struct dmaapi_buf *buf;
	u64 align, size;
	int ret;

	if (cmd->flags & ~DMAAPI_ALLOC_CACHED)
		return -EOPNOTSUPP;
	if (cmd->__reserved || cmd->direction > DMA_FROM_DEVICE || !cmd->length)
		return -EINVAL;
	/* on the u64 itself: is_power_of_2() truncates to unsigned long */
	align = cmd->align ? cmd->align : PAGE_SIZE;
	if (align & (align - 1))
		return -EINVAL;
	if (cmd->length > dmaapi_max_alloc_size ||
	    align > dmaapi_max_alloc_size)
		return -ENOMEM;
	if (ctx->handles >= dmaapi_max_handles)
		return -ENOMEM;
	/*
	 * dma_alloc_pages() ignores a device's coherent pool and would hand a
	 * device that reaches only its carve-out ordinary RAM.
	 */
	if ((cmd->flags & DMAAPI_ALLOC_CACHED) && ddev->coherent_pool)
		return -EOPNOTSUPP;

	/*
	 * dma_alloc_coherent() aligns the buffer to the page order of its size
	 * (Documentation/core-api/dma-api.rst): allocating at least @align
	 * bytes gives an @align-aligned address.
	 */
	size = max_t(u64, PAGE_ALIGN(cmd->length), align);

	buf = kzalloc(sizeof(*buf), GFP_KERNEL_ACCOUNT);
	if (!buf)
		return -ENOMEM;
	buf->obj.type = DMAAPI_OBJ_BUF;
	buf->obj.length = cmd->length;
	buf->obj.dir = cmd->direction;
	buf->cached = cmd->flags & DMAAPI_ALLOC_CACHED;
	buf->size = size;
	kref_init(&buf->ref);
	buf->ddev = ddev;

	/* the device's mask cannot change under a live allocation */
	mutex_lock(&ddev->dma_lock);
	ret = dmaapi_buf_alloc_dma(ctx, buf);
	if (!ret)
		atomic_inc(&ddev->live_bufs);
	mutex_unlock(&ddev->dma_lock);
	if (ret) {
		kfree(buf);
		return ret;
	}

	kref_get(&ddev->ref);
	spin_lock(&ddev->bufs_lock);
	list_add_tail(&buf->node, &ddev->bufs);
	spin_unlock(&ddev->bufs_lock);

	if (!dmaapi_fits(buf->dma, cmd->length, ctx->mask))
		ret = -ERANGE;
	else if (buf->dma & (align - 1))
		ret = -EDOM;
	if (ret) {
		dev_dbg(ddev->dev, "allocation at %pad misses mask %#llx or align %#llx\n",
			&buf->dma, ctx->mask, align);
		cmd->dma_addr = buf->dma;
		dmaapi_buf_put(buf);
		return ret;
	}

	ret = dmaapi_ctx_install(ctx, &buf->obj);
	if (ret)
		return ret;
	cmd->handle = buf->obj.handle;
	cmd->dma_addr = buf->dma;
	cmd->mmap_offset = (u64)buf->obj.handle << DMAAPI_MMAP_SHIFT;
	cmd->out_flags = buf->need_sync ? DMAAPI_OUT_NEED_SYNC : 0;
	return 0;
}

/* Called with a sync reference on the object (dmaapi_sync.c), no lock. */
int dmaapi_buf_sync(struct dmaapi_ctx *ctx, struct dmaapi_buf *buf,
		    u64 offset, u64 length, bool for_cpu)
{
	struct device *dev = ctx->ddev->dev;

	if (!buf->cached || !buf->need_sync)
		return 0;
	if (for_cpu)
		dma_sync_single_range_for_cpu(dev, buf->dma, offset, length,
					      buf->obj.dir);
	else
		dma_sync_single_range_for_device(dev, buf->dma, offset, length,
						 buf->obj.dir);
	return 0;
}

/* mmap */

static void dmaapi_vm_open(struct vm_area_struct *vma)
{
	struct dmaapi_buf *buf = vma->vm_private_data;

	kref_get(&buf->ref);
}

static void dmaapi_vm_close(struct vm_area_struct *vma)
{
	dmaapi_buf_put(vma->vm_private_data);
}

static const struct vm_operations_struct dmaapi_vm_ops = {
	.open = dmaapi_vm_open,
	.close = dmaapi_vm_close,
};

/*
 * Remember @mm so that removal can wait for its mmap() to finish.  An mm with
 * no users left cannot be in mmap() any more: it is dropped on the way, so the
 * list holds only live mms, not every one that ever mapped the file.
 */
int dmaapi_ctx_note_mm(struct dmaapi_ctx *ctx, struct mm_struct *mm)
{
	struct dmaapi_mm_ref *mref, *tmp, *new;
	LIST_HEAD(dead);
	bool found = false;

	new = kmalloc(sizeof(*new), GFP_KERNEL_ACCOUNT);
	if (!new)
		return -ENOMEM;
	new->mm = mm;
	spin_lock(&ctx->mms_lock);
	list_for_each_entry_safe(mref, tmp, &ctx->mms, node) {
		if (mref->mm == mm)
			found = true;
		else if (!atomic_read(&mref->mm->mm_users))
			list_move(&mref->node, &dead);
	}
	if (!found) {
		mmgrab(mm);
		list_add_tail(&new->node, &ctx->mms);
		new = NULL;
	}
	spin_unlock(&ctx->mms_lock);
	kfree(new);

	list_for_each_entry_safe(mref, tmp, &dead, node) {
		mmdrop(mref->mm);
		kfree(mref);
	}
	return 0;
}

/*
 * Called with the mmap_lock held: it does not take ctx->lock (see the lock
 * order in dmaapi.h).  The allocation is found under the xarray's lock; its
 * handle's reference keeps it alive until ours is taken.
 */
int dmaapi_mmap(struct file *filp, struct vm_area_struct *vma)
{
	struct dmaapi_ctx *ctx = filp->private_data;
	struct dmaapi_dev *ddev = ctx->ddev;
	const unsigned int shift = DMAAPI_MMAP_SHIFT - PAGE_SHIFT;
	unsigned long handle = vma->vm_pgoff >> shift;
	unsigned long pgoff = vma->vm_pgoff & ((1UL << shift) - 1);
	struct dmaapi_obj *obj;
	struct dmaapi_buf *buf;
	unsigned long npages;
	int ret;

	if (!(vma->vm_flags & VM_MAYSHARE))
		return -EBADF;
	if (!handle)	/* no allocation has handle 0: a register region */
		return dmaapi_region_mmap(ctx, vma);
	if (handle > U32_MAX)
		return -ENXIO;

	xa_lock(&ctx->objs);
	obj = xa_load(&ctx->objs, handle);
	if (!obj || obj->type != DMAAPI_OBJ_BUF) {
		xa_unlock(&ctx->objs);
		return -ENXIO;
	}
	buf = to_dmaapi_buf(obj);
	kref_get(&buf->ref);
	xa_unlock(&ctx->objs);

	npages = PAGE_ALIGN(buf->obj.length) >> PAGE_SHIFT;
	if (pgoff >= npages || vma_pages(vma) > npages - pgoff) {
		ret = -ENXIO;
		goto err_put;
	}

	down_read(&ddev->mmap_sem);
	if (ddev->dead) {
		ret = -ENODEV;
		goto err_unlock;
	}
	ret = dmaapi_ctx_note_mm(ctx, vma->vm_mm);
	if (ret)
		goto err_unlock;

	vma->vm_pgoff = pgoff;
	if (buf->cached)
		ret = dma_mmap_pages(ddev->dev, vma, buf->size, buf->page);
	else
		ret = dma_mmap_attrs(ddev->dev, vma, buf->cpu_addr, buf->dma,
				     buf->size, buf->attrs);
	if (ret)
		goto err_unlock;
	vma->vm_private_data = buf;
	vma->vm_ops = &dmaapi_vm_ops;
	up_read(&ddev->mmap_sem);
	return 0;

err_unlock:
	up_read(&ddev->mmap_sem);
err_put:
	dmaapi_buf_put(buf);
	return ret;
}

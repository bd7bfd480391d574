// SPDX-License-Identifier: GPL-2.0
/*
 * dmaapi: dma-buf export (EXPORT_DMABUF) and import (IMPORT_DMABUF).
 *
 * An exported range of an allocation is a dma-buf whose attachments each get
 * their own mapping of the range's pages for the importer's device.  The
 * dma-buf holds a reference on the allocation, which holds the dmaapi_dev and
 * through it the struct device the memory was allocated for, so the memory
 * is freed correctly whenever the last reference goes, bound or not.
 *
 * An import is a dma-buf attached to and mapped for this file's device.
 *
 * Every export is on dmaapi_exports, so that the node's "dmabufs" sysfs
 * attribute can list what it exported (and, from its files' handles, what
 * it imported).
 *
 * Locks: the dma-buf core calls map/unmap_dma_buf with the dma-buf's
 * reservation lock held; exp->lock (the attachment list) nests inside it
 * and is the only lock begin/end_cpu_access take.  dmaapi_exports_lock
 * (the list of exports) is taken alone, or outside exp->lock by the sysfs
 * attribute.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/dma-buf.h>
#include <linux/dma-direct.h>
#include <linux/dma-direction.h>
#include <linux/dma-mapping.h>
#include <linux/fcntl.h>
#include <linux/iosys-map.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/swiotlb.h>
#include <linux/uaccess.h>
#include <linux/version.h>

#include "dmaapi.h"

#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 13, 0)
MODULE_IMPORT_NS("DMA_BUF");
#else
MODULE_IMPORT_NS(DMA_BUF);
#endif

/* Export */

struct dmaapi_export {
	struct dmaapi_buf *buf;
	struct dma_buf *dmabuf;
	struct list_head node;	/* in dmaapi_exports */
	pgoff_t pgoff;		/* of the range in the allocation */
	unsigned int npages;
	struct page **pages;	/* of the range */
	struct mutex lock;	/* attachments */
	struct list_head attachments;
};

static LIST_HEAD(dmaapi_exports);
static DEFINE_MUTEX(dmaapi_exports_lock);

struct dmaapi_export_att {
	struct list_head node;
	struct device *dev;
	struct sg_table sgt;
	bool mapped;
	enum dma_data_direction dir;
};

static int dmaapi_exp_attach(struct dma_buf *dmabuf,
			     struct dma_buf_attachment *attach)
{
	struct dmaapi_export *exp = dmabuf->priv;
	struct dmaapi_export_att *att;
	int ret;

	att = kzalloc(sizeof(*att), GFP_KERNEL);
	if (!att)
		return -ENOMEM;
	ret = sg_alloc_table_from_pages(&att->sgt, exp->pages, exp->npages, 0,
					(unsigned long)exp->npages << PAGE_SHIFT,
					GFP_KERNEL);
	if (ret) {
		kfree(att);
		return ret;
	}
	att->dev = attach->dev;
	attach->priv = att;
	mutex_lock(&exp->lock);
	list_add(&att->node, &exp->attachments);
	mutex_unlock(&exp->lock);
	return 0;
}

static void dmaapi_exp_detach(struct dma_buf *dmabuf,
			      struct dma_buf_attachment *attach)
{
	struct dmaapi_export *exp = dmabuf->priv;
	struct dmaapi_export_att *att = attach->priv;

	mutex_lock(&exp->lock);
	list_del(&att->node);
	mutex_unlock(&exp->lock);
	sg_free_table(&att->sgt);
	kfree(att);
}

static struct sg_table *dmaapi_exp_map(struct dma_buf_attachment *attach,
				       enum dma_data_direction dir)
{
	struct dmaapi_export *exp = attach->dmabuf->priv;
	struct dmaapi_export_att *att = attach->priv;
	int ret;

	if (att->mapped)
		return ERR_PTR(-EBUSY);
	/*
	 * The pages are this device's DMA memory already, so the mapping
	 * overlaps another one, which DMA-API debug refuses unless the map
	 * skips the CPU sync: that sync is done here, on the table the core
	 * has not scrambled yet (see dmaapi_sync_mapping()).  The importer
	 * reports a failure.
	 */
	ret = dma_map_sgtable(attach->dev, &att->sgt, dir,
			      DMA_ATTR_NO_WARN | DMA_ATTR_SKIP_CPU_SYNC);
	if (ret) {
		dev_dbg(attach->dev, "cannot map a dmaapi dma-buf: %d\n", ret);
		return ERR_PTR(ret);
	}
	dma_sync_sgtable_for_device(attach->dev, &att->sgt, dir);
	mutex_lock(&exp->lock);
	att->dir = dir;
	att->mapped = true;
	mutex_unlock(&exp->lock);
	return &att->sgt;
}

static void dmaapi_exp_unmap(struct dma_buf_attachment *attach,
			     struct sg_table *sgt, enum dma_data_direction dir)
{
	struct dmaapi_export *exp = attach->dmabuf->priv;
	struct dmaapi_export_att *att = attach->priv;

	mutex_lock(&exp->lock);
	att->mapped = false;
	mutex_unlock(&exp->lock);
	/* the core has unscrambled the table again */
	dma_sync_sgtable_for_cpu(attach->dev, sgt, dir);
	dma_unmap_sgtable(attach->dev, sgt, dir,
			  DMA_ATTR_NO_WARN | DMA_ATTR_SKIP_CPU_SYNC);
}

/*
 * Sync the mapping @sgt of @dev, a table the dma-buf core has handed to an
 * importer: under CONFIG_DMABUF_DEBUG the core scrambles its page links
 * while it is mapped (mangle_sg_table), so that the sgtable syncs, which
 * read sg_page() (DMA-API debug does on every one), would follow garbage.
 * Only the DMA addresses are sound then: sync page by page through them
 * (an IOMMU maps a DMA range onto pages that need not be contiguous).
 */
static void dmaapi_sync_mapping(struct device *dev, struct sg_table *sgt,
				enum dma_data_direction dir, bool for_cpu)
{
	struct scatterlist *sg;
	unsigned int i;

	if (!IS_ENABLED(CONFIG_DMABUF_DEBUG)) {
		if (for_cpu)
			dma_sync_sgtable_for_cpu(dev, sgt, dir);
		else
			dma_sync_sgtable_for_device(dev, sgt, dir);
		return;
	}
	for_each_sgtable_dma_sg(sgt, sg, i) {
		dma_addr_t addr = sg_dma_address(sg), end = addr + sg_dma_len(sg);

		while (addr < end) {
			size_t len = min_t(u64, end - addr,
					   PAGE_SIZE - offset_in_page(addr));

			if (for_cpu)
				dma_sync_single_for_cpu(dev, addr, len, dir);
			else
				dma_sync_single_for_device(dev, addr, len, dir);
			addr += len;
		}
	}
}

static void dmaapi_exp_sync(struct dmaapi_export *exp, bool for_cpu)
{
	struct dmaapi_buf *buf = exp->buf;
	struct dmaapi_export_att *att;
	size_t off = (size_t)exp->pgoff << PAGE_SHIFT;
	size_t len = (size_t)exp->npages << PAGE_SHIFT;

	mutex_lock(&exp->lock);
	if (buf->cached && buf->need_sync && !for_cpu)
		dma_sync_single_range_for_device(buf->ddev->dev, buf->dma, off,
						 len, buf->obj.dir);
	list_for_each_entry(att, &exp->attachments, node) {
		if (!att->mapped)
			continue;
		dmaapi_sync_mapping(att->dev, &att->sgt, att->dir, for_cpu);
	}
	if (buf->cached && buf->need_sync && for_cpu)
		dma_sync_single_range_for_cpu(buf->ddev->dev, buf->dma, off,
					      len, buf->obj.dir);
	mutex_unlock(&exp->lock);
}

static int dmaapi_exp_begin_cpu(struct dma_buf *dmabuf,
				enum dma_data_direction dir)
{
	dmaapi_exp_sync(dmabuf->priv, true);
	return 0;
}

static int dmaapi_exp_end_cpu(struct dma_buf *dmabuf,
			      enum dma_data_direction dir)
{
	dmaapi_exp_sync(dmabuf->priv, false);
	return 0;
}

/* The core has checked the VMA against the dma-buf's size. */
static int dmaapi_exp_mmap(struct dma_buf *dmabuf, struct vm_area_struct *vma)
{
	struct dmaapi_export *exp = dmabuf->priv;
	struct dmaapi_buf *buf = exp->buf;
	struct device *dev = buf->ddev->dev;

	vma->vm_pgoff += exp->pgoff;
	if (buf->cached)
		return dma_mmap_pages(dev, vma, buf->size, buf->page);
	return dma_mmap_attrs(dev, vma, buf->cpu_addr, buf->dma, buf->size,
			      buf->attrs);
}

static int dmaapi_exp_vmap(struct dma_buf *dmabuf, struct iosys_map *map)
{
	struct dmaapi_export *exp = dmabuf->priv;
	struct dmaapi_buf *buf = exp->buf;
	void *vaddr = buf->cached ? page_address(buf->page) : buf->cpu_addr;

	iosys_map_set_vaddr(map, vaddr + ((size_t)exp->pgoff << PAGE_SHIFT));
	return 0;
}

static void dmaapi_exp_release(struct dma_buf *dmabuf)
{
	struct dmaapi_export *exp = dmabuf->priv;

	mutex_lock(&dmaapi_exports_lock);
	list_del(&exp->node);
	mutex_unlock(&dmaapi_exports_lock);
	dmaapi_buf_put(exp->buf);
	mutex_destroy(&exp->lock);
	kvfree(exp->pages);
	kfree(exp);
}

static const struct dma_buf_ops dmaapi_dmabuf_ops = {
	.attach = dmaapi_exp_attach,
	.detach = dmaapi_exp_detach,
	.map_dma_buf = dmaapi_exp_map,
	.unmap_dma_buf = dmaapi_exp_unmap,
	.begin_cpu_access = dmaapi_exp_begin_cpu,
	.end_cpu_access = dmaapi_exp_end_cpu,
	.mmap = dmaapi_exp_mmap,
	.vmap = dmaapi_exp_vmap,
	.release = dmaapi_exp_release,
};

/* The pages of the exported range, whatever kind of memory it is. */
static int dmaapi_exp_get_pages(struct dmaapi_export *exp)
{
	struct dmaapi_buf *buf = exp->buf;
	struct sg_page_iter piter;
	struct sg_table sgt;
	unsigned long i = 0, n = 0;
	int ret;

	exp->pages = kvmalloc_array(exp->npages, sizeof(*exp->pages),
				    GFP_KERNEL_ACCOUNT);
	if (!exp->pages)
		return -ENOMEM;
	if (buf->cached) {
		for (i = 0; i < exp->npages; i++)
			exp->pages[i] = nth_page(buf->page, exp->pgoff + i);
		return 0;
	}

	ret = dma_get_sgtable_attrs(buf->ddev->dev, &sgt, buf->cpu_addr,
				    buf->dma, buf->size, buf->attrs);
	if (ret) {
		dev_dbg(buf->ddev->dev, "no pages for coherent memory: %d\n",
			ret);
		return -EOPNOTSUPP;
	}
	for_each_sgtable_page(&sgt, &piter, exp->pgoff) {
		if (n == exp->npages)
			break;
		exp->pages[n++] = sg_page_iter_page(&piter);
	}
	sg_free_table(&sgt);
	return n == exp->npages ? 0 : -EOPNOTSUPP;
}

int dmaapi_ioctl_export_dmabuf(struct dmaapi_ctx *ctx, void *arg)
{
	DEFINE_DMA_BUF_EXPORT_INFO(exp_info);
	struct dmaapi_export_dmabuf *cmd = arg;
	struct dmaapi_dev *ddev = ctx->ddev;
	struct dmaapi_export *exp;
	struct dma_buf *dmabuf;
	struct dmaapi_obj *obj;
	struct dmaapi_buf *buf;
	u64 end, length, limit;
	int ret, fd;

	if (cmd->flags)
		return -EOPNOTSUPP;
	if (!PAGE_ALIGNED(cmd->offset) || !PAGE_ALIGNED(cmd->length))
		return -EINVAL;
	obj = cmd->handle ? xa_load(&ctx->objs, cmd->handle) : NULL;
	if (!obj || obj->type != DMAAPI_OBJ_BUF)
		return -ENOENT;
	buf = to_dmaapi_buf(obj);
	limit = PAGE_ALIGN(obj->length);
	if (cmd->offset >= limit)
		return -EOVERFLOW;
	length = cmd->length ? cmd->length : limit - cmd->offset;
	if (check_add_overflow(cmd->offset, length, &end) || end > limit)
		return -EOVERFLOW;

	exp = kzalloc(sizeof(*exp), GFP_KERNEL_ACCOUNT);
	if (!exp)
		return -ENOMEM;
	exp->buf = buf;
	exp->pgoff = cmd->offset >> PAGE_SHIFT;
	exp->npages = length >> PAGE_SHIFT;
	mutex_init(&exp->lock);
	INIT_LIST_HEAD(&exp->attachments);
	ret = dmaapi_exp_get_pages(exp);
	if (ret)
		goto err_free;

	exp_info.ops = &dmaapi_dmabuf_ops;
	exp_info.size = length;
	exp_info.flags = O_RDWR | O_CLOEXEC;
	exp_info.priv = exp;
	/* ctx->lock is held: removal has not reached this device's buffers */
	kref_get(&buf->ref);
	dmabuf = dma_buf_export(&exp_info);
	if (IS_ERR(dmabuf)) {
		dmaapi_buf_put(buf);
		ret = PTR_ERR(dmabuf);
		goto err_free;
	}
	spin_lock(&ddev->bufs_lock);
	buf->exported = true;
	spin_unlock(&ddev->bufs_lock);
	exp->dmabuf = dmabuf;
	mutex_lock(&dmaapi_exports_lock);
	list_add_tail(&exp->node, &dmaapi_exports);
	mutex_unlock(&dmaapi_exports_lock);

	fd = dma_buf_fd(dmabuf, O_CLOEXEC);
	if (fd < 0) {
		dma_buf_put(dmabuf);	/* releases exp and our reference */
		return fd;
	}
	cmd->fd = fd;
	return 0;

err_free:
	mutex_destroy(&exp->lock);
	kvfree(exp->pages);
	kfree(exp);
	return ret;
}

/* Import */

/* Did the DMA layer bounce @sgt through swiotlb? */
static bool dmaapi_sgt_bounced(struct device *dev, struct sg_table *sgt)
{
	struct scatterlist *sg;
	unsigned int i;

	if (dmaapi_dev_translated(dev))
		return false;
	/* the core scrambles the page links, so trust only the mode */
	if (IS_ENABLED(CONFIG_DMABUF_DEBUG))
		return is_swiotlb_force_bounce(dev);
	for_each_sgtable_dma_sg(sgt, sg, i) {
		if (sg_dma_address(sg) != phys_to_dma(dev, sg_phys(sg)))
			return true;
	}
	return false;
}

/*
 * Count the DMA ranges of @imp, merging segments that follow each other;
 * write the first @max of them to @segs.
 */
unsigned int dmaapi_import_walk(struct dmaapi_import *imp,
				struct dmaapi_segment *segs, unsigned int max)
{
	struct scatterlist *sg;
	dma_addr_t start = 0;
	u64 len = 0;
	unsigned int i, n = 0;

	for_each_sgtable_dma_sg(imp->sgt, sg, i) {
		if (len && sg_dma_address(sg) == start + len) {
			len += sg_dma_len(sg);
			continue;
		}
		if (len) {
			if (n < max)
				segs[n] = (struct dmaapi_segment){ start, len };
			n++;
		}
		start = sg_dma_address(sg);
		len = sg_dma_len(sg);
	}
	if (len) {
		if (n < max)
			segs[n] = (struct dmaapi_segment){ start, len };
		n++;
	}
	return n;
}

/* The first DMA range of @imp outside @mask, or NULL. */
static struct scatterlist *dmaapi_import_misfit(struct dmaapi_import *imp,
						u64 mask)
{
	struct scatterlist *sg;
	unsigned int i;

	for_each_sgtable_dma_sg(imp->sgt, sg, i) {
		if (!dmaapi_fits(sg_dma_address(sg), sg_dma_len(sg), mask))
			return sg;
	}
	return NULL;
}

/* Detach from the device: on FREE, close() and the device's removal. */
void dmaapi_import_release(struct dmaapi_ctx *ctx, struct dmaapi_import *imp)
{
	if (!imp->live)
		return;
	dma_buf_unmap_attachment_unlocked(imp->attach, imp->sgt, imp->obj.dir);
	dma_buf_detach(imp->dmabuf, imp->attach);
	imp->live = false;
	atomic_dec(&ctx->ddev->live_maps);
}

void dmaapi_import_destroy(struct dmaapi_ctx *ctx, struct dmaapi_import *imp)
{
	dmaapi_import_release(ctx, imp);
	dma_buf_put(imp->dmabuf);
	/* a lock-free sync may still read it (dmaapi_sync.c) */
	kfree_rcu(imp, obj.rcu);
}

/*
 * Called with a sync reference (dmaapi_sync.c), no lock.  The exporter
 * syncs its side; the device's own mapping is synced here too, as not
 * every exporter syncs its attachments (udmabuf syncs only its own
 * device): without it the data of a mapping swiotlb bounces would never
 * move.
 */
int dmaapi_import_sync(struct dmaapi_ctx *ctx, struct dmaapi_import *imp,
		       bool for_cpu)
{
	struct device *dev = ctx->ddev->dev;
	int ret;

	/*
	 * Ours last for the CPU: an exporter that bounces its own device's
	 * mapping (udmabuf under swiotlb=force) copies that stale bounce back
	 * over the pages in begin_cpu_access.
	 */
	if (for_cpu) {
		ret = dma_buf_begin_cpu_access(imp->dmabuf, imp->obj.dir);
		dmaapi_sync_mapping(dev, imp->sgt, imp->obj.dir, true);
		return ret;
	}
	ret = dma_buf_end_cpu_access(imp->dmabuf, imp->obj.dir);
	dmaapi_sync_mapping(dev, imp->sgt, imp->obj.dir, false);
	return ret;
}

static int dmaapi_import_map(struct dmaapi_ctx *ctx, struct dmaapi_import *imp)
{
	struct dmaapi_dev *ddev = ctx->ddev;
	struct device *dev = ddev->dev;
	int ret;

	/* the device's mask cannot change under a live mapping */
	mutex_lock(&ddev->dma_lock);
	imp->attach = dma_buf_attach(imp->dmabuf, dev);
	if (IS_ERR(imp->attach)) {
		ret = PTR_ERR(imp->attach);
		goto err_unlock;
	}
	imp->sgt = dma_buf_map_attachment_unlocked(imp->attach, imp->obj.dir);
	if (IS_ERR(imp->sgt)) {
		ret = PTR_ERR(imp->sgt);
		dma_buf_detach(imp->dmabuf, imp->attach);
		goto err_unlock;
	}
	imp->live = true;
	atomic_inc(&ddev->live_maps);
	mutex_unlock(&ddev->dma_lock);
	return 0;

err_unlock:
	mutex_unlock(&ddev->dma_lock);
	dev_dbg(dev, "cannot attach dma-buf: %d\n", ret);
	return ret;
}

int dmaapi_ioctl_import_dmabuf(struct dmaapi_ctx *ctx, void *arg)
{
	struct dmaapi_import_dmabuf *cmd = arg;
	struct device *dev = ctx->ddev->dev;
	struct dmaapi_import *imp;
	struct scatterlist *sg;
	int ret;

	if (cmd->flags)
		return -EOPNOTSUPP;
	if (cmd->__reserved || cmd->direction > DMA_FROM_DEVICE)
		return -EINVAL;
	if (ctx->handles >= dmaapi_max_handles)
		return -ENOMEM;

	imp = kzalloc(sizeof(*imp), GFP_KERNEL_ACCOUNT);
	if (!imp)
		return -ENOMEM;
	imp->obj.type = DMAAPI_OBJ_IMPORT;
	imp->obj.dir = cmd->direction;
	imp->dmabuf = dma_buf_get(cmd->fd);
	if (IS_ERR(imp->dmabuf)) {
		ret = PTR_ERR(imp->dmabuf);
		kfree(imp);
		return ret;
	}
	imp->obj.length = imp->dmabuf->size;

	ret = dmaapi_import_map(ctx, imp);
	if (ret) {
		dma_buf_put(imp->dmabuf);
		kfree(imp);
		return ret;
	}
	imp->nsegs = dmaapi_import_walk(imp, NULL, 0);
	imp->bounced = dmaapi_sgt_bounced(dev, imp->sgt);
	if (imp->nsegs == 1)
		imp->dma = sg_dma_address(imp->sgt->sgl);

	sg = dmaapi_import_misfit(imp, ctx->mask);
	if (sg) {
		dev_dbg(dev, "dma-buf mapped at %pad misses mask %#llx\n",
			&sg_dma_address(sg), ctx->mask);
		cmd->dma_addr = sg_dma_address(sg);
		dmaapi_import_destroy(ctx, imp);
		return -ERANGE;
	}

	ret = dmaapi_ctx_install(ctx, &imp->obj);
	if (ret)
		return ret;
	cmd->handle = imp->obj.handle;
	cmd->nsegs = imp->nsegs;
	cmd->length = imp->obj.length;
	cmd->dma_addr = imp->nsegs == 1 ? imp->dma : 0;
	cmd->out_flags = (imp->nsegs != 1 ? DMAAPI_OUT_SEGMENTED : 0) |
			 (imp->bounced ? DMAAPI_OUT_BOUNCED : 0);
	return 0;
}

/* The "dmabufs" attribute */

static unsigned long dmaapi_dmabuf_ino(struct dma_buf *dmabuf)
{
	return file_inode(dmabuf->file)->i_ino;
}

/* Room for one more whole line (they are shorter) in the page. */
#define DMAAPI_DMABUFS_LINE 160

/*
 * One line per dma-buf of @ddev, for /sys/class/misc/<node>/dmabufs
 * (documented in include/uapi/linux/dmaapi.h), up to a page: "export"
 * lines for what its allocations exported, live whether or not the file
 * that exported them is still open, then "import" lines for what its open
 * files imported.  Called by sysfs while the node exists, so @ddev is live.
 * Only whole lines: what does not fit the page is left out.
 */
ssize_t dmaapi_dmabufs_show(struct dmaapi_dev *ddev, char *buf)
{
	struct dmaapi_export *exp;
	struct dmaapi_export_att *att;
	struct dmaapi_ctx *ctx;
	struct dmaapi_obj *obj;
	unsigned long id;
	unsigned int n;
	int len = 0;

	mutex_lock(&dmaapi_exports_lock);
	list_for_each_entry(exp, &dmaapi_exports, node) {
		if (exp->buf->ddev != ddev)
			continue;
		if (len > PAGE_SIZE - DMAAPI_DMABUFS_LINE)
			break;
		n = 0;
		mutex_lock(&exp->lock);
		list_for_each_entry(att, &exp->attachments, node)
			n++;
		mutex_unlock(&exp->lock);
		len += sysfs_emit_at(buf, len,
				     "export ino=%lu size=%zu offset=%llu memory=%s attachments=%u\n",
				     dmaapi_dmabuf_ino(exp->dmabuf), exp->dmabuf->size,
				     (unsigned long long)exp->pgoff << PAGE_SHIFT,
				     exp->buf->cached ? "cached" : "coherent", n);
	}
	mutex_unlock(&dmaapi_exports_lock);

	mutex_lock(&ddev->lock);
	list_for_each_entry(ctx, &ddev->ctxs, node) {
		mutex_lock(&ctx->lock);
		xa_for_each(&ctx->objs, id, obj) {
			struct dmaapi_import *imp;

			if (obj->type != DMAAPI_OBJ_IMPORT ||
			    len > PAGE_SIZE - DMAAPI_DMABUFS_LINE)
				continue;
			imp = to_dmaapi_import(obj);
			len += sysfs_emit_at(buf, len,
					     "import ino=%lu size=%zu exporter=%s segments=%u bounced=%d\n",
					     dmaapi_dmabuf_ino(imp->dmabuf), imp->dmabuf->size,
					     imp->dmabuf->exp_name ?: "?", imp->nsegs,
					     imp->bounced);
		}
		mutex_unlock(&ctx->lock);
	}
	mutex_unlock(&ddev->lock);
	return len;
}

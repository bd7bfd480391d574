// SPDX-License-Identifier: GPL-2.0
/*
 * dmaapi: the kernel's DMA API for userspace drivers.
 *
 * The module registers a platform device of its own ("dmaapi", node
 * /dev/dmaapi) and drives any PCI or platform device bound to it through
 * driver_override or a "dmaapi,dma-device" compatible (node
 * /dev/dmaapi-<dev_name>).  Each open file holds handles to coherent or cached
 * allocations and to pinned, DMA-mapped user buffers; see
 * include/uapi/linux/dmaapi.h for the ABI.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/compat.h>
#include <linux/dma-map-ops.h>
#include <linux/fs.h>
#include <linux/iommu.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/of.h>
#include <linux/of_device.h>
#include <linux/of_reserved_mem.h>
#include <linux/pci.h>
#include <linux/platform_device.h>
#include <linux/sched/mm.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/stddef.h>
#include <linux/uaccess.h>
#include <linux/version.h>

#include "dmaapi.h"

static unsigned int default_mask_bits = 32;
module_param(default_mask_bits, uint, 0444);
MODULE_PARM_DESC(default_mask_bits,
		 "DMA mask width in bits of the default device /dev/dmaapi (12..64, default 32)");

unsigned long dmaapi_max_alloc_size = SZ_64M;
module_param_named(max_alloc_size, dmaapi_max_alloc_size, ulong, 0444);
MODULE_PARM_DESC(max_alloc_size,
		 "Largest allocation or user mapping in bytes (below 4 GiB, default 64 MiB)");

unsigned int dmaapi_max_handles = 1024;
module_param_named(max_handles, dmaapi_max_handles, uint, 0444);
MODULE_PARM_DESC(max_handles,
		 "Most live handles one open file may hold (1..1048576, default 1024)");

#define DMAAPI_MAX_HANDLES_LIMIT (1U << 20)

static struct platform_device *dmaapi_default_pdev;

bool dmaapi_fits(dma_addr_t addr, u64 len, u64 mask)
{
	u64 last;

	if (!len || check_add_overflow((u64)addr, len - 1, &last))
		return false;
	return last <= mask;
}

/* Does the DMA API translate this device's DMA through an IOMMU? */
bool dmaapi_dev_translated(struct device *dev)
{
	struct iommu_domain *domain = iommu_get_domain_for_dev(dev);

	return domain && iommu_is_dma_domain(domain);
}

static void dmaapi_dev_release(struct kref *ref)
{
	struct dmaapi_dev *ddev = container_of(ref, struct dmaapi_dev, ref);

	put_device(ddev->dev);
	WARN_ON_ONCE(!RB_EMPTY_ROOT(&ddev->busy.rb_root));
	kfree(ddev->name);
	kfree(ddev);
}

void dmaapi_dev_put(struct dmaapi_dev *ddev)
{
	kref_put(&ddev->ref, dmaapi_dev_release);
}

/* File operations */

/*
 * A PCI device masters the bus only while a file of it is open: userspace
 * programs its DMA through those files' allocations and mappings, which are
 * freed at close.  Called with ddev->lock.
 */
static void dmaapi_dev_set_master(struct dmaapi_dev *ddev, bool on)
{
	struct pci_dev *pdev;

	lockdep_assert_held(&ddev->lock);
	if (!ddev->is_pci)
		return;
	pdev = to_pci_dev(ddev->dev);
	if (on)
		pci_set_master(pdev);
	else
		pci_clear_master(pdev);
}

/*
 * Stop the device before the memory it may still write goes back: bus
 * mastering off, then, where the bus can (FLR, PM, a bus or a device-specific
 * reset: the device's reset_method in sysfs), a function reset, as vfio-pci
 * does when its device is closed, so that the next user finds no engine
 * still programmed and no interrupt pending.  Clearing bus mastering alone is
 * what stops the DMA; a device without a reset method (QEMU's edu) keeps its
 * registers.  Called with ddev->lock; @dev_locked says whether the driver
 * core holds the device's lock (remove), else it is only tried: a
 * concurrent remove holds it and waits for ddev->lock, and resets itself.
 * Platform devices have neither: their DMA stops with their driver, the
 * userspace one.
 */
static void dmaapi_dev_quiesce(struct dmaapi_dev *ddev, bool dev_locked)
{
	struct pci_dev *pdev;
	int ret;

	dmaapi_dev_set_master(ddev, false);
	if (!ddev->is_pci)
		return;
	pdev = to_pci_dev(ddev->dev);
	ret = dev_locked ? pci_reset_function_locked(pdev) :
			   pci_try_reset_function(pdev);
	if (ret && ret != -ENOTTY)
		dev_dbg(ddev->dev, "no reset after the last close: %d\n", ret);
}

static int dmaapi_fops_open(struct inode *inode, struct file *filp)
{
	struct miscdevice *misc = filp->private_data;
	struct dmaapi_dev *ddev = container_of(misc, struct dmaapi_dev, misc);
	struct dmaapi_ctx *ctx;

	ctx = kzalloc(sizeof(*ctx), GFP_KERNEL_ACCOUNT);
	if (!ctx)
		return -ENOMEM;
	ctx->ddev = ddev;
	ctx->filp = filp;
	mutex_init(&ctx->lock);
	xa_init_flags(&ctx->objs, XA_FLAGS_ALLOC1);
	spin_lock_init(&ctx->mms_lock);
	INIT_LIST_HEAD(&ctx->mms);
	INIT_LIST_HEAD(&ctx->chan_maps);
	if (dmaapi_regcache_init(ctx)) {
		kfree(ctx);
		return -ENOMEM;
	}

	/* misc_open() holds misc_mtx: remove has not deregistered us yet */
	kref_get(&ddev->ref);
	mutex_lock(&ddev->lock);
	if (ddev->dead) {
		mutex_unlock(&ddev->lock);
		dmaapi_dev_put(ddev);
		dmaapi_regcache_destroy(ctx);
		kfree(ctx);
		return -ENODEV;
	}
	/* the first file lets the device master the bus again */
	if (list_empty(&ddev->ctxs))
		dmaapi_dev_set_master(ddev, true);
	/* a new file takes the device's mask: opening changes nothing */
	mutex_lock(&ddev->dma_lock);
	ctx->mask = ddev->mask;
	list_add_tail(&ctx->node, &ddev->ctxs);
	mutex_unlock(&ddev->dma_lock);
	mutex_unlock(&ddev->lock);

	filp->private_data = ctx;
#ifdef FMODE_UNSIGNED_OFFSET
	/* before 6.12: see dmaapi_fops.fop_flags */
	filp->f_mode |= FMODE_UNSIGNED_OFFSET;
#endif
	return nonseekable_open(inode, filp);
}

static int dmaapi_fops_release(struct inode *inode, struct file *filp)
{
	struct dmaapi_ctx *ctx = filp->private_data;
	struct dmaapi_dev *ddev = ctx->ddev;
	struct dmaapi_mm_ref *mref, *tmp;
	struct dmaapi_obj *obj;
	unsigned long id;

	/*
	 * The last file of a live device stops (and resets) it before the
	 * memory the device may still write goes back to the allocator;
	 * ddev->lock keeps a new open from turning it on again meanwhile, and
	 * a concurrent remove out.
	 */
	mutex_lock(&ddev->lock);
	/* its interrupts first: no handler may run once DMA stops */
	dmaapi_irq_release_ctx(ctx);
	if (list_is_singular(&ddev->ctxs) && !ddev->dead)
		dmaapi_dev_quiesce(ddev, false);
	mutex_lock(&ctx->lock);
	/* channel jobs stop before any memory they touch is released */
	dmaapi_chan_stop_all(ctx);
	xa_for_each(&ctx->objs, id, obj) {
		xa_erase(&ctx->objs, id);
		dmaapi_obj_destroy(ctx, obj);
	}
	dmaapi_regcache_destroy(ctx);
	mutex_unlock(&ctx->lock);
	mutex_lock(&ddev->dma_lock);
	list_del(&ctx->node);
	mutex_unlock(&ddev->dma_lock);
	mutex_unlock(&ddev->lock);

	list_for_each_entry_safe(mref, tmp, &ctx->mms, node) {
		mmdrop(mref->mm);
		kfree(mref);
	}
	xa_destroy(&ctx->objs);
	mutex_destroy(&ctx->lock);
	kfree(ctx);
	dmaapi_dev_put(ddev);
	return 0;
}

static const struct file_operations dmaapi_fops = {
	.owner = THIS_MODULE,
	.open = dmaapi_fops_open,
#ifdef FOP_UNSIGNED_OFFSET
	/*
	 * mmap offsets are handle << DMAAPI_MMAP_SHIFT (32), past 4 GiB, which
	 * a 32-bit kernel refuses for a character device unless it says its
	 * offsets are unsigned (as DRM does).
	 */
	.fop_flags = FOP_UNSIGNED_OFFSET,
#endif
	.release = dmaapi_fops_release,
	.unlocked_ioctl = dmaapi_fops_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.mmap = dmaapi_mmap,
	.poll = dmaapi_fops_poll,
};

/* sysfs attributes of the misc device */

static struct dmaapi_dev *misc_to_ddev(struct device *dev)
{
	struct miscdevice *misc = dev_get_drvdata(dev);

	return container_of(misc, struct dmaapi_dev, misc);
}

static ssize_t dma_mask_show(struct device *dev, struct device_attribute *attr,
			     char *buf)
{
	return sysfs_emit(buf, "0x%llx\n", dma_get_mask(misc_to_ddev(dev)->dev));
}
static DEVICE_ATTR_RO(dma_mask);

static ssize_t coherent_show(struct device *dev, struct device_attribute *attr,
			     char *buf)
{
	return sysfs_emit(buf, "%d\n",
			  dev_is_dma_coherent(misc_to_ddev(dev)->dev));
}
static DEVICE_ATTR_RO(coherent);

static ssize_t iommu_show(struct device *dev, struct device_attribute *attr,
			  char *buf)
{
	return sysfs_emit(buf, "%d\n",
			  dmaapi_dev_translated(misc_to_ddev(dev)->dev));
}
static DEVICE_ATTR_RO(iommu);

static void dmaapi_dev_usage(struct dmaapi_dev *ddev, u64 *handles, u64 *bytes)
{
	struct dmaapi_ctx *ctx;

	*handles = 0;
	*bytes = 0;
	mutex_lock(&ddev->lock);
	list_for_each_entry(ctx, &ddev->ctxs, node) {
		*handles += READ_ONCE(ctx->handles);
		*bytes += READ_ONCE(ctx->bytes);
	}
	mutex_unlock(&ddev->lock);
}

static ssize_t handles_show(struct device *dev, struct device_attribute *attr,
			    char *buf)
{
	u64 handles, bytes;

	dmaapi_dev_usage(misc_to_ddev(dev), &handles, &bytes);
	return sysfs_emit(buf, "%llu\n", handles);
}
static DEVICE_ATTR_RO(handles);

static ssize_t bytes_show(struct device *dev, struct device_attribute *attr,
			  char *buf)
{
	u64 handles, bytes;

	dmaapi_dev_usage(misc_to_ddev(dev), &handles, &bytes);
	return sysfs_emit(buf, "%llu\n", bytes);
}
static DEVICE_ATTR_RO(bytes);

/* Allocations whose DMA memory is not freed yet, whatever holds them. */
static ssize_t live_bufs_show(struct device *dev, struct device_attribute *attr,
			      char *buf)
{
	return sysfs_emit(buf, "%d\n", atomic_read(&misc_to_ddev(dev)->live_bufs));
}
static DEVICE_ATTR_RO(live_bufs);

/* What the node exported and imported (dmaapi_dmabuf.c). */
static ssize_t dmabufs_show(struct device *dev, struct device_attribute *attr,
			    char *buf)
{
	return dmaapi_dmabufs_show(misc_to_ddev(dev), buf);
}
static DEVICE_ATTR_RO(dmabufs);

/* The channels the node's files hold (dmaapi_chan.c). */
static ssize_t channels_show(struct device *dev, struct device_attribute *attr,
			     char *buf)
{
	return dmaapi_channels_show(misc_to_ddev(dev), buf);
}
static DEVICE_ATTR_RO(channels);

static struct attribute *dmaapi_attrs[] = {
	&dev_attr_dma_mask.attr,
	&dev_attr_coherent.attr,
	&dev_attr_iommu.attr,
	&dev_attr_handles.attr,
	&dev_attr_bytes.attr,
	&dev_attr_live_bufs.attr,
	&dev_attr_irq_counts.attr,
	&dev_attr_dmabufs.attr,
	&dev_attr_channels.attr,
	&dev_attr_regcache.attr,
	NULL
};
ATTRIBUTE_GROUPS(dmaapi);

/* Binding and removal */

static int dmaapi_dev_create(struct device *dev, bool is_default, bool is_pci,
			     const struct dmaapi_saved_dma *saved,
			     struct dmaapi_dev **out)
{
	struct dmaapi_dev *ddev;
	int ret;

	ddev = kzalloc(sizeof(*ddev), GFP_KERNEL);
	if (!ddev)
		return -ENOMEM;
	if (is_default)
		ddev->name = kstrdup(KBUILD_MODNAME, GFP_KERNEL);
	else
		ddev->name = kasprintf(GFP_KERNEL, KBUILD_MODNAME "-%s",
				       dev_name(dev));
	if (!ddev->name) {
		kfree(ddev);
		return -ENOMEM;
	}
	kref_init(&ddev->ref);
	spin_lock_init(&ddev->busy_lock);
	ddev->busy = RB_ROOT_CACHED;
	ddev->dev = get_device(dev);
	ddev->is_default = is_default;
	ddev->is_pci = is_pci;
	/* what the device was bound with, streaming and coherent alike */
	ddev->mask = dma_get_mask(dev);
	if (dev->coherent_dma_mask && dev->coherent_dma_mask < ddev->mask)
		ddev->mask = dev->coherent_dma_mask;
	ret = dma_set_mask_and_coherent(dev, ddev->mask);
	if (ret) {
		dmaapi_dev_put(ddev);
		return ret;
	}
	if (saved)
		ddev->saved = *saved;
	mutex_init(&ddev->lock);
	INIT_LIST_HEAD(&ddev->ctxs);
	init_rwsem(&ddev->mmap_sem);
	mutex_init(&ddev->dma_lock);
	atomic_set(&ddev->live_maps, 0);
	spin_lock_init(&ddev->bufs_lock);
	INIT_LIST_HEAD(&ddev->bufs);
	atomic_set(&ddev->live_bufs, 0);
	init_waitqueue_head(&ddev->bufs_wq);
	dmaapi_irq_init(ddev);

	ddev->misc.minor = MISC_DYNAMIC_MINOR;
	ddev->misc.name = ddev->name;
	ddev->misc.fops = &dmaapi_fops;
	ddev->misc.parent = dev;
	ddev->misc.mode = 0600;
	ddev->misc.groups = dmaapi_groups;
	ret = misc_register(&ddev->misc);
	if (ret) {
		dmaapi_dev_put(ddev);
		return ret;
	}
	*out = ddev;
	return 0;
}

/* Save what probe changes on a device, as dma_map_benchmark does. */
static void dmaapi_save_dma(struct device *dev, struct dmaapi_saved_dma *saved)
{
	saved->dma_mask_ptr = dev->dma_mask;
	saved->dma_mask = dev->dma_mask ? *dev->dma_mask : 0;
	saved->coherent_mask = dev->coherent_dma_mask;
	saved->max_seg = dma_get_max_seg_size(dev);
	saved->min_align_mask = dma_get_min_align_mask(dev);
	saved->valid = true;
}

static void dmaapi_restore_dma(struct device *dev,
			       const struct dmaapi_saved_dma *saved)
{
	if (!saved->valid)
		return;
	dev->dma_mask = saved->dma_mask_ptr;
	if (dev->dma_mask)
		*dev->dma_mask = saved->dma_mask;
	dev->coherent_dma_mask = saved->coherent_mask;
	if (dev->dma_parms) {
		dma_set_max_seg_size(dev, saved->max_seg);
		dma_set_min_align_mask(dev, saved->min_align_mask);
	}
}

/*
 * Let one IOMMU mapping cover a whole user buffer: dma_map_sg() merges the
 * segments into one IOVA range only up to the maximum segment size.  And keep
 * the offset in the page of every address a mapping gets, as nvme does for
 * its PRPs: swiotlb keeps only the bits of the min_align_mask.
 */
static void dmaapi_setup_dma_parms(struct device *dev)
{
	if (!dev->dma_parms)
		return;
	dma_set_max_seg_size(dev, UINT_MAX);
	dma_set_min_align_mask(dev, PAGE_SIZE - 1);
}

/*
 * The default device has no firmware node, so no bus code configured its
 * DMA.  On a device-tree system it is configured as of_dma_configure() does
 * a node that says nothing of its own: the root's dma-ranges and coherency
 * apply, else the platform's default (non-coherent on arm64: every cached
 * access is synced), and no IOMMU.  Elsewhere (x86, ACPI) the architecture's
 * defaults stand: dma-direct, or swiotlb when forced.  Then it gets the
 * module's mask.
 */
static int dmaapi_setup_default_dma(struct device *dev)
{
	struct device_node *root;
	int ret;

	if (of_have_populated_dt()) {
		root = of_find_node_by_path("/");
		ret = of_dma_configure(dev, root, true);
		of_node_put(root);
		if (ret)
			return ret;
	}
	ret = dma_coerce_mask_and_coherent(dev, DMA_BIT_MASK(default_mask_bits));
	if (ret)
		return ret;
	dmaapi_setup_dma_parms(dev);
	return 0;
}

/* Tear down every DMA resource of @ddev; files stay open and get -ENODEV. */
static void dmaapi_dev_remove(struct dmaapi_dev *ddev)
{
	struct dmaapi_mm_ref *mref;
	struct dmaapi_ctx *ctx;
	struct dmaapi_obj *obj;
	unsigned long id;

	/* No new opens: misc_open() and misc_deregister() share misc_mtx. */
	misc_deregister(&ddev->misc);

	mutex_lock(&ddev->lock);
	/* No new mmaps once this is visible under mmap_sem. */
	down_write(&ddev->mmap_sem);
	ddev->dead = true;
	up_write(&ddev->mmap_sem);
	/* Free its interrupts; their waiters and the node's wake up. */
	dmaapi_irq_remove(ddev);
	/*
	 * Stop the device's DMA before its memory is unmapped and freed; the
	 * driver core holds the device's lock around remove.
	 */
	dmaapi_dev_quiesce(ddev, true);

	list_for_each_entry(ctx, &ddev->ctxs, node) {
		/*
		 * An mmap() that passed the dead check links its VMA before it
		 * drops the mmap_lock: wait for that, then zap every mapping of
		 * the file so the memory can be freed under it.
		 */
		list_for_each_entry(mref, &ctx->mms, node) {
			mmap_read_lock(mref->mm);
			mmap_read_unlock(mref->mm);
		}
		unmap_mapping_range(ctx->filp->f_mapping, 0, 0, 1);
	}

	/*
	 * Wait for in-flight ioctls and syncs (which take no lock, but see
	 * dead once their reference is taken: dmaapi_sync.c); unmap and unpin
	 * every user mapping.
	 */
	smp_mb();
	list_for_each_entry(ctx, &ddev->ctxs, node) {
		mutex_lock(&ctx->lock);
		dmaapi_chan_stop_all(ctx);
		xa_for_each(&ctx->objs, id, obj) {
			dmaapi_obj_wait_syncs(obj);
			if (obj->type == DMAAPI_OBJ_UMAP)
				dmaapi_umap_release(ctx, to_dmaapi_umap(obj));
			else if (obj->type == DMAAPI_OBJ_IMPORT)
				dmaapi_import_release(ctx,
						      to_dmaapi_import(obj));
		}
		dmaapi_regcache_drop(ctx);
		mutex_unlock(&ctx->lock);
	}
	mutex_unlock(&ddev->lock);

	/* No ALLOC can run any more: free every allocation's memory. */
	dmaapi_dev_free_bufs(ddev);
}

/* Platform driver */

static int dmaapi_platform_probe(struct platform_device *pdev)
{
	struct device *dev = &pdev->dev;
	struct dmaapi_saved_dma saved = {};
	struct dmaapi_power power;
	struct dmaapi_dev *ddev;
	bool has_rmem;
	int ret;

	if (pdev == dmaapi_default_pdev) {
		ret = dmaapi_setup_default_dma(dev);
		if (ret)
			return ret;
		ret = dmaapi_dev_create(dev, true, false, NULL, &ddev);
		if (ret)
			return ret;
		platform_set_drvdata(pdev, ddev);
		return 0;
	}

	/*
	 * Firmware (of_dma_configure) has set the device's DMA up; a
	 * memory-region (a shared-dma-pool: CMA or a no-map carve-out) is the
	 * driver's to attach.  Then every allocation comes from it: coherent
	 * ones and cached ones from a CMA pool (on a 32-bit HIGHMEM kernel
	 * only from the pool's lowmem: dma_alloc_pages() needs a kernel
	 * address); a carve-out has no cached memory to give, and ALLOC
	 * refuses DMAAPI_ALLOC_CACHED there.
	 */
	has_rmem = false;
	if (IS_ENABLED(CONFIG_OF_RESERVED_MEM) && dev_of_node(dev)) {
		ret = of_reserved_mem_device_init(dev);
		if (ret && ret != -ENODEV)
			return dev_err_probe(dev, ret, "cannot use its memory-region\n");
		has_rmem = !ret;
	}
	ret = dmaapi_power_on(dev, &power);
	if (ret)
		goto err_rmem;
	dmaapi_save_dma(dev, &saved);
	if (!dev->dma_mask || !*dev->dma_mask) {
		ret = dma_coerce_mask_and_coherent(dev,
						   DMA_BIT_MASK(default_mask_bits));
		if (ret)
			goto err_restore;
	}
	dmaapi_setup_dma_parms(dev);
	ret = dmaapi_dev_create(dev, false, false, &saved, &ddev);
	if (ret)
		goto err_restore;
	ddev->has_rmem = has_rmem;
#ifdef CONFIG_DMA_DECLARE_COHERENT
	/*
	 * A no-map shared-dma-pool is a per-device coherent pool: only
	 * dma_alloc_coherent() allocates from it, never dma_alloc_pages().
	 */
	ddev->coherent_pool = has_rmem && dev->dma_mem;
#endif
	ddev->power = power;
	platform_set_drvdata(pdev, ddev);
	return 0;

err_restore:
	dmaapi_restore_dma(dev, &saved);
	dmaapi_power_off(dev, &power);
err_rmem:
	if (has_rmem)
		of_reserved_mem_device_release(dev);
	return ret;
}

static void dmaapi_platform_remove_dev(struct platform_device *pdev)
{
	struct dmaapi_dev *ddev = platform_get_drvdata(pdev);

	dmaapi_dev_remove(ddev);	/* every allocation is freed */
	dmaapi_power_off(ddev->dev, &ddev->power);
	dmaapi_restore_dma(ddev->dev, &ddev->saved);
	if (ddev->has_rmem)
		of_reserved_mem_device_release(ddev->dev);
	dmaapi_dev_put(ddev);
}

/* .remove returns void since 6.11 */
#if KERNEL_VERSION(6, 11, 0) <= LINUX_VERSION_CODE
static void dmaapi_platform_remove(struct platform_device *pdev)
{
	dmaapi_platform_remove_dev(pdev);
}
#else
static int dmaapi_platform_remove(struct platform_device *pdev)
{
	dmaapi_platform_remove_dev(pdev);
	return 0;
}
#endif

static const struct of_device_id dmaapi_of_match[] = {
	{ .compatible = "dmaapi,dma-device" },
	{ }
};
MODULE_DEVICE_TABLE(of, dmaapi_of_match);

static struct platform_driver dmaapi_platform_driver = {
	.driver = {
		.name = KBUILD_MODNAME,
		.of_match_table = dmaapi_of_match,
	},
	.probe = dmaapi_platform_probe,
	.remove = dmaapi_platform_remove,
};

/* PCI driver: binds only through driver_override. */

static int dmaapi_pci_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct device *dev = &pdev->dev;
	struct dmaapi_saved_dma saved = {};
	struct dmaapi_dev *ddev;
	int ret;

	ret = pci_enable_device(pdev);
	if (ret)
		return ret;
	/*
	 * The BARs stay unclaimed: userspace mmaps them through the node
	 * (dmaapi_regions.c) or sysfs resourceN.  Bus mastering is on while a
	 * file is open; INTx stays disabled until a file attaches it
	 * (dmaapi_irq.c).
	 */
	pci_intx(pdev, 0);

	dmaapi_save_dma(dev, &saved);
	dmaapi_setup_dma_parms(dev);
	ret = dmaapi_dev_create(dev, false, true, &saved, &ddev);
	if (ret) {
		dmaapi_restore_dma(dev, &saved);
		pci_intx(pdev, 1);
		pci_disable_device(pdev);
		return ret;
	}
	pci_set_drvdata(pdev, ddev);
	return 0;
}

static void dmaapi_pci_remove(struct pci_dev *pdev)
{
	struct dmaapi_dev *ddev = pci_get_drvdata(pdev);

	dmaapi_dev_remove(ddev);	/* bus mastering is off */
	dmaapi_restore_dma(ddev->dev, &ddev->saved);
	pci_intx(pdev, 1);
	pci_disable_device(pdev);
	dmaapi_dev_put(ddev);
}

static const struct pci_device_id dmaapi_pci_ids[] = {
	{ }
};

static struct pci_driver dmaapi_pci_driver = {
	.name = KBUILD_MODNAME,
	.id_table = dmaapi_pci_ids,
	.probe = dmaapi_pci_probe,
	.remove = dmaapi_pci_remove,
};

/* Module */

static int __init dmaapi_init(void)
{
	struct platform_device *pdev;
	int ret;

	if (default_mask_bits < 12 || default_mask_bits > 64) {
		pr_err("default_mask_bits must be 12..64\n");
		return -EINVAL;
	}
	if (!dmaapi_max_alloc_size || dmaapi_max_alloc_size > SZ_4G - PAGE_SIZE) {
		pr_err("max_alloc_size must be 1..4 GiB - PAGE_SIZE\n");
		return -EINVAL;
	}
	if (!dmaapi_max_handles || dmaapi_max_handles > DMAAPI_MAX_HANDLES_LIMIT) {
		pr_err("max_handles must be 1..%u\n", DMAAPI_MAX_HANDLES_LIMIT);
		return -EINVAL;
	}

	ret = platform_driver_register(&dmaapi_platform_driver);
	if (ret)
		return ret;
	ret = pci_register_driver(&dmaapi_pci_driver);
	if (ret)
		goto err_platform;

	pdev = platform_device_alloc(KBUILD_MODNAME, PLATFORM_DEVID_NONE);
	if (!pdev) {
		ret = -ENOMEM;
		goto err_pci;
	}
	dmaapi_default_pdev = pdev;	/* probe, run by the add, tests it */
	ret = platform_device_add(pdev);
	if (ret) {
		dmaapi_default_pdev = NULL;
		platform_device_put(pdev);
		goto err_pci;
	}
	if (!platform_get_drvdata(pdev)) {	/* the probe failed */
		ret = -ENODEV;
		goto err_pdev;
	}
	return 0;

err_pdev:
	platform_device_unregister(pdev);
	dmaapi_default_pdev = NULL;
err_pci:
	pci_unregister_driver(&dmaapi_pci_driver);
err_platform:
	platform_driver_unregister(&dmaapi_platform_driver);
	return ret;
}

static void __exit dmaapi_exit(void)
{
	platform_device_unregister(dmaapi_default_pdev);
	pci_unregister_driver(&dmaapi_pci_driver);
	platform_driver_unregister(&dmaapi_platform_driver);
}

module_init(dmaapi_init);
module_exit(dmaapi_exit);

MODULE_DESCRIPTION("The kernel's DMA API for userspace drivers");
MODULE_LICENSE("GPL");
MODULE_VERSION(DMAAPI_VERSION);

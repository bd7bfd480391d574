// SPDX-License-Identifier: GPL-2.0
/*
 * dmaapi: user mappings (DMAAPI_IOCTL_MAP_USER).
 *
 * The user's pages are pinned long-term and given to the device as ONE
 * contiguous DMA range: through the IOMMU when one translates for the device,
 * directly when the pages are physically contiguous under the mask, and
 * otherwise through a coherent bounce buffer of our own that the map and the
 * syncs copy to and from exactly as swiotlb does.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/dma-direct.h>
#include <linux/dma-map-ops.h>
#include <linux/hashtable.h>
#include <linux/highmem.h>
#include <linux/interval_tree_generic.h>
#include <linux/mm.h>
#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/sched/user.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/swiotlb.h>
#include <linux/version.h>

#include "dmaapi.h"

/*
 * Pinned pages are charged to the user, as io_uring and iommufd do: the pins
 * belong to the file, which outlives the mm that made them (fork, exec, fd
 * passing), so a per-mm charge would vanish with that mm.  The limit is the
 * caller's RLIMIT_MEMLOCK, unless it has CAP_IPC_LOCK.
 */
#if defined(CONFIG_NET) || defined(CONFIG_IO_URING) || \
	defined(CONFIG_VFIO_PCI_ZDEV_KVM) || IS_ENABLED(CONFIG_IOMMUFD) || \
	defined(CONFIG_SECRETMEM)
/* The kernel keeps the count: struct user_struct has locked_vm. */
static int dmaapi_charge_pins(struct user_struct *user, unsigned long npages)
{
	unsigned long limit = rlimit(RLIMIT_MEMLOCK) >> PAGE_SHIFT;
	bool unlimited = capable(CAP_IPC_LOCK);
	unsigned long cur, new;

	cur = atomic_long_read(&user->locked_vm);
	do {
		if (check_add_overflow(cur, npages, &new) ||
		    (!unlimited && new > limit))
			return -EPERM;
	} while (!atomic_long_try_cmpxchg(&user->locked_vm, &cur, new));
	return 0;
}

void dmaapi_uncharge_pins(struct user_struct *user, unsigned long npages)
{
	atomic_long_sub(npages, &user->locked_vm);
}
#else
/*
 * A kernel with none of the users of user_struct.locked_vm (no networking,
 * io_uring, iommufd or secretmem: tinyconfig-sized builds) has no such
 * field: dmaapi counts its own pins per user, with the same limit.  An entry
 * lives while its user has pins charged; the caller holds a reference on the
 * user_struct for as long as its pins are charged.
 */
struct dmaapi_user_pins {
	struct hlist_node node;
	struct user_struct *user;
	unsigned long npages;
};

static DEFINE_HASHTABLE(dmaapi_user_pins, 4);
static DEFINE_SPINLOCK(dmaapi_user_pins_lock);

static struct dmaapi_user_pins *dmaapi_find_user_pins(struct user_struct *user)
{
	struct dmaapi_user_pins *p;

	hash_for_each_possible(dmaapi_user_pins, p, node, (unsigned long)user)
		if (p->user == user)
			return p;
	return NULL;
}

static int dmaapi_charge_pins(struct user_struct *user, unsigned long npages)
{
	unsigned long limit = rlimit(RLIMIT_MEMLOCK) >> PAGE_SHIFT;
	bool unlimited = capable(CAP_IPC_LOCK);
	struct dmaapi_user_pins *p, *spare;
	unsigned long new;
	int ret = 0;

	spare = kzalloc(sizeof(*spare), GFP_KERNEL_ACCOUNT);
	if (!spare)
		return -ENOMEM;
	spin_lock(&dmaapi_user_pins_lock);
	p = dmaapi_find_user_pins(user);
	if (!p) {
		p = spare;
		spare = NULL;
		p->user = user;
		hash_add(dmaapi_user_pins, &p->node, (unsigned long)user);
	}
	if (check_add_overflow(p->npages, npages, &new) ||
	    (!unlimited && new > limit))
		ret = -EPERM;
	else
		p->npages = new;
	if (!p->npages) {
		hash_del(&p->node);
		spare = p;
	}
	spin_unlock(&dmaapi_user_pins_lock);
	kfree(spare);
	return ret;
}

void dmaapi_uncharge_pins(struct user_struct *user, unsigned long npages)
{
	struct dmaapi_user_pins *p, *gone = NULL;

	spin_lock(&dmaapi_user_pins_lock);
	p = dmaapi_find_user_pins(user);
	if (!WARN_ON_ONCE(!p || p->npages < npages)) {
		p->npages -= npages;
		if (!p->npages) {
			hash_del(&p->node);
			gone = p;
		}
	}
	spin_unlock(&dmaapi_user_pins_lock);
	kfree(gone);
}
#endif

/*
 * Copy [off, off + len) of the user buffer between its pinned pages and the
 * bounce buffer, which keeps the sub-page offset of the user address.
 */
static void dmaapi_bounce_copy(struct dmaapi_umap *umap, u64 off, u64 len,
			       bool to_bounce)
{
	size_t pos = umap->offset + off;

	while (len) {
		struct page *page = umap->pages[pos >> PAGE_SHIFT];
		size_t poff = offset_in_page(pos);
		size_t chunk = min_t(u64, len, PAGE_SIZE - poff);
		void *vaddr = kmap_local_page(page);

		if (to_bounce) {
			memcpy(umap->bounce + pos, vaddr + poff, chunk);
			kunmap_local(vaddr);
		} else {
			memcpy(vaddr + poff, umap->bounce + pos, chunk);
			kunmap_local(vaddr);
			flush_dcache_page(page);
		}
		pos += chunk;
		len -= chunk;
		cond_resched();
	}
}

/*
 * Before 6.9, swiotlb computed partial syncs wrongly once min_align_mask
 * keeps a buffer's in-page offset (fixed by "swiotlb: fix swiotlb_bounce()
 * to do partial sync's correctly"): a ranged SYNC of a forced-bounce mapping
 * warned "Buffer overflow detected" and copied the wrong bytes.  There dmaapi
 * bounces such mappings through its own buffer, whose syncs are exact.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 9, 0)
#define DMAAPI_SWIOTLB_RANGED_SYNC	true
#else
#define DMAAPI_SWIOTLB_RANGED_SYNC	false
#endif

/*
 * Without an IOMMU, map directly only ONE physically contiguous range that
 * the mask reaches; never let dma-direct hand a range to swiotlb where its
 * pool may lie above a mask narrower than 32 bits (swiotlb_map() would WARN),
 * nor one larger than swiotlb can bounce, nor one on a kernel whose swiotlb
 * gets ranged syncs wrong.
 */
static bool dmaapi_direct_ok(struct dmaapi_ctx *ctx, struct dmaapi_umap *umap)
{
	struct device *dev = ctx->ddev->dev;
	struct scatterlist *sg = umap->sgt.sgl;
	phys_addr_t phys;
	dma_addr_t first, last;
	u64 limit = min(ctx->mask, ctx->ddev->mask);

	if (umap->sgt.orig_nents != 1)
		return false;
	if (dev->bus_dma_limit)
		limit = min(limit, dev->bus_dma_limit);
	phys = sg_phys(sg);
	first = phys_to_dma(dev, phys);
	last = phys_to_dma(dev, phys + umap->obj.length - 1);
	if (last < first || last - first != umap->obj.length - 1 ||
	    !dmaapi_fits(first, umap->obj.length, limit))
		return false;
	if (is_swiotlb_force_bounce(dev) &&
	    (!DMAAPI_SWIOTLB_RANGED_SYNC || limit < DMA_BIT_MASK(32) ||
	     umap->obj.length > dma_max_mapping_size(dev)))
		return false;
	return true;
}

/*
 * Userspace may map one buffer any number of times, but the DMA API does not
 * support overlapping streaming mappings: the CPU and the device would share
 * the ownership of cache lines (DMA-API debugging reports it as "cacheline
 * tracking EEXIST").  The pages of every direct mapping of a device are
 * recorded, and a mapping that would overlap one (or itself: the same page
 * twice) goes through a bounce buffer instead, on every kernel alike.
 *
 * They are recorded as runs of physically contiguous pages, one per segment
 * of the mapping's scatterlist, in an interval tree: a mapping without an
 * IOMMU is one run, kept in the mapping itself, so that a map allocates
 * nothing for it (a page at a time in an XArray cost a few tree nodes per
 * page, allocated and freed by RCU on every map).
 */
#define DMAAPI_RUN_FIRST(run)	((run)->first)
#define DMAAPI_RUN_LAST(run)	((run)->last)
INTERVAL_TREE_DEFINE(struct dmaapi_busy_run, rb, unsigned long, subtree_last,
		     DMAAPI_RUN_FIRST, DMAAPI_RUN_LAST, static inline, dmaapi_busy)

static void dmaapi_free_runs(struct dmaapi_umap *umap,
			     struct dmaapi_busy_run *runs)
{
	if (runs != &umap->busy_one)
		kvfree(runs);
}

static bool dmaapi_mark_busy(struct dmaapi_dev *ddev, struct dmaapi_umap *umap)
{
	unsigned int i, n = umap->sgt.orig_nents;
	struct dmaapi_busy_run *runs = &umap->busy_one;
	struct scatterlist *sg;

	if (n > 1) {
		runs = kvmalloc_array(n, sizeof(*runs),
				      GFP_KERNEL_ACCOUNT | __GFP_NOWARN);
		if (!runs)
			return false;
	}
	for_each_sgtable_sg(&umap->sgt, sg, i) {
		unsigned long pfn = page_to_pfn(sg_page(sg));

		runs[i].first = pfn + (sg->offset >> PAGE_SHIFT);
		runs[i].last = pfn + ((sg->offset + sg->length - 1) >> PAGE_SHIFT);
	}

	spin_lock(&ddev->busy_lock);
	for (i = 0; i < n; i++) {
		if (dmaapi_busy_iter_first(&ddev->busy, runs[i].first,
					   runs[i].last))
			break;
		dmaapi_busy_insert(&runs[i], &ddev->busy);
	}
	if (i < n) {
		while (i--)
			dmaapi_busy_remove(&runs[i], &ddev->busy);
		spin_unlock(&ddev->busy_lock);
		dmaapi_free_runs(umap, runs);
		return false;
	}
	spin_unlock(&ddev->busy_lock);
	umap->busy = runs;
	umap->nbusy = n;
	return true;
}

static void dmaapi_release_busy(struct dmaapi_dev *ddev,
				struct dmaapi_umap *umap)
{
	unsigned int i;

	if (!umap->busy)
		return;
	spin_lock(&ddev->busy_lock);
	for (i = 0; i < umap->nbusy; i++)
		dmaapi_busy_remove(&umap->busy[i], &ddev->busy);
	spin_unlock(&ddev->busy_lock);
	dmaapi_free_runs(umap, umap->busy);
	umap->busy = NULL;
	umap->nbusy = 0;
}

/*
 * On a non-coherent device, the device must own every cache line it writes:
 * a device-writable buffer that starts or ends inside a line shares it with
 * other CPU data, which the CPU's invalidate or eviction would corrupt.
 */
static bool dmaapi_shares_lines(struct device *dev, struct dmaapi_umap *umap)
{
	unsigned long line = dma_get_cache_alignment();

	if (dev_is_dma_coherent(dev) || umap->obj.dir == DMA_TO_DEVICE)
		return false;
	return (umap->offset | umap->obj.length) & (line - 1);
}

static void dmaapi_umap_unmap(struct device *dev, struct dmaapi_umap *umap)
{
	/* FREE and close do not sync: userspace did not ask for it */
	if (umap->sg_mapped)
		dma_unmap_sgtable(dev, &umap->sgt, umap->obj.dir,
				  DMA_ATTR_SKIP_CPU_SYNC);
	else
		dma_unmap_page_attrs(dev, umap->dma, umap->obj.length,
				     umap->obj.dir, DMA_ATTR_SKIP_CPU_SYNC);
}

/*
 * Try to give the device the pages themselves as one range: through the
 * IOMMU as a scatterlist, or, physically contiguous, as one page range
 * (dma_map_page), which is what lets SYNC sync part of it.
 */
static bool dmaapi_umap_try_direct(struct dmaapi_ctx *ctx,
				   struct dmaapi_umap *umap, u64 align)
{
	struct dmaapi_dev *ddev = ctx->ddev;
	struct device *dev = ddev->dev;
	struct scatterlist *sg = umap->sgt.sgl;
	bool translated = dmaapi_dev_translated(dev);
	dma_addr_t dma;

	if (dmaapi_shares_lines(dev, umap))
		return false;
	if (!translated && !dmaapi_direct_ok(ctx, umap))
		return false;
	if (!dmaapi_mark_busy(ddev, umap))
		return false;

	if (translated) {
		if (dma_map_sgtable(dev, &umap->sgt, umap->obj.dir,
				    DMA_ATTR_NO_WARN))
			goto err_busy;
		umap->sg_mapped = true;
		dma = sg_dma_address(sg);
		umap->dma = dma;
		if (umap->sgt.nents != 1 || sg_dma_len(sg) != umap->obj.length)
			goto err_unmap;
	} else {
		dma = dma_map_page_attrs(dev, sg_page(sg), sg->offset,
					 umap->obj.length, umap->obj.dir,
					 DMA_ATTR_NO_WARN);
		if (dma_mapping_error(dev, dma))
			goto err_busy;
		umap->dma = dma;
	}
	if (!dmaapi_fits(dma, umap->obj.length, ctx->mask) ||
	    (dma & (align - 1)))
		goto err_unmap;
	umap->need_sync = dma_need_sync(dev, dma);
	/* dma-direct bounced it through swiotlb */
	if (!translated && dma != phys_to_dma(dev, sg_phys(sg)))
		umap->bounced = true;
	return true;

err_unmap:
	dmaapi_umap_unmap(dev, umap);
	umap->sg_mapped = false;
err_busy:
	dmaapi_release_busy(ddev, umap);
	return false;
}

/* Bounce through a coherent buffer; ERANGE/EDOM leave dma_addr in @dma. */
static int dmaapi_umap_bounce(struct dmaapi_ctx *ctx, struct dmaapi_umap *umap,
			      u64 align, dma_addr_t *dma)
{
	struct device *dev = ctx->ddev->dev;
	u64 size;

	/*
	 * At least @align bytes: dma_alloc_coherent() aligns to the size order.
	 * MAP_USER bounds the length and @align by max_alloc_size (below
	 * 4 GiB), so the size fits a size_t on every architecture.
	 */
	size = max_t(u64, PAGE_ALIGN(umap->offset + umap->obj.length), align);
	umap->bounce_size = size;
	umap->bounce = dma_alloc_coherent(dev, umap->bounce_size,
					  &umap->bounce_dma,
					  GFP_KERNEL_ACCOUNT | __GFP_NOWARN);
	if (!umap->bounce)
		return -ENOMEM;
	*dma = umap->bounce_dma + umap->offset;
	if (!dmaapi_fits(*dma, umap->obj.length, ctx->mask) ||
	    (*dma & (align - 1))) {
		dma_free_coherent(dev, umap->bounce_size, umap->bounce,
				  umap->bounce_dma);
		umap->bounce = NULL;
		return dmaapi_fits(*dma, umap->obj.length, ctx->mask) ?
			-EDOM : -ERANGE;
	}
	umap->dma = *dma;
	umap->bounced = true;
	umap->need_sync = true;
	/* as swiotlb does at map time, whatever the direction */
	dmaapi_bounce_copy(umap, 0, umap->obj.length, true);
	return 0;
}

/* Unmap, unpin and uncharge; the handle stays until FREE or close. */
void dmaapi_umap_release(struct dmaapi_ctx *ctx, struct dmaapi_umap *umap)
{
	struct device *dev = ctx->ddev->dev;

	if (!umap->live)
		return;
	if (umap->bounce)
		dma_free_coherent(dev, umap->bounce_size, umap->bounce,
				  umap->bounce_dma);
	else
		dmaapi_umap_unmap(dev, umap);
	dmaapi_release_busy(ctx->ddev, umap);
	umap->bounce = NULL;
	if (umap->rce) {
		/* the pins go back to the cache (dmaapi_regcache.c) */
		dmaapi_regcache_put(ctx, umap);
	} else {
		sg_free_table(&umap->sgt);
		unpin_user_pages_dirty_lock(umap->pages, umap->npages,
					    umap->obj.dir != DMA_TO_DEVICE);
		dmaapi_uncharge_pins(umap->user, umap->npages);
	}
	umap->live = false;
	atomic_dec(&ctx->ddev->live_maps);
}

void dmaapi_umap_destroy(struct dmaapi_ctx *ctx, struct dmaapi_umap *umap)
{
	dmaapi_umap_release(ctx, umap);
	kvfree(umap->pages);
	free_uid(umap->user);
	/* a lock-free sync may still read it (dmaapi_sync.c) */
	kfree_rcu(umap, obj.rcu);
}

static long dmaapi_pin(struct dmaapi_umap *umap, u64 uaddr,
		       unsigned int gup_flags)
{
	long pinned;

	pinned = pin_user_pages_fast(uaddr & PAGE_MASK, umap->npages,
				     FOLL_LONGTERM | gup_flags, umap->pages);
	if (pinned == umap->npages)
		return 0;
	if (pinned > 0)
		unpin_user_pages(umap->pages, pinned);
	return pinned == -ENOMEM ? -ENOMEM : -EFAULT;
}

#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 2, 0)
static bool dmaapi_ro_pin_unreliable(u64 uaddr, u64 length)
{
	return false;
}
#else
/*
 * Before 6.2 a read-only long-term pin in a COW mapping may pin a page the
 * process's next write replaces (the shared zero page, a private file page):
 * does [uaddr, uaddr + length) touch such a mapping?  A mapping that changes
 * after the look only misleads the caller about its own buffer.
 */
static bool dmaapi_ro_pin_unreliable(u64 uaddr, u64 length)
{
	struct mm_struct *mm = current->mm;
	unsigned long start = untagged_addr(uaddr), end = start + length;
	struct vm_area_struct *vma;
	bool cow = false;

	mmap_read_lock(mm);
	for (vma = find_vma(mm, start); vma && vma->vm_start < end;
	     vma = find_vma(mm, vma->vm_end)) {
		if (is_cow_mapping(vma->vm_flags)) {
			cow = true;
			break;
		}
	}
	mmap_read_unlock(mm);
	return cow;
}
#endif

/*
 * Pin @umap's pages for itself: charge them, evicting pins the file's
 * registration cache keeps idle while the charge would pass the limit, pin
 * and build the scatterlist.  On failure nothing is held but @umap->pages.
 */
int dmaapi_umap_pin(struct dmaapi_ctx *ctx, struct dmaapi_umap *umap, u64 uaddr)
{
	int ret;

	umap->pages = kvmalloc_array(umap->npages, sizeof(*umap->pages),
				     GFP_KERNEL_ACCOUNT | __GFP_NOWARN);
	if (!umap->pages)
		return -ENOMEM;

	do {
		ret = dmaapi_charge_pins(umap->user, umap->npages);
	} while (ret == -EPERM && dmaapi_regcache_evict_user(ctx, umap->user));
	if (ret)
		return ret;

	/*
	 * The device must see what the process writes to the buffer later, so
	 * the pinned page must be the one the process keeps.  Toward the
	 * device a read-only pin does that where the kernel unshares what it
	 * pins long-term in a COW mapping (anon pages shared with a fork,
	 * private file pages, the shared zero page): 6.2 on ("mm/gup: reliable
	 * R/O long-term pinning in COW mappings").  A writable pin would dirty
	 * memory the device only reads, and is refused for file pages that
	 * need dirty tracking (6.5 on).  Other directions, and on 6.1 a range
	 * in a COW mapping, are pinned writable; read-only memory is pinned
	 * read-only toward the device (the process cannot write it anyway).
	 */
	if (umap->obj.dir == DMA_TO_DEVICE &&
	    !dmaapi_ro_pin_unreliable(uaddr, umap->obj.length)) {
		ret = dmaapi_pin(umap, uaddr, 0);
	} else {
		ret = dmaapi_pin(umap, uaddr, FOLL_WRITE);
		if (ret == -EFAULT && umap->obj.dir == DMA_TO_DEVICE)
			ret = dmaapi_pin(umap, uaddr, 0);
	}
	if (ret)
		goto err_unaccount;

	ret = sg_alloc_table_from_pages(&umap->sgt, umap->pages, umap->npages,
					umap->offset, umap->obj.length,
					GFP_KERNEL_ACCOUNT | __GFP_NOWARN);
	if (ret) {
		unpin_user_pages(umap->pages, umap->npages);
		goto err_unaccount;
	}
	return 0;

err_unaccount:
	dmaapi_uncharge_pins(umap->user, umap->npages);
	return ret;
}

/*
 * Self-locked (see dmaapi_ioctl.c): the pages are pinned without ctx->lock,
 * since a fault on them may block for as long as userspace likes, and only
 * the mapping runs under it, on a device still bound.
 */
int dmaapi_ioctl_map_user(struct dmaapi_ctx *ctx, void *arg)
{
	struct dmaapi_map_user *cmd = arg;
	struct dmaapi_dev *ddev = ctx->ddev;
	struct dmaapi_umap *umap;
	dma_addr_t dma = 0;
	u64 align, end;
	int ret;

	if (READ_ONCE(ddev->dead))
		return -ENODEV;
	if (cmd->flags & ~DMAAPI_MAP_USER_NOCACHE)
		return -EOPNOTSUPP;
	if (cmd->__reserved || cmd->direction > DMA_FROM_DEVICE || !cmd->length)
		return -EINVAL;
	/* on the u64 itself: is_power_of_2() truncates to unsigned long */
	align = cmd->align ? cmd->align : 1;
	if (align & (align - 1))
		return -EINVAL;
	if (cmd->length > dmaapi_max_alloc_size ||
	    align > dmaapi_max_alloc_size)
		return -ENOMEM;
	/* a tagged pointer (arm64 TBI, x86 LAM) is checked without its tag */
	if (check_add_overflow((u64)untagged_addr(cmd->uaddr), cmd->length,
			       &end) ||
	    end > TASK_SIZE)
		return -EFAULT;
	/* an early answer; the handle allocation enforces the limit */
	if (READ_ONCE(ctx->handles) >= dmaapi_max_handles)
		return -ENOMEM;
	if (!current->mm)
		return -EFAULT;

	umap = kzalloc(sizeof(*umap), GFP_KERNEL_ACCOUNT);
	if (!umap)
		return -ENOMEM;
	umap->obj.type = DMAAPI_OBJ_UMAP;
	umap->obj.length = cmd->length;
	umap->obj.dir = cmd->direction;
	umap->offset = offset_in_page(cmd->uaddr);
	umap->npages = (umap->offset + cmd->length + PAGE_SIZE - 1) >> PAGE_SHIFT;
	umap->user = get_uid(current_user());

	ret = dmaapi_regcache_pin(ctx, umap, cmd->uaddr,
				  cmd->flags & DMAAPI_MAP_USER_NOCACHE);
	if (ret)
		goto err_free;

	mutex_lock(&ctx->lock);
	if (READ_ONCE(ddev->dead)) {
		ret = -ENODEV;
		goto err_unpin;
	}
	/* the device's mask cannot change under a live mapping */
	mutex_lock(&ddev->dma_lock);
	if (!dmaapi_umap_try_direct(ctx, umap, align))
		ret = dmaapi_umap_bounce(ctx, umap, align, &dma);
	if (!ret)
		atomic_inc(&ddev->live_maps);
	mutex_unlock(&ddev->dma_lock);
	if (ret) {
		if (ret == -ERANGE || ret == -EDOM) {
			dev_dbg(ddev->dev, "user mapping at %pad misses mask %#llx or align %#llx\n",
				&dma, ctx->mask, align);
			cmd->dma_addr = dma;
		}
		goto err_unpin;
	}
	umap->live = true;

	ret = dmaapi_ctx_install(ctx, &umap->obj);
	if (!ret) {
		cmd->handle = umap->obj.handle;
		cmd->dma_addr = umap->dma;
		cmd->out_flags = 0;
		if (umap->need_sync)
			cmd->out_flags |= DMAAPI_OUT_NEED_SYNC;
		if (umap->bounced)
			cmd->out_flags |= DMAAPI_OUT_BOUNCED |
					  DMAAPI_OUT_NEED_SYNC;
	}
	mutex_unlock(&ctx->lock);
	return ret;

err_unpin:
	mutex_unlock(&ctx->lock);
	if (umap->rce) {
		/* mapped nowhere: the pins stay good for the next map */
		dmaapi_regcache_put(ctx, umap);
	} else {
		sg_free_table(&umap->sgt);
		unpin_user_pages(umap->pages, umap->npages);
		dmaapi_uncharge_pins(umap->user, umap->npages);
	}
err_free:
	kvfree(umap->pages);
	free_uid(umap->user);
	kfree(umap);
	return ret;
}

/*
 * Sync a direct mapping.  A page range may be synced in part; a scatterlist
 * (IOMMU) only whole, with the parameters it was mapped with.
 */
static void dmaapi_umap_sync_direct(struct device *dev,
				    struct dmaapi_umap *umap, u64 offset,
				    u64 length, bool for_cpu)
{
	if (umap->sg_mapped) {
		if (for_cpu)
			dma_sync_sgtable_for_cpu(dev, &umap->sgt, umap->obj.dir);
		else
			dma_sync_sgtable_for_device(dev, &umap->sgt,
						    umap->obj.dir);
	} else if (for_cpu) {
		dma_sync_single_range_for_cpu(dev, umap->dma, offset, length,
					      umap->obj.dir);
	} else {
		dma_sync_single_range_for_device(dev, umap->dma, offset, length,
						 umap->obj.dir);
	}
}

/* Called with a sync reference on the object (dmaapi_sync.c), no lock. */
int dmaapi_umap_sync(struct dmaapi_ctx *ctx, struct dmaapi_umap *umap,
		     u64 offset, u64 length, bool for_cpu)
{
	enum dma_data_direction dir = umap->obj.dir;

	if (!umap->live || !umap->need_sync)
		return 0;
	if (umap->bounce) {
		if (for_cpu && dir != DMA_TO_DEVICE)
			dmaapi_bounce_copy(umap, offset, length, false);
		else if (!for_cpu && dir != DMA_FROM_DEVICE)
			dmaapi_bounce_copy(umap, offset, length, true);
		return 0;
	}
	dmaapi_umap_sync_direct(ctx->ddev->dev, umap, offset, length, for_cpu);
	return 0;
}

/* sysfs: regcache, the counters of the files' registration caches */
static ssize_t regcache_show(struct device *dev, struct device_attribute *attr,
			     char *buf)
{
	struct miscdevice *misc = dev_get_drvdata(dev);

	return dmaapi_regcache_show(container_of(misc, struct dmaapi_dev, misc),
				    buf);
}
DEVICE_ATTR_RO(regcache);

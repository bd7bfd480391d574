// SPDX-License-Identifier: GPL-2.0
/*
 * dmaapi: the registration cache of user mappings (DMAAPI_IOCTL_MAP_USER).
 *
 * Pinning is most of what a MAP_USER costs.  Each open file keeps the pins
 * of the ranges it mapped before: FREE of a mapping gives its pins back to
 * the cache instead of unpinning them, and a later MAP_USER of the same
 * range by the same mm (start page, page count, offset in the first page,
 * length and direction, which decides whether the pin is writable) takes
 * them instead of pinning again.  Only the pins are cached: every MAP_USER
 * still maps (dma_map_sgtable, dma_map_page or the bounce buffer) and every
 * FREE still unmaps, so what the DMA API does (swiotlb's copies, the syncs
 * of map and unmap, DMA-API debugging) is what it does without the cache.
 *
 * A pinned page stays pinned when the process unmaps it or maps something
 * else at its address, so each entry has an MMU interval notifier on its
 * range: an invalidation (munmap, mremap, MADV_DONTNEED, a new mmap over
 * it, a protection change, the mm's exit) makes the entry stale, never
 * handed out again, and it is unpinned once no mapping uses it.  Two events
 * keep it: MMU_NOTIFY_PROTECTION_PAGE (fork write-protecting the parent's
 * pages for copy-on-write; a pinned anonymous page is copied for the child
 * instead, so the parent keeps it) and MMU_NOTIFY_SOFT_DIRTY, neither of
 * which changes the page at an address or the VMA's permissions.
 *
 * The cache holds at most regcache_entries entries per file (in use or
 * idle); past it the least recently freed idle entry is unpinned.  Cached
 * pins stay charged to their user's pin limit (dmaapi_map.c), and a pin that
 * would pass the limit first unpins the file's idle entries of that user,
 * oldest first.  Closing the file and removing the device drop the cache.
 *
 * Locking: regcache->lock (a spinlock) guards the lists, the entries' state
 * and use counts.  The invalidate callback runs under the mm's locks
 * (mmap_lock, i_mmap_rwsem, page locks, possibly from reclaim inside any
 * allocation) and takes only this lock; so nothing allocates, sleeps or
 * faults under it, and an entry is unpinned (unpin_user_pages_dirty_lock()
 * takes page locks) and its notifier removed (which waits for invalidations
 * in progress) only after it is unlinked, with no lock held.  An entry the
 * callback makes stale while idle is freed by a work item.  Whoever unlinks
 * an entry from regcache->entries, under the lock, frees it.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/mm.h>
#include <linux/mmu_notifier.h>
#include <linux/moduleparam.h>
#include <linux/sched/mm.h>
#include <linux/sched/user.h>
#include <linux/slab.h>
#include <linux/workqueue.h>

#include "dmaapi.h"

static unsigned int regcache_entries = 64;
module_param(regcache_entries, uint, 0644);
MODULE_PARM_DESC(regcache_entries,
		 "Pinned user ranges cached per open file for a repeated DMAAPI_IOCTL_MAP_USER (default 64, 0: no cache)");

/**
 * struct dmaapi_regcache - one file's cache of pinned user ranges
 * @ddev: the device, whose counters it updates
 * @lock: guards everything below and the entries' @stale, @users, @sgt_lent
 *        and list heads
 * @entries: every entry not yet claimed for freeing, in use or idle
 * @idle: the valid entries no mapping uses, least recently freed first
 * @nr: entries on @entries
 * @dead: dropped (close, removal): new entries are never cached
 * @reap: frees the entries the notifier made stale while idle
 */
struct dmaapi_regcache {
	struct dmaapi_dev *ddev;
	spinlock_t lock;	/* the lists, and the entries' state and counts */
	struct list_head entries;
	struct list_head idle;
	unsigned int nr;
	bool dead;
	struct work_struct reap;
};

/**
 * struct dmaapi_rc_entry - a pinned user range
 * @notifier: invalidations of [@start, @start + @npages pages) in its mm
 * @rc: the cache
 * @node: in @rc->entries; empty once claimed for freeing
 * @lru: in @rc->idle while idle and valid, else empty
 * @start: the first page's (untagged) user address
 * @npages: pages pinned
 * @offset: offset of the mapped range in the first page
 * @length: length of the mapped range
 * @dir: the mappings' direction (writable pin unless DMA_TO_DEVICE)
 * @pages: the pinned pages
 * @user: charged for them
 * @sgt: the scatterlist of the range, lent to one mapping at a time
 * @sgt_lent: a mapping has @sgt
 * @users: mappings using the pins
 * @stale: the range changed: never handed out again
 */
struct dmaapi_rc_entry {
	struct mmu_interval_notifier notifier;
	struct dmaapi_regcache *rc;
	struct list_head node;
	struct list_head lru;
	unsigned long start;
	unsigned long npages;
	unsigned int offset;
	u64 length;
	enum dma_data_direction dir;
	struct page **pages;
	struct user_struct *user;
	struct sg_table sgt;
	bool sgt_lent;
	unsigned int users;
	bool stale;
};

static void dmaapi_rc_entry_free(struct dmaapi_rc_entry *e)
{
	struct dmaapi_regcache_stats *st = &e->rc->ddev->rc_stats;

	mmu_interval_notifier_remove(&e->notifier);
	sg_free_table(&e->sgt);
	unpin_user_pages_dirty_lock(e->pages, e->npages,
				    e->dir != DMA_TO_DEVICE);
	dmaapi_uncharge_pins(e->user, e->npages);
	atomic_dec(&st->entries);
	atomic_long_sub(e->npages, &st->pages);
	kvfree(e->pages);
	free_uid(e->user);
	kfree(e);
}

/* Free the entries on @list (linked by lru), with no lock held. */
static void dmaapi_rc_free_list(struct list_head *list)
{
	struct dmaapi_rc_entry *e, *tmp;

	list_for_each_entry_safe(e, tmp, list, lru) {
		list_del(&e->lru);
		dmaapi_rc_entry_free(e);
	}
}

/* Claim @e for freeing (under rc->lock): unlink it and queue it on @list. */
static void dmaapi_rc_claim(struct dmaapi_regcache *rc,
			    struct dmaapi_rc_entry *e, struct list_head *list)
{
	lockdep_assert_held(&rc->lock);
	list_del_init(&e->node);
	rc->nr--;
	list_del_init(&e->lru);
	list_add_tail(&e->lru, list);
}

/* Evict idle entries past the limit, oldest first (under rc->lock). */
static void dmaapi_rc_trim(struct dmaapi_regcache *rc, struct list_head *list)
{
	unsigned int limit = READ_ONCE(regcache_entries);

	while (rc->nr > limit && !list_empty(&rc->idle)) {
		dmaapi_rc_claim(rc, list_first_entry(&rc->idle,
						     struct dmaapi_rc_entry,
						     lru), list);
		atomic64_inc(&rc->ddev->rc_stats.evictions);
	}
}

static bool dmaapi_rc_invalidate(struct mmu_interval_notifier *mni,
				 const struct mmu_notifier_range *range,
				 unsigned long cur_seq)
{
	struct dmaapi_rc_entry *e =
		container_of(mni, struct dmaapi_rc_entry, notifier);
	struct dmaapi_regcache *rc = e->rc;
	bool reap = false;

	/* the pages stay where they are (see the top of the file) */
	if (range->event == MMU_NOTIFY_PROTECTION_PAGE ||
	    range->event == MMU_NOTIFY_SOFT_DIRTY)
		return true;

	/* never blocks: fine for a non-blockable range too */
	spin_lock(&rc->lock);
	mmu_interval_set_seq(mni, cur_seq);
	if (!e->stale) {
		e->stale = true;
		atomic64_inc(&rc->ddev->rc_stats.invalidations);
		/* a claimed entry's lru is its freer's list: leave it */
		if (!list_empty(&e->node)) {
			list_del_init(&e->lru);
			reap = !e->users;
		}
	}
	spin_unlock(&rc->lock);
	/* unpinning takes page locks: not here */
	if (reap)
		schedule_work(&rc->reap);
	return true;
}

static const struct mmu_interval_notifier_ops dmaapi_rc_notifier_ops = {
	.invalidate = dmaapi_rc_invalidate,
};

static void dmaapi_rc_reap(struct work_struct *work)
{
	struct dmaapi_regcache *rc =
		container_of(work, struct dmaapi_regcache, reap);
	struct dmaapi_rc_entry *e, *tmp;
	LIST_HEAD(list);

	spin_lock(&rc->lock);
	list_for_each_entry_safe(e, tmp, &rc->entries, node)
		if (e->stale && !e->users)
			dmaapi_rc_claim(rc, e, &list);
	spin_unlock(&rc->lock);
	dmaapi_rc_free_list(&list);
}

int dmaapi_regcache_init(struct dmaapi_ctx *ctx)
{
	struct dmaapi_regcache *rc;

	rc = kzalloc(sizeof(*rc), GFP_KERNEL_ACCOUNT);
	if (!rc)
		return -ENOMEM;
	rc->ddev = ctx->ddev;
	spin_lock_init(&rc->lock);
	INIT_LIST_HEAD(&rc->entries);
	INIT_LIST_HEAD(&rc->idle);
	INIT_WORK(&rc->reap, dmaapi_rc_reap);
	ctx->regcache = rc;
	return 0;
}

/*
 * Unpin every idle entry and cache nothing more (close, removal).  An entry
 * still in use becomes stale and is unpinned by its last mapping's put.
 */
void dmaapi_regcache_drop(struct dmaapi_ctx *ctx)
{
	struct dmaapi_regcache *rc = ctx->regcache;
	struct dmaapi_rc_entry *e, *tmp;
	LIST_HEAD(list);

	spin_lock(&rc->lock);
	rc->dead = true;
	list_for_each_entry_safe(e, tmp, &rc->entries, node) {
		e->stale = true;
		if (e->users)
			list_del_init(&e->lru);
		else
			dmaapi_rc_claim(rc, e, &list);
	}
	spin_unlock(&rc->lock);
	dmaapi_rc_free_list(&list);
}

/* At close, once every mapping of the file is gone. */
void dmaapi_regcache_destroy(struct dmaapi_ctx *ctx)
{
	struct dmaapi_regcache *rc = ctx->regcache;

	dmaapi_regcache_drop(ctx);
	/* no notifier is left to queue it again */
	cancel_work_sync(&rc->reap);
	WARN_ON_ONCE(!list_empty(&rc->entries));
	kfree(rc);
	ctx->regcache = NULL;
}

/* A valid entry of @mm with @umap's range (under rc->lock). */
static struct dmaapi_rc_entry *dmaapi_rc_lookup(struct dmaapi_regcache *rc,
						struct mm_struct *mm,
						unsigned long start,
						struct dmaapi_umap *umap)
{
	struct dmaapi_rc_entry *e;

	list_for_each_entry(e, &rc->entries, node)
		if (!e->stale && e->notifier.mm == mm && e->start == start &&
		    e->npages == umap->npages && e->offset == umap->offset &&
		    e->length == umap->obj.length && e->dir == umap->obj.dir)
			return e;
	return NULL;
}

/* Take a hit: @e's pins, and its scatterlist or one of @umap's own. */
static int dmaapi_rc_take(struct dmaapi_rc_entry *e, struct dmaapi_umap *umap,
			  bool lend)
{
	umap->rce = e;
	umap->pages = e->pages;
	umap->sgt_borrowed = lend;
	if (lend)
		return 0;
	return sg_alloc_table_from_pages(&umap->sgt, e->pages, e->npages,
					 e->offset, e->length,
					 GFP_KERNEL_ACCOUNT | __GFP_NOWARN);
}

/* Pin @umap's range and make it an entry in use by @umap. */
static int dmaapi_rc_insert(struct dmaapi_ctx *ctx, struct dmaapi_umap *umap,
			    u64 uaddr, unsigned long start)
{
	struct dmaapi_regcache *rc = ctx->regcache;
	struct dmaapi_regcache_stats *st = &ctx->ddev->rc_stats;
	struct dmaapi_rc_entry *e;
	unsigned long seq;
	LIST_HEAD(list);
	int ret;

	e = kzalloc(sizeof(*e), GFP_KERNEL_ACCOUNT);
	if (!e)
		return -ENOMEM;
	e->rc = rc;
	INIT_LIST_HEAD(&e->node);
	INIT_LIST_HEAD(&e->lru);
	/* the notifier first: an invalidation during the pin is seen */
	ret = mmu_interval_notifier_insert(&e->notifier, current->mm, start,
					   umap->npages << PAGE_SHIFT,
					   &dmaapi_rc_notifier_ops);
	if (ret) {
		kfree(e);
		return ret;
	}
	seq = mmu_interval_read_begin(&e->notifier);
	ret = dmaapi_umap_pin(ctx, umap, uaddr);
	if (ret) {
		mmu_interval_notifier_remove(&e->notifier);
		kfree(e);
		return ret;
	}
	e->start = start;
	e->npages = umap->npages;
	e->offset = umap->offset;
	e->length = umap->obj.length;
	e->dir = umap->obj.dir;
	e->pages = umap->pages;
	e->user = get_uid(umap->user);
	e->sgt = umap->sgt;
	e->sgt_lent = true;
	e->users = 1;
	umap->rce = e;
	umap->sgt_borrowed = true;
	atomic_inc(&st->entries);
	atomic_long_add(e->npages, &st->pages);

	spin_lock(&rc->lock);
	if (rc->dead || mmu_interval_read_retry(&e->notifier, seq))
		e->stale = true;
	list_add_tail(&e->node, &rc->entries);
	rc->nr++;
	dmaapi_rc_trim(rc, &list);
	spin_unlock(&rc->lock);
	dmaapi_rc_free_list(&list);
	return 0;
}

/**
 * dmaapi_regcache_pin() - pin a user mapping's range, or take cached pins
 * @ctx: the file
 * @umap: the new mapping: length, direction, offset and npages set
 * @uaddr: the user address of the range
 * @nocache: DMAAPI_MAP_USER_NOCACHE: pin, and do not cache the pins
 *
 * Called without ctx->lock: pinning may fault.  On success @umap's pages and
 * scatterlist are set, as dmaapi_umap_pin() sets them, and @umap->rce names
 * the entry they came from, which dmaapi_regcache_put() gives them back to.
 *
 * Return: 0, or the errno of the pin.
 */
int dmaapi_regcache_pin(struct dmaapi_ctx *ctx, struct dmaapi_umap *umap,
			u64 uaddr, bool nocache)
{
	struct dmaapi_regcache *rc = ctx->regcache;
	struct dmaapi_regcache_stats *st = &ctx->ddev->rc_stats;
	unsigned long start = untagged_addr(uaddr) & PAGE_MASK;
	struct dmaapi_rc_entry *e;
	bool lend = false;
	int ret;

	if (nocache || !READ_ONCE(regcache_entries)) {
		atomic64_inc(&st->misses);
		return dmaapi_umap_pin(ctx, umap, uaddr);
	}

	spin_lock(&rc->lock);
	e = dmaapi_rc_lookup(rc, current->mm, start, umap);
	if (e) {
		e->users++;
		list_del_init(&e->lru);
		lend = !e->sgt_lent;
		if (lend) {
			e->sgt_lent = true;
			umap->sgt = e->sgt;
		}
	}
	spin_unlock(&rc->lock);
	if (e) {
		ret = dmaapi_rc_take(e, umap, lend);
		if (ret)
			dmaapi_regcache_put(ctx, umap);
		else
			atomic64_inc(&st->hits);
		return ret;
	}

	atomic64_inc(&st->misses);
	return dmaapi_rc_insert(ctx, umap, uaddr, start);
}

/**
 * dmaapi_regcache_put() - give a mapping's pins back to their entry
 * @ctx: the file
 * @umap: a mapping with @umap->rce set, unmapped
 *
 * Frees @umap's own scatterlist or returns the entry's; the entry becomes
 * idle (most recently used) when this was its last mapping, or is unpinned
 * if it is stale or past the limit.  Clears @umap->rce and @umap->pages.
 * May sleep; called with or without ctx->lock.
 */
void dmaapi_regcache_put(struct dmaapi_ctx *ctx, struct dmaapi_umap *umap)
{
	struct dmaapi_regcache *rc = ctx->regcache;
	struct dmaapi_rc_entry *e = umap->rce;
	LIST_HEAD(list);

	if (!umap->sgt_borrowed)
		sg_free_table(&umap->sgt);
	spin_lock(&rc->lock);
	if (umap->sgt_borrowed) {
		e->sgt = umap->sgt;
		e->sgt_lent = false;
	}
	if (!--e->users) {
		if (e->stale || rc->dead) {
			dmaapi_rc_claim(rc, e, &list);
		} else {
			list_add_tail(&e->lru, &rc->idle);
			dmaapi_rc_trim(rc, &list);
		}
	}
	spin_unlock(&rc->lock);
	dmaapi_rc_free_list(&list);
	umap->rce = NULL;
	umap->pages = NULL;
	umap->sgt_borrowed = false;
	memset(&umap->sgt, 0, sizeof(umap->sgt));
}

/**
 * dmaapi_regcache_evict_user() - unpin the oldest idle entry charged to a user
 * @ctx: the file
 * @user: the user whose pin limit a new pin would pass
 *
 * Return: true if an entry was unpinned (the charge may be tried again).
 */
bool dmaapi_regcache_evict_user(struct dmaapi_ctx *ctx,
				struct user_struct *user)
{
	struct dmaapi_regcache *rc = ctx->regcache;
	struct dmaapi_rc_entry *e;
	LIST_HEAD(list);

	spin_lock(&rc->lock);
	list_for_each_entry(e, &rc->idle, lru) {
		if (e->user == user) {
			dmaapi_rc_claim(rc, e, &list);
			atomic64_inc(&rc->ddev->rc_stats.evictions);
			break;
		}
	}
	spin_unlock(&rc->lock);
	if (list_empty(&list))
		return false;
	dmaapi_rc_free_list(&list);
	return true;
}

/* sysfs: regcache, one line of key=value counters over the node's files. */
ssize_t dmaapi_regcache_show(struct dmaapi_dev *ddev, char *buf)
{
	struct dmaapi_regcache_stats *st = &ddev->rc_stats;

	return sysfs_emit(buf,
			  "hits=%lld misses=%lld invalidations=%lld evictions=%lld entries=%d pages=%ld limit=%u\n",
			  (long long)atomic64_read(&st->hits),
			  (long long)atomic64_read(&st->misses),
			  (long long)atomic64_read(&st->invalidations),
			  (long long)atomic64_read(&st->evictions),
			  atomic_read(&st->entries),
			  atomic_long_read(&st->pages),
			  READ_ONCE(regcache_entries));
}

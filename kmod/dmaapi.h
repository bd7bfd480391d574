/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dmaapi: internal definitions shared by the module's files.
 *
 * Objects and their lifetime:
 *
 * struct dmaapi_dev   one per bound device; kref'd by the driver binding,
 *                     every open file and every allocation.  Holds a
 *                     reference on the struct device.
 * struct dmaapi_ctx   one per open file; owns an xarray of handles.
 * struct dmaapi_buf   an allocation (ALLOC); kref'd by its handle and by
 *                     every VMA that maps it.  Its DMA memory is freed by the
 *                     last put, or earlier by the device's removal.
 * struct dmaapi_umap  a user mapping (MAP_USER); owned by its handle only.
 * struct dmaapi_import a dma-buf attached to the device (IMPORT_DMABUF);
 *                     owned by its handle only.
 * struct dmaapi_chan  a dmaengine channel (CHAN_REQUEST, dmaapi_chan.c);
 *                     kref'd by its handle and its channel fd.
 * struct dmaapi_irq_vec an attached interrupt vector (IRQ_SET); kref'd by
 *                     the device's table while attached and by its irq fd;
 *                     holds a reference on the dmaapi_dev (dmaapi_irq.c).
 *
 * An exported allocation (EXPORT_DMABUF) is also kref'd by its dma-buf: its
 * memory then lives until the last reference, even past the device's
 * removal, which only stops counting it in live_bufs.
 *
 * Locks, outermost first:
 *   dev->lock (mutex: open contexts, removal)
 *     ctx->lock (mutex: one file's handles and ioctls)
 *       dev->dma_lock (mutex: the device's and the files' masks)
 *   mmap_lock (pin_user_pages, user copies: never under ctx->lock)
 *       dev->irq_lock (mutex: interrupt vectors; see dmaapi_irq.c)
 *   mmap_lock (held by the core around ->mmap and vm_ops->close)
 *     dev->mmap_sem (rwsem: ->mmap against removal)
 *       ctx->mms_lock, dev->bufs_lock (spinlocks)
 *   mmap_lock, i_mmap_rwsem, page locks (around MMU notifier invalidations)
 *     regcache->lock (spinlock, innermost: dmaapi_regcache.c)
 * Removal waits for every ctx->lock, so nothing that userspace can make
 * block holds it: no user copy and no pin runs under it (dmaapi_ioctl.c).
 * ->mmap never takes ctx->lock either: it is called with the mmap_lock.
 *
 * SYNC and SYNCV take no lock (dmaapi_sync.c): they look the handle up in
 * ctx->objs under rcu_read_lock() and take a sync reference (obj->users,
 * the handle's own reference plus one per sync in flight).  Whoever erases
 * a handle drops the handle's reference and waits for the syncs in flight
 * before it destroys the object; removal waits for them (without erasing)
 * once dead is set, and a sync that takes its reference after that sees
 * dead.  The memory of every object a handle named is freed at least a
 * grace period after the handle was erased (kfree_rcu; a channel's FREE
 * waits for one), so a lookup racing with FREE reads a live struct.
 */
#ifndef _DMAAPI_INTERNAL_H
#define _DMAAPI_INTERNAL_H

#include <linux/atomic.h>
#include <linux/device.h>
#include <linux/dma-mapping.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/miscdevice.h>
#include <linux/mm_types.h>
#include <linux/mutex.h>
#include <linux/rbtree.h>
#include <linux/rwsem.h>
#include <linux/scatterlist.h>
#include <linux/spinlock.h>
#include <linux/sysfs.h>
#include <linux/types.h>
#include <linux/wait.h>
#include <linux/xarray.h>

#include <linux/dmaapi.h>

extern unsigned long dmaapi_max_alloc_size;
extern unsigned int dmaapi_max_handles;

/* What probe changed on a device that is not ours, restored on remove. */
struct dmaapi_saved_dma {
	u64 *dma_mask_ptr;
	u64 dma_mask;
	u64 coherent_mask;
	unsigned int max_seg;
	unsigned int min_align_mask;
	bool valid;
};

/* What bind turned on for a device-tree device (dmaapi_power.c). */
struct dmaapi_power {
	struct clk_bulk_data *clks;	/* devm */
	int nclks;
	struct reset_control *rst;	/* devm, NULL: none */
	bool pm_on;			/* runtime PM enabled and got */
};

struct dmaapi_dev {
	struct kref ref;
	struct device *dev;
	struct miscdevice misc;
	char *name;
	bool is_default;
	bool is_pci;
	bool has_rmem;		/* a memory-region is attached */
	bool coherent_pool;	/* ...and it is a no-map coherent pool */
	u64 mask;		/* the device's DMA mask (under dma_lock) */

	struct mutex lock;	/* ctxs, dead */
	struct list_head ctxs;
	bool dead;		/* set under lock and mmap_sem */
	struct rw_semaphore mmap_sem;

	/*
	 * The device's mask and every file's (a file's list entry is added and
	 * deleted under both lock and dma_lock), held while allocating and
	 * mapping so that the mask cannot change under a new mapping.
	 */
	struct mutex dma_lock;
	atomic_t live_maps;	/* MAP_USER mappings held, under dma_lock */
	/* the page runs of direct MAP_USER mappings (dmaapi_map.c) */
	spinlock_t busy_lock;
	struct rb_root_cached busy;

	spinlock_t bufs_lock;	/* bufs */
	struct list_head bufs;	/* every dmaapi_buf, freed or not */
	/* bufs whose DMA memory is not freed yet; incremented under dma_lock */
	atomic_t live_bufs;
	wait_queue_head_t bufs_wq;

	struct dmaapi_saved_dma saved;

	/* Interrupts (dmaapi_irq.c): irq_lock nests inside ctx->lock. */
	struct mutex irq_lock;	/* irq_type, irq_vecs, nvecs */
	u32 irq_type;		/* DMAAPI_IRQ_* allocated, or DMAAPI_IRQ_NONE */
	unsigned int nvecs;
	struct dmaapi_irq_vec **irq_vecs;
	wait_queue_head_t dead_wq;	/* woken when dead is set */

	struct dmaapi_power power;	/* a device-tree device's, at bind */

	/* the registration caches of its files, summed (dmaapi_regcache.c) */
	struct dmaapi_regcache_stats {
		atomic64_t hits;
		atomic64_t misses;
		atomic64_t invalidations;
		atomic64_t evictions;
		atomic_t entries;
		atomic_long_t pages;
	} rc_stats;
};

enum dmaapi_obj_type {
	DMAAPI_OBJ_BUF,
	DMAAPI_OBJ_UMAP,
	DMAAPI_OBJ_IMPORT,
	DMAAPI_OBJ_CHAN,	/* a dmaengine channel (dmaapi_chan.c) */
};

/* The common head of everything a handle names. */
struct dmaapi_obj {
	enum dmaapi_obj_type type;
	u32 handle;
	u64 length;
	enum dma_data_direction dir;
	atomic_t jobs;		/* channel jobs queued on it: FREE is EBUSY */
	unsigned int chan_maps;	/* channels' mappings of it (ctx->lock) */
	atomic_t users;		/* 1 (the handle) + syncs in flight; 0: gone */
	struct rcu_head rcu;	/* the struct is freed after a grace period */
};

struct dmaapi_buf {
	struct dmaapi_obj obj;
	struct kref ref;
	struct dmaapi_dev *ddev;
	struct list_head node;	/* in ddev->bufs */
	bool cached;
	bool need_sync;
	bool freed;		/* DMA memory released */
	bool exported;		/* a dma-buf holds it (set under bufs_lock) */
	bool orphaned;		/* not in live_bufs any more (removal) */
	size_t size;		/* bytes allocated */
	void *cpu_addr;		/* coherent */
	unsigned long attrs;	/* coherent: DMA_ATTR_* it was allocated with */
	struct page *page;	/* cached */
	dma_addr_t dma;
};

struct dmaapi_rc_entry;

/* Pages [@first, @last] (pfns) of a direct mapping, in ddev->busy. */
struct dmaapi_busy_run {
	struct rb_node rb;
	unsigned long first, last;
	unsigned long subtree_last;
};

/*
 * A mapping pins its pages itself, or takes them from an entry of the file's
 * registration cache (@rce set: @pages are the entry's, and @sgt is the
 * entry's table lent to it, or, @sgt_borrowed clear, its own built from the
 * entry's pages while another mapping has the entry's).
 */
struct dmaapi_umap {
	struct dmaapi_obj obj;
	struct user_struct *user;	/* charged for the pinned pages */
	struct dmaapi_rc_entry *rce;	/* the cache entry whose pins it uses */
	bool sgt_borrowed;		/* @sgt is @rce's */
	struct page **pages;
	unsigned long npages;
	unsigned int offset;	/* offset_in_page(uaddr) */
	struct sg_table sgt;
	bool live;		/* DMA mapping and pins held */
	bool sg_mapped;		/* dma_map_sgtable (IOMMU), else dma_map_page */
	bool bounced;
	bool need_sync;
	void *bounce;
	dma_addr_t bounce_dma;
	size_t bounce_size;
	dma_addr_t dma;		/* device address of uaddr */
	/* runs in ddev->busy: @busy_one, or an array of @nbusy */
	struct dmaapi_busy_run *busy;
	unsigned int nbusy;
	struct dmaapi_busy_run busy_one;
};

struct dma_buf;
struct dma_buf_attachment;

struct dmaapi_import {
	struct dmaapi_obj obj;
	struct dma_buf *dmabuf;
	struct dma_buf_attachment *attach;
	struct sg_table *sgt;
	bool live;		/* attached and mapped */
	bool bounced;
	unsigned int nsegs;	/* DMA segments of sgt */
	dma_addr_t dma;		/* the start, when nsegs == 1 */
};

/* An mm that mmapped this file: removal waits for its mmap() to finish. */
struct dmaapi_mm_ref {
	struct list_head node;
	struct mm_struct *mm;
};

struct dmaapi_ctx {
	struct dmaapi_dev *ddev;
	struct file *filp;
	struct list_head node;	/* in ddev->ctxs */
	struct mutex lock;	/* objs updates, mask, counters, ioctls */
	struct xarray objs;
	u32 next_handle;	/* xa_alloc_cyclic() */
	u64 mask;		/* this file's limit (under dma_lock) */
	u32 handles;
	u64 bytes;
	spinlock_t mms_lock;
	struct list_head mms;
	struct list_head chan_maps;	/* struct dmaapi_chan_map (lock) */
	struct dmaapi_regcache *regcache;	/* NULL without MMU notifiers */
};

static inline struct dmaapi_buf *to_dmaapi_buf(struct dmaapi_obj *obj)
{
	return container_of(obj, struct dmaapi_buf, obj);
}

static inline struct dmaapi_umap *to_dmaapi_umap(struct dmaapi_obj *obj)
{
	return container_of(obj, struct dmaapi_umap, obj);
}

static inline struct dmaapi_import *to_dmaapi_import(struct dmaapi_obj *obj)
{
	return container_of(obj, struct dmaapi_import, obj);
}

/* dmaapi_main.c */
void dmaapi_dev_put(struct dmaapi_dev *ddev);
bool dmaapi_dev_translated(struct device *dev);
bool dmaapi_fits(dma_addr_t addr, u64 len, u64 mask);

/* dmaapi_ioctl.c */
int dmaapi_ctx_install(struct dmaapi_ctx *ctx, struct dmaapi_obj *obj);
void dmaapi_obj_destroy(struct dmaapi_ctx *ctx, struct dmaapi_obj *obj);
long dmaapi_fops_ioctl(struct file *filp, unsigned int cmd, unsigned long arg);

/* dmaapi_sync.c: SYNC and SYNCV, lock-free */
int dmaapi_ioctl_sync(struct dmaapi_ctx *ctx, void *arg);
int dmaapi_ioctl_syncv(struct dmaapi_ctx *ctx, void *arg);
void dmaapi_obj_kill_syncs(struct dmaapi_obj *obj);
void dmaapi_obj_wait_syncs(struct dmaapi_obj *obj);

/* dmaapi_buf.c */
int dmaapi_ioctl_alloc(struct dmaapi_ctx *ctx, void *arg);
int dmaapi_buf_sync(struct dmaapi_ctx *ctx, struct dmaapi_buf *buf,
		    u64 offset, u64 length, bool for_cpu);
void dmaapi_buf_put(struct dmaapi_buf *buf);
void dmaapi_dev_free_bufs(struct dmaapi_dev *ddev);
int dmaapi_mmap(struct file *filp, struct vm_area_struct *vma);

/* dmaapi_irq.c */
struct dmaapi_irq_vec;
void dmaapi_irq_init(struct dmaapi_dev *ddev);
int dmaapi_ioctl_irq_info(struct dmaapi_ctx *ctx, void *arg);
int dmaapi_ioctl_irq_set(struct dmaapi_ctx *ctx, void *arg);
void dmaapi_irq_release_ctx(struct dmaapi_ctx *ctx);
void dmaapi_irq_remove(struct dmaapi_dev *ddev);
extern struct device_attribute dev_attr_irq_counts;
struct poll_table_struct;
__poll_t dmaapi_fops_poll(struct file *filp, struct poll_table_struct *wait);

/* dmaapi_regions.c */
int dmaapi_ioctl_region_info(struct dmaapi_ctx *ctx, void *arg);
int dmaapi_region_mmap(struct dmaapi_ctx *ctx, struct vm_area_struct *vma);
int dmaapi_region_reg(struct dmaapi_dev *ddev, u32 index, u64 offset, u32 len,
		      phys_addr_t *phys);

/* dmaapi_buf.c, for dmaapi_regions.c */
int dmaapi_ctx_note_mm(struct dmaapi_ctx *ctx, struct mm_struct *mm);

/* dmaapi_power.c: a device-tree device's clocks, resets, runtime PM */
int dmaapi_power_on(struct device *dev, struct dmaapi_power *pwr);
void dmaapi_power_off(struct device *dev, struct dmaapi_power *pwr);

/* dmaapi_map.c */
int dmaapi_ioctl_map_user(struct dmaapi_ctx *ctx, void *arg);
int dmaapi_umap_sync(struct dmaapi_ctx *ctx, struct dmaapi_umap *umap,
		     u64 offset, u64 length, bool for_cpu);
void dmaapi_umap_release(struct dmaapi_ctx *ctx, struct dmaapi_umap *umap);
void dmaapi_umap_destroy(struct dmaapi_ctx *ctx, struct dmaapi_umap *umap);
int dmaapi_umap_pin(struct dmaapi_ctx *ctx, struct dmaapi_umap *umap,
		    u64 uaddr);
void dmaapi_uncharge_pins(struct user_struct *user, unsigned long npages);
extern struct device_attribute dev_attr_regcache;

/*
 * dmaapi_regcache.c, built where the kernel has MMU notifiers
 * (CONFIG_MMU_NOTIFIER), which tell it when a cached range changes; without
 * them every MAP_USER pins (the "regcache" attribute says "unsupported").
 */
#if IS_ENABLED(CONFIG_MMU_NOTIFIER)
int dmaapi_regcache_init(struct dmaapi_ctx *ctx);
void dmaapi_regcache_drop(struct dmaapi_ctx *ctx);
void dmaapi_regcache_destroy(struct dmaapi_ctx *ctx);
int dmaapi_regcache_pin(struct dmaapi_ctx *ctx, struct dmaapi_umap *umap,
			u64 uaddr, bool nocache);
void dmaapi_regcache_put(struct dmaapi_ctx *ctx, struct dmaapi_umap *umap);
bool dmaapi_regcache_evict_user(struct dmaapi_ctx *ctx,
				struct user_struct *user);
ssize_t dmaapi_regcache_show(struct dmaapi_dev *ddev, char *buf);
#else
static inline int dmaapi_regcache_init(struct dmaapi_ctx *ctx)
{
	return 0;
}

static inline void dmaapi_regcache_drop(struct dmaapi_ctx *ctx)
{
}

static inline void dmaapi_regcache_destroy(struct dmaapi_ctx *ctx)
{
}

static inline int dmaapi_regcache_pin(struct dmaapi_ctx *ctx,
				      struct dmaapi_umap *umap, u64 uaddr,
				      bool nocache)
{
	return dmaapi_umap_pin(ctx, umap, uaddr);
}

static inline void dmaapi_regcache_put(struct dmaapi_ctx *ctx,
				       struct dmaapi_umap *umap)
{
}

static inline bool dmaapi_regcache_evict_user(struct dmaapi_ctx *ctx,
					      struct user_struct *user)
{
	return false;
}

static inline ssize_t dmaapi_regcache_show(struct dmaapi_dev *ddev, char *buf)
{
	return sysfs_emit(buf, "unsupported: no CONFIG_MMU_NOTIFIER\n");
}
#endif

/*
 * dmaapi_dmabuf.c, built where the kernel has dma-buf
 * (CONFIG_DMA_SHARED_BUFFER); without it EXPORT_DMABUF and IMPORT_DMABUF
 * are unknown commands (ENOTTY) and no import object can exist.
 */
#if IS_ENABLED(CONFIG_DMA_SHARED_BUFFER)
int dmaapi_ioctl_export_dmabuf(struct dmaapi_ctx *ctx, void *arg);
int dmaapi_ioctl_import_dmabuf(struct dmaapi_ctx *ctx, void *arg);
int dmaapi_import_sync(struct dmaapi_ctx *ctx, struct dmaapi_import *imp,
		       bool for_cpu);
void dmaapi_import_release(struct dmaapi_ctx *ctx, struct dmaapi_import *imp);
void dmaapi_import_destroy(struct dmaapi_ctx *ctx, struct dmaapi_import *imp);
unsigned int dmaapi_import_walk(struct dmaapi_import *imp,
				struct dmaapi_segment *segs, unsigned int max);
ssize_t dmaapi_dmabufs_show(struct dmaapi_dev *ddev, char *buf);
#else
static inline int dmaapi_ioctl_export_dmabuf(struct dmaapi_ctx *ctx, void *arg)
{
	return -ENOTTY;
}

static inline int dmaapi_ioctl_import_dmabuf(struct dmaapi_ctx *ctx, void *arg)
{
	return -ENOTTY;
}

static inline int dmaapi_import_sync(struct dmaapi_ctx *ctx,
				     struct dmaapi_import *imp, bool for_cpu)
{
	return -EOPNOTSUPP;
}

static inline void dmaapi_import_release(struct dmaapi_ctx *ctx,
					 struct dmaapi_import *imp)
{
}

static inline void dmaapi_import_destroy(struct dmaapi_ctx *ctx,
					 struct dmaapi_import *imp)
{
}

static inline unsigned int dmaapi_import_walk(struct dmaapi_import *imp,
					      struct dmaapi_segment *segs,
					      unsigned int max)
{
	return 0;
}
static inline ssize_t dmaapi_dmabufs_show(struct dmaapi_dev *ddev, char *buf)
{
	return 0;	/* no dma-buf: nothing to list */
}
#endif

/*
 * dmaapi_chan.c, built where the kernel has dmaengine (CONFIG_DMA_ENGINE);
 * without it CHAN_REQUEST finds no channel (ENODEV) and no channel exists.
 */
/*
 * SLAVE_CONFIG's own fields, checked before the handle is looked up, with
 * or without dmaengine: bad input gets the same answer from either module.
 */
static inline int dmaapi_chan_slave_config_check(const struct dmaapi_chan_slave_config *cmd)
{
	if (cmd->flags)
		return -EOPNOTSUPP;
	return cmd->__reserved ? -EINVAL : 0;
}

#if IS_ENABLED(CONFIG_DMA_ENGINE)
int dmaapi_ioctl_chan_request(struct dmaapi_ctx *ctx, void *arg);
int dmaapi_ioctl_chan_submit(struct dmaapi_ctx *ctx, void *arg);
int dmaapi_ioctl_chan_flush(struct dmaapi_ctx *ctx, void *arg);
int dmaapi_ioctl_chan_reset(struct dmaapi_ctx *ctx, void *arg);
int dmaapi_ioctl_chan_get_status(struct dmaapi_ctx *ctx, void *arg);
int dmaapi_ioctl_chan_set_limit(struct dmaapi_ctx *ctx, void *arg);
int dmaapi_ioctl_chan_slave_config(struct dmaapi_ctx *ctx, void *arg);
void dmaapi_chan_stop_all(struct dmaapi_ctx *ctx);
void dmaapi_chan_destroy(struct dmaapi_ctx *ctx, struct dmaapi_obj *obj);
void dmaapi_chan_forget(struct dmaapi_ctx *ctx, struct dmaapi_obj *obj);
ssize_t dmaapi_channels_show(struct dmaapi_dev *ddev, char *buf);
#else
static inline int dmaapi_ioctl_chan_request(struct dmaapi_ctx *ctx, void *arg)
{
	return -ENODEV;
}

static inline int dmaapi_ioctl_chan_none(struct dmaapi_ctx *ctx, void *arg)
{
	return -ENOENT;
}
#define dmaapi_ioctl_chan_submit dmaapi_ioctl_chan_none
#define dmaapi_ioctl_chan_flush dmaapi_ioctl_chan_none
#define dmaapi_ioctl_chan_reset dmaapi_ioctl_chan_none
#define dmaapi_ioctl_chan_get_status dmaapi_ioctl_chan_none
#define dmaapi_ioctl_chan_set_limit dmaapi_ioctl_chan_none

static inline int dmaapi_ioctl_chan_slave_config(struct dmaapi_ctx *ctx, void *arg)
{
	return dmaapi_chan_slave_config_check(arg) ?: -ENOENT;
}

static inline void dmaapi_chan_stop_all(struct dmaapi_ctx *ctx)
{
}

static inline void dmaapi_chan_destroy(struct dmaapi_ctx *ctx,
				       struct dmaapi_obj *obj)
{
}

static inline void dmaapi_chan_forget(struct dmaapi_ctx *ctx,
				      struct dmaapi_obj *obj)
{
}

static inline ssize_t dmaapi_channels_show(struct dmaapi_dev *ddev, char *buf)
{
	return 0;	/* no dmaengine: no channel to list */
}
#endif

#endif /* _DMAAPI_INTERNAL_H */

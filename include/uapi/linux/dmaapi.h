/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * dmaapi: the kernel's DMA API for userspace drivers.
 *
 * Every ioctl takes one argument struct.  Each struct starts with
 * "__u32 size" (the size userspace knows, sizeof() of its copy of the struct)
 * and "__u32 flags".  The kernel accepts a shorter struct than its own if it
 * still covers every field the command needs (missing tail = zero) and a
 * longer one if the bytes it does not know are zero.  Output fields are
 * written back up to min(size, kernel size).
 *
 * A bound PCI device masters the bus only while a file of its node is open:
 * the last close clears bus mastering before the file's memory is freed, as
 * does unbinding, and the next open sets it again.  Then, where the device
 * has a reset method (sysfs reset_method: FLR, PM, bus, device-specific),
 * the function is reset too, as vfio-pci does, so that the next opener finds
 * no engine programmed; a device without one keeps its registers.  Its INTx
 * stays disabled while no file has attached it (DMAAPI_IOCTL_IRQ_SET).  ioctls never hold a lock that unbinding waits for while they
 * touch user memory: an ioctl stuck in a user fault does not stall unbind.
 *
 * DOC: General ioctl format and errors
 *
 * ENOTTY     unknown ioctl command; EXPORT_DMABUF and IMPORT_DMABUF where the
 *            module was built for a kernel without dma-buf
 *            (CONFIG_DMA_SHARED_BUFFER)
 * E2BIG      the struct is longer than the kernel's and the unknown tail is
 *            not zero, or it is longer than a page
 * EINVAL     a field is invalid: size too short, non-zero reserved field,
 *            bad direction, bad alignment, zero length, or a mask that is
 *            not 2^n - 1 with n >= 12
 * EOPNOTSUPP an unknown flag bit, or a known flag this device cannot honour
 * ENOENT     no object with this handle in this file
 * ENOMEM     out of memory, or the module's size or handle limit is reached
 *            (a length or an alignment above max_alloc_size)
 * EOVERFLOW  offset + length wraps around or ends past the object
 * ERANGE     the DMA address the kernel produced does not fit the file's DMA
 *            mask; nothing is kept, and the offending address is written
 *            back in dma_addr
 * EDOM       the DMA address the kernel produced is not aligned as asked;
 *            nothing is kept, and the address is written back in dma_addr
 * EFAULT     a user pointer is bad or its pages cannot be pinned
 * EIO        the DMA layer refused the device's mask or a mapping
 * EBUSY      SET_MASK would narrow the device's mask while a file of the
 *            device holds an allocation or a mapping
 * ENODEV     the device was unbound or removed; only close() and FREE work
 * EACCES     opening the node without permission: it is root's (mode 0600)
 *            unless a udev rule grants a group access
 * EPERM      pinning more pages than RLIMIT_MEMLOCK allows
 * EBADF      mmap without MAP_SHARED
 * ENXIO      mmap of a range outside an allocation or of a mapping handle
 * EBADF      IMPORT_DMABUF: the fd is not open
 * EMFILE     EXPORT_DMABUF, IRQ_SET: no free file descriptor
 * ENOSPC     IRQ_SET: the PCI core cannot allocate the type's vectors
 * EAGAIN     read() of an irq fd opened O_NONBLOCK with no new interrupt
 */
#ifndef _UAPI_LINUX_DMAAPI_H
#define _UAPI_LINUX_DMAAPI_H

#include <linux/ioctl.h>
#include <linux/types.h>

/*
 * (major << 16) | minor: a new minor adds commands, ops or flags and keeps
 * every old one; 1.0 modules report a plain 1.  1.1: slave jobs
 * (DMAAPI_IOCTL_CHAN_SLAVE_CONFIG, DMAAPI_JOB_DEV_TO_MEM / _MEM_TO_DEV) and
 * the registration cache of MAP_USER (DMAAPI_MAP_USER_NOCACHE).
 */
#define DMAAPI_API_VERSION ((1U << 16) | 1)

#define DMAAPI_TYPE 0xDA

enum {
	DMAAPI_CMD_BASE = 0x80,
	DMAAPI_CMD_GET_INFO = DMAAPI_CMD_BASE,
	DMAAPI_CMD_SET_MASK,
	DMAAPI_CMD_ALLOC,
	DMAAPI_CMD_FREE,
	DMAAPI_CMD_MAP_USER,
	DMAAPI_CMD_SYNC,
	DMAAPI_CMD_EXPORT_DMABUF,
	DMAAPI_CMD_IMPORT_DMABUF,
	DMAAPI_CMD_GET_SEGMENTS,
};

/* Directions: the values of the kernel's enum dma_data_direction. */
#define DMAAPI_DIR_BIDIRECTIONAL 0
#define DMAAPI_DIR_TO_DEVICE 1
#define DMAAPI_DIR_FROM_DEVICE 2

/* dmaapi_info.dev_flags */
#define DMAAPI_DEV_COHERENT (1U << 0) /* CPU caches are coherent with the device */
#define DMAAPI_DEV_IOMMU (1U << 1)    /* an IOMMU translates the device's DMA */
#define DMAAPI_DEV_DEFAULT (1U << 2)  /* the module's own default device */
#define DMAAPI_DEV_PCI (1U << 3)      /* the device is a PCI device */

/**
 * struct dmaapi_info - ioctl(DMAAPI_IOCTL_GET_INFO)
 * @size: sizeof(struct dmaapi_info)
 * @flags: must be 0
 * @api_version: DMAAPI_API_VERSION of the module, (major << 16) | minor
 *               (out)
 * @page_size: kernel page size; mmap offsets and lengths are multiples (out)
 * @dma_mask: the mask this file allocates and maps under (out)
 * @device_mask: the device's DMA mask, never wider than @dma_mask (out)
 * @bus_limit: the bus's DMA limit, 0 if none (out)
 * @dev_flags: DMAAPI_DEV_* (out)
 * @max_handles: most live handles one file may hold (out)
 * @max_alloc_size: largest allocation or mapping in bytes (out)
 * @handles: live handles in this file (out)
 * @__reserved: must be 0
 * @bytes: bytes allocated or mapped by this file (out)
 */
struct dmaapi_info {
	__u32 size;
	__u32 flags;
	__u32 api_version;
	__u32 page_size;
	__aligned_u64 dma_mask;
	__aligned_u64 device_mask;
	__aligned_u64 bus_limit;
	__u32 dev_flags;
	__u32 max_handles;
	__aligned_u64 max_alloc_size;
	__u32 handles;
	__u32 __reserved;
	__aligned_u64 bytes;
};
#define DMAAPI_IOCTL_GET_INFO _IO(DMAAPI_TYPE, DMAAPI_CMD_GET_INFO)

/**
 * struct dmaapi_set_mask - ioctl(DMAAPI_IOCTL_SET_MASK)
 * @size: sizeof(struct dmaapi_set_mask)
 * @flags: must be 0
 * @mask: DMA mask, a contiguous run of low bits (2^n - 1, n >= 12)
 *
 * Makes @mask the limit every later allocation and mapping of this file is
 * checked against (ERANGE past it).
 *
 * One device has one DMA configuration, whatever its files do: the device's
 * streaming and coherent mask (dma_set_mask_and_coherent) is the narrowest
 * mask of its open files, and it changes only while no file of the device
 * holds an allocation or a mapping, so no open, SET_MASK or mapping of one
 * file changes how another file's mappings are synced.  A new file starts
 * with the device's mask (GET_INFO device_mask), and opening changes nothing.
 * A @mask at least as wide as the device's always succeeds and leaves the
 * device as it is while anything is allocated or mapped (it is widened by the
 * next SET_MASK on an idle device); a narrower one fails with EBUSY then.
 * EIO if the platform cannot address memory under the mask the device would
 * get.
 */
struct dmaapi_set_mask {
	__u32 size;
	__u32 flags;
	__aligned_u64 mask;
};
#define DMAAPI_IOCTL_SET_MASK _IO(DMAAPI_TYPE, DMAAPI_CMD_SET_MASK)

/* dmaapi_alloc.flags */
#define DMAAPI_ALLOC_CACHED (1U << 0) /* cached memory with real syncs (dma_alloc_pages) */

/* dmaapi_alloc.out_flags and dmaapi_map_user.out_flags */
#define DMAAPI_OUT_NEED_SYNC (1U << 0) /* syncs do work: call DMAAPI_IOCTL_SYNC */
#define DMAAPI_OUT_BOUNCED (1U << 1)   /* the kernel bounces through its own buffer */

/**
 * struct dmaapi_alloc - ioctl(DMAAPI_IOCTL_ALLOC)
 * @size: sizeof(struct dmaapi_alloc)
 * @flags: 0 for coherent memory (dma_alloc_coherent), or DMAAPI_ALLOC_CACHED
 *         (EOPNOTSUPP on a device whose memory-region is a no-map carve-out:
 *         that pool has coherent memory only, and RAM outside it may be out
 *         of the device's reach).  Cached memory has a kernel mapping: on a
 *         32-bit HIGHMEM kernel it comes from lowmem, from a CMA pool only
 *         where the pool lies there, else from other RAM under the mask.
 * @direction: DMAAPI_DIR_*; the direction cached memory is synced in (must be
 *             valid for coherent memory too)
 * @handle: id of the new allocation, never 0 (out)
 * @length: bytes to allocate, > 0
 * @align: alignment of the DMA address, a power of two, 0 means page size
 * @dma_addr: the device's address of the buffer (out; also on ERANGE, EDOM)
 * @mmap_offset: offset to pass to mmap() to map the buffer (out)
 * @out_flags: DMAAPI_OUT_* (out)
 * @__reserved: must be 0
 *
 * The memory is zeroed.  mmap() it with MAP_SHARED at @mmap_offset; the
 * memory stays alive while it is mapped, even after DMAAPI_IOCTL_FREE.
 */
struct dmaapi_alloc {
	__u32 size;
	__u32 flags;
	__u32 direction;
	__u32 handle;
	__aligned_u64 length;
	__aligned_u64 align;
	__aligned_u64 dma_addr;
	__aligned_u64 mmap_offset;
	__u32 out_flags;
	__u32 __reserved;
};
#define DMAAPI_IOCTL_ALLOC _IO(DMAAPI_TYPE, DMAAPI_CMD_ALLOC)

/**
 * struct dmaapi_free - ioctl(DMAAPI_IOCTL_FREE)
 * @size: sizeof(struct dmaapi_free)
 * @flags: must be 0
 * @handle: an allocation or a mapping of this file
 * @__reserved: must be 0
 *
 * Frees an allocation (its memory lives on until the last munmap) or unmaps
 * and unpins a user mapping, without syncing.  Works after ENODEV too.
 */
struct dmaapi_free {
	__u32 size;
	__u32 flags;
	__u32 handle;
	__u32 __reserved;
};
#define DMAAPI_IOCTL_FREE _IO(DMAAPI_TYPE, DMAAPI_CMD_FREE)

/* dmaapi_map_user.flags */
#define DMAAPI_MAP_USER_NOCACHE (1U << 0) /* pin anew, keep no pins after FREE */

/**
 * struct dmaapi_map_user - ioctl(DMAAPI_IOCTL_MAP_USER)
 * @size: sizeof(struct dmaapi_map_user)
 * @flags: 0 or DMAAPI_MAP_USER_NOCACHE
 * @uaddr: start of the user buffer
 * @length: its length in bytes, > 0
 * @direction: DMAAPI_DIR_*
 * @handle: id of the new mapping, never 0 (out)
 * @align: required alignment of the DMA address, a power of two, 0 = none;
 *         ENOMEM above max_alloc_size, as for DMAAPI_IOCTL_ALLOC
 * @dma_addr: the device's address of @uaddr (out; also on ERANGE, EDOM)
 * @out_flags: DMAAPI_OUT_* (out)
 * @__reserved: must be 0
 *
 * Pins the pages long-term (charged to RLIMIT_MEMLOCK) and gives the device
 * one contiguous DMA range.  Where the pages cannot be mapped as one range
 * under the mask, the kernel bounces through a contiguous buffer of its own:
 * the map and DMAAPI_IOCTL_SYNC copy between the two exactly as swiotlb does
 * (for device: user to bounce for TO_DEVICE and BIDIRECTIONAL; for CPU:
 * bounce to user for FROM_DEVICE and BIDIRECTIONAL).  On every path (IOMMU,
 * direct, swiotlb, the kernel's own bounce buffer) @dma_addr has the offset in
 * the page of @uaddr, so a device that chains pages (a PRP list) can use it;
 * an @align above that offset's alignment then fails with EDOM.  The kernel
 * also bounces a mapping that overlaps another direct mapping of the device
 * (the DMA API does not support overlapping streaming mappings), and, on a
 * device that is not cache-coherent, a FROM_DEVICE or BIDIRECTIONAL buffer
 * that starts or ends inside a cache line, which the device cannot own alone.
 * The choice is the same on every kernel configuration.
 *
 * Registration cache: FREE of a mapping unmaps it but keeps its pins in a
 * cache of the file (at most the module parameter regcache_entries ranges,
 * 64 by default, 0: none; the least recently freed go first), and a later
 * MAP_USER by the same process of the same range (same @uaddr page, page
 * count, offset in the first page, @length and @direction) takes them
 * instead of pinning again; it is mapped anew all the same (the DMA API's
 * map and unmap, with their bouncing and syncs, run for every mapping).  A
 * cached range that the process unmaps, remaps, moves (mremap), discards
 * (MADV_DONTNEED), re-protects (mprotect) or loses (exit) is never handed
 * out again: its pins are released once no mapping uses them.  A fork does
 * not invalidate the parent's ranges; the child, another process, never
 * finds them.  Cached pins stay charged to RLIMIT_MEMLOCK; a pin that would
 * pass the limit first releases the file's idle cached pins of that user.
 * close() and unbinding release them all.  DMAAPI_MAP_USER_NOCACHE pins and
 * unpins as if there were no cache.  The node's sysfs attribute "regcache"
 * reads "hits=H misses=M invalidations=I evictions=E entries=N pages=P
 * limit=L" (over every file of the node), or "unsupported: ..." where the
 * kernel has no MMU notifiers (CONFIG_MMU_NOTIFIER) and every map pins.
 */
struct dmaapi_map_user {
	__u32 size;
	__u32 flags;
	__aligned_u64 uaddr;
	__aligned_u64 length;
	__u32 direction;
	__u32 handle;
	__aligned_u64 align;
	__aligned_u64 dma_addr;
	__u32 out_flags;
	__u32 __reserved;
};
#define DMAAPI_IOCTL_MAP_USER _IO(DMAAPI_TYPE, DMAAPI_CMD_MAP_USER)

/* dmaapi_sync.flags: exactly one of */
#define DMAAPI_SYNC_FOR_CPU (1U << 0)    /* dma_sync_*_for_cpu: before the CPU reads */
#define DMAAPI_SYNC_FOR_DEVICE (1U << 1) /* dma_sync_*_for_device: before the device reads */

/**
 * struct dmaapi_sync - ioctl(DMAAPI_IOCTL_SYNC)
 * @size: sizeof(struct dmaapi_sync)
 * @flags: DMAAPI_SYNC_FOR_CPU or DMAAPI_SYNC_FOR_DEVICE
 * @handle: an allocation or a mapping of this file
 * @__reserved: must be 0
 * @offset: first byte of the range, from the start of the object
 * @length: bytes in the range, > 0
 *
 * Syncs the range in the object's direction.  A no-op that succeeds for
 * coherent allocations and wherever DMAAPI_OUT_NEED_SYNC was not reported.
 */
struct dmaapi_sync {
	__u32 size;
	__u32 flags;
	__u32 handle;
	__u32 __reserved;
	__aligned_u64 offset;
	__aligned_u64 length;
};
#define DMAAPI_IOCTL_SYNC _IO(DMAAPI_TYPE, DMAAPI_CMD_SYNC)

/**
 * struct dmaapi_export_dmabuf - ioctl(DMAAPI_IOCTL_EXPORT_DMABUF)
 * @size: sizeof(struct dmaapi_export_dmabuf)
 * @flags: must be 0
 * @handle: an allocation of this file (coherent or cached)
 * @fd: the new dma-buf's file descriptor, O_RDWR | O_CLOEXEC (out)
 * @offset: first byte of the exported range, a multiple of the page size
 * @length: bytes in the range, a multiple of the page size; 0 means up to
 *          the end of the allocation (its length rounded up to a page)
 *
 * Makes the range a dma-buf.  Every device that attaches it gets its own
 * mapping of the pages (dma_map_sgtable for the importer's device, under
 * its mask, IOMMU and coherency); DMA_BUF_IOCTL_SYNC and the importers'
 * begin/end_cpu_access sync every attachment and, for cached memory, this
 * device's own.  The dma-buf can be mmap()ed and vmap()ed.
 *
 * The dma-buf holds the allocation: its memory stays until the dma-buf's
 * last reference is gone, after DMAAPI_IOCTL_FREE, after the file is closed
 * and after the device is unbound (the memory is freed through the device
 * it was allocated for).  The allocation's bytes stay charged as they are.
 *
 * EINVAL: an offset or length not page aligned, a non-zero reserved field.
 * ENOENT: @handle is not an allocation of this file.  EOVERFLOW: the range
 * ends past the allocation.  EOPNOTSUPP: the DMA layer gives no pages of
 * this coherent memory (dma_get_sgtable).  The descriptor is installed
 * before the struct is written back: on EFAULT then it stays open.
 */
struct dmaapi_export_dmabuf {
	__u32 size;
	__u32 flags;
	__u32 handle;
	__s32 fd;
	__aligned_u64 offset;
	__aligned_u64 length;
};
#define DMAAPI_IOCTL_EXPORT_DMABUF _IO(DMAAPI_TYPE, DMAAPI_CMD_EXPORT_DMABUF)

/* dmaapi_import_dmabuf.out_flags, beside DMAAPI_OUT_BOUNCED */
#define DMAAPI_OUT_SEGMENTED (1U << 2) /* several DMA ranges: DMAAPI_IOCTL_GET_SEGMENTS */

/**
 * struct dmaapi_import_dmabuf - ioctl(DMAAPI_IOCTL_IMPORT_DMABUF)
 * @size: sizeof(struct dmaapi_import_dmabuf)
 * @flags: must be 0
 * @fd: a dma-buf of any exporter
 * @direction: DMAAPI_DIR_*, the direction the device's mapping is made in
 * @handle: id of the import, never 0 (out)
 * @nsegs: the number of DMA ranges of the mapping (out)
 * @length: the dma-buf's size in bytes (out)
 * @dma_addr: the device's address of the dma-buf when the mapping is one
 *            contiguous DMA range, else 0 (out; also on ERANGE)
 * @out_flags: DMAAPI_OUT_SEGMENTED, DMAAPI_OUT_BOUNCED (the DMA layer
 *             bounces the mapping through swiotlb) (out)
 * @__reserved: must be 0
 *
 * Attaches the dma-buf to the device (dma_buf_attach) and maps it
 * (dma_buf_map_attachment).  The device then reaches the memory at
 * @dma_addr, or at the ranges DMAAPI_IOCTL_GET_SEGMENTS lists.  dmaapi never
 * bounces an import itself.  DMAAPI_IOCTL_SYNC on the handle brackets CPU
 * access: FOR_CPU is dma_buf_begin_cpu_access, FOR_DEVICE
 * dma_buf_end_cpu_access, on the whole dma-buf whatever the range, and
 * syncs the device's own mapping; the CPU reaches the memory through the
 * dma-buf's own mmap().  On a BOUNCED import only this SYNC is sure to move
 * the data: the dma-buf's DMA_BUF_IOCTL_SYNC relies on the exporter syncing
 * every attachment, which some exporters (udmabuf) do not.  FREE, close() and
 * the device's removal detach it.
 *
 * EBADF: @fd is not open.  EINVAL: @fd is not a dma-buf, a bad direction,
 * a non-zero reserved field.  ERANGE: a range of the mapping does not fit
 * the file's DMA mask (the first one's address is written back).  Any other
 * error is the exporter's.
 */
struct dmaapi_import_dmabuf {
	__u32 size;
	__u32 flags;
	__s32 fd;
	__u32 direction;
	__u32 handle;
	__u32 nsegs;
	__aligned_u64 length;
	__aligned_u64 dma_addr;
	__u32 out_flags;
	__u32 __reserved;
};
#define DMAAPI_IOCTL_IMPORT_DMABUF _IO(DMAAPI_TYPE, DMAAPI_CMD_IMPORT_DMABUF)

/**
 * struct dmaapi_segment - one DMA range of an object
 * @dma_addr: the device's address
 * @length: bytes
 */
struct dmaapi_segment {
	__aligned_u64 dma_addr;
	__aligned_u64 length;
};

/**
 * struct dmaapi_get_segments - ioctl(DMAAPI_IOCTL_GET_SEGMENTS)
 * @size: sizeof(struct dmaapi_get_segments)
 * @flags: must be 0
 * @handle: an allocation, a user mapping or an import of this file
 * @nsegs: in: the room at @segs, in entries; out: the object's number of
 *         DMA ranges (1 for an allocation or a user mapping)
 * @segs: user pointer to an array of struct dmaapi_segment; the first
 *        min(in @nsegs, out @nsegs) ranges are written, in device order
 *
 * ENOENT: no such handle.  EFAULT: @segs is bad.
 */
struct dmaapi_get_segments {
	__u32 size;
	__u32 flags;
	__u32 handle;
	__u32 nsegs;
	__aligned_u64 segs;
};
#define DMAAPI_IOCTL_GET_SEGMENTS _IO(DMAAPI_TYPE, DMAAPI_CMD_GET_SEGMENTS)

/*
 * DOC: dmaengine channels (DMAAPI_IOCTL_CHAN_*)
 *
 * A file of a node requests a dmaengine channel: one its device-tree node
 * names in "dmas" / "dma-names", or any channel that can do DMA_MEMCPY.  The
 * channel is a handle of the file (it counts against max_handles, and
 * DMAAPI_IOCTL_FREE or close() releases it) and comes with a channel fd, an
 * anonymous file whose read() returns struct dmaapi_chan_completion records
 * and whose poll() reports EPOLLIN while records wait (EPOLLHUP once the
 * channel is released or its node's device is gone).
 *
 * A job moves bytes between two ranges (handle, offset, length) of the
 * file's own allocations and user mappings, never raw addresses.  The
 * module maps an object for the channel's DMA device once, at its first
 * job, and keeps the mapping until the object is freed or the last of the
 * file's channels on that device released (the file's channels on one
 * device share their mappings: a controller's channels are often one
 * device); each job syncs its own ranges (the for_device sync before the
 * job, the for_cpu one when it is retired; none for coherent allocations).
 * A job holds its objects: FREE of an allocation or a mapping a job is
 * queued on fails with EBUSY.  When the channel is flushed, reset or
 * released, the file is closed or the device unbound, the jobs the engine
 * was given run to their end first (for up to 2 s); those still queued
 * then are terminated (dmaengine_terminate_sync) before any memory is
 * released, and reported DMAAPI_JOB_ABORTED.
 *
 * An imported dma-buf is attached to the channel's device and mapped at
 * its first job (the exporter's map syncs it for the device), until the
 * import is freed or the last of the file's channels on that device
 * released; the module does no CPU cache
 * maintenance on it: the CPU brackets its access with DMA_BUF_IOCTL_SYNC
 * (or DMAAPI_IOCTL_SYNC of the import), whose begin/end_cpu_access are the
 * exporter's.
 *
 * A job takes a slot of the channel's queue from its submission until its
 * completion record is read: at most queue_limit jobs are queued or unread.
 *
 * Errors, beside the general ones:
 * ENODEV     CHAN_REQUEST: no such channel in the node's "dmas", or no
 *            DMA_MEMCPY channel in this machine
 * EBUSY      CHAN_REQUEST: the channel is held already (by dmatest, a
 *            driver or another file); FREE: a job is queued on the object
 * EAGAIN     CHAN_SUBMIT: the jobs do not fit in the queue (nothing queued)
 * EFBIG      CHAN_SUBMIT: a job longer than max_job_bytes
 * EXDEV      CHAN_SUBMIT: a job needs more than DMAAPI_CHAN_MAX_PIECES
 *            pieces (see struct dmaapi_chan_job)
 * EINVAL     CHAN_SUBMIT: an unknown op, zero length, a range not aligned
 *            as the channel needs (align), overlapping ranges of one
 *            object, a source the device may not read (FROM_DEVICE) or a
 *            destination it may not write (TO_DEVICE); SET_LIMIT: 0 or
 *            above DMAAPI_CHAN_MAX_QUEUE
 * EIO        CHAN_SUBMIT: an object the channel's device cannot map (or
 *            attach to, for an imported dma-buf); CHAN_SLAVE_CONFIG: the
 *            register cannot be mapped for the channel's device
 *
 * Slave jobs (DMAAPI_JOB_DEV_TO_MEM, DMAAPI_JOB_MEM_TO_DEV) move bytes
 * between a range of the file's memory and one register of the node's own
 * device: a region (DMAAPI_IOCTL_REGION_INFO) and an offset in it, set
 * beforehand for the job's direction with DMAAPI_IOCTL_CHAN_SLAVE_CONFIG
 * (dmaengine_slave_config()), never a raw address.  The module maps the
 * register for the channel's DMA device (dma_map_resource()) until the
 * direction is configured again or the channel released.  A slave job's
 * memory end is synced as a memcpy job's.  Errors, beside those above:
 *
 * EOPNOTSUPP CHAN_SLAVE_CONFIG: the channel cannot do slave transfers
 *            (caps without DMAAPI_CHAN_CAP_SLAVE, e.g. a memcpy-only
 *            engine), or does not report its slave capabilities
 * EINVAL     CHAN_SLAVE_CONFIG: a direction other than DMAAPI_JOB_DEV_TO_MEM
 *            or DMAAPI_JOB_MEM_TO_DEV, or one the channel cannot do; an
 *            addr_width the channel does not allow in that direction (or
 *            not 1, 2, 4, 8 or 16); maxburst 0, above DMAAPI_CHAN_MAX_BURST
 *            or above the channel's max burst; a region the device does
 *            not have or that is not memory; an offset not a multiple of
 *            addr_width.  CHAN_SUBMIT: a slave job with no configuration
 *            of its direction on the channel, a non-zero handle or offset
 *            at its device end, a length or a memory offset (or a piece of
 *            the memory range) not a multiple of addr_width
 * ERANGE     CHAN_SLAVE_CONFIG: offset + addr_width past the region's end
 * EBUSY      CHAN_SLAVE_CONFIG: jobs are queued on the channel
 * EIO        FLUSH, RESET: the restarted channel refused its slave
 *            configuration again
 *
 * A FLUSH or RESET that terminated jobs then restarts the channel (frees
 * and allocates its resources again: some drivers cannot start a channel
 * terminated mid-transfer).  Should another client take the channel in
 * between, it is lost: ENODEV, and the channel fd reads end of file.
 */
enum {
	DMAAPI_CMD_CHAN_REQUEST = 0x90,
	DMAAPI_CMD_CHAN_SUBMIT = 0x91,
	DMAAPI_CMD_CHAN_FLUSH = 0x92,
	DMAAPI_CMD_CHAN_GET_STATUS = 0x93,
	DMAAPI_CMD_CHAN_SET_LIMIT = 0x94,
	DMAAPI_CMD_CHAN_RESET = 0x95,
	DMAAPI_CMD_CHAN_SLAVE_CONFIG = 0x96,
};

#define DMAAPI_CHAN_NAME_LEN 32
#define DMAAPI_CHAN_MAX_QUEUE 1024	/* the largest queue_limit */
#define DMAAPI_CHAN_DEFAULT_QUEUE 16	/* queue_limit of a new channel */
#define DMAAPI_CHAN_MAX_PIECES 16	/* dmaengine descriptors of one job */
#define DMAAPI_CHAN_MAX_BURST 256	/* the largest slave maxburst */

/* dmaapi_chan_request.flags */
#define DMAAPI_CHAN_EVENTFD (1U << 0)	/* signal @eventfd on each completion */

/* dmaapi_chan_request.caps */
#define DMAAPI_CHAN_CAP_MEMCPY (1U << 0)
#define DMAAPI_CHAN_CAP_SLAVE (1U << 1)

/**
 * struct dmaapi_chan_request - ioctl(DMAAPI_IOCTL_CHAN_REQUEST)
 * @size: sizeof(struct dmaapi_chan_request)
 * @flags: 0, or DMAAPI_CHAN_EVENTFD
 * @name: a "dma-names" entry of the node's device tree node, NUL
 *        terminated; empty for any DMA_MEMCPY channel
 *        (dma_request_chan_by_mask)
 * @handle: the channel's handle in this file (out)
 * @fd: the channel fd, O_RDONLY | O_CLOEXEC (out)
 * @caps: DMAAPI_CHAN_CAP_* (out)
 * @align: the alignment, in bytes, of a memcpy job's offsets and length
 *         (the channel's copy_align) (out)
 * @queue_limit: the channel's queue limit (out)
 * @eventfd: with DMAAPI_CHAN_EVENTFD, an eventfd the module adds 1 to for
 *           every completion record (EBADF, EINVAL: not an eventfd;
 *           EOPNOTSUPP: a kernel without eventfd)
 * @max_job_bytes: the longest job: DMAAPI_CHAN_MAX_PIECES times the max
 *                 segment size of the channel's DMA device, at most
 *                 4 GiB - 1 (out)
 * @chan_name: the channel's name, dma_chan_name() (out)
 * @dev_name: its DMA controller's device name (out)
 *
 * The fd is installed before the struct is written back: on EFAULT then it
 * stays open and the channel held, as for EXPORT_DMABUF.
 */
struct dmaapi_chan_request {
	__u32 size;
	__u32 flags;
	char name[DMAAPI_CHAN_NAME_LEN];
	__u32 handle;
	__s32 fd;
	__u32 caps;
	__u32 align;
	__u32 queue_limit;
	__s32 eventfd;
	__aligned_u64 max_job_bytes;
	char chan_name[DMAAPI_CHAN_NAME_LEN];
	char dev_name[DMAAPI_CHAN_NAME_LEN];
};
#define DMAAPI_IOCTL_CHAN_REQUEST _IO(DMAAPI_TYPE, DMAAPI_CMD_CHAN_REQUEST)

/* dmaapi_chan_job.op, and dmaapi_chan_slave_config.direction */
#define DMAAPI_JOB_MEMCPY 0
#define DMAAPI_JOB_DEV_TO_MEM 1	/* slave: the configured register to memory */
#define DMAAPI_JOB_MEM_TO_DEV 2	/* slave: memory to the configured register */

/**
 * struct dmaapi_chan_job - one job of DMAAPI_IOCTL_CHAN_SUBMIT
 * @op: DMAAPI_JOB_MEMCPY, DMAAPI_JOB_DEV_TO_MEM or DMAAPI_JOB_MEM_TO_DEV
 * @flags: must be 0
 * @src_handle: an allocation or user mapping the device reads; 0 for
 *              DMAAPI_JOB_DEV_TO_MEM (the source is the configured register)
 * @dst_handle: an allocation or user mapping the device writes; 0 for
 *              DMAAPI_JOB_MEM_TO_DEV (the destination is the register)
 * @src_offset: first byte read, from the start of @src_handle (0 when
 *              @src_handle is 0)
 * @dst_offset: first byte written, from the start of @dst_handle (0 when
 *              @dst_handle is 0)
 * @length: bytes, 1..max_job_bytes
 * @user_data: echoed in the job's completion record
 * @cookie: the job's dmaengine cookie, > 0 (out)
 * @__reserved: must be 0
 *
 * A job is split into pieces, one dmaengine memcpy descriptor each: where
 * the source or the destination range crosses from one contiguous DMA
 * range of its object to the next (the scattered pages of a user mapping,
 * the entries of an imported dma-buf) and every max segment size of the
 * channel's device; at most DMAAPI_CHAN_MAX_PIECES (EXDEV beyond).  It is
 * still one job: one cookie (its last piece's), one slot of the queue
 * limit, one completion record once every piece is over: DMAAPI_JOB_ERROR
 * if a piece failed, else DMAAPI_JOB_ABORTED if one was terminated, with
 * the residue summed over the pieces not done.  If the driver runs out of
 * descriptors after the job's first piece, the pieces it took still run,
 * the job ends DMAAPI_JOB_ERROR with the rest as residue, and SUBMIT stops
 * after it (submitted counts it).
 *
 * A slave job is split the same way (one dmaengine_prep_slave_single()
 * descriptor per piece of its memory range); every piece reads or writes
 * the same register (the device end does not advance), @addr_width bytes
 * at a time, so @length, the memory offset and every piece are multiples
 * of the configuration's addr_width (EINVAL).
 */
struct dmaapi_chan_job {
	__u32 op;
	__u32 flags;
	__u32 src_handle;
	__u32 dst_handle;
	__aligned_u64 src_offset;
	__aligned_u64 dst_offset;
	__aligned_u64 length;
	__aligned_u64 user_data;
	__s32 cookie;
	__u32 __reserved;
};

/**
 * struct dmaapi_chan_submit - ioctl(DMAAPI_IOCTL_CHAN_SUBMIT)
 * @size: sizeof(struct dmaapi_chan_submit)
 * @flags: must be 0
 * @handle: a channel of this file
 * @count: jobs at @jobs, 1..queue_limit
 * @jobs: user pointer to @count struct dmaapi_chan_job; each one's cookie
 *        is written back
 * @submitted: jobs queued, in order from the first (out)
 * @__reserved: must be 0
 *
 * Checks every job, then prepares, submits and issues them
 * (dma_async_issue_pending once, after the last).  Invalid input queues
 * nothing.  Should the driver run out of descriptors in the middle, the jobs
 * before are queued and issued, @submitted says how many, and the call
 * succeeds (EBUSY when not even the first could be prepared).
 */
struct dmaapi_chan_submit {
	__u32 size;
	__u32 flags;
	__u32 handle;
	__u32 count;
	__aligned_u64 jobs;
	__u32 submitted;
	__u32 __reserved;
};
#define DMAAPI_IOCTL_CHAN_SUBMIT _IO(DMAAPI_TYPE, DMAAPI_CMD_CHAN_SUBMIT)

/* dmaapi_chan_completion.status */
#define DMAAPI_JOB_DONE 0
#define DMAAPI_JOB_ERROR 1	/* the controller reported a read or write error */
#define DMAAPI_JOB_ABORTED 2	/* terminated: flush, reset, release, unbind */

/**
 * struct dmaapi_chan_completion - what read() of a channel fd returns
 * @user_data: the job's user_data
 * @cookie: the job's cookie
 * @status: DMAAPI_JOB_*
 * @residue: bytes not moved, as the driver reports them (0 when it does not)
 * @__reserved: 0
 *
 * Records come in the order the jobs completed.  read() takes whole
 * records (EINVAL for a buffer shorter than one), blocks while none waits
 * unless O_NONBLOCK (EAGAIN), and returns 0 once the channel is released
 * and every record read.
 */
struct dmaapi_chan_completion {
	__aligned_u64 user_data;
	__s32 cookie;
	__u32 status;
	__u32 residue;
	__u32 __reserved;
};

/**
 * struct dmaapi_chan_op - ioctl(DMAAPI_IOCTL_CHAN_FLUSH), (..._RESET)
 * @size: sizeof(struct dmaapi_chan_op)
 * @flags: must be 0
 * @handle: a channel of this file
 * @__reserved: must be 0
 *
 * FLUSH retires every queued job: it waits (up to 2 s) for the jobs the
 * engine has, then terminates the rest (dmaengine_terminate_sync: none runs
 * when it returns); each of those gets a DMAAPI_JOB_ABORTED record.  RESET flushes,
 * drops the unread records and puts the queue limit back to
 * DMAAPI_CHAN_DEFAULT_QUEUE.
 */
struct dmaapi_chan_op {
	__u32 size;
	__u32 flags;
	__u32 handle;
	__u32 __reserved;
};
#define DMAAPI_IOCTL_CHAN_FLUSH _IO(DMAAPI_TYPE, DMAAPI_CMD_CHAN_FLUSH)
#define DMAAPI_IOCTL_CHAN_RESET _IO(DMAAPI_TYPE, DMAAPI_CMD_CHAN_RESET)

/**
 * struct dmaapi_chan_status - ioctl(DMAAPI_IOCTL_CHAN_GET_STATUS)
 * @size: sizeof(struct dmaapi_chan_status)
 * @flags: must be 0
 * @handle: a channel of this file
 * @queued: jobs submitted and not completed (out)
 * @unread: completion records not read yet (out)
 * @queue_limit: the queue limit (out)
 * @max_job_bytes: the longest job (out)
 * @submitted: jobs submitted since the request or the last reset (out)
 * @completed: jobs completed, failed or aborted since then (out)
 * @mapped: objects the file holds a mapping of for the channel's device
 *          (out): the first job using an object on one of the file's
 *          channels on that device maps it, until the object is freed or
 *          the last of those channels released
 * @__reserved: 0 (out)
 */
struct dmaapi_chan_status {
	__u32 size;
	__u32 flags;
	__u32 handle;
	__u32 queued;
	__u32 unread;
	__u32 queue_limit;
	__aligned_u64 max_job_bytes;
	__aligned_u64 submitted;
	__aligned_u64 completed;
	__u32 mapped;
	__u32 __reserved;
};
#define DMAAPI_IOCTL_CHAN_GET_STATUS _IO(DMAAPI_TYPE, DMAAPI_CMD_CHAN_GET_STATUS)

/**
 * struct dmaapi_chan_set_limit - ioctl(DMAAPI_IOCTL_CHAN_SET_LIMIT)
 * @size: sizeof(struct dmaapi_chan_set_limit)
 * @flags: must be 0
 * @handle: a channel of this file
 * @queue_limit: 1..DMAAPI_CHAN_MAX_QUEUE; below the jobs queued or unread
 *               now, it only stops new submissions until they drain
 */
struct dmaapi_chan_set_limit {
	__u32 size;
	__u32 flags;
	__u32 handle;
	__u32 queue_limit;
};
#define DMAAPI_IOCTL_CHAN_SET_LIMIT _IO(DMAAPI_TYPE, DMAAPI_CMD_CHAN_SET_LIMIT)

/**
 * struct dmaapi_chan_slave_config - ioctl(DMAAPI_IOCTL_CHAN_SLAVE_CONFIG)
 * @size: sizeof(struct dmaapi_chan_slave_config)
 * @flags: must be 0
 * @handle: a channel of this file with DMAAPI_CHAN_CAP_SLAVE
 * @direction: DMAAPI_JOB_DEV_TO_MEM (the register is the source of the
 *             direction's jobs) or DMAAPI_JOB_MEM_TO_DEV (their destination)
 * @region: a region of this node's device (DMAAPI_IOCTL_REGION_INFO index),
 *          memory, mappable or not
 * @addr_width: bytes the engine moves to or from the register at a time:
 *              1, 2, 4, 8 or 16, one the channel allows in @direction
 * @offset: of the register in @region, a multiple of @addr_width, with
 *          @offset + @addr_width at most the region's length
 * @maxburst: words of @addr_width per burst, 1..DMAAPI_CHAN_MAX_BURST and
 *            at most the channel's max burst where it reports one
 * @__reserved: must be 0
 * @dev_addr: the register's address as the channel's engine is given it
 *            (out): dma_map_resource() of its CPU address for the
 *            channel's DMA device; where that is the CPU address itself
 *            (no IOMMU: dma-direct does not translate MMIO) and the DMA
 *            device's dma-ranges cover it, their translation (on BCM283x,
 *            0x7e... for the CPU's 0x3f...)
 *
 * Sets the channel's slave configuration of @direction (the other
 * direction's stays): later jobs of that op read or write the register
 * through it.  The previous configuration of @direction is unmapped; so
 * is every configuration when the channel is released.  A FLUSH or RESET
 * that restarts the channel applies the configurations again.  Nothing
 * changes on failure.
 */
struct dmaapi_chan_slave_config {
	__u32 size;
	__u32 flags;
	__u32 handle;
	__u32 direction;
	__u32 region;
	__u32 addr_width;
	__aligned_u64 offset;
	__u32 maxburst;
	__u32 __reserved;
	__aligned_u64 dev_addr;
};
#define DMAAPI_IOCTL_CHAN_SLAVE_CONFIG _IO(DMAAPI_TYPE, DMAAPI_CMD_CHAN_SLAVE_CONFIG)

/*
 * DOC: sysfs attribute dmabufs
 *
 * /sys/class/misc/<node>/dmabufs (read-only) lists the node's dma-bufs, one
 * per line, as "export" or "import" and space-separated key=value fields
 * (new keys may be added at the end of a line):
 *
 *   export ino=<inode> size=<bytes> offset=<bytes> memory=coherent|cached
 *          attachments=<n>
 *   import ino=<inode> size=<bytes> exporter=<exp_name> segments=<n>
 *          bounced=0|1
 *
 * ino is the dma-buf file's inode (as in /proc/<pid>/fdinfo/<fd>).  An
 * export of one of the node's allocations is listed while its dma-buf
 * lives, whether or not the file that exported it is still open; an import
 * while its handle does.  Empty where the module has no dma-buf support.
 * At most a page: later lines are left out.
 */

/*
 * DOC: sysfs attribute channels
 *
 * /sys/class/misc/<node>/channels (read-only) lists the dmaengine channels
 * the node's open files hold (CHAN_REQUEST), one per line, as
 * space-separated key=value fields (new keys may be added at the end):
 *
 *   chan=<dmaengine name> device=<DMA device> pid=<requester's pid>
 *   handle=<n> queued=<n> unread=<n> limit=<n> max_job=<bytes>
 *   submitted=<n> completed=<n> errors=<n> aborted=<n> mapped=<n>
 *   [slave_dirs=dev_to_mem+mem_to_dev slave_widths=<bytes>[+<bytes>...]
 *    slave_max_burst=<n>]
 *
 * The slave fields are there for a channel with DMAAPI_CHAN_CAP_SLAVE that
 * reports its slave capabilities (dma_get_slave_caps()): the directions
 * it can do, the register widths both ends of it allow (1, 2, 4, 8, 16
 * bytes) and its max burst (0: it does not say).
 * The counters are those of DMAAPI_IOCTL_CHAN_GET_STATUS (errors and
 * aborted: completions with DMAAPI_JOB_ERROR, DMAAPI_JOB_ABORTED); pid is
 * the process that requested the channel, in the initial pid namespace.
 * A channel's line goes with its handle (CHAN_FREE via FREE, close of the
 * file) or the device's removal.  Empty when no channel is held or the
 * module has no dmaengine support.  At most a page: the lines that do not
 * fit are left out and a last line "truncated=<n>" counts them.
 */

/* mmap offset of allocation @handle: handle << DMAAPI_MMAP_SHIFT */
#define DMAAPI_MMAP_SHIFT 32

/*
 * DOC: Interrupts and registers (commands from DMAAPI_CMD_BASE + 0x20)
 *
 * A bound device's interrupts reach userspace through eventfds and through
 * a file per vector; its memory regions (a PCI device's memory BARs, a
 * device-tree device's "reg" ranges) are mmapped through the node.  Whoever
 * may open the node may drive the device: no sysfs root access is needed.
 *
 * A PCI device uses one interrupt type at a time (INTx, MSI or MSI-X, as
 * the PCI core allows): the first vector attached allocates every vector of
 * its type, the last one detached frees them.  A vector is attached by one
 * file, and detached by DMAAPI_IRQ_SET_DETACH, by the close of that file or
 * by the device's removal.
 *
 * The vector's file (dmaapi_irq_set.irq_fd) is the fast way to wait:
 *  - read() of 8 bytes blocks until an interrupt this file has not returned
 *    yet, and returns the vector's interrupt count since it was attached
 *    (a __u64); with O_NONBLOCK it fails with EAGAIN instead of blocking;
 *  - poll() reports EPOLLIN when such an interrupt is there;
 *  - an auto-masked vector (INTx, a device-tree interrupt: the kernel masks
 *    the line on each interrupt, as uio_pci_generic does) is re-enabled by
 *    the next read() or poll() that finds every interrupt returned: a
 *    driver that handles the device (acks its interrupt) before it waits
 *    again pays one read() per interrupt and nothing to unmask.  A write()
 *    of any 8 bytes re-enables it too, for whoever waits on the eventfd;
 *  - once the vector is detached or the device is gone, read() and write()
 *    fail with ENODEV and poll() reports EPOLLHUP | EPOLLERR.
 * The eventfd given at attach (if any) is signalled once per interrupt.
 * The node itself reports EPOLLHUP | EPOLLERR to poll() once the device is
 * gone.  Per-vector counts are in the node's sysfs attribute irq_counts,
 * one "<type> <index> <count>" line per attached vector.
 *
 * mmap offsets: an allocation's is its handle << DMAAPI_MMAP_SHIFT; region
 * @index's is DMAAPI_REGION_MMAP_OFFSET(index), with handle bits 0 (no
 * allocation has handle 0): regions are mapped uncached, up to their
 * length rounded to pages, and only those whose info has
 * DMAAPI_REGION_MMAP.  Unbinding the device zaps every mapping of a region;
 * touching it then raises SIGBUS.
 */
enum {
	DMAAPI_CMD_IRQ_INFO = 0xA0,
	DMAAPI_CMD_IRQ_SET = 0xA1,
	DMAAPI_CMD_REGION_INFO = 0xA2,
};

/* Interrupt types */
#define DMAAPI_IRQ_INTX 0	/* PCI INTx, auto-masked */
#define DMAAPI_IRQ_MSI 1	/* PCI MSI */
#define DMAAPI_IRQ_MSIX 2	/* PCI MSI-X */
#define DMAAPI_IRQ_PLATFORM 3	/* a device-tree device's interrupts, auto-masked */
#define DMAAPI_IRQ_NR_TYPES 4
#define DMAAPI_IRQ_NONE 0xffffffffU	/* dmaapi_irq_info.active_type: none */

/* dmaapi_irq_info.out_flags */
#define DMAAPI_IRQ_AUTOMASKED (1U << 0) /* each interrupt masks the vector */

/**
 * struct dmaapi_irq_info - ioctl(DMAAPI_IOCTL_IRQ_INFO)
 * @size: sizeof(struct dmaapi_irq_info)
 * @flags: must be 0
 * @type: DMAAPI_IRQ_*
 * @count: the device's vectors of @type, 0 if it has none (out)
 * @out_flags: DMAAPI_IRQ_AUTOMASKED (out)
 * @active_type: the type whose vectors are allocated, or DMAAPI_IRQ_NONE (out)
 *
 * EINVAL: an unknown @type.
 */
struct dmaapi_irq_info {
	__u32 size;
	__u32 flags;
	__u32 type;
	__u32 count;
	__u32 out_flags;
	__u32 active_type;
};
#define DMAAPI_IOCTL_IRQ_INFO _IO(DMAAPI_TYPE, DMAAPI_CMD_IRQ_INFO)

/* dmaapi_irq_set.flags */
#define DMAAPI_IRQ_SET_DETACH (1U << 0) /* detach instead of attaching */

/**
 * struct dmaapi_irq_set - ioctl(DMAAPI_IOCTL_IRQ_SET)
 * @size: sizeof(struct dmaapi_irq_set)
 * @flags: 0 to attach, DMAAPI_IRQ_SET_DETACH to detach
 * @type: DMAAPI_IRQ_*
 * @index: the vector, below dmaapi_irq_info.count
 * @eventfd: attach: an eventfd signalled on each interrupt, or -1
 * @irq_fd: attach: the vector's file, O_RDWR | O_CLOEXEC (out); the
 *          caller closes it (closing it does not detach)
 *
 * EINVAL: an unknown @type, @index out of range, a non-eventfd @eventfd.
 * EOPNOTSUPP: the device has no vector of @type.  EBUSY: the vector is
 * attached already, or another type's vectors are allocated.  EBADF:
 * @eventfd is not open.  ENOENT (detach): this file has not attached the
 * vector.  ENOSPC: the PCI core cannot allocate the type's vectors.  The
 * descriptor is installed before the struct is written back: on EFAULT
 * then it stays open and the vector attached.
 */
struct dmaapi_irq_set {
	__u32 size;
	__u32 flags;
	__u32 type;
	__u32 index;
	__s32 eventfd;
	__s32 irq_fd;
};
#define DMAAPI_IOCTL_IRQ_SET _IO(DMAAPI_TYPE, DMAAPI_CMD_IRQ_SET)

/* dmaapi_region_info.region_flags */
#define DMAAPI_REGION_MMAP (1U << 0)	/* may be mmapped at mmap_offset */
#define DMAAPI_REGION_IO (1U << 1)	/* an I/O port range (PCI), never mapped */
#define DMAAPI_REGION_PREFETCH (1U << 2) /* prefetchable memory (PCI) */

/* Region mmap offsets: handle bits 0, the index in bits 28..31 */
#define DMAAPI_REGION_SHIFT 28
#define DMAAPI_REGION_MAX_LENGTH (1ULL << DMAAPI_REGION_SHIFT)
#define DMAAPI_REGION_MAX_INDEX 16
#define DMAAPI_REGION_MMAP_OFFSET(index) ((__u64)(index) << DMAAPI_REGION_SHIFT)

/**
 * struct dmaapi_region_info - ioctl(DMAAPI_IOCTL_REGION_INFO)
 * @size: sizeof(struct dmaapi_region_info)
 * @flags: must be 0
 * @index: a PCI BAR number (0..5) or a device-tree "reg" entry, below
 *         DMAAPI_REGION_MAX_INDEX
 * @count: the number of regions the device has (out)
 * @region_flags: DMAAPI_REGION_* (out)
 * @__reserved: must be 0
 * @length: bytes, 0 for an unused BAR (out)
 * @mmap_offset: the offset to pass to mmap() (out)
 *
 * A region is mappable (DMAAPI_REGION_MMAP) if it is memory, starts on a
 * page boundary, spans whole pages and is at most DMAAPI_REGION_MAX_LENGTH.
 * An @index at or past @count succeeds with @length and @region_flags 0
 * (so index 0 tells how many regions there are).  EINVAL: @index at or
 * past DMAAPI_REGION_MAX_INDEX, a non-zero reserved field.
 */
struct dmaapi_region_info {
	__u32 size;
	__u32 flags;
	__u32 index;
	__u32 count;
	__u32 region_flags;
	__u32 __reserved;
	__aligned_u64 length;
	__aligned_u64 mmap_offset;
};
#define DMAAPI_IOCTL_REGION_INFO _IO(DMAAPI_TYPE, DMAAPI_CMD_REGION_INFO)

/*
 * DOC: Vectored sync (commands from DMAAPI_CMD_BASE + 0x30)
 *
 * DMAAPI_IOCTL_SYNCV syncs many ranges, of one object or of several, in one
 * call: each range is what one DMAAPI_IOCTL_SYNC would sync.  Every range
 * is checked (flags, length, handle, bounds) before any is synced; if one
 * is bad, none is synced, the call fails with that range's error (EINVAL,
 * EOPNOTSUPP, ENOENT, EOVERFLOW as for SYNC) and @error_index names it.
 * Once all are checked, all are synced in order; a sync that then fails
 * (an imported dma-buf's exporter refusing begin/end_cpu_access) does not
 * stop the others: the call returns the first such error and
 * @error_index names its range.  On success @error_index is @count.
 * SYNC and SYNCV take no lock: concurrent syncs of one file run in
 * parallel, and FREE of a handle waits for the syncs in flight on it.
 */
enum {
	DMAAPI_CMD_SYNCV = 0xB0,
};

#define DMAAPI_SYNCV_MAX 256	/* ranges per DMAAPI_IOCTL_SYNCV */

/**
 * struct dmaapi_sync_range - one range of DMAAPI_IOCTL_SYNCV
 * @handle: an allocation, a mapping or an import of this file
 * @flags: DMAAPI_SYNC_FOR_CPU or DMAAPI_SYNC_FOR_DEVICE
 * @offset: first byte of the range, from the start of the object
 * @length: bytes in the range, > 0
 */
struct dmaapi_sync_range {
	__u32 handle;
	__u32 flags;
	__aligned_u64 offset;
	__aligned_u64 length;
};

/**
 * struct dmaapi_syncv - ioctl(DMAAPI_IOCTL_SYNCV)
 * @size: sizeof(struct dmaapi_syncv)
 * @flags: must be 0
 * @count: ranges in @ranges, 1..DMAAPI_SYNCV_MAX (EINVAL otherwise)
 * @error_index: the failed range, or @count on success (out; written on
 *               every return but EFAULT for the struct itself)
 * @ranges: user pointer to @count struct dmaapi_sync_range (EFAULT)
 */
struct dmaapi_syncv {
	__u32 size;
	__u32 flags;
	__u32 count;
	__u32 error_index;
	__aligned_u64 ranges;
};
#define DMAAPI_IOCTL_SYNCV _IO(DMAAPI_TYPE, DMAAPI_CMD_SYNCV)

#endif /* _UAPI_LINUX_DMAAPI_H */

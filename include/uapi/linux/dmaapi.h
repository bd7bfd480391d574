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
 * does unbinding, and the next open sets it again.  Its INTx stays masked.
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
 * EMFILE     EXPORT_DMABUF: no free file descriptor
 */
#ifndef _UAPI_LINUX_DMAAPI_H
#define _UAPI_LINUX_DMAAPI_H

#include <linux/ioctl.h>
#include <linux/types.h>

#define DMAAPI_API_VERSION 1

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
 * @api_version: DMAAPI_API_VERSION of the module (out)
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

/**
 * struct dmaapi_map_user - ioctl(DMAAPI_IOCTL_MAP_USER)
 * @size: sizeof(struct dmaapi_map_user)
 * @flags: must be 0
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

/* mmap offset of allocation @handle: handle << DMAAPI_MMAP_SHIFT */
#define DMAAPI_MMAP_SHIFT 32

#endif /* _UAPI_LINUX_DMAAPI_H */

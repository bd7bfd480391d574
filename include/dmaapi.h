/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libdmaapi - the kernel's DMA API for userspace drivers.
 *
 * The library models the Rust crate dma-api 0.7: a backend (struct
 * dmaapi_ops, the crate's DmaOp trait) and three containers built on it:
 *
 *   struct dmaapi_array  DArray<T>     zeroed DMA memory, an array of elements
 *   struct dmaapi_box    DBox<T>       zeroed DMA memory, one value
 *   struct dmaapi_map    SArrayPtr<T>  an existing buffer mapped for DMA
 *
 * and, since 1.2, struct dmaapi_pool (dma-api 0.8's pools): fixed-size DMA
 * buffers cut from one allocation, handed out without system calls.  Since
 * 1.3 arrays and boxes export to dma-buf fds and a dma-buf fd imports as a
 * mapped array.
 *
 * A device either runs on the kernel module (dmaapi_device_open(): the ioctls
 * of /dev/dmaapi) or on any backend the caller supplies (dmaapi_device_new()).
 *
 * Cache-sync rule, applied on every element access of arrays and boxes and
 * on the explicit syncs of mapped arrays:
 *
 *   operation       TO_DEVICE  FROM_DEVICE  BIDIRECTIONAL
 *   confirm_write   flush      nothing      flush        (CPU wrote, device reads)
 *   prepare_read    nothing    invalidate   invalidate   (device wrote, CPU reads)
 *
 * Where a sync is provably unnecessary (the region lacks
 * DMAAPI_REGION_NEED_SYNC: coherent memory, a coherent device without a
 * bounce buffer), the library does not call the backend, and so makes no
 * system call.
 *
 * Errors: every int-returning call returns 0 or a negative DMAAPI_ERR_*
 * code, and on failure records the details in dmaapi_last_error(), which is
 * per thread.  Success leaves dmaapi_last_error() untouched.
 *
 * Threads: a device may be used from several threads at once (the Linux
 * backend's ioctls are thread-safe; a custom backend must be too).  One
 * container must not be used by two threads at once without a lock.
 *
 * Lifetimes: every container keeps a reference on its device, so
 * dmaapi_device_close() may be called before the containers are freed; the
 * device (and its file descriptor) goes away with its last container.
 * Every pointer a getter returns is owned by the object it came from and
 * stays valid until that object is freed.
 *
 * Ordering against the device: syncs make data visible, they do not order
 * it.  Coherent memory is never synced, so between a CPU access to DMA
 * memory and an access to the device's registers (or to a status word the
 * device writes) the driver needs a barrier, exactly as a kernel driver
 * does:
 *
 *   fill buffers / descriptors;  dmaapi_wmb();  write the doorbell register
 *   read the status register;    dmaapi_rmb();  read what the device wrote
 *   write descriptor fields;     dmaapi_dma_wmb();  write its OWN bit
 *   read a descriptor's OWN bit; dmaapi_dma_rmb();  read its other fields
 *
 * An element access of an array, box or mapped array whose element is 1,
 * 2 or 4 bytes (and 8 bytes on 64-bit targets), at a naturally aligned
 * address, is one single-copy-atomic load or store: a status word the
 * device updates is never read torn.  Other elements (larger, misaligned,
 * or 8 bytes on 32-bit targets) are copied with memcpy(), in no particular
 * order or width.
 *
 * fork(): containers and devices belong to the process that created them.
 * A child inherits the file descriptor and the shared mappings, but must
 * not sync, free or map through them (freeing in the child frees the
 * parent's kernel object, which shares the open file); it may only exit or
 * exec.  The node is opened O_CLOEXEC.
 *
 * Language: C99 or later, or C++11 or later (GCC or Clang).  The macros
 * that take a type (DMAAPI_ARRAY_ZERO ...) use _Alignof in C11, alignof in
 * C++ and __alignof__ in older C.
 */
#ifndef DMAAPI_H
#define DMAAPI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The ABI version of this header: a program using a call marked "since
 * 1.N" needs a library with DMAAPI_ABI_MINOR >= N (the symbol version
 * DMAAPI_1.N says so at load time). */
#define DMAAPI_ABI_MAJOR 1
#define DMAAPI_ABI_MINOR 7

/* Alignment of a type, for the macros below. */
#if defined(__cplusplus)
#define DMAAPI_ALIGNOF(T) alignof(T)
#elif defined(__STDC_VERSION__) && __STDC_VERSION__ >= 201112L
#define DMAAPI_ALIGNOF(T) _Alignof(T)
#else
#define DMAAPI_ALIGNOF(T) __alignof__(T)
#endif

/* ------------------------------------------------------------------------ */
/* Basic types                                                               */

/** A device-side (bus) address: the crate's DmaAddr. */
typedef uint64_t dmaapi_addr_t;

/** Direction of a transfer; the values equal the kernel's dma_data_direction. */
enum dmaapi_direction {
	DMAAPI_BIDIRECTIONAL = 0,
	DMAAPI_TO_DEVICE = 1,
	DMAAPI_FROM_DEVICE = 2,
};

/** Every int-returning call returns 0 or a negative DMAAPI_ERR_* code. */
enum dmaapi_error_code {
	DMAAPI_ERR_NO_MEMORY = 1,      /* DmaError::NoMemory */
	DMAAPI_ERR_LAYOUT,             /* DmaError::LayoutError: align not a power of two, size overflow */
	DMAAPI_ERR_DMA_MASK,           /* DmaError::DmaMaskNotMatch { addr, mask } */
	DMAAPI_ERR_ALIGN,              /* DmaError::AlignMismatch { required, address } */
	DMAAPI_ERR_NULL_POINTER,       /* DmaError::NullPointer */
	DMAAPI_ERR_ZERO_SIZED,         /* DmaError::ZeroSizedBuffer */
	DMAAPI_ERR_INDEX,              /* index out of range (the crate's None) */
	DMAAPI_ERR_SYSTEM,             /* the OS refused: sys_errno says why */
	/* since 1.1, dma-api 0.8's DmaConstraints (dmaapi_device_set_constraints) */
	DMAAPI_ERR_SEGMENT,            /* DmaError::SegmentTooLarge { size, max } */
	DMAAPI_ERR_BOUNDARY,           /* DmaError::BoundaryCross { addr, size, boundary } */
};

/**
 * struct dmaapi_error - details of a failure; see dmaapi_last_error().
 *
 * For DMA_MASK, @addr is the first address found beyond @mask: the region's
 * start if the start is beyond it, else its last byte (the end is what
 * overflowed).  For ALIGN it is the misaligned address.  For SEGMENT,
 * @size is the size and @required the device's maximum segment size; for
 * BOUNDARY, @addr and @size are the DMA range and @required the boundary it
 * crosses.
 */
struct dmaapi_error {
	int code;          /* DMAAPI_ERR_*, positive */
	int sys_errno;     /* for DMAAPI_ERR_SYSTEM, and the errno behind any code */
	uint64_t addr;     /* DMA_MASK: offending address; ALIGN: the address */
	uint64_t mask;     /* DMA_MASK: the mask */
	uint64_t required; /* ALIGN: the required alignment */
	uint64_t size;     /* SEGMENT, BOUNDARY: the size (since 1.1) */
};

/**
 * dmaapi_last_error() - this thread's last failure.
 *
 * Returns a pointer to thread-local storage owned by the library, valid in
 * the calling thread for the thread's lifetime; overwritten by the next
 * failure in the same thread.  All fields are zero before the first failure.
 */
const struct dmaapi_error *dmaapi_last_error(void);

/**
 * dmaapi_strerror() - a static English description of an error code.
 * @code: DMAAPI_ERR_* or its negation (the return value of a call).
 *
 * Unknown codes give a generic string.  Never returns NULL; the string is
 * static and must not be freed.
 */
const char *dmaapi_strerror(int code);

/**
 * dmaapi_addr_checked_add() - @a + @rhs, the crate's DmaAddr::checked_add.
 *
 * Stores the sum in *@out (if @out is not NULL) and returns true, or returns
 * false, leaving *@out alone, if the sum does not fit in 64 bits.
 */
bool dmaapi_addr_checked_add(dmaapi_addr_t a, uint64_t rhs, dmaapi_addr_t *out);

/**
 * dmaapi_version() - the library's version at run time, e.g. "0.1.0".
 *
 * Static string, never NULL.
 */
const char *dmaapi_version(void);

/* ------------------------------------------------------------------------ */
/* Backends: struct dmaapi_ops, the crate's DmaOp trait                      */

/* struct dmaapi_region.flags */
/* Syncs of this region do real work.  The library sets it before calling
 * alloc_coherent/map_single; a backend clears it where syncs are no-ops, and
 * then the library never calls prepare_read/confirm_write/flush/invalidate
 * for the region. */
#define DMAAPI_REGION_NEED_SYNC (1U << 0)
/* alloc_coherent: the caller asked for cached memory with real syncs
 * (dmaapi_array_zero_with_flags(..., DMAAPI_MEM_CACHED, ...)).  Set by the
 * library; a backend that cannot honour it fails with -DMAAPI_ERR_SYSTEM
 * and errno EOPNOTSUPP, or gives coherent memory and clears NEED_SYNC. */
#define DMAAPI_REGION_CACHED (1U << 1)
/* The region is a mapping of an existing buffer (map_single), not an
 * allocation.  Set by the library. */
#define DMAAPI_REGION_MAPPED (1U << 2)
/* The backend bounces the region through its own buffer (informational,
 * set by the backend). */
#define DMAAPI_REGION_BOUNCED (1U << 3)
/* alloc_coherent: the backend's memory is already zero (set by the backend;
 * the kernel's is).  Without it the library zeroes the allocation itself
 * and, where the region needs syncs, writes the zeros back (flush_invalidate,
 * or the default one) before handing it out.  Since 1.1. */
#define DMAAPI_REGION_ZEROED (1U << 4)

/**
 * struct dmaapi_region - one allocation or mapping, shared by the library
 * and the backend (the crate's DmaHandle / DmaMapHandle).
 * @cpu_addr: CPU address of the first byte.  map_single: the caller's
 *            buffer (in).  alloc_coherent: set by the backend (out).
 * @dma_addr: the device's address of the first byte (out).  On a
 *            -DMAAPI_ERR_DMA_MASK or -DMAAPI_ERR_ALIGN failure the backend
 *            stores the offending address here.
 * @size: length in bytes, > 0 (in).
 * @align: required alignment of @dma_addr, a power of two (in).
 * @dir: the direction the region is used and synced in (in).
 * @flags: DMAAPI_REGION_* (in/out, see each flag).
 * @cookie: the backend's own per-region data, e.g. a kernel handle or a
 *          pointer cast to uintptr_t (out; the library never reads it).
 *
 * The library owns the struct; the backend fills its out fields in
 * alloc_coherent/map_single and may read it in every later callback.
 */
struct dmaapi_region {
	void *cpu_addr;
	dmaapi_addr_t dma_addr;
	size_t size;
	size_t align;
	enum dmaapi_direction dir;
	uint32_t flags;
	uint64_t cookie;
};

/* struct dmaapi_device_info.flags: the same bits as the kernel's dev_flags */
#define DMAAPI_INFO_COHERENT (1U << 0) /* CPU caches are coherent with the device */
#define DMAAPI_INFO_IOMMU (1U << 1)    /* an IOMMU translates the device's DMA */
#define DMAAPI_INFO_DEFAULT (1U << 2)  /* the kernel module's own default device */
#define DMAAPI_INFO_PCI (1U << 3)      /* a PCI device */
#define DMAAPI_INFO_KERNEL (1U << 16)  /* the device runs on the kernel module */

/**
 * struct dmaapi_device_info - what dmaapi_device_info() reports.
 * @api_version: the kernel module's API version; 0 for custom backends
 * @flags: DMAAPI_INFO_*
 * @page_size: page size of the backend (mmap granularity for the kernel)
 * @dma_mask: the mask the device allocates and maps under
 * @device_mask: the device's streaming DMA mask (custom backends: @dma_mask)
 * @bus_limit: the bus's DMA limit, 0 if none or unknown
 * @max_alloc_size: largest allocation or mapping in bytes, 0 if unknown
 * @max_handles: most live allocations and mappings, 0 if unknown
 * @handles: live allocations and mappings now (kernel only, else 0)
 * @bytes: bytes allocated or mapped now (kernel only, else 0)
 * @reserved: zero
 */
struct dmaapi_device_info {
	uint32_t api_version;
	uint32_t flags;
	uint64_t page_size;
	uint64_t dma_mask;
	uint64_t device_mask;
	uint64_t bus_limit;
	uint64_t max_alloc_size;
	uint32_t max_handles;
	uint32_t handles;
	uint64_t bytes;
	uint64_t reserved[4];
};

/**
 * struct dmaapi_ops - a DMA backend, the crate's DmaOp trait.
 * @size: sizeof(struct dmaapi_ops) as the backend was compiled, so that
 *     callbacks can be added at the end: the library reads only the first
 *     @size bytes and treats later callbacks as NULL.  0 means the 1.0
 *     layout (@page_size .. @info).  A @size the library does not know is
 *     refused unless every byte past its own struct is zero.
 *
 * The library copies the struct in dmaapi_device_new().  Every callback
 * gets the @ctx given to dmaapi_device_new() first.  Callbacks
 * returning int return 0 or a negative DMAAPI_ERR_* code; for
 * -DMAAPI_ERR_SYSTEM they leave errno set to the reason (the library copies
 * errno into sys_errno for every code).  The library fills mask/required of
 * dmaapi_last_error() itself, and restores the caller's errno after a
 * callback that succeeded.  @ctx must stay valid until the device is gone
 * (after dmaapi_device_close() and the last container's free).
 *
 * Required:
 * @page_size: the backend's page size in bytes.
 * @map_single: make @r->cpu_addr .. + @r->size (the caller's buffer) one
 *     contiguous DMA range for a device limited to @dma_mask, aligned to
 *     @r->align: set @r->dma_addr, optionally @r->cookie, and clear
 *     DMAAPI_REGION_NEED_SYNC if syncs are no-ops.  Must leave the buffer's
 *     contents visible to the device as a confirm_write would.
 * @unmap_single: undo map_single, without syncing.
 * @alloc_coherent: allocate @r->size bytes of memory visible to the
 *     device, for @dma_mask and @r->align: set @r->cpu_addr (not NULL),
 *     @r->dma_addr, optionally @r->cookie, and clear DMAAPI_REGION_NEED_SYNC
 *     if syncs are no-ops (coherent memory).  Set DMAAPI_REGION_ZEROED if
 *     the memory is already zero; otherwise the library zeroes it (as the
 *     crate's DCommon::new_zero does).  DMAAPI_REGION_CACHED in @r->flags
 *     asks for cached memory.  Running out of memory is
 *     -DMAAPI_ERR_NO_MEMORY.  A success with a NULL @r->cpu_addr is undone
 *     (dealloc_coherent) and reported as NO_MEMORY.
 * @dealloc_coherent: free what alloc_coherent returned.
 *
 * Whatever the backend returns, the library checks that
 * dma_addr + size - 1 <= dma_mask and that dma_addr is aligned; if not it
 * undoes the call (unmap_single/dealloc_coherent) and fails with
 * DMAAPI_ERR_DMA_MASK or DMAAPI_ERR_ALIGN.
 *
 * Optional (NULL = the crate's default):
 * @flush: write CPU caches back to memory for [@addr, @addr + @size).
 *     Default: a full memory barrier, then on aarch64 "dc cvac" per line.
 * @invalidate: drop CPU cache lines for the range so the CPU sees what the
 *     device wrote.  Default: on aarch64 "dc civac" per line (EL0 cannot
 *     "dc ivac"), then a full memory barrier.
 * @flush_invalidate: both at once.  Called once after the library zeroed
 *     an allocation that needs syncs.  Default: on aarch64 "dc civac" per
 *     line between full barriers.
 * @prepare_read: the device wrote [@offset, @offset + @size) of @r, the CPU
 *     is about to read it (dma_sync_single_range_for_cpu).  Default: invalidate
 *     for FROM_DEVICE and BIDIRECTIONAL, nothing for TO_DEVICE.
 * @confirm_write: the CPU wrote [@offset, @offset + @size) of @r, the device
 *     is about to read it (dma_sync_single_range_for_device).  Default: flush
 *     for TO_DEVICE and BIDIRECTIONAL, nothing for FROM_DEVICE.
 *     prepare_read/confirm_write are called for every direction (the
 *     direction is @r->dir), only for regions with DMAAPI_REGION_NEED_SYNC,
 *     and never with @size 0.
 * @info: fill in what the backend knows of @info; the library has already
 *     set page_size, dma_mask and device_mask.  Default: nothing more.
 */
struct dmaapi_ops {
	size_t size;
	size_t (*page_size)(void *ctx);
	int (*map_single)(void *ctx, uint64_t dma_mask, struct dmaapi_region *r);
	void (*unmap_single)(void *ctx, struct dmaapi_region *r);
	int (*alloc_coherent)(void *ctx, uint64_t dma_mask, struct dmaapi_region *r);
	void (*dealloc_coherent)(void *ctx, struct dmaapi_region *r);

	void (*flush)(void *ctx, void *addr, size_t size);
	void (*invalidate)(void *ctx, void *addr, size_t size);
	void (*flush_invalidate)(void *ctx, void *addr, size_t size);
	int (*prepare_read)(void *ctx, const struct dmaapi_region *r, size_t offset,
			    size_t size);
	int (*confirm_write)(void *ctx, const struct dmaapi_region *r, size_t offset,
			     size_t size);
	int (*info)(void *ctx, struct dmaapi_device_info *info);
};
/* The size of the 1.0 layout: what @size = 0 stands for. */
#define DMAAPI_OPS_SIZE_1_0 (offsetof(struct dmaapi_ops, info) + sizeof(void (*)(void)))

/* ------------------------------------------------------------------------ */
/* Devices                                                                   */

struct dmaapi_device;

/**
 * dmaapi_device_open() - open a device of the dmaapi kernel module.
 * @name: NULL or "" = /dev/dmaapi; starting with '/' = a device node path;
 *        otherwise a bound device's name, e.g. "0000:00:04.0" =
 *        /dev/dmaapi-0000:00:04.0
 * @dma_mask: the mask every allocation and mapping must fit (2^n - 1); set
 *            on the device with DMAAPI_IOCTL_SET_MASK
 * @out: receives the new device; the caller owns it and releases it with
 *       dmaapi_device_close()
 *
 * Opens the node O_RDWR | O_CLOEXEC and checks the module's API version:
 * the module reports (major << 16) | minor (a plain 1 is 1.0); any minor of
 * major 1 is accepted, another major is DMAAPI_ERR_SYSTEM with EPROTO.
 * Errors: NULL_POINTER (@out NULL), SYSTEM (open or ioctl failed: ENOENT
 * no such node, EACCES, EIO mask refused by the platform, EINVAL bad mask,
 * ...), NO_MEMORY (also ENOMEM from the module).
 */
int dmaapi_device_open(const char *name, uint64_t dma_mask, struct dmaapi_device **out);

/**
 * dmaapi_device_new() - a device running on a caller-supplied backend.
 * @dma_mask: the mask every allocation and mapping must fit
 * @ops: the backend; must outlive the device (see struct dmaapi_ops)
 * @ctx: passed first to every callback; owned by the caller
 * @out: receives the new device, released with dmaapi_device_close()
 *
 * Errors: NULL_POINTER (@ops or @out NULL, or a required callback missing),
 * LAYOUT (@ops->size too small, or larger with non-zero bytes this library
 * does not know), NO_MEMORY.
 */
int dmaapi_device_new(uint64_t dma_mask, const struct dmaapi_ops *ops, void *ctx,
		      struct dmaapi_device **out);

/**
 * dmaapi_device_close() - drop the caller's reference to @dev.  NULL-safe.
 *
 * The device is destroyed (the kernel file closed) once its last container
 * is freed too.  The device must not be used by the caller afterwards.
 */
void dmaapi_device_close(struct dmaapi_device *dev);

/** dmaapi_device_page_size() - the backend's page size; 0 if @dev is NULL. */
size_t dmaapi_device_page_size(const struct dmaapi_device *dev);

/** dmaapi_device_dma_mask() - the device's DMA mask; 0 if @dev is NULL. */
uint64_t dmaapi_device_dma_mask(const struct dmaapi_device *dev);

/**
 * dmaapi_device_info() - fill @info with what is known of the device.
 *
 * For a kernel device this asks the module afresh (live handles and
 * bytes); for a custom backend it reports the page size, the mask and
 * whatever ops->info adds.  Errors: NULL_POINTER, SYSTEM.
 */
int dmaapi_device_info(const struct dmaapi_device *dev, struct dmaapi_device_info *info);

/**
 * dmaapi_device_fd() - the kernel file descriptor of @dev, or -1 for a
 * custom backend or NULL.  Owned by the device: do not close it.
 */
int dmaapi_device_fd(const struct dmaapi_device *dev);

/**
 * struct dmaapi_constraints - what a device's DMA engine cannot do, beyond
 * its mask (dma-api 0.8's DmaConstraints; Linux's dma_set_seg_boundary and
 * dma_set_max_seg_size).
 * @size: sizeof(struct dmaapi_constraints) (0 is taken as that too)
 * @boundary: 0, or a power of two: no allocation or mapping may cross a
 *     multiple of it (e.g. 1ULL << 32 for an engine with 32-bit counters)
 * @max_segment_size: 0, or the largest allocation or mapping in bytes
 *
 * Since 1.1.
 */
struct dmaapi_constraints {
	uint64_t size;
	uint64_t boundary;
	uint64_t max_segment_size;
};

/**
 * dmaapi_device_set_constraints() - check every later allocation and
 * mapping of @dev against @c, as the library checks the mask: a size over
 * @c->max_segment_size fails with SEGMENT before the backend is asked; a
 * DMA range the backend hands out that crosses a multiple of
 * @c->boundary is undone and fails with BOUNDARY.  Existing containers are
 * not rechecked.  NULL @c clears the constraints.
 * Errors: NULL_POINTER (@dev NULL), LAYOUT (@c->boundary not 0 or a power
 * of two, or @c->size not 0 nor known).  Since 1.1.
 */
int dmaapi_device_set_constraints(struct dmaapi_device *dev, const struct dmaapi_constraints *c);

/**
 * dmaapi_device_constraints() - the constraints in force (zeros for none)
 * in *@c.  Errors: NULL_POINTER.  Since 1.1.
 */
int dmaapi_device_constraints(const struct dmaapi_device *dev, struct dmaapi_constraints *c);

/* ------------------------------------------------------------------------ */
/* Arrays: DArray<T>                                                         */

/* Memory flags of dmaapi_array_zero_with_flags() / dmaapi_box_zero_with_flags() */
/* Cached memory with real syncs (the kernel's DMAAPI_ALLOC_CACHED,
 * dma_alloc_pages) instead of coherent memory. */
#define DMAAPI_MEM_CACHED (1U << 0)

struct dmaapi_array;

/**
 * dmaapi_array_zero_with_align() - allocate @len zeroed elements of
 * @elem_size bytes, with the DMA address aligned to @align.
 * @dir: the direction the array is synced in
 * @out: receives the array; the caller owns it (dmaapi_array_free())
 *
 * Coherent memory (Linux: dma_alloc_coherent, mmapped).  No sync.
 * Errors: NULL_POINTER (@dev or @out NULL), ZERO_SIZED (@elem_size or @len
 * 0), LAYOUT (@align not a power of two, size overflow), NO_MEMORY,
 * DMA_MASK (addr, mask), ALIGN (address, required), SYSTEM (EINVAL: bad
 * direction).  Nothing is leaked on failure.
 */
int dmaapi_array_zero_with_align(struct dmaapi_device *dev, size_t elem_size, size_t len,
				 size_t align, enum dmaapi_direction dir,
				 struct dmaapi_array **out);
#define DMAAPI_ARRAY_ZERO(dev, T, len, dir, out) \
	dmaapi_array_zero_with_align((dev), sizeof(T), (len), DMAAPI_ALIGNOF(T), (dir), (out))

/**
 * dmaapi_array_zero_with_flags() - dmaapi_array_zero_with_align() with
 * DMAAPI_MEM_* @flags.  Unknown flags: SYSTEM with EINVAL.
 */
int dmaapi_array_zero_with_flags(struct dmaapi_device *dev, size_t elem_size, size_t len,
				 size_t align, enum dmaapi_direction dir, uint32_t flags,
				 struct dmaapi_array **out);

/** dmaapi_array_cached_zero_with_align() - the same with DMAAPI_MEM_CACHED. */
int dmaapi_array_cached_zero_with_align(struct dmaapi_device *dev, size_t elem_size,
					size_t len, size_t align, enum dmaapi_direction dir,
					struct dmaapi_array **out);
#define DMAAPI_ARRAY_CACHED_ZERO(dev, T, len, dir, out) \
	dmaapi_array_cached_zero_with_align((dev), sizeof(T), (len), DMAAPI_ALIGNOF(T), (dir), (out))

/**
 * dmaapi_array_read() - copy element @index to @value_out (elem_size bytes).
 *
 * Syncs: prepare_read of that element's range, then copies.
 * Errors: NULL_POINTER, INDEX (@index >= len), SYSTEM (the sync failed).
 */
int dmaapi_array_read(const struct dmaapi_array *a, size_t index, void *value_out);

/**
 * dmaapi_array_set() - copy @value (elem_size bytes) into element @index.
 *
 * Syncs: copies, then confirm_write of that element's range.
 * Errors: NULL_POINTER, INDEX, SYSTEM.
 */
int dmaapi_array_set(struct dmaapi_array *a, size_t index, const void *value);

/**
 * dmaapi_array_copy_from_slice() - copy @count elements from @src to
 * elements 0 .. @count - 1.
 *
 * Syncs: copies all, then ONE confirm_write of [0, @count * elem_size).
 * @count 0 copies and syncs nothing.  Errors: NULL_POINTER, INDEX (@count >
 * len), SYSTEM.
 */
int dmaapi_array_copy_from_slice(struct dmaapi_array *a, const void *src, size_t count);

/** dmaapi_array_dma_addr() - the device's address of element 0; 0 if NULL. */
dmaapi_addr_t dmaapi_array_dma_addr(const struct dmaapi_array *a);

/** dmaapi_array_len() - number of elements; 0 if @a is NULL. */
size_t dmaapi_array_len(const struct dmaapi_array *a);

/** dmaapi_array_elem_size() - bytes per element; 0 if @a is NULL. */
size_t dmaapi_array_elem_size(const struct dmaapi_array *a);

/**
 * dmaapi_array_as_ptr() - CPU pointer to element 0, for raw access; NULL if
 * @a is NULL.
 *
 * Owned by the array, valid until dmaapi_array_free().  Accesses through it
 * are not synced: bracket them with dmaapi_array_prepare_read() (before
 * reading what the device wrote) and dmaapi_array_confirm_write() (after
 * writing what the device will read).
 */
void *dmaapi_array_as_ptr(const struct dmaapi_array *a);

/**
 * dmaapi_array_prepare_read() - prepare_read of elements
 * [@first, @first + @count).  @count 0 syncs nothing.
 * Errors: NULL_POINTER, INDEX (range past the end), SYSTEM.
 */
int dmaapi_array_prepare_read(const struct dmaapi_array *a, size_t first, size_t count);

/**
 * dmaapi_array_confirm_write() - confirm_write of elements
 * [@first, @first + @count).  @count 0 syncs nothing.
 * Errors: NULL_POINTER, INDEX, SYSTEM.
 */
int dmaapi_array_confirm_write(struct dmaapi_array *a, size_t first, size_t count);

/**
 * dmaapi_array_region() - the array's region (addresses, direction,
 * DMAAPI_REGION_* flags).  Owned by the array, read-only; NULL if @a is NULL.
 */
const struct dmaapi_region *dmaapi_array_region(const struct dmaapi_array *a);

/** dmaapi_array_free() - free the memory without syncing.  NULL-safe. */
void dmaapi_array_free(struct dmaapi_array *a);

/* ------------------------------------------------------------------------ */
/* Boxes: DBox<T>                                                            */

struct dmaapi_box;

/**
 * dmaapi_box_zero_with_align() - allocate one zeroed value of @size bytes,
 * its DMA address aligned to @align.
 * @out: receives the box; the caller owns it (dmaapi_box_free())
 *
 * Coherent memory; no sync.  Errors as dmaapi_array_zero_with_align().
 */
int dmaapi_box_zero_with_align(struct dmaapi_device *dev, size_t size, size_t align,
			       enum dmaapi_direction dir, struct dmaapi_box **out);
#define DMAAPI_BOX_ZERO(dev, T, dir, out) \
	dmaapi_box_zero_with_align((dev), sizeof(T), DMAAPI_ALIGNOF(T), (dir), (out))

/** dmaapi_box_zero_with_flags() - with DMAAPI_MEM_* @flags. */
int dmaapi_box_zero_with_flags(struct dmaapi_device *dev, size_t size, size_t align,
			       enum dmaapi_direction dir, uint32_t flags,
			       struct dmaapi_box **out);

/** dmaapi_box_cached_zero_with_align() - the same with DMAAPI_MEM_CACHED. */
int dmaapi_box_cached_zero_with_align(struct dmaapi_device *dev, size_t size, size_t align,
				      enum dmaapi_direction dir, struct dmaapi_box **out);
#define DMAAPI_BOX_CACHED_ZERO(dev, T, dir, out) \
	dmaapi_box_cached_zero_with_align((dev), sizeof(T), DMAAPI_ALIGNOF(T), (dir), (out))

/**
 * dmaapi_box_read() - prepare_read of the whole value, then copy it to
 * @value_out.  Errors: NULL_POINTER, SYSTEM.
 */
int dmaapi_box_read(const struct dmaapi_box *b, void *value_out);

/**
 * dmaapi_box_write() - copy @value in, then confirm_write of the whole
 * value.  Errors: NULL_POINTER, SYSTEM.
 */
int dmaapi_box_write(struct dmaapi_box *b, const void *value);

/**
 * dmaapi_box_modify() - prepare_read, then @fn(value, @arg) on the value in
 * place, then confirm_write.  Errors: NULL_POINTER (@b or @fn NULL), SYSTEM
 * (then @fn is not called, or the value is modified but not synced).
 */
int dmaapi_box_modify(struct dmaapi_box *b, void (*fn)(void *value, void *arg), void *arg);

/** dmaapi_box_dma_addr() - the device's address of the value; 0 if NULL. */
dmaapi_addr_t dmaapi_box_dma_addr(const struct dmaapi_box *b);

/** dmaapi_box_size() - the value's size in bytes; 0 if NULL. */
size_t dmaapi_box_size(const struct dmaapi_box *b);

/**
 * dmaapi_box_as_ptr() - CPU pointer to the value, unsynced (see
 * dmaapi_array_as_ptr()).  Owned by the box, valid until dmaapi_box_free().
 */
void *dmaapi_box_as_ptr(const struct dmaapi_box *b);

/** dmaapi_box_prepare_read() - prepare_read of the whole value. */
int dmaapi_box_prepare_read(const struct dmaapi_box *b);

/** dmaapi_box_confirm_write() - confirm_write of the whole value. */
int dmaapi_box_confirm_write(struct dmaapi_box *b);

/** dmaapi_box_region() - the box's region, read-only; NULL if @b is NULL. */
const struct dmaapi_region *dmaapi_box_region(const struct dmaapi_box *b);

/** dmaapi_box_free() - free the memory without syncing.  NULL-safe. */
void dmaapi_box_free(struct dmaapi_box *b);

/* ------------------------------------------------------------------------ */
/* Mapped arrays: SArrayPtr<T>, an existing buffer mapped for DMA            */

struct dmaapi_map;

/**
 * dmaapi_map_single_array() - give the device one contiguous DMA range for
 * the caller's @buf of @len elements of @elem_size bytes.
 * @buf: stays owned by the caller and must outlive the mapping; the caller
 *       may write it directly while mapped (then confirm_write), and reads
 *       what the device wrote after prepare_read
 * @align: required alignment of @buf and of the DMA address
 * @out: receives the mapping; the caller owns it (dmaapi_map_free())
 *
 * Linux pins the pages (RLIMIT_MEMLOCK) and may bounce them through a
 * kernel buffer; the syncs then copy.  Mapping makes the buffer's current
 * contents visible to the device.
 * Errors: NULL_POINTER (@dev, @out or @buf NULL), ZERO_SIZED (@len or
 * @elem_size 0), LAYOUT (@align not a power of two, size overflow), ALIGN
 * (@buf not aligned: required, address = @buf; or the DMA address is not:
 * address = DMA address), DMA_MASK, NO_MEMORY, SYSTEM (EFAULT bad buffer,
 * EPERM over RLIMIT_MEMLOCK, ...).
 */
int dmaapi_map_single_array(struct dmaapi_device *dev, void *buf, size_t elem_size,
			    size_t len, size_t align, enum dmaapi_direction dir,
			    struct dmaapi_map **out);

/** dmaapi_map_read() - copy element @index of the buffer out. No sync.
 * Errors: NULL_POINTER, INDEX. */
int dmaapi_map_read(const struct dmaapi_map *m, size_t index, void *value_out);

/** dmaapi_map_set() - copy @value into element @index. No sync.
 * Errors: NULL_POINTER, INDEX. */
int dmaapi_map_set(struct dmaapi_map *m, size_t index, const void *value);

/**
 * dmaapi_map_copy_from_slice() - copy @count elements from @src to
 * elements 0 .., then confirm_write of [0, @count * elem_size).
 * @count 0: nothing.  Errors: NULL_POINTER, INDEX (@count > len), SYSTEM.
 */
int dmaapi_map_copy_from_slice(struct dmaapi_map *m, const void *src, size_t count);

/**
 * dmaapi_map_to_vec() - prepare_read of [0, @count * elem_size), then copy
 * @count elements to @dst.  @count 0: nothing.
 * Errors: NULL_POINTER, INDEX (@count > len), SYSTEM.
 */
int dmaapi_map_to_vec(const struct dmaapi_map *m, void *dst, size_t count);

/** dmaapi_map_prepare_read_all() - prepare_read of the whole buffer. */
int dmaapi_map_prepare_read_all(struct dmaapi_map *m);

/** dmaapi_map_confirm_write_all() - confirm_write of the whole buffer. */
int dmaapi_map_confirm_write_all(struct dmaapi_map *m);

/** dmaapi_map_prepare_read() - prepare_read of elements [@first, @first + @count).
 * @count 0 syncs nothing.  Errors: NULL_POINTER, INDEX, SYSTEM. */
int dmaapi_map_prepare_read(const struct dmaapi_map *m, size_t first, size_t count);

/** dmaapi_map_confirm_write() - confirm_write of elements [@first, @first + @count).
 * @count 0 syncs nothing.  Errors: NULL_POINTER, INDEX, SYSTEM. */
int dmaapi_map_confirm_write(struct dmaapi_map *m, size_t first, size_t count);

/** dmaapi_map_dma_addr() - the device's address of element 0; 0 if NULL. */
dmaapi_addr_t dmaapi_map_dma_addr(const struct dmaapi_map *m);

/** dmaapi_map_len() - number of elements; 0 if NULL. */
size_t dmaapi_map_len(const struct dmaapi_map *m);

/** dmaapi_map_elem_size() - bytes per element; 0 if NULL. */
size_t dmaapi_map_elem_size(const struct dmaapi_map *m);

/** dmaapi_map_is_empty() - true if @m is NULL or has no elements. */
bool dmaapi_map_is_empty(const struct dmaapi_map *m);

/** dmaapi_map_as_ptr() - the caller's buffer (as given); NULL if @m is NULL. */
void *dmaapi_map_as_ptr(const struct dmaapi_map *m);

/** dmaapi_map_region() - the mapping's region, read-only; NULL if NULL. */
const struct dmaapi_region *dmaapi_map_region(const struct dmaapi_map *m);

/** dmaapi_map_free() - unmap, without syncing; the buffer stays the
 * caller's.  NULL-safe. */
void dmaapi_map_free(struct dmaapi_map *m);

/* ------------------------------------------------------------------------ */
/* More accessors (since 1.1)                                                */

/*
 * Sized element access: dmaapi_*_read/set with the caller's object size,
 * which must equal the element size (else LAYOUT, nothing copied or
 * synced).  The DMAAPI_*_READ/SET macros pass sizeof(*p), so the element
 * type is checked at run time against the container and the inline path
 * is one bounds check, one size compare and one load or store of a size
 * known at compile time.  Syncs as the unsized calls.
 * Errors: NULL_POINTER, LAYOUT (@size != element size), INDEX, SYSTEM.
 */
int dmaapi_array_read_sized(const struct dmaapi_array *a, size_t index, void *value_out,
			    size_t size);
int dmaapi_array_set_sized(struct dmaapi_array *a, size_t index, const void *value,
			   size_t size);
int dmaapi_box_read_sized(const struct dmaapi_box *b, void *value_out, size_t size);
int dmaapi_box_write_sized(struct dmaapi_box *b, const void *value, size_t size);
int dmaapi_map_read_sized(const struct dmaapi_map *m, size_t index, void *value_out,
			  size_t size);
int dmaapi_map_set_sized(struct dmaapi_map *m, size_t index, const void *value, size_t size);

/* @p: a pointer to an object of the element type, e.g. uint32_t *. */
#define DMAAPI_ARRAY_READ(a, index, p) dmaapi_array_read_sized((a), (index), (p), sizeof(*(p)))
#define DMAAPI_ARRAY_SET(a, index, p) dmaapi_array_set_sized((a), (index), (p), sizeof(*(p)))
#define DMAAPI_BOX_READ(b, p) dmaapi_box_read_sized((b), (p), sizeof(*(p)))
#define DMAAPI_BOX_WRITE(b, p) dmaapi_box_write_sized((b), (p), sizeof(*(p)))
#define DMAAPI_MAP_READ(m, index, p) dmaapi_map_read_sized((m), (index), (p), sizeof(*(p)))
#define DMAAPI_MAP_SET(m, index, p) dmaapi_map_set_sized((m), (index), (p), sizeof(*(p)))

/**
 * dmaapi_array_read_slice() - ONE prepare_read of elements
 * [@first, @first + @count), then copy them to @dst.
 * dmaapi_array_write_slice() - copy @count elements from @src to elements
 * @first .., then ONE confirm_write of their range.
 * dmaapi_map_read_slice() / dmaapi_map_write_slice() - the same for a
 * mapped array (these sync, unlike dmaapi_map_read/set).
 *
 * @count 0 copies and syncs nothing.  @dst/@src may overlap the buffer
 * (memmove).  Errors: NULL_POINTER (@dst/@src NULL with @count > 0), INDEX
 * (range past the end), SYSTEM (the sync failed: for a read nothing is
 * copied; for a write the data is copied but not synced).
 */
int dmaapi_array_read_slice(const struct dmaapi_array *a, size_t first, size_t count,
			    void *dst);
int dmaapi_array_write_slice(struct dmaapi_array *a, size_t first, size_t count,
			     const void *src);
int dmaapi_map_read_slice(const struct dmaapi_map *m, size_t first, size_t count, void *dst);
int dmaapi_map_write_slice(struct dmaapi_map *m, size_t first, size_t count, const void *src);

/**
 * dmaapi_array_dma_addr_of() / dmaapi_map_dma_addr_of() - the device's
 * address of element @index (dma_addr + @index * elem_size) in *@out.
 * @index may be the length (the address just past the end).
 * Errors: NULL_POINTER, INDEX (@index > len); since 1.3 SYSTEM with errno
 * EOPNOTSUPP for an import with DMAAPI_REGION_SEGMENTED (no one address:
 * dmaapi_map_segments()); *@out is untouched then.
 */
int dmaapi_array_dma_addr_of(const struct dmaapi_array *a, size_t index, dmaapi_addr_t *out);
int dmaapi_map_dma_addr_of(const struct dmaapi_map *m, size_t index, dmaapi_addr_t *out);

/** dmaapi_array_is_empty() - true if @a is NULL or has no elements. */
bool dmaapi_array_is_empty(const struct dmaapi_array *a);
/** dmaapi_array_bytes_len() - len * elem_size; 0 if @a is NULL. */
size_t dmaapi_array_bytes_len(const struct dmaapi_array *a);
/** dmaapi_map_bytes_len() - len * elem_size; 0 if @m is NULL. */
size_t dmaapi_map_bytes_len(const struct dmaapi_map *m);

/**
 * dmaapi_map_prepare_read_bytes() / dmaapi_map_confirm_write_bytes() -
 * prepare_read / confirm_write of the byte range [@offset, @offset + @size)
 * of a mapped array, e.g. one field of one element.  @size 0 syncs nothing.
 * Errors: NULL_POINTER, INDEX (range past the end), SYSTEM.
 */
int dmaapi_map_prepare_read_bytes(const struct dmaapi_map *m, size_t offset, size_t size);
int dmaapi_map_confirm_write_bytes(struct dmaapi_map *m, size_t offset, size_t size);

/**
 * dmaapi_array_need_sync() / dmaapi_box_need_sync() / dmaapi_map_need_sync()
 * - true if syncs of the container do real work (cached or non-coherent
 * memory, a bounce buffer): then element accesses of arrays and boxes cost
 * a backend call (Linux: an ioctl) each, and a mapped array's explicit
 * syncs matter.  False for coherent memory and for NULL.
 */
bool dmaapi_array_need_sync(const struct dmaapi_array *a);
bool dmaapi_box_need_sync(const struct dmaapi_box *b);
bool dmaapi_map_need_sync(const struct dmaapi_map *m);

/* ------------------------------------------------------------------------ */
/* Pools of fixed-size buffers (since 1.2)                                   */

/*
 * A pool (dma-api 0.8's pools) is ONE zeroed DMA allocation, made by
 * dmaapi_pool_new() as an array would be (same mask, alignment and
 * DMAAPI_MEM_CACHED handling), cut into @count slots of
 * stride = round_up(@buf_size, @align) bytes; slot i starts at the
 * allocation's CPU and DMA addresses + i * stride, so every slot is
 * aligned to @align and no two overlap.  Rings and descriptor queues take
 * buffers with dmaapi_pool_get() and give them back with dmaapi_pool_put():
 * both are O(1) on an index stack and make no backend call, hence no
 * system call (nor do they allocate).  The slot last put back is the
 * next one got (LIFO: warm in the cache); a new pool hands out slot 0
 * first, then 1, 2, ...
 *
 * Threads: a pool is not thread-safe, like the other containers: use one
 * pool from one thread at a time (or under the caller's lock).
 */
struct dmaapi_pool;

/**
 * struct dmaapi_pool_buf - one buffer of a pool, filled in by
 * dmaapi_pool_get().
 * @cpu_addr: CPU address of the buffer's first byte, owned by the pool;
 *     accesses through it are not synced (see dmaapi_pool_confirm_write()
 *     and dmaapi_pool_prepare_read())
 * @dma_addr: the device's address of the first byte
 * @index: the slot, 0 .. capacity - 1
 * @size: the usable size, the pool's buf_size (the slot may be larger:
 *     dmaapi_pool_stride())
 *
 * The caller keeps it and passes it back unchanged to put and the syncs.
 */
struct dmaapi_pool_buf {
	void *cpu_addr;
	dmaapi_addr_t dma_addr;
	size_t index;
	size_t size;
};

/**
 * dmaapi_pool_new() - allocate a pool of @count zeroed buffers of
 * @buf_size bytes, each aligned to @align (CPU and DMA address).
 * @dir: the direction the buffers are synced in
 * @flags: 0 (coherent memory: no sync ever) or DMAAPI_MEM_CACHED (cached
 *     memory with real syncs, as dmaapi_array_zero_with_flags())
 * @out: receives the pool; the caller owns it (dmaapi_pool_free())
 *
 * One allocation (Linux: one ALLOC ioctl and one mmap), plus the index
 * stack in malloc()ed memory.  Every buffer is free afterwards.
 * Errors: NULL_POINTER (@dev or @out NULL), ZERO_SIZED (@buf_size or
 * @count 0), LAYOUT (@align not a power of two, round_up(@buf_size,
 * @align) * @count overflows), SYSTEM (EINVAL: bad @dir or unknown
 * @flags; or the backend refused), NO_MEMORY, DMA_MASK, ALIGN, SEGMENT,
 * BOUNDARY (the whole allocation is checked as an array's is).  Nothing
 * is leaked on failure; *@out is NULL then.
 */
int dmaapi_pool_new(struct dmaapi_device *dev, size_t buf_size, size_t align, size_t count,
		    enum dmaapi_direction dir, uint32_t flags, struct dmaapi_pool **out);

/**
 * dmaapi_pool_free() - free the pool and its memory, without syncing.
 * NULL-safe.  Buffers still handed out are freed with it: their pointers
 * and DMA addresses become invalid (stop the device first).
 */
void dmaapi_pool_free(struct dmaapi_pool *pool);

/**
 * dmaapi_pool_get() - take a free buffer and describe it in *@out.
 *
 * No sync, no backend call.  A buffer's contents are what the last user
 * left (zero the first time).
 * Errors: NULL_POINTER, NO_MEMORY (every buffer is handed out; *@out is
 * untouched then).
 */
int dmaapi_pool_get(struct dmaapi_pool *pool, struct dmaapi_pool_buf *out);

/**
 * dmaapi_pool_put() - give the buffer *@buf back to the pool.
 *
 * No sync, no backend call.  Errors: NULL_POINTER, INDEX (@buf is not a
 * buffer of this pool as dmaapi_pool_get() filled it in: index out of
 * range, or addresses or size that do not match the slot; or the buffer
 * is not handed out: a double put).  Nothing changes on failure.
 */
int dmaapi_pool_put(struct dmaapi_pool *pool, const struct dmaapi_pool_buf *buf);

/**
 * dmaapi_pool_confirm_write() / dmaapi_pool_prepare_read() - confirm_write
 * (the CPU wrote, the device will read) / prepare_read (the device wrote,
 * the CPU will read) of the bytes [@offset, @offset + @len) of the handed
 * out buffer *@buf, with the cache-sync table at the top of this file:
 * confirm_write flushes for TO_DEVICE and BIDIRECTIONAL, nothing for
 * FROM_DEVICE; prepare_read invalidates for FROM_DEVICE and
 * BIDIRECTIONAL, nothing for TO_DEVICE.  Coherent memory (no
 * DMAAPI_REGION_NEED_SYNC) and @len 0 sync nothing and make no call.
 * Errors: NULL_POINTER, INDEX (@buf not a handed-out buffer of @pool, or
 * the range past @buf->size), SYSTEM (the sync failed).
 */
int dmaapi_pool_confirm_write(struct dmaapi_pool *pool, const struct dmaapi_pool_buf *buf,
			      size_t offset, size_t len);
int dmaapi_pool_prepare_read(struct dmaapi_pool *pool, const struct dmaapi_pool_buf *buf,
			     size_t offset, size_t len);

/** dmaapi_pool_available() - buffers free now; 0 if @pool is NULL. */
size_t dmaapi_pool_available(const struct dmaapi_pool *pool);
/** dmaapi_pool_capacity() - the pool's @count; 0 if @pool is NULL. */
size_t dmaapi_pool_capacity(const struct dmaapi_pool *pool);
/** dmaapi_pool_buf_size() - the pool's @buf_size; 0 if @pool is NULL. */
size_t dmaapi_pool_buf_size(const struct dmaapi_pool *pool);
/** dmaapi_pool_stride() - bytes from one slot to the next,
 * round_up(buf_size, align); 0 if @pool is NULL. */
size_t dmaapi_pool_stride(const struct dmaapi_pool *pool);
/** dmaapi_pool_need_sync() - true if the syncs do real work; false for
 * coherent memory and NULL. */
bool dmaapi_pool_need_sync(const struct dmaapi_pool *pool);
/** dmaapi_pool_region() - the pool's one region (all slots), read-only,
 * owned by the pool; NULL if @pool is NULL. */
const struct dmaapi_region *dmaapi_pool_region(const struct dmaapi_pool *pool);

/*
 * dmaengine channels (since ABI 1.4, symbol version DMAAPI_1.4): a kernel
 * device's file requests a DMA controller's channel and queues memcpy jobs
 * on it, each between two regions of the device's own containers (the
 * region of an array, a box, a mapped array or a pool).  A job gets a
 * cookie; its completion (done, error or aborted, with the residue) is read
 * back with dmaapi_chan_wait(), or the caller polls dmaapi_chan_fd().  The
 * kernel does the cache maintenance each job needs (for the channel's DMA
 * device): the caller syncs nothing around a job, but must not touch its
 * ranges with the CPU until its completion is read.
 *
 * Only devices of the kernel module (dmaapi_device_open()) have channels:
 * another device fails with SYSTEM (ENOTSUP).  A machine without a
 * DMA_MEMCPY channel fails dmaapi_chan_open() with SYSTEM (ENODEV).
 *
 * Threads: a channel is not thread-safe: one thread at a time.
 */
struct dmaapi_chan;

/* struct dmaapi_chan_info.caps */
#define DMAAPI_CHAN_MEMCPY (1U << 0)	/* memcpy jobs */
#define DMAAPI_CHAN_SLAVE (1U << 1)	/* the controller also does slave transfers */

/**
 * struct dmaapi_chan_info - what dmaapi_chan_info() reports
 * @name: the channel's name (the kernel's dma_chan_name(), e.g. "dma0chan0")
 * @controller: its DMA controller's device name
 * @caps: DMAAPI_CHAN_*
 * @align: alignment in bytes of a job's DMA addresses and length
 * @queue_limit: jobs queued or completed but not read, at most
 * @queued: jobs submitted and not completed now
 * @unread: completions the kernel holds for dmaapi_chan_wait()
 * @max_job_bytes: the longest job
 * @submitted: jobs submitted since the open or the last reset
 * @completed: jobs completed (done, failed or aborted) since then
 */
struct dmaapi_chan_info {
	char name[32];
	char controller[32];
	uint32_t caps;
	uint32_t align;
	uint32_t queue_limit;
	uint32_t queued;
	uint32_t unread;
	uint64_t max_job_bytes;
	uint64_t submitted;
	uint64_t completed;
};

/**
 * struct dmaapi_job - one memcpy job for dmaapi_chan_submit()
 * @src: the region the controller reads (TO_DEVICE or BIDIRECTIONAL)
 * @src_offset: first byte read, from the start of @src
 * @dst: the region it writes (FROM_DEVICE or BIDIRECTIONAL)
 * @dst_offset: first byte written, from the start of @dst
 * @length: bytes, 1 .. max_job_bytes
 * @user_data: the caller's, returned in the job's result
 * @cookie: the job's cookie, > 0 (out)
 */
struct dmaapi_job {
	const struct dmaapi_region *src;
	size_t src_offset;
	const struct dmaapi_region *dst;
	size_t dst_offset;
	size_t length;
	uint64_t user_data;
	int32_t cookie;
};

/* struct dmaapi_chan_result.status */
enum dmaapi_job_status {
	DMAAPI_JOB_OK = 0,	/* the bytes were moved */
	DMAAPI_JOB_FAILED = 1,	/* the controller reported an error */
	DMAAPI_JOB_CANCELLED = 2,	/* flushed, reset or closed before it ran */
};

/** struct dmaapi_chan_result - the completion of one job, in completion order. */
struct dmaapi_chan_result {
	uint64_t user_data;
	int32_t cookie;
	enum dmaapi_job_status status;
	uint32_t residue;	/* bytes not moved, where the driver tells */
};

/**
 * dmaapi_chan_open() - request a channel of @dev.
 * @name: a "dma-names" entry of the device's device-tree node, or NULL
 *     (or "") for any channel that can do memcpy
 * @out: receives the channel; the caller owns it (dmaapi_chan_close())
 *
 * The channel holds @dev (it may be closed first).  Errors: NULL_POINTER,
 * NO_MEMORY, SYSTEM: ENOTSUP (not a kernel device), ENODEV (no such
 * channel), EBUSY (it is in use), EINVAL (@name too long).
 */
int dmaapi_chan_open(struct dmaapi_device *dev, const char *name, struct dmaapi_chan **out);
/** dmaapi_chan_close() - flush and release the channel; NULL is a no-op. */
void dmaapi_chan_close(struct dmaapi_chan *ch);
/**
 * dmaapi_chan_fd() - the completion fd (non-blocking), for poll() or an
 * event loop: POLLIN while results wait, POLLHUP once the channel is gone.
 * Read the results with dmaapi_chan_wait(), not read().
 */
int dmaapi_chan_fd(const struct dmaapi_chan *ch);
/** dmaapi_chan_info() - the channel's names, capabilities, limits and counters. */
int dmaapi_chan_info(const struct dmaapi_chan *ch, struct dmaapi_chan_info *info);
/**
 * dmaapi_chan_submit() - queue @count jobs and start them, in one call.
 *
 * Returns how many were queued (from the first; fewer than @count only
 * when the driver ran out of descriptors), their cookies written back, or
 * a negative code with none queued: NULL_POINTER, ZERO_SIZED (@count 0),
 * INDEX (a range past its region), SEGMENT (a job longer than
 * max_job_bytes), SYSTEM: EAGAIN (the queue is full: read results
 * first), EINVAL (a direction the job cannot use, overlapping ranges, an
 * alignment the channel cannot do), EXDEV (a job split into more than 16
 * pieces: see dmaapi_chan_open(3)), ENOENT (a region not of this channel's device), EBUSY
 * (the driver had no descriptor for the first job).
 */
int dmaapi_chan_submit(struct dmaapi_chan *ch, struct dmaapi_job *jobs, size_t count);
/**
 * dmaapi_chan_wait() - read up to @max results, waiting up to @timeout_ms
 * (-1: forever, 0: not at all) for the first one.
 *
 * Returns how many were read (0 on timeout), or a negative code.
 */
int dmaapi_chan_wait(struct dmaapi_chan *ch, struct dmaapi_chan_result *results, size_t max,
		     int timeout_ms);
/** dmaapi_chan_flush() - cancel every queued job (each gets a CANCELLED result). */
int dmaapi_chan_flush(struct dmaapi_chan *ch);
/** dmaapi_chan_reset() - flush, drop the unread results, default queue limit. */
int dmaapi_chan_reset(struct dmaapi_chan *ch);
/** dmaapi_chan_set_queue_limit() - 1 .. 1024 jobs queued or unread. */
int dmaapi_chan_set_queue_limit(struct dmaapi_chan *ch, uint32_t limit);
/** dmaapi_chan_max_job_bytes() - the longest job; 0 if @ch is NULL. */
size_t dmaapi_chan_max_job_bytes(const struct dmaapi_chan *ch);

/*
 * Slave jobs (since ABI 1.7, symbol version DMAAPI_1.7): on a channel with
 * DMAAPI_CHAN_SLAVE, jobs between a region of the device's containers and
 * one register of the device itself (a region of dmaapi_regs_info(), and
 * an offset in it: never an address), configured per direction first.
 */

/* The direction of a slave job. */
enum dmaapi_slave_dir {
	DMAAPI_SLAVE_DEV_TO_MEM = 1,	/* the register is read, memory written */
	DMAAPI_SLAVE_MEM_TO_DEV = 2,	/* memory is read, the register written */
};

/**
 * struct dmaapi_slave_config - the register of one direction's slave jobs
 * @direction: which jobs it is for
 * @regs: the device's register region, as dmaapi_regs_info() numbers them
 * @offset: of the register in the region, a multiple of @width
 * @width: bytes moved to or from the register at a time (1, 2, 4, 8 or 16:
 *     one the channel allows)
 * @maxburst: words per burst, 1 .. 256 (0 is 1)
 */
struct dmaapi_slave_config {
	enum dmaapi_slave_dir direction;
	unsigned int regs;
	uint64_t offset;
	uint32_t width;
	uint32_t maxburst;
};

/**
 * dmaapi_chan_slave_config() - set the register of @cfg->direction's jobs
 * (since 1.7).
 *
 * Replaces that direction's previous configuration; refused while jobs are
 * queued.  Errors: NULL_POINTER, INDEX (the register is past its region's
 * end), SYSTEM: EOPNOTSUPP (a channel without DMAAPI_CHAN_SLAVE), EINVAL
 * (a direction, width or burst the channel cannot do, an offset not a
 * multiple of @width, a region the device does not have), EBUSY (jobs are
 * queued), EIO (the register cannot be mapped for the controller).
 */
int dmaapi_chan_slave_config(struct dmaapi_chan *ch, const struct dmaapi_slave_config *cfg);

/**
 * dmaapi_chan_submit_slave() - queue @count slave jobs of direction @dir
 * (since 1.7).
 *
 * As dmaapi_chan_submit(), but each job has one memory end: @dst and
 * @dst_offset for DEV_TO_MEM, @src and @src_offset for MEM_TO_DEV; the
 * other end (NULL, offset 0) is the register of dmaapi_chan_slave_config().
 * Errors: those of dmaapi_chan_submit(), and SYSTEM: EINVAL (no
 * configuration of @dir, the other end not NULL, a length or offset not a
 * multiple of the configured width).
 */
int dmaapi_chan_submit_slave(struct dmaapi_chan *ch, enum dmaapi_slave_dir dir,
			     struct dmaapi_job *jobs, size_t count);

/* ------------------------------------------------------------------------ */
/* dma-buf: export and import (since 1.3)                                    */

/*
 * Linux's dma-buf shares one driver's buffer with other drivers and with
 * userspace as a file descriptor.  These calls need a device of the kernel
 * module (dmaapi_device_open()); on a custom backend they fail with SYSTEM
 * and errno EOPNOTSUPP, and on a module built without dma-buf with SYSTEM
 * and errno ENOTTY.
 *
 * Export: a page-granular range of an array or a box becomes a dma-buf
 * (DMAAPI_IOCTL_EXPORT_DMABUF).  Every device that attaches it (V4L2, DRM,
 * another dmaapi device) gets its own mapping of the pages, under its own
 * mask, IOMMU and coherency; DMA_BUF_IOCTL_SYNC on the fd syncs every
 * attachment and, for cached memory, this device's mapping too.  The
 * dma-buf holds the memory: it stays after the container is freed, the
 * device closed or unbound, until the dma-buf's last reference is gone.
 *
 * Import: a dma-buf of any exporter becomes a mapped array (struct
 * dmaapi_map), so dmaapi_map_prepare_read_all(), dmaapi_map_confirm_write_all(),
 * dmaapi_map_to_vec() and the other dmaapi_map_* calls work on it.  The
 * device's mapping is the exporter's (dma_buf_map_attachment); the CPU
 * reaches the memory through the dma-buf's own mmap(); each prepare_read
 * and confirm_write is ONE ioctl (DMAAPI_IOCTL_SYNC on the import) that
 * does both halves: the exporter's CPU-access bracketing (what
 * DMA_BUF_IOCTL_SYNC START / END does: dma_buf_begin_cpu_access /
 * dma_buf_end_cpu_access, on the whole dma-buf whatever the range) and the
 * DMA-API syncs of this device's own mapping.  An import always needs its
 * syncs (DMAAPI_REGION_NEED_SYNC): no exporter promises coherent memory.
 *
 * Segments: the device may not see an imported dma-buf as one contiguous
 * DMA range (scattered pages and no IOMMU to join them).  dmaapi never
 * bounces it into a contiguous copy, which would defeat zero-copy: the
 * region gets DMAAPI_REGION_SEGMENTED, dmaapi_map_dma_addr() is 0,
 * dmaapi_map_dma_addr_of() fails, and the caller programs the device with
 * the ranges dmaapi_map_segments() lists (a scatter-gather list, a PRP
 * list).  Every other mapping is one range.
 */

/* struct dmaapi_region.flags, since 1.3 */
/* The mapped array is an imported dma-buf (dmaapi_map_import_dmabuf()). */
#define DMAAPI_REGION_DMABUF (1U << 5)
/* The device sees the region as several DMA ranges: dma_addr is 0, see
 * dmaapi_map_segments(). */
#define DMAAPI_REGION_SEGMENTED (1U << 6)

/**
 * dmaapi_array_export_dmabuf() / dmaapi_box_export_dmabuf() - make the
 * bytes [@offset, @offset + @length) of the container's memory a dma-buf.
 * @offset: a multiple of the device's page size (dmaapi_device_page_size())
 * @length: a multiple of the page size; 0 means up to the end of the
 *     memory, whose size is rounded up to a page
 * @fd_out: receives the dma-buf's file descriptor (O_RDWR | O_CLOEXEC); the
 *     caller owns it and closes it with close()
 *
 * No sync: write the data, confirm_write it as usual (cached memory), then
 * hand the fd over.  The container stays usable and may be freed at any
 * time; the dma-buf keeps the memory alive.
 * Errors: NULL_POINTER, ALIGN (@offset or @length not page-aligned:
 * address = the value, required = the page size), INDEX (the range ends
 * past the rounded-up memory), SYSTEM (EOPNOTSUPP: not a kernel device, or
 * no pages of this coherent memory; EMFILE; ENOTTY: no dma-buf), NO_MEMORY.
 * *@fd_out is -1 on failure.
 */
int dmaapi_array_export_dmabuf(const struct dmaapi_array *a, size_t offset, size_t length,
			       int *fd_out);
int dmaapi_box_export_dmabuf(const struct dmaapi_box *b, size_t offset, size_t length,
			     int *fd_out);

/**
 * dmaapi_map_import_dmabuf() - attach the dma-buf @fd to @dev, map it for
 * the device in direction @dir and mmap it for the CPU, as a mapped array
 * of elements of @elem_size bytes (len = the dma-buf's size / @elem_size).
 * @fd: a dma-buf of any exporter; stays the caller's (the mapping keeps
 *     its own reference: @fd may be closed right after)
 * @out: receives the mapped array; the caller owns it (dmaapi_map_free()
 *     unmaps, detaches and drops the reference, without syncing)
 *
 * dmaapi_map_as_ptr() is the dma-buf's own mmap (MAP_SHARED, read and
 * write).  Syncs: see the section above; dmaapi_map_read/set do not sync,
 * as for every mapped array.  The library checks every DMA range against
 * the mask and the constraints (dmaapi_device_set_constraints()), as for
 * any mapping.  Nothing is synced by the import itself: confirm_write what
 * the CPU wrote before the device reads it.
 * Errors: NULL_POINTER (@dev or @out NULL), ZERO_SIZED (@elem_size 0, or an
 * empty dma-buf), LAYOUT (the size is not a multiple of @elem_size), SYSTEM
 * (EBADF: @fd not open; EINVAL: not a dma-buf, or a bad @dir; EOPNOTSUPP:
 * not a kernel device; the mmap's or the exporter's errno), DMA_MASK (a
 * range beyond the mask: addr, mask), SEGMENT, BOUNDARY, NO_MEMORY.
 * Nothing is leaked on failure; *@out is NULL then.
 */
int dmaapi_map_import_dmabuf(struct dmaapi_device *dev, int fd, size_t elem_size,
			     enum dmaapi_direction dir, struct dmaapi_map **out);

/**
 * struct dmaapi_dma_segment - one DMA range of a mapping.
 * @dma_addr: the device's address of its first byte
 * @size: its length in bytes
 */
struct dmaapi_dma_segment {
	dmaapi_addr_t dma_addr;
	uint64_t size;
};

/**
 * dmaapi_map_segments() - the DMA ranges the device sees the mapped array
 * @m as, in device order, which together cover the buffer from its first
 * byte: one range {dma_addr, bytes_len} for an ordinary mapping, one or
 * more for an imported dma-buf (DMAAPI_IOCTL_GET_SEGMENTS).
 * @segs: room for @max ranges; the first min(@max, *@count) are written
 * @count: receives the number of ranges (call with @max 0 to learn it)
 *
 * Errors: NULL_POINTER (@m or @count NULL, @segs NULL with @max > 0),
 * SYSTEM (the kernel refused), NO_MEMORY.
 */
int dmaapi_map_segments(const struct dmaapi_map *m, struct dmaapi_dma_segment *segs,
			size_t max, size_t *count);

/* ------------------------------------------------------------------------ */
/* Barriers (since 1.1)                                                      */

/*
 * Ordering between the CPU's accesses to DMA memory and the device, the
 * userspace counterparts of Linux's barriers (inline; also exported):
 *
 * dmaapi_wmb()      CPU writes to DMA memory (and earlier writes) are
 *                   visible to the device before any later write, e.g. the
 *                   MMIO doorbell that starts the device.  Linux's wmb():
 *                   x86 sfence, arm64 dmb oshst, 32-bit ARM dsb st.
 * dmaapi_rmb()      Reads after it (the data) see what the device wrote
 *                   before it produced what reads before it saw (an MMIO
 *                   or DMA status).  Linux's rmb(): x86 lfence, arm64
 *                   dmb oshld, 32-bit ARM dsb.
 * dmaapi_mb()       Both, and orders writes before reads (x86 mfence,
 *                   arm64 dmb osh, 32-bit ARM dsb).
 * dmaapi_dma_wmb()  Orders writes to DMA memory among themselves only,
 *                   e.g. descriptor fields before its OWN bit (Linux's
 *                   dma_wmb(): a compiler barrier on x86, dmb oshst on ARM).
 * dmaapi_dma_rmb()  Orders reads of DMA memory only, e.g. a descriptor's
 *                   OWN bit before its other fields (dma_rmb(): compiler
 *                   barrier on x86, dmb oshld on arm64, dmb osh on ARM).
 *
 * Each is also a compiler barrier.  Other architectures get a full
 * sequentially consistent fence.
 */
void dmaapi_wmb(void);
void dmaapi_rmb(void);
void dmaapi_mb(void);
void dmaapi_dma_wmb(void);
void dmaapi_dma_rmb(void);

#if defined(__x86_64__)
#define DMAAPI__WMB "sfence"
#define DMAAPI__RMB "lfence"
#define DMAAPI__MB "mfence"
#define DMAAPI__DMA_WMB ""
#define DMAAPI__DMA_RMB ""
#elif defined(__i386__)
#define DMAAPI__WMB "lock; addl $0,0(%%esp)"
#define DMAAPI__RMB "lock; addl $0,0(%%esp)"
#define DMAAPI__MB "lock; addl $0,0(%%esp)"
#define DMAAPI__DMA_WMB ""
#define DMAAPI__DMA_RMB ""
#elif defined(__aarch64__)
#define DMAAPI__WMB "dmb oshst"
#define DMAAPI__RMB "dmb oshld"
#define DMAAPI__MB "dmb osh"
#define DMAAPI__DMA_WMB "dmb oshst"
#define DMAAPI__DMA_RMB "dmb oshld"
#elif defined(__arm__) && defined(__ARM_ARCH) && __ARM_ARCH >= 7
#define DMAAPI__WMB "dsb st"
#define DMAAPI__RMB "dsb"
#define DMAAPI__MB "dsb"
#define DMAAPI__DMA_WMB "dmb oshst"
#define DMAAPI__DMA_RMB "dmb osh"
#endif

#ifdef DMAAPI__WMB
#define DMAAPI__BARRIER(insn) __asm__ __volatile__(insn ::: "memory")
static inline void dmaapi__wmb(void) { DMAAPI__BARRIER(DMAAPI__WMB); }
static inline void dmaapi__rmb(void) { DMAAPI__BARRIER(DMAAPI__RMB); }
static inline void dmaapi__mb(void) { DMAAPI__BARRIER(DMAAPI__MB); }
static inline void dmaapi__dma_wmb(void) { DMAAPI__BARRIER(DMAAPI__DMA_WMB); }
static inline void dmaapi__dma_rmb(void) { DMAAPI__BARRIER(DMAAPI__DMA_RMB); }
#else
static inline void dmaapi__wmb(void) { __atomic_thread_fence(__ATOMIC_SEQ_CST); }
static inline void dmaapi__rmb(void) { __atomic_thread_fence(__ATOMIC_SEQ_CST); }
static inline void dmaapi__mb(void) { __atomic_thread_fence(__ATOMIC_SEQ_CST); }
static inline void dmaapi__dma_wmb(void) { __atomic_thread_fence(__ATOMIC_SEQ_CST); }
static inline void dmaapi__dma_rmb(void) { __atomic_thread_fence(__ATOMIC_SEQ_CST); }
#endif

/* ------------------------------------------------------------------------ */
/* Interrupts and registers of a kernel device (since 1.5)                   */

/*
 * A device opened with dmaapi_device_open() on a bound device's node
 * (/dev/dmaapi-<device>) also gives its interrupts and its registers: a
 * complete userspace driver on one node (see dmaapi_irq_attach(3)).  On a
 * custom backend or the default device these fail with -DMAAPI_ERR_SYSTEM
 * and EOPNOTSUPP.  A device the kernel removed makes them fail with
 * -DMAAPI_ERR_SYSTEM and ENODEV.
 */

/** Interrupt types (the kernel's DMAAPI_IRQ_* values). */
enum dmaapi_intr_type {
	DMAAPI_INTR_INTX = 0,     /* PCI INTx: masked by the kernel on each interrupt */
	DMAAPI_INTR_MSI = 1,      /* PCI MSI */
	DMAAPI_INTR_MSIX = 2,     /* PCI MSI-X */
	DMAAPI_INTR_PLATFORM = 3, /* a device-tree device's interrupts: masked as INTx */
};

/** An attached interrupt vector. */
struct dmaapi_irq;

/**
 * dmaapi_irq_count() - how many vectors of @type the device has (0: none).
 * Errors: NULL_POINTER, INDEX (an unknown @type), SYSTEM.
 */
int dmaapi_irq_count(struct dmaapi_device *dev, enum dmaapi_intr_type type,
		     unsigned int *count);

/**
 * dmaapi_irq_attach() - deliver vector @index of @type to userspace.
 * @eventfd: an eventfd(2) the kernel signals on each interrupt, or -1.
 *
 * The first vector attached picks the device's interrupt type until the
 * last is detached.  Errors: NULL_POINTER, INDEX (@index or @type out of
 * range), NO_MEMORY, SYSTEM (EBUSY: attached already or another type in
 * use; EOPNOTSUPP: no such vector; EBADF, EINVAL: a bad @eventfd).
 */
int dmaapi_irq_attach(struct dmaapi_device *dev, enum dmaapi_intr_type type,
		      unsigned int index, int eventfd, struct dmaapi_irq **out);

/**
 * dmaapi_irq_wait() - wait for the vector's next interrupt.
 * @timeout_ms: -1 waits for ever, 0 only checks.
 * @count: if not NULL, the vector's interrupts since attach.
 *
 * Handle the device (acknowledge its interrupt) before waiting again: the
 * wait itself re-enables a line the kernel masked (INTx, PLATFORM), so an
 * interrupt costs one system call without a timeout, two with one.
 * Errors: NULL_POINTER, SYSTEM (ETIMEDOUT; ENODEV: detached or the device
 * removed; EINTR is retried).
 */
int dmaapi_irq_wait(struct dmaapi_irq *irq, int timeout_ms, uint64_t *count);

/**
 * dmaapi_irq_unmask() - re-enable a masked line now, for whoever waits on
 * the eventfd instead of dmaapi_irq_wait().  A no-op for MSI.
 * Errors: NULL_POINTER, SYSTEM (ENODEV).
 */
int dmaapi_irq_unmask(struct dmaapi_irq *irq);

/**
 * dmaapi_irq_fd() - the vector's file descriptor, for poll(2) or epoll(7)
 * (readable: an interrupt to collect with dmaapi_irq_wait(..., 0, ...);
 * EPOLLHUP: the device is gone); -1 if @irq is NULL.  Owned by @irq.
 */
int dmaapi_irq_fd(const struct dmaapi_irq *irq);

/**
 * dmaapi_irq_detach() - detach the vector and free @irq.  NULL is a no-op.
 * The device's close detaches every vector it attached, but their
 * struct dmaapi_irq must still be detached.
 */
void dmaapi_irq_detach(struct dmaapi_irq *irq);

/* dmaapi_regs_info.flags */
#define DMAAPI_REGS_MMAP (1u << 0)     /* dmaapi_regs_map() can map it */
#define DMAAPI_REGS_IO (1u << 1)       /* PCI I/O ports: never mapped */
#define DMAAPI_REGS_PREFETCH (1u << 2) /* prefetchable PCI memory */

/** What a device's register region is (a PCI BAR, a device-tree reg range). */
struct dmaapi_regs_info {
	unsigned int count; /* the device's regions (PCI: 6 BARs) */
	uint32_t flags;     /* DMAAPI_REGS_* ; 0 for an unused index */
	uint64_t length;    /* bytes; 0 for an unused index */
};

/**
 * dmaapi_regs_info() - what region @index of the device is.  An index past
 * count succeeds with length 0.  Errors: NULL_POINTER, INDEX, SYSTEM.
 */
int dmaapi_regs_info(struct dmaapi_device *dev, unsigned int index,
		     struct dmaapi_regs_info *info);

/**
 * dmaapi_regs_map() - map region @index, uncached, read-write.
 * @addr: its first byte (out); @length: its length (out).
 *
 * The mapping lives until dmaapi_regs_unmap(), also after the device is
 * closed; once the kernel removes the device, touching it raises SIGBUS.
 * Errors: NULL_POINTER, INDEX (not a mappable region), SYSTEM.
 */
int dmaapi_regs_map(struct dmaapi_device *dev, unsigned int index, volatile void **addr,
		    size_t *length);

/** dmaapi_regs_unmap() - unmap what dmaapi_regs_map() gave.  Errors: SYSTEM. */
int dmaapi_regs_unmap(volatile void *addr, size_t length);

/* ------------------------------------------------------------------------ */
/* Several syncs in one call (since 1.6)                                     */

/* struct dmaapi_elem_range.op */
#define DMAAPI_RANGE_PREPARE_READ 1  /* as dmaapi_array_prepare_read(): device wrote */
#define DMAAPI_RANGE_CONFIRM_WRITE 2 /* as dmaapi_array_confirm_write(): CPU wrote */

/**
 * struct dmaapi_elem_range - elements [@first, @first + @count) to sync
 * @first: the first element
 * @count: elements; 0 syncs nothing
 * @op: DMAAPI_RANGE_PREPARE_READ or DMAAPI_RANGE_CONFIRM_WRITE
 */
struct dmaapi_elem_range {
	size_t first;
	size_t count;
	unsigned int op;
};

/**
 * dmaapi_array_sync_ranges() - several prepare_read/confirm_write at once
 * @a: the array
 * @ranges: @n ranges, each a prepare_read or a confirm_write of its elements
 * @n: ranges; 0 syncs nothing
 *
 * Every range is checked before any is synced: on an error nothing is.
 * Then each range is synced, in order, as the single call would (nothing
 * where the region needs no sync or the direction makes it a no-op).  On
 * the Linux backend that is one system call (DMAAPI_IOCTL_SYNCV) per 64
 * ranges with work to do, instead of one per range.
 * Errors: NULL_POINTER (@a, or @ranges with @n > 0), INDEX (a range past
 * the length), SYSTEM (EINVAL: an unknown @op; else the kernel refused: a
 * later batch of more than 64 ranges may then be left unsynced).
 */
int dmaapi_array_sync_ranges(struct dmaapi_array *a, const struct dmaapi_elem_range *ranges,
			     size_t n);
/** dmaapi_map_sync_ranges() - the same for a mapped array. */
int dmaapi_map_sync_ranges(struct dmaapi_map *m, const struct dmaapi_elem_range *ranges,
			   size_t n);

/* ------------------------------------------------------------------------ */
/* Inline fast paths                                                         */

/*
 * An element access that needs no sync (coherent memory, or any mapped
 * array) is a bounds check and a copy: a call into the library would cost
 * more than the access itself.  As liburing does for its rings, the header
 * does those accesses inline, and calls the library for everything else
 * (NULL arguments, an index out of range, a region that needs syncs), so
 * the results, the errors and the syncs are exactly the library's.  The
 * inline access is the same single-copy-atomic load or store the library
 * does, followed by a compiler barrier as a call would be.
 *
 * struct dmaapi_view is the first member of every array, box and mapped
 * array: part of the ABI, read-only for callers; its layout is checked
 * below.  Define DMAAPI_NO_INLINE before including this header to call the
 * library always; the functions are exported either way, and taking their
 * address names them.
 */
struct dmaapi_view {
	void *cpu_addr;		/* element 0 */
	size_t elem_size;
	size_t fast_len;	/* elements accessed inline: the length, or 0 where
				 * every access goes through the library */
};
typedef char dmaapi__view_layout[(offsetof(struct dmaapi_view, cpu_addr) == 0 &&
				  offsetof(struct dmaapi_view, elem_size) == sizeof(void *) &&
				  offsetof(struct dmaapi_view, fast_len) ==
					  sizeof(void *) + sizeof(size_t) &&
				  sizeof(struct dmaapi_view) == sizeof(void *) + 2 * sizeof(size_t))
					 ? 1 : -1];

/* The copy size is known only at run time (or is a constant the compiler
 * folds): hiding the caller's object from the optimiser keeps the cases
 * it cannot reach from being checked against it (-Wstringop-overflow,
 * -Warray-bounds), with or without -flto. */
#define DMAAPI__HIDE(p) __asm__("" : "+r"(p))
#define DMAAPI__COMPILER_BARRIER() __asm__ __volatile__("" ::: "memory")

#if defined(__SIZEOF_POINTER__) && __SIZEOF_POINTER__ == 8
#define DMAAPI__ATOMIC8 1
#else
#define DMAAPI__ATOMIC8 0
#endif

/* Element at @elem (DMA memory) to @dst (the caller's). */
static inline void dmaapi__load_elem(void *dst, const void *elem, size_t size)
{
	uintptr_t a = (uintptr_t)elem;

	DMAAPI__HIDE(dst);
	if (size == 1) {
		uint8_t x = __atomic_load_n((const volatile uint8_t *)elem, __ATOMIC_RELAXED);

		__builtin_memcpy(dst, &x, 1);
	} else if (size == 2 && !(a & 1)) {
		uint16_t x = __atomic_load_n((const volatile uint16_t *)elem, __ATOMIC_RELAXED);

		__builtin_memcpy(dst, &x, 2);
	} else if (size == 4 && !(a & 3)) {
		uint32_t x = __atomic_load_n((const volatile uint32_t *)elem, __ATOMIC_RELAXED);

		__builtin_memcpy(dst, &x, 4);
	} else if (DMAAPI__ATOMIC8 && size == 8 && !(a & 7)) {
		uint64_t x = __atomic_load_n((const volatile uint64_t *)elem, __ATOMIC_RELAXED);

		__builtin_memcpy(dst, &x, 8);
	} else {
		__builtin_memcpy(dst, elem, size);
	}
	DMAAPI__COMPILER_BARRIER();
}

/* @src (the caller's) to the element at @elem (DMA memory). */
static inline void dmaapi__store_elem(void *elem, const void *src, size_t size)
{
	uintptr_t a = (uintptr_t)elem;

	DMAAPI__HIDE(src);
	if (size == 1) {
		uint8_t x;

		__builtin_memcpy(&x, src, 1);
		__atomic_store_n((volatile uint8_t *)elem, x, __ATOMIC_RELAXED);
	} else if (size == 2 && !(a & 1)) {
		uint16_t x;

		__builtin_memcpy(&x, src, 2);
		__atomic_store_n((volatile uint16_t *)elem, x, __ATOMIC_RELAXED);
	} else if (size == 4 && !(a & 3)) {
		uint32_t x;

		__builtin_memcpy(&x, src, 4);
		__atomic_store_n((volatile uint32_t *)elem, x, __ATOMIC_RELAXED);
	} else if (DMAAPI__ATOMIC8 && size == 8 && !(a & 7)) {
		uint64_t x;

		__builtin_memcpy(&x, src, 8);
		__atomic_store_n((volatile uint64_t *)elem, x, __ATOMIC_RELAXED);
	} else {
		__builtin_memcpy(elem, src, size);
	}
	DMAAPI__COMPILER_BARRIER();
}

/* Element @index of container @c if it is accessed inline and @size is
 * its size (0: any size); NULL if the library must do the access. */
static inline void *dmaapi__fast_elem(const void *c, size_t index, const void *value,
				      size_t size)
{
	const struct dmaapi_view *v = (const struct dmaapi_view *)c;

	if (__builtin_expect(!c || !value || index >= v->fast_len, 0))
		return NULL;
	if (size) {
		if (__builtin_expect(v->elem_size != size, 0))
			return NULL;
		return (char *)v->cpu_addr + index * size;
	}
	return (char *)v->cpu_addr + index * v->elem_size;
}

static inline size_t dmaapi__elem_size(const void *c)
{
	return ((const struct dmaapi_view *)c)->elem_size;
}

static inline int dmaapi__array_read(const struct dmaapi_array *a, size_t index, void *value_out)
{
	void *e = dmaapi__fast_elem(a, index, value_out, 0);

	if (!e)
		return (dmaapi_array_read)(a, index, value_out);
	dmaapi__load_elem(value_out, e, dmaapi__elem_size(a));
	return 0;
}

static inline int dmaapi__array_set(struct dmaapi_array *a, size_t index, const void *value)
{
	void *e = dmaapi__fast_elem(a, index, value, 0);

	if (!e)
		return (dmaapi_array_set)(a, index, value);
	dmaapi__store_elem(e, value, dmaapi__elem_size(a));
	return 0;
}

static inline int dmaapi__box_read(const struct dmaapi_box *b, void *value_out)
{
	void *e = dmaapi__fast_elem(b, 0, value_out, 0);

	if (!e)
		return (dmaapi_box_read)(b, value_out);
	dmaapi__load_elem(value_out, e, dmaapi__elem_size(b));
	return 0;
}

static inline int dmaapi__box_write(struct dmaapi_box *b, const void *value)
{
	void *e = dmaapi__fast_elem(b, 0, value, 0);

	if (!e)
		return (dmaapi_box_write)(b, value);
	dmaapi__store_elem(e, value, dmaapi__elem_size(b));
	return 0;
}

static inline int dmaapi__map_read(const struct dmaapi_map *m, size_t index, void *value_out)
{
	void *e = dmaapi__fast_elem(m, index, value_out, 0);

	if (!e)
		return (dmaapi_map_read)(m, index, value_out);
	dmaapi__load_elem(value_out, e, dmaapi__elem_size(m));
	return 0;
}

static inline int dmaapi__map_set(struct dmaapi_map *m, size_t index, const void *value)
{
	void *e = dmaapi__fast_elem(m, index, value, 0);

	if (!e)
		return (dmaapi_map_set)(m, index, value);
	dmaapi__store_elem(e, value, dmaapi__elem_size(m));
	return 0;
}

static inline int dmaapi__array_read_sized(const struct dmaapi_array *a, size_t index,
					   void *value_out, size_t size)
{
	void *e = dmaapi__fast_elem(a, index, value_out, size);

	if (!e || !size)
		return (dmaapi_array_read_sized)(a, index, value_out, size);
	dmaapi__load_elem(value_out, e, size);
	return 0;
}

static inline int dmaapi__array_set_sized(struct dmaapi_array *a, size_t index,
					  const void *value, size_t size)
{
	void *e = dmaapi__fast_elem(a, index, value, size);

	if (!e || !size)
		return (dmaapi_array_set_sized)(a, index, value, size);
	dmaapi__store_elem(e, value, size);
	return 0;
}

static inline int dmaapi__box_read_sized(const struct dmaapi_box *b, void *value_out,
					 size_t size)
{
	void *e = dmaapi__fast_elem(b, 0, value_out, size);

	if (!e || !size)
		return (dmaapi_box_read_sized)(b, value_out, size);
	dmaapi__load_elem(value_out, e, size);
	return 0;
}

static inline int dmaapi__box_write_sized(struct dmaapi_box *b, const void *value, size_t size)
{
	void *e = dmaapi__fast_elem(b, 0, value, size);

	if (!e || !size)
		return (dmaapi_box_write_sized)(b, value, size);
	dmaapi__store_elem(e, value, size);
	return 0;
}

static inline int dmaapi__map_read_sized(const struct dmaapi_map *m, size_t index,
					 void *value_out, size_t size)
{
	void *e = dmaapi__fast_elem(m, index, value_out, size);

	if (!e || !size)
		return (dmaapi_map_read_sized)(m, index, value_out, size);
	dmaapi__load_elem(value_out, e, size);
	return 0;
}

static inline int dmaapi__map_set_sized(struct dmaapi_map *m, size_t index, const void *value,
					size_t size)
{
	void *e = dmaapi__fast_elem(m, index, value, size);

	if (!e || !size)
		return (dmaapi_map_set_sized)(m, index, value, size);
	dmaapi__store_elem(e, value, size);
	return 0;
}

/* ------------------------------------------------------------------------ */
/* Typed element access (header only; DMAAPI_ARRAY_GET(3))                  */

/*
 * DMAAPI_ARRAY_GET/PUT, DMAAPI_BOX_GET/PUT and DMAAPI_MAP_GET/PUT take what
 * DMAAPI_ARRAY_READ/SET and the others take (@p points to an object of the
 * element type, 1, 2, 4 or 8 bytes) and give the same results, errors and
 * syncs: everything but the access itself is the library's
 * dmaapi_*_read_sized / _set_sized.  Where no sync is needed, the access is
 * inline and is one volatile load or store of the element, as READ_ONCE /
 * WRITE_ONCE or Rust's read_volatile / write_volatile: single-copy atomic,
 * ordered against other volatile accesses (the other accessors, registers)
 * and against the dmaapi barriers, but, unlike DMAAPI_ARRAY_READ/SET, not a
 * compiler barrier: ordinary loads and stores of the caller may move across
 * it.  Where the order of the caller's own memory accesses and the device's
 * view of them matters, dmaapi_dma_wmb() / dmaapi_dma_rmb() say so (they are
 * needed for the CPU's order anyway).  With the compiler's optimiser, a
 * fast access is a bounds check, an element size compare and the load or
 * store; in a loop the container's view stays in registers.
 */
/*
 * Elements of 2, 4 or 8 bytes are aligned when the container's first one
 * is.  Where a misaligned load or store of ordinary memory is legal (x86,
 * arm64) the inline path does not check; elsewhere a container whose first
 * element is misaligned (an align argument below the element size) goes
 * through the library, which copies such elements bytewise.
 */
#if defined(__x86_64__) || defined(__i386__) || defined(__aarch64__)
#define DMAAPI__UNALIGNED_OK 1
#else
#define DMAAPI__UNALIGNED_OK 0
#endif

#if defined(__GNUC__) || defined(__clang__)
#define DMAAPI__ALWAYS_INLINE inline __attribute__((__always_inline__))
#else
#define DMAAPI__ALWAYS_INLINE inline
#endif

/* Is element @index of @c accessed inline as an object of @size bytes? */
static DMAAPI__ALWAYS_INLINE int dmaapi__typed_fast(const void *c, size_t index, size_t size)
{
	const struct dmaapi_view *v = (const struct dmaapi_view *)c;

	if (!(size == 1 || size == 2 || size == 4 || (DMAAPI__ATOMIC8 && size == 8)))
		return 0;
	if (__builtin_expect(!c || index >= v->fast_len || v->elem_size != size, 0))
		return 0;
	return DMAAPI__UNALIGNED_OK || !((uintptr_t)v->cpu_addr & (size - 1));
}

static DMAAPI__ALWAYS_INLINE char *dmaapi__typed_elem(const void *c, size_t index, size_t size)
{
	return (char *)((const struct dmaapi_view *)c)->cpu_addr + index * size;
}

/* The volatile load of @size (1, 2, 4 or 8) bytes at @e into @out. */
static DMAAPI__ALWAYS_INLINE void dmaapi__typed_load(void *out, const char *e, size_t size)
{
	if (size == 1) {
		uint8_t x = *(const volatile uint8_t *)e;

		__builtin_memcpy(out, &x, 1);
	} else if (size == 2) {
		uint16_t x = *(const volatile uint16_t *)e;

		__builtin_memcpy(out, &x, 2);
	} else if (size == 4) {
		uint32_t x = *(const volatile uint32_t *)e;

		__builtin_memcpy(out, &x, 4);
	} else {
		uint64_t x = *(const volatile uint64_t *)e;

		__builtin_memcpy(out, &x, 8);
	}
}

static DMAAPI__ALWAYS_INLINE void dmaapi__typed_store(char *e, const void *in, size_t size)
{
	if (size == 1) {
		uint8_t x;

		__builtin_memcpy(&x, in, 1);
		*(volatile uint8_t *)e = x;
	} else if (size == 2) {
		uint16_t x;

		__builtin_memcpy(&x, in, 2);
		*(volatile uint16_t *)e = x;
	} else if (size == 4) {
		uint32_t x;

		__builtin_memcpy(&x, in, 4);
		*(volatile uint32_t *)e = x;
	} else {
		uint64_t x;

		__builtin_memcpy(&x, in, 8);
		*(volatile uint64_t *)e = x;
	}
}

static DMAAPI__ALWAYS_INLINE int dmaapi__array_get(const struct dmaapi_array *c, size_t index,
						 void *out, size_t size)
{
	uint64_t tmp;
	int ret;

	if (__builtin_expect(dmaapi__typed_fast(c, index, size) && out != 0, 1)) {
		dmaapi__typed_load(out, dmaapi__typed_elem(c, index, size), size);
		return 0;
	}
	/* through a copy: the caller's object does not escape the fast path */
	if (!out || size > sizeof(tmp))
		return (dmaapi_array_read_sized)(c, index, out, size);
	ret = (dmaapi_array_read_sized)(c, index, &tmp, size);
	if (!ret)
		__builtin_memcpy(out, &tmp, size);
	return ret;
}

static DMAAPI__ALWAYS_INLINE int dmaapi__array_put(struct dmaapi_array *c, size_t index,
						 const void *in, size_t size)
{
	uint64_t tmp;

	if (__builtin_expect(dmaapi__typed_fast(c, index, size) && in != 0, 1)) {
		dmaapi__typed_store(dmaapi__typed_elem(c, index, size), in, size);
		return 0;
	}
	if (!in || size > sizeof(tmp))
		return (dmaapi_array_set_sized)(c, index, in, size);
	__builtin_memcpy(&tmp, in, size);
	return (dmaapi_array_set_sized)(c, index, &tmp, size);
}

static DMAAPI__ALWAYS_INLINE int dmaapi__box_get(const struct dmaapi_box *c,
						 void *out, size_t size)
{
	uint64_t tmp;
	int ret;

	if (__builtin_expect(dmaapi__typed_fast(c, 0, size) && out != 0, 1)) {
		dmaapi__typed_load(out, dmaapi__typed_elem(c, 0, size), size);
		return 0;
	}
	/* through a copy: the caller's object does not escape the fast path */
	if (!out || size > sizeof(tmp))
		return (dmaapi_box_read_sized)(c, out, size);
	ret = (dmaapi_box_read_sized)(c, &tmp, size);
	if (!ret)
		__builtin_memcpy(out, &tmp, size);
	return ret;
}

static DMAAPI__ALWAYS_INLINE int dmaapi__box_put(struct dmaapi_box *c,
						 const void *in, size_t size)
{
	uint64_t tmp;

	if (__builtin_expect(dmaapi__typed_fast(c, 0, size) && in != 0, 1)) {
		dmaapi__typed_store(dmaapi__typed_elem(c, 0, size), in, size);
		return 0;
	}
	if (!in || size > sizeof(tmp))
		return (dmaapi_box_write_sized)(c, in, size);
	__builtin_memcpy(&tmp, in, size);
	return (dmaapi_box_write_sized)(c, &tmp, size);
}

static DMAAPI__ALWAYS_INLINE int dmaapi__map_get(const struct dmaapi_map *c, size_t index,
						 void *out, size_t size)
{
	uint64_t tmp;
	int ret;

	if (__builtin_expect(dmaapi__typed_fast(c, index, size) && out != 0, 1)) {
		dmaapi__typed_load(out, dmaapi__typed_elem(c, index, size), size);
		return 0;
	}
	/* through a copy: the caller's object does not escape the fast path */
	if (!out || size > sizeof(tmp))
		return (dmaapi_map_read_sized)(c, index, out, size);
	ret = (dmaapi_map_read_sized)(c, index, &tmp, size);
	if (!ret)
		__builtin_memcpy(out, &tmp, size);
	return ret;
}

static DMAAPI__ALWAYS_INLINE int dmaapi__map_put(struct dmaapi_map *c, size_t index,
						 const void *in, size_t size)
{
	uint64_t tmp;

	if (__builtin_expect(dmaapi__typed_fast(c, index, size) && in != 0, 1)) {
		dmaapi__typed_store(dmaapi__typed_elem(c, index, size), in, size);
		return 0;
	}
	if (!in || size > sizeof(tmp))
		return (dmaapi_map_set_sized)(c, index, in, size);
	__builtin_memcpy(&tmp, in, size);
	return (dmaapi_map_set_sized)(c, index, &tmp, size);
}

/* @p: a pointer to an object of the element type (1, 2, 4 or 8 bytes). */
#ifndef DMAAPI_NO_INLINE
#define DMAAPI_ARRAY_GET(a, index, p) dmaapi__array_get((a), (index), (p), sizeof(*(p)))
#define DMAAPI_ARRAY_PUT(a, index, p) dmaapi__array_put((a), (index), (p), sizeof(*(p)))
#define DMAAPI_BOX_GET(b, p) dmaapi__box_get((b), (p), sizeof(*(p)))
#define DMAAPI_BOX_PUT(b, p) dmaapi__box_put((b), (p), sizeof(*(p)))
#define DMAAPI_MAP_GET(m, index, p) dmaapi__map_get((m), (index), (p), sizeof(*(p)))
#define DMAAPI_MAP_PUT(m, index, p) dmaapi__map_put((m), (index), (p), sizeof(*(p)))
#else
#define DMAAPI_ARRAY_GET(a, index, p) (dmaapi_array_read_sized)((a), (index), (p), sizeof(*(p)))
#define DMAAPI_ARRAY_PUT(a, index, p) (dmaapi_array_set_sized)((a), (index), (p), sizeof(*(p)))
#define DMAAPI_BOX_GET(b, p) (dmaapi_box_read_sized)((b), (p), sizeof(*(p)))
#define DMAAPI_BOX_PUT(b, p) (dmaapi_box_write_sized)((b), (p), sizeof(*(p)))
#define DMAAPI_MAP_GET(m, index, p) (dmaapi_map_read_sized)((m), (index), (p), sizeof(*(p)))
#define DMAAPI_MAP_PUT(m, index, p) (dmaapi_map_set_sized)((m), (index), (p), sizeof(*(p)))
#endif

#ifndef DMAAPI_NO_INLINE
#define dmaapi_array_read(a, index, value_out) dmaapi__array_read((a), (index), (value_out))
#define dmaapi_array_set(a, index, value) dmaapi__array_set((a), (index), (value))
#define dmaapi_box_read(b, value_out) dmaapi__box_read((b), (value_out))
#define dmaapi_box_write(b, value) dmaapi__box_write((b), (value))
#define dmaapi_map_read(m, index, value_out) dmaapi__map_read((m), (index), (value_out))
#define dmaapi_map_set(m, index, value) dmaapi__map_set((m), (index), (value))
#define dmaapi_array_read_sized(a, index, value_out, size) \
	dmaapi__array_read_sized((a), (index), (value_out), (size))
#define dmaapi_array_set_sized(a, index, value, size) \
	dmaapi__array_set_sized((a), (index), (value), (size))
#define dmaapi_box_read_sized(b, value_out, size) dmaapi__box_read_sized((b), (value_out), (size))
#define dmaapi_box_write_sized(b, value, size) dmaapi__box_write_sized((b), (value), (size))
#define dmaapi_map_read_sized(m, index, value_out, size) \
	dmaapi__map_read_sized((m), (index), (value_out), (size))
#define dmaapi_map_set_sized(m, index, value, size) \
	dmaapi__map_set_sized((m), (index), (value), (size))
#define dmaapi_wmb() dmaapi__wmb()
#define dmaapi_rmb() dmaapi__rmb()
#define dmaapi_mb() dmaapi__mb()
#define dmaapi_dma_wmb() dmaapi__dma_wmb()
#define dmaapi_dma_rmb() dmaapi__dma_rmb()
#endif

#ifdef __cplusplus
}
#endif

#endif /* DMAAPI_H */

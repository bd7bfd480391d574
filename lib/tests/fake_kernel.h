/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The fake kernel of test_linux.c, shared with test_dmabuf.c. */
#ifndef DMAAPI_FAKE_KERNEL_H
#define DMAAPI_FAKE_KERNEL_H

#include <linux/dmaapi.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

struct dmaapi_device;

#define NCMD 9
#define CMD_IDX(req) (_IOC_NR(req) - DMAAPI_CMD_BASE)

struct fake_buf {
	uint32_t handle;
	uint64_t length;
	void *mem;		/* backs the mmap */
	bool mapped;		/* an mmap of it is live */
	bool freed;
};

struct fake {
	bool active;
	int fd;
	unsigned calls[NCMD];
	int fail_errno[NCMD];	/* fail the next call of cmd with this errno */
	unsigned eintr[NCMD];	/* fail this many calls with EINTR first */
	uint64_t fail_dma_addr;	/* written back on ERANGE/EDOM */
	uint32_t api_version;
	uint64_t mask;
	uint32_t out_flags;
	uint64_t next_dma;
	uint32_t next_handle;
	struct dmaapi_alloc last_alloc;
	struct dmaapi_map_user last_map;
	struct dmaapi_sync syncs[16];
	unsigned nsync;
	uint32_t frees[16];
	unsigned nfree;
	struct fake_buf bufs[16];
	unsigned nbufs;
	int mmap_errno;
	size_t mmap_len;
	off_t mmap_off;
	int mmap_flags;
	unsigned munmaps;
	char last_open[256];	/* the path the library opened last */
	int open_flags;
};
extern struct fake fk;

void fake_reset(void);
unsigned fake_live(void);
struct fake_buf *fake_new_buf(uint64_t length, bool backing);
unsigned fake_ioctls(void);
struct dmaapi_device *open_fake(uint64_t mask);
/* test_dmabuf.c: EXPORT_DMABUF, IMPORT_DMABUF, GET_SEGMENTS */
int fake_dmabuf_ioctl(unsigned long req, void *arg, int err);

#endif

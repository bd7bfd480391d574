// SPDX-License-Identifier: GPL-2.0
/*
 * dma-buf through libdmaapi (since 1.3): dmaapi_array/box_export_dmabuf(),
 * dmaapi_map_import_dmabuf() and dmaapi_map_segments(), with the edu DMA
 * engine moving the data and the bytes checked through the other side's
 * own mapping:
 *   - /dev/dmaapi's memory exported and imported into edu;
 *   - two edu devices: what one edu's DMA wrote, the other's reads;
 *   - the system dma-heap imported into edu;
 *   - DRM's vgem: its buffer imported into edu by PRIME, and a dmaapi
 *     buffer exported into vgem and read through vgem's own mmap.
 *
 * Environment: DMAAPI_EDU (the first edu's PCI name, bound to dmaapi),
 * DMAAPI_EDU_MASK_BITS (28 for the stock device).  The second edu device is
 * bound to dmaapi by the test and given back afterwards.  vgem must be
 * loaded for its tests (the VM runner does it).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/dma-buf.h>
#include <linux/dma-heap.h>

#include "kselftest_harness.h"
#include "sys_util.h"
#include "dmaapi.h"
#include "dmaapi_util.h"
#include "drm_prime.h"
#include "edu.h"

#define PG 4096UL
#define XFER 1024U
#define MAXSEG 64
#define BEYOND_MASK "the dma-buf's pages lie above the edu device's DMA mask and neither an IOMMU nor swiotlb=force reaches them"

static void fill(void *p, size_t n, unsigned int seed)
{
	uint8_t *b = p;

	for (size_t i = 0; i < n; i++)
		b[i] = (uint8_t)(i * 11 + seed * 17 + 3);
}

/* The DMA address of bytes [off, off + len) of @m if one range holds them, else 0. */
static uint64_t map_addr(const struct dmaapi_map *m, uint64_t off, uint64_t len)
{
	struct dmaapi_dma_segment s[MAXSEG];
	size_t n = 0;

	if (dmaapi_map_segments(m, s, MAXSEG, &n))
		return 0;
	for (size_t i = 0; i < n && i < MAXSEG; i++) {
		if (off < s[i].size)
			return off + len <= s[i].size ? s[i].dma_addr + off : 0;
		off -= s[i].size;
	}
	return 0;
}

static const char *lib_err(void)
{
	static char buf[96];
	const struct dmaapi_error *e = dmaapi_last_error();

	snprintf(buf, sizeof(buf), "%s (errno %d, addr %#llx)", dmaapi_strerror(e->code),
		 e->sys_errno, (unsigned long long)e->addr);
	return buf;
}

/* An edu device: the library's device and the DMA engine's registers. */
struct edu_dev {
	char bdf[32];
	struct dmaapi_device *dev;
	struct edu edu;
	bool open;
	bool bound_here;	/* we bound it to dmaapi: unbind it after */
};

/* The first edu device other than @not, or -1. */
static int other_edu(const char *not, char *bdf, size_t len)
{
	DIR *d = opendir("/sys/bus/pci/devices");
	struct dirent *de;
	int ret = -1;

	if (!d)
		return -1;
	while ((de = readdir(d))) {
		char p[300], v[16] = "", dv[16] = "";
		FILE *f;

		if (de->d_name[0] == '.' || !strcmp(de->d_name, not))
			continue;
		snprintf(p, sizeof(p), "/sys/bus/pci/devices/%s/vendor", de->d_name);
		f = fopen(p, "re");
		if (!f)
			continue;
		if (!fgets(v, sizeof(v), f))
			v[0] = 0;
		fclose(f);
		snprintf(p, sizeof(p), "/sys/bus/pci/devices/%s/device", de->d_name);
		f = fopen(p, "re");
		if (!f)
			continue;
		if (!fgets(dv, sizeof(dv), f))
			dv[0] = 0;
		fclose(f);
		if (strtoul(v, NULL, 16) == EDU_VENDOR && strtoul(dv, NULL, 16) == EDU_DEVICE) {
			ret = snprintf(bdf, len, "%s", de->d_name) < (int)len ? 0 : -1;
			break;
		}
	}
	closedir(d);
	return ret;
}

/* Bind @e->bdf to dmaapi (driver_override) unless it is already. */
static int edu_bind(struct edu_dev *e)
{
	char p[160];

	snprintf(p, sizeof(p), "/dev/dmaapi-%s", e->bdf);
	if (!access(p, F_OK))
		return 0;
	e->bound_here = true;
	if (dev_rebind("pci", e->bdf, "dmaapi"))
		return -1;
	return access(p, F_OK);
}

static void edu_unbind(struct edu_dev *e)
{
	if (!e->bound_here)
		return;
	dev_rebind("pci", e->bdf, "");
	e->bound_here = false;
}

static int edu_dev_open(struct edu_dev *e)
{
	if (dmaapi_device_open(e->bdf, edu_mask(), &e->dev))
		return -1;
	if (edu_open(&e->edu, e->bdf)) {
		dmaapi_device_close(e->dev);
		e->dev = NULL;
		return -1;
	}
	e->open = true;
	return 0;
}

static void edu_dev_close(struct edu_dev *e)
{
	if (e->open)
		edu_close(&e->edu);
	e->open = false;
	dmaapi_device_close(e->dev);
	e->dev = NULL;
}

/* Put @len bytes of @pattern into @e's internal buffer at @off, by DMA from
 * an array of the device's own. */
static int edu_load(struct edu_dev *e, const void *pattern, uint32_t off, uint32_t len)
{
	struct dmaapi_array *a = NULL;
	int ret;

	if (dmaapi_array_zero_with_align(e->dev, 1, len, PG, DMAAPI_TO_DEVICE, &a))
		return -1;
	ret = dmaapi_array_copy_from_slice(a, pattern, len);
	if (!ret)
		ret = edu_dma_to_dev(&e->edu, dmaapi_array_dma_addr(a), off, len);
	dmaapi_array_free(a);
	return ret;
}

FIXTURE(dmabuf_lib) {
	struct dmaapi_device *exp;	/* /dev/dmaapi */
	struct edu_dev e;		/* the first edu */
	struct edu_dev e2;		/* the second, for two_edus */
};

FIXTURE_SETUP(dmabuf_lib)
{
	const char *env = getenv("DMAAPI_EDU");
	struct dmaapi_export_dmabuf x = { .size = sizeof(x) };
	int r;

	page_size = PG;
	memset(&self->e, 0, sizeof(self->e));
	memset(&self->e2, 0, sizeof(self->e2));
	r = dmaapi_device_open(NULL, edu_mask(), &self->exp);
	if (r && dmaapi_last_error()->sys_errno == ENOENT)
		SKIP(return, "no %s node", DEV_PATH);
	ASSERT_EQ(0, r) TH_LOG("open %s: %s", DEV_PATH, lib_err());
	if (ioctl(dmaapi_device_fd(self->exp), DMAAPI_IOCTL_EXPORT_DMABUF, &x) &&
	    errno == ENOTTY)
		SKIP(return, "no dma-buf in this kernel (CONFIG_DMA_SHARED_BUFFER)");
	if (env)
		snprintf(self->e.bdf, sizeof(self->e.bdf), "%s", env);
	else if (edu_find(self->e.bdf, sizeof(self->e.bdf)))
		SKIP(return, "no QEMU edu device (1234:11e8) in this machine");
	ASSERT_EQ(0, edu_dev_open(&self->e)) TH_LOG("edu %s: %s", self->e.bdf, lib_err());
}

FIXTURE_TEARDOWN(dmabuf_lib)
{
	edu_dev_close(&self->e2);
	edu_unbind(&self->e2);
	edu_dev_close(&self->e);
	dmaapi_device_close(self->exp);
}

/*
 * edu copies bytes [0, XFER) of the import @m to [PG, PG + XFER), through
 * the import's DMA ranges; the CPU writes the source through the map and
 * reads the copy back through it, with the library's syncs.
 */
static void edu_copy_through(struct __test_metadata *_metadata, struct edu_dev *e,
			     struct dmaapi_map *m, unsigned int seed)
{
	uint8_t want[XFER], got[XFER];
	uint64_t src = map_addr(m, 0, XFER), dst = map_addr(m, PG, XFER);

	ASSERT_NE(0, src);
	ASSERT_NE(0, dst);
	fill(want, XFER, seed);
	ASSERT_EQ(0, dmaapi_map_write_slice(m, 0, XFER, want)) TH_LOG("%s", lib_err());
	memset(got, 0, sizeof(got));
	ASSERT_EQ(0, dmaapi_map_write_slice(m, PG, XFER, got));
	ASSERT_EQ(0, edu_dma_to_dev(&e->edu, src, 0, XFER));
	ASSERT_EQ(0, edu_dma_to_ram(&e->edu, dst, 0, XFER));
	ASSERT_EQ(0, dmaapi_map_read_slice(m, PG, XFER, got));
	EXPECT_EQ(0, memcmp(got, want, XFER))
		TH_LOG("the device's copy is not in the dma-buf (flags %#x)",
		       dmaapi_map_region(m)->flags);
}

/* /dev/dmaapi's cached array, exported and imported into edu by the library. */
TEST_F(dmabuf_lib, export_array_import_edu)
{
	struct dmaapi_array *a = NULL;
	struct dmaapi_map *m = NULL;
	uint8_t want[XFER], got[XFER];
	size_t n = 0;
	int dfd = -1;

	ASSERT_EQ(0, dmaapi_array_cached_zero_with_align(self->exp, 1, 2 * PG, PG,
							 DMAAPI_BIDIRECTIONAL, &a));
	ASSERT_EQ(0, dmaapi_array_export_dmabuf(a, 0, 0, &dfd)) TH_LOG("%s", lib_err());
	ASSERT_LE(0, dfd);
	EXPECT_EQ((off_t)(2 * PG), lseek(dfd, 0, SEEK_END));
	ASSERT_EQ(0, dmaapi_map_import_dmabuf(self->e.dev, dfd, 1, DMAAPI_BIDIRECTIONAL, &m))
		TH_LOG("%s", lib_err());
	close(dfd); /* the import holds its own reference */
	EXPECT_EQ(2 * PG, dmaapi_map_len(m));
	EXPECT_TRUE(dmaapi_map_region(m)->flags & DMAAPI_REGION_DMABUF);
	ASSERT_EQ(0, dmaapi_map_segments(m, NULL, 0, &n));
	EXPECT_LE(1, n);
	edu_copy_through(_metadata, &self->e, m, 1);
	/* the exporter's own view is the same memory */
	fill(want, XFER, 1);
	ASSERT_EQ(0, dmaapi_array_read_slice(a, PG, XFER, got));
	EXPECT_EQ(0, memcmp(got, want, XFER));
	dmaapi_map_free(m);
	dmaapi_array_free(a);
}

/* Page 1 of a 3-page box: edu's DMA through the import lands in the box. */
TEST_F(dmabuf_lib, export_box_subrange)
{
	struct dmaapi_dma_segment s[MAXSEG];
	struct dmaapi_box *b = NULL;
	struct dmaapi_map *m = NULL;
	uint8_t want[XFER];
	uint64_t total = 0;
	size_t n = 0;
	int dfd = -1;

	ASSERT_EQ(0, dmaapi_box_zero_with_align(self->exp, 3 * PG, PG, DMAAPI_BIDIRECTIONAL, &b));
	memset(dmaapi_box_as_ptr(b), 0x5a, 3 * PG);
	ASSERT_EQ(0, dmaapi_box_confirm_write(b));
	ASSERT_EQ(0, dmaapi_box_export_dmabuf(b, PG, PG, &dfd)) TH_LOG("%s", lib_err());
	EXPECT_EQ((off_t)PG, lseek(dfd, 0, SEEK_END));
	ASSERT_EQ(0, dmaapi_map_import_dmabuf(self->e.dev, dfd, 4, DMAAPI_FROM_DEVICE, &m))
		TH_LOG("%s", lib_err());
	close(dfd);
	EXPECT_EQ(PG / 4, dmaapi_map_len(m));
	ASSERT_EQ(0, dmaapi_map_segments(m, s, MAXSEG, &n));
	for (size_t i = 0; i < n && i < MAXSEG; i++)
		total += s[i].size;
	EXPECT_EQ(PG, total);

	fill(want, XFER, 2);
	ASSERT_EQ(0, edu_load(&self->e, want, 0, XFER));
	ASSERT_EQ(0, dmaapi_map_confirm_write_all(m));	/* nothing for FROM_DEVICE */
	ASSERT_EQ(0, edu_dma_to_ram(&self->e.edu, map_addr(m, 0, XFER), 0, XFER));
	ASSERT_EQ(0, dmaapi_map_prepare_read_all(m));
	EXPECT_EQ(0, memcmp(dmaapi_map_as_ptr(m), want, XFER));
	ASSERT_EQ(0, dmaapi_box_prepare_read(b));
	EXPECT_EQ(0, memcmp((uint8_t *)dmaapi_box_as_ptr(b) + PG, want, XFER));
	EXPECT_EQ(0x5a, ((uint8_t *)dmaapi_box_as_ptr(b))[0]);
	EXPECT_EQ(0x5a, ((uint8_t *)dmaapi_box_as_ptr(b))[2 * PG]);
	dmaapi_map_free(m);
	/* the box is still whole after the import is gone */
	EXPECT_EQ(0x5a, ((uint8_t *)dmaapi_box_as_ptr(b))[PG + XFER]);
	dmaapi_box_free(b);
}

/*
 * Two edu devices: an array of the first is exported and imported into the
 * second.  The first edu's DMA writes a pattern into page 0; the second
 * edu's DMA reads it from there and writes it to page 1; the CPU finds it in
 * page 1 through the first device's array.
 */
TEST_F(dmabuf_lib, two_edus)
{
	struct dmaapi_array *a = NULL;
	struct dmaapi_map *m = NULL;
	uint8_t want[XFER], got[XFER];
	uint64_t src, dst;
	int dfd = -1;

	if (other_edu(self->e.bdf, self->e2.bdf, sizeof(self->e2.bdf)))
		SKIP(return, "one edu device in this machine");
	ASSERT_EQ(0, edu_bind(&self->e2)) TH_LOG("binding %s to dmaapi", self->e2.bdf);
	ASSERT_EQ(0, edu_dev_open(&self->e2)) TH_LOG("edu %s: %s", self->e2.bdf, lib_err());

	ASSERT_EQ(0, dmaapi_array_zero_with_align(self->e.dev, 1, 2 * PG, PG,
						  DMAAPI_BIDIRECTIONAL, &a));
	ASSERT_EQ(0, dmaapi_array_export_dmabuf(a, 0, 0, &dfd)) TH_LOG("%s", lib_err());
	ASSERT_EQ(0, dmaapi_map_import_dmabuf(self->e2.dev, dfd, 1, DMAAPI_BIDIRECTIONAL, &m))
		TH_LOG("%s", lib_err());
	close(dfd);

	/* edu 1 writes page 0 */
	fill(want, XFER, 3);
	ASSERT_EQ(0, edu_load(&self->e, want, 0, XFER));
	ASSERT_EQ(0, edu_dma_to_ram(&self->e.edu, dmaapi_array_dma_addr(a), 0, XFER));
	ASSERT_EQ(0, dmaapi_array_prepare_read(a, 0, XFER));
	ASSERT_EQ(0, dmaapi_array_read_slice(a, 0, XFER, got));
	ASSERT_EQ(0, memcmp(got, want, XFER)) TH_LOG("edu 1's write is not in its array");

	/* edu 2 reads it through its import and writes it to page 1 */
	src = map_addr(m, 0, XFER);
	dst = map_addr(m, PG, XFER);
	ASSERT_NE(0, src);
	ASSERT_NE(0, dst);
	ASSERT_EQ(0, dmaapi_map_confirm_write_all(m));
	ASSERT_EQ(0, edu_dma_to_dev(&self->e2.edu, src, 2048, XFER));
	ASSERT_EQ(0, edu_dma_to_ram(&self->e2.edu, dst, 2048, XFER));
	ASSERT_EQ(0, dmaapi_map_prepare_read_all(m));

	ASSERT_EQ(0, dmaapi_array_read_slice(a, PG, XFER, got));
	EXPECT_EQ(0, memcmp(got, want, XFER))
		TH_LOG("edu 2 did not read what edu 1 wrote (import flags %#x)",
		       dmaapi_map_region(m)->flags);
	EXPECT_EQ(0, memcmp((uint8_t *)dmaapi_map_as_ptr(m) + PG, want, XFER));
	dmaapi_map_free(m);
	dmaapi_array_free(a);
}

/*
 * Can @e reach the @len bytes at @p (another exporter's pages)?  Behind an
 * IOMMU, under swiotlb=force (a pool under its 32-bit mask), or with all RAM
 * under its mask, always; else only if every page lies under its mask (which
 * pagemap cannot tell of a VM_PFNMAP mapping): otherwise the exporter's
 * dma_map_sgtable() would try swiotlb, whose pool lies above the mask, and
 * fail with a kernel warning.
 */
static bool edu_reaches(struct __test_metadata *_metadata, struct edu_dev *e, uint8_t *p,
			size_t len)
{
	const char *cell = getenv("DMAAPI_CELL");
	struct dmaapi_device_info info;
	int r;

	ASSERT_EQ(0, dmaapi_device_info(e->dev, &info)) {
		return false;
	}
	if ((info.flags & DMAAPI_INFO_IOMMU) || (cell && strstr(cell, "swiotlb")) ||
	    ram_below(edu_mask()))
		return true;
	r = pages_below(p, len, edu_mask());
	ASSERT_LE(0, r) {
		return false;
	}
	return r;
}

/* A dma-buf of the system heap imported into edu; checked through the heap's mmap. */
TEST_F(dmabuf_lib, import_system_heap)
{
	struct dma_heap_allocation_data d = {
		.len = 2 * PG,
		.fd_flags = O_RDWR | O_CLOEXEC,
	};
	struct dmaapi_map *m = NULL;
	uint8_t want[XFER];
	struct dma_buf_sync s = { .flags = DMA_BUF_SYNC_START | DMA_BUF_SYNC_READ };
	uint8_t *q;
	int hfd, r;

	/* a kernel whose system heap cannot be imported from (tools/vm/run) */
	if (getenv("DMAAPI_SYSTEM_HEAP_BROKEN"))
		SKIP(return, "%s", getenv("DMAAPI_SYSTEM_HEAP_BROKEN"));
	hfd = open("/dev/dma_heap/system", O_RDONLY | O_CLOEXEC);
	if (hfd < 0)
		SKIP(return, "no /dev/dma_heap/system in this kernel");
	ASSERT_EQ(0, ioctl(hfd, DMA_HEAP_IOCTL_ALLOC, &d));
	close(hfd);
	/* the exporter's own mapping, bracketed as the exporter wants */
	q = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, (int)d.fd, 0);
	ASSERT_NE(MAP_FAILED, q);
	if (!edu_reaches(_metadata, &self->e, q, 2 * PG)) {
		munmap(q, 2 * PG);
		close((int)d.fd);
		SKIP(return, BEYOND_MASK);
	}
	r = dmaapi_map_import_dmabuf(self->e.dev, (int)d.fd, 1, DMAAPI_BIDIRECTIONAL, &m);
	ASSERT_EQ(0, r) TH_LOG("%s", lib_err());
	edu_copy_through(_metadata, &self->e, m, 4);
	ASSERT_EQ(0, ioctl((int)d.fd, DMA_BUF_IOCTL_SYNC, &s));
	fill(want, XFER, 4);
	EXPECT_EQ(0, memcmp(q + PG, want, XFER));
	s.flags = DMA_BUF_SYNC_END | DMA_BUF_SYNC_READ;
	ASSERT_EQ(0, ioctl((int)d.fd, DMA_BUF_IOCTL_SYNC, &s));
	munmap(q, 2 * PG);
	dmaapi_map_free(m);
	close((int)d.fd);
}

/* The vgem DRM device's fd, or -1. */
static int vgem_open(void)
{
	char path[64], name[16];
	int i, fd;

	for (i = 0; i < 16; i++) {
		struct tdrm_version v = { .name_len = sizeof(name) - 1, .name = name };

		snprintf(path, sizeof(path), "/dev/dri/card%d", i);
		fd = open(path, O_RDWR | O_CLOEXEC);
		if (fd < 0)
			continue;
		memset(name, 0, sizeof(name));
		if (!ioctl(fd, TDRM_IOCTL_VERSION, &v) && !strcmp(name, "vgem"))
			return fd;
		close(fd);
	}
	return -1;
}

#define NO_VGEM "no vgem DRM device (vgem.ko not in this kernel or not loaded)"

/* A vgem dumb buffer, exported by PRIME, imported into edu; checked through vgem's mmap. */
TEST_F(dmabuf_lib, vgem_prime_import)
{
	struct tdrm_mode_create_dumb c = { .height = 2, .width = PG / 4, .bpp = 32 };
	struct tdrm_prime_handle ph = { 0 };
	struct tdrm_mode_map_dumb md = { 0 };
	struct tdrm_gem_close gc = { 0 };
	struct dmaapi_map *m = NULL;
	uint8_t want[XFER], *q;
	int vfd, r;

	vfd = vgem_open();
	if (vfd < 0)
		SKIP(return, NO_VGEM);
	ASSERT_EQ(0, ioctl(vfd, TDRM_IOCTL_MODE_CREATE_DUMB, &c)) TH_LOG("%s", strerror(errno));
	ASSERT_LE(2 * PG, c.size);
	ph.handle = c.handle;
	ph.flags = O_RDWR | O_CLOEXEC;
	ASSERT_EQ(0, ioctl(vfd, TDRM_IOCTL_PRIME_HANDLE_TO_FD, &ph)) TH_LOG("%s", strerror(errno));
	/* vgem's own mapping of its buffer (shmem pages, cached) */
	md.handle = c.handle;
	ASSERT_EQ(0, ioctl(vfd, TDRM_IOCTL_MODE_MAP_DUMB, &md));
	q = mmap(NULL, c.size, PROT_READ | PROT_WRITE, MAP_SHARED, vfd, (off_t)md.offset);
	ASSERT_NE(MAP_FAILED, q);
	if (!edu_reaches(_metadata, &self->e, q, 2 * PG)) {
		munmap(q, c.size);
		close(ph.fd);
		close(vfd);
		SKIP(return, BEYOND_MASK);
	}
	r = dmaapi_map_import_dmabuf(self->e.dev, ph.fd, 1, DMAAPI_BIDIRECTIONAL, &m);
	ASSERT_EQ(0, r) TH_LOG("%s", lib_err());
	edu_copy_through(_metadata, &self->e, m, 5);
	/* vgem's mapping sees edu's copy */
	fill(want, XFER, 5);
	EXPECT_EQ(0, memcmp(q, want, XFER));
	EXPECT_EQ(0, memcmp(q + PG, want, XFER));
	munmap(q, c.size);
	dmaapi_map_free(m);
	close(ph.fd);
	gc.handle = c.handle;
	EXPECT_EQ(0, ioctl(vfd, TDRM_IOCTL_GEM_CLOSE, &gc));
	close(vfd);
}

/*
 * Is the dma-buf of inode @ino, exported by @exp_name, attached to a device
 * named @dev?  From the dma-buf core's own list (debugfs bufinfo): 1, 0, or
 * -1 if the dma-buf is not listed or bufinfo cannot be read.
 */
static int bufinfo_attached(unsigned long ino, const char *exp_name, const char *dev)
{
	FILE *f = fopen("/sys/kernel/debug/dma_buf/bufinfo", "re");
	char line[256], name[64];
	unsigned long i;
	bool in = false;
	int ret = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = 0;
		if (sscanf(line, "%*s %*s %*s %*s %63s %lu", name, &i) == 2 && line[0] != '\t') {
			if (in)
				break;
			in = i == ino && !strcmp(name, exp_name);
			if (in)
				ret = 0;
			continue;
		}
		if (in && line[0] == '\t' && !strcmp(line + 1, dev))
			ret = 1;
		if (in && !strncmp(line, "Total ", 6))
			break;
	}
	fclose(f);
	return ret;
}

/*
 * A dmaapi array of edu exported into vgem by PRIME: vgem attaches it and
 * maps it for its own device through dmaapi's exporter (the dma-buf core
 * lists vgem as attached), gives back the very same dma-buf, and detaches
 * when its GEM object goes.  vgem never touches the bytes, and does not mmap
 * an imported object itself (drm_gem_dumb_map_offset refuses): the data path
 * of the same export into a foreign device is two_edus.
 */
TEST_F(dmabuf_lib, vgem_prime_export)
{
	struct tdrm_prime_handle ph = { .fd = -1 }, back = { 0 };
	struct tdrm_gem_close gc = { 0 };
	struct dmaapi_array *a = NULL;
	struct stat st, st2;
	int vfd, dfd = -1;

	vfd = vgem_open();
	if (vfd < 0)
		SKIP(return, NO_VGEM);
	ASSERT_EQ(0, dmaapi_array_cached_zero_with_align(self->e.dev, 1, 2 * PG, PG,
							 DMAAPI_BIDIRECTIONAL, &a));
	ASSERT_EQ(0, dmaapi_array_export_dmabuf(a, 0, 0, &dfd)) TH_LOG("%s", lib_err());
	ASSERT_EQ(0, fstat(dfd, &st));
	EXPECT_EQ(0, bufinfo_attached(st.st_ino, "dmaapi", "vgem"));
	ph.fd = dfd;
	ASSERT_EQ(0, ioctl(vfd, TDRM_IOCTL_PRIME_FD_TO_HANDLE, &ph)) TH_LOG("%s", strerror(errno));
	EXPECT_EQ(1, bufinfo_attached(st.st_ino, "dmaapi", "vgem"))
		TH_LOG("vgem is not attached to the exported dma-buf");
	back.handle = ph.handle;
	back.flags = O_RDWR | O_CLOEXEC;
	ASSERT_EQ(0, ioctl(vfd, TDRM_IOCTL_PRIME_HANDLE_TO_FD, &back));
	ASSERT_EQ(0, fstat(back.fd, &st2));
	EXPECT_EQ(st.st_ino, st2.st_ino);
	close(back.fd);
	gc.handle = ph.handle;
	EXPECT_EQ(0, ioctl(vfd, TDRM_IOCTL_GEM_CLOSE, &gc));
	EXPECT_EQ(0, bufinfo_attached(st.st_ino, "dmaapi", "vgem"))
		TH_LOG("vgem did not detach");
	close(dfd);
	close(vfd);
	dmaapi_array_free(a);
}

/* The line of node @misc's dmabufs attribute that starts with @prefix, or "". */
static void dmabufs_line(const char *misc, const char *prefix, char *out, size_t len)
{
	char path[160], line[256];
	FILE *f;

	out[0] = 0;
	snprintf(path, sizeof(path), "/sys/class/misc/%s/dmabufs", misc);
	f = fopen(path, "re");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = 0;
		if (!strncmp(line, prefix, strlen(prefix))) {
			snprintf(out, len, "%s", line);
			break;
		}
	}
	fclose(f);
}

/* dmaapictl's listing of @node contains @needle (inside the VM guest). */
static int dmaapictl_lists(const char *node, const char *needle)
{
	const char *ctl = getenv("DMAAPICTL") ?: "/dmaapi/tools/dmaapictl";
	char cmd[256], line[512];
	int found = 0;
	FILE *p;

	if (access(ctl, X_OK))
		return getenv("DMAAPI_CELL") ? -1 : 1;	/* the guest always has it */
	snprintf(cmd, sizeof(cmd), "%s dmabuf %s", ctl, node);
	p = popen(cmd, "re");
	if (!p)
		return -1;
	while (fgets(line, sizeof(line), p))
		found |= strstr(line, needle) != NULL;
	return pclose(p) == 0 && found ? 1 : 0;
}

/*
 * The nodes' dmabufs attributes (and dmaapictl dmabuf) list the export with
 * its attachment and the import with its exporter, and forget each when it
 * goes.
 */
TEST_F(dmabuf_lib, sysfs_lists_dmabufs)
{
	struct dmaapi_array *a = NULL;
	struct dmaapi_map *m = NULL;
	char want[160], got[256], edu_misc[64], prefix[64], needle[64];
	struct stat st;
	size_t nsegs = 0;
	int dfd = -1;

	snprintf(edu_misc, sizeof(edu_misc), "dmaapi-%s", self->e.bdf);
	ASSERT_EQ(0, dmaapi_array_cached_zero_with_align(self->exp, 1, 3 * PG, PG,
							 DMAAPI_BIDIRECTIONAL, &a));
	ASSERT_EQ(0, dmaapi_array_export_dmabuf(a, PG, 2 * PG, &dfd)) TH_LOG("%s", lib_err());
	ASSERT_EQ(0, fstat(dfd, &st));
	snprintf(prefix, sizeof(prefix), "export ino=%lu ", (unsigned long)st.st_ino);
	snprintf(want, sizeof(want), "%ssize=%lu offset=%lu memory=cached attachments=0",
		 prefix, 2 * PG, PG);
	dmabufs_line("dmaapi", prefix, got, sizeof(got));
	EXPECT_STREQ(want, got);

	ASSERT_EQ(0, dmaapi_map_import_dmabuf(self->e.dev, dfd, 1, DMAAPI_BIDIRECTIONAL, &m))
		TH_LOG("%s", lib_err());
	ASSERT_EQ(0, dmaapi_map_segments(m, NULL, 0, &nsegs));
	want[strlen(want) - 1] = '1';
	dmabufs_line("dmaapi", prefix, got, sizeof(got));
	EXPECT_STREQ(want, got);
	snprintf(prefix, sizeof(prefix), "import ino=%lu ", (unsigned long)st.st_ino);
	snprintf(want, sizeof(want), "%ssize=%lu exporter=dmaapi segments=%zu bounced=%d", prefix,
		 2 * PG, nsegs, !!(dmaapi_map_region(m)->flags & DMAAPI_REGION_BOUNCED));
	dmabufs_line(edu_misc, prefix, got, sizeof(got));
	EXPECT_STREQ(want, got);
	snprintf(needle, sizeof(needle), " %lu ", (unsigned long)st.st_ino);
	EXPECT_EQ(1, dmaapictl_lists("default", needle)) TH_LOG("dmaapictl dmabuf default");
	EXPECT_EQ(1, dmaapictl_lists(self->e.bdf, needle)) TH_LOG("dmaapictl dmabuf %s",
								self->e.bdf);

	/* the import goes: the export has no attachment left */
	dmaapi_map_free(m);
	dmabufs_line(edu_misc, prefix, got, sizeof(got));
	EXPECT_STREQ("", got);
	snprintf(prefix, sizeof(prefix), "export ino=%lu ", (unsigned long)st.st_ino);
	dmabufs_line("dmaapi", prefix, got, sizeof(got));
	EXPECT_NE(NULL, strstr(got, "attachments=0"));
	/* the array goes, the export stays while the fd does; then it goes */
	dmaapi_array_free(a);
	dmabufs_line("dmaapi", prefix, got, sizeof(got));
	EXPECT_NE(0, got[0]);
	close(dfd);
	dmabufs_line("dmaapi", prefix, got, sizeof(got));
	EXPECT_STREQ("", got);
}

TEST_HARNESS_MAIN

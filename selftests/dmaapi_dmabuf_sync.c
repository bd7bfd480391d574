// SPDX-License-Identifier: GPL-2.0
/*
 * DMA_BUF_IOCTL_SYNC on a dmaapi export does the cache maintenance for real:
 * a cached array of /dev/dmaapi is exported and imported into edu, and
 * kprobe events on arch_sync_dma_for_cpu() / arch_sync_dma_for_device()
 * (as selftests/dmaapi_sync.c places them) show the kernel invalidating the
 * exported pages on DMA_BUF_SYNC_START and cleaning them on
 * DMA_BUF_SYNC_END: once for the exporting device's own mapping, once more
 * for edu's attachment where edu is not cache-coherent; and the library's
 * import syncs (DMAAPI_IOCTL_SYNC on the import) do the same.  Where every
 * device is coherent (x86) there is no such maintenance to see.
 *
 * Environment: DMAAPI_EDU, DMAAPI_EDU_MASK_BITS, DMAAPI_EXPECT_COHERENT
 * ("default=0 edu=1 ...": what the VM runner made each device).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <unistd.h>

#include <linux/dma-buf.h>

#include "kprobe_sync.h"
#include "kselftest_harness.h"
#include "dmaapi.h"
#include "edu.h"

#define PG 4096UL
#define LEN (2 * PG)

static struct kprobe_witness kw;

/* NULL, or why the kernel's cache maintenance cannot be watched. */
static const char *probes_start(void)
{
	const char *why = kw_open(&kw, "dmaapi_dmabuf");

	if (why)
		return why;
	if (kw_add_sync_probes(&kw))
		return "no kprobe on arch_sync_dma_for_device/cpu in this kernel";
	if (kw_enable(&kw, true))
		return "cannot enable the dmaapi_dmabuf kprobe events";
	kw_clear(&kw);
	return NULL;
}

struct page_hits {
	uint64_t start, len;
	unsigned int hits[LEN / PG];
};

static void page_cb(void *arg, const struct kprobe_event *e)
{
	struct page_hits *h = arg;

	for (uint64_t pg = 0; pg < h->len / PG && pg < LEN / PG; pg++)
		if (e->paddr <= h->start + pg * PG && e->paddr + e->size >= h->start + (pg + 1) * PG)
			h->hits[pg]++;
}

/*
 * How many times events @name covered each page of [@start, @start + @len)
 * (the fewest over the pages): a sync may come as one range or page by page.
 */
static unsigned int covered(const char *name, uint64_t start, uint64_t len)
{
	struct page_hits h = { .start = start, .len = len };
	unsigned int n = ~0U;

	if (kw_each(&kw, name, page_cb, &h))
		return 0;
	for (uint64_t pg = 0; pg < len / PG && pg < LEN / PG; pg++)
		n = h.hits[pg] < n ? h.hits[pg] : n;
	return n == ~0U ? 0 : n;
}

/* What the runner made device @key ("default", "edu"): 1 coherent, 0 not, -1 unknown. */
static int expect_coherent(const char *key)
{
	const char *s = getenv("DMAAPI_EXPECT_COHERENT");
	char want[32];
	const char *p;

	if (!s)
		return -1;
	snprintf(want, sizeof(want), "%s=", key);
	for (p = strstr(s, want); p; p = strstr(p + 1, want))
		if (p == s || p[-1] == ' ')
			return p[strlen(want)] == '1';
	return -1;
}

FIXTURE(dmabuf_sync) {
	struct dmaapi_device *exp, *edu;
	struct dmaapi_array *a;
	struct dmaapi_map *m;
	int dfd;
	bool edu_coherent;
};

FIXTURE_SETUP(dmabuf_sync)
{
	struct dmaapi_device_info info;
	const char *why;
	char bdf[64];
	int r;

	self->dfd = -1;
	r = dmaapi_device_open(NULL, edu_mask(), &self->exp);
	if (r && dmaapi_last_error()->sys_errno == ENOENT)
		SKIP(return, "no /dev/dmaapi node");
	ASSERT_EQ(0, r);
	ASSERT_EQ(0, dmaapi_array_cached_zero_with_align(self->exp, 1, LEN, PG,
							 DMAAPI_BIDIRECTIONAL, &self->a));
	r = dmaapi_array_export_dmabuf(self->a, 0, 0, &self->dfd);
	if (r && dmaapi_last_error()->sys_errno == ENOTTY)
		SKIP(return, "no dma-buf in this kernel (CONFIG_DMA_SHARED_BUFFER)");
	ASSERT_EQ(0, r);
	ASSERT_EQ(0, dmaapi_device_info(self->exp, &info));
	if (info.flags & DMAAPI_INFO_COHERENT)
		SKIP(return, "every device of this machine is cache-coherent: no cache maintenance to watch");
	ASSERT_EQ(0, edu_find(bdf, sizeof(bdf)));
	ASSERT_EQ(0, dmaapi_device_open(bdf, edu_mask(), &self->edu));
	ASSERT_EQ(0, dmaapi_device_info(self->edu, &info));
	self->edu_coherent = info.flags & DMAAPI_INFO_COHERENT;
	if (expect_coherent("edu") >= 0)
		ASSERT_EQ(expect_coherent("edu"), self->edu_coherent);
	ASSERT_EQ(0, dmaapi_map_import_dmabuf(self->edu, self->dfd, 1, DMAAPI_BIDIRECTIONAL,
					      &self->m));
	why = probes_start();
	if (why)
		SKIP(return, "%s", why);
}

FIXTURE_TEARDOWN(dmabuf_sync)
{
	kw_close(&kw);
	dmaapi_map_free(self->m);
	if (self->dfd >= 0)
		close(self->dfd);
	dmaapi_array_free(self->a);
	dmaapi_device_close(self->edu);
	dmaapi_device_close(self->exp);
}

/*
 * One sync, then the events: @name must cover the exported pages (their
 * physical address is the exporter's DMA address: no IOMMU, no offset on
 * the virt board) once for the exporter's own mapping and @edu_maps times
 * more where edu is not coherent, and the other kind of maintenance must
 * not touch them.
 */
static void check_events(struct __test_metadata *_metadata, FIXTURE_DATA(dmabuf_sync) *self,
			 const char *what, const char *name, const char *other,
			 unsigned int edu_maps)
{
	uint64_t pa = dmaapi_array_dma_addr(self->a);
	unsigned int want = 1 + (self->edu_coherent ? 0 : edu_maps);

	EXPECT_EQ(want, covered(name, pa, LEN))
		TH_LOG("%s: arch_sync_dma_for_%s of %#llx + %#lx: %u, want %u (edu %scoherent)",
		       what, strcmp(name, "to_dev") ? "cpu" : "device", (unsigned long long)pa, LEN,
		       covered(name, pa, LEN), want, self->edu_coherent ? "" : "non-");
	EXPECT_EQ(0, covered(other, pa, LEN)) TH_LOG("%s: %s maintenance too", what, other);
}

TEST_F(dmabuf_sync, start_invalidates_end_cleans)
{
	struct dma_buf_sync s = { .flags = DMA_BUF_SYNC_START | DMA_BUF_SYNC_RW };

	kw_clear(&kw);
	ASSERT_EQ(0, ioctl(self->dfd, DMA_BUF_IOCTL_SYNC, &s));
	check_events(_metadata, self, "DMA_BUF_SYNC_START", "to_cpu", "to_dev", 1);
	kw_clear(&kw);
	s.flags = DMA_BUF_SYNC_END | DMA_BUF_SYNC_RW;
	ASSERT_EQ(0, ioctl(self->dfd, DMA_BUF_IOCTL_SYNC, &s));
	check_events(_metadata, self, "DMA_BUF_SYNC_END", "to_dev", "to_cpu", 1);
}

/*
 * The library's syncs of an import bracket the exporter's CPU access (which
 * syncs edu's attachment and the exporter's own mapping) and sync edu's
 * mapping once more themselves, as not every exporter syncs its
 * attachments.
 */
TEST_F(dmabuf_sync, import_syncs_bracket_the_exporter)
{
	kw_clear(&kw);
	ASSERT_EQ(0, dmaapi_map_prepare_read_all(self->m));
	check_events(_metadata, self, "prepare_read of the import", "to_cpu", "to_dev", 2);
	kw_clear(&kw);
	ASSERT_EQ(0, dmaapi_map_confirm_write_all(self->m));
	check_events(_metadata, self, "confirm_write of the import", "to_dev", "to_cpu", 2);
}

TEST_HARNESS_MAIN

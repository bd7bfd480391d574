/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Jobs split into pieces (included by dmaapi_chan.c): ranges of user
 * mappings whose pages were made physically scattered on purpose (checked
 * in /proc/self/pagemap), jobs across the page boundaries at odd offsets
 * and lengths, the piece bound (DMAAPI_CHAN_MAX_PIECES, EXDEV beyond),
 * jobs cut at the max segment size, the syncs of a split job, a flush of
 * split jobs, and a udmabuf of several pages.
 */
#include <stdlib.h>

#define SPLIT_PAGES 12

static uint64_t *split_sort_pfn;

static int split_cmp(const void *a, const void *b)
{
	uint64_t x = split_sort_pfn[*(const size_t *)a], y = split_sort_pfn[*(const size_t *)b];

	return x < y ? -1 : x > y;
}

/*
 * SPLIT_PAGES pages of anonymous memory, none physically adjacent to its
 * neighbour: faulted in, sorted by page frame and moved (mremap keeps the
 * pages) to interleave the lower and the upper half.  NULL if the frames
 * cannot be read.
 */
static uint8_t *split_scatter(uint64_t pfn[SPLIT_PAGES])
{
	const size_t n = SPLIT_PAGES, h = SPLIT_PAGES / 2;
	size_t ord[SPLIT_PAGES], i;
	uint64_t tpfn[SPLIT_PAGES];
	uint8_t *tmp, *dst;

	tmp = mmap(NULL, n * page_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (tmp == MAP_FAILED)
		return NULL;
	madvise(tmp, n * page_size, MADV_NOHUGEPAGE);
	memset(tmp, 0x11, n * page_size);
	for (i = 0; i < n; i++) {
		tpfn[i] = chan_pfn(tmp + i * page_size);
		ord[i] = i;
		if (!tpfn[i]) {
			munmap(tmp, n * page_size);
			return NULL;
		}
	}
	split_sort_pfn = tpfn;
	qsort(ord, n, sizeof(ord[0]), split_cmp);
	dst = mmap(NULL, n * page_size, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (dst == MAP_FAILED)
		return NULL;
	for (i = 0; i < n; i++) {
		size_t from = i % 2 ? ord[h + i / 2] : ord[i / 2];

		if (mremap(tmp + from * page_size, page_size, page_size,
			   MREMAP_MAYMOVE | MREMAP_FIXED, dst + i * page_size) == MAP_FAILED)
			return NULL;
	}
	for (i = 0; i < n; i++)
		pfn[i] = chan_pfn(dst + i * page_size);
	return dst;
}

/* Asserts no two neighbouring pages are physically adjacent. */
#define SPLIT_SCATTER(p, pfn) do {						\
	(p) = split_scatter(pfn);						\
	if (!(p))								\
		SKIP(return, "no page frames in /proc/self/pagemap");		\
	for (size_t sp_k = 1; sp_k < SPLIT_PAGES; sp_k++) {			\
		ASSERT_NE((pfn)[sp_k - 1] + 1, (pfn)[sp_k]);			\
	}									\
} while (0)

/* @x rounded down to chan_align(), at least one unit. */
static uint64_t split_al(const struct dmaapi_chan_request *r, uint64_t x)
{
	x = chan_al(r, x);
	return x ? x : chan_align(r);
}

/* Page boundaries strictly inside [off, off + len). */
static unsigned int split_crossed(uint64_t off, uint64_t len)
{
	return (off + len - 1) / page_size - off / page_size;
}

/* Into and out of scattered user pages, across their boundaries. */
TEST_F(chan, split_user_pages)
{
	static const uint64_t cases[][3] = {	/* buffer offset, user offset, length */
		{ 3, 1, 3 * 4096 + 5 },
		{ 100, 4095, 2 },
		{ 7, 777, 10 * 4096 + 333 },
		{ 0, 0, SPLIT_PAGES * 4096 },
		{ 64, 8191, 4097 },
	};
	uint64_t pfn[SPLIT_PAGES];
	struct dmaapi_map_user m;
	struct dmaapi_chan_job j;
	const size_t len = SPLIT_PAGES * page_size;
	uint8_t *u;

	SPLIT_SCATTER(u, pfn);
	ASSERT_EQ(0, do_map(self->fd, u, len, DMAAPI_DIR_BIDIRECTIONAL, 0, &m));
	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		uint64_t bo = split_al(&self->r, cases[c][0]) % 4096, uo = split_al(&self->r, cases[c][1]);
		uint64_t n = split_al(&self->r, cases[c][2]);

		if (!cases[c][0])
			bo = 0;
		if (!cases[c][1])
			uo = 0;
		if (uo + n > len)
			n = split_al(&self->r, len - uo);
		/* into the user pages */
		tbuf_fill(&self->src, 40 + c);
		memset(u, 0xa5, len);
		chan_job(&j, self->src.handle, bo, m.handle, uo, n, c);
		ASSERT_EQ(0, run_job(_metadata, self->fd, &self->r, &j))
			TH_LOG("case %zu: %s", c, strerror(errno));
		EXPECT_EQ(-1, first_diff(self->src.p + bo, u + uo, n)) TH_LOG("case %zu", c);
		if (uo)
			EXPECT_EQ(0xa5, u[uo - 1]);
		if (uo + n < len)
			EXPECT_EQ(0xa5, u[uo + n]);
		/* and out of them */
		for (size_t i = 0; i < len; i++)
			u[i] = (uint8_t)(i * 13 + c);
		memset(self->dst.p, 0x5a, n + 2 * 4096);
		chan_job(&j, m.handle, uo, self->dst.handle, bo, n, 100 + c);
		ASSERT_EQ(0, run_job(_metadata, self->fd, &self->r, &j))
			TH_LOG("case %zu: %s", c, strerror(errno));
		EXPECT_EQ(-1, first_diff(u + uo, self->dst.p + bo, n)) TH_LOG("case %zu", c);
		if (bo)
			EXPECT_EQ(0x5a, self->dst.p[bo - 1]);
		EXPECT_EQ(0x5a, self->dst.p[bo + n]);
	}
	EXPECT_EQ(0, do_free(self->fd, m.handle));
	munmap(u, len);
}

/*
 * Scattered pages to scattered pages, their boundaries apart: a job has one
 * piece more than the boundaries it crosses on either side; up to
 * DMAAPI_CHAN_MAX_PIECES it runs, beyond it is EXDEV and nothing is queued.
 */
TEST_F(chan, split_pieces_bound)
{
	uint64_t pfa[SPLIT_PAGES], pfb[SPLIT_PAGES];
	const size_t len = SPLIT_PAGES * page_size;
	struct dmaapi_map_user ma, mb;
	struct dmaapi_chan_status st;
	struct dmaapi_chan_job j;
	uint64_t so = split_al(&self->r, 100), dof = split_al(&self->r, 3000);
	int ok = 0, refused = 0;
	uint8_t *a, *b;

	SPLIT_SCATTER(a, pfa);
	SPLIT_SCATTER(b, pfb);
	ASSERT_EQ(0, do_map(self->fd, a, len, DMAAPI_DIR_TO_DEVICE, 0, &ma));
	ASSERT_EQ(0, do_map(self->fd, b, len, DMAAPI_DIR_FROM_DEVICE, 0, &mb));
	for (unsigned int k = 1; k <= 20; k++) {
		uint64_t n = split_al(&self->r, k * (page_size / 2) + 3);
		unsigned int pieces = 1 + split_crossed(so, n) + split_crossed(dof, n);

		for (size_t i = 0; i < len; i++)
			a[i] = (uint8_t)(i * 7 + k);
		memset(b, 0, len);
		chan_job(&j, ma.handle, so, mb.handle, dof, n, k);
		if (pieces > DMAAPI_CHAN_MAX_PIECES) {
			TH_LOG("%u pieces: EXDEV expected", pieces);
			EXPECT_ERRNO(EXDEV, chan_submit(self->fd, self->r.handle, &j, 1, NULL));
			ASSERT_EQ(0, chan_status(self->fd, self->r.handle, &st));
			EXPECT_EQ(0, st.queued);
			EXPECT_EQ(0, st.unread);
			refused++;
			continue;
		}
		ASSERT_EQ(0, run_job(_metadata, self->fd, &self->r, &j))
			TH_LOG("%u pieces: %s", pieces, strerror(errno));
		EXPECT_EQ(-1, first_diff(a + so, b + dof, n)) TH_LOG("%u pieces", pieces);
		if (dof + n < len)
			EXPECT_EQ(0, b[dof + n]);
		EXPECT_EQ(0, b[dof - 1]);
		ok++;
	}
	TH_LOG("%d jobs run, %d refused", ok, refused);
	EXPECT_LT(0, ok);
	EXPECT_LT(0, refused);
	/* nothing held by the refused jobs */
	EXPECT_EQ(0, do_free(self->fd, ma.handle));
	EXPECT_EQ(0, do_free(self->fd, mb.handle));
	munmap(a, len);
	munmap(b, len);
}

/* Jobs longer than the max segment size: cut into pieces of it. */
TEST_F(chan, split_max_segment)
{
	const uint64_t seg = self->r.max_job_bytes / DMAAPI_CHAN_MAX_PIECES;
	uint64_t lens[3], off = split_al(&self->r, 3);
	struct dmaapi_chan_job j;

	if (self->r.max_job_bytes >= UINT32_MAX)
		SKIP(return, "max_job_bytes capped: no max segment to find");
	lens[0] = seg + split_al(&self->r, 1);
	lens[1] = 3 * seg + split_al(&self->r, 777);
	lens[2] = self->src.len - off < self->r.max_job_bytes ?
		  split_al(&self->r, self->src.len - off) : self->r.max_job_bytes;
	for (int c = 0; c < 3; c++) {
		if (lens[c] + off > self->src.len)
			continue;
		tbuf_fill(&self->src, 70 + c);
		memset(self->dst.p, 0, self->dst.len);
		chan_job(&j, self->src.handle, off, self->dst.handle, off, lens[c], c);
		ASSERT_EQ(0, run_job(_metadata, self->fd, &self->r, &j))
			TH_LOG("%llu bytes: %s", (unsigned long long)lens[c], strerror(errno));
		EXPECT_EQ(-1, first_diff(self->src.p + off, self->dst.p + off, lens[c]));
		if (off + lens[c] < self->dst.len)
			EXPECT_EQ(0, self->dst.p[off + lens[c]]);
	}
	chan_job(&j, self->src.handle, 0, self->dst.handle, 0, self->r.max_job_bytes + 1, 9);
	EXPECT_ERRNO(EFBIG, chan_submit(self->fd, self->r.handle, &j, 1, NULL));
}

struct split_outside {
	const uint64_t *pfn;
	uint64_t lo, hi;	/* the job's bytes, as offsets in the user pages */
	int inside, outside;
};

/* Events on the user pages: inside the job's part of each page, or not. */
static void split_outside_cb(void *arg, const struct kprobe_event *e)
{
	struct split_outside *s = arg;

	for (size_t i = 0; i < SPLIT_PAGES; i++) {
		uint64_t pa = s->pfn[i] * page_size, plo = i * page_size, phi = plo + page_size;
		uint64_t lo = s->lo > plo ? s->lo : plo, hi = s->hi < phi ? s->hi : phi;

		if (e->paddr + e->size <= pa || e->paddr >= pa + page_size)
			continue;
		if (lo < hi && e->paddr >= pa + (lo - plo) && e->paddr + e->size <= pa + (hi - plo))
			s->inside++;
		else
			s->outside++;
	}
}

/* A split job syncs each of its pieces of the user pages, and nothing more. */
TEST_F(chan, split_sync_witness)
{
	const char *why;
	uint64_t pfn[SPLIT_PAGES];
	const size_t len = SPLIT_PAGES * page_size;
	uint64_t uo = split_al(&self->r, 1000), n = 3 * page_size + split_al(&self->r, 500);
	struct split_outside so = { .pfn = pfn, .lo = uo, .hi = uo + n };
	struct dmaapi_map_user m;
	struct dmaapi_chan_job j;
	uint8_t *u;

	SPLIT_SCATTER(u, pfn);
	ASSERT_EQ(0, do_map(self->fd, u, len, DMAAPI_DIR_FROM_DEVICE, 0, &m));
	why = chan_probes_start();
	if (why) {
		do_free(self->fd, m.handle);
		SKIP(return, "%s", why);
	}
	tbuf_fill(&self->src, 5);
	chan_job(&j, self->src.handle, 64, m.handle, uo, n, 1);
	ASSERT_EQ(0, run_job(_metadata, self->fd, &self->r, &j));
	kw_enable(&chan_kw, false);
	EXPECT_EQ(-1, first_diff(self->src.p + 64, u + uo, n));
	EXPECT_LE(1, chan_synced("to_dev", DMAAPI_DIR_TO_DEVICE, tbuf_phys(&self->src, 64), n));
	for (uint64_t o = uo; o < uo + n; ) {
		size_t pg = o / page_size;
		uint64_t end = (pg + 1) * page_size < uo + n ? (pg + 1) * page_size : uo + n;
		uint64_t pa = pfn[pg] * page_size + o % page_size;

		EXPECT_LE(1, chan_synced("to_dev", DMAAPI_DIR_FROM_DEVICE, pa, end - o))
			TH_LOG("page %zu", pg);
		EXPECT_LE(1, chan_synced("to_cpu", DMAAPI_DIR_FROM_DEVICE, pa, end - o))
			TH_LOG("page %zu", pg);
		o = end;
	}
	ASSERT_EQ(0, kw_each(&chan_kw, "to_dev", split_outside_cb, &so));
	ASSERT_EQ(0, kw_each(&chan_kw, "to_cpu", split_outside_cb, &so));
	EXPECT_LE(8, so.inside);
	EXPECT_EQ(0, so.outside);
	kw_close(&chan_kw);
	EXPECT_EQ(0, do_free(self->fd, m.handle));
	munmap(u, len);
}

/*
 * Jobs of DMAAPI_CHAN_MAX_PIECES pieces flushed at once: every job the
 * submit counted gets exactly one record (done with no residue, or aborted
 * or failed with some), and nothing more comes.
 */
TEST_F(chan, split_flush_once)
{
	const uint64_t n = self->r.max_job_bytes < self->src.len ? self->r.max_job_bytes :
			   self->src.len;
	struct dmaapi_chan_completion c[8];
	struct dmaapi_chan_status st;
	struct dmaapi_chan_job j[4];
	uint32_t sub;
	int got, seen[4] = { 0 }, counts[3] = { 0 };

	for (int round = 0; round < 3; round++) {
		for (int i = 0; i < 4; i++)
			chan_job(&j[i], self->src.handle, 0, self->dst.handle, 0, n, i);
		ASSERT_EQ(0, chan_submit(self->fd, self->r.handle, j, 4, &sub));
		ASSERT_LE(1, sub);
		ASSERT_EQ(0, chan_op(self->fd, DMAAPI_IOCTL_CHAN_FLUSH, self->r.handle));
		got = chan_wait(self->r.fd, c, 8, 300);
		ASSERT_EQ(sub, got);
		memset(seen, 0, sizeof(seen));
		for (int i = 0; i < got; i++) {
			ASSERT_GT(4, c[i].user_data);
			seen[c[i].user_data]++;
			EXPECT_EQ(j[c[i].user_data].cookie, c[i].cookie);
			ASSERT_GT(3, c[i].status);
			counts[c[i].status]++;
			if (c[i].status == DMAAPI_JOB_DONE) {
				EXPECT_EQ(0, c[i].residue);
			} else {
				EXPECT_LT(0, c[i].residue);
			}
			EXPECT_GE(n, c[i].residue);
		}
		for (uint32_t i = 0; i < sub; i++) {
			EXPECT_EQ(1, seen[i]) TH_LOG("job %u", i);
		}
		ASSERT_EQ(0, chan_status(self->fd, self->r.handle, &st));
		EXPECT_EQ(0, st.queued);
		EXPECT_EQ(0, st.unread);
	}
	TH_LOG("%d done, %d failed (descriptors ran out), %d aborted", counts[0], counts[1],
	       counts[2]);
}

/* A udmabuf of several memfd pages: jobs across its pages. */
TEST_F(chan, import_udmabuf_pages)
{
	const size_t len = 8 * 4096;
	int mfd, dfd, apart = 0;
	uint8_t *q;

	dfd = udmabuf_new(len, &mfd);
	if (dfd == -ENOENT)
		SKIP(return, "no /dev/udmabuf in this kernel");
	ASSERT_LE(0, dfd) TH_LOG("udmabuf: %s", strerror(-dfd));
	q = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, mfd, 0);
	ASSERT_NE(MAP_FAILED, q);
	q[0] = 1;
	for (size_t i = 1; i < len / page_size; i++) {
		q[i * page_size] = 1;
		if (chan_pfn(q + i * page_size) != chan_pfn(q + (i - 1) * page_size) + 1)
			apart++;
	}
	TH_LOG("%d of %zu neighbouring pages not adjacent", apart, len / page_size - 1);
	import_jobs(_metadata, self, dfd, q, len);
	munmap(q, len);
	close(dfd);
	close(mfd);
}

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The objects a channel's jobs use, mapped for its DMA device (included by
 * dmaapi_chan.c): once, by the first job, and kept for the next ones;
 * shared by the file's channels on one device (every channel of the
 * machine at once); dropped by FREE; and imported dma-bufs (dmaapi's own
 * export, udmabuf) as job ends.
 */

/*
 * Every channel of the machine at once, each a job of its own.  The file's
 * channels on one DMA device (the BCM2835's eleven; ZDMA channels are a
 * device each) share one mapping of an object: the first job on any of
 * them maps it for the device, and it stays while one of them is held.
 */
TEST_F(chan, all_channels)
{
	struct dmaapi_chan_request r[16];
	struct dmaapi_chan_completion c;
	struct dmaapi_chan_status st;
	struct dmaapi_chan_job j;
	int n = 0, shared = -1;

	tbuf_fill(&self->src, 5);
	while (n < 16 && !chan_request(self->fd, NULL, 0, 0, &r[n]))
		n++;
	EXPECT_EQ(ENODEV, errno);
	TH_LOG("%d more channels", n);
	if (chan_dt())	/* all the machine's channels, one is self->r */
		EXPECT_EQ(chan_dt()->channels - 1, n);
	ASSERT_LE(1, n);
	/* a first job on r[0] maps both buffers for its device ... */
	chan_job(&j, self->src.handle, 0, self->dst.handle, 0, 65536, 0);
	ASSERT_EQ(0, chan_submit(self->fd, r[0].handle, &j, 1, NULL));
	ASSERT_EQ(1, chan_wait(r[0].fd, &c, 1, WAIT_MS));
	EXPECT_EQ(DMAAPI_JOB_DONE, c.status);
	/* ... so for the other channels on that device too */
	for (int k = 1; k < n; k++) {
		bool same = !strcmp(r[k].dev_name, r[0].dev_name);

		ASSERT_EQ(0, chan_status(self->fd, r[k].handle, &st));
		EXPECT_EQ(same ? 2 : 0, st.mapped);
		if (same && shared < 0)
			shared = k;
	}
	/* then the others all at once */
	for (int i = 1; i < n; i++) {
		chan_job(&j, self->src.handle, i * 65536, self->dst.handle, i * 65536, 65536, i);
		ASSERT_EQ(0, chan_submit(self->fd, r[i].handle, &j, 1, NULL));
	}
	for (int i = 0; i < n; i++) {
		if (i) {
			EXPECT_EQ(1, chan_wait(r[i].fd, &c, 1, WAIT_MS));
			EXPECT_EQ(DMAAPI_JOB_DONE, c.status);
		}
		ASSERT_EQ(0, chan_status(self->fd, r[i].handle, &st));
		EXPECT_EQ(2, st.mapped);
		EXPECT_EQ(-1, first_diff(self->src.p + i * 65536, self->dst.p + i * 65536, 65536));
	}
	if (shared > 0) {
		/* r[0] released: its device's mappings stay for r[shared] */
		close(r[0].fd);
		EXPECT_EQ(0, do_free(self->fd, r[0].handle));
		r[0].fd = -1;
		ASSERT_EQ(0, chan_status(self->fd, r[shared].handle, &st));
		EXPECT_EQ(2, st.mapped);
		tbuf_fill(&self->src, 6);	/* the job syncs both ends itself */
		chan_job(&j, self->src.handle, 0, self->dst.handle, 0, 65536, 99);
		ASSERT_EQ(0, chan_submit(self->fd, r[shared].handle, &j, 1, NULL));
		ASSERT_EQ(1, chan_wait(r[shared].fd, &c, 1, WAIT_MS));
		EXPECT_EQ(DMAAPI_JOB_DONE, c.status);
		EXPECT_EQ(-1, first_diff(self->src.p, self->dst.p, 65536));
	} else {
		TH_LOG("no two channels on one device: nothing shared to check");
	}
	for (int i = 0; i < n; i++)
		if (r[i].fd >= 0)
			close(r[i].fd);
}

/*
 * An object is mapped for the channel once, by its first job, and stays
 * mapped for the next ones (a mapping per job would also exceed DMA-API
 * debug's seven mappings of one cache line: the batch below starts 24 jobs
 * on the same lines); FREE of an object drops the channel's mapping of it,
 * and a FREE of one a job is queued on is still EBUSY.
 */
TEST_F(chan, map_once_per_channel)
{
	struct dmaapi_chan_completion c[24];
	struct dmaapi_chan_job j[24];
	struct dmaapi_chan_status st;
	struct tbuf other;
	uint32_t n;

	ASSERT_EQ(0, chan_set_limit(self->fd, self->r.handle, 64));
	ASSERT_EQ(0, chan_status(self->fd, self->r.handle, &st));
	EXPECT_EQ(0, st.mapped);
	tbuf_fill(&self->src, 21);
	memset(self->dst.p, 0, self->dst.len);
	for (int round = 0; round < 2; round++) {
		for (int i = 0; i < 24; i++)
			chan_job(&j[i], self->src.handle, 0, self->dst.handle, 0, 8192, i);
		ASSERT_EQ(0, chan_submit(self->fd, self->r.handle, j, 24, &n));
		ASSERT_EQ(24, n);
		ASSERT_EQ(24, chan_wait(self->r.fd, c, 24, WAIT_MS));
		for (int i = 0; i < 24; i++)
			EXPECT_EQ(DMAAPI_JOB_DONE, c[i].status);
		EXPECT_EQ(-1, first_diff(self->src.p, self->dst.p, 8192));
		ASSERT_EQ(0, chan_status(self->fd, self->r.handle, &st));
		EXPECT_EQ(2, st.mapped);
	}

	/* a third object, mapped by its first job; FREE unmaps it */
	ASSERT_EQ(0, tbuf_alloc(self->fd, 65536, DMAAPI_ALLOC_CACHED, DMAAPI_DIR_FROM_DEVICE,
				&other));
	memset(other.p, 0, other.len);
	chan_job(&j[0], self->src.handle, 4096, other.handle, 100, 30000, 1);
	ASSERT_EQ(0, run_job(_metadata, self->fd, &self->r, &j[0]));
	EXPECT_EQ(-1, first_diff(self->src.p + 4096, other.p + 100, 30000));
	ASSERT_EQ(0, chan_status(self->fd, self->r.handle, &st));
	EXPECT_EQ(3, st.mapped);
	/* not while a job uses it */
	for (int i = 0; i < 8; i++)
		chan_job(&j[i], self->src.handle, 0, other.handle, i * 8192, 8192, i);
	ASSERT_EQ(0, chan_submit(self->fd, self->r.handle, j, 8, &n));
	if (do_free(self->fd, other.handle)) {
		EXPECT_EQ(EBUSY, errno);
		ASSERT_EQ(8, chan_wait(self->r.fd, c, 8, WAIT_MS));
		EXPECT_EQ(0, do_free(self->fd, other.handle));
	} else {
		/* the engine was faster: all retired before the FREE */
		ASSERT_EQ(8, chan_wait(self->r.fd, c, 8, WAIT_MS));
	}
	munmap(other.p, other.len);
	ASSERT_EQ(0, chan_status(self->fd, self->r.handle, &st));
	EXPECT_EQ(2, st.mapped);
	/* a FREE of the last job's destination, right after it */
	chan_job(&j[0], self->src.handle, 0, self->dst.handle, 8192, 4096, 2);
	ASSERT_EQ(0, run_job(_metadata, self->fd, &self->r, &j[0]));
	EXPECT_EQ(0, do_free(self->fd, self->dst.handle));
	ASSERT_EQ(0, chan_status(self->fd, self->r.handle, &st));
	EXPECT_EQ(1, st.mapped);
	EXPECT_EQ(-1, first_diff(self->src.p, self->dst.p + 8192, 4096));
}

static int chan_import(int fd, int dfd, uint32_t dir, struct dmaapi_import_dmabuf *imp)
{
	memset(imp, 0, sizeof(*imp));
	imp->size = sizeof(*imp);
	imp->fd = dfd;
	imp->direction = dir;
	return ioctl(fd, DMAAPI_IOCTL_IMPORT_DMABUF, imp);
}

static int dmabuf_sync(int dfd, uint64_t flags)
{
	struct dma_buf_sync s = { .flags = flags };

	return ioctl(dfd, DMA_BUF_IOCTL_SYNC, &s);
}

/*
 * Jobs to and from an imported dma-buf of @len bytes whose CPU view is @p:
 * the channel attaches to it at the first job, the CPU brackets its access
 * with DMA_BUF_IOCTL_SYNC; FREE of the import drops the attachment.
 */
static void import_jobs(struct __test_metadata *_metadata, FIXTURE_DATA(chan) *self, int dfd,
			uint8_t *p, size_t len)
{
	struct dmaapi_import_dmabuf imp;
	struct dmaapi_chan_status st;
	struct dmaapi_chan_job j;
	size_t n = len / 2;

	ASSERT_EQ(0, chan_import(self->fd, dfd, DMAAPI_DIR_BIDIRECTIONAL, &imp))
		TH_LOG("IMPORT_DMABUF: %s", strerror(errno));
	ASSERT_EQ(len, imp.length);
	ASSERT_EQ(0, chan_status(self->fd, self->r.handle, &st));
	EXPECT_EQ(0, st.mapped);

	/* into the dma-buf */
	tbuf_fill(&self->src, 31);
	ASSERT_EQ(0, dmabuf_sync(dfd, DMA_BUF_SYNC_START | DMA_BUF_SYNC_RW));
	memset(p, 0x5a, len);
	ASSERT_EQ(0, dmabuf_sync(dfd, DMA_BUF_SYNC_END | DMA_BUF_SYNC_RW));
	chan_job(&j, self->src.handle, 64, imp.handle, 100, n, 1);
	ASSERT_EQ(0, run_job(_metadata, self->fd, &self->r, &j)) TH_LOG("%s", strerror(errno));
	ASSERT_EQ(0, dmabuf_sync(dfd, DMA_BUF_SYNC_START | DMA_BUF_SYNC_READ));
	EXPECT_EQ(-1, first_diff(self->src.p + 64, p + 100, n));
	EXPECT_EQ(0x5a, p[99]);
	EXPECT_EQ(0x5a, p[100 + n]);
	ASSERT_EQ(0, dmabuf_sync(dfd, DMA_BUF_SYNC_END | DMA_BUF_SYNC_READ));
	ASSERT_EQ(0, chan_status(self->fd, self->r.handle, &st));
	EXPECT_EQ(2, st.mapped);

	/* out of it, through the same attachment */
	ASSERT_EQ(0, dmabuf_sync(dfd, DMA_BUF_SYNC_START | DMA_BUF_SYNC_WRITE));
	for (size_t i = 0; i < len; i++)
		p[i] = (uint8_t)(i * 7 + 3);
	ASSERT_EQ(0, dmabuf_sync(dfd, DMA_BUF_SYNC_END | DMA_BUF_SYNC_WRITE));
	memset(self->dst.p, 0, len);
	chan_job(&j, imp.handle, 8, self->dst.handle, 0, len - 8, 2);
	ASSERT_EQ(0, run_job(_metadata, self->fd, &self->r, &j));
	EXPECT_EQ(-1, first_diff(p + 8, self->dst.p, len - 8));
	ASSERT_EQ(0, chan_status(self->fd, self->r.handle, &st));
	EXPECT_EQ(3, st.mapped);
	/* its range checks are the other objects' */
	chan_job(&j, imp.handle, len - 8, self->dst.handle, 0, 16, 3);
	EXPECT_ERRNO(EOVERFLOW, chan_submit(self->fd, self->r.handle, &j, 1, NULL));

	EXPECT_EQ(0, do_free(self->fd, imp.handle));
	ASSERT_EQ(0, chan_status(self->fd, self->r.handle, &st));
	EXPECT_EQ(2, st.mapped);
}

/*
 * A dma-buf dmaapi exported, imported as a job range.  It comes from
 * /dev/dmaapi, not the channel's node: an import into the node that
 * allocated it is a second mapping of the memory for the same device, whose
 * partial syncs (the exporter's, by page) DMA-API debug cannot tell apart.
 */
TEST_F(chan, import_dmaapi_dmabuf)
{
	struct dmaapi_export_dmabuf x = { .size = sizeof(x), .length = 65536 };
	const char *other = strcmp(chan_node(), "/dev/dmaapi") ? "/dev/dmaapi" : NULL;
	struct tbuf b;
	int xfd;

	if (!other)
		SKIP(return, "no second node to export from");
	xfd = open(other, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, xfd);
	ASSERT_EQ(0, tbuf_alloc(xfd, 65536, DMAAPI_ALLOC_CACHED, DMAAPI_DIR_BIDIRECTIONAL, &b));
	x.handle = b.handle;
	ASSERT_EQ(0, ioctl(xfd, DMAAPI_IOCTL_EXPORT_DMABUF, &x))
		TH_LOG("EXPORT_DMABUF: %s", strerror(errno));
	import_jobs(_metadata, self, x.fd, b.p, 65536);
	close(x.fd);
	munmap(b.p, b.len);
	close(xfd);
}

/* A udmabuf (memfd pages) imported as a job range. */
TEST_F(chan, import_udmabuf)
{
	const size_t len = 4096;	/* one page: ranges across its pages wait for split jobs */
	uint8_t *q;
	int mfd, dfd;

	dfd = udmabuf_new(len, &mfd);
	if (dfd == -ENOENT)
		SKIP(return, "no /dev/udmabuf in this kernel");
	ASSERT_LE(0, dfd) TH_LOG("udmabuf: %s", strerror(-dfd));
	q = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, mfd, 0);
	ASSERT_NE(MAP_FAILED, q);
	import_jobs(_metadata, self, dfd, q, len);
	munmap(q, len);
	close(dfd);
	close(mfd);
}

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Part of selftests/dmaapi_chan.c: jobs queued when the file is closed, the
 * process killed, or the node's device unbound.  Each must end with every
 * job retired (done or aborted), the channel released, and the node's
 * counters (sysfs handles, bytes, live_bufs) back where they were.
 */

static long long node_counter(const char *what)
{
	char path[128];
	const char *node = chan_node();

	snprintf(path, sizeof(path), "/sys/class/misc/%s/%s", node + 5, what);
	return read_ll(path);
}

/* Waits up to 5 s for the node's handles and live_bufs to be back. */
static int counters_back(long long handles, long long live_bufs)
{
	for (int t = 0; t < 500; t++) {
		if (node_counter("handles") == handles && node_counter("live_bufs") == live_bufs)
			return 1;
		usleep(10000);
	}
	return 0;
}

FIXTURE(chan_lifetime) {
	long long handles, live_bufs;
};

FIXTURE_SETUP(chan_lifetime)
{
	struct dmaapi_chan_request r;
	int fd;

	page_size = sysconf(_SC_PAGESIZE);
	fd = open(chan_node(), O_RDWR | O_CLOEXEC);
	OPEN_OR_SKIP(fd, chan_node());
	if (chan_request(fd, NULL, 0, 0, &r)) {
		close(fd);
		if (errno == ENODEV)
			SKIP(return, CHAN_NO_CHANNEL);
		ASSERT_EQ(0, errno);
	}
	close(r.fd);
	close(fd);
	self->handles = node_counter("handles");
	self->live_bufs = node_counter("live_bufs");
	ASSERT_LE(0, self->handles);
	ASSERT_LE(0, self->live_bufs);
}

FIXTURE_TEARDOWN(chan_lifetime)
{
}

/*
 * Opens the node, a channel and two buffers, and queues @n 64 KiB jobs (at
 * most 32: a ZDMA channel has 32 descriptors).
 */
static uint32_t busy_src, busy_dst;	/* busy_channel()'s buffers */

static int busy_channel(struct __test_metadata *_metadata, struct dmaapi_chan_request *r,
			unsigned int n)
{
	struct dmaapi_chan_job j[64];
	struct tbuf src, dst;
	uint32_t done;
	int fd = open(chan_node(), O_RDWR | O_CLOEXEC);

	if (fd < 0 || chan_request(fd, NULL, 0, 0, r) || chan_set_limit(fd, r->handle, 64))
		return -1;
	if (tbuf_alloc(fd, n * 65536, DMAAPI_ALLOC_CACHED, DMAAPI_DIR_TO_DEVICE, &src) ||
	    tbuf_alloc(fd, n * 65536, DMAAPI_ALLOC_CACHED, DMAAPI_DIR_FROM_DEVICE, &dst))
		return -1;
	for (unsigned int i = 0; i < n; i++)
		chan_job(&j[i], src.handle, i * 65536, dst.handle, (n - 1 - i) * 65536, 65536, i);
	if (chan_submit(fd, r->handle, j, n, &done) || done != n)
		return -1;
	busy_src = src.handle;
	busy_dst = dst.handle;
	munmap(src.p, src.len);
	munmap(dst.p, dst.len);
	return fd;
}

/* The channel fd after its file went: n records, each done or aborted, then EOF. */
static void drained(struct __test_metadata *_metadata, int cfd, int n)
{
	struct dmaapi_chan_completion c[64];
	int got = chan_wait(cfd, c, n, WAIT_MS);

	EXPECT_EQ(n, got);
	for (int i = 0; i < got; i++)
		EXPECT_TRUE(c[i].status == DMAAPI_JOB_DONE || c[i].status == DMAAPI_JOB_ABORTED);
	EXPECT_EQ(0, read(cfd, c, sizeof(c)));
}

TEST_F(chan_lifetime, close_with_jobs_queued)
{
	struct dmaapi_chan_request r;
	int fd = busy_channel(_metadata, &r, 24);

	ASSERT_LE(0, fd) TH_LOG("%s", strerror(errno));
	close(fd);
	drained(_metadata, r.fd, 24);
	close(r.fd);
	EXPECT_TRUE(counters_back(self->handles, self->live_bufs))
		TH_LOG("handles %lld (was %lld), live_bufs %lld (was %lld)",
		       node_counter("handles"), self->handles, node_counter("live_bufs"),
		       self->live_bufs);
}

TEST_F(chan_lifetime, killed_with_jobs_queued)
{
	int status;
	pid_t pid = fork();

	ASSERT_LE(0, pid);
	if (!pid) {
		struct dmaapi_chan_request r;
		int fd = busy_channel(_metadata, &r, 24);

		if (fd < 0)
			_exit(1);
		/* keep jobs queued until killed: resubmit as they complete */
		for (;;) {
			struct dmaapi_chan_completion c[24];
			int got = chan_wait(r.fd, c, 1, 1000);

			for (int i = 0; i < got; i++) {
				struct dmaapi_chan_job j;

				chan_job(&j, busy_src, 0, busy_dst, 0, 65536, i);
				chan_submit(fd, r.handle, &j, 1, NULL);
			}
		}
	}
	usleep(300000);
	ASSERT_EQ(0, kill(pid, SIGKILL));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFSIGNALED(status)) TH_LOG("the child exited %d", WEXITSTATUS(status));
	EXPECT_TRUE(counters_back(self->handles, self->live_bufs));
}

/* Unbinding the node's device stops its channels first. */
TEST_F(chan_lifetime, unbind_with_jobs_queued)
{
	const struct chan_dt *dt = chan_dt();
	struct dmaapi_chan_request r;
	struct dmaapi_chan_status st;
	int fd;

	if (!dt)
		SKIP(return, "no device-tree node with named channels to unbind");
	fd = busy_channel(_metadata, &r, 24);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, write_sysfs("/sys/bus/platform/drivers/dmaapi/unbind", dt->dev));
	EXPECT_NE(0, access(dt->node, F_OK));
	drained(_metadata, r.fd, 24);
	EXPECT_ERRNO(ENODEV, chan_status(fd, r.handle, &st));
	EXPECT_EQ(0, do_free(fd, r.handle));
	close(r.fd);
	close(fd);
	ASSERT_EQ(0, write_sysfs("/sys/bus/platform/drivers/dmaapi/bind", dt->dev));
	ASSERT_EQ(0, access(dt->node, F_OK));
	/* the rebound node has channels again */
	fd = open(dt->node, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, chan_request(fd, dt->names[0], 0, 0, &r));
	close(r.fd);
	close(fd);
}

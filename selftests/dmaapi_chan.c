// SPDX-License-Identifier: GPL-2.0
/*
 * dmaengine channels driven from userspace (DMAAPI_IOCTL_CHAN_*): memcpy
 * jobs between the file's own allocations and user mappings, checked byte
 * for byte; batches and the order of completions; the queue limit; flush,
 * reset; every validation error; a file closed, a process killed and the
 * node's device unbound with jobs queued; and the jobs' cache maintenance,
 * seen through kprobes on arch_sync_dma_for_device/cpu (TCG models no
 * caches, so wrong data would not show a missing sync).
 *
 * The node is the device-tree node with named channels where the runner
 * made one (chan_util.h: versal's dt-zdma, whose dmas name ZDMA channels
 * "zdma0" and "zdma1", raspi3b's dt-slave, BCM2835 DMA channels "slave" and
 * "memcpy"), else /dev/dmaapi.  A machine without a DMA_MEMCPY channel skips
 * every test with one reason.  Jobs' offsets and lengths are multiples of
 * chan_align(): the channel's alignment, or DMAAPI_CHAN_ALIGN where the
 * runner sets more (raspi3b: 4).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/dma-buf.h>
#include <linux/dmaapi.h>
#include <linux/udmabuf.h>

#pragma GCC diagnostic ignored "-Wunused-parameter"
#pragma GCC diagnostic ignored "-Wclobbered"
#include "kselftest_harness.h"
#include "sys_util.h"

#undef TEST_TIMEOUT_DEFAULT
#define TEST_TIMEOUT_DEFAULT 120
#include "dmaapi_util.h"
#include "chan_util.h"

#define WAIT_MS 10000

FIXTURE(chan) {
	int fd;
	struct dmaapi_chan_request r;
	struct tbuf src, dst;
};

FIXTURE_SETUP(chan)
{
	CHAN_SETUP_ANY(self->fd, &self->r);
	ASSERT_EQ(0, tbuf_alloc(self->fd, 1 << 20, DMAAPI_ALLOC_CACHED, DMAAPI_DIR_TO_DEVICE,
				&self->src));
	ASSERT_EQ(0, tbuf_alloc(self->fd, 1 << 20, DMAAPI_ALLOC_CACHED, DMAAPI_DIR_FROM_DEVICE,
				&self->dst));
}

FIXTURE_TEARDOWN(chan)
{
	if (self->fd >= 0)
		close(self->fd);
	if (self->r.fd > 0)
		close(self->r.fd);
}

TEST_F(chan, request_info)
{
	struct dmaapi_chan_request r2;
	struct dmaapi_chan_status st;

	EXPECT_TRUE(self->r.caps & DMAAPI_CHAN_CAP_MEMCPY);
	EXPECT_LT(0, self->r.handle);
	EXPECT_LT(2, self->r.fd);
	EXPECT_LE(4096, self->r.max_job_bytes);
	EXPECT_LE(1, self->r.align);
	EXPECT_EQ(DMAAPI_CHAN_DEFAULT_QUEUE, self->r.queue_limit);
	EXPECT_NE(0, self->r.chan_name[0]);
	EXPECT_NE(0, self->r.dev_name[0]);
	EXPECT_TRUE(fcntl(self->r.fd, F_GETFD) & FD_CLOEXEC);
	TH_LOG("%s on %s: max %llu bytes a job, align %u", self->r.chan_name, self->r.dev_name,
	       (unsigned long long)self->r.max_job_bytes, self->r.align);
	ASSERT_EQ(0, chan_status(self->fd, self->r.handle, &st));
	EXPECT_EQ(0, st.queued);
	EXPECT_EQ(self->r.max_job_bytes, st.max_job_bytes);

	/* by name, where the node has dmas */
	if (chan_dt()) {
		ASSERT_EQ(0, chan_request(self->fd, chan_dt()->names[1], 0, 0, &r2));
		EXPECT_STREQ(chan_dt()->dev1, r2.dev_name);
		close(r2.fd);
		EXPECT_EQ(0, do_free(self->fd, r2.handle));
	}
	EXPECT_ERRNO(ENODEV, chan_request(self->fd, "no-such-dma", 0, 0, &r2));
	/* the validation errors of a request */
	EXPECT_ERRNO(EOPNOTSUPP, chan_request(self->fd, NULL, 1U << 7, 0, &r2));
	EXPECT_ERRNO(EINVAL, chan_request(self->fd, NULL, 0, 5, &r2));
	EXPECT_ERRNO(EBADF, chan_request(self->fd, NULL, DMAAPI_CHAN_EVENTFD, 999, &r2));
	EXPECT_ERRNO(EINVAL, chan_request(self->fd, NULL, DMAAPI_CHAN_EVENTFD, self->fd, &r2));
	memset(&r2, 0, sizeof(r2));
	r2.size = sizeof(r2);
	memset(r2.name, 'x', sizeof(r2.name));	/* not NUL terminated */
	EXPECT_ERRNO(EINVAL, ioctl(self->fd, DMAAPI_IOCTL_CHAN_REQUEST, &r2));
	/* an unused command number of the table */
	EXPECT_ERRNO(ENOTTY, ioctl(self->fd, _IO(DMAAPI_TYPE, 0x8f), &r2));
}

/*
 * The device-tree node as the runner made it (chan_util.h: chan_dts): its
 * registers (REGION_INFO, each region mapped and, where one holds a running
 * counter, seen counting) and its named channels' capabilities.
 */
TEST_F(chan, dt_node)
{
	const struct chan_dt *dt = chan_dt();
	struct dmaapi_region_info ri;
	struct dmaapi_chan_request r2;

	if (!dt)
		SKIP(return, "no device-tree node with named channels");
	for (unsigned int i = 0; i <= dt->regions; i++) {
		volatile uint32_t *reg;
		uint32_t a, b;

		ri = (struct dmaapi_region_info){ .size = sizeof(ri), .index = i };
		ASSERT_EQ(0, ioctl(self->fd, DMAAPI_IOCTL_REGION_INFO, &ri));
		ASSERT_EQ(dt->regions, ri.count);
		if (i == dt->regions) {		/* past the last one */
			EXPECT_EQ(0, ri.length);
			EXPECT_EQ(0, ri.region_flags);
			EXPECT_EQ(MAP_FAILED, mmap(NULL, page_size, PROT_READ, MAP_SHARED, self->fd,
						   ri.mmap_offset));
			break;
		}
		EXPECT_EQ(page_size, ri.length);
		ASSERT_EQ(DMAAPI_REGION_MMAP, ri.region_flags);
		reg = mmap(NULL, ri.length, PROT_READ | PROT_WRITE, MAP_SHARED, self->fd,
			   ri.mmap_offset);
		ASSERT_NE(MAP_FAILED, reg) TH_LOG("region %u: %s", i, strerror(errno));
		a = reg[1];
		usleep(2000);
		b = reg[1];
		TH_LOG("region %u: word 1 %#x, then %#x", i, a, b);
		if ((int)i == dt->counter)
			EXPECT_NE(a, b);
		munmap((void *)reg, ri.length);
	}
	/* the fixture's channel given back: it may be one of them (versal) */
	EXPECT_EQ(0, do_free(self->fd, self->r.handle));
	close(self->r.fd);
	self->r.fd = -1;
	for (int i = 0; i < 2; i++) {
		ASSERT_EQ(0, chan_request(self->fd, dt->names[i], 0, 0, &r2))
			TH_LOG("%s: %s", dt->names[i], strerror(errno));
		EXPECT_EQ(dt->caps, r2.caps) TH_LOG("%s", dt->names[i]);
		TH_LOG("%s: %s on %s, caps %#x", dt->names[i], r2.chan_name, r2.dev_name, r2.caps);
		close(r2.fd);
		EXPECT_EQ(0, do_free(self->fd, r2.handle));
	}
}

/*
 * Sizes 1 .. max_job_bytes, odd offsets where the channel allows them:
 * each rounded down to chan_align() (on raspi3b 7 becomes 4, 4095 4092).
 */
TEST_F(chan, memcpy_sizes_alignments)
{
	const uint64_t max = self->r.max_job_bytes < (512 << 10) ? self->r.max_job_bytes : (512 << 10);
	const uint64_t sizes[] = { 1, 2, 3, 7, 8, 63, 64, 65, 511, 4095, 4096, 4097, 12288,
				   65535, max - 1, max };
	const uint64_t offs[] = { 0, 1, 3, 8, 64, 4095, 4096 };
	struct dmaapi_chan_job j;
	unsigned int n = 0, k = 0;
	const struct dmaapi_chan_request *r = &self->r;

	for (unsigned int s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
		for (unsigned int o = 0; o < sizeof(offs) / sizeof(offs[0]); o++) {
			uint64_t len = chan_al(r, sizes[s]), so = chan_al(r, offs[o]);
			uint64_t d = chan_al(r, offs[(o + 3) % 7]);
			long diff;

			if (!len || so + len > self->src.len || d + len > self->dst.len)
				continue;
			tbuf_fill(&self->src, ++k);
			memset(self->dst.p, 0x5a, self->dst.len);
			chan_job(&j, self->src.handle, so, self->dst.handle, d, len, k);
			ASSERT_EQ(0, run_job(_metadata, self->fd, &self->r, &j))
				TH_LOG("len %llu: %s", (unsigned long long)len, strerror(errno));
			diff = first_diff(self->src.p + so, self->dst.p + d, len);
			ASSERT_EQ(-1, diff) TH_LOG("len %llu src+%llu dst+%llu: byte %ld differs",
						   (unsigned long long)len, (unsigned long long)so,
						   (unsigned long long)d, diff);
			/* nothing around it written */
			ASSERT_TRUE(!d || self->dst.p[d - 1] == 0x5a);
			ASSERT_TRUE(d + len == self->dst.len || self->dst.p[d + len] == 0x5a);
			n++;
		}
	}
	TH_LOG("%u jobs checked", n);
	EXPECT_LT(40, n);
	/* one byte past the max segment */
	chan_job(&j, self->src.handle, 0, self->dst.handle, 0, self->r.max_job_bytes + 1, 0);
	if (self->r.max_job_bytes + 1 <= self->src.len)
		EXPECT_ERRNO(EFBIG, chan_submit(self->fd, self->r.handle, &j, 1, NULL));
}

/* One ioctl queues and issues a batch; records come in submission order. */
TEST_F(chan, batch_and_order)
{
	struct dmaapi_chan_job j[DMAAPI_CHAN_DEFAULT_QUEUE];
	struct dmaapi_chan_completion c[DMAAPI_CHAN_DEFAULT_QUEUE];
	const uint64_t len = 65536;
	uint32_t n;

	tbuf_fill(&self->src, 7);
	for (int i = 0; i < DMAAPI_CHAN_DEFAULT_QUEUE; i++)
		chan_job(&j[i], self->src.handle, i * len, self->dst.handle,
			 (DMAAPI_CHAN_DEFAULT_QUEUE - 1 - i) * len, len, 1000 + i);
	ASSERT_EQ(0, chan_submit(self->fd, self->r.handle, j, DMAAPI_CHAN_DEFAULT_QUEUE, &n));
	ASSERT_EQ(DMAAPI_CHAN_DEFAULT_QUEUE, n);
	for (int i = 1; i < DMAAPI_CHAN_DEFAULT_QUEUE; i++)
		EXPECT_LT(j[i - 1].cookie, j[i].cookie);
	ASSERT_EQ(DMAAPI_CHAN_DEFAULT_QUEUE, chan_wait(self->r.fd, c, DMAAPI_CHAN_DEFAULT_QUEUE, WAIT_MS));
	for (int i = 0; i < DMAAPI_CHAN_DEFAULT_QUEUE; i++) {
		EXPECT_EQ(j[i].cookie, c[i].cookie);
		EXPECT_EQ(1000 + i, c[i].user_data);
		EXPECT_EQ(DMAAPI_JOB_DONE, c[i].status);
		EXPECT_EQ(0, c[i].residue);
		EXPECT_EQ(-1, first_diff(self->src.p + i * len,
					 self->dst.p + (DMAAPI_CHAN_DEFAULT_QUEUE - 1 - i) * len, len));
	}
}

/* The limit counts queued and unread jobs; its bounds. */
TEST_F(chan, queue_limit)
{
	struct dmaapi_chan_job j[8];
	struct dmaapi_chan_completion c[8];
	struct dmaapi_chan_status st;
	uint32_t n;

	for (int i = 0; i < 8; i++)
		chan_job(&j[i], self->src.handle, i * 4096, self->dst.handle, i * 4096, 4096, i);
	ASSERT_EQ(0, chan_set_limit(self->fd, self->r.handle, 4));
	EXPECT_ERRNO(EAGAIN, chan_submit(self->fd, self->r.handle, j, 5, NULL));
	ASSERT_EQ(0, chan_submit(self->fd, self->r.handle, j, 4, &n));
	EXPECT_EQ(4, n);
	/* completed but unread: still in the queue */
	for (int t = 0; t < 1000; t++) {
		ASSERT_EQ(0, chan_status(self->fd, self->r.handle, &st));
		if (st.unread == 4)
			break;
		usleep(10000);
	}
	EXPECT_EQ(0, st.queued);
	EXPECT_EQ(4, st.unread);
	EXPECT_EQ(4, st.queue_limit);
	EXPECT_EQ(4, st.submitted);
	EXPECT_EQ(4, st.completed);
	memset(&j[4].cookie, 0, sizeof(j[4].cookie));
	EXPECT_ERRNO(EAGAIN, chan_submit(self->fd, self->r.handle, &j[4], 1, NULL));
	ASSERT_EQ(1, chan_wait(self->r.fd, c, 1, WAIT_MS));
	ASSERT_EQ(0, chan_submit(self->fd, self->r.handle, &j[4], 1, &n));
	EXPECT_EQ(4, chan_wait(self->r.fd, c, 4, WAIT_MS));
	EXPECT_ERRNO(EINVAL, chan_set_limit(self->fd, self->r.handle, 0));
	EXPECT_ERRNO(EINVAL, chan_set_limit(self->fd, self->r.handle, DMAAPI_CHAN_MAX_QUEUE + 1));
	EXPECT_EQ(0, chan_set_limit(self->fd, self->r.handle, DMAAPI_CHAN_MAX_QUEUE));
	EXPECT_ERRNO(ENOENT, chan_set_limit(self->fd, self->src.handle, 8));
}

/*
 * Flush with jobs queued: each one is done or aborted, none runs after, and
 * the channel works again (a ZDMA channel terminated mid-transfer must be
 * restarted).  Under TCG a transfer ends inside the register write that
 * starts it, so whether a flush still finds jobs queued depends on when the
 * completion tasklet runs: each round says how many it aborted.
 */
TEST_F(chan, flush_in_flight)
{
	struct dmaapi_chan_job j[32];
	struct dmaapi_chan_completion c[32];
	struct dmaapi_chan_status st;
	int round;

	ASSERT_EQ(0, chan_set_limit(self->fd, self->r.handle, 64));
	tbuf_fill(&self->src, 3);
	for (round = 0; round < 5; round++) {
		uint32_t n, total = 0;
		int got, done = 0, aborted = 0;

		for (int i = 0; i < 32; i++)
			chan_job(&j[i], self->src.handle, (i % 16) * 65536, self->dst.handle,
				 (i % 16) * 65536, 65536, i);
		ASSERT_EQ(0, chan_submit(self->fd, self->r.handle, j, 32, &n));
		total = n;
		ASSERT_EQ(0, chan_op(self->fd, DMAAPI_IOCTL_CHAN_FLUSH, self->r.handle));
		ASSERT_EQ(0, chan_status(self->fd, self->r.handle, &st));
		EXPECT_EQ(0, st.queued);
		EXPECT_EQ(total, st.unread);
		got = chan_wait(self->r.fd, c, total, 1000);
		ASSERT_EQ(total, got);
		for (int i = 0; i < got; i++) {
			if (c[i].status == DMAAPI_JOB_DONE)
				done++;
			else if (c[i].status == DMAAPI_JOB_ABORTED)
				aborted++;
		}
		EXPECT_EQ(total, done + aborted);
		TH_LOG("round %d: %d done, %d aborted by the flush", round, done, aborted);
		/* the channel works after the flush */
		memset(self->dst.p, 0, 4096);
		chan_job(&j[0], self->src.handle, 0, self->dst.handle, 0, 4096, 99);
		ASSERT_EQ(0, run_job(_metadata, self->fd, &self->r, &j[0]));
		ASSERT_EQ(-1, first_diff(self->src.p, self->dst.p, 4096));
	}
	/* and a flush of nothing is fine */
	EXPECT_EQ(0, chan_op(self->fd, DMAAPI_IOCTL_CHAN_FLUSH, self->r.handle));
}

TEST_F(chan, reset)
{
	struct dmaapi_chan_job j[4];
	struct dmaapi_chan_status st;
	struct dmaapi_chan_completion c;
	uint32_t n;

	ASSERT_EQ(0, chan_set_limit(self->fd, self->r.handle, 9));
	for (int i = 0; i < 4; i++)
		chan_job(&j[i], self->src.handle, 0, self->dst.handle, i * 4096, 4096, i);
	ASSERT_EQ(0, chan_submit(self->fd, self->r.handle, j, 4, &n));
	ASSERT_EQ(0, chan_op(self->fd, DMAAPI_IOCTL_CHAN_RESET, self->r.handle));
	ASSERT_EQ(0, chan_status(self->fd, self->r.handle, &st));
	EXPECT_EQ(0, st.queued);
	EXPECT_EQ(0, st.unread);
	EXPECT_EQ(0, st.submitted);
	EXPECT_EQ(DMAAPI_CHAN_DEFAULT_QUEUE, st.queue_limit);
	EXPECT_EQ(0, chan_wait(self->r.fd, &c, 1, 100));
	EXPECT_ERRNO(ENOENT, chan_op(self->fd, DMAAPI_IOCTL_CHAN_RESET, 0));
	/* the channel works after a reset */
	chan_job(&j[0], self->src.handle, 0, self->dst.handle, 0, 4096, 5);
	EXPECT_EQ(0, run_job(_metadata, self->fd, &self->r, &j[0]));
}

/* Every way a job can be wrong, and the channel commands' own checks. */
TEST_F(chan, validation_errors)
{
	struct dmaapi_chan_submit s = { .size = sizeof(s), .handle = self->r.handle, .count = 1 };
	struct dmaapi_chan_op op = { .size = sizeof(op), .handle = self->r.handle };
	struct dmaapi_chan_job j;
	struct dmaapi_chan_status st;
	struct tbuf bidi;
	char small[8];
	uint32_t h = self->r.handle, sh = self->src.handle, dh = self->dst.handle;

#define BAD_JOB(err, ...)							\
	do {									\
		chan_job(&j, sh, 0, dh, 0, 4096, 0);				\
		__VA_ARGS__;							\
		EXPECT_ERRNO(err, chan_submit(self->fd, h, &j, 1, NULL));	\
	} while (0)
	BAD_JOB(EINVAL, j.op = 7);
	BAD_JOB(EOPNOTSUPP, j.flags = 1);
	BAD_JOB(EINVAL, j.__reserved = 1);
	BAD_JOB(EINVAL, j.cookie = 5);
	BAD_JOB(EINVAL, j.length = 0);
	BAD_JOB(ENOENT, j.src_handle = 0);
	BAD_JOB(ENOENT, j.dst_handle = 0xfffff);
	BAD_JOB(ENOENT, j.src_handle = h);	/* a channel is no buffer */
	BAD_JOB(EOVERFLOW, j.src_offset = self->src.len - 4095);
	BAD_JOB(EOVERFLOW, j.dst_offset = ~0ULL - 100);
	BAD_JOB(EINVAL, j.src_handle = dh);	/* FROM_DEVICE: the device may not read it */
	BAD_JOB(EINVAL, j.dst_handle = sh);	/* TO_DEVICE: nor write this one */
	ASSERT_EQ(0, tbuf_alloc(self->fd, 65536, DMAAPI_ALLOC_CACHED, DMAAPI_DIR_BIDIRECTIONAL, &bidi));
	BAD_JOB(EINVAL, j.src_handle = bidi.handle; j.dst_handle = bidi.handle; j.dst_offset = 4095);
	chan_job(&j, bidi.handle, 0, bidi.handle, 4096, 4096, 0);
	EXPECT_EQ(0, run_job(_metadata, self->fd, &self->r, &j));	/* one object, apart */
	BAD_JOB(EFBIG, j.length = self->r.max_job_bytes + 1; j.src_handle = bidi.handle;
		j.dst_handle = bidi.handle);
	/* a bad job anywhere in the batch queues nothing */
	{
		struct dmaapi_chan_job b[3];
		struct dmaapi_chan_status st2;

		for (int i = 0; i < 3; i++)
			chan_job(&b[i], sh, 0, dh, i * 4096, 4096, i);
		b[2].length = 0;
		EXPECT_ERRNO(EINVAL, chan_submit(self->fd, h, b, 3, NULL));
		ASSERT_EQ(0, chan_status(self->fd, h, &st2));
		EXPECT_EQ(1, st2.submitted);
	}
	/* the submit struct */
	EXPECT_ERRNO(EINVAL, chan_submit(self->fd, h, &j, 0, NULL));
	EXPECT_ERRNO(ENOENT, chan_submit(self->fd, sh, &j, 1, NULL));
	EXPECT_ERRNO(EAGAIN, chan_submit(self->fd, h, &j, DMAAPI_CHAN_MAX_QUEUE + 1, NULL));
	s.jobs = 16;
	EXPECT_ERRNO(EFAULT, ioctl(self->fd, DMAAPI_IOCTL_CHAN_SUBMIT, &s));
	s.flags = 1;
	EXPECT_ERRNO(EOPNOTSUPP, ioctl(self->fd, DMAAPI_IOCTL_CHAN_SUBMIT, &s));
	s.flags = 0;
	s.__reserved = 1;
	EXPECT_ERRNO(EINVAL, ioctl(self->fd, DMAAPI_IOCTL_CHAN_SUBMIT, &s));
	s.size = 8;
	EXPECT_ERRNO(EINVAL, ioctl(self->fd, DMAAPI_IOCTL_CHAN_SUBMIT, &s));
	op.flags = 2;
	EXPECT_ERRNO(EOPNOTSUPP, ioctl(self->fd, DMAAPI_IOCTL_CHAN_FLUSH, &op));
	op.flags = 0;
	op.__reserved = 1;
	EXPECT_ERRNO(EINVAL, ioctl(self->fd, DMAAPI_IOCTL_CHAN_FLUSH, &op));
	EXPECT_ERRNO(ENOENT, chan_op(self->fd, DMAAPI_IOCTL_CHAN_FLUSH, sh));
	EXPECT_ERRNO(ENOENT, chan_status(self->fd, 0, &st));
	/* the buffer calls refuse a channel handle */
	EXPECT_ERRNO(ENOENT, do_sync(self->fd, h, DMAAPI_SYNC_FOR_CPU, 0, 1));
	/* a read shorter than a record */
	EXPECT_ERRNO(EINVAL, read(self->r.fd, small, sizeof(small)));
	EXPECT_ERRNO(EBADF, write(self->r.fd, small, sizeof(small)));
#undef BAD_JOB
}

/* Coherent allocations and user mappings as the ends of jobs. */
TEST_F(chan, coherent_and_user_memory)
{
	struct dmaapi_map_user m;
	struct dmaapi_chan_job j;
	struct tbuf coh;
	uint8_t *ubuf;

	const uint64_t so = chan_al(&self->r, 100), d = chan_al(&self->r, 3);

	ASSERT_EQ(0, tbuf_alloc(self->fd, 65536, 0, DMAAPI_DIR_BIDIRECTIONAL, &coh));
	tbuf_fill(&self->src, 11);
	chan_job(&j, self->src.handle, so, coh.handle, d, 60000, 1);
	ASSERT_EQ(0, run_job(_metadata, self->fd, &self->r, &j));
	EXPECT_EQ(-1, first_diff(self->src.p + so, coh.p + d, 60000));

	ASSERT_EQ(0, posix_memalign((void **)&ubuf, page_size, page_size));
	memset(ubuf, 0, page_size);
	ASSERT_EQ(0, do_map(self->fd, ubuf, page_size, DMAAPI_DIR_FROM_DEVICE, 0, &m));
	chan_job(&j, coh.handle, 0, m.handle, 0, page_size, 2);
	ASSERT_EQ(0, run_job(_metadata, self->fd, &self->r, &j));
	EXPECT_EQ(-1, first_diff(coh.p, ubuf, page_size));
	/* a job holds its objects until it is retired; then FREE works */
	EXPECT_EQ(0, do_free(self->fd, m.handle));
	EXPECT_EQ(0, do_free(self->fd, coh.handle));
	free(ubuf);
}

/* Completions wake poll(), an eventfd, and a non-blocking read says EAGAIN. */
TEST_F(chan, poll_and_eventfd)
{
	struct dmaapi_chan_request r;
	struct dmaapi_chan_completion c[3];
	struct dmaapi_chan_job j[3];
	struct pollfd p;
	uint64_t count = 0;
	uint32_t n;
	int efd = eventfd(0, EFD_CLOEXEC);

	ASSERT_LE(0, efd);
	ASSERT_EQ(0, chan_request(self->fd, NULL, DMAAPI_CHAN_EVENTFD, efd, &r));
	ASSERT_EQ(0, fcntl(r.fd, F_SETFL, O_NONBLOCK));
	EXPECT_ERRNO(EAGAIN, read(r.fd, c, sizeof(c)));
	p = (struct pollfd){ .fd = r.fd, .events = POLLIN };
	EXPECT_EQ(0, poll(&p, 1, 0));
	for (int i = 0; i < 3; i++)
		chan_job(&j[i], self->src.handle, 0, self->dst.handle, i * 512, 512, i);
	ASSERT_EQ(0, chan_submit(self->fd, r.handle, j, 3, &n));
	ASSERT_EQ(1, poll(&p, 1, WAIT_MS));
	EXPECT_TRUE(p.revents & POLLIN);
	for (int t = 0; t < 500 && count < 3; t++) {
		uint64_t v;

		struct pollfd e = { .fd = efd, .events = POLLIN };
		if (poll(&e, 1, 20) == 1 && read(efd, &v, sizeof(v)) == sizeof(v))
			count += v;
	}
	EXPECT_EQ(3, count);
	EXPECT_EQ(3, chan_wait(r.fd, c, 3, WAIT_MS));
	close(efd);
	close(r.fd);
}

/*
 * FREE of the channel stops it: its fd drains what is left, then reads end
 * of file and polls EPOLLHUP; the handle is gone.
 */
TEST_F(chan, free_releases_channel)
{
	struct dmaapi_chan_completion c[4];
	struct dmaapi_chan_job j[4];
	struct dmaapi_chan_status st;
	struct pollfd p;
	uint32_t n;

	for (int i = 0; i < 4; i++)
		chan_job(&j[i], self->src.handle, 0, self->dst.handle, i * 65536, 65536, i);
	ASSERT_EQ(0, chan_submit(self->fd, self->r.handle, j, 4, &n));
	ASSERT_EQ(0, do_free(self->fd, self->r.handle));
	EXPECT_ERRNO(ENOENT, chan_status(self->fd, self->r.handle, &st));
	EXPECT_EQ(4, chan_wait(self->r.fd, c, 4, WAIT_MS));
	EXPECT_EQ(0, read(self->r.fd, c, sizeof(c)));
	p = (struct pollfd){ .fd = self->r.fd, .events = POLLIN };
	ASSERT_EQ(1, poll(&p, 1, 0));
	EXPECT_TRUE(p.revents & POLLHUP);
	/* the buffers are free to go */
	EXPECT_EQ(0, do_free(self->fd, self->src.handle));
}

/* Every channel the machine has, at once, in one file. */
/* The job's syncs, on the channel's device: for_device before, for_cpu after. */
TEST_F(chan, cache_sync_witness)
{
	const char *why = chan_probes_start();
	struct dmaapi_chan_job j;
	uint64_t off = 3 * 4096 + 64, len = 8192, src, dst;

	if (why)
		SKIP(return, "%s", why);
	tbuf_fill(&self->src, 9);
	chan_job(&j, self->src.handle, off, self->dst.handle, off, len, 1);
	ASSERT_EQ(0, run_job(_metadata, self->fd, &self->r, &j));
	kw_enable(&chan_kw, false);
	/* the source cleaned to memory, the destination invalidated around it */
	src = tbuf_phys(self->fd, &self->src, off);
	dst = tbuf_phys(self->fd, &self->dst, off);
	ASSERT_NE(0, src);
	EXPECT_LE(1, chan_synced("to_dev", DMAAPI_DIR_TO_DEVICE, src, len));
	EXPECT_LE(1, chan_synced("to_dev", DMAAPI_DIR_FROM_DEVICE, dst, len));
	EXPECT_LE(1, chan_synced("to_cpu", DMAAPI_DIR_FROM_DEVICE, dst, len));
	EXPECT_EQ(-1, first_diff(self->src.p + off, self->dst.p + off, len));
	kw_close(&chan_kw);
}

#include "dmaapi_chan_maps.h"
#include "dmaapi_chan_lifetime.h"
#include "dmaapi_chan_split.h"

TEST_HARNESS_MAIN

/* The node's sysfs "channels", in @buf; the line of the channel whose
 * fields include @key (e.g. "limit=7"), or NULL. */
static char *chan_sysfs_line(char *buf, size_t len, const char *key)
{
	const char *node = strrchr(chan_node(), '/') + 1;
	char path[256], *line, *save = NULL;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/sys/class/misc/%s/channels", node);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	n = read(fd, buf, len - 1);
	close(fd);
	buf[n > 0 ? n : 0] = '\0';
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		if (strstr(line, key))
			return line;
	return NULL;
}

/* /sys/class/misc/<node>/channels and "dmaapictl channels", values checked. */
TEST_F(chan, sysfs_channels)
{
	const char *ctl = getenv("DMAAPICTL") ?: "/dmaapi/tools/dmaapictl";
	struct dmaapi_chan_request r2;
	struct dmaapi_chan_status st;
	struct dmaapi_chan_job j[3];
	char buf[8192], want[512], cmd[512], *line;
	uint32_t n;
	FILE *p;
	int fd2, i;

	fd2 = open(chan_node(), O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, fd2);
	ASSERT_EQ(0, chan_request(fd2, NULL, 0, 0, &r2));
	ASSERT_EQ(0, chan_set_limit(fd2, r2.handle, 7));
	for (i = 0; i < 3; i++)
		chan_job(&j[i], self->src.handle, i * 4096, self->dst.handle, i * 4096, 4096, i);
	ASSERT_EQ(0, chan_submit(self->fd, self->r.handle, j, 3, &n));
	ASSERT_EQ(3, n);
	for (i = 0; i < WAIT_MS; i++) {		/* done, the records left unread */
		ASSERT_EQ(0, chan_status(self->fd, self->r.handle, &st));
		if (st.unread == 3)
			break;
		usleep(1000);
	}
	ASSERT_EQ(3, st.unread);

	snprintf(want, sizeof(want),
		 "chan=%s device=%s pid=%d handle=%u queued=0 unread=3 limit=%u max_job=%llu submitted=3 completed=3 errors=0 aborted=0 mapped=2",
		 self->r.chan_name, self->r.dev_name, getpid(), self->r.handle,
		 DMAAPI_CHAN_DEFAULT_QUEUE, (unsigned long long)self->r.max_job_bytes);
	line = chan_sysfs_line(buf, sizeof(buf), "unread=3");
	ASSERT_NE(NULL, line);
	expect_chan_line(_metadata, want, line, self->r.caps);
	snprintf(want, sizeof(want),
		 "chan=%s device=%s pid=%d handle=%u queued=0 unread=0 limit=7 max_job=%llu submitted=0 completed=0 errors=0 aborted=0 mapped=0",
		 r2.chan_name, r2.dev_name, getpid(), r2.handle, (unsigned long long)r2.max_job_bytes);
	line = chan_sysfs_line(buf, sizeof(buf), "limit=7");
	ASSERT_NE(NULL, line);
	expect_chan_line(_metadata, want, line, r2.caps);

	/* the table: one row per channel, the same values */
	snprintf(cmd, sizeof(cmd), "%s channels %s", ctl, chan_node());
	p = popen(cmd, "r");
	ASSERT_NE(NULL, p);
	n = fread(buf, 1, sizeof(buf) - 1, p);
	buf[n] = '\0';
	EXPECT_EQ(0, pclose(p));
	TH_LOG("%s", buf);
	snprintf(want, sizeof(want), "%-10s %-8d %6u %6u %6u %6u %9u %9u %6u %6u %6u",
		 self->r.chan_name, getpid(), self->r.handle, 0, 3, DMAAPI_CHAN_DEFAULT_QUEUE,
		 3, 3, 0, 0, 2);
	EXPECT_NE(NULL, strstr(buf, want)) TH_LOG("no row '%s'", want);
	snprintf(want, sizeof(want), "%-10s %-8d %6u %6u %6u %6u %9u %9u %6u %6u %6u",
		 r2.chan_name, getpid(), r2.handle, 0, 0, 7, 0, 0, 0, 0, 0);
	EXPECT_NE(NULL, strstr(buf, want)) TH_LOG("no row '%s'", want);

	/* the second file's channel goes with the file */
	close(r2.fd);
	close(fd2);
	EXPECT_EQ(NULL, chan_sysfs_line(buf, sizeof(buf), "limit=7"));
	EXPECT_NE(NULL, chan_sysfs_line(buf, sizeof(buf), "unread=3"));
}

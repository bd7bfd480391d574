// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The channel calls (lib/chan.c) against a fake kernel: test_linux.c's
 * __wrap_ioctl hands the DMAAPI_IOCTL_CHAN_* commands here.  The fake's
 * channel fd is the read end of a pipe; a submitted job completes at once
 * (a record written to the pipe) unless the test holds it, and a flush
 * completes the held ones as aborted.
 */
#include "test.h"

#include <dmaapi.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/dmaapi.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

static struct chan_fake {
	int rd, wr;
	unsigned requests, submits, flushes, resets;
	int fail_errno;			/* the next channel command fails */
	char name[DMAAPI_CHAN_NAME_LEN];
	uint32_t handle, limit;
	uint32_t accept;		/* SUBMIT queues at most this many (0: all) */
	bool hold;			/* jobs stay queued until a flush */
	struct dmaapi_chan_job last[8];	/* the last batch, as the kernel saw it */
	uint32_t nlast;
	struct dmaapi_chan_completion held[8];
	uint32_t nheld;
	int32_t next_cookie;
	struct dmaapi_chan_slave_config slave;	/* the last SLAVE_CONFIG */
	unsigned slave_configs;
} cf;

static void cf_reset(void)
{
	if (cf.wr > 0)
		close(cf.wr);
	memset(&cf, 0, sizeof(cf));
	cf.rd = cf.wr = -1;
	cf.handle = 7;
	cf.limit = DMAAPI_CHAN_DEFAULT_QUEUE;
	cf.next_cookie = 2;
}

int fake_chan_ioctl(int fd, unsigned long req, void *arg)
{
	int err = cf.fail_errno;

	(void)fd;
	cf.fail_errno = 0;
	switch (req) {
	case DMAAPI_IOCTL_CHAN_REQUEST: {
		struct dmaapi_chan_request *r = arg;
		int p[2];

		cf.requests++;
		if (r->size != sizeof(*r))
			return errno = EINVAL, -1;
		if (err)
			return errno = err, -1;
		memcpy(cf.name, r->name, sizeof(cf.name));
		if (pipe2(p, O_CLOEXEC))
			return -1;
		cf.rd = p[0];
		cf.wr = p[1];
		r->handle = cf.handle;
		r->fd = p[0];
		r->caps = DMAAPI_CHAN_CAP_MEMCPY;
		r->align = 1;
		r->queue_limit = cf.limit;
		r->max_job_bytes = 65536;
		strcpy(r->chan_name, "dma0chan0");
		strcpy(r->dev_name, "ffa80000.dma");
		return 0;
	}
	case DMAAPI_IOCTL_CHAN_SUBMIT: {
		struct dmaapi_chan_submit *s = arg;
		struct dmaapi_chan_job *j = (struct dmaapi_chan_job *)(uintptr_t)s->jobs;
		uint32_t n = s->count;

		cf.submits++;
		if (s->size != sizeof(*s) || s->handle != cf.handle || !n)
			return errno = EINVAL, -1;
		if (err)
			return errno = err, -1;
		if (cf.accept && n > cf.accept)
			n = cf.accept;
		cf.nlast = n < 8 ? n : 8;
		memcpy(cf.last, j, cf.nlast * sizeof(*j));
		for (uint32_t i = 0; i < n; i++) {
			struct dmaapi_chan_completion c = {
				.user_data = j[i].user_data,
				.cookie = cf.next_cookie++,
				.status = j[i].user_data == 666 ? DMAAPI_JOB_ERROR : DMAAPI_JOB_DONE,
			};

			j[i].cookie = c.cookie;
			if (cf.hold && cf.nheld < 8)
				cf.held[cf.nheld++] = c;
			else if (write(cf.wr, &c, sizeof(c)) != sizeof(c))
				return -1;
		}
		s->submitted = n;
		return 0;
	}
	case DMAAPI_IOCTL_CHAN_FLUSH:
	case DMAAPI_IOCTL_CHAN_RESET: {
		struct dmaapi_chan_op *op = arg;

		if (op->handle != cf.handle)
			return errno = ENOENT, -1;
		if (err)
			return errno = err, -1;
		if (req == DMAAPI_IOCTL_CHAN_RESET) {
			cf.resets++;
			cf.nheld = 0;
			return 0;
		}
		cf.flushes++;
		for (uint32_t i = 0; i < cf.nheld; i++) {
			cf.held[i].status = DMAAPI_JOB_ABORTED;
			if (write(cf.wr, &cf.held[i], sizeof(cf.held[i])) != sizeof(cf.held[i]))
				return -1;
		}
		cf.nheld = 0;
		return 0;
	}
	case DMAAPI_IOCTL_CHAN_GET_STATUS: {
		struct dmaapi_chan_status *st = arg;

		if (st->handle != cf.handle)
			return errno = ENOENT, -1;
		if (err)
			return errno = err, -1;
		st->queued = cf.nheld;
		st->unread = 3;
		st->queue_limit = cf.limit;
		st->max_job_bytes = 65536;
		st->submitted = 11;
		st->completed = 10;
		return 0;
	}
	case DMAAPI_IOCTL_CHAN_SLAVE_CONFIG: {
		struct dmaapi_chan_slave_config *c = arg;

		cf.slave_configs++;
		if (c->size != sizeof(*c) || c->flags || c->__reserved)
			return errno = EINVAL, -1;
		if (c->handle != cf.handle)
			return errno = ENOENT, -1;
		if (err)
			return errno = err, -1;
		cf.slave = *c;
		c->dev_addr = 0x7e003004;
		return 0;
	}
	case DMAAPI_IOCTL_CHAN_SET_LIMIT: {
		struct dmaapi_chan_set_limit *l = arg;

		if (l->handle != cf.handle)
			return errno = ENOENT, -1;
		if (!l->queue_limit || l->queue_limit > DMAAPI_CHAN_MAX_QUEUE)
			return errno = EINVAL, -1;
		cf.limit = l->queue_limit;
		return 0;
	}
	}
	return errno = ENOTTY, -1;
}

/* Regions of the fake device: the kernel handle is the cookie. */
static struct dmaapi_region reg(uint32_t handle, size_t size)
{
	struct dmaapi_region r = { .size = size, .dir = DMAAPI_BIDIRECTIONAL, .cookie = handle };

	return r;
}

static void chan_open_close(void)
{
	struct dmaapi_device *dev;
	struct dmaapi_chan *ch = NULL;
	struct dmaapi_chan_info info;
	char longname[40];

	t_group("channels: open, info, close");
	cf_reset();
	dev = fake_linux_device();
	CHECK_ERR(dmaapi_chan_open(NULL, NULL, &ch), DMAAPI_ERR_NULL_POINTER);
	CHECK_ERR(dmaapi_chan_open(dev, NULL, NULL), DMAAPI_ERR_NULL_POINTER);
	memset(longname, 'a', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = 0;
	CHECK_ERR(dmaapi_chan_open(dev, longname, &ch), DMAAPI_ERR_SYSTEM);
	CHECK_EQ(dmaapi_last_error()->sys_errno, EINVAL);
	CHECK_EQ(cf.requests, 0);
	cf.fail_errno = ENODEV;
	CHECK_ERR(dmaapi_chan_open(dev, NULL, &ch), DMAAPI_ERR_SYSTEM);
	CHECK_EQ(dmaapi_last_error()->sys_errno, ENODEV);
	CHECK(ch == NULL);

	CHECK_EQ(dmaapi_chan_open(dev, "zdma0", &ch), 0);
	CHECK(!strcmp(cf.name, "zdma0"));
	CHECK_EQ(dmaapi_chan_fd(ch), cf.rd);
	CHECK_EQ(dmaapi_chan_max_job_bytes(ch), 65536);
	CHECK_EQ(dmaapi_chan_info(ch, &info), 0);
	CHECK(!strcmp(info.name, "dma0chan0"));
	CHECK(!strcmp(info.controller, "ffa80000.dma"));
	CHECK_EQ(info.caps, DMAAPI_CHAN_MEMCPY);
	CHECK_EQ(info.align, 1);
	CHECK_EQ(info.queue_limit, DMAAPI_CHAN_DEFAULT_QUEUE);
	CHECK_EQ(info.unread, 3);
	CHECK_EQ(info.submitted, 11);
	CHECK_EQ(info.completed, 10);
	CHECK_ERR(dmaapi_chan_info(ch, NULL), DMAAPI_ERR_NULL_POINTER);
	CHECK_EQ(dmaapi_chan_set_queue_limit(ch, 5), 0);
	CHECK_EQ(cf.limit, 5);
	CHECK_ERR(dmaapi_chan_set_queue_limit(ch, 0), DMAAPI_ERR_SYSTEM);
	CHECK_EQ(dmaapi_last_error()->sys_errno, EINVAL);
	/* the channel holds the device: closing the device first is fine */
	dmaapi_device_close(dev);
	dmaapi_chan_close(ch);
	CHECK_EQ(fake_linux_frees(cf.handle), 1);
	CHECK_EQ(fcntl(cf.rd, F_GETFD), -1);	/* the channel fd is closed */
	dmaapi_chan_close(NULL);
	fake_linux_end();
}

static void chan_jobs(void)
{
	struct dmaapi_region a = reg(3, 1 << 20), b = reg(4, 1 << 20);
	struct dmaapi_chan_result res[8];
	struct dmaapi_device *dev;
	struct dmaapi_chan *ch = NULL;
	struct dmaapi_job j[4];

	t_group("channels: submit, wait, flush, reset");
	cf_reset();
	dev = fake_linux_device();
	CHECK_EQ(dmaapi_chan_open(dev, NULL, &ch), 0);
	memset(j, 0, sizeof(j));
	for (int i = 0; i < 4; i++) {
		j[i].src = &a;
		j[i].src_offset = i * 4096;
		j[i].dst = &b;
		j[i].dst_offset = 8192 + i;
		j[i].length = 100 + i;
		j[i].user_data = 50 + i;
	}
	CHECK_EQ(dmaapi_chan_wait(ch, res, 8, 0), 0);	/* nothing yet: timeout */
	CHECK_EQ(dmaapi_chan_submit(ch, j, 4), 4);
	CHECK_EQ(cf.nlast, 4);
	CHECK_EQ(cf.last[2].op, DMAAPI_JOB_MEMCPY);
	CHECK_EQ(cf.last[2].src_handle, 3);
	CHECK_EQ(cf.last[2].dst_handle, 4);
	CHECK_EQ(cf.last[2].src_offset, 8192);
	CHECK_EQ(cf.last[2].dst_offset, 8194);
	CHECK_EQ(cf.last[2].length, 102);
	CHECK_EQ(j[0].cookie, 2);
	CHECK_EQ(j[3].cookie, 5);
	CHECK_EQ(dmaapi_chan_wait(ch, res, 8, 1000), 4);
	CHECK_EQ(res[0].cookie, 2);
	CHECK_EQ(res[3].user_data, 53);
	CHECK_EQ(res[1].status, DMAAPI_JOB_OK);

	/* the library's own checks: nothing reaches the kernel */
	cf.submits = 0;
	CHECK_ERR(dmaapi_chan_submit(ch, j, 0), DMAAPI_ERR_ZERO_SIZED);
	CHECK_ERR(dmaapi_chan_submit(NULL, j, 1), DMAAPI_ERR_NULL_POINTER);
	j[1].length = 65537;
	CHECK_ERR(dmaapi_chan_submit(ch, j, 2), DMAAPI_ERR_SEGMENT);
	CHECK_EQ(dmaapi_last_error()->size, 65537);
	j[1].length = 0;
	CHECK_ERR(dmaapi_chan_submit(ch, j, 2), DMAAPI_ERR_ZERO_SIZED);
	j[1].length = 8;
	j[1].dst_offset = (1 << 20) - 7;
	CHECK_ERR(dmaapi_chan_submit(ch, j, 2), DMAAPI_ERR_INDEX);
	j[1].dst_offset = 0;
	j[1].src = NULL;
	CHECK_ERR(dmaapi_chan_submit(ch, j, 2), DMAAPI_ERR_NULL_POINTER);
	j[1].src = &a;
	CHECK_EQ(cf.submits, 0);

	/* the kernel's refusals */
	cf.fail_errno = EAGAIN;
	CHECK_ERR(dmaapi_chan_submit(ch, j, 2), DMAAPI_ERR_SYSTEM);
	CHECK_EQ(dmaapi_last_error()->sys_errno, EAGAIN);
	cf.fail_errno = EOVERFLOW;
	CHECK_ERR(dmaapi_chan_submit(ch, j, 2), DMAAPI_ERR_INDEX);
	/* fewer queued than asked: only their cookies */
	cf.accept = 1;
	j[1].cookie = 0;
	CHECK_EQ(dmaapi_chan_submit(ch, j, 2), 1);
	CHECK_EQ(j[1].cookie, 0);
	cf.accept = 0;
	CHECK_EQ(dmaapi_chan_wait(ch, res, 8, 1000), 1);

	/* an error status, and held jobs aborted by a flush */
	j[0].user_data = 666;
	CHECK_EQ(dmaapi_chan_submit(ch, j, 1), 1);
	CHECK_EQ(dmaapi_chan_wait(ch, res, 8, 1000), 1);
	CHECK_EQ(res[0].status, DMAAPI_JOB_FAILED);
	cf.hold = true;
	CHECK_EQ(dmaapi_chan_submit(ch, j + 1, 3), 3);
	CHECK_EQ(dmaapi_chan_wait(ch, res, 8, 0), 0);
	CHECK_EQ(dmaapi_chan_flush(ch), 0);
	CHECK_EQ(cf.flushes, 1);
	CHECK_EQ(dmaapi_chan_wait(ch, res, 2, 1000), 2);	/* at most max */
	CHECK_EQ(res[0].status, DMAAPI_JOB_CANCELLED);
	CHECK_EQ(dmaapi_chan_wait(ch, res, 8, 1000), 1);
	CHECK_EQ(dmaapi_chan_reset(ch), 0);
	CHECK_EQ(cf.resets, 1);
	cf.fail_errno = ENODEV;
	CHECK_ERR(dmaapi_chan_flush(ch), DMAAPI_ERR_SYSTEM);
	CHECK_ERR(dmaapi_chan_wait(ch, NULL, 1, 0), DMAAPI_ERR_NULL_POINTER);
	CHECK_ERR(dmaapi_chan_wait(ch, res, 0, 0), DMAAPI_ERR_ZERO_SIZED);
	/* the kernel stopped the channel (unbind): end of file */
	close(cf.wr);
	cf.wr = -1;
	CHECK_ERR(dmaapi_chan_wait(ch, res, 8, 1000), DMAAPI_ERR_SYSTEM);
	CHECK_EQ(dmaapi_last_error()->sys_errno, ENODEV);
	dmaapi_chan_close(ch);
	dmaapi_device_close(dev);
	fake_linux_end();
	cf_reset();
}

static void chan_slave(void)
{
	struct dmaapi_region a = reg(3, 4096);
	struct dmaapi_slave_config cfg = {
		.direction = DMAAPI_SLAVE_DEV_TO_MEM, .regs = 1, .offset = 4, .width = 4,
	};
	struct dmaapi_device *dev;
	struct dmaapi_chan *ch = NULL;
	struct dmaapi_job j[2];

	t_group("channels: slave configuration and jobs");
	cf_reset();
	dev = fake_linux_device();
	CHECK_EQ(dmaapi_chan_open(dev, "slave", &ch), 0);
	CHECK_ERR(dmaapi_chan_slave_config(NULL, &cfg), DMAAPI_ERR_NULL_POINTER);
	CHECK_ERR(dmaapi_chan_slave_config(ch, NULL), DMAAPI_ERR_NULL_POINTER);
	cfg.direction = (enum dmaapi_slave_dir)3;
	CHECK_ERR(dmaapi_chan_slave_config(ch, &cfg), DMAAPI_ERR_SYSTEM);
	CHECK_EQ(dmaapi_last_error()->sys_errno, EINVAL);
	CHECK_EQ(cf.slave_configs, 0);
	cfg.direction = DMAAPI_SLAVE_DEV_TO_MEM;
	CHECK_EQ(dmaapi_chan_slave_config(ch, &cfg), 0);
	CHECK_EQ(cf.slave.handle, cf.handle);
	CHECK_EQ(cf.slave.direction, DMAAPI_JOB_DEV_TO_MEM);
	CHECK_EQ(cf.slave.region, 1);
	CHECK_EQ(cf.slave.offset, 4);
	CHECK_EQ(cf.slave.addr_width, 4);
	CHECK_EQ(cf.slave.maxburst, 1);		/* 0 is 1 */
	cfg.direction = DMAAPI_SLAVE_MEM_TO_DEV;
	cfg.maxburst = 8;
	CHECK_EQ(dmaapi_chan_slave_config(ch, &cfg), 0);
	CHECK_EQ(cf.slave.direction, DMAAPI_JOB_MEM_TO_DEV);
	CHECK_EQ(cf.slave.maxburst, 8);
	/* the kernel's refusals: ERANGE is a register past its region */
	cf.fail_errno = ERANGE;
	CHECK_ERR(dmaapi_chan_slave_config(ch, &cfg), DMAAPI_ERR_INDEX);
	cf.fail_errno = EOPNOTSUPP;
	CHECK_ERR(dmaapi_chan_slave_config(ch, &cfg), DMAAPI_ERR_SYSTEM);
	CHECK_EQ(dmaapi_last_error()->sys_errno, EOPNOTSUPP);

	memset(j, 0, sizeof(j));
	j[0].dst = &a;
	j[0].dst_offset = 64;
	j[0].length = 256;
	j[0].user_data = 1;
	j[1] = j[0];
	j[1].user_data = 2;
	CHECK_EQ(dmaapi_chan_submit_slave(ch, DMAAPI_SLAVE_DEV_TO_MEM, j, 2), 2);
	CHECK_EQ(cf.last[0].op, DMAAPI_JOB_DEV_TO_MEM);
	CHECK_EQ(cf.last[0].src_handle, 0);
	CHECK_EQ(cf.last[0].src_offset, 0);
	CHECK_EQ(cf.last[0].dst_handle, 3);
	CHECK_EQ(cf.last[0].dst_offset, 64);
	CHECK_EQ(cf.last[1].length, 256);
	CHECK_EQ(cf.last[1].user_data, 2);
	/* MEM_TO_DEV: the memory end is the source */
	j[0].src = &a;
	j[0].src_offset = 128;
	j[0].dst = NULL;
	j[0].dst_offset = 0;
	CHECK_EQ(dmaapi_chan_submit_slave(ch, DMAAPI_SLAVE_MEM_TO_DEV, j, 1), 1);
	CHECK_EQ(cf.last[0].op, DMAAPI_JOB_MEM_TO_DEV);
	CHECK_EQ(cf.last[0].src_handle, 3);
	CHECK_EQ(cf.last[0].src_offset, 128);
	CHECK_EQ(cf.last[0].dst_handle, 0);

	/* the library's own checks: nothing reaches the kernel */
	cf.submits = 0;
	CHECK_ERR(dmaapi_chan_submit_slave(ch, (enum dmaapi_slave_dir)0, j, 1),
		  DMAAPI_ERR_SYSTEM);
	CHECK_EQ(dmaapi_last_error()->sys_errno, EINVAL);
	/* both ends given, or the memory end missing */
	CHECK_ERR(dmaapi_chan_submit_slave(ch, DMAAPI_SLAVE_DEV_TO_MEM, j, 1), DMAAPI_ERR_SYSTEM);
	CHECK_EQ(dmaapi_last_error()->sys_errno, EINVAL);
	j[0].src = NULL;
	j[0].src_offset = 0;
	CHECK_ERR(dmaapi_chan_submit_slave(ch, DMAAPI_SLAVE_MEM_TO_DEV, j, 1),
		  DMAAPI_ERR_NULL_POINTER);
	j[0].dst = &a;
	j[0].dst_offset = 4096 - 128;
	CHECK_ERR(dmaapi_chan_submit_slave(ch, DMAAPI_SLAVE_DEV_TO_MEM, j, 1), DMAAPI_ERR_INDEX);
	CHECK_EQ(cf.submits, 0);
	dmaapi_chan_close(ch);
	dmaapi_device_close(dev);
	fake_linux_end();
	cf_reset();
}

void suite_chan(void)
{
	chan_open_close();
	chan_jobs();
	chan_slave();
}

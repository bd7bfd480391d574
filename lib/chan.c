// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * dmaengine channels of a kernel device (DMAAPI_IOCTL_CHAN_*): open by name
 * or capability, submit a batch of memcpy jobs in one ioctl, read their
 * completions from the channel fd, flush, reset, the limits; slave jobs
 * between memory and a register of the device (since 1.7).
 */
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/dmaapi.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

struct dmaapi_chan {
	struct dmaapi_device *dev;	/* a reference */
	uint32_t handle;		/* in the device's file */
	int fd;				/* the channel fd (completions) */
	uint64_t max_job;
	uint32_t caps;			/* DMAAPI_CHAN_* */
	uint32_t align;
	char name[DMAAPI_CHAN_NAME_LEN];
	char controller[DMAAPI_CHAN_NAME_LEN];
};

/* The results read at once from the kernel, on the stack. */
#define CHAN_READ_BATCH 64

static int chan_ioctl(int fd, unsigned long cmd, void *arg)
{
	int ret;

	do
		ret = ioctl(fd, cmd, arg);
	while (ret == -1 && errno == EINTR);
	return ret;
}

DMAAPI_EXPORT int dmaapi_chan_open(struct dmaapi_device *dev, const char *name,
				   struct dmaapi_chan **out)
{
	struct dmaapi_chan_request r;
	struct dmaapi_chan *ch;

	if (!dev || !out)
		return dmaapi__fail(DMAAPI_ERR_NULL_POINTER, 0);
	*out = NULL;
	if (dev->fd < 0) {
		errno = ENOTSUP;
		return dmaapi__fail(DMAAPI_ERR_SYSTEM, ENOTSUP);
	}
	memset(&r, 0, sizeof(r));
	r.size = sizeof(r);
	if (name && strlen(name) >= sizeof(r.name)) {
		errno = EINVAL;
		return dmaapi__fail(DMAAPI_ERR_SYSTEM, EINVAL);
	}
	if (name)
		strcpy(r.name, name);
	ch = calloc(1, sizeof(*ch));
	if (!ch)
		return dmaapi__fail(DMAAPI_ERR_NO_MEMORY, ENOMEM);
	if (chan_ioctl(dev->fd, DMAAPI_IOCTL_CHAN_REQUEST, &r)) {
		int err = errno;

		free(ch);
		errno = err;
		return dmaapi__fail_errno(err);
	}
	/* non-blocking: wait reads first and polls only when nothing waits */
	fcntl(r.fd, F_SETFL, fcntl(r.fd, F_GETFL) | O_NONBLOCK);
	dmaapi__device_get(dev);
	ch->dev = dev;
	ch->handle = r.handle;
	ch->fd = r.fd;
	ch->max_job = r.max_job_bytes;
	ch->align = r.align;
	if (r.caps & DMAAPI_CHAN_CAP_MEMCPY)
		ch->caps |= DMAAPI_CHAN_MEMCPY;
	if (r.caps & DMAAPI_CHAN_CAP_SLAVE)
		ch->caps |= DMAAPI_CHAN_SLAVE;
	memcpy(ch->name, r.chan_name, sizeof(ch->name));
	ch->name[sizeof(ch->name) - 1] = 0;
	memcpy(ch->controller, r.dev_name, sizeof(ch->controller));
	ch->controller[sizeof(ch->controller) - 1] = 0;
	*out = ch;
	return 0;
}

DMAAPI_EXPORT void dmaapi_chan_close(struct dmaapi_chan *ch)
{
	struct dmaapi_free f;
	int err = errno;

	if (!ch)
		return;
	/* FREE stops the channel: queued jobs are terminated first */
	memset(&f, 0, sizeof(f));
	f.size = sizeof(f);
	f.handle = ch->handle;
	chan_ioctl(ch->dev->fd, DMAAPI_IOCTL_FREE, &f);
	close(ch->fd);
	dmaapi__device_put(ch->dev);
	free(ch);
	errno = err;
}

DMAAPI_EXPORT int dmaapi_chan_fd(const struct dmaapi_chan *ch)
{
	return ch ? ch->fd : -1;
}

DMAAPI_EXPORT size_t dmaapi_chan_max_job_bytes(const struct dmaapi_chan *ch)
{
	return ch ? (size_t)ch->max_job : 0;
}

DMAAPI_EXPORT int dmaapi_chan_info(const struct dmaapi_chan *ch, struct dmaapi_chan_info *info)
{
	struct dmaapi_chan_status st;

	if (!ch || !info)
		return dmaapi__fail(DMAAPI_ERR_NULL_POINTER, 0);
	memset(&st, 0, sizeof(st));
	st.size = sizeof(st);
	st.handle = ch->handle;
	if (chan_ioctl(ch->dev->fd, DMAAPI_IOCTL_CHAN_GET_STATUS, &st))
		return dmaapi__fail_errno(errno);
	memset(info, 0, sizeof(*info));
	info->queue_limit = st.queue_limit;
	info->queued = st.queued;
	info->unread = st.unread;
	info->max_job_bytes = st.max_job_bytes;
	info->submitted = st.submitted;
	info->completed = st.completed;
	/* what the request said at open */
	memcpy(info->name, ch->name, sizeof(info->name));
	memcpy(info->controller, ch->controller, sizeof(info->controller));
	info->caps = ch->caps;
	info->align = ch->align;
	return 0;
}

/* errno of a refused SUBMIT -> the library's code. */
static int submit_error(const struct dmaapi_chan *ch, const struct dmaapi_job *jobs, size_t count,
			int err)
{
	if (err == EFBIG) {
		for (size_t i = 0; i < count; i++)
			if (jobs[i].length > ch->max_job)
				return dmaapi__fail_segment(jobs[i].length, ch->max_job);
	}
	if (err == EOVERFLOW)
		return dmaapi__fail(DMAAPI_ERR_INDEX, err);
	errno = err;
	return dmaapi__fail_errno(err);
}

/* Bad input the kernel would refuse with EINVAL: SYSTEM, as it would say. */
static int fail_inval(void)
{
	errno = EINVAL;
	return dmaapi__fail(DMAAPI_ERR_SYSTEM, EINVAL);
}

/* One end of a job: a region and a range in it. */
static int end_check(const struct dmaapi_region *r, size_t offset, size_t length)
{
	if (!r)
		return dmaapi__fail(DMAAPI_ERR_NULL_POINTER, 0);
	if (offset > r->size || length > r->size - offset)
		return dmaapi__fail(DMAAPI_ERR_INDEX, 0);
	return 0;
}

/* A job of kernel op @op: memcpy (both ends) or slave (the memory end). */
static int job_check(const struct dmaapi_chan *ch, uint32_t op, const struct dmaapi_job *j)
{
	int ret;

	if (op == DMAAPI_JOB_DEV_TO_MEM && (j->src || j->src_offset))
		return fail_inval();
	if (op == DMAAPI_JOB_MEM_TO_DEV && (j->dst || j->dst_offset))
		return fail_inval();
	if (!j->length)
		return dmaapi__fail(DMAAPI_ERR_ZERO_SIZED, 0);
	if (op != DMAAPI_JOB_DEV_TO_MEM) {
		ret = end_check(j->src, j->src_offset, j->length);
		if (ret)
			return ret;
	}
	if (op != DMAAPI_JOB_MEM_TO_DEV) {
		ret = end_check(j->dst, j->dst_offset, j->length);
		if (ret)
			return ret;
	}
	if (j->length > ch->max_job)
		return dmaapi__fail_segment(j->length, ch->max_job);
	return 0;
}

static int chan_submit(struct dmaapi_chan *ch, uint32_t op, struct dmaapi_job *jobs,
		       size_t count)
{
	struct dmaapi_chan_submit s;
	struct dmaapi_chan_job *kj;
	int ret;

	if (!ch || !jobs)
		return dmaapi__fail(DMAAPI_ERR_NULL_POINTER, 0);
	if (!count)
		return dmaapi__fail(DMAAPI_ERR_ZERO_SIZED, 0);
	if (count > DMAAPI_CHAN_MAX_QUEUE) {
		errno = EAGAIN;
		return dmaapi__fail(DMAAPI_ERR_SYSTEM, EAGAIN);
	}
	for (size_t i = 0; i < count; i++) {
		ret = job_check(ch, op, &jobs[i]);
		if (ret)
			return ret;
	}
	kj = calloc(count, sizeof(*kj));
	if (!kj)
		return dmaapi__fail(DMAAPI_ERR_NO_MEMORY, ENOMEM);
	for (size_t i = 0; i < count; i++) {
		kj[i].op = op;
		/* a slave job's device end: handle 0, offset 0 */
		if (jobs[i].src) {
			kj[i].src_handle = (uint32_t)jobs[i].src->cookie;
			kj[i].src_offset = jobs[i].src_offset;
		}
		if (jobs[i].dst) {
			kj[i].dst_handle = (uint32_t)jobs[i].dst->cookie;
			kj[i].dst_offset = jobs[i].dst_offset;
		}
		kj[i].length = jobs[i].length;
		kj[i].user_data = jobs[i].user_data;
	}
	memset(&s, 0, sizeof(s));
	s.size = sizeof(s);
	s.handle = ch->handle;
	s.count = (uint32_t)count;
	s.jobs = (uintptr_t)kj;
	if (chan_ioctl(ch->dev->fd, DMAAPI_IOCTL_CHAN_SUBMIT, &s)) {
		ret = submit_error(ch, jobs, count, errno);
	} else {
		for (uint32_t i = 0; i < s.submitted; i++)
			jobs[i].cookie = kj[i].cookie;
		ret = (int)s.submitted;
	}
	free(kj);
	return ret;
}

DMAAPI_EXPORT int dmaapi_chan_submit(struct dmaapi_chan *ch, struct dmaapi_job *jobs,
				     size_t count)
{
	return chan_submit(ch, DMAAPI_JOB_MEMCPY, jobs, count);
}

/* The kernel's op of a slave direction; 0 (memcpy) if it is none. */
static uint32_t slave_op(enum dmaapi_slave_dir dir)
{
	switch (dir) {
	case DMAAPI_SLAVE_DEV_TO_MEM:
		return DMAAPI_JOB_DEV_TO_MEM;
	case DMAAPI_SLAVE_MEM_TO_DEV:
		return DMAAPI_JOB_MEM_TO_DEV;
	default:
		return DMAAPI_JOB_MEMCPY;
	}
}

DMAAPI_EXPORT int dmaapi_chan_submit_slave(struct dmaapi_chan *ch, enum dmaapi_slave_dir dir,
					   struct dmaapi_job *jobs, size_t count)
{
	if (slave_op(dir) == DMAAPI_JOB_MEMCPY)
		return fail_inval();
	return chan_submit(ch, slave_op(dir), jobs, count);
}

DMAAPI_EXPORT int dmaapi_chan_slave_config(struct dmaapi_chan *ch,
					   const struct dmaapi_slave_config *cfg)
{
	struct dmaapi_chan_slave_config c;

	if (!ch || !cfg)
		return dmaapi__fail(DMAAPI_ERR_NULL_POINTER, 0);
	if (slave_op(cfg->direction) == DMAAPI_JOB_MEMCPY)
		return fail_inval();
	memset(&c, 0, sizeof(c));
	c.size = sizeof(c);
	c.handle = ch->handle;
	c.direction = slave_op(cfg->direction);
	c.region = cfg->regs;
	c.offset = cfg->offset;
	c.addr_width = cfg->width;
	c.maxburst = cfg->maxburst ? cfg->maxburst : 1;
	if (chan_ioctl(ch->dev->fd, DMAAPI_IOCTL_CHAN_SLAVE_CONFIG, &c)) {
		int err = errno;

		if (err == ERANGE)
			return dmaapi__fail(DMAAPI_ERR_INDEX, err);
		errno = err;
		return dmaapi__fail_errno(err);
	}
	return 0;
}

static enum dmaapi_job_status job_status(uint32_t status)
{
	switch (status) {
	case DMAAPI_JOB_DONE:
		return DMAAPI_JOB_OK;
	case DMAAPI_JOB_ABORTED:
		return DMAAPI_JOB_CANCELLED;
	default:
		return DMAAPI_JOB_FAILED;
	}
}

/* One read of up to @want records; -1 with errno EAGAIN when none waits. */
static ssize_t chan_read(int fd, struct dmaapi_chan_completion *c, size_t want)
{
	ssize_t got;

	do
		got = read(fd, c, want * sizeof(*c));
	while (got < 0 && errno == EINTR);
	return got < 0 ? got : got / (ssize_t)sizeof(*c);
}

DMAAPI_EXPORT int dmaapi_chan_wait(struct dmaapi_chan *ch, struct dmaapi_chan_result *results,
				   size_t max, int timeout_ms)
{
	struct dmaapi_chan_completion c[CHAN_READ_BATCH];
	struct pollfd p;
	size_t want;
	ssize_t got;
	int ret;

	if (!ch || !results)
		return dmaapi__fail(DMAAPI_ERR_NULL_POINTER, 0);
	if (!max)
		return dmaapi__fail(DMAAPI_ERR_ZERO_SIZED, 0);
	want = max < CHAN_READ_BATCH ? max : CHAN_READ_BATCH;
	/* what is there already costs one read, no poll */
	got = chan_read(ch->fd, c, want);
	if (got < 0 && errno == EAGAIN && timeout_ms) {
		p.fd = ch->fd;
		p.events = POLLIN;
		do
			ret = poll(&p, 1, timeout_ms);
		while (ret < 0 && errno == EINTR);
		if (ret < 0)
			return dmaapi__fail_errno(errno);
		if (!ret)
			return 0;
		got = chan_read(ch->fd, c, want);
	}
	if (got < 0) {
		if (errno == EAGAIN)
			return 0;
		return dmaapi__fail_errno(errno);
	}
	if (!got) {
		/* end of file: the channel was stopped (its device is gone) */
		errno = ENODEV;
		return dmaapi__fail(DMAAPI_ERR_SYSTEM, ENODEV);
	}
	for (ssize_t i = 0; i < got; i++) {
		results[i].user_data = c[i].user_data;
		results[i].cookie = c[i].cookie;
		results[i].status = job_status(c[i].status);
		results[i].residue = c[i].residue;
	}
	return (int)got;
}

static int chan_simple(struct dmaapi_chan *ch, unsigned long cmd)
{
	struct dmaapi_chan_op op;

	if (!ch)
		return dmaapi__fail(DMAAPI_ERR_NULL_POINTER, 0);
	memset(&op, 0, sizeof(op));
	op.size = sizeof(op);
	op.handle = ch->handle;
	if (chan_ioctl(ch->dev->fd, cmd, &op))
		return dmaapi__fail_errno(errno);
	return 0;
}

DMAAPI_EXPORT int dmaapi_chan_flush(struct dmaapi_chan *ch)
{
	return chan_simple(ch, DMAAPI_IOCTL_CHAN_FLUSH);
}

DMAAPI_EXPORT int dmaapi_chan_reset(struct dmaapi_chan *ch)
{
	return chan_simple(ch, DMAAPI_IOCTL_CHAN_RESET);
}

DMAAPI_EXPORT int dmaapi_chan_set_queue_limit(struct dmaapi_chan *ch, uint32_t limit)
{
	struct dmaapi_chan_set_limit l;

	if (!ch)
		return dmaapi__fail(DMAAPI_ERR_NULL_POINTER, 0);
	memset(&l, 0, sizeof(l));
	l.size = sizeof(l);
	l.handle = ch->handle;
	l.queue_limit = limit;
	if (chan_ioctl(ch->dev->fd, DMAAPI_IOCTL_CHAN_SET_LIMIT, &l))
		return dmaapi__fail_errno(errno);
	return 0;
}

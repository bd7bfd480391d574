// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Interrupts of a kernel device (since 1.5): DMAAPI_IOCTL_IRQ_INFO and
 * DMAAPI_IOCTL_IRQ_SET, and the vector's irq fd, whose read() waits for an
 * interrupt and re-enables a masked line first (include/uapi/linux/dmaapi.h).
 */
#include "internal.h"
#include <errno.h>
#include <linux/dmaapi.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <unistd.h>

struct dmaapi_irq {
	struct dmaapi_device *dev;	/* a reference */
	uint32_t type;
	uint32_t index;
	int fd;				/* the irq fd */
};

static int irq_ioctl(int fd, unsigned long cmd, void *arg)
{
	int ret;

	do
		ret = ioctl(fd, cmd, arg);
	while (ret == -1 && errno == EINTR);
	return ret;
}

/* The node of @dev, or a failure for a device without one. */
static int irq_node(const struct dmaapi_device *dev)
{
	if (dev->fd < 0)
		return dmaapi__fail(DMAAPI_ERR_SYSTEM, EOPNOTSUPP);
	return dev->fd;
}

DMAAPI_EXPORT int dmaapi_irq_count(struct dmaapi_device *dev, enum dmaapi_intr_type type,
				   unsigned int *count)
{
	struct dmaapi_irq_info info = { .size = sizeof(info) };
	int fd;

	if (!dev || !count)
		return dmaapi__fail(DMAAPI_ERR_NULL_POINTER, 0);
	if ((unsigned int)type >= DMAAPI_IRQ_NR_TYPES)
		return dmaapi__fail(DMAAPI_ERR_INDEX, EINVAL);
	fd = irq_node(dev);
	if (fd < 0)
		return fd;
	info.type = type;
	if (irq_ioctl(fd, DMAAPI_IOCTL_IRQ_INFO, &info))
		return dmaapi__fail_errno(errno);
	*count = info.count;
	return 0;
}

DMAAPI_EXPORT int dmaapi_irq_attach(struct dmaapi_device *dev, enum dmaapi_intr_type type,
				    unsigned int index, int eventfd, struct dmaapi_irq **out)
{
	struct dmaapi_irq_set set = { .size = sizeof(set), .eventfd = eventfd, .irq_fd = -1 };
	struct dmaapi_irq *irq;
	unsigned int n;
	int ret, fd;

	if (!dev || !out)
		return dmaapi__fail(DMAAPI_ERR_NULL_POINTER, 0);
	*out = NULL;
	ret = dmaapi_irq_count(dev, type, &n);
	if (ret)
		return ret;
	if (index >= n)
		return dmaapi__fail(DMAAPI_ERR_INDEX, n ? EINVAL : EOPNOTSUPP);
	irq = calloc(1, sizeof(*irq));
	if (!irq)
		return dmaapi__fail(DMAAPI_ERR_NO_MEMORY, ENOMEM);
	fd = dev->fd;
	set.type = type;
	set.index = index;
	if (irq_ioctl(fd, DMAAPI_IOCTL_IRQ_SET, &set)) {
		ret = dmaapi__fail_errno(errno);
		free(irq);
		return ret;
	}
	irq->dev = dev;
	irq->type = type;
	irq->index = index;
	irq->fd = set.irq_fd;
	dmaapi__device_get(dev);
	*out = irq;
	return 0;
}

DMAAPI_EXPORT int dmaapi_irq_wait(struct dmaapi_irq *irq, int timeout_ms, uint64_t *count)
{
	struct pollfd pfd;
	uint64_t v;
	ssize_t n;
	int ret;

	if (!irq)
		return dmaapi__fail(DMAAPI_ERR_NULL_POINTER, 0);
	if (timeout_ms >= 0) {
		/* poll() re-enables the line as read() does */
		pfd.fd = irq->fd;
		pfd.events = POLLIN;
		do
			ret = poll(&pfd, 1, timeout_ms);
		while (ret < 0 && errno == EINTR);
		if (ret < 0)
			return dmaapi__fail_errno(errno);
		if (!ret)
			return dmaapi__fail(DMAAPI_ERR_SYSTEM, ETIMEDOUT);
	}
	do
		n = read(irq->fd, &v, sizeof(v));
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return dmaapi__fail_errno(errno);
	if (n != sizeof(v))
		return dmaapi__fail(DMAAPI_ERR_SYSTEM, EIO);
	if (count)
		*count = v;
	return 0;
}

DMAAPI_EXPORT int dmaapi_irq_unmask(struct dmaapi_irq *irq)
{
	uint64_t one = 1;
	ssize_t n;

	if (!irq)
		return dmaapi__fail(DMAAPI_ERR_NULL_POINTER, 0);
	do
		n = write(irq->fd, &one, sizeof(one));
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return dmaapi__fail_errno(errno);
	return 0;
}

DMAAPI_EXPORT int dmaapi_irq_fd(const struct dmaapi_irq *irq)
{
	return irq ? irq->fd : -1;
}

DMAAPI_EXPORT void dmaapi_irq_detach(struct dmaapi_irq *irq)
{
	struct dmaapi_irq_set set = { .size = sizeof(set), .flags = DMAAPI_IRQ_SET_DETACH,
				      .eventfd = -1 };
	int saved = errno;

	if (!irq)
		return;
	set.type = irq->type;
	set.index = irq->index;
	/* ENOENT or ENODEV: the close or the removal detached it already */
	irq_ioctl(irq->dev->fd, DMAAPI_IOCTL_IRQ_SET, &set);
	close(irq->fd);
	dmaapi__device_put(irq->dev);
	free(irq);
	errno = saved;
}

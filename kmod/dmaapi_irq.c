// SPDX-License-Identifier: GPL-2.0
/*
 * dmaapi: a bound device's interrupts, delivered to userspace
 * (DMAAPI_IOCTL_IRQ_INFO, DMAAPI_IOCTL_IRQ_SET).
 *
 * A vector attached by a file has a handler that counts the interrupt,
 * signals the caller's eventfd and wakes the vector's own file (irq fd).
 * INTx is masked in the handler with pci_check_and_mask_intx(), which also
 * tells whether this device raised a shared line, as uio_pci_generic and
 * vfio-pci do; a device-tree interrupt is disabled in the handler, as
 * uio_pdrv_genirq does.  The line is re-enabled from the irq fd: by the
 * next read() or poll() that finds every interrupt returned, or by write().
 *
 * Lifetime: a struct dmaapi_irq_vec is kref'd by the device's table (while
 * attached) and by its irq fd; it holds a reference on the dmaapi_dev.
 *
 * Locks:
 *   ctx->lock (the ioctls), ddev->lock (release, removal)
 *     ddev->irq_lock (mutex: the table, the type, attach and detach)
 *       vec->unmask_lock (mutex: enable_irq() against detach)
 *         vec->lock (spinlock, taken in the handler: count, masked, live)
 * No ioctl waits for an interrupt: waiting is read() or poll() on the irq fd.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/anon_inodes.h>
#include <linux/eventfd.h>
#include <linux/fs.h>
#include <linux/interrupt.h>
#include <linux/pci.h>
#include <linux/platform_device.h>
#include <linux/poll.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/version.h>

#include "dmaapi.h"

struct dmaapi_irq_vec {
	struct kref ref;
	struct dmaapi_dev *ddev;	/* a reference */
	struct dmaapi_ctx *owner;	/* the attaching file (irq_lock) */
	u32 type;
	unsigned int index;
	int irq;
	char *name;
	struct eventfd_ctx *trigger;	/* NULL: none */
	struct mutex unmask_lock;
	spinlock_t lock;
	u64 count;		/* interrupts since attach */
	u64 seen;		/* the count the irq fd last returned */
	bool masked;		/* the handler masked the line */
	bool live;		/* attached: the handler is installed */
	wait_queue_head_t wq;
};

static const char * const dmaapi_irq_type_names[DMAAPI_IRQ_NR_TYPES] = {
	[DMAAPI_IRQ_INTX] = "intx",
	[DMAAPI_IRQ_MSI] = "msi",
	[DMAAPI_IRQ_MSIX] = "msix",
	[DMAAPI_IRQ_PLATFORM] = "platform",
};

void dmaapi_irq_init(struct dmaapi_dev *ddev)
{
	mutex_init(&ddev->irq_lock);
	ddev->irq_type = DMAAPI_IRQ_NONE;
	init_waitqueue_head(&ddev->dead_wq);
}

static void dmaapi_vec_release(struct kref *ref)
{
	struct dmaapi_irq_vec *vec = container_of(ref, struct dmaapi_irq_vec, ref);

	dmaapi_dev_put(vec->ddev);
	mutex_destroy(&vec->unmask_lock);
	kfree(vec->name);
	kfree(vec);
}

static void dmaapi_vec_put(struct dmaapi_irq_vec *vec)
{
	kref_put(&vec->ref, dmaapi_vec_release);
}

static bool dmaapi_vec_automasked(u32 type)
{
	return type == DMAAPI_IRQ_INTX || type == DMAAPI_IRQ_PLATFORM;
}

/* The device's vectors of @type: 0 if it has none. */
static unsigned int dmaapi_irq_count(struct dmaapi_dev *ddev, u32 type)
{
	struct pci_dev *pdev;
	int n = 0;

	if (ddev->is_default)
		return 0;
	if (!ddev->is_pci)
		return type == DMAAPI_IRQ_PLATFORM ?
		       max(platform_irq_count(to_platform_device(ddev->dev)), 0) : 0;

	pdev = to_pci_dev(ddev->dev);
	switch (type) {
	case DMAAPI_IRQ_INTX:
		/* a line we cannot mask at the device cannot be shared safely */
		n = pdev->irq && pdev->pin && pci_intx_mask_supported(pdev);
		break;
	case DMAAPI_IRQ_MSI:
		n = pci_msi_vec_count(pdev);
		break;
	case DMAAPI_IRQ_MSIX:
		n = pci_msix_vec_count(pdev);
		break;
	}
	return max(n, 0);
}

static void dmaapi_vec_signal(struct dmaapi_irq_vec *vec)
{
	if (vec->trigger) {
#if KERNEL_VERSION(6, 8, 0) <= LINUX_VERSION_CODE
		eventfd_signal(vec->trigger);
#else
		eventfd_signal(vec->trigger, 1);
#endif
	}
	wake_up_interruptible_poll(&vec->wq, EPOLLIN | EPOLLRDNORM);
}

static irqreturn_t dmaapi_intx_handler(int irq, void *data)
{
	struct dmaapi_irq_vec *vec = data;
	struct pci_dev *pdev = to_pci_dev(vec->ddev->dev);
	unsigned long flags;

	spin_lock_irqsave(&vec->lock, flags);
	/* masked: not ours; else ours only if the device says so */
	if (vec->masked || !pci_check_and_mask_intx(pdev)) {
		spin_unlock_irqrestore(&vec->lock, flags);
		return IRQ_NONE;
	}
	vec->masked = true;
	vec->count++;
	spin_unlock_irqrestore(&vec->lock, flags);
	dmaapi_vec_signal(vec);
	return IRQ_HANDLED;
}

static irqreturn_t dmaapi_platform_handler(int irq, void *data)
{
	struct dmaapi_irq_vec *vec = data;
	unsigned long flags;

	disable_irq_nosync(irq);
	spin_lock_irqsave(&vec->lock, flags);
	vec->masked = true;
	vec->count++;
	spin_unlock_irqrestore(&vec->lock, flags);
	dmaapi_vec_signal(vec);
	return IRQ_HANDLED;
}

static irqreturn_t dmaapi_msi_handler(int irq, void *data)
{
	struct dmaapi_irq_vec *vec = data;
	unsigned long flags;

	spin_lock_irqsave(&vec->lock, flags);
	vec->count++;
	spin_unlock_irqrestore(&vec->lock, flags);
	dmaapi_vec_signal(vec);
	return IRQ_HANDLED;
}

/*
 * Re-enable a masked line; with @all_seen only once the irq fd has returned
 * every interrupt (the reader has handled the device).  An INTx still
 * pending at the device stays masked and counts as the next interrupt, as
 * in vfio-pci.
 */
static void dmaapi_vec_unmask(struct dmaapi_irq_vec *vec, bool all_seen)
{
	bool enable = false, fired = false;

	mutex_lock(&vec->unmask_lock);
	spin_lock_irq(&vec->lock);
	if (vec->live && vec->masked && (!all_seen || vec->seen == vec->count)) {
		if (vec->type == DMAAPI_IRQ_INTX) {
			if (pci_check_and_unmask_intx(to_pci_dev(vec->ddev->dev))) {
				vec->masked = false;
			} else {
				vec->count++;
				fired = true;
			}
		} else {
			vec->masked = false;
			enable = true;
		}
	}
	spin_unlock_irq(&vec->lock);
	/* enable_irq() may sleep on a slow-bus irqchip: not under vec->lock */
	if (enable)
		enable_irq(vec->irq);
	mutex_unlock(&vec->unmask_lock);
	if (fired)
		dmaapi_vec_signal(vec);
}

/* The irq fd */

static bool dmaapi_vec_ready(struct dmaapi_irq_vec *vec)
{
	bool ready;

	spin_lock_irq(&vec->lock);
	ready = !vec->live || vec->count != vec->seen;
	spin_unlock_irq(&vec->lock);
	return ready;
}

static ssize_t dmaapi_irq_fd_read(struct file *file, char __user *ubuf,
				  size_t len, loff_t *ppos)
{
	struct dmaapi_irq_vec *vec = file->private_data;
	u64 count = 0;
	int ret;

	if (len < sizeof(count))
		return -EINVAL;
	for (;;) {
		dmaapi_vec_unmask(vec, true);
		spin_lock_irq(&vec->lock);
		if (!vec->live) {
			ret = -ENODEV;
		} else if (vec->count != vec->seen) {
			count = vec->count;
			vec->seen = count;
			ret = 0;
		} else {
			ret = -EAGAIN;
		}
		spin_unlock_irq(&vec->lock);
		if (ret != -EAGAIN)
			break;
		if (file->f_flags & O_NONBLOCK)
			return -EAGAIN;
		ret = wait_event_interruptible(vec->wq, dmaapi_vec_ready(vec));
		if (ret)
			return ret;
	}
	if (ret)
		return ret;
	if (put_user(count, (u64 __user *)ubuf))
		return -EFAULT;
	return sizeof(count);
}

static ssize_t dmaapi_irq_fd_write(struct file *file, const char __user *ubuf,
				   size_t len, loff_t *ppos)
{
	struct dmaapi_irq_vec *vec = file->private_data;

	if (len < sizeof(u64))
		return -EINVAL;
	if (!READ_ONCE(vec->live))
		return -ENODEV;
	dmaapi_vec_unmask(vec, false);
	return sizeof(u64);
}

static __poll_t dmaapi_irq_fd_poll(struct file *file, poll_table *wait)
{
	struct dmaapi_irq_vec *vec = file->private_data;
	__poll_t mask = 0;

	poll_wait(file, &vec->wq, wait);
	dmaapi_vec_unmask(vec, true);
	spin_lock_irq(&vec->lock);
	if (!vec->live)
		mask = EPOLLHUP | EPOLLERR;
	else if (vec->count != vec->seen)
		mask = EPOLLIN | EPOLLRDNORM;
	spin_unlock_irq(&vec->lock);
	return mask;
}

static int dmaapi_irq_fd_release(struct inode *inode, struct file *file)
{
	dmaapi_vec_put(file->private_data);
	return 0;
}

static const struct file_operations dmaapi_irq_fops = {
	.owner = THIS_MODULE,
	.read = dmaapi_irq_fd_read,
	.write = dmaapi_irq_fd_write,
	.poll = dmaapi_irq_fd_poll,
	.release = dmaapi_irq_fd_release,
	.llseek = noop_llseek,
};

/* The node's own poll: EPOLLHUP | EPOLLERR once the device is gone. */
__poll_t dmaapi_fops_poll(struct file *filp, poll_table *wait)
{
	struct dmaapi_ctx *ctx = filp->private_data;
	struct dmaapi_dev *ddev = ctx->ddev;

	poll_wait(filp, &ddev->dead_wq, wait);
	return READ_ONCE(ddev->dead) ? EPOLLHUP | EPOLLERR : 0;
}

/* Attach and detach, under irq_lock */

static int dmaapi_irq_alloc_type(struct dmaapi_dev *ddev, u32 type,
				 unsigned int n)
{
	struct dmaapi_irq_vec **vecs;
	int ret;

	lockdep_assert_held(&ddev->irq_lock);
	vecs = kcalloc(n, sizeof(*vecs), GFP_KERNEL);
	if (!vecs)
		return -ENOMEM;
	if (type == DMAAPI_IRQ_MSI || type == DMAAPI_IRQ_MSIX) {
		ret = pci_alloc_irq_vectors(to_pci_dev(ddev->dev), n, n,
					    type == DMAAPI_IRQ_MSI ?
					    PCI_IRQ_MSI : PCI_IRQ_MSIX);
		if (ret < 0) {
			kfree(vecs);
			return ret == -EINVAL ? -ENOSPC : ret;
		}
	}
	ddev->irq_vecs = vecs;
	ddev->nvecs = n;
	ddev->irq_type = type;
	return 0;
}

static void dmaapi_irq_free_type(struct dmaapi_dev *ddev)
{
	struct pci_dev *pdev;

	lockdep_assert_held(&ddev->irq_lock);
	if (ddev->irq_type == DMAAPI_IRQ_MSI || ddev->irq_type == DMAAPI_IRQ_MSIX) {
		pdev = to_pci_dev(ddev->dev);
		pci_free_irq_vectors(pdev);
		/* turning MSI off re-enables INTx, which nothing handles now */
		pci_intx(pdev, 0);
	}
	kfree(ddev->irq_vecs);
	ddev->irq_vecs = NULL;
	ddev->nvecs = 0;
	ddev->irq_type = DMAAPI_IRQ_NONE;
}

static void dmaapi_vec_detach(struct dmaapi_dev *ddev, struct dmaapi_irq_vec *vec)
{
	unsigned int i;

	lockdep_assert_held(&ddev->irq_lock);
	if (vec->type == DMAAPI_IRQ_INTX)
		pci_intx(to_pci_dev(ddev->dev), 0);
	mutex_lock(&vec->unmask_lock);
	spin_lock_irq(&vec->lock);
	vec->live = false;
	spin_unlock_irq(&vec->lock);
	mutex_unlock(&vec->unmask_lock);
	free_irq(vec->irq, vec);	/* no handler runs after this */
	if (vec->trigger)
		eventfd_ctx_put(vec->trigger);
	vec->trigger = NULL;
	wake_up_interruptible_poll(&vec->wq, EPOLLHUP | EPOLLERR);

	ddev->irq_vecs[vec->index] = NULL;
	vec->owner = NULL;
	dmaapi_vec_put(vec);
	for (i = 0; i < ddev->nvecs; i++)
		if (ddev->irq_vecs[i])
			return;
	dmaapi_irq_free_type(ddev);
}

static int dmaapi_vec_linux_irq(struct dmaapi_dev *ddev, u32 type,
				unsigned int index)
{
	switch (type) {
	case DMAAPI_IRQ_INTX:
		return to_pci_dev(ddev->dev)->irq;
	case DMAAPI_IRQ_MSI:
	case DMAAPI_IRQ_MSIX:
		return pci_irq_vector(to_pci_dev(ddev->dev), index);
	default:
		return platform_get_irq(to_platform_device(ddev->dev), index);
	}
}

static int dmaapi_vec_attach(struct dmaapi_ctx *ctx, u32 type,
			     unsigned int index, struct eventfd_ctx *trigger,
			     struct dmaapi_irq_vec **out)
{
	struct dmaapi_dev *ddev = ctx->ddev;
	struct dmaapi_irq_vec *vec;
	irq_handler_t handler;
	unsigned long irqflags = 0;
	int irq, ret;

	lockdep_assert_held(&ddev->irq_lock);
	irq = dmaapi_vec_linux_irq(ddev, type, index);
	if (irq <= 0)
		return irq ? irq : -ENXIO;

	vec = kzalloc(sizeof(*vec), GFP_KERNEL_ACCOUNT);
	if (!vec)
		return -ENOMEM;
	vec->name = kasprintf(GFP_KERNEL, "%s:%s%u", ddev->name,
			      dmaapi_irq_type_names[type], index);
	if (!vec->name) {
		kfree(vec);
		return -ENOMEM;
	}
	kref_init(&vec->ref);
	kref_get(&ddev->ref);
	vec->ddev = ddev;
	vec->owner = ctx;
	vec->type = type;
	vec->index = index;
	vec->irq = irq;
	vec->trigger = trigger;
	mutex_init(&vec->unmask_lock);
	spin_lock_init(&vec->lock);
	init_waitqueue_head(&vec->wq);
	vec->live = true;

	if (type == DMAAPI_IRQ_INTX) {
		handler = dmaapi_intx_handler;
		irqflags = IRQF_SHARED;
	} else if (type == DMAAPI_IRQ_PLATFORM) {
		handler = dmaapi_platform_handler;
	} else {
		handler = dmaapi_msi_handler;
	}
	ret = request_irq(irq, handler, irqflags, vec->name, vec);
	if (ret) {
		vec->trigger = NULL;	/* the caller puts it */
		dmaapi_vec_put(vec);
		return ret;
	}
	if (type == DMAAPI_IRQ_INTX)
		pci_intx(to_pci_dev(ddev->dev), 1);
	ddev->irq_vecs[index] = vec;
	*out = vec;
	return 0;
}

/* ioctls */

int dmaapi_ioctl_irq_info(struct dmaapi_ctx *ctx, void *arg)
{
	struct dmaapi_irq_info *cmd = arg;
	struct dmaapi_dev *ddev = ctx->ddev;

	if (cmd->flags)
		return -EOPNOTSUPP;
	if (cmd->type >= DMAAPI_IRQ_NR_TYPES)
		return -EINVAL;
	cmd->count = dmaapi_irq_count(ddev, cmd->type);
	cmd->out_flags = dmaapi_vec_automasked(cmd->type) ?
			 DMAAPI_IRQ_AUTOMASKED : 0;
	mutex_lock(&ddev->irq_lock);
	cmd->active_type = ddev->irq_type;
	mutex_unlock(&ddev->irq_lock);
	return 0;
}

static int dmaapi_irq_detach_one(struct dmaapi_ctx *ctx, u32 type,
				 unsigned int index)
{
	struct dmaapi_dev *ddev = ctx->ddev;
	struct dmaapi_irq_vec *vec;
	int ret = -ENOENT;

	mutex_lock(&ddev->irq_lock);
	if (ddev->irq_type == type && index < ddev->nvecs) {
		vec = ddev->irq_vecs[index];
		if (vec && vec->owner == ctx) {
			dmaapi_vec_detach(ddev, vec);
			ret = 0;
		}
	}
	mutex_unlock(&ddev->irq_lock);
	return ret;
}

int dmaapi_ioctl_irq_set(struct dmaapi_ctx *ctx, void *arg)
{
	struct dmaapi_irq_set *cmd = arg;
	struct dmaapi_dev *ddev = ctx->ddev;
	struct eventfd_ctx *trigger = NULL;
	struct dmaapi_irq_vec *vec;
	unsigned int n;
	int ret, fd;

	if (cmd->flags & ~DMAAPI_IRQ_SET_DETACH)
		return -EOPNOTSUPP;
	if (cmd->type >= DMAAPI_IRQ_NR_TYPES)
		return -EINVAL;
	n = dmaapi_irq_count(ddev, cmd->type);
	if (!n)
		return -EOPNOTSUPP;
	if (cmd->index >= n)
		return -EINVAL;
	if (cmd->flags & DMAAPI_IRQ_SET_DETACH)
		return dmaapi_irq_detach_one(ctx, cmd->type, cmd->index);

	if (cmd->eventfd != -1) {
		if (cmd->eventfd < 0)
			return -EBADF;
		trigger = eventfd_ctx_fdget(cmd->eventfd);
		if (IS_ERR(trigger))
			return PTR_ERR(trigger);
	}

	mutex_lock(&ddev->irq_lock);
	/*
	 * An ioctl that passed the dispatcher's dead check may get here after
	 * removal set dead: dmaapi_irq_remove() takes irq_lock after that, so
	 * this check or its sweep sees every vector.
	 */
	if (READ_ONCE(ddev->dead)) {
		ret = -ENODEV;
		goto err_unlock;
	}
	if (ddev->irq_type == DMAAPI_IRQ_NONE) {
		ret = dmaapi_irq_alloc_type(ddev, cmd->type, n);
		if (ret)
			goto err_unlock;
	} else if (ddev->irq_type != cmd->type ||
		   ddev->irq_vecs[cmd->index]) {
		ret = -EBUSY;
		goto err_unlock;
	}
	ret = dmaapi_vec_attach(ctx, cmd->type, cmd->index, trigger, &vec);
	if (ret) {
		/* nothing else attached: give the vectors back */
		for (n = 0; n < ddev->nvecs; n++)
			if (ddev->irq_vecs[n])
				break;
		if (n == ddev->nvecs)
			dmaapi_irq_free_type(ddev);
		goto err_unlock;
	}
	trigger = NULL;		/* the vector's now */

	kref_get(&vec->ref);	/* the irq fd's */
	fd = anon_inode_getfd("[dmaapi-irq]", &dmaapi_irq_fops, vec,
			      O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		dmaapi_vec_put(vec);
		dmaapi_vec_detach(ddev, vec);
		ret = fd;
		goto err_unlock;
	}
	cmd->irq_fd = fd;
	mutex_unlock(&ddev->irq_lock);
	return 0;

err_unlock:
	mutex_unlock(&ddev->irq_lock);
	if (trigger)
		eventfd_ctx_put(trigger);
	return ret;
}

/* The last close of the attaching file detaches, before its memory goes. */
void dmaapi_irq_release_ctx(struct dmaapi_ctx *ctx)
{
	struct dmaapi_dev *ddev = ctx->ddev;
	unsigned int i;

	mutex_lock(&ddev->irq_lock);
	for (i = 0; ddev->irq_vecs && i < ddev->nvecs; i++) {
		struct dmaapi_irq_vec *vec = ddev->irq_vecs[i];

		/* the last detach frees the table */
		if (vec && vec->owner == ctx)
			dmaapi_vec_detach(ddev, vec);
	}
	mutex_unlock(&ddev->irq_lock);
}

/* Removal: every vector goes; waiters wake with ENODEV / EPOLLHUP. */
void dmaapi_irq_remove(struct dmaapi_dev *ddev)
{
	unsigned int i;

	mutex_lock(&ddev->irq_lock);
	for (i = 0; ddev->irq_vecs && i < ddev->nvecs; i++)
		if (ddev->irq_vecs[i])
			dmaapi_vec_detach(ddev, ddev->irq_vecs[i]);
	mutex_unlock(&ddev->irq_lock);
	wake_up_interruptible_poll(&ddev->dead_wq, EPOLLHUP | EPOLLERR);
}

/* sysfs: irq_counts, one "<type> <index> <count>" line per attached vector */

static ssize_t irq_counts_show(struct device *dev, struct device_attribute *attr,
			       char *buf)
{
	struct miscdevice *misc = dev_get_drvdata(dev);
	struct dmaapi_dev *ddev = container_of(misc, struct dmaapi_dev, misc);
	unsigned int i;
	int len = 0;

	mutex_lock(&ddev->irq_lock);
	for (i = 0; ddev->irq_vecs && i < ddev->nvecs; i++) {
		struct dmaapi_irq_vec *vec = ddev->irq_vecs[i];
		u64 count;

		if (!vec)
			continue;
		spin_lock_irq(&vec->lock);
		count = vec->count;
		spin_unlock_irq(&vec->lock);
		len += sysfs_emit_at(buf, len, "%s %u %llu\n",
				     dmaapi_irq_type_names[vec->type], i, count);
	}
	mutex_unlock(&ddev->irq_lock);
	return len;
}
DEVICE_ATTR_RO(irq_counts);

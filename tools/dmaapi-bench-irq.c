// SPDX-License-Identifier: GPL-2.0
/*
 * dmaapi-bench, section irq: what an interrupt costs a userspace driver of
 * the edu device through its dmaapi node, against uio_pci_generic on the
 * same device in the same boot (the tool rebinds edu through
 * driver_override: dmaapi, then uio_pci_generic, then dmaapi again).
 *
 *   wakeup  a waiter thread blocks; the timing thread writes edu's
 *           interrupt-raise register (0x60) through the mapped BAR once the
 *           waiter sleeps (its /proc state is S); the figure is the time
 *           from that write to the waiter running again (a run: the median
 *           of its wakeups).  The waiter then acknowledges (0x64) and
 *           re-arms the line.
 *   DMA     one thread: a 1 KiB RAM-to-device transfer with command bit 2,
 *           waited for by its interrupt, acknowledged, re-armed; the
 *           figure is the thread's CPU time per transfer (edu's own timer
 *           makes every transfer take 100 ms of wall time).
 *
 * The handler's system calls per interrupt are counted at their call sites:
 *   dmaapi irq fd   read() (which also re-enables a masked INTx line)   1
 *   dmaapi eventfd  read() of the eventfd + write() to the irq fd       2
 *   dmaapi MSI      read() of the irq fd (MSI is never masked)          1
 *   UIO             read() of /dev/uioN + pwrite() of the command
 *                   register's high byte clearing INTx-disable, as in
 *                   the kernel's uio-howto                              2
 * UIO cannot do MSI, so the reference is UIO's INTx throughout.
 *
 * UIO gives no DMA memory: its DMA row uses a coherent buffer of the
 * default node (/dev/dmaapi), whose DMA address is the CPU's physical one
 * (no IOMMU).  Behind an IOMMU nothing maps it for the UIO-bound device: the
 * row checks the data a transfer moved and says n/a when it did not arrive.
 */
#include "dmaapi-bench.h"
#include "edu.h"

#include <poll.h>
#include <pthread.h>
#include <semaphore.h>
#include <sched.h>
#include <sys/eventfd.h>
#include <sys/syscall.h>

#define EDU_XFER 1024
#define PCI_COMMAND_HIGH 5	/* config byte with INTx-disable (bit 2) */
#define PCI_CMD_INTX_DISABLE_HIGH 0x4
#define PCI_CMD_MASTER 0x4	/* config byte 4 */
#define WAIT_MS 2000

enum waiter_kind { W_IRQFD, W_EVENTFD, W_UIO };

/* One way of being interrupted: how the handler waits and re-arms. */
struct irq_path {
	enum waiter_kind kind;
	volatile uint8_t *bar;
	int wait_fd;		/* irq fd, eventfd or /dev/uioN */
	int irq_fd;		/* W_EVENTFD: where the unmask is written */
	int config_fd;		/* W_UIO: the device's config space */
	uint8_t command_high;	/* W_UIO: the command byte with INTx enabled */
	uint64_t syscalls, irqs;
	/* wakeup: the waiter thread */
	pthread_t thread;
	pid_t tid;
	sem_t handled;
	volatile int stop, error;
	volatile double t_raise, t_woken;
	/* DMA */
	uint64_t dma, dma_check;
};

/*
 * Waits for one interrupt, then acknowledges it in the device (and for UIO
 * and the eventfd re-arms the line: the irq fd re-arms in its next read).
 * Returns 0 or a negative errno.
 */
static int wait_irq(struct irq_path *p, double *woken)
{
	uint64_t v64;
	uint32_t v32;
	ssize_t n;

	if (p->kind == W_UIO)
		n = read(p->wait_fd, &v32, sizeof(v32));
	else
		n = read(p->wait_fd, &v64, sizeof(v64));
	p->syscalls++;
	if (woken)
		*woken = now_ns();
	if (n < 0)
		return -errno;
	if (n != (p->kind == W_UIO ? 4 : 8))
		return -EIO;
	p->irqs++;
	edu_wr32(p->bar, EDU_REG_IRQ_ACK, edu_rd32(p->bar, EDU_REG_IRQ_STATUS));
	if (p->kind == W_EVENTFD) {
		v64 = 1;
		p->syscalls++;
		if (write(p->irq_fd, &v64, sizeof(v64)) != sizeof(v64))
			return -errno;
	} else if (p->kind == W_UIO) {
		p->syscalls++;
		if (pwrite(p->config_fd, &p->command_high, 1, PCI_COMMAND_HIGH) != 1)
			return -errno;
	}
	return 0;
}

/* The check's waits: a poll() first, so that a lost interrupt cannot hang it. */
static int wait_ready(int fd)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	int ret = poll(&pfd, 1, WAIT_MS);

	if (ret < 0)
		return -errno;
	if (!ret)
		return -ETIMEDOUT;
	return pfd.revents & POLLIN ? 0 : -ENODEV;
}

static void *waiter(void *arg)
{
	struct irq_path *p = arg;

	p->tid = (pid_t)syscall(SYS_gettid);
	sem_post(&p->handled);
	for (;;) {
		double t;
		int ret = wait_irq(p, &t);

		p->t_woken = t;
		if (ret)
			p->error = ret;
		sem_post(&p->handled);
		/* stop is set before the interrupt that ends the run */
		if (ret || p->stop)
			break;
	}
	return NULL;
}

/* The thread's scheduler state from /proc: 'S' once it sleeps in read(). */
static char thread_state(pid_t tid)
{
	char path[64], buf[256], *s;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/self/task/%d/stat", (int)tid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return '?';
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return '?';
	buf[n] = 0;
	s = strrchr(buf, ')');
	return s && s[1] == ' ' ? s[2] : '?';
}

static int sem_wait_ms(sem_t *s, int ms)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += ms / 1000;
	ts.tv_nsec += (long)(ms % 1000) * 1000000;
	if (ts.tv_nsec >= 1000000000) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000;
	}
	while (sem_timedwait(s, &ts))
		if (errno != EINTR)
			return -errno;
	return 0;
}

/* One wakeup: raise once the waiter sleeps; the ns until it runs, or -errno. */
static double wakeup_once(struct irq_path *p)
{
	int spins, ret;

	for (spins = 0; thread_state(p->tid) != 'S'; spins++) {
		if (spins > 100000)
			return -ETIMEDOUT;
		sched_yield();
	}
	p->t_raise = now_ns();
	edu_wr32(p->bar, EDU_REG_IRQ_RAISE, 1);
	ret = sem_wait_ms(&p->handled, WAIT_MS);
	if (ret)
		return ret;
	if (p->error)
		return p->error;
	return p->t_woken - p->t_raise;
}

static void stat_of_runs(double *per, struct stat3 *s)
{
	qsort(per, opt.runs, sizeof(per[0]), cmp_double);
	s->ok = true;
	s->min = per[0];
	s->med = per[opt.runs / 2];
	s->max = per[opt.runs - 1];
}

/*
 * A run is WAKEUPS_PER_RUN wakeups (a tenth with --quick) and its figure
 * their median: a wakeup that waited for a timer tick of the other vCPU
 * (TCG runs both on one host thread) would dominate a mean.
 */
#define WAKEUPS_PER_RUN 200
static int wakeup_measure(struct irq_path *p, struct stat3 *s)
{
	unsigned int n = opt.quick ? WAKEUPS_PER_RUN / 10 : WAKEUPS_PER_RUN, r, i;
	double per[MAX_RUNS], sample[WAKEUPS_PER_RUN];

	for (i = 0; i < 10; i++)	/* warm up */
		if (wakeup_once(p) < 0)
			return -ETIMEDOUT;
	for (r = 0; r < opt.runs; r++) {
		for (i = 0; i < n; i++) {
			sample[i] = wakeup_once(p);
			if (sample[i] < 0)
				return (int)sample[i];
		}
		qsort(sample, n, sizeof(sample[0]), cmp_double);
		per[r] = sample[n / 2];
	}
	stat_of_runs(per, s);
	return 0;
}

static double thread_cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

/*
 * edu completes a transfer 100 ms (virtual) after the command, whoever
 * drives it: the wall time per transfer is that timer.  What the driver
 * pays is its thread's CPU time (the waits' system calls, the register
 * accesses): a run is DMA_PER_RUN transfers, its figure their median.
 */
#define DMA_PER_RUN 16
static int dma_measure(struct irq_path *p, struct stat3 *s)
{
	double per[MAX_RUNS], sample[DMA_PER_RUN];
	unsigned int r, i;
	int ret;

	for (r = 0; r < opt.runs; r++) {
		for (i = 0; i < DMA_PER_RUN; i++) {
			double t0 = thread_cpu_ns();

			edu_start(p->bar, p->dma, 0, EDU_XFER, false, EDU_CMD_IRQ);
			ret = wait_irq(p, NULL);
			if (ret)
				return ret;
			sample[i] = thread_cpu_ns() - t0;
		}
		qsort(sample, DMA_PER_RUN, sizeof(sample[0]), cmp_double);
		per[r] = sample[DMA_PER_RUN / 2];
	}
	stat_of_runs(per, s);
	return 0;
}

/* A transfer there and back through the interrupt path: did the data arrive? */
static int dma_check(struct irq_path *p, uint8_t *cpu)
{
	unsigned int i;
	int ret;

	for (i = 0; i < EDU_XFER; i++) {
		cpu[i] = (uint8_t)(i * 7 + 3);
		cpu[EDU_XFER + i] = 0;
	}
	edu_start(p->bar, p->dma, 0, EDU_XFER, false, EDU_CMD_IRQ);
	ret = wait_ready(p->wait_fd);
	if (!ret)
		ret = wait_irq(p, NULL);
	if (ret)
		return ret;
	edu_start(p->bar, p->dma + EDU_XFER, 0, EDU_XFER, true, EDU_CMD_IRQ);
	ret = wait_ready(p->wait_fd);
	if (!ret)
		ret = wait_irq(p, NULL);
	if (ret)
		return ret;
	return memcmp(cpu, cpu + EDU_XFER, EDU_XFER) ? -EIO : 0;
}

static void fmt_calls(char *buf, size_t len, const struct irq_path *p)
{
	snprintf(buf, len, "%.2f", p->irqs ? (double)p->syscalls / p->irqs : NAN);
}

/* Measures both figures of one path into @wake and @xfer; @calls: per irq. */
static void measure_path(struct irq_path *p, uint8_t *cpu, struct stat3 *wake,
			 struct stat3 *xfer, char *calls, size_t len)
{
	int ret;

	if (sem_init(&p->handled, 0, 0))
		fatal("sem_init: %s", strerror(errno));
	p->stop = 0;
	p->error = 0;
	if (pthread_create(&p->thread, NULL, waiter, p))
		fatal("pthread_create failed");
	ret = sem_wait_ms(&p->handled, WAIT_MS);	/* its tid */
	if (!ret) {
		p->syscalls = p->irqs = 0;
		ret = wakeup_measure(p, wake);
	}
	if (ret)
		set_na(wake, "%s", strerror(-ret));
	/* stop the waiter: one more interrupt if it still waits */
	p->stop = 1;
	if (!p->error) {
		edu_wr32(p->bar, EDU_REG_IRQ_RAISE, 1);
		if (sem_wait_ms(&p->handled, WAIT_MS) || p->error) {
			/* no interrupt came: it is blocked in read(), a cancellation point */
			pthread_cancel(p->thread);
			if (wake->ok)
				set_na(wake, "the last interrupt did not come");
		}
	}
	pthread_join(p->thread, NULL);
	sem_destroy(&p->handled);
	fmt_calls(calls, len, p);

	ret = dma_check(p, cpu);
	if (ret == -EIO) {
		set_na(xfer, "the transfer's data did not arrive");
		return;
	}
	if (!ret)
		ret = dma_measure(p, xfer);
	if (ret)
		set_na(xfer, "%s", strerror(-ret));
}

struct irq_results {
	struct stat3 wake, xfer;
	char calls[16];
};

/* The dmaapi side, edu bound to dmaapi: INTx (irq fd, eventfd), then MSI. */
static void run_dmaapi(const char *bdf, unsigned int bits, struct irq_results res[3])
{
	struct dmaapi_device *dev;
	struct dmaapi_box *box;
	struct dmaapi_irq *irq;
	volatile void *bar;
	size_t barlen;
	int ret, i, efd;

	ret = dmaapi_device_open(bdf, bits >= 64 ? ~0ULL : (1ULL << bits) - 1, &dev);
	if (ret)
		fatal("cannot open %s: %s", bdf, lib_err(ret));
	ret = dmaapi_regs_map(dev, 0, &bar, &barlen);
	if (ret)
		fatal("mapping edu's BAR 0: %s", lib_err(ret));
	ret = dmaapi_box_zero_with_align(dev, 2 * EDU_XFER, 4096, DMAAPI_BIDIRECTIONAL, &box);
	if (ret)
		fatal("a coherent buffer: %s", lib_err(ret));
	for (i = 0; i < 3; i++) {
		struct irq_path p = { .bar = bar, .config_fd = -1, .irq_fd = -1,
				      .dma = dmaapi_box_region(box)->dma_addr };
		enum dmaapi_intr_type type = i == 2 ? DMAAPI_INTR_MSI : DMAAPI_INTR_INTX;

		efd = -1;
		if (i == 1) {
			efd = eventfd(0, EFD_CLOEXEC);
			if (efd < 0)
				fatal("eventfd: %s", strerror(errno));
		}
		ret = dmaapi_irq_attach(dev, type, 0, efd, &irq);
		if (ret) {
			set_na(&res[i].wake, "attach: %s", lib_err(ret));
			set_na(&res[i].xfer, "attach: %s", lib_err(ret));
			snprintf(res[i].calls, sizeof(res[i].calls), "-");
		} else {
			p.kind = i == 1 ? W_EVENTFD : W_IRQFD;
			p.irq_fd = dmaapi_irq_fd(irq);
			p.wait_fd = i == 1 ? efd : p.irq_fd;
			measure_path(&p, dmaapi_box_as_ptr(box), &res[i].wake, &res[i].xfer,
				     res[i].calls, sizeof(res[i].calls));
			dmaapi_irq_detach(irq);
		}
		if (efd >= 0)
			close(efd);
	}
	dmaapi_box_free(box);
	dmaapi_regs_unmap(bar, barlen);
	dmaapi_device_close(dev);
}

/* The uio device node of PCI device @bdf bound to uio_pci_generic. */
static int uio_open(const char *bdf)
{
	char path[PATH_MAX];
	struct dirent *e;
	DIR *d;
	int fd = -ENOENT;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/uio", bdf);
	d = opendir(path);
	if (!d)
		return -errno;
	while ((e = readdir(d)))
		if (!strncmp(e->d_name, "uio", 3)) {
			snprintf(path, sizeof(path), "/dev/%s", e->d_name);
			fd = open(path, O_RDONLY | O_CLOEXEC);
			if (fd < 0)
				fd = -errno;
			break;
		}
	closedir(d);
	return fd;
}

/* The reference, edu bound to uio_pci_generic: registers through sysfs. */
static void run_uio(const char *bdf, unsigned int bits, struct irq_results *res)
{
	struct irq_path p = { .kind = W_UIO, .irq_fd = -1 };
	struct dmaapi_device *def;
	struct dmaapi_box *box;
	char path[PATH_MAX];
	uint8_t cmd;
	void *bar;
	int ret, barfd;

	snprintf(res->calls, sizeof(res->calls), "-");
	p.wait_fd = uio_open(bdf);
	if (p.wait_fd < 0) {
		set_na(&res->wake, "no /dev/uio for %s: %s", bdf, strerror(-p.wait_fd));
		set_na(&res->xfer, "no uio device");
		return;
	}
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/config", bdf);
	p.config_fd = open(path, O_RDWR | O_CLOEXEC);
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/resource0", bdf);
	barfd = open(path, O_RDWR | O_SYNC | O_CLOEXEC);
	if (p.config_fd < 0 || barfd < 0)
		fatal("%s's config or resource0: %s", bdf, strerror(errno));
	bar = mmap(NULL, EDU_BAR_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, barfd, 0);
	close(barfd);
	if (bar == MAP_FAILED)
		fatal("mapping %s: %s", path, strerror(errno));
	p.bar = bar;
	/* setup, as a UIO driver does once: bus master on, INTx enabled */
	if (pread(p.config_fd, &cmd, 1, 4) != 1)
		fatal("reading the command register: %s", strerror(errno));
	cmd |= PCI_CMD_MASTER;
	if (pwrite(p.config_fd, &cmd, 1, 4) != 1 ||
	    pread(p.config_fd, &p.command_high, 1, PCI_COMMAND_HIGH) != 1)
		fatal("the command register: %s", strerror(errno));
	p.command_high &= ~PCI_CMD_INTX_DISABLE_HIGH;
	if (pwrite(p.config_fd, &p.command_high, 1, PCI_COMMAND_HIGH) != 1)
		fatal("enabling INTx: %s", strerror(errno));

	ret = dmaapi_device_open("", bits >= 64 ? ~0ULL : (1ULL << bits) - 1, &def);
	if (!ret)
		ret = dmaapi_box_zero_with_align(def, 2 * EDU_XFER, 4096, DMAAPI_BIDIRECTIONAL,
						 &box);
	if (ret)
		fatal("a buffer of /dev/dmaapi for the UIO transfers: %s", lib_err(ret));
	p.dma = dmaapi_box_region(box)->dma_addr;
	measure_path(&p, dmaapi_box_as_ptr(box), &res->wake, &res->xfer, res->calls,
		     sizeof(res->calls));
	dmaapi_box_free(box);
	dmaapi_device_close(def);
	munmap(bar, EDU_BAR_SIZE);
	close(p.config_fd);
	close(p.wait_fd);
}

struct dmaapi_device *bench_irq(struct dmaapi_device *dev)
{
	static const char *const names[3] = { "irq fd read, INTx", "eventfd + unmask, INTx",
					      "irq fd read, MSI" };
	const char *bdf = opt.device, *env = getenv("DMAAPI_EDU_MASK_BITS");
	unsigned int bits = env && atoi(env) >= 24 ? (unsigned int)atoi(env) : 28;
	struct irq_results ours[3], uio;
	int ret, i, k;

	memset(ours, 0, sizeof(ours));
	memset(&uio, 0, sizeof(uio));
	/* the device must be edu (the only one whose registers this knows) */
	if (!*bdf || strchr(bdf, '/'))
		fatal("--sections irq needs --device <the edu device's PCI name>");
	/* every file of the node closed: the device changes drivers */
	dmaapi_device_close(dev);
	run_dmaapi(bdf, bits, ours);
	ret = dev_rebind("pci", bdf, "uio_pci_generic");
	if (ret) {
		set_na(&uio.wake, "binding uio_pci_generic: %s", strerror(-ret));
		set_na(&uio.xfer, "binding uio_pci_generic: %s", strerror(-ret));
		snprintf(uio.calls, sizeof(uio.calls), "-");
	} else {
		run_uio(bdf, bits, &uio);
	}
	ret = dev_rebind("pci", bdf, "dmaapi");
	if (ret)
		fatal("binding %s back to dmaapi: %s", bdf, strerror(-ret));

	for (k = 0; k < 2; k++)
		for (i = 0; i < 3; i++) {
			struct row *r = new_row(S_IRQ, k ? EDU_XFER : 0, "%s: %s",
						k ? "DMA + irq, CPU" : "wakeup", names[i]);

			snprintf(r->kind, sizeof(r->kind), "%.5s vs %.5s syscalls", ours[i].calls,
				 uio.calls);
			r->ours = k ? ours[i].xfer : ours[i].wake;
			r->ref[0] = k ? uio.xfer : uio.wake;
			r->target = i == 0 ? 1.0 : 0;
		}
	return open_device();
}

// SPDX-License-Identifier: GPL-2.0
/*
 * Slave jobs of dmaengine channels (DMAAPI_IOCTL_CHAN_SLAVE_CONFIG,
 * DMAAPI_JOB_DEV_TO_MEM and DMAAPI_JOB_MEM_TO_DEV): a register of the
 * node's own device to or from the file's memory.
 *
 * chan_slave runs on the dt-slave node of the raspi3b cells
 * (tools/vm/lib.sh's tree): region 0 is the BCM2835 system timer (bus
 * 0x7e003000; CLO, the free-running 1 MHz counter, at offset 4), region 1
 * the GPIO block (bus 0x7e200000; GPFSEL0 at offset 0, 30 read/write bits
 * in QEMU's model), and its dmas name a "slave" channel (DREQ 0: unpaced).
 * Each word a DEV_TO_MEM job reads from CLO must lie between CLO read by
 * the CPU before and after, in order; a MEM_TO_DEV job into GPFSEL0 must
 * leave it at the buffer's last word.  The jobs' cache maintenance is
 * watched through kprobes (TCG models no caches), and DMA-API debug's list
 * of mappings shows the register mapped once per configuration and
 * unmapped with it.
 *
 * chan_slave_noslave checks that a channel without DMA_SLAVE (versal's
 * ZDMA) refuses a slave configuration; chan_slave_any the checks that need
 * no channel, on every machine.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/dmaapi.h>

#pragma GCC diagnostic ignored "-Wunused-parameter"
#pragma GCC diagnostic ignored "-Wclobbered"
#include "kselftest_harness.h"

#undef TEST_TIMEOUT_DEFAULT
#define TEST_TIMEOUT_DEFAULT 120
#include "dmaapi_util.h"
#include "chan_util.h"

#define WAIT_MS 10000

#define SLAVE_NO_NODE "no dmaapi node with a slave channel (dt-slave)"
#define SLAVE_ALL_CAN "every DMA_MEMCPY channel here can do DMA_SLAVE"

/* The raspi3b tree's dt-slave: its regions, as the DMA engine sees them. */
#define TIMER_REGION 0
#define TIMER_CLO 4
#define TIMER_CLO_BUS 0x7e003004ULL
#define GPIO_REGION 1
#define GPIO_GPFSEL0 0
#define GPIO_GPFSEL0_BUS 0x7e200000ULL
#define GPFSEL0_BITS 0x3fffffffU	/* pins 0-9, 3 bits each */

#define DMA_API_DUMP "/sys/kernel/debug/dma-api/dump"

static void slave_config_fill(struct dmaapi_chan_slave_config *c, uint32_t handle, uint32_t dir,
			      uint32_t region, uint64_t off, uint32_t width, uint32_t burst)
{
	memset(c, 0, sizeof(*c));
	c->size = sizeof(*c);
	c->handle = handle;
	c->direction = dir;
	c->region = region;
	c->offset = off;
	c->addr_width = width;
	c->maxburst = burst;
}

static int slave_config(int fd, uint32_t handle, uint32_t dir, uint32_t region, uint64_t off,
			uint32_t width, uint32_t burst, struct dmaapi_chan_slave_config *c)
{
	slave_config_fill(c, handle, dir, region, off, width, burst);
	return ioctl(fd, DMAAPI_IOCTL_CHAN_SLAVE_CONFIG, c);
}

/* A slave job: @mem the memory end's handle (and offset), the other end 0. */
static void slave_job(struct dmaapi_chan_job *j, uint32_t op, uint32_t mem, uint64_t off,
		      uint64_t len, uint64_t user)
{
	memset(j, 0, sizeof(*j));
	j->op = op;
	if (op == DMAAPI_JOB_DEV_TO_MEM) {
		j->dst_handle = mem;
		j->dst_offset = off;
	} else {
		j->src_handle = mem;
		j->src_offset = off;
	}
	j->length = len;
	j->user_data = user;
}

/* The physical address of @p (root reads it from /proc/self/pagemap), or 0. */
static uint64_t virt_to_phys(const void *p)
{
	uint64_t e = 0, va = (uintptr_t)p;
	int fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return 0;
	if (pread(fd, &e, sizeof(e), (va / page_size) * sizeof(e)) != sizeof(e))
		e = 0;
	close(fd);
	if (!(e >> 63) || !(e & ((1ULL << 55) - 1)))
		return 0;
	return (e & ((1ULL << 55) - 1)) * page_size + va % page_size;
}

/* Resource mappings DMA-API debug holds for @dev; -1 without its dump. */
static int resource_maps(const char *dev)
{
	char line[512], name[64];
	FILE *f = fopen(DMA_API_DUMP, "re");
	int n = 0;

	if (!f)
		return -1;
	snprintf(name, sizeof(name), " %s resource ", dev);
	while (fgets(line, sizeof(line), f))
		if (strstr(line, name))
			n++;
	fclose(f);
	return n;
}

/* The node with a slave channel the runner made (chan_util.h), or NULL. */
static const char *slave_node(void)
{
	const struct chan_dt *dt = chan_dt();

	return dt && (dt->caps & DMAAPI_CHAN_CAP_SLAVE) ? dt->node : NULL;
}

/* Whether the channels attribute's line of @handle has @fields. */
static bool channels_line_has(const char *node, uint32_t handle, const char *fields)
{
	char path[128], line[1024], key[32];
	bool found = false;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/class/misc/%s/channels", strrchr(node, '/') + 1);
	snprintf(key, sizeof(key), " handle=%u ", handle);
	f = fopen(path, "re");
	if (!f)
		return false;
	while (fgets(line, sizeof(line), f))
		if (strstr(line, key) && strstr(line, fields))
			found = true;
	fclose(f);
	return found;
}

/* ---- every machine: what needs no channel ------------------------------- */

FIXTURE(chan_slave_any) {
	int fd;
};

FIXTURE_SETUP(chan_slave_any)
{
	page_size = sysconf(_SC_PAGESIZE);
	self->fd = open(chan_node(), O_RDWR | O_CLOEXEC);
	OPEN_OR_SKIP(self->fd, chan_node());
}

FIXTURE_TEARDOWN(chan_slave_any)
{
	if (self->fd >= 0)
		close(self->fd);
}

/* The handle must be a channel; flags and the reserved field must be 0. */
TEST_F(chan_slave_any, not_a_channel)
{
	struct dmaapi_chan_slave_config c;
	struct dmaapi_alloc a;

	ASSERT_EQ(0, do_alloc(self->fd, page_size, 0, DMAAPI_ALLOC_CACHED, DMAAPI_DIR_FROM_DEVICE,
			      &a));
	EXPECT_ERRNO(ENOENT, slave_config(self->fd, 0, DMAAPI_JOB_DEV_TO_MEM, 0, 0, 4, 1, &c));
	EXPECT_ERRNO(ENOENT, slave_config(self->fd, a.handle, DMAAPI_JOB_DEV_TO_MEM, 0, 0, 4, 1,
					  &c));
	EXPECT_ERRNO(ENOENT, slave_config(self->fd, a.handle + 100, DMAAPI_JOB_DEV_TO_MEM, 0, 0,
					  4, 1, &c));
	slave_config_fill(&c, a.handle, DMAAPI_JOB_DEV_TO_MEM, 0, 0, 4, 1);
	c.flags = 1;
	EXPECT_ERRNO(EOPNOTSUPP, ioctl(self->fd, DMAAPI_IOCTL_CHAN_SLAVE_CONFIG, &c));
	c.flags = 0;
	c.__reserved = 1;
	EXPECT_ERRNO(EINVAL, ioctl(self->fd, DMAAPI_IOCTL_CHAN_SLAVE_CONFIG, &c));
	/* too short a struct: it must reach __reserved */
	c.__reserved = 0;
	c.size = offsetof(struct dmaapi_chan_slave_config, maxburst);
	EXPECT_ERRNO(EINVAL, ioctl(self->fd, DMAAPI_IOCTL_CHAN_SLAVE_CONFIG, &c));
	EXPECT_EQ(0, do_free(self->fd, a.handle));
}

/* ---- a channel without DMA_SLAVE (versal's ZDMA) ------------------------ */

FIXTURE(chan_slave_noslave) {
	int fd;
	struct dmaapi_chan_request r;
};

FIXTURE_SETUP(chan_slave_noslave)
{
	CHAN_SETUP_ANY(self->fd, &self->r);
	if (self->r.caps & DMAAPI_CHAN_CAP_SLAVE)
		SKIP(return, SLAVE_ALL_CAN);
}

FIXTURE_TEARDOWN(chan_slave_noslave)
{
	if (self->r.fd > 0)
		close(self->r.fd);
	if (self->fd >= 0)
		close(self->fd);
}

TEST_F(chan_slave_noslave, refused)
{
	struct dmaapi_chan_slave_config c;
	struct dmaapi_chan_job j;
	struct tbuf b;

	EXPECT_TRUE(self->r.caps & DMAAPI_CHAN_CAP_MEMCPY);
	/* its line of the channels attribute has no slave fields */
	EXPECT_TRUE(channels_line_has(chan_node(), self->r.handle, " mapped="));
	EXPECT_FALSE(channels_line_has(chan_node(), self->r.handle, "slave_"));
	EXPECT_ERRNO(EOPNOTSUPP, slave_config(self->fd, self->r.handle, DMAAPI_JOB_DEV_TO_MEM,
					      0, 0, 4, 1, &c));
	EXPECT_ERRNO(EOPNOTSUPP, slave_config(self->fd, self->r.handle, DMAAPI_JOB_MEM_TO_DEV,
					      0, 0, 4, 1, &c));
	/* and no slave job without a configuration; nor an unknown op */
	ASSERT_EQ(0, tbuf_alloc(self->fd, page_size, DMAAPI_ALLOC_CACHED,
				DMAAPI_DIR_BIDIRECTIONAL, &b));
	slave_job(&j, DMAAPI_JOB_DEV_TO_MEM, b.handle, 0, 64, 1);
	EXPECT_ERRNO(EINVAL, chan_submit(self->fd, self->r.handle, &j, 1, NULL));
	slave_job(&j, DMAAPI_JOB_MEM_TO_DEV, b.handle, 0, 64, 1);
	EXPECT_ERRNO(EINVAL, chan_submit(self->fd, self->r.handle, &j, 1, NULL));
	j.op = 3;
	EXPECT_ERRNO(EINVAL, chan_submit(self->fd, self->r.handle, &j, 1, NULL));
	/* memcpy still works on it */
	chan_job(&j, b.handle, 0, b.handle, 2048, 1024, 2);
	EXPECT_EQ(0, run_job(_metadata, self->fd, &self->r, &j));
}

/* ---- the raspi3b node: the timer and the GPIO block --------------------- */

FIXTURE(chan_slave) {
	int fd;
	struct dmaapi_chan_request r;
	volatile uint32_t *timer, *gpio;
	size_t timer_len, gpio_len;
	uint64_t regs_len[2];
};

static volatile uint32_t *map_region(struct __test_metadata *_metadata, int fd, uint32_t index,
				     size_t *len)
{
	struct dmaapi_region_info ri = { .size = sizeof(ri), .index = index };
	void *p;

	if (ioctl(fd, DMAAPI_IOCTL_REGION_INFO, &ri))
		return NULL;
	EXPECT_EQ(2, ri.count);
	EXPECT_TRUE(ri.region_flags & DMAAPI_REGION_MMAP);
	*len = ri.length;
	p = mmap(NULL, ri.length, PROT_READ | PROT_WRITE, MAP_SHARED, fd, ri.mmap_offset);
	return p == MAP_FAILED ? NULL : p;
}

FIXTURE_SETUP(chan_slave)
{
	const char *node = slave_node();

	page_size = sysconf(_SC_PAGESIZE);
	self->fd = -1;
	if (!node)
		SKIP(return, SLAVE_NO_NODE);
	self->fd = open(node, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, self->fd) TH_LOG("open %s: %s", node, strerror(errno));
	ASSERT_EQ(0, chan_request(self->fd, "slave", 0, 0, &self->r))
		TH_LOG("CHAN_REQUEST slave: %s", strerror(errno));
	self->timer = map_region(_metadata, self->fd, TIMER_REGION, &self->timer_len);
	ASSERT_NE(NULL, self->timer);
	self->gpio = map_region(_metadata, self->fd, GPIO_REGION, &self->gpio_len);
	ASSERT_NE(NULL, self->gpio);
}

FIXTURE_TEARDOWN(chan_slave)
{
	if (self->timer)
		munmap((void *)self->timer, self->timer_len);
	if (self->gpio)
		munmap((void *)self->gpio, self->gpio_len);
	if (self->r.fd > 0)
		close(self->r.fd);
	if (self->fd >= 0)
		close(self->fd);
}

static uint32_t clo(FIXTURE_DATA(chan_slave) *self)
{
	return self->timer[TIMER_CLO / 4];
}

/*
 * The @n words at @w were read from CLO between @before and @after: each
 * one in that window and none before its predecessor (modulo 2^32: the
 * counter wraps every 71 minutes).  The index of the first bad word, or -1.
 */
static long clo_words_bad(const uint32_t *w, size_t n, uint32_t before, uint32_t after)
{
	uint32_t span = after - before;

	for (size_t i = 0; i < n; i++) {
		if ((uint32_t)(w[i] - before) > span)
			return (long)i;
		if (i && (uint32_t)(w[i] - before) < (uint32_t)(w[i - 1] - before))
			return (long)i;
	}
	return -1;
}

/* A DEV_TO_MEM job of @words from CLO into @handle at @off, checked at @w. */
static void timer_job(struct __test_metadata *_metadata, FIXTURE_DATA(chan_slave) *self,
		      uint32_t handle, uint64_t off, size_t words, uint32_t *w)
{
	struct dmaapi_chan_job j;
	uint32_t before, after;
	long bad;

	memset(w, 0xa5, words * 4);
	slave_job(&j, DMAAPI_JOB_DEV_TO_MEM, handle, off, words * 4, words);
	before = clo(self);
	ASSERT_EQ(0, run_job(_metadata, self->fd, &self->r, &j))
		TH_LOG("%zu words: %s", words, strerror(errno));
	after = clo(self);
	bad = clo_words_bad(w, words, before, after);
	ASSERT_EQ(-1, bad) TH_LOG("%zu words at +%llu: word %ld = %u, CLO %u..%u", words,
				  (unsigned long long)off, bad, bad < 0 ? 0 : w[bad], before,
				  after);
}

/* CLO into an allocation: 64 words, 1024 (a page), 1536 (past a page). */
TEST_F(chan_slave, dev_to_mem_timer)
{
	static const size_t words[] = { 64, 1024, 1536 };
	struct dmaapi_chan_slave_config c;
	struct tbuf b;

	EXPECT_TRUE(self->r.caps & DMAAPI_CHAN_CAP_SLAVE);
	/* bcm2835-dma: both directions, 4-byte registers, no max burst said */
	EXPECT_TRUE(channels_line_has(slave_node(), self->r.handle,
				      " slave_dirs=dev_to_mem+mem_to_dev slave_widths=4 slave_max_burst=0"));
	ASSERT_EQ(0, slave_config(self->fd, self->r.handle, DMAAPI_JOB_DEV_TO_MEM, TIMER_REGION,
				  TIMER_CLO, 4, 1, &c)) TH_LOG("%s", strerror(errno));
	/* dma_map_resource's CPU address, translated by the engine's dma-ranges */
	EXPECT_EQ(TIMER_CLO_BUS, c.dev_addr);
	ASSERT_EQ(0, tbuf_alloc(self->fd, 4 * page_size, DMAAPI_ALLOC_CACHED,
				DMAAPI_DIR_FROM_DEVICE, &b));
	for (unsigned int i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		timer_job(_metadata, self, b.handle, 0, words[i], (uint32_t *)b.p);
		timer_job(_metadata, self, b.handle, 4 * 37, words[i], (uint32_t *)(b.p + 4 * 37));
	}
}

/* CLO into a user mapping whose pages are scattered: a job of pieces. */
TEST_F(chan_slave, dev_to_mem_user_mapping)
{
	struct dmaapi_chan_slave_config c;
	struct dmaapi_map_user m;
	uint8_t *ubuf;

	ASSERT_EQ(0, slave_config(self->fd, self->r.handle, DMAAPI_JOB_DEV_TO_MEM, TIMER_REGION,
				  TIMER_CLO, 4, 1, &c));
	ASSERT_EQ(0, posix_memalign((void **)&ubuf, page_size, 3 * page_size));
	memset(ubuf, 0, 3 * page_size);
	ASSERT_EQ(0, do_map(self->fd, ubuf, 3 * page_size, DMAAPI_DIR_FROM_DEVICE, 0, &m));
	timer_job(_metadata, self, m.handle, 20, (2 * page_size) / 4, (uint32_t *)(ubuf + 20));
	timer_job(_metadata, self, m.handle, page_size - 8, 16, (uint32_t *)(ubuf + page_size - 8));
	EXPECT_EQ(0, do_free(self->fd, m.handle));
	free(ubuf);
}

/* A buffer of words into GPFSEL0: the register keeps the last one. */
TEST_F(chan_slave, mem_to_dev_gpio)
{
	const uint32_t saved = self->gpio[GPIO_GPFSEL0 / 4];
	struct dmaapi_chan_slave_config c;
	struct dmaapi_chan_job j;
	uint32_t *w, last = 0;
	struct tbuf b;

	ASSERT_EQ(0, slave_config(self->fd, self->r.handle, DMAAPI_JOB_MEM_TO_DEV, GPIO_REGION,
				  GPIO_GPFSEL0, 4, 1, &c)) TH_LOG("%s", strerror(errno));
	EXPECT_EQ(GPIO_GPFSEL0_BUS, c.dev_addr);
	ASSERT_EQ(0, tbuf_alloc(self->fd, page_size, DMAAPI_ALLOC_CACHED, DMAAPI_DIR_TO_DEVICE,
				&b));
	w = (uint32_t *)b.p;
	for (int round = 0; round < 3; round++) {
		for (int i = 0; i < 16; i++)
			w[i] = (0x01234567u * (round + 1) + 0x00249249u * i) & GPFSEL0_BITS;
		last = w[15];
		self->gpio[GPIO_GPFSEL0 / 4] = ~last & GPFSEL0_BITS;
		ASSERT_EQ(~last & GPFSEL0_BITS, self->gpio[GPIO_GPFSEL0 / 4] & GPFSEL0_BITS);
		slave_job(&j, DMAAPI_JOB_MEM_TO_DEV, b.handle, 0, 16 * 4, round);
		ASSERT_EQ(0, run_job(_metadata, self->fd, &self->r, &j));
		EXPECT_EQ(last, self->gpio[GPIO_GPFSEL0 / 4] & GPFSEL0_BITS) TH_LOG("round %d", round);
	}
	self->gpio[GPIO_GPFSEL0 / 4] = saved;
	EXPECT_EQ(saved, self->gpio[GPIO_GPFSEL0 / 4]);
}

/* Every errno of the slave rows of the uapi table. */
TEST_F(chan_slave, validation)
{
	struct dmaapi_chan_slave_config c;
	struct dmaapi_chan_job j;
	struct tbuf b, ro;
	uint32_t h = self->r.handle;

	ASSERT_EQ(0, tbuf_alloc(self->fd, page_size, DMAAPI_ALLOC_CACHED,
				DMAAPI_DIR_FROM_DEVICE, &b));
	ASSERT_EQ(0, tbuf_alloc(self->fd, page_size, DMAAPI_ALLOC_CACHED, DMAAPI_DIR_TO_DEVICE,
				&ro));
	/* no configuration yet: no slave job */
	slave_job(&j, DMAAPI_JOB_DEV_TO_MEM, b.handle, 0, 64, 1);
	EXPECT_ERRNO(EINVAL, chan_submit(self->fd, h, &j, 1, NULL));

	/* the configuration */
	EXPECT_ERRNO(EINVAL, slave_config(self->fd, h, 0, TIMER_REGION, TIMER_CLO, 4, 1, &c));
	EXPECT_ERRNO(EINVAL, slave_config(self->fd, h, 3, TIMER_REGION, TIMER_CLO, 4, 1, &c));
	/* bcm2835-dma: 4-byte bus width only */
	EXPECT_ERRNO(EINVAL, slave_config(self->fd, h, DMAAPI_JOB_DEV_TO_MEM, TIMER_REGION, 0, 2,
					  1, &c));
	EXPECT_ERRNO(EINVAL, slave_config(self->fd, h, DMAAPI_JOB_DEV_TO_MEM, TIMER_REGION, 0, 8,
					  1, &c));
	EXPECT_ERRNO(EINVAL, slave_config(self->fd, h, DMAAPI_JOB_DEV_TO_MEM, TIMER_REGION, 0, 3,
					  1, &c));
	EXPECT_ERRNO(EINVAL, slave_config(self->fd, h, DMAAPI_JOB_DEV_TO_MEM, TIMER_REGION, 0, 0,
					  1, &c));
	EXPECT_ERRNO(EINVAL, slave_config(self->fd, h, DMAAPI_JOB_DEV_TO_MEM, TIMER_REGION, 0,
					  1U << 31, 1, &c));
	/* bursts */
	EXPECT_ERRNO(EINVAL, slave_config(self->fd, h, DMAAPI_JOB_DEV_TO_MEM, TIMER_REGION,
					  TIMER_CLO, 4, 0, &c));
	EXPECT_ERRNO(EINVAL, slave_config(self->fd, h, DMAAPI_JOB_DEV_TO_MEM, TIMER_REGION,
					  TIMER_CLO, 4, DMAAPI_CHAN_MAX_BURST + 1, &c));
	/* regions: the device has two */
	EXPECT_ERRNO(EINVAL, slave_config(self->fd, h, DMAAPI_JOB_DEV_TO_MEM, 2, 0, 4, 1, &c));
	EXPECT_ERRNO(EINVAL, slave_config(self->fd, h, DMAAPI_JOB_DEV_TO_MEM,
					  DMAAPI_REGION_MAX_INDEX, 0, 4, 1, &c));
	EXPECT_ERRNO(EINVAL, slave_config(self->fd, h, DMAAPI_JOB_DEV_TO_MEM, ~0U, 0, 4, 1, &c));
	/* the register inside its region, aligned to its width */
	EXPECT_ERRNO(ERANGE, slave_config(self->fd, h, DMAAPI_JOB_DEV_TO_MEM, TIMER_REGION,
					  self->timer_len, 4, 1, &c));
	EXPECT_ERRNO(ERANGE, slave_config(self->fd, h, DMAAPI_JOB_DEV_TO_MEM, TIMER_REGION,
					  ~0ULL - 3, 4, 1, &c));
	EXPECT_ERRNO(EINVAL, slave_config(self->fd, h, DMAAPI_JOB_DEV_TO_MEM, TIMER_REGION, 2, 4,
					  1, &c));
	EXPECT_EQ(0, slave_config(self->fd, h, DMAAPI_JOB_MEM_TO_DEV, GPIO_REGION,
				  self->gpio_len - 4, 4, 1, &c));
	/* flags and reserved */
	slave_config_fill(&c, h, DMAAPI_JOB_DEV_TO_MEM, TIMER_REGION, TIMER_CLO, 4, 1);
	c.flags = 1;
	EXPECT_ERRNO(EOPNOTSUPP, ioctl(self->fd, DMAAPI_IOCTL_CHAN_SLAVE_CONFIG, &c));
	c.flags = 0;
	c.__reserved = 1;
	EXPECT_ERRNO(EINVAL, ioctl(self->fd, DMAAPI_IOCTL_CHAN_SLAVE_CONFIG, &c));
	/* not a channel */
	EXPECT_ERRNO(ENOENT, slave_config(self->fd, b.handle, DMAAPI_JOB_DEV_TO_MEM, TIMER_REGION,
					  TIMER_CLO, 4, 1, &c));
	/* nothing above changed the configuration: DEV_TO_MEM is still unset */
	EXPECT_ERRNO(EINVAL, chan_submit(self->fd, h, &j, 1, NULL));

	/* the jobs, with DEV_TO_MEM configured (MEM_TO_DEV is, to the GPIO) */
	ASSERT_EQ(0, slave_config(self->fd, h, DMAAPI_JOB_DEV_TO_MEM, TIMER_REGION, TIMER_CLO, 4,
				  1, &c));
	EXPECT_EQ(0, run_job(_metadata, self->fd, &self->r, &j));
	/* a length, a memory offset not a multiple of the width */
	slave_job(&j, DMAAPI_JOB_DEV_TO_MEM, b.handle, 0, 6, 1);
	EXPECT_ERRNO(EINVAL, chan_submit(self->fd, h, &j, 1, NULL));
	slave_job(&j, DMAAPI_JOB_DEV_TO_MEM, b.handle, 2, 64, 1);
	EXPECT_ERRNO(EINVAL, chan_submit(self->fd, h, &j, 1, NULL));
	/* the device end's handle and offset are 0 */
	slave_job(&j, DMAAPI_JOB_DEV_TO_MEM, b.handle, 0, 64, 1);
	j.src_handle = ro.handle;
	EXPECT_ERRNO(EINVAL, chan_submit(self->fd, h, &j, 1, NULL));
	j.src_handle = 0;
	j.src_offset = 4;
	EXPECT_ERRNO(EINVAL, chan_submit(self->fd, h, &j, 1, NULL));
	slave_job(&j, DMAAPI_JOB_MEM_TO_DEV, ro.handle, 0, 64, 1);
	j.dst_handle = b.handle;
	EXPECT_ERRNO(EINVAL, chan_submit(self->fd, h, &j, 1, NULL));
	/* the memory end: a handle, a range inside it, a direction it allows */
	slave_job(&j, DMAAPI_JOB_DEV_TO_MEM, 0, 0, 64, 1);
	EXPECT_ERRNO(ENOENT, chan_submit(self->fd, h, &j, 1, NULL));
	slave_job(&j, DMAAPI_JOB_DEV_TO_MEM, h, 0, 64, 1);
	EXPECT_ERRNO(ENOENT, chan_submit(self->fd, h, &j, 1, NULL));
	slave_job(&j, DMAAPI_JOB_DEV_TO_MEM, b.handle, page_size - 60, 64, 1);
	EXPECT_ERRNO(EOVERFLOW, chan_submit(self->fd, h, &j, 1, NULL));
	slave_job(&j, DMAAPI_JOB_DEV_TO_MEM, ro.handle, 0, 64, 1);
	EXPECT_ERRNO(EINVAL, chan_submit(self->fd, h, &j, 1, NULL));
	slave_job(&j, DMAAPI_JOB_MEM_TO_DEV, b.handle, 0, 64, 1);
	EXPECT_ERRNO(EINVAL, chan_submit(self->fd, h, &j, 1, NULL));
	/* flags, and an unknown op */
	slave_job(&j, DMAAPI_JOB_DEV_TO_MEM, b.handle, 0, 64, 1);
	j.flags = 1;
	EXPECT_ERRNO(EOPNOTSUPP, chan_submit(self->fd, h, &j, 1, NULL));
	j.flags = 0;
	j.op = 3;
	EXPECT_ERRNO(EINVAL, chan_submit(self->fd, h, &j, 1, NULL));
	EXPECT_EQ(0, do_free(self->fd, b.handle));
	EXPECT_EQ(0, do_free(self->fd, ro.handle));
}

/*
 * The memory end's cache maintenance, seen by kprobes: a DEV_TO_MEM job's
 * destination invalidated for the device before and for the CPU after, a
 * MEM_TO_DEV job's source cleaned for the device.
 */
TEST_F(chan_slave, cache_sync_witness)
{
	const uint32_t saved = self->gpio[GPIO_GPFSEL0 / 4];
	const uint64_t off = 256, len = 2048;
	struct dmaapi_chan_slave_config c;
	struct dmaapi_map_user in, out;
	struct dmaapi_chan_job j;
	uint8_t *bin, *bout;
	uint64_t pin, pout;
	const char *why;

	/* user mappings: pagemap tells their pages (not a PFN map's) */
	ASSERT_EQ(0, posix_memalign((void **)&bin, page_size, page_size));
	ASSERT_EQ(0, posix_memalign((void **)&bout, page_size, page_size));
	memset(bin, 0, page_size);
	memcpy(bout + 256, &saved, 4);	/* what the job writes to GPFSEL0 */
	ASSERT_EQ(0, do_map(self->fd, bin, page_size, DMAAPI_DIR_FROM_DEVICE, 0, &in));
	ASSERT_EQ(0, do_map(self->fd, bout, page_size, DMAAPI_DIR_TO_DEVICE, 0, &out));
	pin = virt_to_phys(bin);
	pout = virt_to_phys(bout);
	ASSERT_NE(0, pin) TH_LOG("no physical address in /proc/self/pagemap");
	ASSERT_NE(0, pout);
	ASSERT_EQ(0, slave_config(self->fd, self->r.handle, DMAAPI_JOB_DEV_TO_MEM, TIMER_REGION,
				  TIMER_CLO, 4, 1, &c));
	ASSERT_EQ(0, slave_config(self->fd, self->r.handle, DMAAPI_JOB_MEM_TO_DEV, GPIO_REGION,
				  GPIO_GPFSEL0, 4, 1, &c));
	why = chan_probes_start();
	if (why)
		SKIP(return, "%s", why);
	slave_job(&j, DMAAPI_JOB_DEV_TO_MEM, in.handle, off, len, 1);
	ASSERT_EQ(0, run_job(_metadata, self->fd, &self->r, &j));
	slave_job(&j, DMAAPI_JOB_MEM_TO_DEV, out.handle, off, 4, 2);
	ASSERT_EQ(0, run_job(_metadata, self->fd, &self->r, &j));
	kw_enable(&chan_kw, false);
	EXPECT_LE(1, chan_synced("to_dev", DMAAPI_DIR_FROM_DEVICE, pin + off, len));
	EXPECT_LE(1, chan_synced("to_cpu", DMAAPI_DIR_FROM_DEVICE, pin + off, len));
	EXPECT_LE(1, chan_synced("to_dev", DMAAPI_DIR_TO_DEVICE, pout + off, 4));
	kw_close(&chan_kw);
	EXPECT_EQ(0, do_free(self->fd, in.handle));
	EXPECT_EQ(0, do_free(self->fd, out.handle));
	free(bin);
	free(bout);
}

/* A flush with slave jobs queued retires them all; the next job still runs. */
TEST_F(chan_slave, flush_queued)
{
	const size_t words = 1024, n = 32;
	struct dmaapi_chan_completion rec[32];
	struct dmaapi_chan_slave_config c;
	struct dmaapi_chan_job j[32], one;
	struct dmaapi_chan_status st;
	uint32_t before, after, submitted;
	unsigned int done = 0;
	struct tbuf b;

	ASSERT_EQ(0, chan_set_limit(self->fd, self->r.handle, 64));
	ASSERT_EQ(0, slave_config(self->fd, self->r.handle, DMAAPI_JOB_DEV_TO_MEM, TIMER_REGION,
				  TIMER_CLO, 4, 1, &c));
	ASSERT_EQ(0, tbuf_alloc(self->fd, n * words * 4, DMAAPI_ALLOC_CACHED,
				DMAAPI_DIR_FROM_DEVICE, &b));
	memset(b.p, 0xa5, b.len);
	for (size_t i = 0; i < n; i++)
		slave_job(&j[i], DMAAPI_JOB_DEV_TO_MEM, b.handle, i * words * 4, words * 4, i);
	before = clo(self);
	ASSERT_EQ(0, chan_submit(self->fd, self->r.handle, j, n, &submitted));
	ASSERT_EQ(n, submitted);
	ASSERT_EQ(0, chan_op(self->fd, DMAAPI_IOCTL_CHAN_FLUSH, self->r.handle));
	after = clo(self);
	ASSERT_EQ(0, chan_status(self->fd, self->r.handle, &st));
	EXPECT_EQ(0, st.queued);
	ASSERT_EQ(n, chan_wait(self->r.fd, rec, n, WAIT_MS));
	for (size_t i = 0; i < n; i++) {
		EXPECT_EQ(j[i].cookie, rec[i].cookie);
		if (rec[i].status == DMAAPI_JOB_DONE) {
			EXPECT_EQ(-1, clo_words_bad((uint32_t *)(b.p + rec[i].user_data * words * 4),
						    words, before, after));
			done++;
		} else {
			EXPECT_EQ(DMAAPI_JOB_ABORTED, rec[i].status);
		}
	}
	TH_LOG("%u of %zu jobs done before the flush", done, n);
	/* the configuration survives a flush (and a restart of the channel) */
	timer_job(_metadata, self, b.handle, 0, words, (uint32_t *)b.p);
	/* and replacing it is allowed again now that nothing is queued */
	EXPECT_EQ(0, slave_config(self->fd, self->r.handle, DMAAPI_JOB_DEV_TO_MEM, TIMER_REGION,
				  TIMER_CLO, 4, 1, &c));
	slave_job(&one, DMAAPI_JOB_DEV_TO_MEM, b.handle, 0, 64, 99);
	EXPECT_EQ(0, run_job(_metadata, self->fd, &self->r, &one));
}

/*
 * The register is mapped once per configured direction (a new one replaces
 * the old mapping) and unmapped with the channel: FREE, and close of the
 * file.  DMA-API debug lists every mapping of the engine's device.
 */
TEST_F(chan_slave, config_unmapped_on_release)
{
	struct dmaapi_chan_slave_config c;
	struct dmaapi_chan_request r2;
	int fd2;

	if (resource_maps(self->r.dev_name) < 0)
		SKIP(return, "no DMA-API debug (" DMA_API_DUMP ")");
	EXPECT_EQ(0, resource_maps(self->r.dev_name));
	ASSERT_EQ(0, slave_config(self->fd, self->r.handle, DMAAPI_JOB_DEV_TO_MEM, TIMER_REGION,
				  TIMER_CLO, 4, 1, &c));
	EXPECT_EQ(1, resource_maps(self->r.dev_name));
	ASSERT_EQ(0, slave_config(self->fd, self->r.handle, DMAAPI_JOB_DEV_TO_MEM, TIMER_REGION,
				  TIMER_CLO, 4, 4, &c));
	EXPECT_EQ(1, resource_maps(self->r.dev_name));
	/* a refused one changes nothing */
	EXPECT_ERRNO(ERANGE, slave_config(self->fd, self->r.handle, DMAAPI_JOB_DEV_TO_MEM,
					  TIMER_REGION, self->timer_len, 4, 1, &c));
	EXPECT_EQ(1, resource_maps(self->r.dev_name));
	ASSERT_EQ(0, slave_config(self->fd, self->r.handle, DMAAPI_JOB_MEM_TO_DEV, GPIO_REGION,
				  GPIO_GPFSEL0, 4, 1, &c));
	EXPECT_EQ(2, resource_maps(self->r.dev_name));
	EXPECT_EQ(0, do_free(self->fd, self->r.handle));
	EXPECT_EQ(0, resource_maps(self->r.dev_name));

	/* a second file, closed with its channel configured */
	fd2 = open(slave_node(), O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, fd2);
	ASSERT_EQ(0, chan_request(fd2, "slave", 0, 0, &r2));
	ASSERT_EQ(0, slave_config(fd2, r2.handle, DMAAPI_JOB_DEV_TO_MEM, TIMER_REGION, TIMER_CLO,
				  4, 1, &c));
	EXPECT_EQ(1, resource_maps(r2.dev_name));
	close(fd2);
	close(r2.fd);
	EXPECT_EQ(0, resource_maps(r2.dev_name));
}

TEST_HARNESS_MAIN

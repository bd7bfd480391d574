// SPDX-License-Identifier: GPL-2.0
/*
 * dmaapi-bench-chan: memcpy jobs on a dmaengine channel from userspace
 * (libdmaapi's dmaapi_chan_*), against the kernel's dmatest on the same
 * channel in the same boot.
 *
 *   dmaapi-bench-chan [--node NAME] [--chan NAME] [--size BYTES]
 *                     [--jobs N] [--depth N] [--dmatest-kbps KBPS]
 *
 * Two runs of --jobs jobs of --size bytes (default 64 KiB, 2000 jobs)
 * between two cached buffers of the node (default dt-zdma, channel
 * "zdma0"): one job at a time (submit, wait: dmatest's own pattern, one
 * transfer in flight per thread), giving the throughput and the per-job
 * latency (median and 99th percentile, submit to completion read); then
 * --depth jobs a batch (default 16).  With --dmatest-kbps (dmatest's
 * "KB/s" of the same channel, with norandom and noverify) it prints the
 * ratio and the target (>= 0.9x).  Exits 1 when a job fails.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <dmaapi.h>

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static int die(const char *what, int code)
{
	fprintf(stderr, "dmaapi-bench-chan: %s: %s (errno %d)\n", what, dmaapi_strerror(code),
		dmaapi_last_error()->sys_errno);
	return 2;
}

/* Runs @jobs jobs @depth at a time; returns 0, or 1 if one failed. */
static int run(struct dmaapi_chan *ch, const struct dmaapi_region *src,
	       const struct dmaapi_region *dst, size_t size, unsigned int jobs,
	       unsigned int depth, double *lat, double *elapsed)
{
	struct dmaapi_job *j = calloc(depth, sizeof(*j));
	struct dmaapi_chan_result *res = calloc(depth, sizeof(*res));
	size_t slots = src->size / size;
	unsigned int done = 0;
	double t0 = now_us();
	int bad = 0;

	if (!j || !res)
		exit(2);
	while (done < jobs) {
		unsigned int n = jobs - done < depth ? jobs - done : depth, got = 0;
		double s = now_us();
		int r;

		for (unsigned int i = 0; i < n; i++)
			j[i] = (struct dmaapi_job){
				.src = src, .src_offset = ((done + i) % slots) * size,
				.dst = dst, .dst_offset = ((done + i) % slots) * size,
				.length = size, .user_data = done + i,
			};
		r = dmaapi_chan_submit(ch, j, n);
		if (r != (int)n)
			exit(die("submit", r < 0 ? -r : DMAAPI_ERR_SYSTEM));
		while (got < n) {
			r = dmaapi_chan_wait(ch, res + got, n - got, 10000);
			if (r <= 0)
				exit(die("wait", r < 0 ? -r : DMAAPI_ERR_SYSTEM));
			got += r;
		}
		for (unsigned int i = 0; i < n; i++)
			bad |= res[i].status != DMAAPI_JOB_OK;
		if (lat)
			lat[done] = now_us() - s;
		done += n;
	}
	*elapsed = now_us() - t0;
	free(j);
	free(res);
	return bad;
}

int main(int argc, char **argv)
{
	const char *node = "dt-zdma", *chan = "zdma0";
	size_t size = 65536;
	unsigned int jobs = 2000, depth = 16;
	double ref_kbps = 0, t1, tq, *lat;
	struct dmaapi_device *dev;
	struct dmaapi_array *a, *b;
	struct dmaapi_chan *ch;
	struct dmaapi_chan_info info;
	int ret, bad;

	for (int i = 1; i < argc; i++) {
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(argv[i], "--node") && v)
			node = v;
		else if (!strcmp(argv[i], "--chan") && v)
			chan = v;
		else if (!strcmp(argv[i], "--size") && v)
			size = strtoull(v, NULL, 0);
		else if (!strcmp(argv[i], "--jobs") && v)
			jobs = strtoul(v, NULL, 0);
		else if (!strcmp(argv[i], "--depth") && v)
			depth = strtoul(v, NULL, 0);
		else if (!strcmp(argv[i], "--dmatest-kbps") && v)
			ref_kbps = strtod(v, NULL);
		else {
			fprintf(stderr, "usage: dmaapi-bench-chan [--node NAME] [--chan NAME] [--size BYTES] [--jobs N] [--depth N] [--dmatest-kbps KBPS]\n");
			return 2;
		}
		i++;
	}
	if (!size || !jobs || !depth || depth > 1024)
		return fprintf(stderr, "dmaapi-bench-chan: bad size, jobs or depth\n"), 2;
	ret = dmaapi_device_open(node, ~0ULL, &dev);
	if (ret)
		return die(node, -ret);
	ret = dmaapi_chan_open(dev, chan, &ch);
	if (ret)
		return die(chan, -ret);
	ret = dmaapi_chan_set_queue_limit(ch, depth);
	if (!ret)
		ret = dmaapi_array_zero_with_flags(dev, 1, depth * size, 64, DMAAPI_TO_DEVICE,
						   DMAAPI_MEM_CACHED, &a);
	if (!ret)
		ret = dmaapi_array_zero_with_flags(dev, 1, depth * size, 64, DMAAPI_FROM_DEVICE,
						   DMAAPI_MEM_CACHED, &b);
	if (ret)
		return die("setup", -ret);
	dmaapi_chan_info(ch, &info);
	lat = calloc(jobs, sizeof(*lat));
	if (!lat)
		return 2;

	bad = run(ch, dmaapi_array_region(a), dmaapi_array_region(b), size, jobs, 1, lat, &t1);
	bad |= run(ch, dmaapi_array_region(a), dmaapi_array_region(b), size, jobs, depth, NULL, &tq);
	qsort(lat, jobs, sizeof(*lat), cmp_double);

	printf("# dmaapi-bench-chan: %s (%s) on /dev/dmaapi-%s, %u jobs of %zu bytes, cached buffers\n",
	       info.name, info.controller, node, jobs, size);
	printf("| run | MB/s | job latency median us | p99 us | vs dmatest | target |\n");
	printf("|---|---|---|---|---|---|\n");
	printf("| one job at a time | %.1f | %.1f | %.1f | %s | >= 0.9x |\n",
	       jobs * (double)size / t1, lat[jobs / 2], lat[jobs * 99 / 100],
	       ref_kbps > 0 ? "" : "-");
	if (ref_kbps > 0) {
		/* dmatest's KB/s is KiB/s */
		double ratio = (jobs * (double)size / (t1 / 1e6)) / (ref_kbps * 1024);

		printf("| dmatest, same channel | %.1f | | | %.2fx (%s) | |\n", ref_kbps * 1024 / 1e6,
		       ratio, ratio >= 0.9 ? "met" : "missed");
	}
	printf("| %u a batch | %.1f | | | | |\n", depth, jobs * (double)size / tq);
	if (bad)
		fprintf(stderr, "dmaapi-bench-chan: a job failed\n");
	free(lat);
	dmaapi_array_free(a);
	dmaapi_array_free(b);
	dmaapi_chan_close(ch);
	dmaapi_device_close(dev);
	return bad;
}

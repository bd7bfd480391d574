// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * A user program of the public header, valid C99..C17 and C++11..C++17:
 * every inline accessor (element reads into objects of the element's size,
 * the case -flto -Wstringop-overflow used to reject), the typed macros, the
 * DMAAPI_*_ZERO macros and the barriers.  `make check` compiles it in each
 * language with -Wall -Wextra -Werror -Wcast-qual, and links and runs it
 * with -O2 -flto -Werror on a malloc backend.  Exit status 0 = all values
 * came back.
 */
#include <dmaapi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct pkt {
	uint32_t seq;
	uint16_t len;
	uint8_t flags;
	uint8_t pad;
	char text[24];
};

static size_t m_page_size(void *ctx)
{
	(void)ctx;
	return 4096;
}

static uint64_t next_dma = 0x10000;

static int m_map(void *ctx, uint64_t mask, struct dmaapi_region *r)
{
	(void)ctx;
	(void)mask;
	r->dma_addr = next_dma;
	next_dma += 0x10000;
	r->flags &= ~DMAAPI_REGION_NEED_SYNC;
	return 0;
}

static void m_unmap(void *ctx, struct dmaapi_region *r)
{
	(void)ctx;
	(void)r;
}

static int m_alloc(void *ctx, uint64_t mask, struct dmaapi_region *r)
{
	(void)ctx;
	(void)mask;
	r->cpu_addr = malloc(r->size + 64);
	if (!r->cpu_addr)
		return -DMAAPI_ERR_NO_MEMORY;
	memset(r->cpu_addr, 0x5a, r->size); /* not zero: the library zeroes it */
	r->dma_addr = next_dma;
	next_dma += 0x10000;
	r->flags &= ~DMAAPI_REGION_NEED_SYNC;
	return 0;
}

static void m_dealloc(void *ctx, struct dmaapi_region *r)
{
	(void)ctx;
	free(r->cpu_addr);
}

static int failures;

static void expect(int ok, const char *what)
{
	if (!ok) {
		printf("not ok - %s\n", what);
		failures++;
	}
}

int main(void)
{
	struct dmaapi_ops ops;
	struct dmaapi_device *dev = NULL;
	struct dmaapi_array *a = NULL, *a8 = NULL;
	struct dmaapi_box *b = NULL;
	struct dmaapi_map *m = NULL;
	uint32_t v = 0, buf32[16];
	uint8_t c = 0;
	uint64_t q = 0;
	struct pkt p, p2;

	memset(&ops, 0, sizeof(ops));
	ops.size = sizeof(ops);
	ops.page_size = m_page_size;
	ops.map_single = m_map;
	ops.unmap_single = m_unmap;
	ops.alloc_coherent = m_alloc;
	ops.dealloc_coherent = m_dealloc;
	if (dmaapi_device_new(~0ULL, &ops, NULL, &dev))
		return 1;

	expect(!DMAAPI_ARRAY_ZERO(dev, uint32_t, 16, DMAAPI_BIDIRECTIONAL, &a), "array");
	expect(!DMAAPI_ARRAY_ZERO(dev, uint8_t, 16, DMAAPI_FROM_DEVICE, &a8), "array8");
	expect(!DMAAPI_BOX_ZERO(dev, struct pkt, DMAAPI_TO_DEVICE, &b), "box");
	memset(buf32, 0, sizeof(buf32));
	expect(!dmaapi_map_single_array(dev, buf32, sizeof(uint32_t), 16, 4, DMAAPI_TO_DEVICE, &m),
	       "map");
	if (failures)
		return 1;

	/* untyped inline accessors */
	for (uint32_t i = 0; i < 16; i++) {
		v = 0;
		expect(!dmaapi_array_read(a, i, &v) && v == 0, "zeroed");
		v = i * 3;
		expect(!dmaapi_array_set(a, i, &v), "set");
	}
	expect(!dmaapi_array_read(a, 7, &v) && v == 21, "read");
	c = 0xc5;
	expect(!dmaapi_array_set(a8, 3, &c), "set8");
	c = 0;
	expect(!dmaapi_array_read(a8, 3, &c) && c == 0xc5, "read8");
	memset(&p, 0, sizeof(p));
	p.seq = 42;
	p.len = 7;
	strcpy(p.text, "hello");
	expect(!dmaapi_box_write(b, &p), "box_write");
	memset(&p2, 0, sizeof(p2));
	expect(!dmaapi_box_read(b, &p2) && p2.seq == 42 && !strcmp(p2.text, "hello"), "box_read");
	v = 0xfeed;
	expect(!dmaapi_map_set(m, 15, &v) && buf32[15] == 0xfeed, "map_set");
	v = 0;
	expect(!dmaapi_map_read(m, 15, &v) && v == 0xfeed, "map_read");

	/* typed accessors */
	v = 77;
	expect(!DMAAPI_ARRAY_SET(a, 2, &v), "ARRAY_SET");
	v = 0;
	expect(!DMAAPI_ARRAY_READ(a, 2, &v) && v == 77, "ARRAY_READ");
	expect(DMAAPI_ARRAY_READ(a, 2, &q) == -DMAAPI_ERR_LAYOUT, "ARRAY_READ size");
	expect(DMAAPI_ARRAY_SET(a8, 2, &v) == -DMAAPI_ERR_LAYOUT, "ARRAY_SET size");
	p.seq = 43;
	expect(!DMAAPI_BOX_WRITE(b, &p), "BOX_WRITE");
	expect(!DMAAPI_BOX_READ(b, &p2) && p2.seq == 43, "BOX_READ");
	expect(DMAAPI_BOX_READ(b, &v) == -DMAAPI_ERR_LAYOUT, "BOX_READ size");
	v = 5;
	expect(!DMAAPI_MAP_SET(m, 1, &v) && buf32[1] == 5, "MAP_SET");
	v = 0;
	expect(!DMAAPI_MAP_READ(m, 1, &v) && v == 5, "MAP_READ");
	expect(DMAAPI_MAP_SET(m, 1, &c) == -DMAAPI_ERR_LAYOUT, "MAP_SET size");

	/* the volatile typed accessors (header only); a struct goes to the library */
	v = 78;
	expect(!DMAAPI_ARRAY_PUT(a, 3, &v), "ARRAY_PUT");
	v = 0;
	expect(!DMAAPI_ARRAY_GET(a, 3, &v) && v == 78, "ARRAY_GET");
	expect(DMAAPI_ARRAY_GET(a, 3, &q) == -DMAAPI_ERR_LAYOUT, "ARRAY_GET size");
	p.seq = 44;
	expect(!DMAAPI_BOX_PUT(b, &p), "BOX_PUT (struct)");
	expect(!DMAAPI_BOX_GET(b, &p2) && p2.seq == 44, "BOX_GET (struct)");
	v = 6;
	expect(!DMAAPI_MAP_PUT(m, 1, &v) && buf32[1] == 6, "MAP_PUT");
	v = 0;
	expect(!DMAAPI_MAP_GET(m, 1, &v) && v == 6, "MAP_GET");

	/* the error path of the inline accessors goes to the library */
	expect(dmaapi_array_read(a, 16, &v) == -DMAAPI_ERR_INDEX, "index");
	expect(dmaapi_map_set(m, 16, &v) == -DMAAPI_ERR_INDEX, "map index");

	/* a doorbell-style sequence with the barriers */
	v = 1;
	expect(!dmaapi_array_set(a, 0, &v), "descriptor");
	dmaapi_dma_wmb();
	dmaapi_wmb();
	dmaapi_rmb();
	dmaapi_dma_rmb();
	dmaapi_mb();
	expect(!dmaapi_array_read(a, 0, &v) && v == 1, "status");

	dmaapi_map_free(m);
	dmaapi_box_free(b);
	dmaapi_array_free(a8);
	dmaapi_array_free(a);
	dmaapi_device_close(dev);
	printf("%s - header_use\n", failures ? "not ok" : "ok");
	return failures != 0;
}

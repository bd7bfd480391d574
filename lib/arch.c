// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Default cache maintenance, the crate's osal::arch: real on aarch64 (where
 * Linux lets EL0 clean and clean+invalidate by VA, SCTLR_EL1.UCI), memory
 * barriers elsewhere (x86 and other coherent platforms).
 */
#include "internal.h"

/* CTR_EL0.DminLine: log2 of the smallest data cache line in 4-byte words. */
size_t dmaapi__ctr_dcache_line(uint64_t ctr)
{
	return (size_t)4 << ((ctr >> 16) & 0xf);
}

/* The @line-sized lines covering [addr, addr + size): the first in *first,
 * the number returned (0 for size 0). */
size_t dmaapi__dcache_lines(uintptr_t addr, size_t size, size_t line, uintptr_t *first)
{
	uintptr_t start = addr & ~(uintptr_t)(line - 1);

	*first = start;
	if (!size)
		return 0;
	return (size_t)((addr + size - 1 - start) / line + 1);
}

#if defined(__aarch64__)
static size_t dcache_line(void)
{
	uint64_t ctr;

	__asm__ volatile("mrs %0, ctr_el0" : "=r"(ctr));
	return dmaapi__ctr_dcache_line(ctr);
}

/* "dc op" on every line of the range, then wait for them to complete. */
#define DCACHE_OP(op, addr, size)                                                   \
	do {                                                                        \
		size_t line_ = dcache_line();                                       \
		uintptr_t p_;                                                       \
		size_t n_ = dmaapi__dcache_lines((uintptr_t)(addr), (size), line_, &p_); \
		for (; n_; n_--, p_ += line_)                                       \
			__asm__ volatile("dc " op ", %0" : : "r"(p_) : "memory");   \
		__asm__ volatile("dsb sy" : : : "memory");                          \
	} while (0)

void dmaapi__arch_flush(void *addr, size_t size)
{
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	DCACHE_OP("cvac", addr, size);
}

void dmaapi__arch_invalidate(void *addr, size_t size)
{
	/* EL0 may not "dc ivac"; clean+invalidate drops the lines as well. */
	DCACHE_OP("civac", addr, size);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
}

void dmaapi__arch_flush_invalidate(void *addr, size_t size)
{
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	DCACHE_OP("civac", addr, size);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
}
#else
void dmaapi__arch_flush(void *addr, size_t size)
{
	(void)addr;
	(void)size;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
}

void dmaapi__arch_invalidate(void *addr, size_t size)
{
	(void)addr;
	(void)size;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
}

void dmaapi__arch_flush_invalidate(void *addr, size_t size)
{
	(void)addr;
	(void)size;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
}
#endif

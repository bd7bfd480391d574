// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Default cache maintenance, the crate's osal::arch: real on aarch64 (where
 * Linux lets EL0 clean and clean+invalidate by VA, SCTLR_EL1.UCI), memory
 * barriers elsewhere (x86 and other coherent platforms).
 */
#include "internal.h"

#if defined(__aarch64__)
static size_t dcache_line(void)
{
	uint64_t ctr;

	__asm__ volatile("mrs %0, ctr_el0" : "=r"(ctr));
	return (size_t)4 << ((ctr >> 16) & 0xf);
}

#define DCACHE_OP(op, addr, size)                                                   \
	do {                                                                        \
		size_t line_ = dcache_line();                                       \
		uintptr_t p_ = (uintptr_t)(addr) & ~(uintptr_t)(line_ - 1);         \
		uintptr_t end_ = (uintptr_t)(addr) + (size);                        \
		for (; p_ < end_; p_ += line_)                                      \
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

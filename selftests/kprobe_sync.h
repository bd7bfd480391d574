/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kprobe witness of the kernel's DMA cache maintenance
 * (arch_sync_dma_for_device/cpu), shared by dmaapi_sync and
 * dmaapi_dmabuf_sync.
 */
#ifndef DMAAPI_KPROBE_SYNC_H
#define DMAAPI_KPROBE_SYNC_H

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#if defined(__arm__)
/*
 * Does the running 32-bit ARM kernel use LPAE's 3-level page tables?  Its
 * fault table names do_sect_fault only without LPAE (arch/arm/mm/fault.c),
 * and do_bad in both, which shows that kallsyms lists static functions.
 * 1, 0, or -1: cannot tell.
 */
static inline int arm_lpae(void)
{
	char line[256], name[128], type;
	bool sect = false, bad = false;
	unsigned long long addr;
	FILE *f = fopen("/proc/kallsyms", "re");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%llx %c %127s", &addr, &type, name) != 3)
			continue;
		if (!strcmp(name, "do_sect_fault"))
			sect = true;
		else if (!strcmp(name, "do_bad"))
			bad = true;
	}
	fclose(f);
	return bad ? !sect : -1;
}
#endif

/*
 * The kprobe fetch arguments of arch_sync_dma_for_{device,cpu}(paddr, size,
 * dir) as "paddr=... size=...".  32-bit ARM has no $argN (no
 * HAVE_FUNCTION_ARG_ACCESS_API): its registers, where with LPAE the 64-bit
 * phys_addr_t takes r0:r1 (the test boards' RAM lies below 4 GiB: r0) and
 * size r2, else r0 and r1.
 */
static inline const char *sync_probe_args(void)
{
#if defined(__arm__)
	return arm_lpae() == 1 ? "paddr=%r0:x32 size=%r2:x32" : "paddr=%r0:x32 size=%r1:x32";
#else
	return "paddr=$arg1:x64 size=$arg2:x64";
#endif
}

#endif /* DMAAPI_KPROBE_SYNC_H */

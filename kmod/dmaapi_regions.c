// SPDX-License-Identifier: GPL-2.0
/*
 * dmaapi: a bound device's registers through its node
 * (DMAAPI_IOCTL_REGION_INFO, and mmap at DMAAPI_REGION_MMAP_OFFSET).
 *
 * The regions are a PCI device's BARs or a platform device's memory
 * resources (a device-tree device's "reg").  A mapping is uncached and made
 * at mmap() time (io_remap_pfn_range); removal zaps it with every other
 * mapping of the node (unmap_mapping_range in dmaapi_dev_remove), and the
 * fault handler then raises SIGBUS: the VMA never reaches the device's
 * old address again.  mmap() runs under the mmap_lock and takes no
 * ctx->lock (see dmaapi.h); it checks removal under dev->mmap_sem.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/ioport.h>
#include <linux/mm.h>
#include <linux/overflow.h>
#include <linux/pci.h>
#include <linux/platform_device.h>

#include "dmaapi.h"

/* The device's region @index, or NULL; *@count is how many it has. */
static struct resource *dmaapi_region(struct dmaapi_dev *ddev,
				      unsigned int index, unsigned int *count)
{
	struct platform_device *pdev;
	struct resource *res;
	unsigned int i, n = 0;

	*count = 0;
	if (ddev->is_default)
		return NULL;
	if (ddev->is_pci) {
		*count = PCI_STD_NUM_BARS;
		return index < PCI_STD_NUM_BARS ?
		       &to_pci_dev(ddev->dev)->resource[index] : NULL;
	}
	pdev = to_platform_device(ddev->dev);
	res = NULL;
	for (i = 0; i < pdev->num_resources; i++) {
		if (resource_type(&pdev->resource[i]) != IORESOURCE_MEM)
			continue;
		if (n == index)
			res = &pdev->resource[i];
		n++;
	}
	*count = min_t(unsigned int, n, DMAAPI_REGION_MAX_INDEX);
	return index < *count ? res : NULL;
}

static u32 dmaapi_region_flags(struct resource *res)
{
	resource_size_t len = resource_size(res);
	u32 flags = 0;

	if (!res->start || !len)
		return 0;
	if (resource_type(res) == IORESOURCE_IO)
		return DMAAPI_REGION_IO;
	if (resource_type(res) != IORESOURCE_MEM)
		return 0;
	if (res->flags & IORESOURCE_PREFETCH)
		flags |= DMAAPI_REGION_PREFETCH;
	if (PAGE_ALIGNED(res->start) && PAGE_ALIGNED(len) &&
	    len <= DMAAPI_REGION_MAX_LENGTH)
		flags |= DMAAPI_REGION_MMAP;
	return flags;
}

int dmaapi_ioctl_region_info(struct dmaapi_ctx *ctx, void *arg)
{
	struct dmaapi_region_info *cmd = arg;
	struct resource *res;
	unsigned int count;

	if (cmd->flags)
		return -EOPNOTSUPP;
	if (cmd->__reserved || cmd->index >= DMAAPI_REGION_MAX_INDEX)
		return -EINVAL;
	res = dmaapi_region(ctx->ddev, cmd->index, &count);
	cmd->count = count;
	cmd->region_flags = res ? dmaapi_region_flags(res) : 0;
	cmd->length = cmd->region_flags ? resource_size(res) : 0;
	cmd->mmap_offset = DMAAPI_REGION_MMAP_OFFSET(cmd->index);
	return 0;
}

/**
 * dmaapi_region_reg() - a register of a region of the node's device
 * @ddev: the node's device
 * @index: the region (as REGION_INFO numbers them)
 * @offset: of the register in the region
 * @len: the register's width in bytes
 * @phys: its CPU physical address (out)
 *
 * For a DMA engine given the register (a slave channel's configuration):
 * the caller maps @phys for the engine's device.
 *
 * Return: 0; -EINVAL if the device has no such memory region; -ERANGE if
 * the register does not lie inside it.
 */
int dmaapi_region_reg(struct dmaapi_dev *ddev, u32 index, u64 offset, u32 len,
		      phys_addr_t *phys)
{
	struct resource *res;
	unsigned int count;
	u64 end;

	if (index >= DMAAPI_REGION_MAX_INDEX)
		return -EINVAL;
	res = dmaapi_region(ddev, index, &count);
	if (!res || resource_type(res) != IORESOURCE_MEM || !res->start ||
	    !resource_size(res))
		return -EINVAL;
	if (check_add_overflow(offset, (u64)len, &end) ||
	    end > resource_size(res))
		return -ERANGE;
	*phys = res->start + offset;
	return 0;
}

/* After removal zapped the mapping: never map the device again. */
static vm_fault_t dmaapi_region_fault(struct vm_fault *vmf)
{
	return VM_FAULT_SIGBUS;
}

static const struct vm_operations_struct dmaapi_region_vm_ops = {
	.fault = dmaapi_region_fault,
#ifdef CONFIG_HAVE_IOREMAP_PROT
	.access = generic_access_phys,	/* ptrace and /proc/pid/mem */
#endif
};

/* vma->vm_pgoff has handle bits 0: the region's index and a page offset. */
int dmaapi_region_mmap(struct dmaapi_ctx *ctx, struct vm_area_struct *vma)
{
	const unsigned int shift = DMAAPI_REGION_SHIFT - PAGE_SHIFT;
	unsigned long index = vma->vm_pgoff >> shift;
	unsigned long pgoff = vma->vm_pgoff & ((1UL << shift) - 1);
	struct dmaapi_dev *ddev = ctx->ddev;
	unsigned long npages;
	struct resource *res;
	unsigned int count;
	int ret;

	if (index >= DMAAPI_REGION_MAX_INDEX)
		return -ENXIO;
	res = dmaapi_region(ddev, index, &count);
	if (!res || !(dmaapi_region_flags(res) & DMAAPI_REGION_MMAP))
		return -ENXIO;
	npages = resource_size(res) >> PAGE_SHIFT;
	if (pgoff >= npages || vma_pages(vma) > npages - pgoff)
		return -ENXIO;

	down_read(&ddev->mmap_sem);
	if (ddev->dead) {
		ret = -ENODEV;
		goto out;
	}
	ret = dmaapi_ctx_note_mm(ctx, vma->vm_mm);
	if (ret)
		goto out;
	vma->vm_page_prot = pgprot_noncached(vma->vm_page_prot);
	vma->vm_ops = &dmaapi_region_vm_ops;
	ret = io_remap_pfn_range(vma, vma->vm_start,
				 (res->start >> PAGE_SHIFT) + pgoff,
				 vma->vm_end - vma->vm_start,
				 vma->vm_page_prot);
out:
	up_read(&ddev->mmap_sem);
	return ret;
}

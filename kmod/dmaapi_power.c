// SPDX-License-Identifier: GPL-2.0
/*
 * dmaapi: a device-tree device bound to dmaapi has no driver of its own to
 * turn it on, and on most SoCs unused clocks are gated at boot: bind powers
 * its domain (runtime PM), enables every clock it lists and deasserts its
 * resets, in that order; unbind undoes it in reverse once the device's DMA
 * and interrupts are stopped.  Clocks and resets are devm: a failed probe
 * or an unbind releases them after this file's undo.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/clk.h>
#include <linux/of.h>
#include <linux/pm_runtime.h>
#include <linux/reset.h>

#include "dmaapi.h"

int dmaapi_power_on(struct device *dev, struct dmaapi_power *pwr)
{
	int ret;

	memset(pwr, 0, sizeof(*pwr));
	if (!dev_of_node(dev))
		return 0;

	pm_runtime_enable(dev);
	ret = pm_runtime_resume_and_get(dev);
	if (ret) {
		pm_runtime_disable(dev);
		return dev_err_probe(dev, ret, "cannot power it up\n");
	}
	pwr->pm_on = true;

	ret = devm_clk_bulk_get_all(dev, &pwr->clks);
	if (ret < 0) {
		dev_err_probe(dev, ret, "cannot get its clocks\n");
		goto err_pm;
	}
	pwr->nclks = ret;
	ret = clk_bulk_prepare_enable(pwr->nclks, pwr->clks);
	if (ret) {
		dev_err_probe(dev, ret, "cannot enable its clocks\n");
		goto err_pm;
	}

	pwr->rst = devm_reset_control_array_get_optional_exclusive(dev);
	if (IS_ERR(pwr->rst)) {
		ret = dev_err_probe(dev, PTR_ERR(pwr->rst), "cannot get its resets\n");
		pwr->rst = NULL;
		goto err_clk;
	}
	ret = reset_control_deassert(pwr->rst);	/* NULL: none, a no-op */
	if (ret) {
		dev_err_probe(dev, ret, "cannot deassert its resets\n");
		goto err_clk;
	}
	return 0;

err_clk:
	clk_bulk_disable_unprepare(pwr->nclks, pwr->clks);
err_pm:
	pm_runtime_put_sync(dev);
	pm_runtime_disable(dev);
	memset(pwr, 0, sizeof(*pwr));
	return ret;
}

void dmaapi_power_off(struct device *dev, struct dmaapi_power *pwr)
{
	if (!pwr->pm_on)
		return;
	reset_control_assert(pwr->rst);
	clk_bulk_disable_unprepare(pwr->nclks, pwr->clks);
	pm_runtime_put_sync(dev);
	pm_runtime_disable(dev);
	memset(pwr, 0, sizeof(*pwr));
}

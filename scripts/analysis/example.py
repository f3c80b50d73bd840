"""Load an lnsweep output folder with pandas and draw a phase diagram with matplotlib.

    npx lnsweep run sweeps/phase-diagram.yaml && npx lnsweep merge out/phase-diagram
    python3 scripts/analysis/example.py out/phase-diagram        # writes out/phase-diagram/example-phase.png

Needs pandas, pyarrow and matplotlib (pip install pandas pyarrow matplotlib). Our Arrow files are uncompressed IPC
files (Feather v2), so pandas.read_feather reads them directly; polars.read_ipc works the same way.
"""
import sys

import matplotlib

matplotlib.use("Agg")  # no display needed
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

out = sys.argv[1] if len(sys.argv) > 1 else "out/phase-diagram"

# Every run's metric rows with its parameter columns (written by `lnsweep merge`).
m = pd.read_feather(f"{out}/metrics.arrow")
# One row per run: parameters, status, final metrics, phase markers, norm_decay_rate, collapsed.
s = pd.read_feather(f"{out}/summary.arrow")
print(s.groupby("status").size().to_string())

# A phase diagram from the summary: median Phase I norm decay rate over sigma x alpha, one panel per width.
# Diverged runs are left out of the median; a cell where most runs diverged is drawn hatched.
widths = sorted(s.width.unique())
fig, axes = plt.subplots(1, len(widths), figsize=(4.2 * len(widths), 3.6), squeeze=False, constrained_layout=True)
ok = s[s.status == "done"]
vmax = ok.norm_decay_rate.max()
for ax, width in zip(axes[0], widths):
    grid = ok[ok.width == width].pivot_table(index="alpha", columns="sigma", values="norm_decay_rate", aggfunc="median")
    grid = grid.reindex(index=sorted(s.alpha.unique()), columns=sorted(s.sigma.unique()))
    img = ax.imshow(np.clip(grid.values, vmax * 1e-4, None), origin="lower", aspect="auto", cmap="viridis",
                    norm=matplotlib.colors.LogNorm(vmin=vmax * 1e-4, vmax=vmax))
    frac_div = s[s.width == width].assign(div=s.status == "diverged").pivot_table(
        index="alpha", columns="sigma", values="div", aggfunc="mean").reindex_like(grid)
    for (i, j), f in np.ndenumerate(frac_div.values):
        if f > 0.5:
            ax.add_patch(plt.Rectangle((j - 0.5, i - 0.5), 1, 1, fill=True, color="#d62728", hatch="xx"))
    ax.set_xticks(range(len(grid.columns)), [f"{v:g}" for v in grid.columns])
    ax.set_yticks(range(len(grid.index)), [f"{v:g}" for v in grid.index])
    ax.set_xlabel("label noise σ")
    ax.set_ylabel("init scale α")
    ax.set_title(f"width m = {width}")
fig.colorbar(img, ax=axes[0].tolist(), label="Phase I norm decay rate (1/step)")
fig.savefig(f"{out}/example-phase.png", dpi=120)
print(f"{out}/example-phase.png")

# Trajectories from metrics.arrow: median mean ||w_i||^2 against step for each sigma, at alpha = 1, width = 1000.
sel = m[(m.alpha == 1) & (m.width == m.width.median())]
curves = sel.groupby(["sigma", "step"]).w_norm2_mean.median().unstack(0)
print(curves.iloc[:: max(1, len(curves) // 5)].to_string(float_format="%.3g"))

"""The 2D mixings × objectives at their settings (Sec. 5.1, App. H.1): the runs behind their 2D panels.

The paper prints no number for these runs (``[two_d_experiments].numeric_results``: figures
only); the Gaussian column (α = 2) of its App. H.7 panels is the same experiment, and those
numbers are scored in :mod:`.alpha` from these runs when ``paper_alpha`` has no α = 2 run.
"""

from __future__ import annotations

from lejepa_verify.validation.paper import scorecard as sc
from lejepa_verify.validation.paper.runs import Evidence
from lejepa_verify.validation.paper.text import cell_text, walls

TABLE = "two_d_experiments"


def mixings_table(ev: Evidence) -> list[str]:
    """Markdown rows of the 2D mixings × objectives runs (R² on the law and on their grid, orthogonality error)."""
    lines = ["The paper publishes no numbers for these runs beyond its α = 2 column of App. H.7 (scored in the α "
             "table). InfoNCE fixes no scale of h, so its orthogonality error ‖AᵀA − I‖ measures the scale as much as "
             "the rotation; R² does not depend on it.", "",
             "| mixing | objective | R²(h→z) on the law | R²(h→z) grid | orth err | wall s |", "|---|---|---|---|---|---|"]
    for c in ev.cells("paper_2d"):
        if c.config.seed != 1337:
            continue
        lines.append(f"| {c.config.mixing} | {c.config.objective} | {cell_text(c, 'r2_hz', 4)} "
                     f"| {cell_text(c, 'r2_hz_grid', 4)} | {cell_text(c, 'orth_err', 3)} | {walls(c)} |")
    return lines


def unscored(numbers) -> list[sc.Unscored]:
    """The 2D section's numbers are settings of the mixings."""
    t = numbers.table(TABLE)
    return [sc.Unscored(TABLE, k, "a setting of a mixing (the spiral's angle π, the shear's frequency, the count of "
                                  "mixings, a schematic rotation)")
            for k in ("spiral_angle_coefficient", "sinusoidal_frequency", "num_mixings", "illustration_rotation_deg")
            if k in t]

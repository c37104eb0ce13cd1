"""The book's figure defaults: one look for every chapter, readable in light and dark mode."""

from __future__ import annotations

import matplotlib as mpl
import seaborn as sns

# An opaque white figure keeps black text and axes readable on the website's dark theme too
# (a transparent PNG would put black labels on a dark page).
_RC = {
    "figure.figsize": (7.0, 4.0),
    "figure.dpi": 100,
    "figure.facecolor": "white",
    "savefig.facecolor": "white",
    "savefig.bbox": "tight",
    "axes.titlesize": 12,
    "axes.titleweight": "bold",
    "axes.labelsize": 11,
    "legend.frameon": False,
    # Identical SVG/PNG bytes from run to run: no random hash salt, no creation date.
    "svg.hashsalt": "mlbook",
}


def use_book_style() -> None:
    """Apply the book's plotting defaults (seaborn's colour-blind-safe palette on a light grid)."""
    sns.set_theme(context="notebook", style="whitegrid", palette="colorblind", rc=_RC)
    mpl.rcParams.update(_RC)

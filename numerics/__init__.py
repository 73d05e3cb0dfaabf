"""Floating-point analysis of LeJEPA identifiability (numpy, scipy, numba). Never imports torch."""

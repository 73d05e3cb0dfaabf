"""The authors' Lean axioms as written: sources, transcriptions, counter-model search (THEORY.md §6)."""

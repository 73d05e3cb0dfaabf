"""The authors' Lean axioms as written: sources, transcriptions, counter-model search (docs/theory.md §6)."""

"""Modules registering the theory layer's claims; each module is one topic of docs/theory.md."""

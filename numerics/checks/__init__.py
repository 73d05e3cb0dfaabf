"""Modules registering the numerics layer's claims."""

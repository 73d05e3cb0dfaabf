"""Modules registering the validation layer's claims."""

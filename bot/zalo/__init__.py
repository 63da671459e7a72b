"""Zalo Bot Platform adapter."""

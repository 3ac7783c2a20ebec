"""Writes of the protection app, one module per entity family."""

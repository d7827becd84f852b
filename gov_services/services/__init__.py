"""Writes, one module per entity family; import the function from its module."""

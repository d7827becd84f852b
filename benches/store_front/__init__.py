"""Servers for benches/store_weight.py: the store as we ship it and Oscar's stock store front."""

"""Flows of orders, goods and money: one module per tick phase (spec §3, phases 3-7, 9, 11)."""

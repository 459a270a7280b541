"""Replication suite: hypotheses from the literature and MODEL_SPEC §7, tested by sweeps."""

"""ecosim-abm: an agent-based model of an industrial ecosystem on Mesa."""

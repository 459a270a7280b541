"""Platform audits: platforms verify their members' ESG data (seed 003: verified ESG data,
blockchain traceability).

Each period a member's ESG claims are checked by its platform with probability
``platforms.audit_rate``, independently of third-party audits. The platform acts through the
``member_audit_rate`` investment lever; the ESG mechanism draws and judges every audit alike
(detection, fines, reputation), so a platform audit feeds the existing signalling mechanism.
"""

from __future__ import annotations

import numpy as np

from abm.core.state import FirmState


def member_audit_rate(firms: FirmState, rate: float) -> np.ndarray:
    """Per firm, the per-period probability that its platform audits it (0 for non-members)."""
    return np.where(firms.platform >= 0, rate, 0.0)


def combine(earlier: np.ndarray | None, rate: np.ndarray) -> np.ndarray:
    """Second-party audit probabilities of independent auditors, together."""
    return rate if earlier is None else 1.0 - (1.0 - earlier) * (1.0 - rate)

"""The probe rounds the leave-one-out measurement relies on (build_semantic.PROBE_BOUNDS)."""

from assistant.safety.build_semantic import PROBE_BOUNDS, labelled_sets


def test_each_probe_round_is_emergencies_then_non_emergencies():
    sets = labelled_sets()
    rounds = [sets[f"probe{i}"] for i in range(1, len(PROBE_BOUNDS) + 1)]
    for rows in rounds:
        labels = [bool(r["emergency"]) for r in rows]
        assert labels[0] and not labels[-1]
        assert 45 <= sum(labels) <= 80 and len(labels) - sum(labels) >= 60
    assert [a for a, _ in PROBE_BOUNDS[1:]] == [b for _, b in PROBE_BOUNDS[:-1]]


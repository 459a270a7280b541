"""The before/after speed comparison runs both sides alternately and reports every run."""

from __future__ import annotations

import subprocess

import pytest

from experiments.benchmarks.compare import REPO, main

IS_GIT = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--is-inside-work-tree"],
                        capture_output=True, text=True).stdout.strip() == "true"


def test_alternates_two_checkouts_and_reports_medians(capsys: pytest.CaptureFixture[str]
                                                      ) -> None:
    results = main(["--before", str(REPO), "--sizes", "200", "--ticks", "3", "--reps", "2"])
    assert set(results) == {("before", 200), ("after", 200)}
    assert all(len(rates) == 2 and min(rates) > 0 for rates in results.values())
    out = capsys.readouterr().out
    sides = [line.split()[1] for line in out.splitlines() if line.startswith("rep=")]
    assert sides == ["side=before", "side=after", "side=before", "side=after"]
    assert "firms=200: median ticks/s before" in out


@pytest.mark.skipif(not IS_GIT, reason="not a git checkout: no revision to materialise")
def test_a_git_revision_runs_in_a_temporary_worktree_that_is_removed() -> None:
    results = main(["--before", "HEAD", "--sizes", "200", "--ticks", "3", "--reps", "1"])
    assert min(results[("before", 200)]) > 0
    worktrees = subprocess.run(["git", "-C", str(REPO), "worktree", "list"], check=True,
                               capture_output=True, text=True).stdout
    assert "bench-" not in worktrees


def test_refuses_a_ticks_list_that_does_not_match_the_sizes() -> None:
    with pytest.raises(SystemExit) as error:
        main(["--before", str(REPO), "--sizes", "200", "300", "--ticks", "1", "2", "3"])
    assert error.value.code == 2


def test_after_overrides_reach_the_after_side_only(capsys: pytest.CaptureFixture[str]) -> None:
    # An override the model refuses: "before" runs (without it), then "after" fails with it.
    with pytest.raises(subprocess.CalledProcessError) as error:
        main(["--before", str(REPO), "--sizes", "200", "--ticks", "3", "--reps", "1",
              "--after-set", "platforms.acting=maybe"])
    assert "platforms.acting=maybe" in error.value.cmd
    assert "rep=1 side=before firms=200" in capsys.readouterr().out

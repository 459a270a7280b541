"""The before/after speed comparison steps both sides in lockstep and reports every repetition."""

from __future__ import annotations

import subprocess

import pytest

from experiments.benchmarks.compare import REPO, main

IS_GIT = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--is-inside-work-tree"],
                        capture_output=True, text=True).stdout.strip() == "true"


def test_steps_two_checkouts_in_lockstep_and_reports_medians(capsys: pytest.CaptureFixture[str]
                                                             ) -> None:
    results = main(["--before", str(REPO), "--sizes", "200", "--ticks", "5", "--chunk", "2",
                    "--reps", "2"])
    assert set(results) == {("before", 200), ("after", 200)}
    assert all(len(rates) == 2 and min(rates) > 0 for rates in results.values())
    out = capsys.readouterr().out
    assert [line.split()[0] for line in out.splitlines() if line.startswith("rep=")] == [
        "rep=1", "rep=2"]
    # 5 ticks in chunks of 2 = 3 chunks per repetition, paired: 6 chunk ratios.
    assert "firms=200: median ticks/s before" in out
    assert out.count("/6 chunks") == 1


@pytest.mark.skipif(not IS_GIT, reason="not a git checkout: no revision to materialise")
def test_a_git_revision_runs_in_a_temporary_worktree_that_is_removed() -> None:
    results = main(["--before", "HEAD", "--sizes", "200", "--ticks", "3", "--reps", "1",
                    "--cpu", "-1"])
    assert min(results[("before", 200)]) > 0
    worktrees = subprocess.run(["git", "-C", str(REPO), "worktree", "list"], check=True,
                               capture_output=True, text=True).stdout
    assert "bench-" not in worktrees


@pytest.mark.parametrize("option", [["--ticks", "1", "2", "3"], ["--chunk", "0"]])
def test_refuses_ticks_or_chunks_that_do_not_match_the_sizes(option: list[str]) -> None:
    with pytest.raises(SystemExit) as error:
        main(["--before", str(REPO), "--sizes", "200", "300", *option])
    assert error.value.code == 2


def test_after_overrides_reach_the_after_side_only() -> None:
    # An override the model refuses: the after side's worker fails with it and says why.
    with pytest.raises(subprocess.CalledProcessError) as error:
        main(["--before", str(REPO), "--sizes", "200", "--ticks", "3", "--reps", "1",
              "--after-set", "platforms.acting=maybe"])
    assert "platforms.acting=maybe" in error.value.cmd
    assert "platforms.acting" in error.value.stderr


def test_one_size_without_ticks_uses_the_default_for_its_size(
        capsys: pytest.CaptureFixture[str]) -> None:
    # As in the README: --sizes alone (200 ticks below 50,000 firms, in 20 turns).
    main(["--before", str(REPO), "--sizes", "200", "--reps", "1"])
    assert "firms=200 ticks=200 chunk=10" in capsys.readouterr().out

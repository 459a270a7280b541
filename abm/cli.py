"""The ``ecosim`` command: ``ecosim run [overrides]``, ``ecosim viz``, ``ecosim bench``."""

from __future__ import annotations

import argparse
import sys

USAGE = """usage: ecosim COMMAND [ARGS]

commands:
  run [OVERRIDES]   run one simulation (or a sweep with -m); Hydra overrides, e.g.
                    ecosim run scenario=pandemic seed=3 network.n_firms=5000
  viz [--host H] [--port P]
                    start the browser app (default http://127.0.0.1:8765)
  bench [--sizes N ...]
                    print ticks/s and firm-ticks/s for several network sizes
  sweep EXPERIMENT [OVERRIDES]
                    run (or resume) a named experiment and write its report
  replicate [--size ci|full] [--check]
                    run the replication suite and write its table
"""


def main(argv: list[str] | None = None) -> None:
    """Dispatch to a sub-command."""
    args = sys.argv[1:] if argv is None else argv
    if not args or args[0] in ("-h", "--help"):
        print(USAGE)
        raise SystemExit(0 if args else 2)
    command, rest = args[0], args[1:]
    if command == "run":
        from abm.run import main as run_main

        run_main(rest)
    elif command == "viz":
        from abm.viz import launch

        parser = argparse.ArgumentParser(prog="ecosim viz")
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8765)
        opts = parser.parse_args(rest)
        raise SystemExit(launch(host=opts.host, port=opts.port))
    elif command == "bench":
        from experiments.benchmarks.bench_engine import main as bench_main

        bench_main(rest)
    elif command in ("sweep", "replicate"):
        from experiments import cli as experiments_cli

        getattr(experiments_cli, f"{command}_main")(rest)
    else:
        print(f"error: unknown command '{command}'.\n{USAGE}", file=sys.stderr)
        raise SystemExit(2)


if __name__ == "__main__":
    main()

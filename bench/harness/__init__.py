"""The benchmark harness behind bench/run.py, in parts.

- `common`: the paths of a run (bench/, the repo, bench/out/) and its log line.
- `servers`: the processes of a run: servers in their own process groups, commands run to
  their end, waiting off a server's backlog, Datasette's venv.
- `builds`: which Entente a command runs: the working tree's, or the baseline commit's,
  exported into bench/out/baseline-<sha>/.
- `postgres`: the run's own PostgreSQL databases (dropped and created for each load).
- `wrk`: running wrk at a URL and reading what it says.
- `knowledge_base`: one knowledge-base size: the questions asked, generating and loading
  it (SQLite, the baseline's SQLite, PostgreSQL), serving it and measuring every question.
- `machine`: what the run ran on.
- `targets`: the issue's targets and whether a run meets them.
- `report`: the results block, the doc around it, and the saved results.
"""

"""Protection and enforcement (plan tasks 四, 五, 六).

- ``screening/``: the 蓝天 detectors as pure functions — vectorised MinHash + LSH
  over character shingles with exact Jaccard verification and union-find
  clusters (near-identical filings, copies with trivial substitutions), same-day
  split filings, and bulk-filing bursts against an applicant's or agency's own
  monthly norm; evidence (shared passages) and the risk score.
- ``services/screening.py``: runs (full, or incremental through
  ``screening_run_incremental(patent_ids=...)`` for importers), flagged groups,
  staff confirm/dismiss (audited; dismissed pairs never flagged again;
  confirmations raise the score of the same parties' later groups).
- ``services/enforcement.py`` + ``workflow.py``: campaigns, cases and their state
  machine, evidence files, cooperation between regions, mutual recognition.
- ``services/assistance.py``: assistance requests (triage, time limits,
  satisfaction), the workstation registry and activity, fast-track requests.

Enforcement data is visible only to enforcement staff inside their region
(``selectors.py``); the workstation registry and map are public.
"""

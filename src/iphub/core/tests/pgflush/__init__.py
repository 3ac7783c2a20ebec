"""The PostgreSQL engine of the test suite (``settings_test``): the platform's own
engine (``iphub.core.pgbackend``), emptying tables between transactional tests with
DELETE instead of TRUNCATE.

A transactional test (races, imports, the live server of the browser journeys)
ends with Django's flush of every table. PostgreSQL's TRUNCATE of the ~150 tables
replaces each table's and index's files: measured 1.1 to 2.2 s per test on this
machine, against 0.1 to 0.2 s for DELETE of the same, nearly empty, tables in one
transaction with triggers and foreign-key checks off for that transaction, as
TRUNCATE has them (``session_replication_role``; the suite's server user is a
superuser). Hundreds of transactional tests made this the largest single cost of
the PostgreSQL suite. The database, its constraints and its locking are the real
ones; only the way a finished test's rows are removed differs.
"""

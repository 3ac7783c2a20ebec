"""Django's PostgreSQL backend with one change: small bulk inserts use VALUES.

Django (5.2+) sends every multi-row ``bulk_create`` on PostgreSQL as
``INSERT ... SELECT * FROM UNNEST(%s::type[], ...)``, to spare the server the
planning of long VALUES lists. For the two or three rows a workflow step writes
(a filing's create and submit history, its audit entries, its three uploaded
materials) that costs more than it saves: psycopg adapts each column as an
array, element by element, ~0.7-1 ms of CPU per call on this machine (measured:
two audit entries 2.0 ms with UNNEST, 0.9 ms with VALUES), and with statements
prepared by the server (settings: ``prepare_threshold``) a short VALUES form is
planned once anyway. Imports of hundreds of rows keep UNNEST.
"""

"""The soak and the faults (``make soak``, ``make faults``): the blog under gunicorn, on a
PostgreSQL cluster and a Redis of their own, written to and read from at once for a while,
then every write it acknowledged checked in the database. See docs/testing.md."""

"""The load benchmark behind `make bench`: a throwaway database, gunicorn and wrk. See scripts/bench.py."""

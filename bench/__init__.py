"""Benchmarks (``make bench``): the service beside the floor of what this machine can do."""

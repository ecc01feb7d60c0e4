"""The data generator and page benchmark (not part of the test suite): see
README.md, "Benchmark", and `python -m bench --help`."""

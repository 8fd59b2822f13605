"""Fault and load tests: concurrent desks, a killed process, fuzzed input, every role, tampering."""

"""Analysis of intercepted five-figure-group messages: triage, structure, intercept logs."""

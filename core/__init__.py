"""The kernel every app may use: roles and permission helpers, the workflow engine, rate
limiting, uploads, PDF fonts, jobs by name, request helpers. It imports no domain app."""

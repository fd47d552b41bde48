"""The kernel every app may use: roles and permission helpers, the workflow engine, rate
limiting, uploads, PDF fonts, jobs by name, request helpers, the working-day calendar
(法定节假日 and 调休). It imports no domain app."""

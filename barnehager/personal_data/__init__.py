"""A person's rights over her data (GDPR articles 15, 17 and 5(1)(e)): export, erasure and
the retention that removes what is no longer needed. docs/domain.md, "Personal data"."""

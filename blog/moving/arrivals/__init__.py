"""Moving in from Ghost and WordPress: their exports read, written through the domain layer,
with redirects from the old addresses."""

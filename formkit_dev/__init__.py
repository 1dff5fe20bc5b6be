"""Development tools beside the product: test-material generators for benchmarks and tests.

Nothing in the `formkit` package imports from here (the product reads forms; it does not
invent them)."""

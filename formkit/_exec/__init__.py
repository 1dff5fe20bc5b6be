"""One wrapper per external program: locate it, run it with a timeout, and turn its
failures into formkit errors. Nothing else in formkit starts a process."""

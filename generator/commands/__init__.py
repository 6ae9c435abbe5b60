"""One module per command: build, analyze, serve, new, publish."""

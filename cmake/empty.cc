// Keeps every target non-empty while its sources are globbed in.

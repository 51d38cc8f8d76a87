//! Integration tests for ingest.

//! Story clustering and copy detection tests.

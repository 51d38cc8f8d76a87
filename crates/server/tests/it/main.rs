//! The server crate's integration tests: one binary, one module per part. Every test runs real
//! listening servers on 127.0.0.1 and never touches the network.

mod live;
